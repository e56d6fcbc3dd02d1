//! What the converter reads but cannot use becomes a warning with its code and location, never
//! a silent default; the same input without the problem gives no warning.

use codegen::{Code, Location};
use serde_json::{json, Value};

fn collection(info_extra: Value, request: Value) -> String {
    let mut info = json!({
        "name": "t",
        "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    });
    if let (Some(info), Some(extra)) = (info.as_object_mut(), info_extra.as_object()) {
        info.extend(extra.clone());
    }
    json!({"info": info, "item": [{"name": "F", "item": [{"name": "r", "request": request}]}]})
        .to_string()
}

fn warnings(text: &str) -> Vec<(Code, Location)> {
    let conversion = codegen::convert(text).unwrap();
    conversion
        .warnings
        .iter()
        .map(|w| (w.code, w.location.clone()))
        .collect()
}

/// A collection of one GET request with one saved JSON response whose body is `body`.
fn with_response(body: &str) -> String {
    let text = collection(json!({}), json!({"method": "GET", "url": "https://h/a"}));
    let mut c: Value = serde_json::from_str(&text).unwrap();
    c["item"][0]["item"][0]["response"] = json!([{"name": "ok", "code": 200, "body": body,
        "header": [{"key": "Content-Type", "value": "application/json"}]}]);
    c.to_string()
}

fn graphql(variables: &str) -> Value {
    json!({"method": "POST", "url": "https://h/graphql",
           "body": {"mode": "graphql", "graphql": {"query": "{ a }", "variables": variables}}})
}

fn api_key(attrs: Value) -> Value {
    json!({"method": "GET", "url": "https://h/a", "auth": {"type": "apikey", "apikey": attrs}})
}

#[test]
fn each_fallback_is_a_warning_at_its_place() {
    let item = || Location::Item("F/r".into());
    let plain = json!({"method": "GET", "url": "https://h/a"});
    let cases: Vec<(String, Vec<(Code, Location)>)> = vec![
        // GraphQL variables: none, blank and JSON (with a variable) are fine; text is not.
        (collection(json!({}), graphql("")), vec![]),
        (collection(json!({}), graphql("  \n")), vec![]),
        (collection(json!({}), graphql(r#"{"id": {{id}}}"#)), vec![]),
        (
            collection(json!({}), graphql("{id: 1")),
            vec![(Code::GraphqlVariablesNotJson, item())],
        ),
        // An API key names the header or query parameter it is sent in, in either version.
        (
            collection(json!({}), api_key(json!([{"key": "key", "value": "X-K"}]))),
            vec![],
        ),
        (
            collection(json!({}), api_key(json!([{"key": "value", "value": "v"}]))),
            vec![(Code::ApiKeyWithoutName, item())],
        ),
        (
            collection(json!({}), api_key(json!({"in": "query"}))),
            vec![(Code::ApiKeyWithoutName, item())],
        ),
        // A collection description: text, `{content}`, or null are read; others are not.
        (
            collection(json!({"description": "d"}), plain.clone()),
            vec![],
        ),
        (
            collection(json!({"description": {"content": "d"}}), plain.clone()),
            vec![],
        ),
        (
            collection(json!({"description": null}), plain.clone()),
            vec![],
        ),
        (
            collection(json!({"description": 5}), plain.clone()),
            vec![(Code::DescriptionUnreadable, Location::Collection)],
        ),
        (
            collection(json!({"description": ["a"]}), plain),
            vec![(Code::DescriptionUnreadable, Location::Collection)],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(warnings(&text), expected, "{text}");
    }
}

/// The API key name assumed when none is given stays what it was: the warning says so.
#[test]
fn an_api_key_without_a_name_is_assumed_x_api_key() {
    let text = collection(json!({}), api_key(json!({"in": "header"})));
    let conversion = codegen::convert(&text).unwrap();
    let schemes = &conversion.document["components"]["securitySchemes"];
    let names: Vec<&Value> = schemes
        .as_object()
        .unwrap()
        .values()
        .map(|s| &s["name"])
        .collect();
    assert_eq!(names, [&json!("X-API-Key")], "{schemes}");
}

/// A JSON example nested deeper than inference looks (`infer::MAX_DEPTH`) has a schema of any
/// JSON below that level: a request body or a saved response says so, one just within does not.
#[test]
fn examples_deeper_than_inference_looks_are_reported() {
    let nested = |levels: usize| format!("{}1{}", r#"{"a":"#.repeat(levels), "}".repeat(levels));
    let request = |body: &str| {
        json!({"method": "POST", "url": "https://h/a",
               "body": {"mode": "raw", "raw": body, "options": {"raw": {"language": "json"}}}})
    };
    let limit = codegen::infer::MAX_DEPTH;
    let cut = vec![(Code::ShapeTooDeep, Location::Item("F/r".into()))];
    for (levels, expected) in [(limit, vec![]), (limit + 1, cut.clone()), (40, cut)] {
        let body = nested(levels);
        let text = collection(json!({}), request(&body));
        assert_eq!(warnings(&text), expected, "request body, {levels} levels");
        assert_eq!(
            warnings(&with_response(&body)),
            expected,
            "saved response, {levels} levels"
        );
    }
}

/// A JSON body serde cannot read (a number beyond f64, a lone surrogate) is typed as any
/// value and said so, in a saved response as in a request body; a readable one is not.
#[test]
fn unreadable_json_bodies_are_reported_in_responses_too() {
    let not_json = vec![(Code::BodyNotJson, Location::Item("F/r".into()))];
    for (body, expected) in [
        (r#"{"n": 1e309}"#, not_json.clone()),
        (r#"{"s": "\ud800"}"#, not_json),
        (r#"{"n": 1e308, "s": "\ud83e\udd80"}"#, vec![]),
    ] {
        assert_eq!(warnings(&with_response(body)), expected, "{body}");
    }
}

/// Distinct request paths stay distinct operations: braces that name no parameter stay in the
/// path, percent-encoded as a client sends them, and the one normalisation that joins two
/// paths (a doubled `/`) is warned about. Before, `/a/{/b`, `/a/}/b` and `/a/:{}/b` all
/// became `/a/b`, and several requests one operation, silently.
#[test]
fn odd_paths_never_merge_requests_silently() {
    let raw = [
        "/a/b",
        "/a/{/b",
        "/a/}/b",
        "/a/:{}/b",
        "/a/{}/b",
        "/a/{{}}/b",
        "/a/}{/b",
        "/a/{x/b",
        "/a/x}/b",
        "/a/{{/b",
        "/a/}}/b",
        "/a/{x}/c",
        "/a//d",
    ];
    let items: Vec<Value> = raw
        .iter()
        .enumerate()
        .map(|(i, path)| {
            json!({"name": format!("r{i}"), "request": {"method": "GET",
                   "url": {"raw": format!("https://h{path}"), "host": ["h"],
                           "path": path.trim_start_matches('/').split('/').collect::<Vec<_>>()}}})
        })
        .collect();
    let text = json!({"info": {"name": "t", "schema":
        "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": items})
    .to_string();
    let conversion = codegen::convert(&text).unwrap();
    let paths: Vec<&String> = conversion.document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let warned: Vec<_> = conversion
        .warnings
        .iter()
        .map(|w| (w.code, w.location.clone()))
        .collect();
    // `/a//d` is read as `/a/d`, a path of its own here, and the dropped segment is said.
    assert_eq!(paths.len(), raw.len(), "{paths:#?}");
    assert_eq!(
        warned,
        [(Code::EmptyPathSegment, Location::Item("r12".into()))]
    );
    for path in &paths {
        let bare = path.replace(|c: char| c != '{' && c != '}', "");
        assert!(
            bare.is_empty()
                || bare
                    .chars()
                    .collect::<Vec<_>>()
                    .chunks(2)
                    .all(|p| p == ['{', '}']),
            "unbalanced template `{path}`"
        );
    }
}
