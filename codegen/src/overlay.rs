//! Hand corrections to the generated spec, written as an [OpenAPI Overlay 1.0] document.
//!
//! A Postman collection cannot say everything a client needs (which response fields are always
//! there, which strings are closed enums, …), so `spec/overlay.yaml` says it and this module
//! applies it to the JSON form of the OpenAPI document:
//!
//! ```yaml
//! overlay: 1.0.0
//! info: { title: Belvo corrections, version: 1.0.0 }
//! actions:
//!   - target: $.components.schemas.Balance
//!     description: a balance always names its account
//!     update: { required: [account] }
//!   - target: $.paths['/api/balances/'].get.parameters[?@.name == 'page_size']
//!     remove: true
//! ```
//!
//! Semantics, in the order the spec gives them:
//! - actions run in order, each one on the result of the previous ones;
//! - `target` is an RFC 9535 JSONPath query (evaluated by [`serde_json_path`]); every node it
//!   selects is changed, each node once even when the query names it twice;
//! - `update` is merged into each selected node: objects merge key by key, recursively; an
//!   array receives the elements of an array `update` (concatenation) or the `update` itself
//!   (append); a primitive is replaced by a primitive. Any other pairing (an object onto a string,
//!   say) is an error rather than a silent overwrite;
//! - `remove: true` deletes each selected node from its parent object or array (`update` is then
//!   ignored, as the spec says).
//!
//! Stricter than the spec, on purpose, so that a correction never rots silently when the API
//! changes: an action whose target selects nothing is an error naming the action, and so is an
//! action with neither `update` nor `remove`, and an unknown field (a typo such as `udpate`).
//!
//! [OpenAPI Overlay 1.0]: https://spec.openapis.org/overlay/v1.0.0.html

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};

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
    extensions: BTreeMap<String, Value>,
}

/// The overlay's `info` object.
#[derive(Debug, Clone, Deserialize)]
pub struct Info {
    /// What the overlay is for.
    pub title: String,
    /// Version of the overlay document.
    pub version: String,
    #[serde(flatten)]
    extensions: BTreeMap<String, Value>,
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
    extensions: BTreeMap<String, Value>,
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

/// Applies `overlay_yaml` to a typed OpenAPI document, returning the corrected document.
///
/// The document is edited in its JSON form, keys in their original order, and checked as
/// [`apply_to_document`] does.
pub fn apply_to_openapi(
    spec: &openapiv3::OpenAPI,
    overlay_yaml: &str,
) -> Result<(openapiv3::OpenAPI, OverlayReport), OverlayError> {
    let mut doc =
        serde_json::to_value(spec).map_err(|err| OverlayError::NotOpenApi(err.to_string()))?;
    let overlay = Overlay::parse(overlay_yaml)?;
    let original = doc.clone();
    let report = overlay.apply(&mut doc)?;
    let spec = overlay.check_result(&original, &doc)?;
    Ok((spec, report))
}

/// Applies `overlay_yaml` to an OpenAPI document in its JSON form, and checks that the result
/// is still OpenAPI 3.0 a client can be generated from ([`crate::validate`]): an error names
/// the action that broke it and what is wrong where.
///
/// On error `doc` may be partly edited: apply to a copy when that matters.
pub fn apply_to_document(
    doc: &mut Value,
    overlay_yaml: &str,
) -> Result<OverlayReport, OverlayError> {
    let overlay = Overlay::parse(overlay_yaml)?;
    let original = doc.clone();
    let report = overlay.apply(doc)?;
    overlay.check_result(&original, doc)?;
    Ok(report)
}

/// Parses `overlay_yaml` and applies it to `doc`, the JSON form of an OpenAPI document.
///
/// On error `doc` may hold the result of the actions before the failing one: apply to a copy
/// when that matters.
pub fn apply(doc: &mut Value, overlay_yaml: &str) -> Result<OverlayReport, OverlayError> {
    Overlay::parse(overlay_yaml)?.apply(doc)
}

impl Overlay {
    /// Parses and validates an overlay document (YAML or JSON).
    pub fn parse(yaml: &str) -> Result<Self, OverlayError> {
        let overlay: Overlay = crate::from_yaml(yaml).map_err(|err| OverlayError::Yaml {
            message: err.message,
            line: err.line,
            column: err.column,
        })?;
        overlay.validate()?;
        Ok(overlay)
    }

    fn validate(&self) -> Result<(), OverlayError> {
        let version_ok = self
            .overlay
            .strip_prefix("1.0.")
            .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()));
        if !version_ok {
            return Err(OverlayError::Invalid(format!(
                "`overlay: {}` is not a supported version (expected 1.0.x)",
                self.overlay
            )));
        }
        if self.actions.is_empty() {
            return Err(OverlayError::Invalid(
                "`actions` must contain at least one action".into(),
            ));
        }
        unknown_fields("the overlay object", &self.extensions)?;
        unknown_fields("`info`", &self.info.extensions)?;
        for (index, action) in self.actions.iter().enumerate() {
            unknown_fields(&format!("actions[{index}]"), &action.extensions)?;
        }
        Ok(())
    }

    /// Applies the actions in order to `doc`.
    pub fn apply(&self, doc: &mut Value) -> Result<OverlayReport, OverlayError> {
        self.apply_first(self.actions.len(), doc)
    }

    /// `result`, what the actions made of `original`, as typed OpenAPI; when it is not valid,
    /// an error naming an action after which the document is invalid while it was valid before.
    /// That action is found by bisection over prefixes of the actions (each prefix re-applied
    /// to a copy of `original`), so the cost is a few applications, not one check per action.
    fn check_result(
        &self,
        original: &Value,
        result: &Value,
    ) -> Result<openapiv3::OpenAPI, OverlayError> {
        let problem = match crate::validate::validate(result) {
            Ok(spec) => return Ok(spec),
            Err(problem) => problem,
        };
        if let Err(before) = crate::validate::validate(original) {
            return Err(OverlayError::NotOpenApi(format!(
                "{before} (already before the overlay)"
            )));
        }
        // Invariant: the first `valid` actions leave a valid document, the first `invalid`
        // do not, and `problem` is what is wrong after the first `invalid`.
        let (mut valid, mut invalid, mut problem) = (0, self.actions.len(), problem);
        while invalid - valid > 1 {
            let middle = valid + (invalid - valid) / 2;
            let mut doc = original.clone();
            self.apply_first(middle, &mut doc)?;
            match crate::validate::validate(&doc) {
                Ok(_) => valid = middle,
                Err(found) => (invalid, problem) = (middle, found),
            }
        }
        let action = &self.actions[invalid - 1];
        Err(OverlayError::Breaks {
            action: ActionRef {
                index: invalid - 1,
                description: action.description.clone(),
                target: action.target.clone(),
            },
            problem,
        })
    }

    /// Applies the first `count` actions in order to `doc`.
    fn apply_first(&self, count: usize, doc: &mut Value) -> Result<OverlayReport, OverlayError> {
        let mut outcomes = Vec::with_capacity(count);
        for (index, action) in self.actions.iter().take(count).enumerate() {
            let action_ref = ActionRef {
                index,
                description: action.description.clone(),
                target: action.target.clone(),
            };
            let matched = apply_action(doc, action, &action_ref)?;
            outcomes.push(ActionOutcome {
                action: action_ref,
                matched,
            });
        }
        Ok(OverlayReport { actions: outcomes })
    }
}

/// Fields of an overlay object that are neither defined by the spec nor `x-` extensions are
/// most likely typos, which would otherwise make an action silently do less than intended.
fn unknown_fields(what: &str, extensions: &BTreeMap<String, Value>) -> Result<(), OverlayError> {
    match extensions.keys().find(|key| !key.starts_with("x-")) {
        Some(key) => Err(OverlayError::Invalid(format!(
            "{what} has an unknown field `{key}` (extensions must start with `x-`)"
        ))),
        None => Ok(()),
    }
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

/// One step of a location inside the document, owned so that the document can be mutated
/// after the query that found it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

fn apply_action(doc: &mut Value, action: &Action, id: &ActionRef) -> Result<usize, OverlayError> {
    let path = JsonPath::parse(&action.target).map_err(|err| OverlayError::InvalidTarget {
        action: id.clone(),
        message: err.to_string(),
    })?;
    if !action.remove && action.update.is_none() {
        return Err(OverlayError::NoEffect { action: id.clone() });
    }
    let locations =
        locate(&path, &action.target, doc).map_err(|message| OverlayError::TooCostly {
            action: id.clone(),
            message,
        })?;
    if locations.is_empty() {
        return Err(OverlayError::NoMatch { action: id.clone() });
    }

    if action.remove {
        // Deepest and highest-index locations first: removing an array element shifts the
        // indices after it, and removing a node before its descendants would orphan them.
        for location in locations.iter().rev() {
            let Some((last, parent)) = location.split_last() else {
                return Err(OverlayError::RemoveRoot { action: id.clone() });
            };
            // A location can vanish when an ancestor selected by the same query went first.
            match (node_mut(doc, parent), last) {
                (Some(Value::Object(map)), Step::Key(key)) => {
                    // `retain` keeps the order of the other keys whether or not serde_json's
                    // `preserve_order` is on (`remove` would swap the last key into place).
                    map.retain(|k, _| k != key);
                }
                (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                    items.remove(*index);
                }
                _ => {}
            }
        }
    } else if let Some(update) = &action.update {
        // Merging never removes keys nor shifts array elements, so every location found above
        // stays valid while the others are updated.
        for location in &locations {
            if let Some(node) = node_mut(doc, location) {
                merge(node, update, &mut pointer(location)).map_err(
                    |(pointer, node, update)| OverlayError::Incompatible {
                        action: id.clone(),
                        pointer,
                        node,
                        update,
                    },
                )?;
            }
        }
    }
    Ok(locations.len())
}

fn node_mut<'a>(doc: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    location
        .iter()
        .try_fold(doc, |node, step| match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key),
            (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
            _ => None,
        })
}

/// How many nodes a target may select, counted with repeats, on the way to its result.
/// Each step of [`locate`] is bounded by the document (its nodes times its depth); this caps
/// the whole, far above any real correction (Belvo's largest target selects a few hundred).
const MAX_SELECTED: usize = 2_000_000;

/// The distinct locations `target` (parsed as `path`) selects in `doc`, sorted.
///
/// RFC 9535 keeps duplicates: `$..*..*` selects each node once per ancestor, and each further
/// `..*` multiplies again (on Belvo's spec, `$..*..*..*..*` took 53 s and 5.9 GB in
/// `serde_json_path`). The query is therefore evaluated in steps: split before each descendant
/// segment (`..`) and each union (`[a,b]`), each step applied to the distinct nodes the
/// previous one selected. Whatever the query, the result is the same set of nodes; only the
/// repeats, which the overlay ignores anyway, are gone.
fn locate(path: &JsonPath, target: &str, doc: &Value) -> Result<Vec<Vec<Step>>, String> {
    let Some(steps) = query_steps(target) else {
        // The split failed on a query the parser accepted: evaluate it whole.
        return collect_locations(path, doc, &[], &mut 0);
    };
    let mut selected = 0;
    let mut current: Vec<Vec<Step>> = vec![Vec::new()];
    for step in steps {
        let absolute = has_absolute_query(step);
        let relative = if absolute {
            None
        } else {
            Some(JsonPath::parse(&format!("${step}")).map_err(|e| e.to_string())?)
        };
        let mut next = Vec::new();
        for location in &current {
            let found = match &relative {
                // `@` and the selectors only see the node and below: evaluate on it.
                Some(query) => match node_ref(doc, location) {
                    Some(node) => collect_locations(query, node, location, &mut selected)?,
                    None => Vec::new(),
                },
                // A filter that reads from `$` needs the whole document as root.
                None => {
                    let query = format!("{}{step}", normalized_path(location));
                    let query = JsonPath::parse(&query).map_err(|e| e.to_string())?;
                    collect_locations(&query, doc, &[], &mut selected)?
                }
            };
            next.extend(found);
        }
        next.sort();
        next.dedup();
        current = next;
    }
    Ok(current)
}

/// The locations `path` selects in `node` (which sits at `prefix`), each once, sorted;
/// `selected` counts them with repeats, up to [`MAX_SELECTED`].
fn collect_locations(
    path: &JsonPath,
    node: &Value,
    prefix: &[Step],
    selected: &mut usize,
) -> Result<Vec<Vec<Step>>, String> {
    let mut found = Vec::new();
    for location in path.query_located(node).locations() {
        *selected += 1;
        if *selected > MAX_SELECTED {
            return Err(format!(
                "the target selects more than {MAX_SELECTED} nodes (counting each time a node \
                 is selected again); write a narrower target"
            ));
        }
        let mut steps = prefix.to_vec();
        steps.extend(location.iter().map(|step| match step {
            PathElement::Name(name) => Step::Key((*name).to_owned()),
            PathElement::Index(index) => Step::Index(*index),
        }));
        found.push(steps);
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The target's segments grouped into steps that cannot select a node twice from distinct
/// nodes: a new step starts at each descendant segment and each bracket with more than one
/// selector. `None` when the text does not split as expected.
fn query_steps(target: &str) -> Option<Vec<&str>> {
    let rest = target.trim().strip_prefix('$')?;
    let bytes = rest.as_bytes();
    let (mut steps, mut step_start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let descendant = rest[i..].starts_with("..");
        i += match bytes[i] {
            b'.' if descendant => 2,
            b'.' => 1,
            b'[' => 0,
            _ => return None,
        };
        let union = if bytes.get(i) == Some(&b'[') {
            let (end, union) = bracket_end(rest, i)?;
            i = end;
            union
        } else {
            while i < bytes.len()
                && !matches!(bytes[i], b'.' | b'[')
                && !bytes[i].is_ascii_whitespace()
            {
                i += 1;
            }
            false
        };
        if (descendant || union) && start > step_start {
            steps.push(&rest[step_start..start]);
            step_start = start;
        }
    }
    if step_start < rest.len() {
        steps.push(&rest[step_start..]);
    }
    Some(steps)
}

/// The index just after the `]` that closes the `[` at `open`, and whether the bracket holds
/// more than one selector (a `,` at its top level). Quoted names and nested brackets are
/// skipped.
fn bracket_end(text: &str, open: usize) -> Option<(usize, bool)> {
    let (mut depth, mut quote, mut escaped, mut union) = (0usize, None, false, false);
    for (at, byte) in text.bytes().enumerate().skip(open) {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == q {
                quote = None;
            }
            continue;
        }
        match byte {
            b'\'' | b'"' => quote = Some(byte),
            b'[' | b'(' => depth += 1,
            b')' => depth = depth.checked_sub(1)?,
            b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((at + 1, union));
                }
            }
            b',' if depth == 1 => union = true,
            _ => {}
        }
    }
    None
}

/// Whether a step holds a query from the root (`$`) inside a filter, outside quoted names.
fn has_absolute_query(step: &str) -> bool {
    let (mut quote, mut escaped) = (None, false);
    for byte in step.bytes() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if byte == b'\\' => escaped = true,
            Some(q) if byte == q => quote = None,
            Some(_) => {}
            None if byte == b'\'' || byte == b'"' => quote = Some(byte),
            None if byte == b'$' => return true,
            None => {}
        }
    }
    false
}

/// A location as an RFC 9535 normalized path (`$['paths']['/a'][0]`).
fn normalized_path(location: &[Step]) -> String {
    let mut out = String::from("$");
    for step in location {
        match step {
            Step::Index(index) => out.push_str(&format!("[{index}]")),
            Step::Key(key) => {
                out.push_str("['");
                for c in key.chars() {
                    match c {
                        '\'' => out.push_str("\\'"),
                        '\\' => out.push_str("\\\\"),
                        c if u32::from(c) < 0x20 => {
                            out.push_str(&format!("\\u{:04x}", u32::from(c)))
                        }
                        c => out.push(c),
                    }
                }
                out.push_str("']");
            }
        }
    }
    out
}

fn node_ref<'a>(doc: &'a Value, location: &[Step]) -> Option<&'a Value> {
    location
        .iter()
        .try_fold(doc, |node, step| match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get(key),
            (Value::Array(items), Step::Index(index)) => items.get(*index),
            _ => None,
        })
}

/// RFC 6901 JSON Pointer of a location, for error messages.
fn pointer(location: &[Step]) -> String {
    location
        .iter()
        .map(|step| match step {
            Step::Key(key) => {
                let mut segment = String::new();
                crate::openapi_util::push_pointer_segment(&mut segment, key);
                segment
            }
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

/// Merges `update` into `node` following the Overlay rules; on a mismatch returns the JSON
/// Pointer of the node and the two kinds. `at` is the pointer of `node`, extended while
/// recursing.
fn merge(
    node: &mut Value,
    update: &Value,
    at: &mut String,
) -> Result<(), (String, &'static str, &'static str)> {
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => {
            for (key, value) in update {
                match node.get_mut(key) {
                    Some(existing) => {
                        let len = at.len();
                        crate::openapi_util::push_pointer_segment(at, key);
                        merge(existing, value, at)?;
                        at.truncate(len);
                    }
                    None => {
                        node.insert(key.clone(), value.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(node), Value::Array(update)) => {
            node.extend(update.iter().cloned());
            Ok(())
        }
        (Value::Array(node), update) => {
            node.push(update.clone());
            Ok(())
        }
        (node, update) if is_primitive(node) && is_primitive(update) => {
            *node = update.clone();
            Ok(())
        }
        (node, update) => Err((at.clone(), kind(node), kind(update))),
    }
}

fn is_primitive(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: &str) -> String {
        format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}")
    }

    #[test]
    fn merge_follows_the_overlay_rules() {
        let mut node = json!({"a": {"b": 1, "c": [1]}, "d": "x"});
        let update = json!({"a": {"b": 2, "c": [2, 3], "e": true}, "d": "y", "f": null});
        merge(&mut node, &update, &mut String::new()).unwrap();
        assert_eq!(
            node,
            json!({"a": {"b": 2, "c": [1, 2, 3], "e": true}, "d": "y", "f": null})
        );
    }

    #[test]
    fn merge_refuses_an_object_onto_a_string_and_says_where() {
        let mut node = json!({"a": {"b": "x"}});
        let err = merge(
            &mut node,
            &json!({"a": {"b": {"c": 1}}}),
            &mut String::new(),
        );
        assert_eq!(err, Err(("/a/b".to_owned(), "a string", "an object")));
    }

    #[test]
    fn pointer_escapes_slash_and_tilde() {
        let location = [Step::Key("/a~b".into()), Step::Index(2)];
        assert_eq!(pointer(&location), "/~1a~0b/2");
    }

    #[test]
    fn version_must_be_1_0_x() {
        let text = overlay("  - {target: $, update: {}}").replace("1.0.0", "2.0.0");
        assert!(matches!(
            Overlay::parse(&text),
            Err(OverlayError::Invalid(message)) if message.contains("2.0.0")
        ));
    }

    /// Evaluating in steps selects exactly the nodes the query selects, repeats aside.
    #[test]
    fn stepwise_evaluation_selects_what_the_query_does() {
        let doc: Value =
            serde_json::from_str(include_str!("../tests/fixtures/overlay/spec.json")).unwrap();
        for target in [
            "$",
            "$..*",
            "$..*..*",
            "$..*[*]..*",
            "$.paths[*][*]",
            "$.paths.*.*.responses['200','200', '201']",
            "$..[?@.name]",
            "$..[?@.name == 'a,b]' || @.in == \"q[u]ery\"]",
            "$..parameters[0,0,1,-1]",
            "$..properties..type",
            "$.paths[?@.get]..[?@ == $.info.title]",
            "$..[?length(@) > 2]..[0:2]",
        ] {
            let path = JsonPath::parse(target).unwrap();
            let mut whole: Vec<Vec<Step>> = collect_locations(&path, &doc, &[], &mut 0).unwrap();
            whole.sort();
            whole.dedup();
            assert_eq!(locate(&path, target, &doc).unwrap(), whole, "{target}");
        }
        assert_eq!(
            query_steps("$.a..b['c','d'][?@.x == ']'].e"),
            Some(vec![".a", "..b", "['c','d'][?@.x == ']'].e"])
        );
    }

    #[test]
    fn normalized_paths_read_back() {
        let doc = json!({"a'b\\c\n": [{"d": 1}]});
        let location = vec![
            Step::Key("a'b\\c\n".into()),
            Step::Index(0),
            Step::Key("d".into()),
        ];
        let path = JsonPath::parse(&normalized_path(&location)).unwrap();
        assert_eq!(path.query(&doc).exactly_one().unwrap(), &json!(1));
    }

    #[test]
    fn removing_the_root_is_an_error() {
        let mut doc = json!({});
        let err = apply(&mut doc, &overlay("  - {target: $, remove: true}")).unwrap_err();
        assert!(matches!(err, OverlayError::RemoveRoot { .. }));
    }
}
