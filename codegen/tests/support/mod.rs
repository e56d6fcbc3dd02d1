//! Shared test helpers: finding `../shared`, and invariants every converted spec must keep.

#![allow(dead_code)]

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
