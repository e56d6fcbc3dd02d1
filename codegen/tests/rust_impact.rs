//! The Rust impact of spec changes: for every rule kind that changes the generated client,
//! both clients are generated from the two documents, compared with syn, and the change must
//! name the Rust item it adds, removes or retypes.

use codegen::client::{generate, ClientOptions};
use codegen::diff::{self, Report};
use serde_json::{json, Value};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diff");
const LIST: &str = "/api/balances/";
const DETAIL: &str = "/api/balances/{id}/";

fn base() -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/base.yaml")).expect("base.yaml");
    yaml_serde::from_str(&text).expect("base.yaml is YAML")
}

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

fn params(doc: &mut Value) -> &mut Vec<Value> {
    doc["paths"][LIST]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
}

fn props<'v>(doc: &'v mut Value, schema: &str) -> &'v mut Value {
    &mut doc["components"]["schemas"][schema]["properties"]
}

type Edit = fn(&mut Value, &mut Value);

/// (rule, edit of (old, new), Rust lines the change must carry).
const CASES: &[(&str, Edit, &[&str])] = &[
    ("api-removed", |_, n| {
        n["paths"].as_object_mut().unwrap().remove(DETAIL);
    }, &["`Client::detail_balance()` removed", "`builder::DetailBalance` removed with its 2 members"]),
    ("api-added", |_, n| {
        n["paths"]["/api/owners/"] = json!({"get": {"operationId": "ListOwners", "responses": {"204": {"description": "none"}}}});
    }, &["`Client::list_owners()` added"]),
    ("api-operation-id-changed", |_, n| {
        n["paths"][LIST]["get"]["operationId"] = json!("BalancesList");
    }, &["`Client::list_balances()` removed", "`Client::balances_list()` added"]),
    ("request-parameter-added", |_, n| {
        params(n).push(json!({"name": "omit", "in": "query", "schema": {"type": "string"}}));
    }, &["`builder::ListBalances::omit(..)` added"]),
    ("request-parameter-removed", |_, n| {
        params(n).remove(2);
    }, &["`builder::ListBalances::status(..)` removed"]),
    ("request-parameter-type-changed", |_, n| {
        params(n)[0]["schema"] = json!({"type": "string"});
    }, &["`builder::ListBalances::page(..)` changes type from `i64` to `String`"]),
    ("request-parameter-format-changed", |_, n| {
        params(n)[1]["schema"] = json!({"type": "string"});
    }, &["`builder::ListBalances::link(..)` changes type from `uuid::Uuid` to `String`"]),
    ("request-property-added", |_, n| {
        props(n, "BalancesRequest")["token"] = json!({"type": "string"});
    }, &["`types::BalancesRequest::token` added"]),
    ("request-property-removed", |_, n| {
        props(n, "BalancesRequest").as_object_mut().unwrap().remove("save_data");
    }, &["`types::BalancesRequest::save_data` removed"]),
    ("request-property-type-changed", |_, n| {
        props(n, "BalancesRequest")["save_data"] = json!({"type": "string"});
    }, &["`types::BalancesRequest::save_data` changes type from `Option<bool>` to `Option<String>`"]),
    ("request-property-became-required", |_, n| {
        n["components"]["schemas"]["BalancesRequest"]["required"] = json!(["link", "date_from", "date_to"]);
    }, &["`types::BalancesRequest::date_to` changes type from `Option<chrono::naive::NaiveDate>` to `chrono::naive::NaiveDate`"]),
    ("request-property-enum-value-removed", |_, n| {
        props(n, "BalancesRequest")["fetch_type"]["enum"] = json!(["single"]);
    }, &["`types::BalancesRequestFetchType::Multiple` removed"]),
    ("request-property-variant-removed", |_, n| {
        props(n, "BalancesRequest")["source"]["oneOf"] = json!([{"type": "string"}]);
    }, &["`types::BalancesRequestSource::Integer` removed"]),
    ("response-property-removed", |_, n| {
        props(n, "Balance").as_object_mut().unwrap().remove("current_balance");
    }, &["`types::Balance::current_balance` removed"]),
    ("response-property-added", |_, n| {
        props(n, "Balance")["value_hour"] = json!({"type": "string"});
    }, &["`types::Balance::value_hour` added"]),
    ("response-property-type-changed", |_, n| {
        props(n, "Balance")["current_balance"] = json!({"type": "string"});
    }, &["`types::Balance::current_balance` changes type from `Option<f64>` to `Option<String>`"]),
    ("response-property-format-changed", |_, n| {
        props(n, "Balance")["value_date"]["format"] = json!("date-time");
    }, &["`types::Balance::value_date` changes type from `Option<chrono::naive::NaiveDate>` to `Option<chrono::DateTime<chrono::offset::Utc>>`"]),
    ("response-property-enum-value-added", |_, n| {
        props(n, "Balance")["currency"]["enum"] = json!(["BRL", "COP", "MXN", "ARS"]);
    }, &["`types::BalanceCurrency::Ars` added"]),
    ("response-property-became-nullable", |_, n| {
        props(n, "Balance")["id"]["nullable"] = json!(true);
    }, &["`types::Balance::id` changes type from `uuid::Uuid` to `Option<uuid::Uuid>`"]),
    ("component-schema-removed", |o, _| {
        o["components"]["schemas"]["Owner"] = json!({"type": "object", "properties": {"id": {"type": "string"}}});
    }, &["`types::Owner` removed"]),
    ("component-schema-added", |_, n| {
        n["components"]["schemas"]["Owner"] = json!({"type": "object", "properties": {"id": {"type": "string"}}});
    }, &["`types::Owner` added with its 1 member"]),
    ("request-property-enum-added", |_, n| {
        props(n, "BalancesRequest")["account"]["enum"] = json!(["a", "b"]);
    }, &["`types::BalancesRequest::account` changes type from `Option<String>` to `Option<BalancesRequestAccount>`", "`types::BalancesRequestAccount` added"]),
    ("response-property-enum-removed", |_, n| {
        props(n, "Balance")["currency"].as_object_mut().unwrap().remove("enum");
    }, &["`types::BalanceCurrency` removed", "`types::Balance::currency` changes type from `Option<BalanceCurrency>` to `Option<String>`"]),
    ("request-body-removed", |_, n| {
        n["paths"][LIST]["post"].as_object_mut().unwrap().remove("requestBody");
    }, &["`builder::RetrieveBalances::body(..)` removed"]),
];

#[test]
fn every_rule_that_changes_the_client_names_the_rust_item() {
    let mut failures = Vec::new();
    for (rule, edit, expected) in CASES {
        let (mut old, mut new) = (base(), base());
        edit(&mut old, &mut new);
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
