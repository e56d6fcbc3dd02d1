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
//!
//! A scripted MFA flow refuses a resume as Belvo does (400 `session_expired` without the
//! session it issued or the link it challenged, 400 `invalid_token` without a token), so a
//! test of code that stores and resumes challenges catches a lost session.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use wiremock::matchers::{method, path_regex, query_param};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::mfa::ResumableOp;
use crate::{types, Client, Credentials, Environment, RetryPolicy};

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
    /// challenge, and a resume that sends back its session and link (and a token, when one
    /// is expected) with [`MfaScript::then_respond`]'s data.
    pub fn mfa<R: ResumableOp>(&self) -> MfaScript<'_, R> {
        MfaScript {
            server: self,
            challenge: types::MfaTokenRequired::default(),
            link: None,
            challenges: 1,
            status: None,
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
    challenge: types::MfaTokenRequired,
    link: Option<String>,
    challenges: u32,
    status: Option<u16>,
    _op: PhantomData<fn(R)>,
}

impl<'a, R: ResumableOp> MfaScript<'a, R>
where
    R::ResumeOutput: Serialize,
{
    /// The challenge's session (default `mock-session`).
    pub fn session(mut self, session: impl Into<String>) -> Self {
        self.challenge.session = Some(session.into());
        self
    }

    /// The 428's challenge: each field it sets replaces the mock's (session `mock-session`,
    /// request id `mock-request-id`, expiry 600, a numeric token expected, …), except `link`,
    /// which is always the link the request names. It replaces what [`session`](Self::session)
    /// and [`without_user_input`](Self::without_user_input) set before it.
    pub fn challenge(mut self, challenge: types::MfaTokenRequired) -> Self {
        self.challenge = challenge;
        self
    }

    /// Challenges only a request naming `link` (in its body, or as the `{id}` of its path);
    /// another is not mocked (404).
    pub fn link(mut self, link: impl fmt::Display) -> Self {
        self.link = Some(link.to_string());
        self
    }

    /// How many challenges before the data: the request's, then one per extra resume
    /// (default 1, at least 1).
    pub fn challenges(mut self, n: u32) -> Self {
        self.challenges = n.max(1);
        self
    }

    /// The status of the resume's data (default the first success status the spec gives it;
    /// Belvo answers 201 when it saved the data, 200 when asked not to).
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// A challenge that expects no token (the user approves elsewhere).
    pub fn without_user_input(mut self) -> Self {
        let tgd = self.challenge.token_generation_data.get_or_insert_default();
        tgd.expects_user_input = Some(false);
        self
    }

    /// Mounts the flow: the request answered 428, the first `challenges - 1` resumes 428
    /// again, then the resume answered with `data` and its [`status`](Self::status). A resume
    /// is checked as Belvo does: without the session issued or the link challenged it is
    /// answered 400 `session_expired`, without a token (when one is expected) 400
    /// `invalid_token`; neither uses up a challenge.
    pub async fn then_respond(self, data: R::ResumeOutput) {
        let pair = R::PAIR;
        let flow = Arc::new(Flow {
            challenge: with_defaults(self.challenge),
            link_in_path: pair.path.trim_end_matches('/').ends_with('}'),
            named: Mutex::new(None),
            rechallenges: AtomicU32::new(self.challenges - 1),
            done: ResponseTemplate::new(self.status.unwrap_or_else(|| success_status(pair.resume)))
                .set_body_json(&data),
        });
        let server = &self.server.server;
        let asked = Arc::clone(&flow);
        let wanted = self.link;
        Mock::given(method(pair.method))
            .and(path_regex(template_regex(pair.path)))
            .and(move |request: &Request| wanted.is_none() || asked.link_named(request) == wanted)
            .respond_with(Step::Ask(Arc::clone(&flow)))
            .mount(server)
            .await;
        Mock::given(method("PATCH"))
            .and(path_regex(template_regex(pair.resume_path)))
            .respond_with(Step::Resume(flow))
            .mount(server)
            .await;
    }
}

/// The mock's challenge with what `challenge` sets in place of its defaults.
fn with_defaults(challenge: types::MfaTokenRequired) -> types::MfaTokenRequired {
    let tgd = challenge.token_generation_data.unwrap_or_default();
    let text = |value: Option<String>, default: &str| value.or_else(|| Some(default.to_owned()));
    types::MfaTokenRequired {
        code: text(challenge.code, "token_required"),
        message: text(
            challenge.message,
            "A MFA token is required by the institution to login",
        ),
        request_id: text(challenge.request_id, "mock-request-id"),
        session: text(challenge.session, "mock-session"),
        expiry: challenge.expiry.or(Some(600)),
        link: None,
        token_generation_data: Some(types::TokenGenerationData {
            instructions: text(tgd.instructions, "Enter the code (the mock takes any)"),
            type_: text(tgd.type_, "numeric"),
            value: tgd.value.or_else(|| Some(String::new())),
            expects_user_input: tgd.expects_user_input.or(Some(true)),
        }),
    }
}

/// The state of one scripted flow, shared by its request and resume mocks.
struct Flow {
    challenge: types::MfaTokenRequired,
    /// Whether the request names its link in its path (`PUT /api/links/{id}/`).
    link_in_path: bool,
    /// The link the last challenge named, which the resume must send back.
    named: Mutex<Option<String>>,
    /// Resumes still to answer with another challenge.
    rechallenges: AtomicU32,
    done: ResponseTemplate,
}

impl Flow {
    /// The link a request names: its body's `link`, else the `{id}` ending its path.
    fn link_named(&self, request: &Request) -> Option<String> {
        let in_body = body_field(request, "link");
        in_body.or_else(|| {
            let last = request.url.path().trim_end_matches('/').rsplit('/').next();
            last.filter(|_| self.link_in_path).map(str::to_owned)
        })
    }

    /// A 428 with the challenge, naming `link` as Belvo's does.
    fn ask(&self, link: Option<String>) -> ResponseTemplate {
        let mut challenge = self.challenge.clone();
        // Belvo's links are uuids; a link named otherwise is left out of the challenge.
        challenge.link = link.as_deref().and_then(|l| l.parse().ok());
        *self.named.lock().unwrap_or_else(PoisonError::into_inner) = link;
        ResponseTemplate::new(428).set_body_json([challenge])
    }

    fn resume(&self, request: &Request) -> ResponseTemplate {
        let named = self
            .named
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if body_field(request, "session") != self.challenge.session
            || body_field(request, "link") != named
        {
            return rejected(
                "session_expired",
                "The session you are trying to resume has expired, please start again from register/retrieve endpoint",
            );
        }
        let expects_token = self
            .challenge
            .token_generation_data
            .as_ref()
            .and_then(|t| t.expects_user_input)
            .unwrap_or(true);
        if expects_token && body_field(request, "token").is_none_or(|t| t.is_empty()) {
            return rejected("invalid_token", "The token is missing or not valid");
        }
        let more = self
            .rechallenges
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if more.is_ok() {
            self.ask(named)
        } else {
            self.done.clone()
        }
    }
}

/// The two responders of a scripted flow.
enum Step {
    Ask(Arc<Flow>),
    Resume(Arc<Flow>),
}

impl Respond for Step {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self {
            Step::Ask(flow) => flow.ask(flow.link_named(request)),
            Step::Resume(flow) => flow.resume(request),
        }
    }
}

/// A string field of a JSON request body.
fn body_field(request: &Request, name: &str) -> Option<String> {
    let body = serde_json::from_slice::<serde_json::Value>(&request.body).ok()?;
    body.get(name)?.as_str().map(str::to_owned)
}

/// Belvo's 400 for a resume it refuses.
fn rejected(code: &str, message: &str) -> ResponseTemplate {
    let error = types::Error {
        code: Some(code.to_owned()),
        message: Some(message.to_owned()),
        request_id: Some("mock-request-id".to_owned()),
        ..Default::default()
    };
    ResponseTemplate::new(400).set_body_json([error])
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
