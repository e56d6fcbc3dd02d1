//! Per-request options (`RequestOptions` through `WithOptions::with_options`) and client-wide
//! default headers, over real HTTP on loopback (wiremock): each option reaches the requests of
//! its own call only, for a plain `send()`, every page of a walk and both requests of an MFA
//! flow; retries follow the call's policy; a refused connection is retried for `POST` too.

use std::time::{Duration, Instant};

use belvo::mfa::Token;
use belvo::{
    types, Client, ConfigError, Environment, Error, MfaExt, RequestOptions, RetryPolicy,
    WithOptions,
};
use futures::TryStreamExt;
use serde_json::{json, Value};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;
use support::{
    assert_refused, assert_timed_out, client, credentials, fast_retries, mount_balances_challenge,
    refusing_client, refusing_port, BASIC,
};

fn empty_page(next: Option<String>) -> Value {
    json!({"count": 0, "next": next, "previous": null, "results": []})
}

async fn serve_pages(server: &MockServer) {
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page(None)))
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn balances_body() -> types::builder::RetrieveBalancesForALinkBody {
    types::builder::RetrieveBalancesForALinkBody::default()
        .link(uuid::Uuid::nil())
        .date_from("2024-01-01".parse::<chrono::NaiveDate>().unwrap())
        .date_to("2024-01-31".parse::<chrono::NaiveDate>().unwrap())
}

#[tokio::test]
async fn a_header_set_for_one_call_arrives_and_is_absent_on_the_next() {
    let server = MockServer::start().await;
    serve_pages(&server).await;
    let client = client(&server, RetryPolicy::none());
    let options = RequestOptions::new()
        .header("Prefer", "code=200")
        .header("X-Belvo-Request-Mode", "async");
    client
        .list_all_institutions()
        .send()
        .with_options(options.clone())
        .await
        .unwrap();
    client.list_all_institutions().send().await.unwrap();
    // Running beside an unscoped call, on the same thread: only its own requests get them.
    let (with, without) = futures::join!(
        client.list_all_owners().send().with_options(options),
        client.list_all_accounts().send(),
    );
    with.unwrap();
    without.unwrap();

    let requests = received(&server).await;
    let prefer: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|r| (r.url.path(), header(r, "prefer")))
        .collect();
    assert_eq!(
        prefer,
        [
            ("/api/institutions/", Some("code=200")),
            ("/api/institutions/", None),
            ("/api/owners/", Some("code=200")),
            ("/api/accounts/", None),
        ]
    );
    for (request, expected) in requests
        .iter()
        .zip([Some("async"), None, Some("async"), None])
    {
        assert_eq!(header(request, "x-belvo-request-mode"), expected);
        // Auth is the client's, with or without options.
        assert_eq!(header(request, "authorization"), Some(BASIC));
    }
}

#[tokio::test]
async fn options_cover_every_page_of_a_walk() {
    let server = MockServer::start().await;
    let next = format!("{}/api/accounts/?page=2", server.uri());
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page(None)))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(empty_page(Some(next))))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server, RetryPolicy::none());
    // A walk collected as one future…
    let pages: Vec<types::AccountsPage> = client
        .pages(client.list_all_accounts().send())
        .try_collect::<Vec<_>>()
        .with_options(RequestOptions::new().header("x-trace", "walk-1"))
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    // …or read as a stream, page by page, with a plain call between two pages.
    let pages = RequestOptions::new()
        .header("x-trace", "walk-2")
        .scope_stream(client.pages(client.list_all_accounts().send()));
    futures::pin_mut!(pages);
    pages.try_next().await.unwrap().unwrap();
    client.list_all_institutions().send().await.unwrap();
    pages.try_next().await.unwrap().unwrap();
    assert!(pages.try_next().await.unwrap().is_none());
    let traces: Vec<_> = received(&server)
        .await
        .iter()
        .map(|r| {
            (
                r.url.path().to_owned(),
                header(r, "x-trace").map(str::to_owned),
            )
        })
        .collect();
    let walk = |n: &str| ("/api/accounts/".to_owned(), Some(n.to_owned()));
    assert_eq!(
        traces,
        [
            walk("walk-1"),
            walk("walk-1"),
            walk("walk-2"),
            ("/api/institutions/".to_owned(), None),
            walk("walk-2"),
        ]
    );
}

#[tokio::test]
async fn options_cover_both_requests_of_an_mfa_flow_and_add_body_fields() {
    let server = MockServer::start().await;
    mount_balances_challenge(&server, "s-1", &uuid::Uuid::nil().to_string()).await;
    let client = client(&server, RetryPolicy::none());
    let provider = |_: &belvo::mfa::Challenge| async { Ok::<_, String>(Token::new("123456")) };
    let balances = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .with_mfa(&provider)
        .with_options(
            RequestOptions::new()
                .header("x-flow", "f-1")
                .body_field("institution", "erebor_mx_retail"),
        )
        .await
        .unwrap();
    assert!(balances.is_empty());
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "x-flow"), Some("f-1"), "{}", request.method);
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["institution"], "erebor_mx_retail", "{body}");
        // The typed body is still there, merged.
        assert_eq!(body["link"], uuid::Uuid::nil().to_string(), "{body}");
    }
}

#[tokio::test]
async fn a_call_timeout_fires_where_the_clients_would_not() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(empty_page(None))
                .set_delay(Duration::from_millis(400)),
        )
        .mount(&server)
        .await;
    // The client's timeout is the default 60 s.
    let client = client(&server, RetryPolicy::none());
    let started = Instant::now();
    let err = client
        .list_all_owners()
        .send()
        .with_options(RequestOptions::new().timeout(Duration::from_millis(50)))
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_timed_out(&err);
    assert!(started.elapsed() < Duration::from_millis(400));
    // The same request without the option waits for the answer.
    client.list_all_owners().send().await.unwrap();
}

#[tokio::test]
async fn no_retry_sends_a_503_once_where_the_client_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client(&server, fast_retries(3));
    for (options, attempts) in [
        (RequestOptions::new().no_retry(), 1),
        (RequestOptions::new().retry(RetryPolicy::none()), 1),
        (RequestOptions::new().retry(fast_retries(2)), 2),
        (RequestOptions::new(), 3),
    ] {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let err = Error::from(
            client
                .get_a_links_details()
                .id(uuid::Uuid::nil())
                .send()
                .with_options(options.clone())
                .await
                .unwrap_err(),
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(received(&server).await.len(), attempts, "{options:?}");
    }
}

#[tokio::test]
async fn a_post_or_patch_marked_safe_is_retried() {
    let server = MockServer::start().await;
    let client = client(&server, fast_retries(3));
    for (safe, attempts) in [(false, 1), (true, 3)] {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        Mock::given(method("PATCH"))
            .respond_with(ResponseTemplate::new(502))
            .mount(&server)
            .await;
        let options = if safe {
            RequestOptions::new().safe_to_repeat()
        } else {
            RequestOptions::new()
        };
        let post = client
            .retrieve_balances_for_a_link()
            .body(balances_body())
            .send()
            .with_options(options.clone())
            .await;
        assert_eq!(post.unwrap_err().status().map(|s| s.as_u16()), Some(503));
        let patch_body = json!({"link": uuid::Uuid::nil(), "session": "s", "token": "1"});
        let patch = client
            .complete_a_balances_request()
            .body(serde_json::from_value::<types::CompleteRequestBody>(patch_body).unwrap())
            .send()
            .with_options(options)
            .await;
        assert_eq!(patch.unwrap_err().status().map(|s| s.as_u16()), Some(502));
        let methods: Vec<String> = received(&server)
            .await
            .iter()
            .map(|r| r.method.to_string())
            .collect();
        let expected: Vec<&str> = [vec!["POST"; attempts], vec!["PATCH"; attempts]].concat();
        assert_eq!(methods, expected, "safe: {safe}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_for_post() {
    // Nothing listens: every attempt is refused; the backoffs show that it was retried.
    let client = refusing_client(3, Duration::from_millis(40));
    let started = Instant::now();
    let err = Error::from(
        client
            .retrieve_balances_for_a_link()
            .body(balances_body())
            .send()
            .await
            .unwrap_err(),
    );
    assert_refused(&err);
    // Two backoffs: at least 20 ms and 40 ms.
    assert!(started.elapsed() >= Duration::from_millis(60));

    // A server that comes up during the backoff gets the POST, once.
    let port = refusing_port();
    let client = Client::builder(
        Environment::Custom(format!("http://127.0.0.1:{port}")),
        credentials(),
    )
    .retry(
        RetryPolicy::default()
            .max_attempts(4)
            .base_delay(Duration::from_millis(400)),
    )
    .build()
    .unwrap();
    let start_later = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
            .expect(1)
            .mount(&server)
            .await;
        server
    };
    let started = Instant::now();
    let (sent, _server) = tokio::join!(
        client
            .retrieve_balances_for_a_link()
            .body(balances_body())
            .send(),
        start_later
    );
    assert!(sent.unwrap().is_empty());
    // The first attempt was refused: the answer came after a backoff (≥ 200 ms).
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn default_headers_user_agent_and_their_override() {
    let server = MockServer::start().await;
    serve_pages(&server).await;
    let plain = client(&server, RetryPolicy::none());
    let tuned = Client::builder(Environment::Custom(server.uri()), credentials())
        .default_header("X-Team", "payments")
        .user_agent("payments-svc/2.1")
        .build()
        .unwrap();
    plain.list_all_institutions().send().await.unwrap();
    tuned.list_all_institutions().send().await.unwrap();
    tuned
        .list_all_institutions()
        .send()
        .with_options(RequestOptions::new().header("x-team", "risk"))
        .await
        .unwrap();
    let requests = received(&server).await;
    let seen: Vec<(Option<&str>, Option<&str>)> = requests
        .iter()
        .map(|r| (header(r, "user-agent"), header(r, "x-team")))
        .collect();
    let ours = format!("belvo/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        seen,
        [
            (Some(ours.as_str()), None),
            (Some("payments-svc/2.1"), Some("payments")),
            (Some("payments-svc/2.1"), Some("risk")),
        ]
    );
    assert_eq!(belvo::runtime::DEFAULT_USER_AGENT, ours);
}

#[tokio::test]
async fn invalid_headers_fail_before_sending_and_never_show_their_value() {
    let server = MockServer::start().await;
    serve_pages(&server).await;
    let client = client(&server, RetryPolicy::none());
    for options in [
        RequestOptions::new().header("x-key", "hidden-7d1\n"),
        RequestOptions::new().header("bad name", "hidden-7d1"),
        RequestOptions::new().idempotency_key("hidden-7d1\r\n"),
    ] {
        let err = Error::from(
            client
                .list_all_owners()
                .send()
                .with_options(options)
                .await
                .unwrap_err(),
        );
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("hidden-7d1"), "{err}");
    }
    assert!(received(&server).await.is_empty());

    let built = Client::builder(Environment::Custom(server.uri()), credentials())
        .default_header("x-key", "hidden-7d1\n")
        .build();
    match built {
        Err(e @ ConfigError::InvalidHeader { .. }) => {
            assert!(e.to_string().contains("x-key") && !e.to_string().contains("hidden"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_idempotency_key_is_a_header_and_keeps_a_post_unretried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client(&server, fast_retries(3));
    let result = client
        .retrieve_balances_for_a_link()
        .body(balances_body())
        .send()
        .with_options(RequestOptions::new().idempotency_key("k-42"))
        .await;
    assert!(result.is_err());
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(header(&requests[0], "idempotency-key"), Some("k-42"));
}
