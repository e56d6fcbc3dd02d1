//! One change the rules found, where it applies, and the Markdown code span every message
//! quotes names with.

use super::rules::Rule;

/// Where a change applies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Servers, security schemes, the document's security, component schemas.
    Document,
    /// One operation.
    Operation {
        /// Path template as written in the newer document that has it.
        path: String,
        /// Upper-case HTTP method.
        method: String,
        /// The operationId, from the newer document that has the operation.
        operation_id: Option<String>,
    },
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The rule that fired.
    pub rule: Rule,
    /// What changed, as one line of Markdown.
    pub message: String,
}

/// `text` as a Markdown code span, whatever backticks or line breaks it holds.
pub(crate) fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}
