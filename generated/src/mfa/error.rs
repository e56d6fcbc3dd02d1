//! What can go wrong in a multi-factor flow. Every variant keeps what a caller or Belvo
//! support needs (status, request id, the typed error body); none shows a token or a session.

use std::error::Error as StdError;
use std::fmt;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;

use super::challenge::{Challenge, Operation};
use crate::OperationError;

/// A boxed error from a [`TokenProvider`](super::TokenProvider).
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a multi-factor flow failed. `E` is the error body type of the first request and `RE`
/// that of the resume (the same type for every Belvo operation).
#[derive(Debug)]
#[non_exhaustive]
pub enum MfaError<E, RE = E> {
    /// The first request failed with something other than a challenge. `source` is the
    /// client's typed error (for a documented status, `OperationError::ErrorResponse` with the body).
    Retrieve {
        /// The operation, e.g. `retrieve_balances_for_a_link`.
        operation: &'static str,
        /// The server's request id, from the error body or the `x-request-id` header.
        request_id: Option<String>,
        /// The client's error.
        source: OperationError<E>,
    },
    /// A resume failed with something other than another challenge; a wrong token is
    /// answered `400` here, and `source` is then `OperationError::ErrorResponse` with the typed body.
    Resume {
        /// The resuming operation, e.g. `complete_a_balances_request`.
        operation: &'static str,
        /// The round of the challenge that was being answered (1 for the first).
        round: u32,
        /// The server's request id, from the error body or the `x-request-id` header.
        request_id: Option<String>,
        /// The client's error.
        source: OperationError<RE>,
    },
    /// The challenge's deadline passed before the resume could be sent; nothing was sent.
    Expired {
        /// The operations the challenge belongs to.
        operation: Operation,
        /// The deadline.
        expired_at: DateTime<Utc>,
    },
    /// The institution was still asking for a token after the allowed number of resumes. The
    /// last challenge is kept, so a caller may carry on with [`resume`](super::resume).
    TooManyRounds {
        /// Resumes sent.
        rounds: u32,
        /// The challenge that was left unanswered.
        challenge: Box<Challenge>,
    },
    /// A 428 answer that cannot be resumed (no session, or a body of another shape).
    InvalidChallenge {
        /// The operation that answered.
        operation: &'static str,
        /// The HTTP status, when known.
        status: Option<StatusCode>,
        /// The server's request id, when it could be read.
        request_id: Option<String>,
        /// What is wrong with it.
        reason: String,
    },
    /// The [`TokenProvider`](super::TokenProvider) failed; nothing more was sent.
    Provider(BoxError),
    /// The resume body could not be built from the challenge (the generated body type wants
    /// something the challenge does not have). The reason never quotes token or session.
    ResumeBody {
        /// The resuming operation.
        operation: &'static str,
        /// Why.
        reason: String,
    },
    /// A stored challenge was handed to the resume of another operation.
    WrongOperation {
        /// The resume the caller chose.
        expected: &'static str,
        /// The resume the challenge belongs to.
        found: String,
    },
}

impl<E, RE> MfaError<E, RE> {
    /// The HTTP status of the answer that failed, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            MfaError::Retrieve { source, .. } => source.status(),
            MfaError::Resume { source, .. } => source.status(),
            MfaError::InvalidChallenge { status, .. } => *status,
            _ => None,
        }
    }

    /// The server's request id of the answer that failed, when known.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            MfaError::Retrieve { request_id, .. }
            | MfaError::Resume { request_id, .. }
            | MfaError::InvalidChallenge { request_id, .. } => request_id.as_deref(),
            MfaError::TooManyRounds { challenge, .. } => challenge.request_id.as_deref(),
            _ => None,
        }
    }

    /// The typed error body of a failed first request, when the server sent a documented one.
    pub fn retrieve_body(&self) -> Option<&E> {
        match self {
            MfaError::Retrieve {
                source: OperationError::ErrorResponse(rv),
                ..
            } => Some(rv.as_ref()),
            _ => None,
        }
    }

    /// The typed error body of a failed resume (e.g. the 400 of a wrong token).
    pub fn resume_body(&self) -> Option<&RE> {
        match self {
            MfaError::Resume {
                source: OperationError::ErrorResponse(rv),
                ..
            } => Some(rv.as_ref()),
            _ => None,
        }
    }
}

impl<E, RE> fmt::Display for MfaError<E, RE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Wrapped errors are the `source`, not repeated here; status and request id are shown,
        // since they are what one quotes to Belvo support.
        let answer =
            |f: &mut fmt::Formatter<'_>, status: Option<StatusCode>, id: &Option<String>| {
                if let Some(status) = status {
                    write!(f, " with status {}", status.as_u16())?;
                }
                if let Some(id) = id {
                    write!(f, " (request_id {id})")?;
                }
                Ok(())
            };
        match self {
            MfaError::Retrieve {
                operation,
                request_id,
                source,
            } => {
                write!(f, "`{operation}` failed")?;
                answer(f, source.status(), request_id)
            }
            MfaError::Resume {
                operation,
                round,
                request_id,
                source,
            } => {
                write!(f, "resume `{operation}` (round {round}) failed")?;
                answer(f, source.status(), request_id)
            }
            MfaError::Expired {
                operation,
                expired_at,
            } => write!(
                f,
                "the challenge of `{}` expired at {}; start the request again",
                operation.retrieve,
                expired_at.to_rfc3339()
            ),
            MfaError::TooManyRounds { rounds, challenge } => write!(
                f,
                "`{}` still asks for a token after {rounds} resume(s)",
                challenge.operation.retrieve
            ),
            MfaError::InvalidChallenge {
                operation,
                status,
                request_id,
                reason,
            } => {
                write!(
                    f,
                    "`{operation}` answered a challenge that cannot be resumed"
                )?;
                answer(f, *status, request_id)?;
                write!(f, ": {reason}")
            }
            MfaError::Provider(_) => f.write_str("the token provider failed"),
            MfaError::ResumeBody { operation, reason } => {
                write!(f, "cannot build the body of `{operation}`: {reason}")
            }
            MfaError::WrongOperation { expected, found } => {
                write!(f, "the challenge belongs to `{found}`, not to `{expected}`")
            }
        }
    }
}

impl<E, RE> StdError for MfaError<E, RE>
where
    E: fmt::Debug,
    RE: fmt::Debug,
    OperationError<E>: StdError + 'static,
    OperationError<RE>: StdError + 'static,
{
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            MfaError::Retrieve { source, .. } => Some(source),
            MfaError::Resume { source, .. } => Some(source),
            MfaError::Provider(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// For code that reports every failure as [`crate::Error`]: a failed request or resume becomes
/// that error's usual form (with status, `request_id` and body); the flow's own failures
/// (expired, too many rounds, a token provider's failure with the provider's message, …)
/// become [`crate::Error::Other`] with their message, which names no token or session. Match on [`MfaError`] first to handle those.
impl<E: serde::Serialize, RE: serde::Serialize> From<MfaError<E, RE>> for crate::Error {
    fn from(error: MfaError<E, RE>) -> Self {
        match error {
            MfaError::Retrieve { source, .. } => source.into(),
            MfaError::Resume { source, .. } => source.into(),
            // The provider's own words are the useful part; keep them.
            MfaError::Provider(e) => crate::Error::Other(format!("the token provider failed: {e}")),
            other => crate::Error::Other(other.to_string()),
        }
    }
}
