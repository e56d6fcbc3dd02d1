//! A body that does not fit the generated types, over real HTTP on loopback (wiremock): the
//! error names the operation, the status, the path of the value, what was expected and what
//! came, the request id, and the overlay action that would make such a body fit; the body
//! stays reachable and secrets stay out of the message.

use belvo::{Client, Credentials, Environment, Error};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LINK: &str = "683005d6-f45c-4adb-b289-f1a12f50f80c";

async fn serve(verb: &str, at: &str, status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("x-request-id", "req-7f3a")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::connect(
        Environment::Custom(server.uri()),
        Credentials::new("id", "password"),
    )
}

/// A timestamp without an offset, which real servers send, where the spec says `date-time`.
#[tokio::test]
async fn a_value_that_does_not_fit_is_named_with_its_path_and_the_overlay_fix() {
    let body =
        json!({"id": LINK, "institution": "erebor_mx_retail", "created_at": "2024-05-01T12:00:00"});
    let server = serve("GET", &format!("/api/links/{LINK}/"), 200, body.clone()).await;
    let error = client(&server)
        .get_a_links_details()
        .id(LINK.parse::<uuid::Uuid>().unwrap())
        .send()
        .await
        .map_err(Error::from)
        .expect_err("the timestamp has no offset");
    let text = error.to_string();
    assert_mentions(
        &text,
        &[
            "`get_a_links_details` received a 200 response",
            "at `created_at`",
            "expected a string in format `date-time`",
            "found the string \"2024-05-01T12:00:00\"",
            "request_id req-7f3a",
            "  - target: \"$.components.schemas['Link'].properties['created_at'].format\"",
            "    remove: true",
        ],
    );
    let Error::InvalidResponse { body: raw, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(raw).unwrap(),
        body
    );
}

/// The error text of listing accounts when Belvo answers `page`.
async fn list_accounts_error(page: serde_json::Value) -> String {
    list_accounts_failure(200, page).await.to_string()
}

/// The error of listing accounts from a server that answers `status` with `body`.
async fn list_accounts_failure(status: u16, body: serde_json::Value) -> Error {
    let server = serve("GET", "/api/accounts/", status, body).await;
    let result = client(&server).list_all_accounts().send().await;
    Error::from(result.expect_err("an answer that does not fit"))
}

fn assert_mentions(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{e:?} missing from:\n{text}");
    }
}

/// Inside a list: the index is part of the path, and an integer that meets a fraction gets
/// `type: number`.
#[tokio::test]
async fn paths_inside_lists_and_integers_that_meet_fractions() {
    let fraction = json!({"count": 2.5, "next": null, "previous": null, "results": []});
    assert_mentions(
        &list_accounts_error(fraction).await,
        &[
            "at `count`",
            "expected an integer, found the number 2.5",
            "  - target: \"$.components.schemas['AccountsPage'].properties['count']\"",
            "    update:\n      type: number",
        ],
    );
    let not_a_uuid = json!({"count": 1, "results": [{"id": LINK}, {"id": "acc_9f3"}]});
    assert_mentions(
        &list_accounts_error(not_a_uuid).await,
        &[
            "at `results[1].id`",
            "found the string \"acc_9f3\"",
            "\"$.components.schemas['Account'].properties['id'].format\"",
        ],
    );
}

/// Error bodies are decoded the same way, and a value under a secret-looking name is not shown.
#[tokio::test]
async fn error_bodies_too_and_secrets_stay_out() {
    let challenge = json!([{"code": "token_required", "session": 98_765_432_101_u64}]);
    let server = serve("POST", "/api/accounts/", 428, challenge).await;
    let error = client(&server)
        .retrieve_accounts_for_a_link()
        .body_map(|b| b.link(LINK))
        .send()
        .await
        .map_err(Error::from)
        .expect_err("a session that is not text");
    // Still Belvo's error answer, with its status and code; the shape is a detail of it.
    let api = error.api().expect("an error answer keeps its status");
    assert_eq!(api.status().as_u16(), 428);
    assert_eq!(error.code(), Some("token_required"));
    let text = api.mismatch().expect("the shape mismatch").to_string();
    assert!(
        text.contains("received a 428 response") && text.contains("at `[0].session`"),
        "{text}"
    );
    assert!(!text.contains("98765432101"), "{text}");
    assert!(text.contains("not shown"), "{text}");
    let chain = std::error::Error::source(api).map(ToString::to_string);
    assert_eq!(chain.as_deref(), Some(text.as_str()));
}

/// An error answer whose body is not the documented error shape (a gateway's `{"detail": …}`,
/// text, nothing) keeps its status, request id and raw body.
#[tokio::test]
async fn an_error_answer_of_another_shape_keeps_its_status() {
    for (body, message) in [
        (
            json!({"detail": "Invalid token.", "request_id": "r-9"}),
            Some("Invalid token."),
        ),
        (json!("upstream timed out"), None),
    ] {
        let error = list_accounts_failure(401, body.clone()).await;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
        assert_eq!(error.body(), Some(&body));
        assert_eq!(error.message(), message);
        let api = error.api().unwrap();
        assert!(api.mismatch().is_some(), "{error}");
        // One rule for every request id (`decode::request_id`): the header's, when the
        // answer has one, before the body's.
        assert_eq!(error.request_id(), Some("req-7f3a"));
    }
}

/// `Debug` of an error answer shows its status and problems, not its headers or body; an
/// empty message leaves no dangling colon.
#[tokio::test]
async fn an_error_answer_prints_neither_headers_nor_body() {
    let body = json!([{"message": "", "code": "invalid", "request_id": "r-1",
        "field": "account_number 4057068115181"}]);
    let error = list_accounts_failure(401, body).await;
    let debug = format!("{error:?}");
    assert!(!debug.contains("req-7f3a"), "a header in {debug}");
    assert!(
        debug.contains("status: 401") && debug.contains("bytes"),
        "{debug}"
    );
    let text = error.to_string();
    assert_eq!(
        text,
        "Belvo answered 401 Unauthorized (code `invalid`, field `account_number 4057068115181`) \
         [request_id req-7f3a]"
    );
}

/// An API may declare a whole object type nullable and list it (Belvo's `Account`): a `null`
/// item is left out, in a list field and in a list body, and the rest of the answer decodes.
#[tokio::test]
async fn null_items_of_lists_are_left_out() {
    let page = json!({"count": 2, "next": null, "results": [null, {"id": LINK}]});
    let server = serve("GET", "/api/accounts/", 200, page).await;
    let accounts = client(&server).list_all_accounts().send().await.unwrap();
    assert_eq!(accounts.results.len(), 1);

    let list = json!([{"id": LINK}, null, {"id": LINK}]);
    let server = serve("POST", "/api/accounts/", 201, list).await;
    let accounts = client(&server)
        .retrieve_accounts_for_a_link()
        .body_map(|b| b.link(LINK))
        .send()
        .await
        .unwrap();
    assert_eq!(accounts.len(), 2);
}
