//! What the loopback tests of the runtime share: test credentials, fast retries, a client
//! on a wiremock server.

#![allow(dead_code)] // each test file uses part of it

use std::time::Duration;

use belvo::{Client, Credentials, Environment, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const SECRET_ID: &str = "secret-id-7f3a";
pub const SECRET_PASSWORD: &str = "secret-password-c91e";
/// `Basic base64("secret-id-7f3a:secret-password-c91e")`.
pub const BASIC: &str = "Basic c2VjcmV0LWlkLTdmM2E6c2VjcmV0LXBhc3N3b3JkLWM5MWU=";

pub fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_PASSWORD)
}

/// Retries fast enough for tests: 10 ms, then 20 ms, …
pub fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_secs(5))
}

pub fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(Environment::Custom(server.uri()), credentials())
        .retry(retry)
        .build()
        .unwrap()
}

/// A loopback port nothing listens on (it was free a moment ago): connecting is refused.
pub fn refusing_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A client whose every connection is refused, retrying `attempts` times from `base_delay`.
pub fn refusing_client(attempts: u32, base_delay: Duration) -> Client {
    Client::builder(
        Environment::Custom(format!("http://127.0.0.1:{}", refusing_port())),
        credentials(),
    )
    .retry(
        RetryPolicy::default()
            .max_attempts(attempts)
            .base_delay(base_delay),
    )
    .build()
    .unwrap()
}

/// Every `GET` is answered 503 `times` times, then 200 with `body`, once; checked on drop.
pub async fn mount_unavailable_then(server: &MockServer, times: u64, body: serde_json::Value) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(times)
        .expect(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .with_priority(2)
        .mount(server)
        .await;
}

/// `POST /api/balances/` answers a 428 challenge (a list of one, as Belvo sends it) with
/// `session` for `link`; `PATCH /api/balances/` answers 200 with no balance.
pub async fn mount_balances_challenge(server: &MockServer, session: &str, link: &str) {
    let challenge = json!([{
        "code": "token_required", "session": session, "expiry": 600,
        "request_id": "r-428", "link": link,
        "token_generation_data": {"expects_user_input": true, "type": "numeric"}
    }]);
    Mock::given(method("POST"))
        .and(path("/api/balances/"))
        .respond_with(ResponseTemplate::new(428).set_body_json(challenge))
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(server)
        .await;
}

/// Fails unless `err` is a transport error that timed out.
pub fn assert_timed_out(err: &belvo::Error) {
    assert!(err.is_timeout() && !err.is_connect(), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("Belvo did not answer in time"), "{text}");
}

/// Fails unless `err` is a transport error that could not connect.
pub fn assert_refused(err: &belvo::Error) {
    assert!(err.is_connect(), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("could not connect to Belvo"), "{text}");
    assert!(!text.contains("error sending request"), "{text}");
}
