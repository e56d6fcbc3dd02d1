//! Whether a document in its JSON form is OpenAPI 3.0 that the client stage can use: more than
//! reading as typed `openapiv3`, which accepts `type: objekt` (as a schema of any type), a
//! `$ref` to nothing, a path parameter that is optional or missing, and one operationId on
//! two operations. The overlay runs this on its result, so a correction cannot leave a
//! document that later fails in the client stage or, worse, generates a wrong client.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use serde_json::Value;

use crate::openapi_util::push_pointer_segment;

/// The `type`s of an OpenAPI 3.0 schema.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Keys whose values are data, not document structure: a `schema` or `$ref` inside an example
/// is text of the example.
const DATA_KEYS: [&str; 4] = ["example", "examples", "default", "enum"];

/// Reads `doc` as typed OpenAPI 3.0 and checks what the types cannot say; the error names the
/// first problem and where it is.
pub fn validate(doc: &Value) -> Result<OpenAPI, String> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(version) if crate::openapi_util::is_openapi_3_0(version) => {}
        Some(version) => return Err(format!("`openapi: {version}` is not 3.0.x")),
        None => return Err("`openapi` is missing or not a string".into()),
    }
    // Typed `openapiv3` reads such a key as an extension, and the path would vanish.
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    if let Some((path, _)) = paths
        .filter(|(path, _)| !path.starts_with("x-"))
        .find(|(path, _)| !path.starts_with('/'))
    {
        return Err(format!("path `{path}` does not start with `/`"));
    }
    let spec = crate::read_openapi(crate::OpenApiSource::Json(doc)).map_err(|e| e.0)?;
    let mut at = String::new();
    structure(doc, doc, &mut at)?;
    operations(&spec)?;
    Ok(spec)
}

/// Walks the document's structure (not its examples): every `$ref` must point into the
/// document, and every schema (under a `schema` key or in `components/schemas`) must have a
/// known type. `at` is the JSON Pointer of `node`.
fn structure(root: &Value, node: &Value, at: &mut String) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if DATA_KEYS.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                let len = at.len();
                push_pointer_segment(at, key);
                if key == "$ref" {
                    resolve(root, value, at)?;
                } else if key == "schema" || (len == 0 && key == "components") {
                    // `components/schemas` holds schemas by name; other components are walked
                    // as structure.
                    match (key.as_str(), value) {
                        ("schema", _) => schema(root, value, at)?,
                        (_, Value::Object(components)) => {
                            for (kind, entries) in components {
                                let len = at.len();
                                push_pointer_segment(at, kind);
                                match (kind.as_str(), entries) {
                                    ("schemas", Value::Object(schemas)) => {
                                        schemas_of(root, schemas, at)?;
                                    }
                                    _ => structure(root, entries, at)?,
                                }
                                at.truncate(len);
                            }
                        }
                        _ => structure(root, value, at)?,
                    }
                } else {
                    structure(root, value, at)?;
                }
                at.truncate(len);
            }
            Ok(())
        }
        Value::Array(items) => each(items, at, |item, at| structure(root, item, at)),
        _ => Ok(()),
    }
}

/// One schema and the schemas inside it.
fn schema(root: &Value, node: &Value, at: &mut String) -> Result<(), String> {
    let Value::Object(map) = node else {
        return Ok(()); // Not an object: the typed read has refused it already.
    };
    if let Some(reference) = map.get("$ref") {
        let len = at.len();
        push_pointer_segment(at, "$ref");
        resolve(root, reference, at)?;
        at.truncate(len);
        return Ok(());
    }
    if let Some(kind) = map.get("type") {
        if !kind.as_str().is_some_and(|k| TYPES.contains(&k)) {
            return Err(format!(
                "at `{at}`: `type: {kind}` is not an OpenAPI 3.0 type ({})",
                TYPES.join(", ")
            ));
        }
    }
    for (key, value) in map {
        let len = at.len();
        push_pointer_segment(at, key);
        match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => schemas_of(root, properties, at)?,
            ("items" | "not" | "additionalProperties", _) => schema(root, value, at)?,
            ("allOf" | "oneOf" | "anyOf", Value::Array(list)) => {
                each(list, at, |s, at| schema(root, s, at))?;
            }
            _ => {}
        }
        at.truncate(len);
    }
    Ok(())
}

/// Each value of a map of schemas by name (`components/schemas`, `properties`).
fn schemas_of(
    root: &Value,
    map: &serde_json::Map<String, Value>,
    at: &mut String,
) -> Result<(), String> {
    for (name, s) in map {
        let len = at.len();
        push_pointer_segment(at, name);
        schema(root, s, at)?;
        at.truncate(len);
    }
    Ok(())
}

fn each(
    items: &[Value],
    at: &mut String,
    mut check: impl FnMut(&Value, &mut String) -> Result<(), String>,
) -> Result<(), String> {
    for (index, item) in items.iter().enumerate() {
        let len = at.len();
        at.push('/');
        at.push_str(&index.to_string());
        check(item, at)?;
        at.truncate(len);
    }
    Ok(())
}

/// A `$ref` must be a local reference (`#/…`) to something the document has.
fn resolve(root: &Value, reference: &Value, at: &str) -> Result<(), String> {
    let Some(reference) = reference.as_str() else {
        return Err(format!("at `{at}`: a `$ref` must be a string"));
    };
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(format!(
            "at `{at}`: `$ref: {reference}` points outside the document, which is not supported"
        ));
    };
    match percent_decoded(pointer) {
        Some(pointer) if root.pointer(&pointer).is_some() => Ok(()),
        Some(_) => Err(format!(
            "at `{at}`: `$ref: {reference}` points to nothing in the document"
        )),
        None => Err(format!(
            "at `{at}`: `$ref: {reference}` has a `%` escape that is not UTF-8 in hex"
        )),
    }
}

/// A URI fragment's `%XX` escapes decoded (`{` is written `%7B` in a reference to a path).
fn percent_decoded(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Every operation: its path parameters match its template and are required, and its
/// operationId is used by no other.
fn operations(spec: &OpenAPI) -> Result<(), String> {
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let template = template_names(path);
        for (method, op) in item.iter() {
            let here = format!("{} {path}", method.to_ascii_uppercase());
            if op.responses.responses.is_empty() && op.responses.default.is_none() {
                return Err(format!("{here}: `responses` lists no response"));
            }
            let mut unique = BTreeSet::new();
            for p in &op.parameters {
                let data = parameter(spec, p).map_err(|e| format!("{here}: {e}"))?;
                let key = (location(data), &data.parameter_data_ref().name);
                if !unique.insert(key) {
                    return Err(format!(
                        "{here}: {} parameter `{}` is declared twice",
                        key.0, key.1
                    ));
                }
            }
            if let Some(id) = &op.operation_id {
                if let Some(first) = ids.insert(id, here.clone()) {
                    return Err(format!(
                        "operationId `{id}` is used by both {first} and {here}"
                    ));
                }
            }
            // Operation parameters override the path item's of the same name and location.
            let mut declared: BTreeMap<&str, &Parameter> = BTreeMap::new();
            for p in item.parameters.iter().chain(&op.parameters) {
                let p = parameter(spec, p).map_err(|e| format!("{here}: {e}"))?;
                if let Parameter::Path { parameter_data, .. } = p {
                    declared.insert(&parameter_data.name, p);
                }
            }
            for name in &template {
                if !declared.contains_key(name) {
                    return Err(format!("{here}: path parameter `{name}` is not declared"));
                }
            }
            for (name, p) in declared {
                if !template.contains(name) {
                    return Err(format!(
                        "{here}: path parameter `{name}` is not in the path"
                    ));
                }
                if !p.parameter_data_ref().required {
                    return Err(format!(
                        "{here}: path parameter `{name}` must be `required: true`"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn parameter<'a>(
    spec: &'a OpenAPI,
    p: &'a ReferenceOr<Parameter>,
) -> Result<&'a Parameter, String> {
    match p {
        ReferenceOr::Item(p) => Ok(p),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/parameters/")
            .and_then(|name| spec.components.as_ref()?.parameters.get(name))
            .and_then(ReferenceOr::as_item)
            .ok_or_else(|| format!("parameter `$ref: {reference}` is not a parameter component")),
    }
}

/// Where a parameter is sent, as OpenAPI spells it.
fn location(p: &Parameter) -> &'static str {
    match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// The `{name}`s of a path template.
fn template_names(path: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.insert(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
               "components": {"schemas": schemas}})
    }

    fn get(id: &str, params: Value) -> Value {
        json!({"get": {"operationId": id, "parameters": params,
                       "responses": {"200": {"description": "ok"}}}})
    }

    fn path_param(name: &str, required: bool) -> Value {
        json!({"name": name, "in": "path", "required": required, "schema": {"type": "string"}})
    }

    #[test]
    fn a_sound_document_passes() {
        let d = doc(
            json!({"/a/{id}": get("a", json!([path_param("id", true)])),
                   "/b": {"get": {"operationId": "b", "responses": {"200": {"description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"},
                        "example": {"$ref": "not checked: data"}}}}}}}}),
            json!({"B": {"type": "object", "properties": {"c": {"type": "array", "items": {"type": "integer"}}}}}),
        );
        validate(&d).unwrap();
    }

    #[test]
    fn each_class_of_problem_is_named_with_its_place() {
        let cases = [
            (
                doc(
                    json!({}),
                    json!({"A": {"type": "object", "properties": {"b": {"type": "objekt"}}}}),
                ),
                "at `/components/schemas/A/properties/b`: `type: \"objekt\"`",
            ),
            (
                doc(
                    json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "x",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}}}}}}}),
                    json!({}),
                ),
                "`$ref: #/components/schemas/Gone` points to nothing",
            ),
            (
                doc(
                    json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "x",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A%ZZ"}}}}}}}}),
                    json!({}),
                ),
                "`$ref: #/components/schemas/A%ZZ` has a `%` escape that is not UTF-8 in hex",
            ),
            (
                doc(json!({"/a/{id}": get("a", json!([]))}), json!({})),
                "GET /a/{id}: path parameter `id` is not declared",
            ),
            (
                doc(
                    json!({"/a/{id}": get("a", json!([path_param("id", false)]))}),
                    json!({}),
                ),
                "must be `required: true`",
            ),
            (
                doc(
                    json!({"/a": get("a", json!([path_param("id", true)]))}),
                    json!({}),
                ),
                "path parameter `id` is not in the path",
            ),
            (
                doc(
                    json!({"/a": get("x", json!([])), "/b": get("x", json!([]))}),
                    json!({}),
                ),
                "operationId `x` is used by both GET /a and GET /b",
            ),
            (
                doc(json!({"a": get("a", json!([]))}), json!({})),
                "path `a` does not start with `/`",
            ),
            (
                doc(
                    json!({"/a": {"get": {"operationId": "a", "responses": {}}}}),
                    json!({}),
                ),
                "GET /a: `responses` lists no response",
            ),
            (
                doc(
                    json!({"/a": get("a", json!([
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "schema": {"type": "integer"}}]))}),
                    json!({}),
                ),
                "GET /a: query parameter `q` is declared twice",
            ),
        ];
        for (d, expected) in cases {
            let err = validate(&d).unwrap_err();
            assert!(err.contains(expected), "{err}\nexpected: {expected}");
        }
        let mut d = doc(json!({}), json!({}));
        d["openapi"] = json!("9.9.9");
        assert!(validate(&d).unwrap_err().contains("9.9.9"));
    }

    #[test]
    fn references_may_be_percent_encoded() {
        let d = doc(
            json!({"/a/{id}": get("a", json!([path_param("id", true)])),
                   "/b": {"$ref": "#/paths/~1a~1%7Bid%7D"}}),
            json!({}),
        );
        validate(&d).unwrap();
    }
}
