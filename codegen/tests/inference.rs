//! What the converter concludes from a collection's examples, end to end: placeholders are
//! contracts, sample values are guesses that never narrow a type, and every saved response
//! finds its status.

use serde_json::{json, Value};

/// A v2.1 collection with one request per `(method, path, request body, saved responses)`.
fn collection(items: Vec<Value>) -> String {
    json!({
        "info": {"name": "t", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": items,
    })
    .to_string()
}

fn item(name: &str, method: &str, path: &str, body: Option<Value>, responses: Vec<Value>) -> Value {
    let mut request = json!({"method": method, "url": {"raw": format!("{{{{baseUrl}}}}{path}"),
        "host": ["{{baseUrl}}"], "path": path.trim_matches('/').split('/').collect::<Vec<_>>()}});
    if let Some(b) = body {
        request["body"] =
            json!({"mode": "raw", "raw": b.to_string(), "options": {"raw": {"language": "json"}}});
    }
    json!({"name": name, "request": request, "response": responses})
}

fn saved(name: &str, code: Option<u16>, status: Option<&str>, body: Value) -> Value {
    let mut r = json!({"name": name, "body": body.to_string(),
        "header": [{"key": "Content-Type", "value": "application/json"}]});
    if let Some(c) = code {
        r["code"] = json!(c);
    }
    if let Some(s) = status {
        r["status"] = json!(s);
    }
    r
}

fn convert(items: Vec<Value>) -> Value {
    codegen::convert(&collection(items))
        .expect("converts")
        .document
}

fn schema<'d>(doc: &'d Value, name: &str) -> &'d Value {
    &doc["components"]["schemas"][name]
}

#[test]
fn saved_responses_without_a_code_take_it_from_the_status_text_or_the_name() {
    let doc = convert(vec![item(
        "Get a widget",
        "GET",
        "/widgets/{{id}}",
        None,
        vec![
            saved("Widget", None, Some("OK"), json!({"id": "<uuid>"})),
            saved(
                "Missing",
                None,
                Some("Not Found"),
                json!({"detail": "<string>"}),
            ),
            saved(
                "Unprocessable Entity (bad id)",
                None,
                None,
                json!([{"field": "<string>"}]),
            ),
        ],
    )]);
    let responses = &doc["paths"]["/widgets/{id}"]["get"]["responses"];
    let codes: Vec<&String> = responses.as_object().unwrap().keys().collect();
    assert_eq!(codes, ["200", "404", "422"]);
    for (code, example) in [("200", "widget"), ("404", "missing")] {
        let media = &responses[code]["content"]["application/json"];
        assert!(media["schema"].is_object(), "{code}: {media}");
        assert!(
            media["examples"][example]["value"].is_object(),
            "{code}: {media}"
        );
    }
}

#[test]
fn a_saved_response_with_no_status_anywhere_is_skipped_with_a_warning() {
    let conversion = codegen::convert(&collection(vec![item(
        "Get a widget",
        "GET",
        "/widgets",
        None,
        vec![saved("Example", None, Some("Whatever"), json!({}))],
    )]))
    .unwrap();
    assert!(
        conversion
            .warnings
            .iter()
            .any(|w| w.code == codegen::Code::ResponseWithoutStatus
                && w.location == codegen::Location::Item("Get a widget".into())),
        "{:?}",
        conversion.warnings
    );
}

#[test]
fn sample_values_give_no_format_and_mark_whole_numbers_as_guesses() {
    let doc = convert(vec![item(
        "List widgets",
        "GET",
        "/widgets",
        None,
        vec![saved(
            "Ok",
            Some(200),
            None,
            json!([{"id": "683005d6-f45c-4adb-b289-f1a12f50f80c", "at": "2024-05-01T12:00:00Z",
                    "limit": 100, "count": "<integer>", "uid": "<uuid>"}]),
        )],
    )]);
    let props = &schema(&doc, "Widget")["properties"];
    assert_eq!(props["id"], json!({"type": "string"}));
    assert_eq!(props["at"], json!({"type": "string"}));
    assert_eq!(
        props["limit"],
        json!({"type": "integer", "x-from-examples": true})
    );
    assert_eq!(props["count"], json!({"type": "integer"}));
    assert_eq!(props["uid"], json!({"type": "string", "format": "uuid"}));
}

/// The least upper bound over every example of a shape, whichever request or status it
/// came from, and over every shape that uses the name for a fraction.
#[test]
fn merging_takes_the_least_upper_bound_across_requests_statuses_and_names() {
    let doc = convert(vec![
        item(
            "Categorize transactions",
            "POST",
            "/categorization",
            Some(json!({"transactions": [{"account_holder_id": "<uuid>", "amount": "<integer>"}]})),
            vec![saved(
                "Ok",
                Some(200),
                None,
                json!({"transactions": [{"account_holder_id": "<string>", "amount": "<integer>"}]}),
            )],
        ),
        item(
            "List invoices",
            "GET",
            "/invoices",
            None,
            vec![saved(
                "Ok",
                Some(200),
                None,
                json!([{"quantity": "<integer>"}]),
            )],
        ),
        item(
            "List instruments",
            "GET",
            "/instruments",
            None,
            vec![saved(
                "Ok",
                Some(200),
                None,
                json!([{"quantity": "<float>"}]),
            )],
        ),
    ]);
    let props = &schema(&doc, "Transaction")["properties"];
    assert_eq!(props["account_holder_id"], json!({"type": "string"}));
    assert_eq!(props["amount"], json!({"type": "integer"}));
    assert_eq!(
        schema(&doc, "Invoice")["properties"]["quantity"],
        json!({"type": "number"})
    );
}

/// The generated client reads a guessed integer that a response reaches as `f64`, and keeps
/// contracts and request-only guesses as integers.
#[test]
fn the_client_reads_received_guesses_as_numbers() {
    let conversion = codegen::convert(&collection(vec![item(
        "Create widget",
        "POST",
        "/widgets",
        Some(json!({"size": 3})),
        vec![saved(
            "Ok",
            Some(200),
            None,
            json!({"limit": 100, "count": "<integer>"}),
        )],
    )]))
    .unwrap();
    let spec = conversion.spec().unwrap();
    let client = codegen::client::generate(&spec, &codegen::client::ClientOptions::default())
        .expect("generates");
    let field = |name: &str| {
        client
            .code
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("pub {name}:")))
            .unwrap_or_else(|| panic!("no field {name}"))
            .trim()
            .to_owned()
    };
    assert!(field("limit").contains("f64"), "{}", field("limit"));
    assert!(field("count").contains("i64"), "{}", field("count"));
    assert!(field("size").contains("i64"), "{}", field("size"));
}

/// A request without any saved response is documented as `default`: the spec claims no
/// status, and the client accepts every 2xx with its body as a byte stream, while 4xx and
/// 5xx stay errors. (A `200` would make a `201` or `204` an error and drop the body.)
#[test]
fn a_request_without_saved_responses_accepts_any_success_with_its_body() {
    let conversion = codegen::convert(&collection(vec![item(
        "Ping",
        "POST",
        "/ping",
        None,
        vec![],
    )]))
    .unwrap();
    let responses = &conversion.document["paths"]["/ping"]["post"]["responses"];
    assert_eq!(
        responses.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["default"]
    );
    let spec = conversion.spec().unwrap();
    let client = codegen::client::generate(&spec, &codegen::client::ClientOptions::default())
        .expect("generates")
        .code;
    let send = client
        .split("pub async fn send(")
        .nth(1)
        .expect("a send method");
    let signature = &send[..send.find('{').unwrap()];
    assert!(
        signature.contains("ResponseValue<ByteStream>"),
        "{signature}"
    );
    assert!(
        send.contains("200..=299 => Ok(ResponseValue::stream"),
        "{send}"
    );
}

/// A list (a page) and a detail endpoint of one resource under `path`, both showing `entity`.
fn list_and_detail(name: &str, path: &str, entity: Value) -> Vec<Value> {
    let ok = |body| vec![saved("ok", Some(200), None, body)];
    let page = json!({"count": 1, "next": null, "previous": null, "results": [entity.clone()]});
    vec![
        item(&format!("List {name}"), "GET", path, None, ok(page)),
        item(
            &format!("Get {name}"),
            "GET",
            &format!("{path}{{{{id}}}}/"),
            None,
            ok(entity),
        ),
    ]
}

/// The banking product: transactions, plus another operation under `/api/`, so that `/api/`
/// covers the most operations.
fn banking() -> Vec<Value> {
    let tx = json!({"id": "t-1", "amount": 12.5, "currency": "BRL"});
    let mut items = list_and_detail("transactions", "/api/transactions/", tx);
    items.push(item(
        "Get an owner",
        "GET",
        "/api/owners/{{id}}/",
        None,
        vec![saved("ok", Some(200), None, json!({"id": "o-1"}))],
    ));
    items
}

/// A resource of another product that the converter would name `Transaction` too.
fn payments(amount: Value, extra: &str) -> Vec<Value> {
    let tx = json!({"id": "p-1", "amount": amount, "currency": "COP", extra: "x"});
    list_and_detail("payment transactions", "/payments/transactions/", tx)
}

fn response_ref(doc: &Value, path: &str) -> String {
    let schema =
        &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    let name = schema["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: {schema} in {}", doc["paths"]));
    name.rsplit('/').next().unwrap().to_string()
}

fn item_ref(doc: &Value, page: &str) -> String {
    let items = &schema(doc, page)["properties"]["results"]["items"]["$ref"];
    items
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn same_named_resources_of_two_prefixes_whose_fields_conflict_are_two_components() {
    // A field of another kind (a string amount), and fields that hardly overlap.
    for (amount, extra) in [
        (json!("1000.00"), "payer"),
        (json!(7), "a"),
        (json!(1.5), "b"),
    ] {
        let conflicting = amount.is_string();
        let doc = convert([banking(), payments(amount.clone(), extra)].concat());
        let payments_name = response_ref(&doc, "/payments/transactions/{id}");
        assert_eq!(response_ref(&doc, "/api/transactions/{id}"), "Transaction");
        // A list and a detail endpoint of one resource share its type, in each product.
        assert_eq!(item_ref(&doc, "TransactionsPage"), "Transaction");
        let payments_page = response_ref(&doc, "/payments/transactions");
        assert_eq!(item_ref(&doc, &payments_page), payments_name, "{amount}");
        if conflicting {
            assert_eq!(payments_name, "PaymentsTransaction");
            assert_eq!(payments_page, "PaymentsTransactionsPage");
            assert_eq!(
                schema(&doc, "Transaction")["properties"]["amount"]["type"],
                "number"
            );
            assert_eq!(
                schema(&doc, "PaymentsTransaction")["properties"]["amount"]["type"],
                "string"
            );
        } else {
            // Numbers agree with numbers: one resource seen through two products.
            assert_eq!(payments_name, "Transaction", "{amount}");
            assert!(schema(&doc, "PaymentsTransaction").is_null());
        }
    }
}

#[test]
fn resources_of_two_prefixes_with_little_in_common_are_named_by_their_prefix() {
    let doc = convert(
        [
            banking(),
            vec![item(
                "Get a receivable transaction",
                "GET",
                "/receivables/transactions/{{id}}/",
                None,
                vec![saved(
                    "ok",
                    Some(200),
                    None,
                    json!({"reference": "r", "debtor": "d", "due": "2024-01-01", "fee": 1}),
                )],
            )],
        ]
        .concat(),
    );
    assert_eq!(response_ref(&doc, "/api/transactions/{id}"), "Transaction");
    assert_eq!(
        response_ref(&doc, "/receivables/transactions/{id}"),
        "ReceivablesTransaction"
    );
}

#[test]
fn a_collection_growing_by_a_conflicting_resource_keeps_the_names_it_had() {
    let before = convert(banking());
    // The new product's items come first in the collection: its order decides nothing.
    let after = convert([payments(json!("1000.00"), "payer"), banking()].concat());
    for name in ["Transaction", "TransactionsPage", "Owner"] {
        assert_eq!(schema(&before, name), schema(&after, name), "{name}");
    }
    assert_eq!(
        response_ref(&after, "/payments/transactions/{id}"),
        "PaymentsTransaction"
    );
}
