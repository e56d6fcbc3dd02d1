//! Shared test helpers: finding `../shared`, and invariants every converted spec must keep.

#![allow(dead_code)]

pub mod build;

use std::collections::BTreeSet;
use std::path::PathBuf;

/// `../shared` beside the project, where the corpus lives; `None` (with a note on stderr)
/// in a clone without it, so that the tests that need it say so instead of failing.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.join("README.md").exists() {
        Some(dir)
    } else {
        eprintln!(
            "NOTE: {} is absent, so the tests on the shared corpus did not run",
            dir.display()
        );
        None
    }
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
