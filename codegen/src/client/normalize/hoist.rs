//! Inline schemas moved into named components (`{OperationId}Body`, `…Response`, `…Item`,
//! `{Parent}{Property}`): progenitor and typify would name them without checking the names
//! against the components.

use serde_json::{json, Value};

use super::normalizer::{Normalizer, SCHEMA_PREFIX};
use crate::client::identifiers::{rust_name, Case};

impl Normalizer {
    /// Moves inline schemas nested in component properties (and array items, map values) that
    /// typify would name (`{Parent}{Property}`) into components whose names are checked
    /// against all others, so typify never invents a name that another component has.
    pub(super) fn hoist_nested(&mut self) {
        let mut i = 0;
        while i < self.schemas.len() {
            let (name, mut schema) = match self.schemas.get_index(i) {
                Some((k, v)) => (k.clone(), v.clone()),
                None => break,
            };
            self.hoist_children(&mut schema, &rust_name(&name, Case::Pascal), 0);
            self.schemas.insert(name, schema);
            i += 1;
        }
    }

    fn hoist_children(&mut self, schema: &mut Value, base: &str, depth: usize) {
        if depth > 32 {
            return;
        }
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for (prop, child) in props.iter_mut() {
                let child_base = format!("{base}{}", rust_name(prop, Case::Pascal));
                self.hoist(child, &child_base, depth);
            }
        }
        if let Some(items) = obj.get_mut("items") {
            self.hoist(items, &format!("{base}Item"), depth);
        }
        if let Some(values @ Value::Object(_)) = obj.get_mut("additionalProperties") {
            self.hoist(values, &format!("{base}Value"), depth);
        }
    }

    /// Hoists `schema` as `{base}` when typify would name it. Nullable schemas stay inline:
    /// a `$ref` cannot carry `nullable` in OpenAPI 3.0.
    fn hoist(&mut self, schema: &mut Value, base: &str, depth: usize) {
        // Only these make typify emit a named type; arrays, maps and free-form objects stay
        // `Vec`/`HashMap`/`Map` inline, and only their contents are considered.
        let named = ["properties", "enum", "oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| schema.get(*k).is_some());
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        if !named || nullable || schema.get("$ref").is_some() || is_described_ref(schema) {
            self.hoist_children(schema, base, depth + 1);
            return;
        }
        let name = self.unique_name(base);
        let reference = json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") });
        // The property keeps its own description (rustdoc on the field), beside the type's.
        let replacement = match schema.get("description") {
            Some(d) => json!({ "allOf": [reference], "description": d }),
            None => reference,
        };
        let moved = std::mem::replace(schema, replacement);
        // Appended: `hoist_nested` reaches it later and handles its own children.
        self.schemas.insert(name, moved);
    }

    /// Leaves `schema` inline when progenitor would not need to name a type for it (a `$ref`,
    /// a primitive, an array of those), moves array items out as `{base}Item`, and anything
    /// else into a new component `{base}`; returns what to use in its place.
    pub(super) fn extract(&mut self, schema: Value, base: &str) -> Value {
        if is_simple(&schema) {
            return schema;
        }
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let mut schema = schema;
            if let Some(items) = schema.get_mut("items") {
                let inner = self.extract(items.take(), &format!("{base}Item"));
                *items = inner;
            }
            return schema;
        }
        let name = self.unique_name(base);
        self.schemas.insert(name.clone(), schema);
        json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") })
    }
}

/// Whether progenitor can use `schema` inline without naming a type after the operation.
/// A reference with its own description (`allOf: [$ref]` beside `description`, since 3.0
/// ignores what stands beside a `$ref`): typify reads it as the referenced type, so it is not
/// a type to name. (A nullable one is handled as before: it stays inline where it is a
/// property, and is moved out where a body is one.)
fn is_described_ref(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return false;
    };
    let single_ref = obj
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|parts| parts.len() == 1 && parts[0].get("$ref").is_some());
    single_ref
        && obj
            .keys()
            .all(|k| matches!(k.as_str(), "allOf" | "description"))
}

fn is_simple(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return true;
    };
    if obj.contains_key("$ref") || is_described_ref(schema) {
        return true;
    }
    let complex = [
        "enum",
        "properties",
        "additionalProperties",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
    ];
    if complex.iter().any(|k| obj.contains_key(*k)) {
        return false;
    }
    match obj.get("type").and_then(Value::as_str) {
        Some("array") => obj.get("items").is_none_or(is_simple),
        Some("object") => false,
        _ => true,
    }
}
