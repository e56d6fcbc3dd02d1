//! A client on the caller's own `reqwest::Client` (`ClientBuilder::reqwest_client`), over
//! loopback (wiremock): that client's default headers arrive, and our authentication, default
//! headers, timeout and retries still apply.

use std::time::Duration;

use belvo::{Client, Environment, Error, RequestOptions, WithOptions};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{assert_timed_out, credentials, fast_retries, mount_unavailable_then, BASIC};

fn own_reqwest_client() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-corp-trace", HeaderValue::from_static("svc-payments"));
    headers.insert("user-agent", HeaderValue::from_static("corp-http/9"));
    // A stale credential of the caller's: ours must win.
    headers.insert("authorization", HeaderValue::from_static("Bearer other"));
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

fn page() -> serde_json::Value {
    json!({"count": 0, "next": null, "previous": null, "results": []})
}

#[tokio::test]
async fn its_default_headers_arrive_with_our_auth_and_retries() {
    let server = MockServer::start().await;
    mount_unavailable_then(&server, 2, page()).await;
    let client = Client::builder(Environment::Custom(server.uri()), credentials())
        .reqwest_client(own_reqwest_client())
        .default_header("x-team", "payments")
        .retry(fast_retries(3))
        .build()
        .unwrap();
    client
        .list_all_institutions()
        .send()
        .with_options(RequestOptions::new().header("x-call", "c-1"))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    // Two 503s retried, then the 200: our retry policy.
    assert_eq!(requests.len(), 3);
    let ours = format!("belvo/{}", env!("CARGO_PKG_VERSION"));
    for request in &requests {
        let get = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(get("x-corp-trace"), Some("svc-payments"));
        assert_eq!(get("authorization"), Some(BASIC));
        assert_eq!(get("x-team"), Some("payments"));
        assert_eq!(get("x-call"), Some("c-1"));
        assert_eq!(get("user-agent"), Some(ours.as_str()));
    }
    // The caller's client, unshown: its headers may hold other services' keys.
    let shown = format!(
        "{:?}",
        Client::builder(Environment::Sandbox, credentials()).reqwest_client(own_reqwest_client())
    );
    assert!(shown.contains("the caller's reqwest::Client"), "{shown}");
    assert!(!shown.contains("svc-payments"), "{shown}");
}

#[tokio::test]
async fn our_timeout_applies_to_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page())
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    // The caller's client has no timeout at all.
    let client = Client::builder(Environment::Custom(server.uri()), credentials())
        .reqwest_client(reqwest::Client::new())
        .timeout(Duration::from_millis(50))
        .retry(belvo::RetryPolicy::none())
        .build()
        .unwrap();
    let err = Error::from(client.list_all_owners().send().await.unwrap_err());
    assert_timed_out(&err);
}
