//! Guessed integers are read as numbers wherever the client receives them.
//!
//! The converter writes `type: integer` for a value that only whole samples showed, marked
//! with [`GUESS_EXTENSION`] (see `codegen::infer`): the spec says what the examples are, but
//! one sample of `100` does not prove that the API never sends `24.29`. A response that does
//! would fail the whole call on an `i64`, so every marked integer that a response can reach
//! (its schema, and the components it refers to, transitively) becomes `number`, an `f64`,
//! which holds every integer up to 2^53 exactly. Marked integers that only requests use stay
//! integers: the caller writes those, and a server that wants whole numbers is better served
//! by an `i64` than by `1.0`. An overlay that removes the mark (or sets a `format`) makes an
//! integer a contract again.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::infer::GUESS_EXTENSION;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Rewrites `doc` (an OpenAPI document as JSON) in place; returns how many schemas changed.
pub(crate) fn widen_received_integers(doc: &mut Value) -> usize {
    // Response schemas first: their own guesses widen, and their references are noted
    // (widening changes no `$ref`).
    let mut pending = Vec::new();
    let mut changed = 0;
    for_each_response_schema(doc, &mut |schema| {
        collect_refs(schema, &mut pending);
        changed += widen(schema);
    });
    let mut reached = BTreeSet::new();
    if let Some(schemas) = doc.pointer("/components/schemas") {
        while let Some(name) = pending.pop() {
            if reached.insert(name.clone()) {
                if let Some(schema) = schemas.get(&name) {
                    collect_refs(schema, &mut pending);
                }
            }
        }
    }
    if let Some(Value::Object(components)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in components.iter_mut() {
            if reached.contains(name) {
                changed += widen(schema);
            }
        }
    }
    changed
}

/// Calls `f` on the schema of every response of every operation, and of every response
/// component (operations may refer to those).
fn for_each_response_schema(doc: &mut Value, f: &mut impl FnMut(&mut Value)) {
    let mut visit = |responses: &mut Value| {
        for response in responses
            .as_object_mut()
            .into_iter()
            .flat_map(|r| r.values_mut())
        {
            if let Some(Value::Object(content)) = response.get_mut("content") {
                content
                    .values_mut()
                    .filter_map(|m| m.get_mut("schema"))
                    .for_each(&mut *f);
            }
        }
    };
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                if let Some(responses) = op.get_mut("responses") {
                    visit(responses);
                }
            }
        }
    }
    if let Some(responses) = doc.pointer_mut("/components/responses") {
        visit(responses);
    }
}

/// Component names that `schema` refers to, anywhere inside it.
fn collect_refs(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Marked integers inside `schema` (not through `$ref`s) become numbers.
fn widen(schema: &mut Value) -> usize {
    match schema {
        Value::Object(map) => {
            let mut changed = 0;
            if map.get("type").and_then(Value::as_str) == Some("integer")
                && map.get(GUESS_EXTENSION) == Some(&Value::Bool(true))
            {
                map.insert("type".to_owned(), Value::String("number".to_owned()));
                map.remove(GUESS_EXTENSION);
                changed += 1;
            }
            changed + map.values_mut().map(widen).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(widen).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn guesses_a_response_reaches_widen_and_request_only_ones_stay() {
        let guess = json!({"type": "integer", GUESS_EXTENSION: true});
        let mut doc = json!({
            "paths": {"/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema":
                    {"$ref": "#/components/schemas/Body"}}}},
                "responses": {"200": {"content": {"application/json": {"schema":
                    {"type": "array", "items": {"$ref": "#/components/schemas/Page"}}}}}}
            }}},
            "components": {"schemas": {
                "Page": {"type": "object", "properties": {
                    "count": guess.clone(),
                    "line": {"$ref": "#/components/schemas/Line"}}},
                "Line": {"type": "object", "properties": {
                    "quantity": guess.clone(),
                    "units": {"type": "integer"}}},
                "Body": {"type": "object", "properties": {"size": guess.clone()}}
            }}
        });
        assert_eq!(widen_received_integers(&mut doc), 2);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Page"]["properties"]["count"],
            json!({"type": "number"})
        );
        assert_eq!(
            schemas["Line"]["properties"]["quantity"],
            json!({"type": "number"})
        );
        // A contract (no mark) and what only the request uses stay integers.
        assert_eq!(
            schemas["Line"]["properties"]["units"],
            json!({"type": "integer"})
        );
        assert_eq!(schemas["Body"]["properties"]["size"], guess);
    }
}
