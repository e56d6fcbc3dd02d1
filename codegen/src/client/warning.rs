//! What the client stage reports: [`Warning`]s for what it changed or dropped, and
//! [`ClientError`] when no client could be generated.

use std::fmt;

/// Stand-in operation name for failures located in the component schemas.
pub(crate) const COMPONENTS: &str = "(components)";

/// Something [`normalize()`](super::normalize()) changed or dropped so that the client could be generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The operation concerned (its final operationId), or `None` for the whole document.
    pub operation: Option<String>,
    /// What was done and what it means for callers.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(op) => write!(f, "{op}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Why no client could be generated.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// progenitor handles OpenAPI 3.0.x only.
    #[error("OpenAPI version {0} is not supported; the client generator needs 3.0.x")]
    UnsupportedVersion(String),
    /// A [`ClientOptions`](super::ClientOptions) field does not parse as Rust.
    #[error("option `{option}` is not valid Rust: {message}")]
    InvalidOption {
        /// The field name.
        option: &'static str,
        /// The parser's message.
        message: String,
    },
    /// progenitor or typify rejected the (normalised) document.
    #[error("progenitor rejected {}: {message}", where_(.operation))]
    Progenitor {
        /// The first operation that fails alone, when one could be found.
        operation: Option<String>,
        /// progenitor's error.
        message: String,
    },
    /// progenitor or typify panicked on a shape the normaliser does not know about yet.
    #[error("progenitor panicked on {}: {message}", where_(.operation))]
    Panic {
        /// The first operation that fails alone, when one could be found.
        operation: Option<String>,
        /// The panic message.
        message: String,
    },
    /// The generated tokens are not a valid Rust file (a generator bug).
    #[error("generated code does not parse: {0}")]
    InvalidOutput(String),
}

fn where_(operation: &Option<String>) -> String {
    match operation {
        Some(op) if op == COMPONENTS => "the component schemas".to_owned(),
        Some(op) => format!("operation `{op}`"),
        None => "the document".to_owned(),
    }
}
