//! A mock Belvo for your own tests (feature `mock`): a loopback HTTP server (wiremock
//! underneath) with one typed method per operation, generated from the spec with the client,
//! and a scripted multi-factor challenge.
//!
//! ```no_run
//! use belvo::mock::MockServer;
//! use belvo::{builder, types, MfaExt};
//!
//! # async fn test() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start().await;
//! server
//!     .list_all_institutions()
//!     .respond(types::InstitutionsPage::default())
//!     .await;
//! server
//!     .get_a_links_details()
//!     .fail(404, serde_json::json!({"detail": "Not found."}))
//!     .await;
//! // `POST /api/balances/` is answered 428 with a challenge, its resume with the balances.
//! server
//!     .mfa::<builder::RetrieveBalancesForALink>()
//!     .then_respond(vec![types::Balance::default()])
//!     .await;
//!
//! let client = server.client();
//! let page = client.list_all_institutions().send().await?;
//! # let _ = page; Ok(()) }
//! ```
//!
//! Each `Expect` matches its operation's method and path template (any value in a `{param}`
//! segment, any query unless [`Expect::query`] narrows it); a later mount of the same
//! operation does not replace an earlier one: the first matching mock answers, unless it was
//! limited with [`Expect::times`]. Requests no mock matches are answered 404.

use std::marker::PhantomData;

use serde::Serialize;
use wiremock::matchers::{method, path_regex, query_param};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::mfa::ResumableOp;
use crate::{Client, Credentials, Environment, RetryPolicy};

/// The secret key ID of [`MockServer::client`].
pub const MOCK_SECRET_ID: &str = "mock-secret-id";

/// A mock Belvo on a loopback port, stopped when dropped. The typed per-operation methods
/// (`server.list_all_accounts()`, …) are generated; see the module docs.
pub struct MockServer {
    server: wiremock::MockServer,
}

impl MockServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        MockServer {
            server: wiremock::MockServer::start().await,
        }
    }

    /// Its base URL, e.g. `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client of this server with mock credentials and no retries (a test that checks
    /// retries builds its own with [`uri`](Self::uri)).
    pub fn client(&self) -> Client {
        Client::builder(
            Environment::Custom(self.uri()),
            Credentials::new(MOCK_SECRET_ID, "mock-secret-password"),
        )
        .retry(RetryPolicy::none())
        .build()
        .expect("a loopback URL is a valid base URL")
    }

    /// The requests received so far, in order.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The wiremock server underneath, for what the typed methods do not cover.
    pub fn wiremock(&self) -> &wiremock::MockServer {
        &self.server
    }

    /// A scripted multi-factor flow for operation `R` (its builder type, e.g.
    /// `belvo::builder::RetrieveBalancesForALink`): the request is answered 428 with a
    /// challenge, and the resume with [`MfaScript::then_respond`]'s data.
    pub fn mfa<R: ResumableOp>(&self) -> MfaScript<'_, R> {
        MfaScript {
            server: self,
            session: "mock-session".to_owned(),
            challenges: 1,
            expects_user_input: true,
            _op: PhantomData,
        }
    }
}

/// What one operation of a [`MockServer`] answers; from the generated per-operation methods.
/// Nothing is mounted until [`respond`](Self::respond) or [`fail`](Self::fail) is awaited.
#[must_use = "nothing is mounted until `respond` or `fail` is awaited"]
pub struct Expect<'a, T> {
    server: &'a MockServer,
    method: &'static str,
    path: &'static str,
    status: u16,
    query: Vec<(String, String)>,
    times: Option<u64>,
    expected: Option<u64>,
    /// The status of a body, for a success type with one variant per status.
    status_of: Option<fn(&T) -> u16>,
    _body: PhantomData<fn(T)>,
}

impl<'a, T: Serialize> Expect<'a, T> {
    /// The mock of the operation sent as `method` to `path` (a template), answering `status`
    /// on success. Called by the generated methods.
    pub fn new(
        server: &'a MockServer,
        method: &'static str,
        path: &'static str,
        status: u16,
    ) -> Self {
        Expect {
            server,
            method,
            path,
            status,
            query: Vec::new(),
            times: None,
            expected: None,
            status_of: None,
            _body: PhantomData,
        }
    }

    /// Answers the status `f` reads from the body given to [`respond`](Self::respond) (an
    /// enum with one variant per status, such as `RetrieveTransactionsForALinkSuccess`).
    /// Called by the generated methods.
    pub fn status_of(mut self, f: fn(&T) -> u16) -> Self {
        self.status_of = Some(f);
        self
    }

    /// Only requests with query parameter `name=value` (e.g. `page=2`); such a mock is
    /// preferred over one without.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers the first `n` matching requests only, then lets later mocks answer.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Fails the test (when the server is dropped) unless exactly `n` requests matched.
    pub fn expect(mut self, n: u64) -> Self {
        self.expected = Some(n);
        self
    }

    /// Answers with the operation's success status (the variant's, for a body of several
    /// statuses) and `body`.
    pub async fn respond(self, body: T) {
        let status = self.status_of.map_or(self.status, |f| f(&body));
        let template = ResponseTemplate::new(status).set_body_json(&body);
        self.mount(template).await;
    }

    /// Answers `status` with `body`, e.g. a typed error body of the operation
    /// (`Vec<belvo::types::Error>`) or any JSON.
    pub async fn fail(self, status: u16, body: impl Serialize) {
        let template = ResponseTemplate::new(status).set_body_json(&body);
        self.mount(template).await;
    }

    async fn mount(self, template: ResponseTemplate) {
        let mut mock = Mock::given(method(self.method)).and(path_regex(template_regex(self.path)));
        for (name, value) in &self.query {
            mock = mock.and(query_param(name.as_str(), value.as_str()));
        }
        let mut mock = mock.respond_with(template);
        if !self.query.is_empty() {
            mock = mock.with_priority(1);
        }
        if let Some(n) = self.times {
            mock = mock.up_to_n_times(n);
        }
        if let Some(n) = self.expected {
            mock = mock.expect(n);
        }
        mock.mount(&self.server.server).await;
    }
}

/// A scripted multi-factor flow, from [`MockServer::mfa`].
#[must_use = "nothing is mounted until `then_respond` is awaited"]
pub struct MfaScript<'a, R> {
    server: &'a MockServer,
    session: String,
    challenges: u32,
    expects_user_input: bool,
    _op: PhantomData<fn(R)>,
}

impl<'a, R: ResumableOp> MfaScript<'a, R>
where
    R::ResumeOutput: Serialize,
{
    /// The challenge's session (default `mock-session`).
    pub fn session(mut self, session: impl Into<String>) -> Self {
        self.session = session.into();
        self
    }

    /// How many challenges before the data: the request's, then one per extra resume
    /// (default 1, at least 1).
    pub fn challenges(mut self, n: u32) -> Self {
        self.challenges = n.max(1);
        self
    }

    /// A challenge that expects no token (the user approves elsewhere).
    pub fn without_user_input(mut self) -> Self {
        self.expects_user_input = false;
        self
    }

    /// Mounts the flow: the request answered 428, the first `challenges - 1` resumes 428
    /// again, then the resume answered with `data` and the resume's success status.
    pub async fn then_respond(self, data: R::ResumeOutput) {
        let pair = R::PAIR;
        let challenge = serde_json::json!([{
            "code": "token_required",
            "message": "A MFA token is required by the institution to login",
            "request_id": "mock-request-id",
            "session": self.session,
            "expiry": 600,
            "token_generation_data": {
                "instructions": "Enter the code (the mock takes any)",
                "type": "numeric",
                "value": "",
                "expects_user_input": self.expects_user_input
            }
        }]);
        let ask = || Challenging(challenge.clone());
        let server = &self.server.server;
        Mock::given(method(pair.method))
            .and(path_regex(template_regex(pair.path)))
            .respond_with(ask())
            .mount(server)
            .await;
        let resume =
            || Mock::given(method("PATCH")).and(path_regex(template_regex(pair.resume_path)));
        if self.challenges > 1 {
            resume()
                .respond_with(ask())
                .up_to_n_times(u64::from(self.challenges - 1))
                .with_priority(1)
                .mount(server)
                .await;
        }
        resume()
            .respond_with(ResponseTemplate::new(success_status(pair.resume)).set_body_json(&data))
            .with_priority(2)
            .mount(server)
            .await;
    }
}

/// A 428 with the challenge, naming the link the request names (its body's `link`, else the
/// last segment of its path, as for `PUT /api/links/{id}/`), as Belvo's does.
struct Challenging(serde_json::Value);

impl Respond for Challenging {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let from_body = serde_json::from_slice::<serde_json::Value>(&request.body)
            .ok()
            .and_then(|b| b.get("link").cloned())
            .filter(|l| !l.is_null());
        let link = from_body.unwrap_or_else(|| {
            let last = request.url.path().trim_end_matches('/').rsplit('/').next();
            serde_json::Value::from(last.unwrap_or_default())
        });
        let mut body = self.0.clone();
        if let Some(first) = body.get_mut(0) {
            first["link"] = link;
        }
        ResponseTemplate::new(428).set_body_json(body)
    }
}

/// The first 2xx status the spec gives `operation`, from the generated decode table; 200
/// when it gives none.
fn success_status(operation: &str) -> u16 {
    crate::decode::RESPONSES
        .iter()
        .find(|(op, status, ..)| *op == operation && (200..300).contains(status))
        .map_or(200, |(_, status, ..)| *status)
}

/// `^/api/links/[^/]+/$` for `/api/links/{id}/`: a `{param}` segment matches any one
/// segment, the rest literally; a base path before it is allowed.
fn template_regex(template: &str) -> String {
    let segments: Vec<String> = template
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') && segment.ends_with('}') {
                "[^/]+".to_owned()
            } else {
                regex_escape(segment)
            }
        })
        .collect();
    format!("{}$", segments.join("/"))
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_anchored_regexes() {
        assert_eq!(template_regex("/api/links/{id}/"), "/api/links/[^/]+/$");
        assert_eq!(template_regex("/api/accounts/"), "/api/accounts/$");
        assert_eq!(template_regex("/a.b/{x}"), "/a\\.b/[^/]+$");
    }
}
