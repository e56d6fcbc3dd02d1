//! The MFA resume flow over loopback, against wiremock: rounds, limits, deadlines, challenges
//! without input, wrong tokens, link registration, stored challenges, both 428 body shapes,
//! incomes (one income, then a list), and that no secret reaches `Debug` or an error message.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use belvo::mfa::{self, Challenge, MfaError, Outcome, Step, Token, TokenProvider};
use belvo::{builder, types, Client, Credentials, Environment, MfaExt};
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const LINK: &str = "30cb4806-6e00-48a4-91c9-ca55968576c8";
const PASSWORD: &str = "pw-do-not-print";

fn client(server: &MockServer) -> Client {
    Client::connect(
        Environment::Custom(server.uri()),
        Credentials::new("secret-id", PASSWORD),
    )
}

/// `chrono::Utc::now` needs chrono's `clock` feature, which the crate does not enable.
fn utc_now() -> chrono::DateTime<chrono::Utc> {
    std::time::SystemTime::now().into()
}

fn link() -> uuid::Uuid {
    LINK.parse().unwrap()
}

fn balances_body() -> types::builder::RetrieveBalancesForALinkBody {
    types::builder::RetrieveBalancesForALinkBody::default()
        .link(link())
        .date_from("2024-01-01".parse::<chrono::NaiveDate>().unwrap())
        .date_to("2024-01-31".parse::<chrono::NaiveDate>().unwrap())
}

/// A 428 body object as the collection shows it.
fn challenge(session: &str, expiry: i64, expects_user_input: bool) -> Value {
    json!({
        "code": "token_required",
        "message": "A MFA token is required by the institution to login",
        "request_id": format!("req-{session}"),
        "session": session,
        "expiry": expiry,
        "link": LINK,
        "token_generation_data": {
            "instructions": "Enter the code sent to your phone",
            "type": "numeric",
            "value": "",
            "expects_user_input": expects_user_input
        }
    })
}

/// The same, as Belvo's servers send it: a list of one.
fn listed(body: Value) -> Value {
    json!([body])
}

fn answer(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn balances() -> Value {
    json!([{"id": "0d3ffb69-f83b-456e-ad8e-208d0998d71d", "balance": 1.5}])
}

async fn mount_retrieve(server: &MockServer, status: u16, body: Value) {
    Mock::given(method("POST"))
        .and(path("/api/balances/"))
        .respond_with(answer(status, body))
        .expect(1)
        .mount(server)
        .await;
}

/// A provider that records the challenges it saw and answers `tokens` in turn.
struct Recorder {
    tokens: Vec<&'static str>,
    seen: Mutex<Vec<Challenge>>,
    confirmed: AtomicUsize,
}

impl Recorder {
    fn new(tokens: &[&'static str]) -> Self {
        Recorder {
            tokens: tokens.to_vec(),
            seen: Mutex::new(Vec::new()),
            confirmed: AtomicUsize::new(0),
        }
    }

    fn seen(&self) -> Vec<Challenge> {
        self.seen.lock().unwrap().clone()
    }
}

impl TokenProvider for Recorder {
    type Error = String;

    async fn token(&self, challenge: &Challenge) -> Result<Token, String> {
        let mut seen = self.seen.lock().unwrap();
        seen.push(challenge.clone());
        let token = self.tokens.get(seen.len() - 1).ok_or("no more tokens")?;
        Ok(Token::new(*token))
    }

    async fn confirm(&self, _challenge: &Challenge) -> Result<(), String> {
        self.confirmed.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn one_round() {
    let server = MockServer::start().await;
    mount_retrieve(&server, 428, listed(challenge("s1", 600, true))).await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .and(body_partial_json(
            json!({"session": "s1", "token": "1234", "link": LINK}),
        ))
        .respond_with(answer(201, balances()))
        .expect(1)
        .mount(&server)
        .await;

    let provider = Recorder::new(&["1234"]);
    let started = utc_now();
    let client = client(&server);
    let balances = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap();
    assert_eq!(balances.status(), 201);
    assert_eq!(balances.len(), 1);
    assert_eq!(balances[0].balance, Some(1.5));

    let seen = provider.seen();
    assert_eq!(seen.len(), 1);
    let c = &seen[0];
    assert_eq!(c.round, 1);
    assert_eq!(c.session, "s1");
    assert_eq!(c.link.as_deref(), Some(LINK));
    assert_eq!(c.request_id.as_deref(), Some("req-s1"));
    assert_eq!(c.operation.retrieve, "retrieve_balances_for_a_link");
    assert_eq!(c.operation.resume, "complete_a_balances_request");
    assert!(c.operation.pair().is_some());
    let tgd = &c.token_generation_data;
    assert_eq!(
        tgd.instructions.as_deref(),
        Some("Enter the code sent to your phone")
    );
    assert_eq!(tgd.kind.as_deref(), Some("numeric"));
    assert!(tgd.expects_user_input);
    let deadline = c.expires_at.unwrap();
    assert!(deadline >= started + chrono::TimeDelta::seconds(600));
    assert!(deadline <= utc_now() + chrono::TimeDelta::seconds(600));
}

#[tokio::test]
async fn two_rounds_then_data() {
    let server = MockServer::start().await;
    mount_retrieve(&server, 428, listed(challenge("s1", 600, true))).await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .and(body_partial_json(json!({"session": "s1", "token": "1111"})))
        .respond_with(answer(428, listed(challenge("s2", 600, true))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .and(body_partial_json(
            json!({"session": "s2", "token": "2222", "link": LINK, "save_data": false}),
        ))
        .respond_with(answer(200, balances()))
        .expect(1)
        .mount(&server)
        .await;

    let provider = Recorder::new(&["1111", "2222"]);
    let client = client(&server);
    let balances = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .save_data(false)
        .await
        .unwrap();
    assert_eq!(balances.status(), 200);
    let rounds: Vec<(u32, String)> = provider
        .seen()
        .into_iter()
        .map(|c| (c.round, c.session))
        .collect();
    assert_eq!(rounds, [(1, "s1".into()), (2, "s2".into())]);
}

#[tokio::test]
async fn the_resume_repeats_the_requests_save_data() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/balances/"))
        .and(body_partial_json(json!({"save_data": false})))
        .respond_with(answer(428, listed(challenge("s1", 600, true))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .and(body_partial_json(
            json!({"session": "s1", "save_data": false}),
        ))
        .respond_with(answer(200, balances()))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Recorder::new(&["1234"]);
    let client = client(&server);
    let balances = client
        .retrieve_balances_for_a_link()
        .body(balances_body().save_data(Some(false)))
        .with_mfa(&provider)
        .await
        .unwrap();
    assert_eq!(balances.status(), 200);
    assert_eq!(provider.seen()[0].save_data, Some(false));
}

#[tokio::test]
async fn round_limit_keeps_the_last_challenge() {
    for (limit, patches) in [(None, 3), (Some(1), 1), (Some(0), 0)] {
        let server = MockServer::start().await;
        mount_retrieve(&server, 428, listed(challenge("s1", 600, true))).await;
        Mock::given(method("PATCH"))
            .and(path("/api/balances/"))
            .respond_with(answer(428, listed(challenge("again", 600, true))))
            .expect(patches)
            .mount(&server)
            .await;

        let provider = |_: &Challenge| async { Ok::<_, String>(Token::new("0000")) };
        let client = client(&server);
        let mut flow = client
            .retrieve_balances_for_a_link()
            .body(balances_body())
            .with_mfa(&provider);
        if let Some(limit) = limit {
            flow = flow.max_rounds(limit);
        }
        let err = flow.await.unwrap_err();
        match &err {
            MfaError::TooManyRounds { rounds, challenge } => {
                assert_eq!(*rounds, patches as u32);
                let expected = if patches == 0 { "s1" } else { "again" };
                assert_eq!(challenge.session, expected);
                assert_eq!(challenge.round, patches as u32 + 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("still asks for a token"), "{err}");
    }
}

#[tokio::test]
async fn expired_challenge_sends_nothing() {
    // Expired on arrival (expiry 0): the provider is not asked, the resume not sent.
    let server = MockServer::start().await;
    mount_retrieve(&server, 428, listed(challenge("s1", 0, true))).await;
    Mock::given(method("PATCH"))
        .respond_with(answer(201, balances()))
        .expect(0)
        .mount(&server)
        .await;
    let provider = Recorder::new(&["1234"]);
    let client = client(&server);
    let err = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap_err();
    assert!(matches!(err, MfaError::Expired { .. }), "{err:?}");
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(provider.seen().is_empty());

    // A stored challenge past its deadline, resumed later.
    // (Only `operation` and `session` are required to read one back.)
    let mut stored: Challenge = serde_json::from_value(json!({
        "operation": {"retrieve": "retrieve_balances_for_a_link",
            "resume": "complete_a_balances_request", "resume_path": "/api/balances/"},
        "session": "s1", "link": LINK, "expires_at": "2020-01-01T00:00:00Z"
    }))
    .unwrap();
    assert!(stored.expects_user_input());
    assert!(stored.is_expired());
    let err = client
        .retrieve_balances_for_a_link()
        .resume_challenge(&stored, Some(Token::new("1234")))
        .await
        .unwrap_err();
    match err {
        MfaError::Expired { expired_at, .. } => {
            assert_eq!(expired_at.to_rfc3339(), "2020-01-01T00:00:00+00:00")
        }
        other => panic!("{other:?}"),
    }
    // Without a deadline it never expires.
    stored.expires_at = None;
    assert!(!stored.is_expired());
    assert_eq!(stored.expires_in(), None);
}

#[tokio::test]
async fn challenge_without_input_resumes_without_a_token() {
    let server = MockServer::start().await;
    mount_retrieve(&server, 428, listed(challenge("s1", 600, false))).await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .and(body_partial_json(json!({"session": "s1", "link": LINK})))
        .and(|req: &Request| {
            serde_json::from_slice::<Value>(&req.body).is_ok_and(|b| b.get("token").is_none())
        })
        .respond_with(answer(201, balances()))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Recorder::new(&[]);
    let client = client(&server);
    let balances = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap();
    assert_eq!(balances.len(), 1);
    assert!(
        provider.seen().is_empty(),
        "the provider was asked for a token"
    );
    assert_eq!(provider.confirmed.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn wrong_token_is_a_typed_error() {
    let server = MockServer::start().await;
    mount_retrieve(&server, 428, listed(challenge("s1", 600, true))).await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .respond_with(answer(
            400,
            json!([{"code": "invalid_token", "message": "The token is not valid",
                "request_id": "abc400"}]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Recorder::new(&["9999"]);
    let client = client(&server);
    let err = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.request_id(), Some("abc400"));
    let body = err.resume_body().expect("typed body");
    assert_eq!(body[0].code.as_deref(), Some("invalid_token"));
    match &err {
        MfaError::Resume {
            operation, round, ..
        } => {
            assert_eq!(*operation, "complete_a_balances_request");
            assert_eq!(*round, 1);
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("400") && text.contains("abc400"), "{text}");
    assert!(std::error::Error::source(&err).is_some());
    // Into the runtime's one error type, status and request id kept.
    let err = belvo::Error::from(err);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.request_id(), Some("abc400"));
    assert_eq!(err.code(), Some("invalid_token"));
}

#[tokio::test]
async fn other_failures_of_the_request_keep_status_and_request_id() {
    let server = MockServer::start().await;
    mount_retrieve(
        &server,
        401,
        json!([{"code": "authentication_failed", "message": "no", "request_id": "r401"}]),
    )
    .await;
    let provider = Recorder::new(&[]);
    let err = client(&server)
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap_err();
    assert!(matches!(err, MfaError::Retrieve { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.request_id(), Some("r401"));
    assert_eq!(
        err.retrieve_body().unwrap()[0].code.as_deref(),
        Some("authentication_failed")
    );

    // A 428 that cannot be resumed.
    let server = MockServer::start().await;
    mount_retrieve(
        &server,
        428,
        json!([{"code": "token_required", "request_id": "r428"}]),
    )
    .await;
    let err = client(&server)
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap_err();
    assert!(matches!(err, MfaError::InvalidChallenge { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(428));
    assert_eq!(err.request_id(), Some("r428"));
}

#[tokio::test]
async fn no_challenge_no_resume() {
    let server = MockServer::start().await;
    mount_retrieve(&server, 201, balances()).await;
    Mock::given(method("PATCH"))
        .respond_with(answer(201, balances()))
        .expect(0)
        .mount(&server)
        .await;
    let provider = Recorder::new(&[]);
    let out = client(&server)
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .outcome()
        .await
        .unwrap();
    assert!(matches!(out, Outcome::Retrieved(ref v) if v.len() == 1));
    assert!(provider.seen().is_empty());
}

#[tokio::test]
async fn provider_failure_stops_the_flow() {
    let server = MockServer::start().await;
    mount_retrieve(&server, 428, listed(challenge("s1", 600, true))).await;
    Mock::given(method("PATCH"))
        .respond_with(answer(201, balances()))
        .expect(0)
        .mount(&server)
        .await;
    let provider = |_: &Challenge| async { Err::<Token, _>("the user went away") };
    let err = client(&server)
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap_err();
    assert!(matches!(err, MfaError::Provider(_)), "{err:?}");
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(source.as_deref(), Some("the user went away"));
    // `?` into the crate's error keeps the provider's words.
    let err = belvo::Error::from(err);
    assert_eq!(
        err.to_string(),
        "the token provider failed: the user went away"
    );
}

#[tokio::test]
async fn link_registration_with_mfa() {
    let server = MockServer::start().await;
    let new_link = "9f5ab0d4-4bd0-4f4e-9ef5-1d3ad4a7a0b6";
    let mut body = challenge("ls1", 600, true);
    body["link"] = json!(new_link);
    Mock::given(method("POST"))
        .and(path("/api/links/"))
        .and(body_partial_json(
            json!({"institution": "erebor_mx_retail", "username": "bnk100"}),
        ))
        .respond_with(answer(428, listed(body)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/links/"))
        .and(body_partial_json(
            json!({"session": "ls1", "token": "4321", "link": new_link}),
        ))
        .respond_with(answer(
            200,
            json!({"id": new_link, "institution": "erebor_mx_retail", "status": "valid"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Recorder::new(&["4321"]);
    let client = client(&server);
    let link = client
        .register_a_new_link()
        .body_map(|b| {
            b.institution("erebor_mx_retail")
                .username("bnk100")
                .password(Some("full".to_string()))
        })
        .with_mfa(&provider)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(link.id.map(|id| id.to_string()).as_deref(), Some(new_link));
    assert_eq!(
        provider.seen()[0].operation.resume,
        "complete_a_links_request"
    );
}

#[tokio::test]
async fn stored_challenge_is_resumed_by_a_fresh_client() {
    let server = MockServer::start().await;
    mount_retrieve(&server, 428, listed(challenge("s1", 600, true))).await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .and(body_partial_json(
            json!({"session": "s1", "token": "1234", "link": LINK, "save_data": true}),
        ))
        .respond_with(answer(201, balances()))
        .expect(2)
        .mount(&server)
        .await;

    // Process one: the request is challenged and the challenge stored.
    let stored = {
        let step = client(&server)
            .retrieve_balances_for_a_link()
            .body(balances_body())
            .send_or_challenge()
            .await
            .unwrap();
        let Step::Challenge(mut challenge) = step else {
            panic!("no challenge")
        };
        challenge.save_data = Some(true);
        serde_json::to_string(&challenge).unwrap()
    };
    let value: Value = serde_json::from_str(&stored).unwrap();
    let deadline = value["expires_at"].as_str().expect("an absolute timestamp");
    assert!(chrono::DateTime::parse_from_rfc3339(deadline).is_ok());

    // Process two: a fresh client reads it back and resumes, in either form.
    let challenge: Challenge = serde_json::from_str(&stored).unwrap();
    let fresh = client(&server);
    let step = fresh
        .retrieve_balances_for_a_link()
        .resume_challenge(&challenge, Some(Token::new("1234")))
        .await
        .unwrap();
    assert!(matches!(step, Step::Done(ref v) if v.status() == 201));
    let step = mfa::resume::<builder::RetrieveBalancesForALink>(
        &fresh,
        &challenge,
        Some(Token::new("1234")),
    )
    .await
    .unwrap();
    assert!(matches!(step, Step::Done(_)));

    // Handed to another operation's resume, it is refused before sending.
    let err = fresh
        .retrieve_accounts_for_a_link()
        .resume_challenge(&challenge, Some(Token::new("1234")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            MfaError::WrongOperation {
                expected: "complete_an_accounts_request",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn object_and_listed_428_bodies_both_work() {
    for body in [
        challenge("s1", 600, true),
        listed(challenge("s1", 600, true)),
    ] {
        let server = MockServer::start().await;
        mount_retrieve(&server, 428, body.clone()).await;
        Mock::given(method("PATCH"))
            .and(path("/api/balances/"))
            .and(body_partial_json(json!({"session": "s1", "token": "1234"})))
            .respond_with(answer(201, balances()))
            .expect(1)
            .mount(&server)
            .await;
        let provider = Recorder::new(&["1234"]);
        let balances = client(&server)
            .retrieve_balances_for_a_link()
            .body(balances_body())
            .with_mfa(&provider)
            .await
            .unwrap_or_else(|e| panic!("{body}: {e:?}"));
        assert_eq!(balances.len(), 1);
        let seen = provider.seen();
        assert_eq!(seen[0].request_id.as_deref(), Some("req-s1"));
        assert!(seen[0].expires_at.is_some());
    }
}

#[tokio::test]
async fn resume_with_another_success_type() {
    // `POST /api/incomes/` answers one income, its resume a list: `outcome()` says which.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/incomes/"))
        .respond_with(answer(428, listed(challenge("s1", 600, true))))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/incomes/"))
        .and(body_partial_json(json!({"session": "s1", "token": "1234"})))
        .respond_with(answer(201, json!([{}, {}])))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Recorder::new(&["1234"]);
    let out = client(&server)
        .retrieve_incomes_for_a_link()
        .body(types::builder::RetrieveIncomesForALinkBody::default().link(link()))
        .with_mfa(&provider)
        .outcome()
        .await
        .unwrap();
    match out {
        Outcome::Resumed(incomes) => assert_eq!(incomes.len(), 2),
        Outcome::Retrieved(_) => panic!("expected the resume's answer"),
    }
}

const INCOME_A: &str = "0d3ffb69-f83b-456e-ad8e-208d0998d71d";
const INCOME_B: &str = "1e4ffb69-f83b-456e-ad8e-208d0998d71e";

/// Mounts `POST /api/incomes/` answering `status` with `body`, and a `PATCH` answering two
/// incomes to the token `1234`, expected `resumes` times.
async fn mount_incomes(server: &MockServer, status: u16, body: Value, resumes: u64) {
    Mock::given(method("POST"))
        .and(path("/api/incomes/"))
        .respond_with(answer(status, body))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/incomes/"))
        .and(body_partial_json(json!({"session": "s1", "token": "1234"})))
        .respond_with(answer(201, json!([{"id": INCOME_A}, {"id": INCOME_B}])))
        .expect(resumes)
        .mount(server)
        .await;
}

#[tokio::test]
async fn awaiting_the_incomes_flow_gives_a_list() {
    // The request answers one income and its resume a list: awaited, both are a list.
    let incomes = |server: MockServer| async move {
        let provider = Recorder::new(&["1234"]);
        let answer = client(&server)
            .retrieve_incomes_for_a_link()
            .body(types::builder::RetrieveIncomesForALinkBody::default().link(link()))
            .with_mfa(&provider)
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let ids: Vec<String> = answer
            .into_inner()
            .into_iter()
            .map(|income| income.id.map(|id| id.to_string()).unwrap_or_default())
            .collect();
        (status, ids)
    };

    let server = MockServer::start().await;
    mount_incomes(&server, 428, listed(challenge("s1", 600, true)), 1).await;
    let (status, ids) = incomes(server).await;
    assert_eq!(status, 201);
    assert_eq!(ids, [INCOME_A, INCOME_B]);

    let server = MockServer::start().await;
    mount_incomes(&server, 201, json!({"id": INCOME_A}), 0).await;
    let (status, ids) = incomes(server).await;
    assert_eq!(status, 201);
    assert_eq!(ids, [INCOME_A]);
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let server = MockServer::start().await;
    let session = "sessionsecret0123456789abcdef012";
    let mut body = challenge(session, 600, true);
    body["request_id"] = json!("r428");
    Mock::given(method("POST"))
        .and(path("/api/balances/"))
        .respond_with(answer(428, listed(body)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .respond_with(answer(
            400,
            json!([{"code": "invalid_token", "message": "nope", "request_id": "r"}]),
        ))
        .mount(&server)
        .await;
    let token = "tok-do-not-print";
    let provider = |_: &Challenge| async move { Ok::<_, String>(Token::new(token)) };
    let client = client(&server);

    let step = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .send_or_challenge()
        .await
        .unwrap();
    let Step::Challenge(challenge) = step else {
        panic!("no challenge")
    };
    let err = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .await
        .unwrap_err();
    let too_many = MfaError::<(), ()>::TooManyRounds {
        rounds: 3,
        challenge: Box::new(challenge.clone()),
    };

    let texts = [
        format!("{challenge:?}"),
        format!("{:?}", Token::new(token)),
        format!("{err}"),
        format!("{err:?}"),
        format!("{too_many}"),
        format!("{too_many:?}"),
        format!("{client:?}"),
    ];
    for text in &texts {
        for secret in [token, session, PASSWORD] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    // Stored on purpose, the challenge keeps the session, and only that.
    let stored = serde_json::to_string(&challenge).unwrap();
    assert!(stored.contains(session) && !stored.contains(token));
}

#[test]
fn futures_are_send() {
    fn send<T: Send>(_: T) {}
    let client = Client::connect(Environment::Sandbox, Credentials::new("id", "pw"));
    let provider = |_: &Challenge| async { Ok::<_, String>(Token::new("1")) };
    let challenge: Option<Challenge> = None;
    send(
        client
            .retrieve_balances_for_a_link()
            .with_mfa(&provider)
            .outcome(),
    );
    send(client.retrieve_balances_for_a_link().send_or_challenge());
    if let Some(challenge) = &challenge {
        send(mfa::resume::<builder::RetrieveBalancesForALink>(
            &client, challenge, None,
        ));
        send(
            client
                .retrieve_balances_for_a_link()
                .resume_challenge(challenge, None),
        );
    }
}
