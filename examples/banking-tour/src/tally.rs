//! What the tour counts: every request the client sends (one `belvo.call` span each, read by a
//! `tracing` layer, so pages and MFA resumes are counted where the client sends them, not
//! where the program thinks it called), and every failed step, sorted into bodies that did not
//! fit the generated types and everything else.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};

/// The counts, shared by the layer and the program.
#[derive(Clone, Default)]
pub struct Tally(Arc<Mutex<Counts>>);

#[derive(Default)]
struct Counts {
    /// Requests sent, by operation id (`fetch_page` for a page link).
    calls: BTreeMap<String, u32>,
    /// `(step, message)` of each body that did not fit the types.
    decode: Vec<(String, String)>,
    /// `(step, message)` of each other failure.
    other: Vec<(String, String)>,
}

impl Tally {
    fn with<T>(&self, f: impl FnOnce(&mut Counts) -> T) -> T {
        // A panic elsewhere leaves the counts as they were: still worth printing.
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Records the failure of `step`: a decode failure when Belvo's answer did not fit the
    /// generated types, else another failure.
    pub fn fail(&self, step: &str, error: &belvo::Error) {
        let entry = (step.to_owned(), error.to_string().replace('\n', " "));
        // A success body that does not fit; an error answer of another shape is still an
        // error answer, with its status (`Error::Api`), so it counts as another failure.
        let decode = matches!(error, belvo::Error::InvalidResponse { .. });
        self.with(|c| {
            if decode {
                c.decode.push(entry)
            } else {
                c.other.push(entry)
            }
        });
    }

    /// Whether no step failed.
    pub fn clean(&self) -> bool {
        self.with(|c| c.decode.is_empty() && c.other.is_empty())
    }
}

/// The closing report, one fact per line, in the form the tests read.
impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with(|c| {
            let total: u32 = c.calls.values().sum();
            let each: Vec<String> = c.calls.iter().map(|(op, n)| format!("{op}={n}")).collect();
            writeln!(f, "calls: {total} ({})", each.join(" "))?;
            writeln!(f, "decode failures: {}", c.decode.len())?;
            writeln!(f, "other failures: {}", c.other.len())?;
            for (kind, list) in [("decode", &c.decode), ("other", &c.other)] {
                for (step, message) in list {
                    writeln!(f, "failure: {kind}: {step}: {message}")?;
                }
            }
            Ok(())
        })
    }
}

/// Counts each new [`belvo::trace::CALL_SPAN`]: the client opens one per request it sends.
impl<S: Subscriber> Layer<S> for Tally {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() != belvo::trace::CALL_SPAN {
            return;
        }
        let mut operation = Operation(String::new());
        attrs.record(&mut operation);
        self.with(|c| *c.calls.entry(operation.0).or_default() += 1);
    }
}

/// Reads the span's `operation` field.
struct Operation(String);

impl Visit for Operation {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "operation" {
            value.clone_into(&mut self.0);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "operation" {
            self.0 = format!("{value:?}");
        }
    }
}
