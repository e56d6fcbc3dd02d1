//! The handwritten runtime over real HTTP on loopback (wiremock): basic auth, retries and
//! backoff, `Retry-After`, no retry of `POST`, typed errors, pagination, redaction, and
//! configuration from the environment (through `ClientBuilder::from_lookup`; the process
//! environment itself is tested in `from_env.rs`, alone in its process).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use belvo::{Client, ConfigError, Environment, Error, RetryPolicy};
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{
    assert_refused, assert_timed_out, client, credentials, fast_retries, mount_unavailable_then,
    refusing_client, BASIC, SECRET_ID, SECRET_PASSWORD,
};

const REQUEST_ID: &str = "a6e1c493d7a29d91aed4338e6fcf077d";

fn page(items: &[&str], next: Option<String>) -> serde_json::Value {
    json!({
        "count": 5,
        "next": next,
        "previous": null,
        "results": items.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
    })
}

fn error_body(message: &str, code: &str, field: Option<&str>) -> serde_json::Value {
    json!([{"request_id": REQUEST_ID, "message": message, "code": code, "field": field}])
}

#[tokio::test]
async fn requests_carry_the_exact_basic_auth_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/institutions/"))
        .and(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["erebor"], None)))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server, RetryPolicy::none())
        .list_all_institutions()
        .send()
        .await
        .unwrap();
    assert_eq!(page.results[0].name.as_deref(), Some("erebor"));
}

#[tokio::test]
async fn a_503_is_retried_with_backoff_until_a_200() {
    let server = MockServer::start().await;
    mount_unavailable_then(&server, 2, page(&["a"], None)).await;
    let start = Instant::now();
    let page = client(&server, fast_retries(3))
        .list_all_accounts()
        .send()
        .await
        .unwrap();
    assert_eq!(page.results.len(), 1);
    // Backoff of at least half of 10 ms, then of 20 ms.
    assert!(
        start.elapsed() >= Duration::from_millis(15),
        "{:?}",
        start.elapsed()
    );
}

/// The wait is measured between the two requests' arrivals at the server, so the test's own
/// set-up does not count: at least the second asked for (backoff alone would be 10 ms), and
/// well under `max_delay` (5 s), with room for a loaded machine.
#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    let arrivals = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = arrivals.clone();
    Mock::given(method("GET"))
        .respond_with(move |_: &wiremock::Request| {
            let mut seen = seen.lock().unwrap();
            seen.push(Instant::now());
            if seen.len() == 1 {
                ResponseTemplate::new(429).insert_header("retry-after", "1")
            } else {
                ResponseTemplate::new(200).set_body_json(page(&[], None))
            }
        })
        .mount(&server)
        .await;
    client(&server, fast_retries(2))
        .list_all_links()
        .send()
        .await
        .unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2);
    let waited = arrivals[1] - arrivals[0];
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}

#[tokio::test]
async fn retry_after_beyond_max_delay_returns_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, fast_retries(3))
        .list_all_links()
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn post_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/balances/"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, fast_retries(5))
        .retrieve_balances_for_a_link()
        .body_map(|b| {
            b.link(uuid::Uuid::nil())
                .date_from(chrono::NaiveDate::MIN)
                .date_to(chrono::NaiveDate::MAX)
        })
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn patch_is_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let body = json!({"link": uuid::Uuid::nil(), "session": "s", "token": "1234"});
    let result = client(&server, fast_retries(5))
        .complete_a_balances_request()
        .body(serde_json::from_value::<belvo::types::CompleteRequestBody>(body).unwrap())
        .send()
        .await;
    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(502));
}

#[tokio::test]
async fn retries_give_up_after_max_attempts_with_the_last_status() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&server, fast_retries(3))
        .delete_a_link()
        .id(uuid::Uuid::nil())
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.body(), Some(&json!("bad gateway")));
}

#[tokio::test]
async fn connection_errors_are_retried() {
    let client = refusing_client(3, Duration::from_millis(40));
    let start = Instant::now();
    let err = Error::from(client.list_all_owners().send().await.unwrap_err());
    assert_refused(&err);
    // Two backoffs: at least 20 ms and 40 ms.
    assert!(
        start.elapsed() >= Duration::from_millis(60),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn timeouts_are_transport_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let client = Client::builder(Environment::Custom(server.uri()), credentials())
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = Error::from(client.list_all_owners().send().await.unwrap_err());
    assert_timed_out(&err);
}

#[tokio::test]
async fn pagination_follows_next_across_three_pages() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let pages = [
        (
            None,
            page(
                &["a1", "a2"],
                Some(format!("{uri}/api/accounts/?page=2&page_size=2")),
            ),
        ),
        (
            Some("2"),
            page(
                &["a3", "a4"],
                Some(format!("{uri}/api/accounts/?page=3&page_size=2")),
            ),
        ),
        (Some("3"), page(&["a5"], None)),
    ];
    for (number, body) in pages {
        let mock = Mock::given(method("GET"))
            .and(path("/api/accounts/"))
            .and(query_param("page_size", "2"))
            .and(header("authorization", BASIC));
        let mock = match number {
            Some(n) => mock.and(query_param("page", n)),
            None => mock.and(wiremock::matchers::query_param_is_missing("page")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server, RetryPolicy::none());
    let mut accounts = client.paginate(client.list_all_accounts().page_size(2).send());
    let mut names = Vec::new();
    // The stream is boxed: `try_next` takes it as it is, without pinning.
    while let Some(account) = accounts.try_next().await.unwrap() {
        names.push(account.name.unwrap_or_default());
    }
    assert_eq!(names, ["a1", "a2", "a3", "a4", "a5"]);
}

#[tokio::test]
async fn pagination_keeps_credentials_on_the_clients_host() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/owners/"))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            &["o1"],
            Some("https://sandbox.belvo.com/api/owners/?page=2".into()),
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/owners/"))
        .and(query_param("page", "2"))
        .and(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&["o2"], None)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());
    let pages: Vec<belvo::types::OwnersPage> = client
        .pages(client.list_all_owners().send())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
}

#[tokio::test]
async fn pagination_stops_at_the_first_error_and_retries_pages() {
    let server = MockServer::start().await;
    let uri = server.uri();
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            &["t1"],
            Some(format!("{uri}/api/transactions/?page=2")),
        )))
        .mount(&server)
        .await;
    // Page 2 fails once with 503 (retried), then for good with 401.
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(401).set_body_json(error_body(
            "Invalid credentials",
            "authentication_failed",
            None,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, fast_retries(2));
    let results: Vec<Result<_, Error>> = futures::StreamExt::collect(
        client.paginate(
            client
                .list_all_transactions()
                .link(uuid::Uuid::nil())
                .send(),
        ),
    )
    .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.code(), Some("authentication_failed"));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
}

#[tokio::test]
async fn documented_errors_keep_status_request_id_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/accounts/"))
        .respond_with(ResponseTemplate::new(400).set_body_json(error_body(
            "This field is required.",
            "required",
            Some("link"),
        )))
        .mount(&server)
        .await;
    let err: Error = client(&server, RetryPolicy::none())
        .retrieve_accounts_for_a_link()
        .body_map(|b| b.link(uuid::Uuid::nil()))
        .send()
        .await
        .unwrap_err()
        .into();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.code(), Some("required"));
    assert_eq!(err.message(), Some("This field is required."));
    assert_eq!(
        err.api().unwrap().details()[0].field.as_deref(),
        Some("link")
    );
    assert_eq!(
        err.to_string(),
        format!(
            "Belvo answered 400 Bad Request: This field is required. (code `required`, field \
             `link`) [request_id {REQUEST_ID}]"
        )
    );
}

#[tokio::test]
async fn undocumented_errors_keep_their_body_too() {
    // `list_all_accounts` documents 200 and 401 only: a 500 is an `UnexpectedResponse`.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_json(error_body(
            "Internal error",
            "unexpected_error",
            None,
        )))
        .mount(&server)
        .await;
    let raw = client(&server, RetryPolicy::none())
        .list_all_accounts()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(raw, belvo::OperationError::UnexpectedResponse(_)));
    let err = Error::from(raw);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.request_id(), Some(REQUEST_ID));
    assert_eq!(err.code(), Some("unexpected_error"));
}

#[tokio::test]
async fn mfa_challenge_reads_as_typed_body() {
    let server = MockServer::start().await;
    let challenge = json!([{
        "request_id": REQUEST_ID,
        "code": "token_required",
        "message": "A MFA token is required by the institution to login",
        "session": "2675b703b9d4451f8d4861a3eee54449",
        "expiry": 9600,
        "link": "30cb4806-6e00-48a4-91c9-ca55968576c8",
        "token_generation_data": {"instructions": "Use the code", "type": "numeric", "value": "4491", "expects_user_input": true}
    }]);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(428).set_body_json(challenge))
        .mount(&server)
        .await;
    let err = Error::from(
        client(&server, RetryPolicy::none())
            .retrieve_owners_for_a_link()
            .body_map(|b| b.link(uuid::Uuid::nil()))
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(428));
    assert_eq!(err.code(), Some("token_required"));
    let typed: Vec<belvo::types::ErrorOrMfaTokenRequired> = err.api().unwrap().body_as().unwrap();
    assert_eq!(
        typed[0].session.as_deref(),
        Some("2675b703b9d4451f8d4861a3eee54449")
    );
}

#[tokio::test]
async fn credentials_never_show_in_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        // Not a documented status: the body shape of gateways and frameworks, `{"detail": …}`.
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "Forbidden."})))
        .mount(&server)
        .await;
    let builder = Client::builder(Environment::Custom(server.uri()), credentials());
    let client = builder.clone().retry(RetryPolicy::none()).build().unwrap();
    let raw = client
        .get_a_links_details()
        .id(uuid::Uuid::nil())
        .send()
        .await
        .unwrap_err();
    let raw_text = format!("{raw:?} {raw}");
    let err = Error::from(raw);
    let refused = Client::builder(
        Environment::Custom("http://127.0.0.1:9".into()),
        credentials(),
    )
    .retry(RetryPolicy::none())
    .build()
    .unwrap()
    .list_all_links()
    .send()
    .await
    .unwrap_err();
    let refused = Error::from(refused);
    let texts = [
        format!("{client:?}"),
        format!("{builder:?}"),
        format!("{:?}", credentials()),
        format!("{err:?}"),
        err.to_string(),
        format!("{refused:?}"),
        refused.to_string(),
        raw_text,
    ];
    let token = BASIC.trim_start_matches("Basic ");
    for text in texts {
        for secret in [SECRET_ID, SECRET_PASSWORD, token] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.message(), Some("Forbidden."));
}

#[test]
fn null_collections_read_as_empty() {
    // Belvo sends `"funds_data": null` for accounts that are not funds.
    let account: belvo::types::Account =
        serde_json::from_value(json!({"name": "x", "funds_data": null})).unwrap();
    assert!(account.funds_data.is_empty());
}

#[test]
fn configuration_from_variables() {
    let vars = |pairs: &[(&str, &str)]| {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name: &str| map.get(name).cloned()
    };
    let id = ("BELVO_SECRET_ID", SECRET_ID);
    let password = ("BELVO_SECRET_PASSWORD", SECRET_PASSWORD);

    let missing = |pairs: &[(&str, &str)]| {
        belvo::ClientBuilder::from_lookup(vars(pairs))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        missing(&[]),
        "environment variable BELVO_SECRET_ID is not set"
    );
    assert_eq!(
        missing(&[id, ("BELVO_SECRET_PASSWORD", "")]),
        "environment variable BELVO_SECRET_PASSWORD is not set"
    );
    assert!(missing(&[id, password]).contains("BELVO_ENV"));
    assert_eq!(
        missing(&[
            id,
            password,
            ("BELVO_ENV", "sandbox"),
            ("BELVO_URL", "http://x")
        ]),
        "both BELVO_ENV and BELVO_URL are set; set only one"
    );
    let unknown = missing(&[id, password, ("BELVO_ENV", "staging")]);
    assert!(unknown.contains("\"staging\""), "{unknown}");
    for text in [missing(&[id]), unknown] {
        assert!(!text.contains(SECRET_ID) && !text.contains(SECRET_PASSWORD));
    }

    let ok = |pairs: &[(&str, &str)]| belvo::ClientBuilder::from_lookup(vars(pairs)).unwrap();
    let sandbox = ok(&[id, password, ("BELVO_ENV", "sandbox")])
        .build()
        .unwrap();
    assert_eq!(
        belvo::ClientInfo::baseurl(&sandbox),
        "https://sandbox.belvo.com"
    );
    let custom = ok(&[id, password, ("BELVO_URL", "http://127.0.0.1:4010/")])
        .build()
        .unwrap();
    assert_eq!(belvo::ClientInfo::baseurl(&custom), "http://127.0.0.1:4010");
    let bad_url = ok(&[id, password, ("BELVO_URL", "localhost:4010")]).build();
    assert!(
        matches!(bad_url, Err(ConfigError::InvalidUrl { .. })),
        "{bad_url:?}"
    );
}
