//! Behaviour of `codegen::diff`: one scenario per rule (each an edit of a small Belvo-shaped
//! document), the document/table consistency, and a Markdown snapshot.

mod support;

use codegen::diff::{self, rules, Report, Scope};
use serde_json::{json, Map, Value};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diff");

fn base() -> Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/base.yaml")).expect("base.yaml");
    yaml_serde::from_str(&text).expect("base.yaml is YAML")
}

fn report(old: &Value, new: &Value) -> Report {
    let parse = |v: &Value| -> openapiv3::OpenAPI {
        serde_json::from_value(v.clone()).expect("an OpenAPI 3.0 document")
    };
    diff::diff(&parse(old), &parse(new))
}

/// The message of the change that `rule` reported, after checking its breaking flag; fails
/// with the whole report when the rule did not fire.
fn expect(old: &Value, new: &Value, rule: &str, breaking: bool) -> String {
    let report = report(old, new);
    let found = report.changes().find(|(_, c)| c.rule.id == rule);
    let Some((_, change)) = found else {
        panic!(
            "rule `{rule}` did not fire; report:\n{}",
            report.to_markdown()
        );
    };
    assert_eq!(change.rule.breaking, breaking, "breaking flag of `{rule}`");
    for (_, change) in report.changes() {
        assert_located(old, new, change);
    }
    change.message.clone()
}

/// A change's pointers name the element itself in each document that has it, and the side
/// that lacks it says so: an addition is absent from the old document, a removal from the new
/// one (that side then points where the element would be, with an ancestor in the document).
fn assert_located(old: &Value, new: &Value, change: &diff::Change) {
    let (old_lines, new_lines) = (lines(old), lines(new));
    let id = change.rule.id;
    let check = |lines: &diff::YamlLines, state: &diff::State, side: &str| {
        if state.present {
            assert!(
                lines.has(&state.pointer),
                "`{id}` ({}): {side} pointer {:?} is not in the {side} document",
                change.message,
                state.pointer
            );
        } else {
            assert!(lines.line(&state.pointer).is_some(), "{id}: {state:?}");
        }
    };
    check(&old_lines, &change.old, "old");
    check(&new_lines, &change.new, "new");
    // A keyword of a schema both have (an enum as a whole, a pattern) is not an element.
    let keyword = ["-enum-added", "-enum-removed", "-pattern-removed"]
        .iter()
        .any(|k| id.ends_with(k));
    let only_in_new = !keyword && (id.ends_with("-added") || id.ends_with("-added-required"));
    let only_in_old = !keyword && id.ends_with("-removed") && !id.starts_with("response-error");
    if only_in_new && !id.contains("security") && !id.starts_with("response-body") {
        assert!(
            !change.old.present && change.new.present,
            "{id}: {change:?}"
        );
    }
    if only_in_old && !id.contains("security") && !id.starts_with("response-body") {
        assert!(
            change.old.present && !change.new.present,
            "{id}: {change:?}"
        );
    }
}

/// The lines of a document as the project's YAML writer would write it.
fn lines(doc: &Value) -> diff::YamlLines {
    diff::YamlLines::new(&codegen::to_yaml(doc))
}

fn op<'v>(doc: &'v mut Value, path: &str, method: &str) -> &'v mut Value {
    &mut doc["paths"][path][method]
}

fn schema<'v>(doc: &'v mut Value, name: &str) -> &'v mut Value {
    &mut doc["components"]["schemas"][name]
}

fn props<'v>(doc: &'v mut Value, name: &str) -> &'v mut Value {
    &mut schema(doc, name)["properties"]
}

fn obj(value: &mut Value) -> &mut Map<String, Value> {
    value.as_object_mut().expect("an object")
}

fn remove(value: &mut Value, key: &str) {
    obj(value).remove(key).expect("key present");
}

const LIST: &str = "/api/balances/";
const DETAIL: &str = "/api/balances/{id}/";

/// One `#[test]` per scenario: both documents start as `base.yaml`, the block edits them, and
/// the named rule must fire with the given breaking flag (and `message` must contain the
/// optional text). Also lists the rule ids covered, for `every_rule_has_a_scenario`.
macro_rules! scenarios {
    ($($test:ident: $rule:literal, $breaking:literal $(, $text:literal)?, |$old:ident, $new:ident| $edit:block)*) => {
        $(
            #[test]
            fn $test() {
                let (mut old_doc, mut new_doc) = (base(), base());
                {
                    let ($old, $new) = (&mut old_doc, &mut new_doc);
                    $edit
                }
                #[allow(unused_variables)]
                let message = expect(&old_doc, &new_doc, $rule, $breaking);
                $(assert!(message.contains($text), "message {message:?} lacks {:?}", $text);)?
            }
        )*
        const COVERED: &[&str] = &[$($rule),*];
    };
}

scenarios! {
    // Serialisation, enums as a whole, bounds, patterns, discriminators.
    request_parameter_style_changed: "request-parameter-style-changed", true, "from `form, explode: true` to `form, explode: false`", |_old, new| {
        op(new, LIST, "get")["parameters"][0]["explode"] = json!(false);
    }
    request_property_enum_added: "request-property-enum-added", true, "`account` became an enum", |_old, new| {
        props(new, "BalancesRequest")["account"]["enum"] = json!(["a", "b"]);
    }
    request_property_enum_removed: "request-property-enum-removed", true, |_old, new| {
        remove(&mut props(new, "BalancesRequest")["fetch_type"], "enum");
    }
    request_property_bound_tightened: "request-property-bound-tightened", true, "`maxLength` changed from (none) to `10`", |_old, new| {
        props(new, "BalancesRequest")["account"]["maxLength"] = json!(10);
    }
    request_property_bound_tightened_lower: "request-property-bound-tightened", true, "`minItems` changed from `1` to `2`", |old, new| {
        props(old, "BalancesRequest")["tags"] = json!({"type": "array", "items": {"type": "string"}, "minItems": 1});
        props(new, "BalancesRequest")["tags"] = json!({"type": "array", "items": {"type": "string"}, "minItems": 2});
    }
    request_property_bound_relaxed: "request-property-bound-relaxed", false, "`maxLength` changed from `10` to `20`", |old, new| {
        props(old, "BalancesRequest")["account"]["maxLength"] = json!(10);
        props(new, "BalancesRequest")["account"]["maxLength"] = json!(20);
    }
    request_parameter_bound_relaxed: "request-property-bound-relaxed", false, "query parameter `page` `minimum` changed from `1` to (none)", |old, _new| {
        op(old, LIST, "get")["parameters"][0]["schema"]["minimum"] = json!(1);
    }
    request_property_pattern_changed: "request-property-pattern-changed", true, |_old, new| {
        props(new, "BalancesRequest")["account"]["pattern"] = json!("^[a-z]+$");
    }
    request_property_pattern_removed: "request-property-pattern-removed", false, |old, _new| {
        props(old, "BalancesRequest")["account"]["pattern"] = json!("^[a-z]+$");
    }
    request_property_discriminator_changed: "request-property-discriminator-changed", true, |old, new| {
        props(old, "BalancesRequest")["source"]["discriminator"] = json!({"propertyName": "type"});
        props(new, "BalancesRequest")["source"]["discriminator"] = json!({"propertyName": "kind"});
    }
    response_property_enum_added: "response-property-enum-added", true, "`results[].value_date` became an enum", |_old, new| {
        props(new, "Balance")["value_date"]["enum"] = json!(["2024-01-01"]);
    }
    response_property_enum_removed: "response-property-enum-removed", true, |_old, new| {
        remove(&mut props(new, "Balance")["currency"], "enum");
    }
    response_property_bound_changed: "response-property-bound-changed", false, "`maximum` changed from (none) to `100`", |_old, new| {
        props(new, "Balance")["current_balance"]["maximum"] = json!(100);
    }
    response_property_pattern_changed: "response-property-pattern-changed", false, |_old, new| {
        props(new, "Balance")["value_date"]["pattern"] = json!("^2");
    }
    response_property_discriminator_changed: "response-property-discriminator-changed", true, |old, new| {
        schema(old, "Error")["discriminator"] = json!({"propertyName": "kind"});
        schema(new, "Error")["discriminator"] = json!({"propertyName": "code"});
    }

    // Operations.
    api_added: "api-added", false, |_old, new| {
        new["paths"]["/api/owners/"] = json!({"get": {"operationId": "ListOwners", "responses": {"200": {"description": "OK"}}}});
    }
    api_removed: "api-removed", true, |_old, new| {
        remove(&mut new["paths"], DETAIL);
    }
    api_operation_id_changed: "api-operation-id-changed", true, "from `ListBalances` to `BalancesList`", |_old, new| {
        op(new, LIST, "get")["operationId"] = json!("BalancesList");
    }
    api_deprecated: "api-deprecated", false, |_old, new| {
        op(new, LIST, "get")["deprecated"] = json!(true);
    }
    api_security_added: "api-security-added", true, "now requires `basicAuth`", |old, _new| {
        op(old, LIST, "get")["security"] = json!([]);
    }
    api_security_removed: "api-security-removed", false, |_old, new| {
        op(new, LIST, "get")["security"] = json!([{}]);
    }
    api_security_alternative_added: "api-security-alternative-added", false, "`apiKey`", |_old, new| {
        new["components"]["securitySchemes"]["apiKey"] = json!({"type": "apiKey", "in": "header", "name": "X-Key"});
        new["security"] = json!([{"basicAuth": []}, {"apiKey": []}]);
    }
    api_security_alternative_removed: "api-security-alternative-removed", true, "`apiKey`", |old, _new| {
        old["components"]["securitySchemes"]["apiKey"] = json!({"type": "apiKey", "in": "header", "name": "X-Key"});
        old["security"] = json!([{"basicAuth": []}, {"apiKey": []}]);
    }

    // Parameters.
    request_parameter_added_required: "request-parameter-added-required", true, "query parameter `date_from`", |_old, new| {
        op(new, LIST, "get")["parameters"].as_array_mut().unwrap()
            .push(json!({"name": "date_from", "in": "query", "required": true, "schema": {"type": "string"}}));
    }
    request_parameter_added: "request-parameter-added", false, |_old, new| {
        op(new, LIST, "get")["parameters"].as_array_mut().unwrap()
            .push(json!({"name": "omit", "in": "query", "schema": {"type": "string"}}));
    }
    request_parameter_removed: "request-parameter-removed", true, "query parameter `page` removed", |_old, new| {
        op(new, LIST, "get")["parameters"].as_array_mut().unwrap().remove(0);
    }
    request_parameter_became_required: "request-parameter-became-required", true, "`page`", |_old, new| {
        op(new, LIST, "get")["parameters"][0]["required"] = json!(true);
    }
    request_parameter_became_optional: "request-parameter-became-optional", false, "`link`", |_old, new| {
        op(new, LIST, "get")["parameters"][1]["required"] = json!(false);
    }
    request_parameter_location_changed: "request-parameter-location-changed", true, "from query to header", |_old, new| {
        op(new, LIST, "get")["parameters"][0]["in"] = json!("header");
    }
    request_parameter_type_changed: "request-parameter-type-changed", true, "from `integer` to `string`", |_old, new| {
        op(new, LIST, "get")["parameters"][0]["schema"] = json!({"type": "string"});
    }
    request_parameter_format_changed: "request-parameter-format-changed", true, "from `uuid` to (none)", |_old, new| {
        op(new, LIST, "get")["parameters"][1]["schema"] = json!({"type": "string"});
    }
    request_parameter_enum_value_removed: "request-parameter-enum-value-removed", true, "`inactive`", |_old, new| {
        op(new, LIST, "get")["parameters"][2]["schema"]["enum"] = json!(["active"]);
    }
    request_parameter_enum_value_added: "request-parameter-enum-value-added", false, "`closed`", |_old, new| {
        op(new, LIST, "get")["parameters"][2]["schema"]["enum"] = json!(["active", "inactive", "closed"]);
    }

    // Request bodies.
    request_body_added_required: "request-body-added-required", true, |_old, new| {
        op(new, DETAIL, "get")["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"type": "object"}}}});
    }
    request_body_added: "request-body-added", false, |_old, new| {
        op(new, DETAIL, "get")["requestBody"] = json!({"content": {"application/json": {"schema": {"type": "object"}}}});
    }
    request_body_removed: "request-body-removed", true, |_old, new| {
        remove(op(new, LIST, "post"), "requestBody");
    }
    request_body_became_required: "request-body-became-required", true, |old, _new| {
        op(old, LIST, "post")["requestBody"]["required"] = json!(false);
    }
    request_body_became_optional: "request-body-became-optional", false, |_old, new| {
        op(new, LIST, "post")["requestBody"]["required"] = json!(false);
    }
    request_body_media_type_changed: "request-body-media-type-changed", true, "`application/x-www-form-urlencoded`", |_old, new| {
        let content = &mut op(new, LIST, "post")["requestBody"]["content"];
        let json = obj(content).remove("application/json").unwrap();
        content["application/x-www-form-urlencoded"] = json;
    }

    // Request properties.
    request_property_added_required: "request-property-added-required", true, "request body property `token` added (required)", |_old, new| {
        props(new, "BalancesRequest")["token"] = json!({"type": "string"});
        schema(new, "BalancesRequest")["required"].as_array_mut().unwrap().push(json!("token"));
    }
    request_property_added: "request-property-added", false, "`token`", |_old, new| {
        props(new, "BalancesRequest")["token"] = json!({"type": "string"});
    }
    request_property_removed: "request-property-removed", true, "request body property `save_data` removed", |_old, new| {
        remove(props(new, "BalancesRequest"), "save_data");
    }
    request_property_became_required: "request-property-became-required", true, "`date_to`", |_old, new| {
        schema(new, "BalancesRequest")["required"] = json!(["link", "date_from", "date_to"]);
    }
    request_property_became_optional: "request-property-became-optional", false, "`date_from`", |_old, new| {
        schema(new, "BalancesRequest")["required"] = json!(["link"]);
    }
    request_property_type_changed: "request-property-type-changed", true, "`save_data` type changed from `boolean` to `string`", |_old, new| {
        props(new, "BalancesRequest")["save_data"] = json!({"type": "string"});
    }
    request_property_format_changed: "request-property-format-changed", true, "from `date` to `date-time`", |_old, new| {
        props(new, "BalancesRequest")["date_to"]["format"] = json!("date-time");
    }
    request_property_became_nullable: "request-property-became-nullable", false, "`date_to`", |_old, new| {
        props(new, "BalancesRequest")["date_to"]["nullable"] = json!(true);
    }
    request_property_became_not_nullable: "request-property-became-not-nullable", true, "`account`", |_old, new| {
        remove(&mut props(new, "BalancesRequest")["account"], "nullable");
    }
    request_property_enum_value_removed: "request-property-enum-value-removed", true, "`multiple`", |_old, new| {
        props(new, "BalancesRequest")["fetch_type"]["enum"] = json!(["single"]);
    }
    request_property_enum_value_added: "request-property-enum-value-added", false, "`all`", |_old, new| {
        props(new, "BalancesRequest")["fetch_type"]["enum"] = json!(["single", "multiple", "all"]);
    }
    request_property_variant_removed: "request-property-variant-removed", true, "`source` lost oneOf variant `#2`", |_old, new| {
        props(new, "BalancesRequest")["source"]["oneOf"].as_array_mut().unwrap().pop();
    }
    request_property_variant_added: "request-property-variant-added", false, "`#3`", |_old, new| {
        props(new, "BalancesRequest")["source"]["oneOf"].as_array_mut().unwrap().push(json!({"type": "boolean"}));
    }

    // Response statuses and bodies.
    response_success_status_added: "response-success-status-added", false, "`200`", |_old, new| {
        op(new, LIST, "post")["responses"]["200"] = json!({"$ref": "#/components/responses/BalanceList"});
    }
    response_success_status_added_new_type: "response-success-status-added-new-type", true, "`202`", |_old, new| {
        op(new, LIST, "post")["responses"]["202"] = json!({"description": "Accepted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenRequired"}}}});
    }
    response_success_status_removed: "response-success-status-removed", true, "success response `201` removed", |_old, new| {
        remove(&mut op(new, LIST, "post")["responses"], "201");
    }
    response_error_status_added: "response-error-status-added", false, "`404`", |_old, new| {
        op(new, LIST, "post")["responses"]["404"] = json!({"description": "Not found"});
    }
    response_error_status_removed: "response-error-status-removed", false, "`428`", |_old, new| {
        remove(&mut op(new, LIST, "post")["responses"], "428");
    }
    response_body_added: "response-body-added", false, "`401` response body added", |old, _new| {
        remove(&mut op(old, LIST, "get")["responses"]["401"], "content");
    }
    response_body_removed: "response-body-removed", true, "`401` response body removed", |_old, new| {
        remove(&mut op(new, LIST, "get")["responses"]["401"], "content");
    }
    response_media_type_changed: "response-media-type-changed", true, "`application/xml`", |_old, new| {
        let content = &mut op(new, DETAIL, "get")["responses"]["200"]["content"];
        let json = obj(content).remove("application/json").unwrap();
        content["application/xml"] = json;
    }

    // Response properties.
    response_property_added: "response-property-added", false, "`results[].bank`", |_old, new| {
        props(new, "Balance")["bank"] = json!({"type": "string"});
    }
    response_property_removed: "response-property-removed", true, "`200` response property `results[].value_date` removed", |_old, new| {
        remove(props(new, "Balance"), "value_date");
    }
    response_property_became_optional: "response-property-became-optional", true, "`results[].id`", |_old, new| {
        remove(schema(new, "Balance"), "required");
    }
    response_property_became_required: "response-property-became-required", false, "`count`", |_old, new| {
        schema(new, "BalancePage")["required"] = json!(["count"]);
    }
    response_property_type_changed: "response-property-type-changed", true, "`results[].current_balance` type changed from `number` to `string`", |_old, new| {
        props(new, "Balance")["current_balance"] = json!({"type": "string"});
    }
    response_property_format_changed: "response-property-format-changed", true, "`results[].value_date` format changed from `date` to `date-time`", |_old, new| {
        props(new, "Balance")["value_date"]["format"] = json!("date-time");
    }
    response_property_became_nullable: "response-property-became-nullable", true, "`count`", |_old, new| {
        props(new, "BalancePage")["count"]["nullable"] = json!(true);
    }
    response_property_became_not_nullable: "response-property-became-not-nullable", false, "`next`", |_old, new| {
        remove(&mut props(new, "BalancePage")["next"], "nullable");
    }
    response_property_enum_value_added: "response-property-enum-value-added", true, "`results[].account.category` gained enum value `CREDIT_CARD`", |_old, new| {
        props(new, "Account")["category"]["enum"] = json!(["CHECKING_ACCOUNT", "SAVINGS_ACCOUNT", "CREDIT_CARD"]);
    }
    response_property_enum_value_removed: "response-property-enum-value-removed", false, "`COP`", |_old, new| {
        props(new, "Balance")["currency"]["enum"] = json!(["BRL", "MXN"]);
    }
    response_property_variant_added: "response-property-variant-added", true, "`401` response gained oneOf variant `Detail`", |_old, new| {
        schema(new, "Detail").clone_from(&json!({"type": "object", "properties": {"detail": {"type": "string"}}}));
        schema(new, "Error")["oneOf"].as_array_mut().unwrap().push(json!({"$ref": "#/components/schemas/Detail"}));
    }
    response_property_variant_removed: "response-property-variant-removed", false, "`TokenRequired`", |_old, new| {
        schema(new, "Error")["oneOf"].as_array_mut().unwrap().pop();
    }

    // Document.
    server_added: "server-added", false, "`https://api.belvo.com`", |_old, new| {
        new["servers"].as_array_mut().unwrap().push(json!({"url": "https://api.belvo.com"}));
    }
    server_removed: "server-removed", false, |_old, new| {
        new["servers"] = json!([]);
    }
    security_scheme_added: "security-scheme-added", false, "`bearer`", |_old, new| {
        new["components"]["securitySchemes"]["bearer"] = json!({"type": "http", "scheme": "bearer"});
    }
    security_scheme_removed: "security-scheme-removed", true, "`basicAuth`", |_old, new| {
        remove(&mut new["components"]["securitySchemes"], "basicAuth");
    }
    security_scheme_changed: "security-scheme-changed", true, "from HTTP `basic` to HTTP `bearer`", |_old, new| {
        new["components"]["securitySchemes"]["basicAuth"]["scheme"] = json!("bearer");
    }
    component_schema_added: "component-schema-added", false, "`Owner`", |_old, new| {
        schema(new, "Owner").clone_from(&json!({"type": "object"}));
    }
    component_schema_removed: "component-schema-removed", true, "`TokenRequired`", |_old, new| {
        // Inline where it was used, so that only the component itself is gone.
        let token = schema(new, "TokenRequired").clone();
        remove(&mut new["components"]["schemas"], "TokenRequired");
        op(new, LIST, "post")["responses"]["428"]["content"]["application/json"]["schema"] = token.clone();
        schema(new, "Error")["oneOf"][1] = token;
    }
}

#[test]
fn every_rule_has_a_scenario() {
    // Rules whose scenario is a fixture pair of `tests/diff_rules.rs` are named there.
    let fixtures = include_str!("diff_rules.rs");
    let missing: Vec<&str> = rules::ALL
        .iter()
        .map(|rule| rule.id)
        .filter(|id| !COVERED.contains(id) && !fixtures.contains(&format!("\"{id}\"")))
        .collect();
    assert!(missing.is_empty(), "rules without a scenario: {missing:?}");
}

#[test]
fn rules_table_in_the_docs_matches_the_code() {
    let source = include_str!("../src/diff/mod.rs");
    let rows: Vec<(String, bool)> = source
        .lines()
        .filter_map(|line| line.strip_prefix("//! | `"))
        .filter_map(|row| {
            let (id, rest) = row.split_once("` | ")?;
            let breaking = match rest.split(" |").next()? {
                "yes" => true,
                "no" => false,
                other => panic!("breaking column of `{id}` is {other:?}"),
            };
            Some((id.to_owned(), breaking))
        })
        .collect();
    let code: Vec<(String, bool)> = rules::ALL
        .iter()
        .map(|rule| (rule.id.to_owned(), rule.breaking))
        .collect();
    assert_eq!(rows, code);
}

#[test]
fn identical_documents_have_no_changes() {
    let report = report(&base(), &base());
    assert!(report.is_empty());
    assert!(!report.has_breaking());
    assert_eq!(report.to_markdown(), "## API changes\n\nNo changes.\n");
}

#[test]
fn changes_are_grouped_by_operation_with_its_id() {
    let (old, mut new) = (base(), base());
    remove(props(&mut new, "Balance"), "value_date");
    let report = report(&old, &new);
    let scopes: Vec<String> = report
        .groups
        .iter()
        .map(|group| match &group.scope {
            Scope::Document => "document".to_owned(),
            Scope::Operation {
                path,
                method,
                operation_id,
            } => format!("{method} {path} {}", operation_id.as_deref().unwrap_or("-")),
        })
        .collect();
    // Balance is reached from three operations; sorted by path, then method.
    assert_eq!(
        scopes,
        [
            "GET /api/balances/ ListBalances",
            "POST /api/balances/ RetrieveBalances",
            "GET /api/balances/{id}/ DetailBalance",
        ]
    );
    let messages: Vec<&str> = report.changes().map(|(_, c)| c.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`200` response property `results[].value_date` removed",
            "`201` response property `[].value_date` removed",
            "`200` response property `value_date` removed",
        ]
    );
}

#[test]
fn a_change_in_a_recursive_schema_is_reported_once_per_path() {
    let (old, mut new) = (base(), base());
    props(&mut new, "Account")["id"] = json!({"type": "string"});
    let report = report(&old, &new);
    let messages: Vec<&str> = report
        .changes()
        .filter(|(scope, _)| matches!(scope, Scope::Operation { method, path, .. } if method == "GET" && path == DETAIL))
        .map(|(_, c)| c.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["`200` response property `account.id` format changed from `uuid` to (none)"]
    );
}

#[test]
fn renaming_a_path_parameter_keeps_the_operation() {
    let (old, mut new) = (base(), base());
    let item = obj(&mut new["paths"]).remove(DETAIL).unwrap();
    new["paths"]["/api/balances/{balance_id}/"] = item;
    new["paths"]["/api/balances/{balance_id}/"]["parameters"][0]["name"] = json!("balance_id");
    let report = report(&old, &new);
    let ids: Vec<&str> = report.changes().map(|(_, c)| c.rule.id).collect();
    assert_eq!(
        ids,
        [
            "request-parameter-added-required",
            "request-parameter-removed"
        ]
    );
}

#[test]
fn parameters_are_compared_through_refs() {
    let (old, mut new) = (base(), base());
    new["components"]["parameters"]["PageSize"]["schema"] = json!({"type": "string"});
    let message = expect(&old, &new, "request-parameter-type-changed", true);
    assert_eq!(
        message,
        "query parameter `page_size` type changed from `integer` to `string`"
    );
}

#[test]
fn map_values_and_all_of_are_compared() {
    let (old, mut new) = (base(), base());
    props(&mut new, "Balance")["metadata"]["additionalProperties"] = json!({"type": "integer"});
    let message = expect(&old, &new, "response-property-type-changed", true);
    assert!(message.contains("`results[].metadata{}`"), "{message}");

    // `allOf` parts are folded into one object: a property moved into a part is no change.
    let (old, mut new) = (base(), base());
    let token = schema(&mut new, "TokenRequired").clone();
    schema(&mut new, "TokenBase").clone_from(&token);
    schema(&mut new, "TokenRequired").clone_from(&json!({
        "allOf": [{"$ref": "#/components/schemas/TokenBase"}],
    }));
    let report = report(&old, &new);
    let ids: Vec<&str> = report.changes().map(|(_, c)| c.rule.id).collect();
    assert_eq!(ids, ["component-schema-added"]);
}

#[test]
fn document_security_change_is_reported_once() {
    let (old, mut new) = (base(), base());
    new["security"] = json!([]);
    let report = report(&old, &new);
    let found: Vec<(bool, &str)> = report
        .changes()
        .map(|(scope, c)| (matches!(scope, Scope::Document), c.rule.id))
        .collect();
    assert_eq!(found, [(true, "api-security-removed")]);
}

#[test]
fn unresolvable_refs_do_not_panic() {
    let (mut old, mut new) = (base(), base());
    props(&mut old, "Balance")["account"] = json!({"$ref": "#/components/schemas/Nowhere"});
    props(&mut new, "Balance")["account"] = json!({"$ref": "other.yaml#/Account"});
    op(&mut new, LIST, "get")["parameters"][3] = json!({"$ref": "#/components/parameters/Gone"});
    let message = expect(&old, &new, "response-property-type-changed", true);
    assert!(
        message.contains("unresolved other.yaml#/Account"),
        "{message}"
    );
}

#[test]
fn markdown_snapshot() {
    let read = |name: &str| std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect(name);
    let old: Value = yaml_serde::from_str(&read("base.yaml")).unwrap();
    let new: Value = yaml_serde::from_str(&read("snapshot.new.yaml")).unwrap();
    let report = report(&old, &new);
    assert!(report.has_breaking());
    let expected = std::path::Path::new(FIXTURES).join("snapshot.expected.md");
    support::snapshot::assert_snapshot(&expected, &report.to_markdown());
}

/// The same report as JSON and as GitHub annotations, on the specs as the project writes them.
#[test]
fn json_and_github_snapshots() {
    let read = |name: &str| std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect(name);
    let old: Value = yaml_serde::from_str(&read("base.yaml")).unwrap();
    let new: Value = yaml_serde::from_str(&read("snapshot.new.yaml")).unwrap();
    let report = report(&old, &new);
    let dir = std::path::Path::new(FIXTURES);
    let json = serde_json::to_string_pretty(&report.to_json()).unwrap() + "\n";
    support::snapshot::assert_snapshot(&dir.join("snapshot.expected.json"), &json);
    let github = report.to_github("spec/openapi.yaml", &lines(&old), &lines(&new));
    support::snapshot::assert_snapshot(&dir.join("snapshot.expected.github"), &github);

    // Every change is one annotation; breaking ones are errors, at a line of the new text.
    let new_text = codegen::to_yaml(&new);
    assert_eq!(github.lines().count(), report.changes().count());
    for (line, (_, change)) in github.lines().zip(report.changes()) {
        let level = if change.rule.breaking {
            "::error "
        } else {
            "::notice "
        };
        assert!(line.starts_with(level), "{line}");
        let number: usize = line
            .split("line=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(number >= 1 && number <= new_text.lines().count(), "{line}");
    }
    let parsed = &report.to_json()["changes"];
    assert_eq!(parsed.as_array().unwrap().len(), report.changes().count());
}

/// Annotations land on the changed element's own line in the new text; a removed one on its
/// parent there, naming its line in the old text.
#[test]
fn github_annotations_point_at_the_element() {
    let old = base();
    let mut new = base();
    props(&mut new, "Balance")["value_hour"] = json!({"type": "string"});
    remove(props(&mut new, "Balance"), "current_balance");
    let report = report(&old, &new);
    let (old_text, new_text) = (codegen::to_yaml(&old), codegen::to_yaml(&new));
    let github = report.to_github(
        "spec/openapi.yaml",
        &diff::YamlLines::new(&old_text),
        &diff::YamlLines::new(&new_text),
    );
    let line_of = |text: &str, needle: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(needle))
            .unwrap()
            + 1
    };
    let added = github
        .lines()
        .find(|l| l.contains("value_hour"))
        .expect(&github);
    assert!(
        added.contains(&format!(",line={},", line_of(&new_text, "value_hour:"))),
        "{added}"
    );
    let removed = github
        .lines()
        .find(|l| l.contains("current_balance"))
        .expect(&github);
    let balance = new_text.lines().position(|l| l == "    Balance:").unwrap() + 1;
    let properties = balance
        + new_text
            .lines()
            .skip(balance)
            .position(|l| l.trim() == "properties:")
            .unwrap()
        + 1;
    assert!(
        removed.contains(&format!(",line={properties},")),
        "{removed}\n{new_text}"
    );
    let old_line = line_of(&old_text, "current_balance:");
    assert!(
        removed.contains(&format!("(line {old_line} of the base spec)")),
        "{removed}"
    );
}

#[test]
fn parse_reads_yaml_and_json_and_rejects_other_versions() {
    let yaml = std::fs::read_to_string(format!("{FIXTURES}/base.yaml")).unwrap();
    let doc = diff::parse(&yaml).expect("YAML");
    assert_eq!(doc.paths.paths.len(), 2);
    let json = serde_json::to_string(&base()).unwrap();
    assert!(diff::parse(&json).is_ok());

    let v31 = yaml.replace("openapi: 3.0.3", "openapi: 3.1.0");
    let err = diff::parse(&v31).unwrap_err();
    assert!(matches!(err, diff::ParseError::Version(_)), "{err}");

    let err = diff::parse("openapi: 3.0.3\ninfo: [\n").unwrap_err();
    assert!(err.to_string().contains("line"), "{err}");
}

#[test]
fn diamond_shaped_refs_finish_quickly() {
    // S0 has two properties pointing at S1, which has two pointing at S2, …: 2^40 paths, and
    // the same with `allOf`. The walk must give up long before, without failing.
    let mut doc = base();
    for i in 0..40 {
        let next = json!({"$ref": format!("#/components/schemas/S{}", i + 1)});
        schema(&mut doc, &format!("S{i}")).clone_from(&json!({
            "type": "object",
            "properties": {"a": next.clone(), "b": next.clone()},
            "allOf": [next.clone(), next],
        }));
    }
    schema(&mut doc, "S40").clone_from(&json!({"type": "string"}));
    props(&mut doc, "Balance")["deep"] = json!({"$ref": "#/components/schemas/S0"});
    let mut new = doc.clone();
    schema(&mut new, "S40").clone_from(&json!({"type": "integer"}));
    let started = std::time::Instant::now();
    let _ = report(&doc, &new);
    // The walk gives up after a bounded number of steps; it takes milliseconds, so ten
    // seconds tells a bounded walk from an exponential one even on a loaded machine.
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

/// Every node of the committed spec (as the project's writer wrote it) has its line, and the
/// line starts with its key or its `- `.
#[test]
fn yaml_lines_find_every_node_of_the_committed_spec() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("spec/openapi.yaml");
    let doc: Value = yaml_serde::from_str(&text).expect("YAML");
    let lines = diff::YamlLines::new(&text);
    let numbered: Vec<&str> = text.lines().collect();
    let mut stack = vec![(String::new(), &doc)];
    let mut checked = 0;
    while let Some((pointer, value)) = stack.pop() {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => continue,
        };
        for (key, child) in children {
            let escaped = key.replace('~', "~0").replace('/', "~1");
            let child_pointer = format!("{pointer}/{escaped}");
            assert!(lines.has(&child_pointer), "{child_pointer} not found");
            let line = numbered[lines.line(&child_pointer).unwrap() - 1].trim_start();
            let after_dashes = line.trim_start_matches(['-', ' ']);
            let line = if value.is_array() { line } else { after_dashes };
            let starts = value.is_array() && line.starts_with('-')
                || line.starts_with(&key)
                || line.starts_with(&format!("'{key}'"));
            assert!(starts, "{child_pointer}: line {line:?}");
            checked += 1;
            stack.push((child_pointer, child));
        }
    }
    assert!(checked > 10_000, "only {checked} nodes");
}
