//! Per-request options: extra headers, a timeout, a retry policy, extra JSON body fields, for
//! one call without changing the client.
//!
//! The generated builders cannot carry anything but their parameters, so the options travel
//! beside the request instead: [`WithOptions::with_options`] wraps the future of a call (any
//! `send()`, `with_mfa(..)`, a `resume`, …) and, while that future runs, the client's hooks
//! (`pre` and `exec` in [`runtime`](crate::runtime)) find the options and apply them to every
//! request it sends. Nothing else sees them: the next call, or a call running beside it on
//! the same thread, is sent with the client's defaults.
//!
//! ```no_run
//! use std::time::Duration;
//! use belvo::{RequestOptions, RetryPolicy, WithOptions};
//!
//! # async fn run(client: belvo::Client, link: uuid::Uuid) -> Result<(), belvo::Error> {
//! let accounts = client
//!     .list_all_accounts()
//!     .link(link)
//!     .send()
//!     .with_options(
//!         RequestOptions::new()
//!             .header("X-Belvo-Request-Mode", "async")
//!             .timeout(Duration::from_secs(5))
//!             .retry(RetryPolicy::none()),
//!     )
//!     .await?;
//! # let _ = accounts;
//! # Ok(()) }
//! ```

use std::cell::RefCell;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::headers::HeaderSet;
use crate::retry::RetryPolicy;

/// The header [`RequestOptions::idempotency_key`] sets.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Options for the requests of one call; see the [module](self) docs. Every option is unset
/// by default, which leaves the client's setting in force. `Debug` shows the names of headers
/// and body fields, never their values (a header may carry a key).
#[derive(Clone, Default)]
pub struct RequestOptions {
    /// Its first invalid header is reported when the request is sent.
    headers: HeaderSet,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    safe_to_repeat: bool,
    body_fields: Map<String, Value>,
}

impl RequestOptions {
    /// No option set.
    pub fn new() -> Self {
        RequestOptions::default()
    }

    /// Sends header `name: value`, replacing the client's default of that name (including
    /// `User-Agent`). Can be called several times. A name or value that is not a valid
    /// header makes the call fail with [`Error::InvalidRequest`](crate::Error::InvalidRequest)
    /// naming the header (never showing the value) before anything is sent.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        N: AsRef<str>,
        V: TryInto<HeaderValue>,
    {
        self.headers.insert(name, value);
        self
    }

    /// Sends `Idempotency-Key: key`. Belvo's published spec declares no idempotency header,
    /// so Belvo itself ignores it today; a gateway in front of it may not. It does not make
    /// a `POST` retryable: say so with [`safe_to_repeat`](Self::safe_to_repeat).
    pub fn idempotency_key(self, key: impl AsRef<str>) -> Self {
        self.header(IDEMPOTENCY_KEY, key.as_ref())
    }

    /// Total time allowed for each attempt of each request, instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout). The connect timeout stays the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries as `policy` says instead of the client's policy;
    /// `retry(RetryPolicy::none())` (or [`no_retry`](Self::no_retry)) sends each request once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends each request once, whatever the answer.
    pub fn no_retry(self) -> Self {
        self.retry(RetryPolicy::none())
    }

    /// The caller vouches that sending these requests twice has the effect of sending them
    /// once, so a `POST` or `PATCH` is retried like a `GET` (on a timeout, a broken
    /// connection, 408/429/502/503/504). Without it only a refused connection, which no byte
    /// reached, is retried for those methods.
    pub fn safe_to_repeat(mut self) -> Self {
        self.safe_to_repeat = true;
        self
    }

    /// Adds `name: value` to the request's JSON object body, for a field the spec does not
    /// declare (and so no generated body type has). Replaces a field of that name. A request
    /// whose body is not a JSON object fails with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    pub fn body_field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body_fields.insert(name.into(), value.into());
        self
    }

    /// Wraps `future` so that the requests it sends use these options; the same as
    /// [`WithOptions::with_options`].
    pub fn scope<F: IntoFuture>(self, future: F) -> Scoped<F::IntoFuture> {
        Scoped {
            inner: Box::pin(future.into_future()),
            options: Arc::new(self),
        }
    }

    /// Wraps `stream` (e.g. [`Client::paginate`](crate::Client::paginate)'s) so that the
    /// requests it sends, each page's included, use these options.
    pub fn scope_stream<S: Stream>(self, stream: S) -> Scoped<S> {
        Scoped {
            inner: Box::pin(stream),
            options: Arc::new(self),
        }
    }

    /// Applies the headers, timeout and body fields to `request` (the client's `pre` hook).
    pub(crate) fn apply(&self, request: &mut reqwest::Request) -> Result<(), String> {
        if let Some(name) = self.headers.invalid() {
            return Err(format!(
                "request option: header `{name}` is not a valid header"
            ));
        }
        self.headers.apply(request.headers_mut());
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        if !self.body_fields.is_empty() {
            self.add_body_fields(request)?;
        }
        Ok(())
    }

    fn add_body_fields(&self, request: &mut reqwest::Request) -> Result<(), String> {
        let not_object = || {
            format!(
                "request option: body fields ({}) need a JSON object body",
                self.body_fields
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let bytes = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .ok_or_else(not_object)?;
        let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(bytes) else {
            return Err(not_object());
        };
        body.extend(self.body_fields.clone());
        let bytes = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
        *request.body_mut() = Some(bytes.into());
        Ok(())
    }

    /// The retry policy for this request: the option's, else `default`.
    pub(crate) fn retry_policy<'a>(&'a self, default: &'a RetryPolicy) -> &'a RetryPolicy {
        self.retry.as_ref().unwrap_or(default)
    }

    /// Whether the caller said these requests may be repeated whatever their method.
    pub(crate) fn is_safe_to_repeat(&self) -> bool {
        self.safe_to_repeat
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("safe_to_repeat", &self.safe_to_repeat)
            .field("body_fields", &self.body_fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// `with_options` on every call: the future of an operation's `send()`, of
/// [`with_mfa`](crate::MfaExt::with_mfa), of [`resume`](crate::mfa::resume), or any other
/// future that sends requests through a [`Client`](crate::Client).
pub trait WithOptions: IntoFuture + Sized {
    /// Sends the requests of this call with `options`; see [`RequestOptions`].
    fn with_options(self, options: RequestOptions) -> Scoped<Self::IntoFuture> {
        options.scope(self)
    }
}

impl<F: IntoFuture> WithOptions for F {}

/// A call with its options, from [`WithOptions::with_options`] (await it) or
/// [`RequestOptions::scope_stream`] (a stream).
#[must_use = "nothing is sent until it is awaited"]
pub struct Scoped<F> {
    inner: Pin<Box<F>>,
    options: Arc<RequestOptions>,
}

thread_local! {
    /// The options of the call being polled on this thread, if it has any.
    static CURRENT: RefCell<Option<Arc<RequestOptions>>> = const { RefCell::new(None) };
}

/// Puts the previous options back when a poll ends, also when it panics.
struct Restore(Option<Arc<RequestOptions>>);

impl Restore {
    /// Makes `options` current until the returned guard is dropped.
    fn enter(options: &Arc<RequestOptions>) -> Restore {
        Restore(CURRENT.with(|current| current.replace(Some(options.clone()))))
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|current| *current.borrow_mut() = previous);
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    // The options are in force only while the call is polled, as a task-local would be: the
    // hooks run inside this poll, and whatever else the thread polls between two polls of
    // this call does not see them.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let _restore = Restore::enter(&this.options);
        this.inner.as_mut().poll(cx)
    }
}

impl<S: Stream> Stream for Scoped<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let this = &mut *self;
        let _restore = Restore::enter(&this.options);
        this.inner.as_mut().poll_next(cx)
    }
}

/// The options of the call that is sending a request now, if it has any.
pub(crate) fn current() -> Option<Arc<RequestOptions>> {
    CURRENT.with(|current| current.borrow().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: Option<&'static str>) -> reqwest::Request {
        let mut request =
            reqwest::Request::new(reqwest::Method::POST, "http://localhost/".parse().unwrap());
        *request.body_mut() = body.map(reqwest::Body::from);
        request
    }

    #[test]
    fn invalid_headers_are_named_never_shown() {
        for options in [
            RequestOptions::new().header("bad name", "v"),
            RequestOptions::new().header("x-ok", "secret\nvalue"),
        ] {
            let err = options.apply(&mut request(None)).unwrap_err();
            assert!(err.contains('`'), "{err}");
            assert!(!err.contains("secret"), "{err}");
        }
        let err = RequestOptions::new()
            .idempotency_key("key\r\nwith a break")
            .apply(&mut request(None))
            .unwrap_err();
        assert!(
            err.contains(IDEMPOTENCY_KEY) && !err.contains("break"),
            "{err}"
        );
    }

    #[test]
    fn debug_shows_names_never_values() {
        let options = RequestOptions::new()
            .header("x-api-key", "k-secret-1")
            .idempotency_key("k-secret-2")
            .body_field("password", "k-secret-3");
        let shown = format!("{options:?}");
        assert!(
            shown.contains("x-api-key") && shown.contains("password"),
            "{shown}"
        );
        assert!(!shown.contains("k-secret"), "{shown}");
    }

    #[test]
    fn body_fields_merge_into_an_object_only() {
        let options = RequestOptions::new()
            .body_field("institution", "erebor_mx_retail")
            .body_field("n", 2);
        let mut with_object = request(Some(r#"{"n": 1, "password": "p"}"#));
        options.apply(&mut with_object).unwrap();
        let body = with_object
            .body()
            .and_then(reqwest::Body::as_bytes)
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(body).unwrap(),
            serde_json::json!({"n": 2, "password": "p", "institution": "erebor_mx_retail"})
        );
        for body in [None, Some("[1]"), Some("not json")] {
            let err = options.apply(&mut request(body)).unwrap_err();
            assert!(err.contains("institution, n"), "{body:?}: {err}");
        }
    }

    #[test]
    fn options_are_current_only_while_their_call_is_polled() {
        assert!(current().is_none());
        let seen = futures::executor::block_on(
            RequestOptions::new()
                .timeout(Duration::from_secs(3))
                .scope(async {
                    let outer = current().and_then(|o| o.timeout);
                    let inner = async { current().and_then(|o| o.timeout) }
                        .with_options(RequestOptions::new().timeout(Duration::from_secs(1)))
                        .await;
                    (outer, inner, current().and_then(|o| o.timeout))
                }),
        );
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(seen, (secs(3), secs(1), secs(3)));
        assert!(current().is_none());
    }
}
