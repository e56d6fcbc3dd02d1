//! Shared test helpers: finding `../shared`, invariants every converted spec must keep, and
//! snapshots (`snapshot.rs`).

#![allow(dead_code)]

pub mod build;
pub mod snapshot;

use std::collections::BTreeSet;
use std::path::PathBuf;

/// `../shared` beside the project, where the corpus lives. The tests that need it carry
/// `#[cfg_attr(no_shared, ignore = "../shared is absent")]` (`no_shared` is set by
/// `build.rs`), so that `cargo test` counts them as ignored, with the reason. A test that
/// calls this was not ignored, or was run with `--ignored` as `cargo xtask test` does: it
/// fails when the directory is absent, rather than passing having done nothing.
pub fn shared_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    assert!(
        dir.join("README.md").is_file(),
        "{} is absent: this test reads the corpus or Belvo's published spec from it",
        dir.display()
    );
    dir
}

/// Checks what a client generator relies on: unique operationIds and every `{param}` of a
/// path template declared on each of its operations. Returns the problems found.
pub fn invariant_violations(spec: &openapiv3::OpenAPI) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for (path, method, op) in spec.operations() {
        if let Some(id) = &op.operation_id {
            if !ids.insert(id.clone()) {
                problems.push(format!("duplicate operationId {id}"));
            }
        } else {
            problems.push(format!("{method} {path} has no operationId"));
        }
        let declared: BTreeSet<String> = op
            .parameters
            .iter()
            .filter_map(|p| p.as_item())
            .filter(|p| matches!(p, openapiv3::Parameter::Path { .. }))
            .map(|p| p.parameter_data_ref().name.clone())
            .collect();
        for segment in path.split('/') {
            let mut rest = segment;
            while let Some(start) = rest.find('{') {
                let Some(len) = rest[start..].find('}') else {
                    break;
                };
                let name = &rest[start + 1..start + len];
                if !declared.contains(name) {
                    problems.push(format!(
                        "{method} {path}: path parameter `{name}` not declared"
                    ));
                }
                rest = &rest[start + len + 1..];
            }
        }
    }
    problems
}

/// Parameters whose `example` is not a value of their schema's type (`type: integer` with
/// `example: '100'`), as `METHOD path: name` with the two; schemas behind a local `$ref` are
/// followed.
pub fn parameter_example_misfits(document: &serde_json::Value) -> Vec<String> {
    let mut misfits = Vec::new();
    let Some(paths) = document.get("paths").and_then(|p| p.as_object()) else {
        return misfits;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let lists = [op.get("parameters"), (method == "parameters").then_some(op)];
            for param in lists
                .into_iter()
                .flatten()
                .filter_map(|l| l.as_array())
                .flatten()
            {
                let (Some(example), Some(schema)) = (param.get("example"), param.get("schema"))
                else {
                    continue;
                };
                if !fits(document, example, schema) {
                    misfits.push(format!(
                        "{method} {path}: parameter `{}`: example {example} does not fit {schema}",
                        param["name"]
                    ));
                }
            }
        }
    }
    misfits
}

/// Whether `value` is of the type `schema` says (types only, not formats or bounds).
fn fits(
    document: &serde_json::Value,
    value: &serde_json::Value,
    schema: &serde_json::Value,
) -> bool {
    if let Some(reference) = schema.get("$ref").and_then(|r| r.as_str()) {
        return match reference
            .strip_prefix('#')
            .and_then(|p| document.pointer(p))
        {
            Some(target) => fits(document, value, target),
            None => false,
        };
    }
    if value.is_null() && schema.get("nullable") == Some(&serde_json::Value::Bool(true)) {
        return true;
    }
    match schema.get("type").and_then(|t| t.as_str()) {
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("string") => value.is_string(),
        Some("object") => value.is_object(),
        Some("array") => value.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|i| schema.get("items").is_none_or(|s| fits(document, i, s)))
        }),
        _ => true,
    }
}
