//! Inputs of the sizes reported in issue 10 (cause 8), each within a memory budget and with
//! work (allocations) linear in its size. Each took over a minute, or gigabytes, in a release
//! build; in a debug build they now take a few seconds. Time is measured by `cargo xtask bench`,
//! not asserted here: a loaded machine would make any limit flaky.

use std::time::Duration;

use serde_json::{json, Value};

use super::budget::{assert_linear, measured, memory_budget};

pub(super) fn collection(variables: Value, items: Value) -> String {
    json!({
        "info": {"name": "large", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": variables,
        "item": items
    })
    .to_string()
}

/// `codegen::convert` within [`memory_budget`], on the current thread.
fn convert_large(input: &str) -> Result<codegen::Conversion, codegen::ConvertError> {
    let (conversion, cost) = measured(|| codegen::convert(input));
    let budget = memory_budget(input.len());
    assert!(
        cost.peak_bytes <= budget,
        "held {} bytes for {} bytes of input (budget {budget})",
        cost.peak_bytes,
        input.len()
    );
    conversion
}

/// Variables that expand into each other (`a = {{a}}{{a}}…`, 1 MB) are refused at a limit
/// that names the item and field, instead of growing into gigabytes; a URL that repeats a
/// variable 400,000 times resolves within the budget.
#[test]
fn variables_expanding_into_each_other_are_refused() {
    let input = collection(
        json!([{"key": "a", "value": "{{a}}".repeat(200_000)}]),
        json!([{"name": "r", "request": {"method": "GET", "url": "https://h/x/{{a}}"}}]),
    );
    let err = convert_large(&input).unwrap_err().to_string();
    assert!(
        err.contains("item `r`, field `request.url.path[1]`") && err.contains("65536"),
        "{err}"
    );

    let input = collection(
        json!([{"key": "a", "value": "v"}]),
        json!([{"name": "r", "request": {"method": "GET", "url": format!("https://h/{}", "{{a}}".repeat(400_000))}}]),
    );
    convert_large(&input).unwrap();
}

/// One URL with 150,000 distinct path parameters (1.2 MB): every one declared, with linear
/// work.
#[test]
fn a_url_with_many_path_parameters_is_linear() {
    let convert = |n: usize| {
        let path: Vec<String> = (0..n).map(|i| format!(":p{i}")).collect();
        let input = collection(
            json!([]),
            json!([{"name": "r", "request": {"method": "GET", "url": format!("https://h/{}", path.join("/"))}}]),
        );
        let conversion = convert_large(&input).unwrap();
        let params = conversion.document["paths"]
            .as_object()
            .and_then(|paths| paths.values().next())
            .and_then(|item| item["get"]["parameters"].as_array())
            .map_or(0, Vec::len);
        assert_eq!(params, n);
    };
    assert_linear("path parameters", 150_000, convert);
}

/// 20,000 requests to one path whose saved examples share one name: numbered in one pass.
#[test]
fn many_examples_of_one_name_are_linear() {
    let convert = |n: usize| {
        let items: Vec<Value> = (0..n)
            .map(|i| {
                json!({"name": format!("r{i}"), "request": {"method": "GET", "url": "https://h/x"},
                        "response": [{"name": "same", "code": 200, "body": "{\"a\": 1}"}]})
            })
            .collect();
        let conversion = convert_large(&collection(json!([]), json!(items))).unwrap();
        let examples = conversion.document["paths"]["/x"]["get"]["responses"]["200"]["content"]
            ["application/json"]["examples"]
            .as_object()
            .expect("examples");
        assert_eq!(examples.len(), n);
        assert!(examples.contains_key("same") && examples.contains_key(&format!("same{n}")));
    };
    assert_linear("examples of one name", 20_000, convert);
}

/// Many requests of distinct paths sharing one response shape (issue 23, cause 6: 200k took
/// 10× as long as 50k): one component, with linear work.
#[test]
fn many_requests_sharing_a_shape_are_linear() {
    let convert = |n: usize| {
        let items: Vec<Value> = (0..n)
            .map(|i| {
                json!({"name": format!("r{i}"), "request": {"method": "GET", "url": format!("https://h/r{i}/x")},
                       "response": [{"name": "ok", "code": 200, "body": "{\"id\": \"a\", \"n\": 1.5, \"o\": {\"k\": [1]}}",
                                     "header": [{"key": "Content-Type", "value": "application/json"}]}]})
            })
            .collect();
        let conversion = convert_large(&collection(json!([]), json!(items))).unwrap();
        assert_eq!(
            conversion.document["paths"]
                .as_object()
                .map_or(0, |p| p.len()),
            n
        );
    };
    assert_linear("requests sharing a shape", 4_000, convert);
}

/// YAML nested 100,000 deep, as an overlay and as a spec to diff, in each flow form: refused
/// with the limit and the position, before the parser spends time on it.
#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    let n = 100_000;
    for (open, close) in [("[", "]"), ("{", "}"), ("{a: ", "}")] {
        let deep = format!("{}1{}", open.repeat(n), close.repeat(n));
        let overlay = format!(
            "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n  - target: $\n    update: {deep}\n"
        );
        let spec = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {deep}\n");
        let (overlay_err, overlay_cost) = measured(|| {
            codegen::overlay::Overlay::parse(&overlay)
                .unwrap_err()
                .to_string()
        });
        let (spec_err, spec_cost) =
            measured(|| codegen::diff::parse(&spec).unwrap_err().to_string());
        for (err, cost, line) in [(overlay_err, overlay_cost, 5), (spec_err, spec_cost, 3)] {
            assert!(
                err.contains(&format!(
                    "deeper than {} levels at line {line}",
                    codegen::MAX_NESTING
                )),
                "{err}"
            );
            assert!(
                cost.elapsed < Duration::from_secs(5),
                "{open}: {:?}",
                cost.elapsed
            );
            assert!(
                cost.peak_bytes < memory_budget(deep.len()),
                "{}",
                cost.peak_bytes
            );
        }
    }
}

/// `$..*..*..*..*..*` on the committed Belvo spec (one `..*` more than the 53 s, 5.9 GB case):
/// each node once, the same nodes as the depth says, within budget.
#[test]
fn repeated_descendant_targets_are_linear() {
    let spec =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml"))
            .unwrap();
    let doc: Value = codegen::from_yaml(&spec).unwrap();
    fn at_depth_from(value: &Value, depth: usize, from: usize) -> usize {
        let children: Vec<&Value> = match value {
            Value::Object(map) => map.values().collect(),
            Value::Array(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        usize::from(depth >= from)
            + children
                .into_iter()
                .map(|c| at_depth_from(c, depth + 1, from))
                .sum::<usize>()
    }
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $..*..*..*..*..*\n    remove: true\n";
    let mut edited = doc.clone();
    let (report, cost) = measured(|| codegen::overlay::apply(&mut edited, overlay).unwrap());
    assert_eq!(report.actions[0].matched, at_depth_from(&doc, 0, 5));
    assert!(
        cost.peak_bytes < memory_budget(spec.len()),
        "{}",
        cost.peak_bytes
    );
}
