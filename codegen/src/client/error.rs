//! [`ClientError`]: why no client could be generated. What the stage changed or dropped to
//! generate one is reported as [`Warning`](crate::Warning)s.

use crate::warning::Location;

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
    #[error("progenitor rejected {}: {message}", where_(.location))]
    Progenitor {
        /// The component schemas when they fail alone, else the first operation that fails
        /// alone, else the whole document.
        location: Location,
        /// progenitor's error.
        message: String,
    },
    /// progenitor or typify panicked on a shape the normaliser does not know about yet.
    #[error("progenitor panicked on {}: {message}", where_(.location))]
    Panic {
        /// As for [`ClientError::Progenitor`].
        location: Location,
        /// The panic message.
        message: String,
    },
    /// The generated tokens are not a valid Rust file (a generator bug).
    #[error("generated code does not parse: {0}")]
    InvalidOutput(String),
}

fn where_(location: &Location) -> String {
    match location {
        Location::Components => "the component schemas".to_owned(),
        Location::Document => "the document".to_owned(),
        other => other.to_string(),
    }
}
