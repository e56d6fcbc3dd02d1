//! The overlay document as read ([`Overlay`], its [`Action`]s, an `update` read from YAML into
//! JSON), what applying it reports, and its errors, each naming the action at fault.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

/// A parsed overlay document.
#[derive(Debug, Clone, Deserialize)]
pub struct Overlay {
    /// The Overlay Specification version the document follows (`1.0.x`).
    pub overlay: String,
    /// Title and version of the overlay itself.
    pub info: Info,
    /// The document the overlay was written for, if it says so.
    #[serde(default)]
    pub extends: Option<String>,
    /// What to change, in order.
    pub actions: Vec<Action>,
    #[serde(flatten)]
    pub(super) extensions: BTreeMap<String, Value>,
}

/// The overlay's `info` object.
#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    /// What the overlay is for.
    pub title: String,
    /// Version of the overlay document.
    pub version: String,
    #[serde(flatten)]
    pub(super) extensions: BTreeMap<String, Value>,
}

/// One change: where (`target`) and what (`update` or `remove`).
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    /// RFC 9535 JSONPath query selecting the nodes to change.
    pub target: String,
    /// Why the change is made; shown in errors.
    #[serde(default)]
    pub description: Option<String>,
    /// Value merged into each selected node.
    #[serde(default, deserialize_with = "update_from_yaml")]
    pub update: Option<Value>,
    /// Remove the selected nodes instead.
    #[serde(default)]
    pub remove: bool,
    #[serde(flatten)]
    pub(super) extensions: BTreeMap<String, Value>,
}

/// What applying an overlay did: one entry per action, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayReport {
    /// Per action, how many distinct nodes its target selected (always at least one).
    pub actions: Vec<ActionOutcome>,
}

/// What one action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    /// Which action.
    pub action: ActionRef,
    /// Number of distinct nodes updated or removed.
    pub matched: usize,
}

/// Names an action in reports and errors: position in `actions` (from 0), description, target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRef {
    /// Index in the `actions` list, counting from 0.
    pub index: usize,
    /// The action's `description`, if any.
    pub description: Option<String>,
    /// The action's `target`.
    pub target: String,
}

impl fmt::Display for ActionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "actions[{}]", self.index)?;
        if let Some(description) = &self.description {
            write!(f, " ({description:?})")?;
        }
        write!(f, " with target `{}`", self.target)
    }
}

/// Why an overlay could not be parsed or applied.
#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    /// The text is not YAML, or not shaped like an overlay document.
    #[error("invalid overlay YAML: {message}")]
    Yaml {
        /// The parser's message (which repeats the position when it has one).
        message: String,
        /// 1-based line of the error, when the parser knows it.
        line: Option<usize>,
        /// 1-based column of the error, when the parser knows it.
        column: Option<usize>,
    },
    /// Parsed, but breaks a rule of the Overlay specification.
    #[error("invalid overlay document: {0}")]
    Invalid(String),
    /// The target is not a valid RFC 9535 JSONPath query.
    #[error("{action}: invalid JSONPath: {message}")]
    InvalidTarget {
        /// The action.
        action: ActionRef,
        /// The JSONPath parser's message, with the position in the query.
        message: String,
    },
    /// The target selects nothing: the document no longer has what the correction is about.
    #[error("{action}: target matches nothing in the document")]
    NoMatch {
        /// The action.
        action: ActionRef,
    },
    /// The action has neither `update` nor `remove: true`.
    #[error("{action}: has neither `update` nor `remove: true`")]
    NoEffect {
        /// The action.
        action: ActionRef,
    },
    /// `update` cannot be merged into a selected node.
    #[error("{action}: cannot merge {update} into {node} at `{pointer}`")]
    Incompatible {
        /// The action.
        action: ActionRef,
        /// JSON Pointer of the node that refused the merge.
        pointer: String,
        /// Kind of the node in the document (`object`, `array`, `string`, …).
        node: &'static str,
        /// Kind of the value in the overlay.
        update: &'static str,
    },
    /// The overlaid document is not valid OpenAPI 3.0, and no action is to blame (the
    /// document was not valid before either).
    #[error("the overlaid document is not valid OpenAPI 3.0: {0}")]
    NotOpenApi(String),
    /// The document was valid OpenAPI 3.0 before this action and is not after it.
    #[error("{action} leaves a document that is not valid OpenAPI 3.0: {problem}")]
    Breaks {
        /// The action.
        action: ActionRef,
        /// What is wrong, and where, after the action.
        problem: String,
    },
    /// Evaluating the target would select too many nodes.
    #[error("{action}: {message}")]
    TooCostly {
        /// The action.
        action: ActionRef,
        /// The limit that was reached.
        message: String,
    },
    /// `remove` selected the document root, which has no parent to be removed from.
    #[error("{action}: cannot remove the document root")]
    RemoveRoot {
        /// The action.
        action: ActionRef,
    },
}

/// Reads `update` through YAML's own value type, because YAML allows keys that JSON does not:
/// `responses: {200: …}` is the natural way to write a status code and must become `"200"`.
fn update_from_yaml<'de, D>(deserializer: D) -> Result<Option<Value>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value: Option<yaml_serde::Value> = Option::deserialize(deserializer)?;
    value
        .map(yaml_to_json)
        .transpose()
        .map_err(serde::de::Error::custom)
}

fn yaml_to_json(value: yaml_serde::Value) -> Result<Value, String> {
    use yaml_serde::Value as Yaml;
    Ok(match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .ok_or_else(|| format!("`{n}` has no JSON equivalent"))?
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(mapping) => {
            let mut map = serde_json::Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    other => return Err(format!("mapping key {other:?} is not a scalar")),
                };
                map.insert(key, yaml_to_json(value)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}
