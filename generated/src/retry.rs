//! Retries of transient failures, run inside `ClientHooks::exec` so that every operation (and
//! every page that [`pagination`](crate::pagination) fetches) gets them.
//!
//! A request is retried when attempts remain, its body can be replayed
//! (`reqwest::Request::try_clone`), and either
//! - the connection was refused (or could not be opened in time): no byte reached Belvo, so
//!   this holds for every method; or
//! - it may be repeated, and it timed out, broke off, or was answered 408, 429, 502, 503 or
//!   504. A request may be repeated when its method is idempotent (`GET`, `HEAD`, `PUT`,
//!   `DELETE`, `OPTIONS`), or when the caller said so for this call
//!   ([`RequestOptions::safe_to_repeat`](crate::RequestOptions::safe_to_repeat)): a retried
//!   `POST` or `PATCH` could otherwise save data twice, since the first attempt may have
//!   reached Belvo.
//!
//! Between attempts it waits an exponential backoff with jitter (half fixed, half random), or
//! what the `Retry-After` header asks (seconds or an HTTP date). When `Retry-After` asks for
//! more than [`RetryPolicy::max_delay`] the answer is returned as is, rather than asking
//! again too early.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::trace::{self, Attempts};

/// How often and how patiently a client retries. The default makes 3 attempts, waiting about
/// 0.5 s then 1 s (each between half and all of that), and never more than 30 s.
///
/// ```
/// use std::time::Duration;
/// let policy = belvo::RetryPolicy::default()
///     .max_attempts(5)
///     .base_delay(Duration::from_millis(200))
///     .max_delay(Duration::from_secs(10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn none() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Total attempts, the first included (0 counts as 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before the first retry; it doubles for each further retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between attempts, for the backoff and for `Retry-After`.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The wait before retry number `retry` (1 for the first retry): `base * 2^(retry-1)`,
    /// capped at `max_delay`, then jittered into its upper half so that clients failing
    /// together do not retry together.
    fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let full = self.base_delay.saturating_mul(1 << exp).min(self.max_delay);
        full / 2 + full.mul_f64(jitter() / 2.0)
    }
}

/// Whether a request with this method may be sent twice with the effect of once.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Statuses that say "try again later" rather than "this request is wrong".
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::REQUEST_TIMEOUT
            | StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Transport failures worth another attempt: no connection (for every request: nothing was
/// sent), and for a request that `may_repeat`, no answer in time or connection lost. Not: an
/// invalid URL (`is_builder`), too many redirects.
fn is_retryable_error(error: &reqwest::Error, may_repeat: bool) -> bool {
    error.is_connect() || (may_repeat && (error.is_timeout() || error.is_request()))
}

/// What a retried transport failure was, in a word (its message could show the URL).
fn transport_reason(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "connection lost"
    }
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date (a date in the
/// past means now). `None` when absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is an RFC 2822 date.
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = chrono::DateTime::<chrono::Utc>::from(now);
    Some(
        (date.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// A number in `[0, 1)`, different on each call. std's `RandomState` is seeded randomly per
/// thread and re-keyed on every `new`; hashing a counter with it is plenty for jitter and
/// needs no dependency.
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let bits = std::collections::hash_map::RandomState::new().hash_one(n) >> 11;
    bits as f64 / (1u64 << 53) as f64
}

/// Sends `request` with `client`, retrying as `policy` says; returns the last answer (or
/// transport error) when it gives up. `safe_to_repeat`: the caller vouches that the request
/// may be sent twice whatever its method. What happened is counted in `attempts`.
pub(crate) async fn execute(
    client: &reqwest::Client,
    policy: &RetryPolicy,
    safe_to_repeat: bool,
    mut request: reqwest::Request,
    attempts: &mut Attempts,
) -> reqwest::Result<reqwest::Response> {
    let may_repeat = safe_to_repeat || is_idempotent(request.method());
    let mut attempt = 1;
    loop {
        attempts.count = attempt;
        // A copy for the next attempt, made before this one consumes the request; `None`
        // when no retry is allowed or the body is a stream that cannot be replayed. Made for
        // every method: even a `POST` is retried when its connection was refused.
        let spare = if attempt < policy.max_attempts {
            request.try_clone()
        } else {
            None
        };
        let Some(spare) = spare else {
            return client.execute(request).await;
        };
        let delay = match client.execute(request).await {
            Ok(response) if may_repeat && is_retryable_status(response.status()) => {
                let delay = match retry_after(response.headers(), SystemTime::now()) {
                    Some(wait) if wait > policy.max_delay => return Ok(response),
                    Some(wait) => wait,
                    None => policy.backoff(attempt),
                };
                trace::retrying(attempt, delay, &response.status());
                delay
            }
            Err(error) if is_retryable_error(&error, may_repeat) => {
                let delay = policy.backoff(attempt);
                trace::retrying(attempt, delay, &transport_reason(&error));
                delay
            }
            other => return other,
        };
        attempts.delays.push(delay);
        tokio::time::sleep(delay).await;
        request = spare;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_jittered_and_capped() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(350));
        for _ in 0..100 {
            let first = policy.backoff(1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let second = policy.backoff(2);
            assert!((Duration::from_millis(100)..=Duration::from_millis(200)).contains(&second));
            let capped = policy.backoff(40);
            assert!((Duration::from_millis(175)..=Duration::from_millis(350)).contains(&capped));
        }
        let distinct: std::collections::HashSet<Duration> =
            (0..20).map(|_| policy.backoff(1)).collect();
        assert!(distinct.len() > 1, "no jitter");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // 06 Nov 1994 08:49:37
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            "Sun, 06 Nov 1994 08:49:40 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(3)));
        headers.insert(
            RETRY_AFTER,
            "Sun, 06 Nov 1994 08:00:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn only_idempotent_methods_are_retried() {
        for m in [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ] {
            assert!(is_idempotent(&m), "{m}");
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!is_idempotent(&m), "{m}");
        }
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
        assert_eq!(RetryPolicy::none().max_attempts, 1);
    }
}
