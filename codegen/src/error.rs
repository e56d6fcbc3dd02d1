//! Errors that stop a conversion (what is skipped with a warning is in [`crate::warning`]).

/// Why a collection could not be converted. Every variant says where: a line and column for
/// malformed JSON, an item path (`folder/…/request`) and a field for a malformed item.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The input is not JSON at all.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON is not a Postman collection, or one of a version we do not read.
    #[error("{0}")]
    Collection(String),
    /// One item of the collection has the wrong structure.
    #[error("item `{item}`, field `{field}`: {message}")]
    Item {
        /// Folder names and the request name, joined by `/`.
        item: String,
        /// Path of the offending field inside the item, e.g. `request.url.query[2].key`.
        field: String,
        message: String,
    },
    /// The document we built does not read back as OpenAPI: a bug in the converter.
    #[error("internal error: the generated document is not valid OpenAPI: {0}")]
    Internal(String),
}

impl ConvertError {
    pub(crate) fn json(err: &serde_json::Error) -> Self {
        ConvertError::Json {
            line: err.line(),
            column: err.column(),
            message: strip_position(&err.to_string()),
        }
    }
}

/// serde_json appends " at line L column C" to its messages; we report those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}
