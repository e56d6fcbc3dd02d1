//! Schemas of scalar values, which parameters and component properties share: the schema of a
//! scalar kind, and one restricted to the values the collection states.

use serde_json::{json, Value};

use crate::infer::{JsonType, GUESS_EXTENSION};
use crate::openapi_util::object;

/// Restricts a scalar schema (or an array's scalar items) to the stated values; a schema of
/// another kind, or values that are not of its type, leave it open.
pub(super) fn restrict(schema: &mut Value, values: &[&str]) {
    if schema.get("type") == Some(&json!("array")) {
        if let Some(items) = schema.get_mut("items") {
            restrict(items, values);
        }
        return;
    }
    let typed: Option<Vec<Value>> = match schema.get("type").and_then(Value::as_str) {
        Some("string") => Some(values.iter().map(|v| json!(v)).collect()),
        Some("integer") => values
            .iter()
            .map(|v| v.parse::<i64>().ok().map(Value::from))
            .collect(),
        _ => None,
    };
    if let (Some(values), Some(obj)) = (typed, schema.as_object_mut()) {
        obj.remove(GUESS_EXTENSION);
        obj.insert("enum".into(), Value::Array(values));
    }
}

/// The schema of a scalar kind: its type, the format a placeholder named, and the mark of an
/// integer that only samples showed. `None` for arrays, objects and the rest.
pub(super) fn scalar_schema(kind: &JsonType) -> Option<Value> {
    let (ty, format) = match kind {
        JsonType::Boolean => ("boolean", None),
        JsonType::Integer { format, .. } => ("integer", format.known()),
        JsonType::Number { format } => ("number", format.known()),
        JsonType::String { format } => ("string", format.known()),
        _ => return None,
    };
    let mut schema = object([("type", json!(ty))]);
    if let Some(f) = format {
        schema["format"] = json!(f);
    }
    if let JsonType::Integer { guessed: true, .. } = kind {
        schema[GUESS_EXTENSION] = Value::Bool(true);
    }
    Some(schema)
}
