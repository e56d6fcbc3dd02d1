//! The Rust impact of spec changes: for every rule kind that changes the generated client,
//! both clients are generated from the two documents, compared with syn, and the change must
//! name the Rust item it adds, removes or retypes.

use codegen::client::{generate, ClientOptions};
use codegen::diff::{self, Report};
use serde_json::Value;

#[path = "support/rust_cases.rs"]
mod rust_cases;

use rust_cases::{base, documents, props, CASES};

fn client(doc: &Value) -> String {
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).expect("OpenAPI 3.0");
    generate(&spec, &ClientOptions::default())
        .expect("the client generates")
        .code
}

/// The report from `old` to `new`, with the Rust differences of their clients attached.
fn report(old: &Value, new: &Value) -> Report {
    let parse = |v: &Value| -> openapiv3::OpenAPI { serde_json::from_value(v.clone()).unwrap() };
    let mut report = diff::diff(&parse(old), &parse(new));
    let rust = diff::compare_clients(&client(old), &client(new)).expect("both parse");
    report.attach_rust(rust);
    report
}

#[test]
fn every_rule_that_changes_the_client_names_the_rust_item() {
    let mut failures = Vec::new();
    for (rule, edit, expected) in CASES {
        let (old, new) = documents(*edit);
        let report = report(&old, &new);
        let Some((_, change)) = report.changes().find(|(_, c)| c.rule.id == *rule) else {
            failures.push(format!("{rule}: did not fire\n{}", report.to_markdown()));
            continue;
        };
        let rust: Vec<String> = change.rust.iter().map(|r| r.describe()).collect();
        for line in *expected {
            if !rust.iter().any(|r| r.starts_with(line)) {
                failures.push(format!("{rule}: lacks {line:?}; has {rust:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Identical documents give identical clients: no Rust difference at all.
#[test]
fn the_same_spec_changes_nothing_in_rust() {
    let code = client(&base());
    assert!(diff::compare_clients(&code, &code).unwrap().is_empty());
}

/// The Markdown shows each change's Rust lines under it, and the JSON carries them.
#[test]
fn rust_impact_is_rendered() {
    let (old, mut new) = (base(), base());
    props(&mut new, "Balance")
        .as_object_mut()
        .unwrap()
        .remove("current_balance");
    let report = report(&old, &new);
    let markdown = report.to_markdown();
    assert!(
        markdown.contains("removed\n  - Rust: `types::Balance::current_balance` removed"),
        "{markdown}"
    );
    let json = report.to_json();
    let change = &json["changes"][0];
    assert_eq!(change["rust"][0]["item"], "types::Balance::current_balance");
    assert_eq!(change["rust"][0]["old"], "Option<f64>");
    assert!(change["rust"][0]["new"].is_null());
}
