//! The multi-factor (MFA) resume flow, as extension methods on the generated request builders.
//!
//! Some institutions pause a request (retrieving balances, registering a link, …) and ask for
//! a one-time token: Belvo answers `428 token_required` with a session, an expiry in seconds
//! and what the token looks like. The caller then sends a `PATCH` with `{session, token, link,
//! save_data}`, which may be answered 428 again (another round) until the data comes back.
//!
//! ```no_run
//! use belvo::mfa::{Challenge, MfaExt, Token};
//! use belvo::{types, Client, Credentials, Environment};
//!
//! # async fn run(link: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::connect(Environment::Sandbox, Credentials::new("id", "password"));
//! let ask = |challenge: &Challenge| {
//!     println!("{}", challenge.token_generation_data.instructions.as_deref().unwrap_or("Token?"));
//!     async move { Ok::<_, std::io::Error>(Token::new("123456")) }
//! };
//! let balances = client
//!     .retrieve_balances_for_a_link()
//!     .body(types::RetrieveBalancesForALinkBody {
//!         link,
//!         date_from: "2024-01-01".parse()?,
//!         date_to: "2024-01-31".parse()?,
//!         account: None,
//!         save_data: None,
//!         token: None,
//!     })
//!     .with_mfa(&ask)
//!     .await?
//!     .into_inner();
//! # let _ = balances;
//! # Ok(())
//! # }
//! ```
//!
//! - [`MfaExt::with_mfa`] sends the request, asks a [`TokenProvider`] for each token, resumes,
//!   and loops up to [`DEFAULT_MAX_ROUNDS`] resumes (see [`WithMfa::max_rounds`]). A challenge
//!   whose `expects_user_input` is false is resumed without a token (after
//!   [`TokenProvider::confirm`]).
//! - [`MfaExt::send_or_challenge`] and [`resume`] (or [`MfaExt::resume_challenge`]) are the
//!   two halves, for flows where the token arrives later, elsewhere: a [`Challenge`] is plain
//!   serde data and can be stored as JSON and resumed by another process with a fresh client.
//! - A challenge past its deadline fails with [`MfaError::Expired`] before anything is sent.
//!
//! Which operations are resumable, and with which `PATCH`, is not listed here: it is the
//! generated [`ResumableOp`] trait, implemented by `cargo xtask regen` for every pair the spec
//! has, so a resource added to the collection gets MFA support by regenerating alone.
//!
//! The 428 body is read whether it arrives as an object or as a list of one object: typed,
//! when the client decoded it (`OperationError::ErrorResponse`), else from the raw bytes
//! (`OperationError::InvalidResponsePayload` or an undeclared 428).

#![warn(missing_docs)]

mod challenge;
mod error;
mod provider;

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

pub use self::challenge::{Challenge, Operation, Token, TokenGeneration};
pub use self::error::{BoxError, MfaError};
pub use self::provider::TokenProvider;
pub use crate::resumable::{FromResume, Resumable, ResumableOp, RESUMABLE};

use self::challenge::{looks_like_challenge, now};
use crate::decode::request_id;
use crate::trace::MfaSpan;
use crate::{Client, OperationError, ResponseValue};

/// How many resumes [`MfaExt::with_mfa`] sends before giving up, unless told otherwise.
pub const DEFAULT_MAX_ROUNDS: u32 = 3;

/// The error of the MFA flow of operation `R`.
pub type ErrorOf<R> = MfaError<<R as ResumableOp>::Error, <R as ResumableOp>::ResumeError>;

/// The answer to one request of the flow: the data, or a challenge to answer.
#[derive(Debug)]
pub enum Step<T> {
    /// The request succeeded.
    Done(ResponseValue<T>),
    /// The institution asks for a token.
    Challenge(Challenge),
}

/// How a looping flow ended: with the first request's answer (no challenge) or a resume's.
///
/// The two types differ when the spec gives the request and its resume different success
/// bodies (Belvo's `POST /api/incomes/` answers one income, its `PATCH` a list).
#[derive(Debug)]
pub enum Outcome<T, U> {
    /// The first request succeeded without a challenge.
    Retrieved(ResponseValue<T>),
    /// A resume succeeded.
    Resumed(ResponseValue<U>),
}

impl<T> Outcome<T, T> {
    /// The response, whichever request it answered.
    pub fn into_response(self) -> ResponseValue<T> {
        match self {
            Outcome::Retrieved(v) | Outcome::Resumed(v) => v,
        }
    }
}

/// MFA methods for every request that may be answered with a challenge (every builder that
/// implements the generated [`ResumableOp`]).
pub trait MfaExt: ResumableOp {
    /// Sends the request and answers challenges with `provider` until the data comes back.
    /// Await it for a `ResponseValue` of the flow's type ([`ResumableOp::FlowOutput`]),
    /// whichever request succeeded: the request's success type, which a resume's body
    /// becomes through [`FromResume`] (the variant of its status, for a type of one variant
    /// per status); or, where the resume answers a list of it (Belvo's `POST /api/incomes/`
    /// answers one income, its `PATCH` a list), that list, the request's one item as a list
    /// of one. [`WithMfa::outcome`] says which request the data answers.
    fn with_mfa<P: TokenProvider>(self, provider: &P) -> WithMfa<'_, Self, P> {
        WithMfa {
            op: self,
            provider,
            max_rounds: DEFAULT_MAX_ROUNDS,
            save_data: None,
        }
    }

    /// Sends the request; a challenge is returned rather than answered.
    fn send_or_challenge(
        self,
    ) -> impl Future<Output = Result<Step<Self::Output>, ErrorOf<Self>>> + Send {
        first_step(self)
    }

    /// Resumes `challenge` (possibly stored by another process) with `token` (`None` when
    /// it expects no input), through this builder's client. Only the builder's type and
    /// client are used, not its parameters. See [`resume`].
    fn resume_challenge(
        self,
        challenge: &Challenge,
        token: Option<Token>,
    ) -> impl Future<Output = Result<Step<Self::ResumeOutput>, ErrorOf<Self>>> + Send {
        async move {
            let client = self.client().clone();
            resume::<Self>(&client, challenge, token).await
        }
    }
}

impl<R: ResumableOp> MfaExt for R {}

/// A request that answers challenges, from [`MfaExt::with_mfa`]: set options, then await it.
#[must_use = "nothing is sent until it is awaited"]
pub struct WithMfa<'p, R, P> {
    op: R,
    provider: &'p P,
    max_rounds: u32,
    save_data: Option<bool>,
}

impl<'p, R: ResumableOp, P: TokenProvider> WithMfa<'p, R, P> {
    /// At most `rounds` resumes (default [`DEFAULT_MAX_ROUNDS`]); one more challenge fails
    /// with [`MfaError::TooManyRounds`], which keeps it.
    pub fn max_rounds(mut self, rounds: u32) -> Self {
        self.max_rounds = rounds;
        self
    }

    /// `save_data` for the resumes. By default the request's own `save_data` is repeated
    /// (and none is sent when the request had none: Belvo then saves).
    pub fn save_data(mut self, save: bool) -> Self {
        self.save_data = Some(save);
        self
    }

    /// Runs the flow and says which request the data answers, each in its own type.
    ///
    /// Awaiting the flow itself gives one type whichever request succeeded; for Belvo's
    /// `POST /api/incomes/`, which answers one income while its `PATCH` answers a list, that
    /// is the list (the one income becomes a list of one):
    ///
    /// ```no_run
    /// # async fn incomes(client: belvo::Client, link: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
    /// # use belvo::MfaExt;
    /// # let ask = |_: &belvo::mfa::Challenge| async { Ok::<_, String>(belvo::mfa::Token::new("1")) };
    /// let incomes: Vec<belvo::types::Income> = client
    ///     .retrieve_incomes_for_a_link()
    ///     .body_map(|b| b.link(link))
    ///     .with_mfa(&ask)
    ///     .await?
    ///     .into_inner();
    /// println!("{} incomes", incomes.len());
    /// # Ok(()) }
    /// ```
    ///
    /// Where it matters which request answered, `outcome()` keeps the two types apart:
    ///
    /// ```no_run
    /// # async fn incomes(client: belvo::Client, link: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
    /// # use belvo::MfaExt;
    /// use belvo::mfa::Outcome;
    /// # let ask = |_: &belvo::mfa::Challenge| async { Ok::<_, String>(belvo::mfa::Token::new("1")) };
    /// match client.retrieve_incomes_for_a_link().body_map(|b| b.link(link)).with_mfa(&ask).outcome().await? {
    ///     Outcome::Retrieved(income) => println!("{:?}", income.id),
    ///     Outcome::Resumed(incomes) => println!("{} incomes", incomes.len()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn outcome(self) -> Result<Outcome<R::Output, R::ResumeOutput>, ErrorOf<R>> {
        let span = MfaSpan::flow(R::PAIR.retrieve);
        let mut rounds = 0;
        let outcome = span.run(self.run(&mut rounds)).await;
        span.rounds(rounds);
        outcome
    }

    /// The flow, counting the resumes it sends in `rounds`.
    async fn run(
        self,
        rounds: &mut u32,
    ) -> Result<Outcome<R::Output, R::ResumeOutput>, ErrorOf<R>> {
        let WithMfa {
            op,
            provider,
            max_rounds,
            save_data,
        } = self;
        // The builder is consumed by its request; the resumes go through a copy of its client.
        let client = op.client().clone();
        let mut challenge = match first_step(op).await? {
            Step::Done(v) => return Ok(Outcome::Retrieved(v)),
            Step::Challenge(c) => c,
        };
        loop {
            if *rounds >= max_rounds {
                return Err(MfaError::TooManyRounds {
                    rounds: *rounds,
                    challenge: Box::new(challenge),
                });
            }
            if save_data.is_some() {
                challenge.save_data = save_data;
            }
            // No use asking the user for a token for a dead session.
            check_deadline(&challenge)?;
            let token = if challenge.expects_user_input() {
                let token = provider.token(&challenge).await;
                Some(token.map_err(|e| MfaError::Provider(e.into()))?)
            } else {
                let confirmed = provider.confirm(&challenge).await;
                confirmed.map_err(|e| MfaError::Provider(e.into()))?;
                None
            };
            *rounds += 1;
            match resume::<R>(&client, &challenge, token).await? {
                Step::Done(v) => return Ok(Outcome::Resumed(v)),
                Step::Challenge(next) => challenge = next,
            }
        }
    }
}

impl<'p, R, P> IntoFuture for WithMfa<'p, R, P>
where
    R: ResumableOp + 'p,
    R::Output: Send + 'p,
    R::ResumeOutput: Send + 'p,
    P: TokenProvider,
{
    type Output = Result<ResponseValue<R::FlowOutput>, ErrorOf<R>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'p>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            Ok(match self.outcome().await? {
                Outcome::Retrieved(v) => with_body(v, R::from_retrieved),
                Outcome::Resumed(v) => with_body(v, R::from_resumed),
            })
        })
    }
}

/// `v` with its body converted by `convert`, given the status; status and headers are kept.
fn with_body<T, U>(v: ResponseValue<T>, convert: impl FnOnce(u16, T) -> U) -> ResponseValue<U> {
    let (status, headers) = (v.status(), v.headers().clone());
    ResponseValue::new(convert(status.as_u16(), v.into_inner()), status, headers)
}

/// Resumes `challenge` with `token` (`None` for a challenge that expects no input) through
/// `client`, which may be another client, in another process, than the one that received it.
/// `R` is the builder type of the operation that was challenged, e.g.
/// `belvo::builder::RetrieveBalancesForALink`.
///
/// Fails with [`MfaError::Expired`] before sending anything once the deadline has passed, and
/// with [`MfaError::WrongOperation`] for a challenge of another operation. Another round is
/// returned as [`Step::Challenge`].
pub async fn resume<R: ResumableOp>(
    client: &Client,
    challenge: &Challenge,
    token: Option<Token>,
) -> Result<Step<R::ResumeOutput>, ErrorOf<R>> {
    let span = MfaSpan::resume(R::PAIR.resume, challenge.round);
    span.run(resume_once::<R>(client, challenge, token)).await
}

async fn resume_once<R: ResumableOp>(
    client: &Client,
    challenge: &Challenge,
    token: Option<Token>,
) -> Result<Step<R::ResumeOutput>, ErrorOf<R>> {
    let pair = R::PAIR;
    if challenge.operation.resume != pair.resume {
        return Err(MfaError::WrongOperation {
            expected: pair.resume,
            found: challenge.operation.resume.clone(),
        });
    }
    check_deadline(challenge)?;
    let body = serde_json::from_value::<R::ResumeBody>(challenge.resume_body(token.as_ref()))
        .map_err(|e| MfaError::ResumeBody {
            operation: pair.resume,
            reason: redact(
                e.to_string(),
                &[token.as_ref().map(Token::expose), Some(&challenge.session)],
            ),
        })?;
    drop(token);
    let error = match R::resume(client, body).await {
        Ok(v) => return Ok(Step::Done(v)),
        Err(e) => e,
    };
    match classify(error, &challenge.operation, challenge.round + 1).await {
        Classified::Challenge(mut next) => {
            // The same session goes on: what the new answer leaves out still holds.
            next.save_data = challenge.save_data;
            if next.link.is_none() {
                next.link.clone_from(&challenge.link);
            }
            Ok(Step::Challenge(next))
        }
        Classified::Invalid {
            status,
            request_id,
            reason,
        } => Err(MfaError::InvalidChallenge {
            operation: pair.resume,
            status,
            request_id,
            reason,
        }),
        Classified::Other { request_id, error } => Err(MfaError::Resume {
            operation: pair.resume,
            round: challenge.round,
            request_id,
            source: error,
        }),
    }
}

/// The first request: its data, or the challenge it was answered with.
async fn first_step<R: ResumableOp>(op: R) -> Result<Step<R::Output>, ErrorOf<R>> {
    let pair = R::PAIR;
    // The resume repeats the request's `save_data` (Belvo would otherwise default to true).
    let save_data = op
        .request_body()
        .and_then(|body| body.get("save_data")?.as_bool());
    let error = match op.retrieve().await {
        Ok(v) => return Ok(Step::Done(v)),
        Err(e) => e,
    };
    match classify(error, &Operation::from(pair), 1).await {
        Classified::Challenge(mut c) => {
            c.save_data = save_data;
            Ok(Step::Challenge(c))
        }
        Classified::Invalid {
            status,
            request_id,
            reason,
        } => Err(MfaError::InvalidChallenge {
            operation: pair.retrieve,
            status,
            request_id,
            reason,
        }),
        Classified::Other { request_id, error } => Err(MfaError::Retrieve {
            operation: pair.retrieve,
            request_id,
            source: error,
        }),
    }
}

// As large as the client's own error, which `send()` returns unboxed too.
#[allow(clippy::result_large_err)]
fn check_deadline<E, RE>(challenge: &Challenge) -> Result<(), MfaError<E, RE>> {
    match challenge.expires_at {
        Some(at) if now() >= at => Err(MfaError::Expired {
            operation: challenge.operation.clone(),
            expired_at: at,
        }),
        _ => Ok(()),
    }
}

/// A failed request, sorted: a challenge, a 428 that cannot be resumed, or anything else.
enum Classified<E> {
    Challenge(Challenge),
    Invalid {
        status: Option<reqwest::StatusCode>,
        request_id: Option<String>,
        reason: String,
    },
    Other {
        request_id: Option<String>,
        error: OperationError<E>,
    },
}

/// Sorts the failure of `operation` in `round` (see [`Classified`]).
async fn classify<E: Serialize>(
    error: OperationError<E>,
    operation: &Operation,
    round: u32,
) -> Classified<E> {
    let received = Received {
        operation,
        round,
        at: now(),
    };
    match error {
        // The documented 428, decoded into the generated error type.
        OperationError::ErrorResponse(rv)
            if rv.status() == reqwest::StatusCode::PRECONDITION_REQUIRED =>
        {
            match serde_json::to_value(&*rv) {
                Ok(body) => received.challenge(&body, Some(rv.status()), rv.headers()),
                Err(e) => Classified::Invalid {
                    status: Some(rv.status()),
                    request_id: request_id(rv.headers(), None),
                    reason: format!("the 428 body cannot be read: {e}"),
                },
            }
        }
        // A body the generated type does not fit (an object where a list was declared);
        // the status is lost, so the body must show itself to be a challenge.
        OperationError::InvalidResponsePayload(bytes, e) => {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(body) if looks_like_challenge(&body) => {
                    received.challenge(&body, None, &HeaderMap::new())
                }
                Ok(body) => Classified::Other {
                    request_id: request_id(&HeaderMap::new(), Some(&body)),
                    error: OperationError::InvalidResponsePayload(bytes, e),
                },
                Err(_) => Classified::Other {
                    request_id: None,
                    error: OperationError::InvalidResponsePayload(bytes, e),
                },
            }
        }
        // A spec that does not declare the 428: read the body here.
        OperationError::UnexpectedResponse(response)
            if response.status() == reqwest::StatusCode::PRECONDITION_REQUIRED =>
        {
            received.undeclared_428(response).await
        }
        OperationError::ErrorResponse(rv) => Classified::Other {
            request_id: request_id(rv.headers(), serde_json::to_value(&*rv).ok().as_ref()),
            error: OperationError::ErrorResponse(rv),
        },
        OperationError::UnexpectedResponse(response) => Classified::Other {
            request_id: request_id(response.headers(), None),
            error: OperationError::UnexpectedResponse(response),
        },
        error => Classified::Other {
            request_id: None,
            error,
        },
    }
}

/// A 428 answer to `operation` in `round`, received `at`.
struct Received<'a> {
    operation: &'a Operation,
    round: u32,
    at: chrono::DateTime<chrono::Utc>,
}

impl Received<'_> {
    /// `body` as a challenge, or why it is not one, with the answer's request id.
    fn challenge<E>(
        &self,
        body: &Value,
        status: Option<reqwest::StatusCode>,
        headers: &HeaderMap,
    ) -> Classified<E> {
        match challenge::parse(body, self.operation.clone(), self.round, self.at) {
            Ok(mut c) => {
                c.request_id = request_id(headers, Some(body));
                Classified::Challenge(c)
            }
            Err(reason) => Classified::Invalid {
                status,
                request_id: request_id(headers, Some(body)),
                reason,
            },
        }
    }

    /// A 428 the spec does not declare, so progenitor left its body unread.
    async fn undeclared_428<E>(&self, response: reqwest::Response) -> Classified<E> {
        let status = response.status();
        let headers = response.headers().clone();
        let header_id = request_id(&headers, None);
        match response.bytes().await {
            Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(body) => self.challenge(&body, Some(status), &headers),
                Err(e) => Classified::Invalid {
                    status: Some(status),
                    request_id: header_id,
                    reason: format!("the 428 body is not JSON: {e}"),
                },
            },
            Err(e) => Classified::Other {
                request_id: header_id,
                error: OperationError::ResponseBodyError(e),
            },
        }
    }
}

/// `text` with every non-empty secret replaced.
fn redact(mut text: String, secrets: &[Option<&str>]) -> String {
    for secret in secrets.iter().flatten().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "<redacted>");
    }
    text
}

#[cfg(test)]
mod tests {
    //! The paths of `classify` that the generated Belvo client does not reach over HTTP: a
    //! 428 it does not declare, and undecodable bodies of other statuses.

    use super::*;

    fn op() -> Operation {
        Operation::from(RESUMABLE[0])
    }

    fn response(status: u16, body: &'static str, request_id: Option<&str>) -> reqwest::Response {
        let mut builder = http::Response::builder().status(status);
        if let Some(id) = request_id {
            builder = builder.header("x-request-id", id);
        }
        reqwest::Response::from(builder.body(body).unwrap())
    }

    #[tokio::test]
    async fn an_undeclared_428_is_read_from_the_response() {
        let body = r#"{"code": "token_required", "session": "s", "expiry": 10}"#;
        let error = OperationError::<()>::UnexpectedResponse(response(428, body, Some("h1")));
        match classify(error, &op(), 1).await {
            Classified::Challenge(c) => {
                assert_eq!(c.session, "s");
                assert!(c.expires_at.is_some());
            }
            _ => panic!("not a challenge"),
        }

        let error = OperationError::<()>::UnexpectedResponse(response(428, "<html>", Some("h2")));
        match classify(error, &op(), 1).await {
            Classified::Invalid {
                status, request_id, ..
            } => {
                assert_eq!(status.map(|s| s.as_u16()), Some(428));
                assert_eq!(request_id.as_deref(), Some("h2"));
            }
            _ => panic!("not invalid"),
        }
    }

    #[tokio::test]
    async fn other_answers_are_passed_on_with_their_request_id() {
        let error = OperationError::<()>::UnexpectedResponse(response(503, "busy", Some("h3")));
        match classify(error, &op(), 1).await {
            Classified::Other {
                request_id,
                error: OperationError::UnexpectedResponse(r),
            } => {
                assert_eq!(request_id.as_deref(), Some("h3"));
                assert_eq!(r.status(), 503);
            }
            _ => panic!("not passed on"),
        }

        // An undecodable body that is not a challenge (a 400 sent as an object).
        let bytes = bytes::Bytes::from_static(br#"{"code": "invalid", "request_id": "b1"}"#);
        let json_error = serde_json::from_slice::<Vec<u8>>(&bytes).unwrap_err();
        let error = OperationError::<()>::InvalidResponsePayload(bytes, json_error);
        match classify(error, &op(), 1).await {
            Classified::Other {
                request_id,
                error: OperationError::InvalidResponsePayload(..),
            } => assert_eq!(request_id.as_deref(), Some("b1")),
            _ => panic!("not passed on"),
        }
    }

    #[test]
    fn redaction_removes_every_secret() {
        let text = redact(
            "a tok b sess c tok".into(),
            &[Some("tok"), None, Some("sess"), Some("")],
        );
        assert_eq!(text, "a <redacted> b <redacted> c <redacted>");
    }
}
