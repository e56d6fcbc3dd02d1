//! The contract a collection states in words reaches the spec: `(Required)`/`(Optional)`,
//! disabled entries, value lists, form field descriptions, Markdown field tables, path
//! variables; a statement the examples contradict is warned about (W014), and nothing is
//! required without a statement.

#[path = "support/mod.rs"]
mod support;

use codegen::Code;
use serde_json::{json, Value};

fn convert(items: Vec<Value>) -> codegen::Conversion {
    let collection = json!({
        "info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items,
    });
    codegen::convert(&collection.to_string()).expect("converts")
}

/// A request item: `url` holds the query and path variables, `extra` any other request keys.
fn item(name: &str, method: &str, url: Value, extra: Value) -> Value {
    let mut request = json!({"method": method, "url": url});
    for (k, v) in extra.as_object().into_iter().flatten() {
        request[k] = v.clone();
    }
    json!({"name": name, "request": request, "response": []})
}

fn json_body(value: Value) -> Value {
    json!({"mode": "raw", "raw": value.to_string(), "options": {"raw": {"language": "json"}}})
}

fn saved(code: u16, body: Value) -> Value {
    json!({"name": "r", "code": code, "body": body.to_string(),
        "header": [{"key": "Content-Type", "value": "application/json"}]})
}

fn url(path: &[&str], query: Value, variables: Value) -> Value {
    json!({"raw": "x", "host": ["{{baseUrl}}"], "path": path, "query": query, "variable": variables})
}

fn parameter<'d>(doc: &'d Value, path: &str, method: &str, name: &str) -> &'d Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

fn schema<'d>(doc: &'d Value, name: &str) -> &'d Value {
    &doc["components"]["schemas"][name]
}

fn codes(conversion: &codegen::Conversion) -> Vec<Code> {
    conversion.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn markers_disabled_entries_and_value_lists_make_parameters_required_optional_or_closed() {
    let query = json!([
        {"key": "link", "value": "<uuid>", "description": "(Required) The link to read."},
        {"key": "page", "value": "2", "description": "(Optional) Page to return."},
        {"key": "size", "value": "10", "disabled": true, "description": "Items per page."},
        {"key": "order", "value": "asc", "description": "Sort order. One of: asc, desc"},
        {"key": "plain", "value": "x", "description": "Neither required nor optional."},
    ]);
    let variables = json!([{"key": "id", "value": "7", "description": "(Required) The id."}]);
    let conversion = convert(vec![item(
        "List things",
        "GET",
        url(&["things", ":id"], query, variables),
        json!({}),
    )]);
    let doc = &conversion.document;
    let p = |name| parameter(doc, "/things/{id}", "get", name);
    assert_eq!(p("link")["required"], json!(true));
    assert_eq!(p("link")["description"], json!("The link to read."));
    assert_eq!(p("page")["required"], json!(false));
    assert_eq!(p("size")["required"], json!(false));
    assert_eq!(p("order")["schema"]["enum"], json!(["asc", "desc"]));
    assert_eq!(
        p("plain")["required"],
        json!(false),
        "no evidence, no required"
    );
    assert_eq!(p("id")["required"], json!(true));
    assert_eq!(p("id")["description"], json!("The id."));
    assert!(codes(&conversion).is_empty(), "{:?}", conversion.warnings);
}

#[test]
fn a_required_disabled_parameter_or_a_value_outside_its_list_is_warned_and_left_open() {
    let query = json!([
        {"key": "a", "value": "1", "disabled": true, "description": "(Required) A."},
        {"key": "b", "value": "c", "description": "B. (This can only be one of x,y)"},
    ]);
    let conversion = convert(vec![item(
        "List",
        "GET",
        url(&["things"], query, json!([])),
        json!({}),
    )]);
    let doc = &conversion.document;
    assert_eq!(
        parameter(doc, "/things", "get", "a")["required"],
        json!(false)
    );
    assert!(parameter(doc, "/things", "get", "b")["schema"]
        .get("enum")
        .is_none());
    assert_eq!(
        codes(&conversion),
        [
            Code::ContractContradictsExample,
            Code::ContractContradictsExample
        ]
    );
}

#[test]
fn form_fields_state_their_own_contract() {
    let body = json!({"mode": "urlencoded", "urlencoded": [
        {"key": "amount", "value": "100", "description": "(Required) Amount in cents."},
        {"key": "currency", "value": "usd", "description": "(Required) Currency. Possible values: usd, eur"},
        {"key": "memo", "value": "", "disabled": true, "description": "(Optional) A note."},
    ]});
    let conversion = convert(vec![item(
        "Create a charge",
        "POST",
        url(&["charges"], json!([]), json!([])),
        json!({"body": body}),
    )]);
    let body = schema(&conversion.document, "CreateAChargeBody");
    assert_eq!(body["required"], json!(["amount", "currency"]));
    assert_eq!(
        body["properties"]["currency"]["enum"],
        json!(["usd", "eur"])
    );
    assert_eq!(
        body["properties"]["amount"]["description"],
        json!("Amount in cents.")
    );
    assert_eq!(body["properties"]["memo"]["description"], json!("A note."));
}

const TABLES: &str = "Retrieve data for a link.

### Request body

| Field | Type | Required | Description |
|---|---|---|---|
| `link` | string (uuid) | Yes | The link to read. |
| `date_from` | string (date) | Yes | First day. |
| `options.kind` | string | No | What to read. Allowed values: `full`, `short`. |
| `items[].amount` | number | yes | Amount of one item. |

### Response 200

| Field | Type | Description |
|---|---|---|
| `id` | string | The record's id. |
| `owner` | object | Who holds it. |
| `owner.name` | string | The holder's name. |";

#[test]
fn markdown_tables_state_the_body_and_document_the_response() {
    let body = json!({"link": "<uuid>", "date_from": "2024-01-01", "options": {"kind": "full"},
        "items": [{"amount": 1.5}], "note": "x"});
    let mut request = item(
        "Retrieve data",
        "POST",
        url(&["data"], json!([]), json!([])),
        json!({"description": TABLES, "body": json_body(body)}),
    );
    request["response"] = json!([saved(200, json!({"id": "a1", "owner": {"name": "Ana"}}))]);
    let conversion = convert(vec![request]);
    let doc = &conversion.document;
    let body = schema(doc, "RetrieveDataBody");
    assert_eq!(body["required"], json!(["link", "date_from"]));
    assert_eq!(body["properties"]["link"]["format"], json!("uuid"));
    assert_eq!(body["properties"]["date_from"]["format"], json!("date"));
    assert!(
        body["properties"]["note"].get("description").is_none(),
        "undocumented fields stay so"
    );
    let options = schema(doc, "Options");
    assert_eq!(
        options["properties"]["kind"]["enum"],
        json!(["full", "short"])
    );
    assert!(options.get("required").is_none());
    let item = schema(doc, "Item");
    assert_eq!(item["required"], json!(["amount"]));

    // The response's fields are described, never required or closed.
    let data = schema(doc, "Data");
    assert_eq!(
        data["properties"]["id"]["description"],
        json!("The record's id.")
    );
    assert!(data.get("required").is_none());
    assert_eq!(
        data["properties"]["owner"]["description"],
        json!("Who holds it."),
        "a reference is described beside it, in an allOf"
    );
    assert!(data["properties"]["owner"]["allOf"][0]["$ref"].is_string());
    assert_eq!(
        schema(doc, "Owner")["properties"]["name"]["description"],
        json!("The holder's name.")
    );
    assert!(codes(&conversion).is_empty(), "{:?}", conversion.warnings);
}

#[test]
fn a_table_the_example_contradicts_is_warned_about() {
    let description = "| Field | Required | Description |\n|---|---|---|\n\
        | `kind` | Yes | Kind. One of: a, b |\n| `missing` | Yes | Not in the example. |";
    let conversion = convert(vec![item(
        "Create",
        "POST",
        url(&["things"], json!([]), json!([])),
        json!({"description": description, "body": json_body(json!({"kind": "c"}))}),
    )]);
    let body = schema(&conversion.document, "CreateBody");
    assert!(
        body["properties"]["kind"].get("enum").is_none(),
        "the example's own value stays expressible"
    );
    assert_eq!(
        codes(&conversion),
        [
            Code::ContractContradictsExample,
            Code::ContractContradictsExample
        ]
    );
}

/// Requests of one operation that state the same required fields share one body; requests
/// that state different ones are alternatives, each requiring its own, and the operation takes
/// the title they share.
#[test]
fn requests_of_one_operation_share_a_body_or_are_its_alternatives() {
    let request = |name: &str, required: &str| {
        let table = format!("| Field | Required |\n|-|-|\n| `a` | Yes |\n| `b` | {required} |");
        item(
            name,
            "POST",
            url(&["things"], json!([]), json!([])),
            json!({"description": table, "body": json_body(json!({"a": "x", "b": "y"}))}),
        )
    };
    let same = convert(vec![
        request("Create", "Yes"),
        request("Create (again)", "Yes"),
    ]);
    assert_eq!(
        schema(&same.document, "CreateBody")["required"],
        json!(["a", "b"])
    );

    let apart = convert(vec![
        request("Create (monthly)", "Yes"),
        request("Create (yearly)", "No"),
    ]);
    let doc = &apart.document;
    let op = &doc["paths"]["/things"]["post"];
    assert_eq!(op["operationId"], json!("create"));
    assert_eq!(op["summary"], json!("Create"));
    let alternatives = &op["requestBody"]["content"]["application/json"]["schema"]["oneOf"];
    assert_eq!(alternatives.as_array().map(Vec::len), Some(2));
    assert_eq!(
        schema(doc, "CreateBodyMonthly")["required"],
        json!(["a", "b"])
    );
    assert_eq!(schema(doc, "CreateBodyYearly")["required"], json!(["a"]));
}

/// A request item that states what it needs is not merged with a response item of the same
/// name and shape, which states nothing: the required marks would be lost, or leak into the
/// response.
#[test]
fn a_stating_request_item_and_a_response_item_stay_two_types() {
    let description = "| Field | Required |\n|-|-|\n| `transactions[].id` | Yes |";
    let transactions = json!({"transactions": [{"id": "t1", "amount": 2.5}]});
    let mut request = item(
        "Categorize",
        "POST",
        url(&["categorize"], json!([]), json!([])),
        json!({"description": description, "body": json_body(transactions.clone())}),
    );
    request["response"] = json!([saved(200, transactions)]);
    let doc = convert(vec![request]).document;
    let body = schema(&doc, "CategorizeBody");
    let item_ref = body["properties"]["transactions"]["items"]["$ref"]
        .as_str()
        .unwrap();
    let item_name = item_ref.rsplit('/').next().unwrap();
    assert_eq!(schema(&doc, item_name)["required"], json!(["id"]));
    let response_items = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, s)| *name != item_name && s["properties"].get("amount").is_some())
        .count();
    assert_eq!(
        response_items, 1,
        "the response's item is a type of its own"
    );
}

/// The corpus' Stripe collection states its contract the exporter's way: every `(Required)`
/// query parameter and form field is required in the spec, every disabled one is not.
#[test]
#[cfg_attr(no_shared, ignore = "../shared is absent")]
fn stripe_required_and_disabled_entries_reach_the_spec() {
    let path = support::shared_dir().join("corpus/real/stripe-api.postman_collection.json");
    let text = std::fs::read_to_string(path).unwrap();
    let collection: Value = serde_json::from_str(&text).unwrap();
    let doc = codegen::convert(&text).expect("converts").document;
    let (mut required, mut disabled) = (0, 0);
    let mut requests = Vec::new();
    requests_of(&collection["item"], &mut requests);
    for request in requests {
        let (path, method) = operation_of(&doc, request);
        let op = &doc["paths"][&path][&method];
        let entries = request["url"]["query"].as_array().into_iter().flatten();
        for q in entries {
            let p = parameter(&doc, &path, &method, q["key"].as_str().unwrap());
            check(
                q,
                p["required"] == json!(true),
                &mut required,
                &mut disabled,
            );
        }
        let forms = [
            ("urlencoded", "application/x-www-form-urlencoded"),
            ("formdata", "multipart/form-data"),
        ];
        let form = forms.iter().flat_map(|(mode, media)| {
            let fields = request["body"][mode].as_array().into_iter().flatten();
            fields.map(move |f| (f, *media))
        });
        for (f, media) in form {
            let media = &op["requestBody"]["content"][media];
            let body = resolve(&doc, &media["schema"]);
            let key = f["key"].as_str().unwrap();
            let listed = body["required"].as_array().into_iter().flatten();
            let is_required = listed.clone().any(|r| r == key);
            check(f, is_required, &mut required, &mut disabled);
        }
    }
    // The counts the collection has (690 `(Required)` less its 312 path variables).
    assert_eq!((required, disabled), (378, 6580));
}

/// Checks one entry: `(Required)` ones are required, disabled ones are not; counts them.
fn check(entry: &Value, is_required: bool, required: &mut usize, disabled: &mut usize) {
    let description = entry["description"]
        .as_str()
        .or_else(|| entry["description"]["content"].as_str())
        .unwrap_or_default()
        .trim_start()
        .to_ascii_lowercase();
    if description.starts_with("(required)") {
        assert!(is_required, "{entry} is not required");
        *required += 1;
    }
    if entry["disabled"] == json!(true) {
        assert!(!is_required, "{entry} is required");
        *disabled += 1;
    }
}

/// Every request of a folder tree, depth first.
fn requests_of<'c>(items: &'c Value, out: &mut Vec<&'c Value>) {
    for item in items.as_array().into_iter().flatten() {
        match item.get("item") {
            Some(children) => requests_of(children, out),
            None => out.push(&item["request"]),
        }
    }
}

/// The spec path and method a request became: its path segments with variables erased,
/// matched against the paths' shapes.
fn operation_of(doc: &Value, request: &Value) -> (String, String) {
    let erase = |segment: &str| {
        let variable = segment.starts_with(':') || segment.starts_with('{');
        if variable { "{}" } else { segment }.to_string()
    };
    let segments = request["url"]["path"].as_array().unwrap();
    let wanted: Vec<String> = segments
        .iter()
        .map(|s| erase(s.as_str().unwrap()))
        .filter(|s| !s.is_empty())
        .collect();
    let method = request["method"].as_str().unwrap().to_ascii_lowercase();
    let path = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .find(|path| {
            let shape: Vec<String> = path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(erase)
                .collect();
            shape == wanted && doc["paths"][path.as_str()].get(&method).is_some()
        })
        .unwrap_or_else(|| panic!("no operation for {method} {wanted:?}"));
    (path.clone(), method)
}

fn resolve<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => schema,
    }
}
