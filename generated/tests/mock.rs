//! The `mock` feature as a user's test would use it, through its public API only: typed
//! per-operation mocks (`respond`, `fail`, `query`, `times`, `expect`), a walk over pages,
//! and scripted MFA flows (one and two challenges, the challenge as set, the link a request
//! names in its body or path, and resumes refused as Belvo refuses them).

use belvo::mfa::{resume, Challenge, Step, Token};
use belvo::mock::{MockServer, MOCK_SECRET_ID};
use belvo::{builder, types, Error, MfaExt};
use futures::TryStreamExt;
use std::sync::atomic::{AtomicU32, Ordering};

fn account(name: &str) -> types::Account {
    types::Account {
        name: Some(name.to_owned()),
        ..Default::default()
    }
}

fn page(names: &[&str], next: Option<String>) -> types::AccountsPage {
    types::AccountsPage {
        count: Some(3),
        next,
        results: names.iter().map(|n| account(n)).collect(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_walk_over_typed_pages() {
    let server = MockServer::start().await;
    let next = format!("{}/api/accounts/?page=2", server.uri());
    server
        .list_all_accounts()
        .query("page", "2")
        .expect(1)
        .respond(page(&["c"], None))
        .await;
    server
        .list_all_accounts()
        .expect(1)
        .respond(page(&["a", "b"], Some(next)))
        .await;
    let client = server.client();
    let names: Vec<String> = client
        .paginate(client.list_all_accounts().page_size(2).send())
        .map_ok(|a| a.name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    // The client authenticated with the mock's credentials.
    let requests = server.received_requests().await;
    assert_eq!(requests.len(), 2);
    let auth = requests[0].headers.get("authorization").unwrap();
    assert!(auth.to_str().unwrap().starts_with("Basic "));
    assert!(!MOCK_SECRET_ID.is_empty());
}

#[tokio::test]
async fn path_parameters_match_any_value_and_failures_are_typed() {
    let server = MockServer::start().await;
    let error = vec![types::Error {
        code: Some("not_found".into()),
        message: Some("Link not found".into()),
        request_id: Some("r-404".into()),
        ..Default::default()
    }];
    server
        .get_a_links_details()
        .times(1)
        .fail(404, &error)
        .await;
    server
        .get_a_links_details()
        .respond(types::Link {
            institution: Some("erebor_mx_retail".into()),
            ..Default::default()
        })
        .await;
    let client = server.client();
    let id = uuid::Uuid::new_v4();
    let err = Error::from(
        client
            .get_a_links_details()
            .id(id)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.code(), Some("not_found"));
    assert_eq!(err.request_id(), Some("r-404"));
    // `times(1)` is used up: the next mock answers.
    let link = client.get_a_links_details().id(id).send().await.unwrap();
    assert_eq!(link.institution.as_deref(), Some("erebor_mx_retail"));
    // Another operation on the same path is not mocked: the server's empty 404, which is not
    // the operation's documented 404 body, and is a 404 all the same.
    let deleted = Error::from(client.delete_a_link().id(id).send().await.unwrap_err());
    assert_eq!(
        deleted.status().map(|s| s.as_u16()),
        Some(404),
        "{deleted:?}"
    );
    assert!(deleted.body().is_none() && deleted.api().unwrap().mismatch().is_some());
}

#[tokio::test]
async fn a_scripted_mfa_flow_in_one_and_two_rounds() {
    for challenges in [1, 2] {
        let server = MockServer::start().await;
        let balances = vec![types::Balance {
            balance: Some(12.5),
            ..Default::default()
        }];
        server
            .mfa::<builder::RetrieveBalancesForALink>()
            .session("s-42")
            .challenges(challenges)
            .then_respond(balances)
            .await;
        let asked = AtomicU32::new(0);
        let provider = |c: &Challenge| {
            asked.fetch_add(1, Ordering::SeqCst);
            assert_eq!(c.session, "s-42");
            async { Ok::<_, String>(Token::new("123456")) }
        };
        let link = uuid::Uuid::new_v4();
        let got = server
            .client()
            .retrieve_balances_for_a_link()
            .body(dated(link))
            .with_mfa(&provider)
            .await
            .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].balance, Some(12.5));
        assert_eq!(asked.load(Ordering::SeqCst), challenges);
        let methods: Vec<String> = server
            .received_requests()
            .await
            .iter()
            .map(|r| r.method.to_string())
            .collect();
        let mut expected = vec!["POST"];
        expected.extend(std::iter::repeat_n("PATCH", challenges as usize));
        assert_eq!(methods, expected);
    }
}

type Balances = builder::RetrieveBalancesForALink<'static>;

fn date(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

/// A balances or transactions retrieve for `link` over January 2024.
fn dated(link: uuid::Uuid) -> types::builder::RetrieveBalancesForALinkBody {
    types::builder::RetrieveBalancesForALinkBody::default()
        .link(link)
        .date_from(date("2024-01-01"))
        .date_to(date("2024-01-31"))
}

/// The error code of a resume the mock refused.
fn refused(result: Result<Step<Vec<types::Balance>>, belvo::mfa::ErrorOf<Balances>>) -> String {
    let err = match result {
        Ok(_) => panic!("the resume was accepted"),
        Err(e) => Error::from(e),
    };
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err:?}");
    err.code().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_scripted_mfa_flow_checks_each_resume_as_belvo_does() {
    let server = MockServer::start().await;
    let link = uuid::Uuid::new_v4();
    server
        .mfa::<Balances>()
        .link(link)
        .challenges(2)
        .status(201)
        .challenge(types::MfaTokenRequired {
            session: Some("s-1".into()),
            request_id: Some("r-1".into()),
            token_generation_data: Some(types::TokenGenerationData {
                instructions: Some("Type the SMS code".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .then_respond(vec![types::Balance::default()])
        .await;
    let client = server.client();
    let request = |link| client.retrieve_balances_for_a_link().body(dated(link));
    // Another link is not challenged: nothing answers it.
    let other = Error::from(
        request(uuid::Uuid::new_v4())
            .send_or_challenge()
            .await
            .unwrap_err(),
    );
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404));

    let Step::Challenge(challenge) = request(link).send_or_challenge().await.unwrap() else {
        panic!("no challenge");
    };
    // What the script set, the mock's defaults for the rest, and the request's link.
    assert_eq!(challenge.session, "s-1");
    assert_eq!(challenge.request_id.as_deref(), Some("r-1"));
    let tgd = &challenge.token_generation_data;
    assert_eq!(tgd.instructions.as_deref(), Some("Type the SMS code"));
    assert_eq!(tgd.kind.as_deref(), Some("numeric"));
    assert!(tgd.expects_user_input);
    assert_eq!(challenge.code.as_deref(), Some("token_required"));
    assert_eq!(challenge.link, Some(link.to_string()));

    let token = || Some(Token::new("123456"));
    let changed = |change: fn(&mut Challenge)| {
        let mut c = challenge.clone();
        change(&mut c);
        c
    };
    let wrong_session = changed(|c| c.session = "s-2".into());
    let wrong_link = changed(|c| c.link = Some(uuid::Uuid::new_v4().to_string()));
    for wrong in [&wrong_session, &wrong_link] {
        let got = refused(resume::<Balances>(&client, wrong, token()).await);
        assert_eq!(got, "session_expired");
    }
    for missing in [None, Some(Token::new(""))] {
        let got = refused(resume::<Balances>(&client, &challenge, missing).await);
        assert_eq!(got, "invalid_token");
    }
    // None of the refusals used up a challenge: the first good resume is challenged again
    // (naming the same link), the second answered.
    let again = resume::<Balances>(&client, &challenge, token())
        .await
        .unwrap();
    let Step::Challenge(again) = again else {
        panic!("the second challenge was used up");
    };
    assert_eq!(again.link, Some(link.to_string()));
    let done = resume::<Balances>(&client, &again, token()).await.unwrap();
    assert!(matches!(done, Step::Done(ref b) if b.len() == 1 && b.status() == 201));
}

#[tokio::test]
async fn the_link_is_taken_from_the_path_only_where_the_path_names_it() {
    // `PUT /api/links/{id}/` names its link in the path; without user input no token is due.
    let server = MockServer::start().await;
    let link = uuid::Uuid::new_v4();
    server
        .mfa::<builder::UpdateALinksCredentials>()
        .link(link)
        .without_user_input()
        .then_respond(types::Link::default())
        .await;
    let client = server.client();
    let update = |id| {
        client
            .update_a_links_credentials()
            .id(id)
            .body_map(|b| b.password("full"))
    };
    let other = Error::from(update(uuid::Uuid::new_v4()).send().await.unwrap_err());
    // Not mocked: the server's empty 404, not the operation's documented 404 body.
    assert_eq!(other.status().map(|s| s.as_u16()), Some(404), "{other:?}");
    let Step::Challenge(challenge) = update(link).send_or_challenge().await.unwrap() else {
        panic!("no challenge");
    };
    assert_eq!(challenge.link, Some(link.to_string()));
    assert!(!challenge.token_generation_data.expects_user_input);
    type Update = builder::UpdateALinksCredentials<'static>;
    let done = resume::<Update>(&client, &challenge, None).await.unwrap();
    // The spec's first success status, without `status`.
    assert!(matches!(done, Step::Done(ref l) if l.status() == 200));
}

/// A body field the API requires is required in the client: leaving it out fails before any
/// request leaves, with the operation and the field named.
#[tokio::test]
async fn a_request_without_its_required_link_never_leaves() {
    let server = MockServer::start().await;
    server
        .mfa::<Balances>()
        .then_respond(vec![types::Balance::default()])
        .await;
    let without_link = types::builder::RetrieveBalancesForALinkBody::default()
        .date_from(date("2024-01-01"))
        .date_to(date("2024-01-31"));
    let client = server.client();
    let call = || client.retrieve_balances_for_a_link();
    let err = Error::from(call().body(without_link.clone()).send().await.unwrap_err());
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("no value supplied for link")),
        "{err}"
    );
    let Err(err) = call().body(without_link).send_or_challenge().await else {
        panic!("a body without its link was sent");
    };
    let text = err.to_string();
    assert!(
        text.contains("retrieve_balances_for_a_link") && text.contains("link"),
        "{text}"
    );
    assert!(server.received_requests().await.is_empty());
}

/// Retrieving transactions answers 200/201 with the data or 202 Accepted with a request id
/// (Belvo's asynchronous mode): each status is its own variant, and the mock answers the
/// status of the variant it is given.
#[tokio::test]
async fn each_success_status_of_transactions_is_its_own_variant() {
    use types::RetrieveTransactionsForALinkSuccess as Success;
    let transaction = types::Transaction {
        description: Some("coffee".to_owned()),
        ..Default::default()
    };
    let accepted = types::RetrieveTransactionsForALinkResponse {
        request_id: Some("8a1f".to_owned()),
    };
    for (body, status) in [
        (Success::Ok(vec![transaction.clone()]), 200),
        (
            Success::Created(vec![transaction.clone(), transaction]),
            201,
        ),
        (Success::Accepted(accepted), 202),
    ] {
        let server = MockServer::start().await;
        server
            .retrieve_transactions_for_a_link()
            .expect(1)
            .respond(body.clone())
            .await;
        let response = server
            .client()
            .retrieve_transactions_for_a_link()
            .x_belvo_request_mode("async")
            .body(dated(uuid::Uuid::new_v4()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status);
        let got = response.into_inner();
        assert_eq!(got.status(), status);
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            serde_json::to_value(&body).unwrap()
        );
        match (got, status) {
            (Success::Ok(v), 200) => assert_eq!(v.len(), 1),
            (Success::Created(v), 201) => assert_eq!(v.len(), 2),
            (Success::Accepted(a), 202) => assert_eq!(a.request_id.as_deref(), Some("8a1f")),
            (other, _) => panic!("{status} decoded as {other:?}"),
        }
    }
    // A 202 body that is not the Accepted shape fails as that status's mismatch.
    let server = MockServer::start().await;
    server
        .retrieve_transactions_for_a_link()
        .fail(202, serde_json::json!({"request_id": 7}))
        .await;
    let err = server
        .client()
        .retrieve_transactions_for_a_link()
        .body(dated(uuid::Uuid::new_v4()))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidResponse { source, .. } = Error::from(err) else {
        panic!("not a mismatch")
    };
    assert!(
        source.to_string().contains("received a 202 response"),
        "{source}"
    );
}

/// The transactions pair answers two types (the request a status enum, its resume a list),
/// yet `with_mfa(..).await` gives the request's type: the resume's list lands in the variant
/// of the status it came with.
#[tokio::test]
async fn an_mfa_flow_awaits_to_the_status_variant_of_the_resume() {
    use types::RetrieveTransactionsForALinkSuccess as Success;
    for status in [200, 201] {
        let server = MockServer::start().await;
        let transaction = types::Transaction {
            description: Some("rent".to_owned()),
            ..Default::default()
        };
        server
            .mfa::<builder::RetrieveTransactionsForALink>()
            .status(status)
            .then_respond(vec![transaction])
            .await;
        let provider = |_: &Challenge| async { Ok::<_, String>(Token::new("123456")) };
        let got = server
            .client()
            .retrieve_transactions_for_a_link()
            .body(dated(uuid::Uuid::new_v4()))
            .with_mfa(&provider)
            .await
            .unwrap();
        assert_eq!(got.status().as_u16(), status);
        match (got.into_inner(), status) {
            (Success::Ok(v), 200) | (Success::Created(v), 201) => {
                assert_eq!(v[0].description.as_deref(), Some("rent"))
            }
            (other, _) => panic!("a {status} resume became {other:?}"),
        }
    }
}
