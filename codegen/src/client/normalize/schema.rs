//! Schemas tidied for typify, which hits `todo!()` on shapes JSON Schema allows (the rules are
//! in the [module documentation](super)), and the conversions between typed and JSON schemas.
//! Free functions: what they notice is returned as a [`Note`] for the normaliser to warn about.

use std::collections::HashSet;

use openapiv3::{ReferenceOr, Schema};
use serde_json::{json, Value};

use crate::client::identifiers::{self, rust_name, Case};
use crate::warning::Code;

/// Bounds that typify would enforce while parsing responses (see the module documentation).
const VALIDATION_KEYWORDS: &[&str] = &[
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Makes a schema explicit enough for typify (see the module documentation); recursive.
pub(super) fn tidy_schema(schema: &mut Value, depth: usize, notes: &mut Vec<Note>) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if obj.contains_key("$ref") || depth > 64 {
        return;
    }
    let combinator = ["allOf", "oneOf", "anyOf", "not"]
        .iter()
        .any(|k| obj.contains_key(*k));
    if !obj.contains_key("type") && !combinator {
        if let Some(t) = implied_type(obj) {
            obj.insert("type".to_owned(), json!(t));
        }
    }
    if matches!(
        obj.get("type").and_then(Value::as_str),
        Some("object" | "array" | "boolean")
    ) {
        obj.remove("format");
    }
    // `format: float` would make typify emit `f32`, which cannot hold an amount such as
    // 1234567.89 exactly enough; every number is read as `f64`.
    if obj.get("type").and_then(Value::as_str) == Some("number")
        && obj.get("format").and_then(Value::as_str) == Some("float")
    {
        obj.remove("format");
    }
    for key in VALIDATION_KEYWORDS {
        obj.remove(*key);
    }
    tidy_enum(obj, notes);
    tidy_properties(obj, notes);
    for (key, child) in obj.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(props) = child.as_object_mut() {
                    for p in props.values_mut() {
                        tidy_schema(p, depth + 1, notes);
                    }
                }
            }
            "items" | "additionalProperties" | "not" => tidy_schema(child, depth + 1, notes),
            "allOf" | "oneOf" | "anyOf" => {
                if let Some(parts) = child.as_array_mut() {
                    for p in parts {
                        tidy_schema(p, depth + 1, notes);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The type a schema without one implies by its other keywords (`properties` → object,
/// `format: int64` → integer, `pattern` → string, …), if any.
fn implied_type(obj: &serde_json::Map<String, Value>) -> Option<&'static str> {
    let format = obj
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
        Some("object")
    } else if obj.contains_key("items") {
        Some("array")
    } else if matches!(format, "int32" | "int64" | "integer") {
        Some("integer")
    } else if matches!(format, "float" | "double" | "number" | "decimal") {
        Some("number")
    } else if !format.is_empty()
        || ["pattern", "minLength", "maxLength"]
            .iter()
            .any(|k| obj.contains_key(*k))
    {
        Some("string")
    } else if ["minimum", "maximum", "multipleOf"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        Some("number")
    } else {
        None
    }
}

/// Opens a string `enum` whose values typify cannot name apart (it panics): the schema stays
/// a string, which accepts every value the enum did, with a note naming the values.
fn tidy_enum(obj: &mut serde_json::Map<String, Value>, notes: &mut Vec<Note>) {
    let Some(Value::Array(values)) = obj.get("enum") else {
        return;
    };
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() + values.iter().filter(|v| v.is_null()).count() != values.len()
        || identifiers::enum_variants_distinct(&strings)
    {
        return;
    }
    let listed = strings
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    obj.remove("enum");
    notes.push((
        Code::EnumVariantsCollide,
        format!(
            "enum values {listed} cannot all have distinct Rust variant names; typed as a string"
        ),
    ));
}

/// Drops properties whose Rust name another property of the object already has (with a
/// note), and required names no property declares.
fn tidy_properties(obj: &mut serde_json::Map<String, Value>, notes: &mut Vec<Note>) {
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        let mut seen = HashSet::new();
        let mut dropped = Vec::new();
        props.retain(|name, _| {
            let fresh = seen.insert(rust_name(name, Case::Snake));
            if !fresh {
                dropped.push(name.clone());
            }
            fresh
        });
        for name in dropped {
            notes.push((
                Code::PropertyNameCollision,
                format!(
                    "property `{name}` has the same Rust name as another property of its \
                     object; dropped"
                ),
            ));
        }
    }
    let declared: Option<HashSet<String>> = obj
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect());
    if let (Some(declared), Some(Value::Array(required))) = (declared, obj.get_mut("required")) {
        // typify adds an undeclared required name as an extra `Value` field, which can
        // collide with a declared one.
        required.retain(|r| r.as_str().is_some_and(|r| declared.contains(r)));
    }
}

pub(super) fn strip_docs(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(obj) = s.as_object_mut() {
        for key in [
            "description",
            "title",
            "example",
            "examples",
            "externalDocs",
        ] {
            obj.remove(key);
        }
    }
    s
}

/// What a free function of this module noticed, for its caller to turn into a warning.
pub(super) type Note = (Code, String);

/// JSON as a typed schema, or why `openapiv3` does not read it. Every value here was read
/// from a typed schema and then only tidied, and `openapiv3` reads any object whose keywords
/// have the right JSON types (a `type` whose other keywords do not fit becomes an untyped
/// schema), so this does not fail in practice; were it to, the schema becomes any JSON with
/// a warning rather than silently.
pub(super) fn to_schema(value: Value) -> Result<ReferenceOr<Schema>, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// A typed schema as JSON, `{}` (any JSON) where there is none.
pub(super) fn schema_json(schema: Option<&ReferenceOr<Schema>>) -> Result<Value, String> {
    schema.map_or(Ok(json!({})), |s| {
        serde_json::to_value(s).map_err(|e| e.to_string())
    })
}

/// The value of `result`, or `fallback` with a note that `what` is now any JSON.
pub(super) fn or_any<T>(
    result: Result<T, String>,
    fallback: T,
    what: &str,
    notes: &mut Vec<Note>,
) -> T {
    result.unwrap_or_else(|why| {
        notes.push((
            Code::SchemaNotTyped,
            format!("{what} is not a schema `openapiv3` reads ({why}); typed as any JSON"),
        ));
        fallback
    })
}

/// `{}`: any JSON.
pub(super) fn any_schema() -> ReferenceOr<Schema> {
    ReferenceOr::Item(Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    })
}

/// `{type: string}`.
pub(super) fn string_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(Default::default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema `openapiv3` does not read becomes any JSON with a note, one it reads stays.
    #[test]
    fn a_schema_openapiv3_refuses_is_noted_not_dropped_silently() {
        let mut notes = Vec::new();
        for bad in [
            json!({"description": 5}),
            json!({"nullable": "yes"}),
            json!([]),
        ] {
            let typed = or_any(to_schema(bad), any_schema(), "body", &mut notes);
            assert_eq!(serde_json::to_value(typed).unwrap(), json!({}));
        }
        let codes: Vec<Code> = notes.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, [Code::SchemaNotTyped; 3], "{notes:?}");

        let good = json!({"type": "integer", "enum": ["a"]});
        let typed = or_any(to_schema(good.clone()), any_schema(), "body", &mut notes);
        assert_eq!(serde_json::to_value(typed).unwrap(), good);
        assert_eq!(notes.len(), 3);
    }

    /// The schemas built without a round trip are the ones read from their JSON.
    #[test]
    fn built_schemas_equal_their_json() {
        assert_eq!(any_schema(), to_schema(json!({})).unwrap());
        let string: Schema = serde_json::from_value(json!({"type": "string"})).unwrap();
        assert_eq!(string_schema(), string);
    }
}
