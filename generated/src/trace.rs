//! What the client tells the [`tracing`](https://docs.rs/tracing) crate (feature `tracing`,
//! on by default; without it none of this is compiled).
//!
//! Every request an operation sends (each page of a walk included) is one INFO span named
//! [`CALL_SPAN`], target `belvo::trace`, with the fields
//!
//! | field | value |
//! |---|---|
//! | `operation` | the operation id, e.g. `list_all_accounts` (`fetch_page` for a page link) |
//! | `method` | `GET`, `POST`, … |
//! | `path` | the path template from the spec, e.g. `/api/links/{id}/`: never the filled URL, whose ids and query may be personal data |
//! | `status` | the status of the last answer, when one came |
//! | `attempts` | how many times the request was sent |
//! | `retry_delays_ms` | the waits before each retry, e.g. `[412, 930]` |
//! | `request_id` | Belvo's id of the request: the `x-request-id` (or `request-id`) header, else the error body's `request_id` |
//!
//! and one INFO event `retrying` per retry (`attempt`, `delay_ms`, `reason`). An MFA flow
//! ([`with_mfa`](crate::MfaExt::with_mfa)) is an INFO span [`MFA_SPAN`] (`operation`, and
//! `rounds`: the resumes sent) around the call spans of its requests; each
//! [`resume`](crate::mfa::resume) is a span [`MFA_RESUME_SPAN`] (`operation`, `round`).
//!
//! Never recorded: credentials, the `Authorization` header or any other header value, the
//! URL, the query, a request or response body, an MFA session or token.
//!
//! `examples/examples/trace_call.rs` prints the spans of one call with `tracing-subscriber`.

/// Name of the span of one request.
pub const CALL_SPAN: &str = "belvo.call";
/// Name of the span of an MFA flow (`with_mfa`).
pub const MFA_SPAN: &str = "belvo.mfa";
/// Name of the span of one resume sent with [`resume`](crate::mfa::resume).
pub const MFA_RESUME_SPAN: &str = "belvo.mfa.resume";

pub(crate) use imp::{CallSpan, MfaSpan};

/// What the retry loop saw, for the call's span.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    /// Times the request was sent.
    pub(crate) count: u32,
    /// The wait before each retry.
    pub(crate) delays: Vec<std::time::Duration>,
}

#[cfg(feature = "tracing")]
mod imp {
    use std::collections::HashMap;
    use std::future::Future;
    use std::sync::OnceLock;
    use std::time::Duration;

    use tracing::field::Empty;
    use tracing::Instrument;

    use super::Attempts;

    /// The span of one request.
    pub(crate) struct CallSpan(tracing::Span);

    impl CallSpan {
        pub(crate) fn new(operation: &str, request: &reqwest::Request) -> Self {
            let method = request.method().as_str();
            // A field's value is computed only when a subscriber enables the span, so calls
            // without one do not look the template up.
            CallSpan(tracing::info_span!(
                crate::trace::CALL_SPAN,
                operation,
                method,
                path = path_template(operation, method, request.url().path()),
                status = Empty,
                attempts = Empty,
                retry_delays_ms = Empty,
                request_id = Empty,
            ))
        }

        /// Runs `future` (the retry loop) inside the span.
        pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
            future.instrument(self.0.clone()).await
        }

        /// Records how the call ended.
        pub(crate) fn finish(
            &self,
            attempts: &Attempts,
            result: &reqwest::Result<reqwest::Response>,
        ) {
            let span = &self.0;
            // Nothing listens: skip the request id (it may mean parsing an error body).
            if span.is_disabled() {
                return;
            }
            span.record("attempts", attempts.count);
            if !attempts.delays.is_empty() {
                let delays: Vec<u128> = attempts.delays.iter().map(Duration::as_millis).collect();
                span.record("retry_delays_ms", tracing::field::debug(&delays));
            }
            match result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(id) = crate::error::response_request_id(response) {
                        span.record("request_id", id.as_str());
                    }
                }
                Err(error) => {
                    if let Some(status) = error.status() {
                        span.record("status", status.as_u16());
                    }
                }
            }
        }
    }

    /// One retry, inside the call's span.
    pub(crate) fn retrying(attempt: u32, delay: Duration, reason: &dyn std::fmt::Display) {
        tracing::info!(attempt, delay_ms = delay.as_millis() as u64, %reason, "retrying");
    }

    /// The span of an MFA flow, or of one resume.
    pub(crate) struct MfaSpan(tracing::Span);

    impl MfaSpan {
        pub(crate) fn flow(operation: &str) -> Self {
            MfaSpan(tracing::info_span!(
                crate::trace::MFA_SPAN,
                operation,
                rounds = Empty
            ))
        }

        pub(crate) fn resume(operation: &str, round: u32) -> Self {
            MfaSpan(tracing::info_span!(
                crate::trace::MFA_RESUME_SPAN,
                operation,
                round
            ))
        }

        /// Records how many resumes the flow sent, once it ended.
        pub(crate) fn rounds(&self, rounds: u32) {
            self.0.record("rounds", rounds);
        }

        pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
            future.instrument(self.0.clone()).await
        }
    }

    /// The spec's path template of `operation`, from the generated decode tables (whose
    /// entries name their spot as `$.paths['TEMPLATE'].METHOD.…`). `fetch_page` has no
    /// operation of its own: its URL path is matched against the templates of the spec's
    /// `GET`s, so that an id in it is not recorded either.
    fn path_template(operation: &str, method: &str, url_path: &str) -> &'static str {
        // Operation → template, read from the tables once per process.
        static BY_OPERATION: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        let by_operation =
            BY_OPERATION.get_or_init(|| spots().map(|(op, _, template)| (op, template)).collect());
        if let Some(template) = by_operation.get(operation) {
            return template;
        }
        spots()
            .find(|(_, verb, template)| {
                verb.eq_ignore_ascii_case(method) && fits(template, url_path)
            })
            .map_or("<unknown>", |(_, _, template)| template)
    }

    /// Each entry of the decode tables as (operation, method, path template).
    fn spots() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
        crate::decode::RESPONSES
            .iter()
            .filter_map(|(op, _, spot, _)| {
                let rest = spot.strip_prefix("$.paths['")?;
                let (template, rest) = rest.split_once("'].")?;
                let verb = rest.split('.').next()?;
                Some((*op, verb, template))
            })
    }

    /// Whether `path` ends with `template`, a `{…}` segment standing for any one segment
    /// (the client's base URL may add a prefix).
    fn fits(template: &str, path: &str) -> bool {
        let mut want = template.trim_matches('/').split('/').rev();
        let mut have = path.trim_matches('/').split('/').rev();
        loop {
            match (want.next(), have.next()) {
                (None, _) => return true,
                (Some(_), None) => return false,
                (Some(w), Some(h)) if w.starts_with('{') || w == h => {}
                _ => return false,
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn templates_come_from_the_spec_never_from_the_url() {
            assert_eq!(
                path_template("get_a_links_details", "GET", "/api/links/0d3f/"),
                "/api/links/{id}/"
            );
            // A page link: matched, with any base path before it.
            assert_eq!(
                path_template("fetch_page", "GET", "/belvo/api/accounts/"),
                "/api/accounts/"
            );
            assert_eq!(
                path_template("fetch_page", "GET", "/api/links/0d3f/"),
                "/api/links/{id}/"
            );
            assert_eq!(
                path_template("fetch_page", "GET", "/elsewhere/9/"),
                "<unknown>"
            );
            // Every operation of the client has one.
            for (op, ..) in crate::decode::RESPONSES {
                let template = path_template(op, "GET", "/");
                assert!(
                    template.starts_with('/') && template.ends_with('/'),
                    "{op}: {template}"
                );
            }
        }
    }
}

#[cfg(not(feature = "tracing"))]
mod imp {
    //! The same API doing nothing, so that callers need no `cfg`.

    use std::future::Future;
    use std::time::Duration;

    use super::Attempts;

    pub(crate) struct CallSpan;

    impl CallSpan {
        pub(crate) fn new(_operation: &str, _request: &reqwest::Request) -> Self {
            CallSpan
        }
        pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
            future.await
        }
        pub(crate) fn finish(&self, _: &Attempts, _: &reqwest::Result<reqwest::Response>) {}
    }

    pub(crate) fn retrying(_attempt: u32, _delay: Duration, _reason: &dyn std::fmt::Display) {}

    pub(crate) struct MfaSpan;

    impl MfaSpan {
        pub(crate) fn flow(_operation: &str) -> Self {
            MfaSpan
        }
        pub(crate) fn resume(_operation: &str, _round: u32) -> Self {
            MfaSpan
        }
        pub(crate) fn rounds(&self, _rounds: u32) {}
        pub(crate) async fn run<F: Future>(&self, future: F) -> F::Output {
            future.await
        }
    }
}

pub(crate) use imp::retrying;
