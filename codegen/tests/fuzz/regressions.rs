//! Converter bugs the fuzzer found, with their minimal inputs, and silently wrong output
//! (issue 10, cause 10).

use serde_json::{json, Value};

use super::sizes::collection;
use super::{check, check_accepted, convert_in_time, with_body};

/// A JSON object key that looks like a YAML 1.1 date, under which an object or list follows,
/// e.g. a form field or a response property `7841-14-03`. `yaml.rs` once took the key line
/// `7841-14-03:` for a scalar value and quoted it with its colon: `'7841-14-03:'`, which is
/// not YAML. Found by `postman_shaped` (seed in `fuzz.proptest-regressions`).
#[test]
fn date_like_key_stays_yaml() {
    let collection = json!({
        "info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "a", "request": {"method": "POST", "url": "https://h/x",
            "body": {"mode": "urlencoded", "urlencoded": [{"key": "7841-14-03", "value": ""}]}}}]
    });
    check_accepted(&collection.to_string()).unwrap();
}

/// A saved response whose JSON body nests 119 objects deep (serde_json reads up to 128): the
/// example lands in the spec about 9 levels down, and the YAML exceeded yaml_serde's recursion
/// limit of 128 when read back. Examples that deep are now left out with a warning.
#[test]
fn deep_example_leaves_readable_yaml() {
    let depth = 119;
    check_accepted(&with_body(&format!(
        "{}1{}",
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    )))
    .unwrap();
}

/// A body of 100 nested arrays (`[[[…1…]]]`, 201 bytes) gave a schema 100 `items` deep, and
/// `codegen::convert` overflowed a 2 MiB thread stack turning the document into
/// `openapiv3::OpenAPI`: an abort, not an error. Shapes are now typed as any value past
/// `infer::MAX_DEPTH` levels.
#[test]
fn nested_arrays_stay_within_the_stack() {
    let depth = 100;
    check_accepted(&with_body(&format!(
        "{}1{}",
        "[".repeat(depth),
        "]".repeat(depth)
    )))
    .unwrap();
}

/// A collection variable whose value names itself, `baseUrl = {{baseUrl}}`, as exports hold
/// when a collection variable stands in for an environment variable of the same name:
/// `openapi::template` substituted `{{name}}` until none was left, so it looped forever
/// (`a = {{b}}`, `b = {{a}}` too). Found by `mutated_collection` in a 100,000-case run;
/// substitution is now bounded.
#[test]
fn self_referencing_variable_terminates() {
    let collection = json!({
        "info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": "{{baseUrl}}"}],
        "item": [{"name": "a", "request": {"method": "GET", "url": "{{baseUrl}}/users"}}]
    })
    .to_string();
    check_accepted(&collection).unwrap();
}

/// Path variables named in any script keep their names, and names that are not letters or
/// digits are spelled out rather than dropped: distinct variables stay distinct parameters.
#[test]
fn unicode_path_variables_keep_distinct_names() {
    let input = collection(
        json!([]),
        json!([
            {"name": "a", "request": {"method": "GET", "url": "https://h/u/:用户id/x/:id"}},
            {"name": "b", "request": {"method": "GET", "url": "https://h/v/:🦀/w/:🐍"}},
        ]),
    );
    check(&input).unwrap();
    let paths = convert_in_time(&input).unwrap().unwrap().document["paths"].clone();
    let names = |path: &str| -> Vec<String> {
        paths[path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} in {paths}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("/u/{用户id}/x/{id}"), ["用户id", "id"]);
    assert_eq!(names("/v/{_1f980_}/w/{_1f40d_}"), ["_1f980_", "_1f40d_"]);
}

/// A JSON body nested deeper than serde_json reads (128 levels) is typed and reported like one
/// just within it: an object schema with the deepest part any value, and a warning that the
/// example is left out; never a string example under a schema of `{}`.
#[test]
fn bodies_past_the_parser_limit_are_json_like_shallower_ones() {
    for depth in [100, 200, 5_000] {
        let body = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        let input = with_body(&body);
        check(&input).unwrap();
        let conversion = convert_in_time(&input).unwrap().unwrap();
        let op = &conversion.document["paths"]["/x"]["post"];
        let request = &op["requestBody"]["content"]["application/json"];
        let response = &op["responses"]["200"]["content"]["application/json"];
        for media in [request, response] {
            assert_ne!(media["schema"], json!({}), "{depth}: {media}");
            assert!(media.get("example").is_none(), "{depth}: {media}");
            assert!(
                media["examples"].as_object().is_none_or(|e| e.is_empty()),
                "{depth}: {media}"
            );
        }
        let schemas = &conversion.document["components"]["schemas"];
        assert!(
            schemas
                .as_object()
                .is_some_and(|s| s.values().any(|s| s["type"] == "object")),
            "{depth}: {schemas}"
        );
        // One for the request body, one for the saved response.
        let too_deep = conversion
            .warnings
            .iter()
            .filter(|w| w.code == codegen::Code::ExampleTooDeep)
            .count();
        assert_eq!(too_deep, 2, "{depth}: {:?}", conversion.warnings);
    }
}

/// Query and header examples are values of their schema's type: `100` under `integer`, never
/// the text `'100'`; text that is not one leaves the example out.
#[test]
fn parameter_examples_fit_their_schemas() {
    let input = collection(
        json!([]),
        json!([{"name": "a", "request": {"method": "GET",
            "url": {"raw": "https://h/x?n=100&f=1.5&b=true&s=abc&r=1&r=2",
                    "host": ["h"], "path": ["x"],
                    "query": [{"key": "n", "value": "100"}, {"key": "f", "value": "1.5"},
                              {"key": "b", "value": "true"}, {"key": "s", "value": "abc"},
                              {"key": "r", "value": "1"}, {"key": "r", "value": "2"}]},
            "header": [{"key": "X-Count", "value": " 7 "}]}}]),
    );
    check(&input).unwrap();
    let conversion = convert_in_time(&input).unwrap().unwrap();
    let examples: Vec<(String, Value)> = conversion.document["paths"]["/x"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["example"].clone()))
        .collect();
    let expected = [
        ("n", json!(100)),
        ("f", json!(1.5)),
        ("b", json!(true)),
        ("s", json!("abc")),
        ("r", json!([1])),
        ("X-Count", json!(7)),
    ];
    for (name, example) in expected {
        assert!(
            examples.contains(&(name.to_owned(), example.clone())),
            "{name}: {example} not in {examples:?}"
        );
    }
}
