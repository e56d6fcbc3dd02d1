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
    /// The changed element in the old document.
    pub old: State,
    /// The changed element in the new document.
    pub new: State,
    /// What it does to the generated Rust client, once attached
    /// ([`super::Report::attach_rust`]).
    pub rust: Vec<RustChange>,
}

/// Where a changed element is in one of the two documents, and its value there when the change
/// is of one value (a type, a format, an operationId, a media type, a parameter's location,
/// an enum value, a scheme's signature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// JSON pointer (RFC 6901) into the document: the element, or when the document lacks it
    /// (`present` false), the nearest place that holds or would hold it (its parent object or
    /// list, which may itself be absent: a reader falls back to the nearest ancestor it finds,
    /// as `YamlLines::line` does).
    pub pointer: String,
    /// Whether the element is in this document.
    pub present: bool,
    /// The value, when the change replaces one value with another (or adds or removes one).
    pub value: Option<String>,
}

impl State {
    /// An element at `pointer`, without a value.
    pub(crate) fn at(pointer: impl Into<String>) -> Self {
        State {
            pointer: pointer.into(),
            present: true,
            value: None,
        }
    }

    /// An element this document lacks, which would be at or under `pointer`.
    pub(crate) fn absent(pointer: impl Into<String>) -> Self {
        State {
            present: false,
            ..State::at(pointer)
        }
    }

    /// The same place with `value`.
    pub(crate) fn with(mut self, value: Option<impl Into<String>>) -> Self {
        self.value = value.map(Into::into);
        self
    }
}

/// One difference in the generated client's public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustChange {
    /// The item, as a caller names it (`types::Balance::statement`).
    pub item: String,
    /// Its type or signature in the old client (`None`: it is new).
    pub old: Option<String>,
    /// Its type or signature in the new client (`None`: it is gone).
    pub new: Option<String>,
    /// For a type or builder that appears or disappears: how many of its fields, variants or
    /// methods go with it (not listed apart).
    pub members: usize,
}

impl RustChange {
    /// One line of Markdown: "`types::Balance::statement` removed".
    pub fn describe(&self) -> String {
        let item = code(&self.item);
        let with = match self.members {
            0 => String::new(),
            1 => " with its 1 member".to_owned(),
            n => format!(" with its {n} members"),
        };
        match (&self.old, &self.new) {
            (None, _) => format!("{item} added{with}"),
            (_, None) => format!("{item} removed{with}"),
            (Some(old), Some(new)) => {
                format!("{item} changes type from {} to {}", code(old), code(new))
            }
        }
    }
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
