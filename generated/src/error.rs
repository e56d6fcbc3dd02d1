//! One error type for every call: [`Error`], with the status, Belvo's `request_id`, `code`
//! and `message`, and the body of an error answer, whatever the operation.
//!
//! Generated operations fail with `progenitor_client::Error<E>` (re-exported as
//! [`OperationError`]), where `E` is the operation's documented error
//! body; `?` or `.map_err(belvo::Error::from)` turns it into [`Error`]. Statuses the spec does
//! not list for an operation arrive as `UnexpectedResponse` with an unread body; the client
//! reads such bodies in its `exec` hook (`buffer_error_body`) so that the conversion, which
//! cannot wait, still finds them. A documented error status whose body is of another shape (a
//! gateway's `{"detail": …}`, an empty body) arrives the same way, with the
//! [`Mismatch`] attached: every error answer is an [`Error::Api`]
//! with its status, `request_id` and body, whatever the body.
//!
//! Belvo's error bodies are lists of `{request_id, message, code, field}` (one per problem);
//! a multi-factor challenge (428) may come as one object. Both are read into
//! [`ErrorDetail`]s. Every request id (of an API error, a decode mismatch, an MFA error, a
//! trace span) is read by one function, [`decode::request_id`](crate::decode::request_id):
//! an `x-request-id` or `request-id` header (the published spec documents none, but a
//! server may send one), else the body's.

use std::fmt;

use bytes::Bytes;
use futures::StreamExt;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::decode::Mismatch;
use crate::OperationError;

/// What went wrong in a call to Belvo.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Belvo answered with a status the operation does not succeed with. (Boxed: it holds
    /// the headers and body, and `Result<T, Error>` should stay small.)
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No usable answer: the connection failed, timed out or broke off (after retries).
    #[error("{}", transport_text(.0))]
    Transport(#[source] reqwest::Error),
    /// The request could not be built from the arguments given.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// An answer whose body does not fit the generated types. The message names the
    /// operation, the status, the path of the value, what was expected and what came, and
    /// the `spec/overlay.yaml` action that would make such a body fit (see
    /// [`decode::Mismatch`](crate::decode::Mismatch)).
    #[error("{source}")]
    InvalidResponse {
        /// The body as received.
        body: Bytes,
        /// What does not fit, and where.
        #[source]
        source: serde_json::Error,
    },
    /// The client could not be configured.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Any other failure (e.g. a page that links to itself).
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// Whether the call failed because Belvo did not answer in time (after retries).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }

    /// Whether the call failed because no connection to Belvo could be made (after retries).
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_connect())
    }

    /// The error answer, when Belvo sent one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Belvo's id of the failed request, to quote to Belvo's support.
    pub fn request_id(&self) -> Option<&str> {
        self.api()?.request_id()
    }

    /// Belvo's error code of the first problem (e.g. `required`, `token_required`).
    pub fn code(&self) -> Option<&str> {
        self.api()?.code()
    }

    /// The human-readable message of the first problem.
    pub fn message(&self) -> Option<&str> {
        self.api()?.message()
    }

    /// The body of the error answer as JSON (text that is not JSON becomes a JSON string).
    pub fn body(&self) -> Option<&serde_json::Value> {
        self.api()?.body()
    }
}

/// What a transport failure was, in words, with the innermost cause (reqwest's own message
/// says only "error sending request").
fn transport_text(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "Belvo did not answer in time"
    } else if e.is_connect() {
        "could not connect to Belvo"
    } else {
        "could not reach Belvo"
    };
    let mut root = None;
    let mut cause = std::error::Error::source(e);
    while let Some(inner) = cause {
        root = Some(inner);
        cause = inner.source();
    }
    let url = e
        .url()
        .map(|u| format!(" ({})", u.path()))
        .unwrap_or_default();
    match root.map(|r| r.to_string()).filter(|r| !r.is_empty()) {
        Some(root) => format!("{what}{url}: {root}"),
        None => format!("{what}{url}: {e}"),
    }
}

/// Bodies are left out: they can be large and hold account data.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::InvalidRequest(s) => f.debug_tuple("InvalidRequest").field(s).finish(),
            Error::InvalidResponse { body, source } => f
                .debug_struct("InvalidResponse")
                .field("body", &format_args!("<{} bytes>", body.len()))
                .field("source", source)
                .finish(),
            Error::Config(e) => f.debug_tuple("Config").field(e).finish(),
            Error::Other(s) => f.debug_tuple("Other").field(s).finish(),
        }
    }
}

/// Any operation's error, whatever its documented body type `E`.
impl<E: Serialize> From<OperationError<E>> for Error {
    fn from(error: OperationError<E>) -> Self {
        use OperationError as P;
        match error {
            P::InvalidRequest(s) => Error::InvalidRequest(s),
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
                Error::Transport(e)
            }
            P::ErrorResponse(rv) => {
                let (status, headers) = (rv.status(), rv.headers().clone());
                let body = serde_json::to_value(rv.into_inner()).ok();
                Error::Api(Box::new(ApiError::new(status, headers, body)))
            }
            P::InvalidResponsePayload(body, source) => Error::InvalidResponse { body, source },
            P::UnexpectedResponse(response) => {
                let extensions = response.extensions();
                let buffered = extensions.get::<BufferedBody>().filter(|b| !b.0.is_empty());
                let body = buffered.map(|b| body_value(&b.0));
                let mut api = ApiError::new(response.status(), response.headers().clone(), body);
                api.mismatch = extensions.get::<Mismatch>().cloned().map(Box::new);
                Error::Api(Box::new(api))
            }
            P::Custom(s) => Error::Other(s),
        }
    }
}

/// A Belvo error answer: status, headers and body, with the body's problems decoded, whatever
/// the body's shape. Its `Debug` shows the status and the problems, not the headers or the
/// body (which may hold account data): read those with [`headers`](Self::headers) and
/// [`body`](Self::body).
#[derive(Clone)]
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: Option<serde_json::Value>,
    details: Vec<ErrorDetail>,
    request_id: Option<String>,
    /// Where the body departs from the operation's documented error shape, when it does.
    mismatch: Option<Box<Mismatch>>,
}

impl ApiError {
    fn new(status: StatusCode, headers: HeaderMap, body: Option<serde_json::Value>) -> Self {
        let details = body.as_ref().map(details_of).unwrap_or_default();
        ApiError {
            status,
            request_id: crate::decode::request_id(&headers, body.as_ref()),
            headers,
            body,
            details,
            mismatch: None,
        }
    }

    /// Where the body departs from the error shape the spec documents for this status (a
    /// gateway's `{"detail": …}`, an empty body), when it does. The answer is an error answer
    /// all the same: status, request id and body are kept.
    pub fn mismatch(&self) -> Option<&Mismatch> {
        self.mismatch.as_deref()
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as JSON, when there was one.
    pub fn body(&self) -> Option<&serde_json::Value> {
        self.body.as_ref()
    }

    /// The body as `T`, e.g. `Vec<belvo::types::ErrorOrMfaTokenRequired>` for a 428 challenge.
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(self.body.as_ref().unwrap_or(&serde_json::Value::Null))
    }

    /// Every problem the body lists, in order.
    pub fn details(&self) -> &[ErrorDetail] {
        &self.details
    }

    /// Belvo's id of the failed request: a request-id header, else the first one the body
    /// gives ([`decode::request_id`](crate::decode::request_id)).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The error code of the first problem that has one.
    pub fn code(&self) -> Option<&str> {
        self.details.iter().find_map(|d| d.code.as_deref())
    }

    /// The message of the first problem that has one.
    pub fn message(&self) -> Option<&str> {
        self.details.iter().find_map(|d| d.message.as_deref())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = serde_json::to_string(&self.body).map_or(0, |b| b.len());
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("details", &self.details)
            .field("mismatch", &self.mismatch.as_ref().map(|m| m.to_string()))
            .field("body", &format_args!("<{body} bytes>"))
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Belvo answered {}", self.status)?;
        if let Some(message) = self.message().map(str::trim).filter(|m| !m.is_empty()) {
            write!(f, ": {message}")?;
        }
        let detail = self
            .details
            .iter()
            .find(|d| d.code.is_some() || d.field.is_some());
        if let Some(code) = detail.and_then(|d| d.code.as_deref()) {
            write!(f, " (code `{code}`")?;
            if let Some(field) = detail.and_then(|d| d.field.as_deref()) {
                write!(f, ", field `{field}`")?;
            }
            f.write_str(")")?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " [request_id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.mismatch
            .as_deref()
            .map(|m| m as &(dyn std::error::Error + 'static))
    }
}

/// One problem of a Belvo error answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// Belvo's id of the request.
    #[serde(default)]
    pub request_id: Option<String>,
    /// Human-readable description.
    #[serde(default)]
    pub message: Option<String>,
    /// Machine-readable code, e.g. `required`, `token_required`, `authentication_failed`.
    #[serde(default)]
    pub code: Option<String>,
    /// The request field at fault, when there is one.
    #[serde(default)]
    pub field: Option<String>,
}

/// The problems of an error body: a list of objects, or one object. A `detail` string (the
/// shape of some gateway and framework errors) stands in for a missing `message`.
fn details_of(body: &serde_json::Value) -> Vec<ErrorDetail> {
    let one = |v: &serde_json::Value| {
        let mut detail = ErrorDetail::deserialize(v).ok()?;
        if detail.message.is_none() {
            detail.message = v.get("detail").and_then(|d| d.as_str()).map(str::to_owned);
        }
        Some(detail)
    };
    match body {
        serde_json::Value::Array(items) => items.iter().filter_map(one).collect(),
        serde_json::Value::Object(_) => one(body).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The body as JSON, or as a JSON string when it is not JSON.
fn body_value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// Why a client could not be configured. Names variables, never their secret values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is unset or empty.
    #[error("environment variable {0} is not set")]
    MissingVar(&'static str),
    /// An environment variable is not valid Unicode.
    #[error("environment variable {0} is not valid Unicode")]
    NotUnicode(&'static str),
    /// Neither `BELVO_ENV` nor `BELVO_URL` is set.
    #[error(
        "environment variable BELVO_ENV (sandbox, development or production) or BELVO_URL is \
         not set"
    )]
    MissingEnvironment,
    /// Both `BELVO_ENV` and `BELVO_URL` are set.
    #[error("both BELVO_ENV and BELVO_URL are set; set only one")]
    EnvironmentAndUrl,
    /// `BELVO_ENV` (or a parsed environment name) is not a known environment.
    #[error("unknown Belvo environment {0:?}; expected sandbox, development or production")]
    UnknownEnvironment(String),
    /// The base URL is not an absolute `http(s)` URL.
    #[error("invalid base URL: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// A default header's name or value is not a valid header (the value is not shown: it
    /// may be a key).
    #[error("default header `{name}` is not a valid header")]
    InvalidHeader {
        /// The header's name, as given.
        name: String,
    },
    /// The HTTP client could not be built (TLS backend).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// Belvo's id of the request `response` answers: an `x-request-id` or `request-id` header,
/// else the `request_id` of an error body that [`buffer_error_body`] read.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) fn response_request_id(response: &reqwest::Response) -> Option<String> {
    let body = response
        .extensions()
        .get::<BufferedBody>()
        .map(|b| body_value(&b.0));
    crate::decode::request_id(response.headers(), body.as_ref())
}

/// The body of an error answer, kept in the response's extensions by [`buffer_error_body`].
#[derive(Clone)]
struct BufferedBody(Bytes);

/// Error bodies larger than this are passed through unread (Belvo's are a few hundred bytes).
const BUFFER_LIMIT: usize = 256 * 1024;

/// Reads the body of an error answer (4xx, 5xx) into memory and returns a response that
/// replays it, with the bytes also kept in its extensions for [`Error::from`]. Other answers
/// are returned untouched. The rebuilt response keeps status, version, headers and
/// extensions; its `url()` is reqwest's placeholder, since reqwest cannot set it.
pub(crate) async fn buffer_error_body(
    mut response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    if !(response.status().is_client_error() || response.status().is_server_error()) {
        return Ok(response);
    }
    let mut head = http::Response::new(());
    *head.status_mut() = response.status();
    *head.version_mut() = response.version();
    *head.headers_mut() = response.headers().clone();
    *head.extensions_mut() = response.extensions().clone();
    let mut buffer = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        buffer.extend_from_slice(&chunk);
        if buffer.len() > BUFFER_LIMIT {
            // Too big to hold: replay what was read, then stream the rest.
            let read =
                futures::stream::once(async { Ok::<_, reqwest::Error>(Bytes::from(buffer)) });
            let body = reqwest::Body::wrap_stream(read.chain(response.bytes_stream()));
            return Ok(head.map(|()| body).into());
        }
    }
    let bytes = Bytes::from(buffer);
    let mut rebuilt = head.map(|()| reqwest::Body::from(bytes.clone()));
    rebuilt.extensions_mut().insert(BufferedBody(bytes));
    Ok(rebuilt.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_from_lists_objects_and_detail() {
        let list = serde_json::json!([
            {"request_id": "r1", "message": "This field is required.", "code": "required", "field": "link"},
            {"request_id": "r1", "message": "Other.", "code": "invalid"}
        ]);
        let api = ApiError::new(StatusCode::BAD_REQUEST, HeaderMap::new(), Some(list));
        assert_eq!(api.details().len(), 2);
        assert_eq!(api.request_id(), Some("r1"));
        assert_eq!(api.code(), Some("required"));
        assert_eq!(
            api.to_string(),
            "Belvo answered 400 Bad Request: This field is required. (code `required`, field \
             `link`) [request_id r1]"
        );

        let object =
            serde_json::json!({"code": "token_required", "session": "s", "request_id": "r2"});
        let api = ApiError::new(
            StatusCode::from_u16(428).unwrap(),
            HeaderMap::new(),
            Some(object),
        );
        assert_eq!(api.code(), Some("token_required"));
        assert_eq!(api.request_id(), Some("r2"));

        let detail = serde_json::json!({"detail": "Not found."});
        let api = ApiError::new(StatusCode::NOT_FOUND, HeaderMap::new(), Some(detail));
        assert_eq!(api.message(), Some("Not found."));
        assert_eq!(api.to_string(), "Belvo answered 404 Not Found: Not found.");

        // Odd shapes give no details rather than an error.
        let odd = serde_json::json!([1, {"code": 5}, "text"]);
        let api = ApiError::new(StatusCode::BAD_GATEWAY, HeaderMap::new(), Some(odd));
        assert!(api.details().is_empty());
    }

    #[test]
    fn non_json_bodies_become_strings() {
        assert_eq!(
            body_value(b"<html>bad gateway</html>"),
            "<html>bad gateway</html>"
        );
        assert_eq!(body_value(b"[1]"), serde_json::json!([1]));
    }
}
