//! Rule fixtures of `codegen::diff`: each a pair of small specs in
//! `tests/fixtures/diff_rules/CASE/` (`base.yaml`, `revision.yaml`), the rules that must fire,
//! the verdict on the whole pair (breaking or not), and the report with the Rust impact of the
//! two generated clients (`expected.md`, a snapshot: `UPDATE_EXPECT=1` rewrites it).
//!
//! The cases are the ones where comparing the documents' text would mislead: media types that
//! are one JSON body to the client, patterns that only allow more, bodies the client reads as
//! bytes, constraints the server ignores, security changes no caller can notice, an array
//! whose element type changes without its `type` changing, a JSON body gaining or losing its
//! schema, and a schema that moves into or between `components` unchanged while its Rust type
//! is renamed.

mod support;

use std::path::Path;

use codegen::client::{generate, ClientOptions};
use codegen::diff::{self, Report};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diff_rules");

/// (case, rules that must fire, whether the pair is breaking).
const CASES: &[(&str, &[&str], bool)] = &[
    ("json_media_types_by_meaning", &[], false),
    (
        "pattern_relaxed",
        &["request-property-pattern-relaxed"],
        false,
    ),
    (
        "pattern_removed",
        &[
            "request-property-pattern-removed",
            "request-property-pattern-relaxed",
        ],
        false,
    ),
    (
        "pattern_tightened",
        &["request-property-pattern-changed"],
        true,
    ),
    ("xml_only_bodies", &[], false),
    (
        "read_only_request_bounds",
        &["request-property-read-only-constraint-changed"],
        false,
    ),
    (
        "security_scope_removed",
        &["api-security-scope-removed"],
        false,
    ),
    ("security_scope_added", &["api-security-scope-added"], true),
    (
        "security_scheme_unused_removed",
        &["security-scheme-removed-unused"],
        false,
    ),
    ("security_authorization_url_changed", &[], false),
    (
        "discriminator_added",
        &[
            "request-property-discriminator-added-or-removed",
            "response-property-discriminator-added-or-removed",
        ],
        false,
    ),
    (
        "array_items_removed",
        &["response-property-type-changed"],
        true,
    ),
    (
        "array_items_added",
        &["request-property-type-changed"],
        true,
    ),
    (
        "json_body_schema_added",
        &[
            "request-property-type-changed",
            "response-property-type-changed",
        ],
        true,
    ),
    (
        "schema_moved_to_component",
        &[
            "request-property-type-changed",
            "response-property-type-changed",
        ],
        true,
    ),
];

fn read(case: &str, file: &str) -> (openapiv3::OpenAPI, String) {
    let path = format!("{FIXTURES}/{case}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc = diff::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let code = generate(&doc, &ClientOptions::default())
        .unwrap_or_else(|e| panic!("{path}: the client generates: {e}"))
        .code;
    (doc, code)
}

fn report(case: &str) -> Report {
    let (old, old_code) = read(case, "base.yaml");
    let (new, new_code) = read(case, "revision.yaml");
    let mut report = diff::diff(&old, &new);
    report.attach_rust(diff::compare_clients(&old_code, &new_code).expect("both parse"));
    report
}

#[test]
fn each_rule_fixture_gives_its_verdict_and_rust_impact() {
    let mut failures = Vec::new();
    for (case, rules, breaking) in CASES {
        let report = report(case);
        let markdown = report.to_markdown();
        for rule in *rules {
            if !report.changes().any(|(_, c)| c.rule.id == *rule) {
                failures.push(format!("{case}: `{rule}` did not fire\n{markdown}"));
            }
        }
        if report.has_breaking() != *breaking {
            failures.push(format!("{case}: breaking should be {breaking}\n{markdown}"));
        }
        let path = format!("{FIXTURES}/{case}/expected.md");
        support::snapshot::assert_snapshot(Path::new(&path), &markdown);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every fixture directory is in the table, so none is left unchecked.
#[test]
fn every_fixture_is_listed() {
    let mut dirs: Vec<String> = std::fs::read_dir(FIXTURES)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(c, _, _)| (*c).to_owned()).collect();
    listed.sort();
    assert_eq!(dirs, listed);
}
