//! Response bodies decoded with an account of whatever does not fit: the operation and status,
//! the JSON path of the value, what the generated types expected there and what came,
//! Belvo-style `request_id`s, and the OpenAPI Overlay action that would make such a body fit
//! once added to the spec's overlay and the client regenerated.
//!
//! (This file is emitted into every generated client as its `decode` module by
//! `codegen::client::decode_glue`, which appends the `RESPONSES` and `PROPERTIES` tables that
//! describe the spec the client was generated from.)

use std::fmt;

/// How a spot of the spec is typed, as far as explaining a mismatch needs to know.
#[derive(Debug)]
pub enum Node {
    /// A schema component.
    Ref(&'static str),
    /// An array of these items.
    Array(&'static Node),
    /// An integer.
    Integer,
    /// A string of this format.
    Format(&'static str),
    /// One of a closed list of values.
    Enum,
    /// Anything else: text, numbers, booleans, inline objects, alternatives.
    Other,
}

/// A response body that does not fit the generated types.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The operation id.
    pub operation: String,
    /// The HTTP status of the response.
    pub status: u16,
    /// Where in the body: `results[3].quantity`, or empty for the body itself.
    pub path: String,
    /// What the generated types accept there.
    pub expected: String,
    /// What came (secrets and long texts are not shown).
    pub found: String,
    /// The decoder's own message.
    pub detail: String,
    /// The request id the API gave the response, when it gave one.
    pub request_id: Option<String>,
    /// Overlay 1.0 actions (YAML, as items of `actions:`) that would make the body fit.
    pub overlay_action: Option<String>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "the body itself".to_owned()
        } else {
            format!("`{}`", self.path)
        };
        write!(
            f,
            "`{}` received a {} response that does not fit the generated types at {at}: \
             expected {}, found {} ({})",
            self.operation, self.status, self.expected, self.found, self.detail
        )?;
        if let Some(id) = &self.request_id {
            write!(f, "; request_id {id}")?;
        }
        if let Some(action) = &self.overlay_action {
            write!(
                f,
                "\nIf the API may send this, add to the spec's overlay (under `actions:`) and \
                 regenerate the client:\n{action}"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Mismatch {}

/// Reads a response the way progenitor's `ResponseValue::from_response` does, with a
/// [`Mismatch`] as the message of `InvalidResponsePayload` when a success body does not fit.
/// An error answer (4xx, 5xx) whose body does not fit its documented shape is still an error
/// answer: it comes back as `UnexpectedResponse`, with its status, headers and body, and the
/// [`Mismatch`] in its extensions.
pub async fn response<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
    info: &progenitor_client::OperationInfo,
) -> Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let mut head = ::http::Response::new(());
    *head.version_mut() = response.version();
    *head.extensions_mut() = response.extensions().clone();
    let full = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
    match body::<T>(info.operation_id, status.as_u16(), &headers, &full) {
        Ok(inner) => Ok(progenitor_client::ResponseValue::new(inner, status, headers)),
        Err(mismatch) if status.is_client_error() || status.is_server_error() => {
            *head.status_mut() = status;
            *head.headers_mut() = headers;
            head.extensions_mut().insert(mismatch);
            let answer = head.map(|()| reqwest::Body::from(full));
            Err(progenitor_client::Error::UnexpectedResponse(answer.into()))
        }
        Err(mismatch) => Err(progenitor_client::Error::InvalidResponsePayload(
            full,
            <serde_json::Error as serde::de::Error>::custom(mismatch),
        )),
    }
}

/// A list body read again without its `null` items, when it has some: an API may declare an
/// object type nullable and list it, and a `null` item carries no data (fields of types do
/// the same, through `null_items_skipped`).
fn without_null_items<T: serde::de::DeserializeOwned>(json: Option<&serde_json::Value>) -> Option<T> {
    let items = json?.as_array()?;
    if !items.iter().any(serde_json::Value::is_null) {
        return None;
    }
    let kept = items.iter().filter(|v| !v.is_null()).cloned().collect();
    serde_json::from_value(serde_json::Value::Array(kept)).ok()
}

/// Decodes `bytes`, the body of a `status` response to `operation`, as `T`.
pub fn body<T: serde::de::DeserializeOwned>(
    operation: &str,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    bytes: &[u8],
) -> Result<T, Mismatch> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let (segments, detail) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => match de.end() {
            Ok(()) => return Ok(value),
            Err(e) => (Vec::new(), e.to_string()),
        },
        Err(e) => (e.path().iter().cloned().collect(), e.into_inner().to_string()),
    };
    let json: Option<serde_json::Value> = serde_json::from_slice(bytes).ok();
    if let Some(value) = without_null_items::<T>(json.as_ref()) {
        return Ok(value);
    }
    let value = json.as_ref().and_then(|v| value_at(v, &segments));
    let key = segments.iter().rev().find_map(|s| match s {
        serde_path_to_error::Segment::Map { key } => Some(key.as_str()),
        _ => None,
    });
    // serde quotes the offending value in its message; under a secret-looking name only
    // what was expected is kept.
    let detail = match (is_secret(key), detail.find("expected ")) {
        (true, Some(at)) => detail[at..].to_owned(),
        (true, None) => "value not shown".to_owned(),
        (false, _) => detail,
    };
    let located = locate(operation, status, &segments);
    let node = located.as_ref().map_or(&Node::Other, |(_, node)| *node);
    Err(Mismatch {
        operation: operation.to_owned(),
        status,
        path: render_path(&segments),
        expected: expected(node, &detail),
        found: match (&json, value) {
            (None, _) => "text that is not JSON".to_owned(),
            (Some(_), v) => describe(v, key),
        },
        request_id: request_id(headers, json.as_ref()),
        overlay_action: located.and_then(|(target, node)| action(&target, node, value, &detail)),
        detail,
    })
}

/// The value at `segments` inside `root`.
fn value_at<'v>(
    root: &'v serde_json::Value,
    segments: &[serde_path_to_error::Segment],
) -> Option<&'v serde_json::Value> {
    let mut value = root;
    for segment in segments {
        value = match segment {
            serde_path_to_error::Segment::Map { key } => value.get(key.as_str())?,
            serde_path_to_error::Segment::Seq { index } => value.get(*index)?,
            _ => continue,
        };
    }
    Some(value)
}

fn render_path(segments: &[serde_path_to_error::Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            serde_path_to_error::Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            _ => {}
        }
    }
    out
}

/// The spot of the spec that types the value at `segments`: its JSONPath and its node.
fn locate(
    operation: &str,
    status: u16,
    segments: &[serde_path_to_error::Segment],
) -> Option<(String, &'static Node)> {
    let (_, _, root_target, root) = RESPONSES
        .iter()
        .find(|(op, code, _, _)| *op == operation && *code == status)?;
    let mut target = (*root_target).to_owned();
    let mut node: &'static Node = root;
    for segment in segments {
        node = match (node, segment) {
            (Node::Ref(name), serde_path_to_error::Segment::Map { key }) => {
                target = format!("$.components.schemas[{}].properties[{}]", quote(name), quote(key));
                property(name, key)
            }
            (Node::Ref(name), serde_path_to_error::Segment::Seq { .. }) => {
                target = format!("$.components.schemas[{}].items", quote(name));
                property(name, "[]")
            }
            (Node::Array(items), serde_path_to_error::Segment::Seq { .. }) => {
                target.push_str(".items");
                items
            }
            (_, serde_path_to_error::Segment::Map { .. } | serde_path_to_error::Segment::Seq { .. }) => {
                return None
            }
            _ => node,
        };
    }
    Some((target, node))
}

fn property(component: &str, name: &str) -> &'static Node {
    PROPERTIES
        .binary_search_by(|(c, p, _)| (*c, *p).cmp(&(component, name)))
        .map_or(&Node::Other, |i| &PROPERTIES[i].2)
}

/// A JSONPath name selector.
fn quote(name: &str) -> String {
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn expected(node: &Node, detail: &str) -> String {
    match node {
        Node::Ref(name) => format!("`{name}`"),
        Node::Array(_) => "an array".to_owned(),
        Node::Integer => "an integer".to_owned(),
        Node::Format(format) => format!("a string in format `{format}`"),
        Node::Enum => "one of the listed values".to_owned(),
        Node::Other => match detail.split_once("expected ") {
            Some((_, what)) => what.split(" at line ").next().unwrap_or(what).to_owned(),
            None => "what the generated type reads".to_owned(),
        },
    }
}

/// Whether a property's value is never shown in an error: its name holds one of the
/// generator's `SECRET_WORDS` (emitted into this module beside this code).
fn is_secret(key: Option<&str>) -> bool {
    key.is_some_and(|k| {
        let k = k.to_ascii_lowercase();
        SECRET_WORDS.iter().any(|w| k.contains(w))
    })
}

fn describe(value: Option<&serde_json::Value>, key: Option<&str>) -> String {
    let secret = is_secret(key);
    match value {
        None => "nothing".to_owned(),
        Some(serde_json::Value::Null) => "null".to_owned(),
        Some(serde_json::Value::Array(items)) => format!("an array of {} items", items.len()),
        Some(serde_json::Value::Object(_)) => "an object".to_owned(),
        Some(_) if secret => "a value (not shown: the field may hold a secret)".to_owned(),
        Some(serde_json::Value::String(s)) if s.chars().count() > 64 => {
            format!("a string of {} characters", s.chars().count())
        }
        Some(serde_json::Value::String(s)) => format!("the string {s:?}"),
        Some(other) => format!("the {} {other}", if other.is_number() { "number" } else { "value" }),
    }
}

/// The id the API gave the response, read here once for every part of the client (decode
/// errors, API errors, the MFA flow, tracing): an `x-request-id` or `request-id` header, else
/// the `request_id` of the body (an object, or the first item of a list that has one; a
/// number is read as its text).
pub fn request_id(
    headers: &reqwest::header::HeaderMap,
    body: Option<&serde_json::Value>,
) -> Option<String> {
    fn of(body: &serde_json::Value) -> Option<String> {
        match body {
            serde_json::Value::Object(o) => match o.get("request_id")? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            },
            serde_json::Value::Array(items) => items.iter().find_map(of),
            _ => None,
        }
    }
    let header = ["x-request-id", "request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok());
    match header {
        Some(id) => Some(id.to_owned()),
        None => of(body?),
    }
}

/// The overlay actions that would make `value` fit at `target`, when one change does.
fn action(
    target: &str,
    node: &Node,
    value: Option<&serde_json::Value>,
    detail: &str,
) -> Option<String> {
    let yaml = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let item = |target: &str, why: &str, body: &str| {
        format!("  - target: {}\n    description: {}\n{body}", yaml(target), yaml(why))
    };
    if let (Node::Ref(name), Some(field)) = (node, detail.strip_prefix("missing field `")) {
        let field = field.split('`').next().unwrap_or(field);
        return Some(item(
            &format!("$.components.schemas[{}].required[?@ == {}]", quote(name), quote(field)),
            &format!("The API may leave out `{field}`."),
            "    remove: true\n",
        ));
    }
    let value = value?;
    Some(match (node, value) {
        (_, serde_json::Value::Null) => item(
            target,
            "The API may send null here.",
            "    update:\n      nullable: true\n",
        ),
        (Node::Integer, serde_json::Value::Number(_)) => item(
            target,
            "The API may send a fraction here.",
            "    update:\n      type: number\n",
        ),
        (Node::Format(format), serde_json::Value::String(_)) => item(
            &format!("{target}.format"),
            &format!("The API may send text that is not a `{format}` here."),
            "    remove: true\n",
        ),
        (Node::Enum, _) => item(
            &format!("{target}.enum"),
            "The API may send values beyond the listed ones.",
            "    remove: true\n",
        ),
        _ => {
            // Any other kind of value: the property becomes "any JSON value".
            let (parent, name) = target.strip_suffix("']")?.rsplit_once("['")?;
            let mut out = item(target, "Replaced by any JSON value below.", "    remove: true\n");
            out.push_str(&item(
                parent,
                "The API may send other kinds of value here.",
                &format!("    update:\n      {}: {{}}\n", yaml(&name.replace("\\'", "'"))),
            ));
            out
        }
    })
}
