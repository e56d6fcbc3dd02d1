//! An operation's parameters: path parameters from the template, query parameters and headers
//! as the union over its requests (all optional, transport and credential headers left out),
//! each with what the collection states about it and an example of its schema's type.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use serde_json::{json, Value};

use super::contract::{self, Stated};
use super::prepare::{parameter_name, Prepared};
use super::scalar;
use crate::infer::{JsonType, Shape};
use crate::openapi_util::object;
use crate::postman::{Auth, KeyValue, Request};
use crate::warning::{Code, Location, Warning};

/// Request headers that a client sets itself or that carry credentials: not parameters.
const TRANSPORT_HEADERS: [&str; 14] = [
    "accept",
    "accept-encoding",
    "authorization",
    "cache-control",
    "connection",
    "content-length",
    "content-type",
    "cookie",
    "host",
    "origin",
    "postman-token",
    "referer",
    "user-agent",
    "x-requested-with",
];

pub(super) fn parameters(group: &[Prepared], warnings: &mut Vec<Warning>) -> Vec<Value> {
    let mut out = path_parameters(&group[0]);
    // Query parameters and headers: union over the group, every one optional, since a
    // Postman example cannot show that a parameter is mandatory.
    for (location, lists) in [
        (
            "query",
            group
                .iter()
                .map(|r| &r.request.url.query)
                .collect::<Vec<_>>(),
        ),
        ("header", group.iter().map(|r| &r.request.headers).collect()),
    ] {
        let seen = union_of_lists(location, &lists, &group[0].request);
        out.extend(optional_parameters(location, seen, &group[0], warnings));
    }
    out
}

/// The path parameters of `first`'s template, typed by the value of the URL variable that
/// declares each (a string when none does).
fn path_parameters(first: &Prepared) -> Vec<Value> {
    let mut out = Vec::new();
    // Declared path variables by the name their `:name` becomes (the first of a name wins);
    // a map, since a URL may have many.
    let mut declared_by_name: HashMap<String, &KeyValue> = HashMap::new();
    for v in &first.request.url.variables {
        declared_by_name.entry(parameter_name(&v.key)).or_insert(v);
    }
    for name in &first.path_params {
        let declared = declared_by_name.get(name).copied();
        let shape = declared
            .and_then(|v| v.value.as_deref())
            .filter(|v| !v.is_empty() && !v.starts_with("{{"))
            .map(Shape::from_text)
            .unwrap_or_else(|| {
                Shape::of(JsonType::String {
                    format: Default::default(),
                })
            });
        let mut param = json!({
            "name": name,
            "in": "path",
            "required": true,
            "schema": scalar_schema(&shape),
        });
        let own = Stated::of_entry(declared.and_then(|v| v.description.as_deref()), false);
        let stated = contract::parameter(&first.tables, name, own);
        if let Some(d) = stated.description {
            param["description"] = json!(d);
        }
        out.push(param);
    }
    out
}

/// Each key of `lists` (headers case-insensitively, transport headers left out) with every
/// entry that has it and the most times one list repeats it.
fn union_of_lists<'a>(
    location: &str,
    lists: &[&'a Vec<KeyValue>],
    request: &Request,
) -> IndexMap<String, (Vec<&'a KeyValue>, usize)> {
    let mut seen: IndexMap<String, (Vec<&KeyValue>, usize)> = IndexMap::new();
    for list in lists {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for kv in list.iter() {
            let key = kv.key.trim();
            if key.is_empty() {
                continue;
            }
            if location == "header" && is_transport_header(key, request) {
                continue;
            }
            let norm = if location == "header" {
                key.to_ascii_lowercase()
            } else {
                key.to_string()
            };
            *counts.entry(norm.clone()).or_default() += 1;
            let entry = seen.entry(norm).or_insert_with(|| (Vec::new(), 0));
            entry.0.push(kv);
        }
        for (k, n) in counts {
            let e = seen.get_mut(&k).expect("counted keys were inserted");
            e.1 = e.1.max(n);
        }
    }
    seen
}

/// One parameter per key seen at `location`: an array when a request repeats it, its example
/// a value of the schema's type; required and restricted to a list of values only where the
/// collection states it; a key with a variable in it is skipped.
fn optional_parameters(
    location: &str,
    seen: IndexMap<String, (Vec<&KeyValue>, usize)>,
    first: &Prepared,
    warnings: &mut Vec<Warning>,
) -> Vec<Value> {
    let request = &first.request;
    let mut out = Vec::new();
    for (_, (values, repeats)) in seen {
        let name = values[0].key.trim();
        if name.contains("{{") {
            warnings.push(Warning::new(
                Code::VariableParameterName,
                Location::Item(request.item_path()),
                format!("{location} parameter `{name}` has a variable name; skipped"),
            ));
            continue;
        }
        let shape = values
            .iter()
            .filter_map(|kv| kv.value.as_deref())
            .filter(|v| !v.is_empty() && !v.contains("{{"))
            .map(Shape::from_text)
            .reduce(Shape::merge)
            .unwrap_or_else(|| {
                Shape::of(JsonType::String {
                    format: Default::default(),
                })
            });
        let mut schema = scalar_schema(&shape);
        if repeats > 1 {
            schema = object([("type", json!("array")), ("items", schema)]);
        }
        let stated = parameter_statement(&values, first, location, warnings);
        let mut param = json!({"name": name, "in": location});
        if let Some(d) = &stated.description {
            param["description"] = json!(d);
        }
        param["required"] = json!(stated.required == Some(true));
        if !stated.values.is_empty() {
            let values: Vec<&str> = stated.values.iter().map(String::as_str).collect();
            scalar::restrict(&mut schema, &values);
        }
        let example = values
            .iter()
            .find_map(|kv| kv.value.as_deref())
            .filter(|e| !e.is_empty() && !e.starts_with('<') && !e.contains("{{"))
            .and_then(|text| example_of(text, &schema))
            .filter(|e| fits_enum(e, &schema));
        param["schema"] = schema;
        if let Some(example) = example {
            param["example"] = example;
        }
        out.push(param);
    }
    out
}

/// What the collection states about one parameter: the first description of its entries, a
/// table row of the request's description; optional if any entry is disabled (a
/// `(Required)` on a disabled entry is warned about, and not kept: it would block a call the
/// collection itself makes without it).
fn parameter_statement(
    entries: &[&KeyValue],
    first: &Prepared,
    location: &str,
    warnings: &mut Vec<Warning>,
) -> Stated {
    let name = entries[0].key.trim();
    let description = entries.iter().find_map(|kv| kv.description.as_deref());
    let own = Stated::of_entry(description, false);
    let mut stated = contract::parameter(&first.tables, name, own);
    if entries.iter().any(|kv| kv.disabled) {
        if stated.required == Some(true) {
            warnings.push(Warning::new(
                Code::ContractContradictsExample,
                Location::Item(first.request.item_path()),
                format!("{location} parameter `{name}` is stated required but disabled; optional"),
            ));
        }
        stated.required = Some(false);
    }
    let mut concrete = entries
        .iter()
        .filter_map(|kv| kv.value.as_deref())
        .filter(|v| !v.is_empty() && !v.starts_with('<') && !v.contains("{{"));
    if let Some(outside) =
        concrete.find(|v| !stated.values.is_empty() && !stated.values.iter().any(|s| s == v))
    {
        warnings.push(Warning::new(
            Code::ContractContradictsExample,
            Location::Item(first.request.item_path()),
            format!(
                "{location} parameter `{name}`: the example's `{outside}` is not one of the \
                 stated values ({}); left open",
                stated.values.join(", ")
            ),
        ));
        stated.values.clear();
    }
    stated
}

/// Whether an example is one of its schema's (or its items') `enum` values, if it has one.
fn fits_enum(example: &Value, schema: &Value) -> bool {
    match (example, schema.get("enum").and_then(Value::as_array)) {
        (Value::Array(items), _) => {
            let inner = schema.get("items").unwrap_or(&Value::Null);
            items.iter().all(|i| fits_enum(i, inner))
        }
        (_, Some(values)) => values.contains(example),
        (_, None) => true,
    }
}

/// A parameter's example text as a value of its schema's type (`100` for an integer, not
/// `'100'`), or `None` when the text is not one, so that no example contradicts its schema.
fn example_of(text: &str, schema: &Value) -> Option<Value> {
    let trimmed = text.trim();
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => trimmed
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| trimmed.parse::<u64>().map(Value::from))
            .ok(),
        Some("number") => serde_json::from_str::<serde_json::Number>(trimmed)
            .ok()
            .map(Value::Number),
        Some("boolean") => trimmed.parse::<bool>().ok().map(Value::Bool),
        Some("array") => Some(Value::Array(vec![example_of(text, schema.get("items")?)?])),
        _ => Some(Value::String(text.to_owned())),
    }
}

fn is_transport_header(key: &str, request: &Request) -> bool {
    let lower = key.to_ascii_lowercase();
    TRANSPORT_HEADERS.contains(&lower.as_str())
        || matches!(&request.auth, Some(Auth::ApiKey { name, in_query: false }) if name.eq_ignore_ascii_case(key))
}

/// Schema of a scalar parameter; objects never occur here, so no components are involved.
fn scalar_schema(shape: &Shape) -> Value {
    scalar::scalar_schema(&shape.kind).unwrap_or_else(|| json!({"type": "string"}))
}
