//! The rule fixtures of the Rust impact: for each rule kind that changes the generated client,
//! an edit of the base document (tests/fixtures/diff/base.yaml) into an old and a new one, and
//! the Rust lines the change must carry. Shared by `tests/rust_impact.rs` and by
//! `cargo xtask semver-judge` (included there by path), which has cargo-semver-checks judge
//! the same pairs; so this file uses nothing but serde_json and yaml_serde.

use serde_json::{json, Value};

/// The document every case edits (`include_str!` is relative to this file, so the path holds
/// from either crate).
const BASE: &str = include_str!("../fixtures/diff/base.yaml");
const LIST: &str = "/api/balances/";
const DETAIL: &str = "/api/balances/{id}/";

/// The base document.
pub fn base() -> Value {
    yaml_serde::from_str(BASE).expect("base.yaml is YAML")
}

/// The (old, new) documents of a case.
pub fn documents(edit: Edit) -> (Value, Value) {
    let (mut old, mut new) = (base(), base());
    edit(&mut old, &mut new);
    (old, new)
}

fn params(doc: &mut Value) -> &mut Vec<Value> {
    doc["paths"][LIST]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
}

pub fn props<'v>(doc: &'v mut Value, schema: &str) -> &'v mut Value {
    &mut doc["components"]["schemas"][schema]["properties"]
}

/// An edit of the (old, new) documents.
pub type Edit = fn(&mut Value, &mut Value);

/// (rule, edit of (old, new), Rust lines the change must carry).
pub const CASES: &[(&str, Edit, &[&str])] = &[
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
