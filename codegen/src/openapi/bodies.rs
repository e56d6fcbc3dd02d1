//! An operation's request body: one media type per content type its requests send, JSON
//! shapes through the components, and requests whose bodies state different required fields
//! as `oneOf` alternatives named by what their titles add.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::components::{Components, Context};
use super::contract::{self, Fields, Stated};
use super::deep::{depth, parse_json, warn_if_cut, MAX_EXAMPLE_DEPTH};
use super::prepare::Prepared;
use crate::infer::{JsonType, Shape};
use crate::naming::{self};
use crate::openapi_util::{is_json, object};
use crate::postman::{KeyValue, Request, RequestBody};
use crate::warning::{Code, Location, Warning};

pub(super) fn content_type_of(headers: &[KeyValue]) -> Option<String> {
    headers
        .iter()
        .filter(|h| !h.disabled)
        .find(|h| h.key.eq_ignore_ascii_case("content-type"))
        .and_then(|h| h.value.as_deref())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
        .filter(|v| v.contains('/') && !v.contains("{{"))
}

pub(super) fn media_type_for(language: Option<&str>, text: &str) -> String {
    match language {
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("html") => "text/html",
        Some("javascript") => "application/javascript",
        Some("text") if parse_json(text).is_none() => "text/plain",
        _ if parse_json(text).is_some() => "application/json",
        _ if text.trim_start().starts_with('<') => "application/xml",
        _ => "text/plain",
    }
    .to_string()
}

pub(super) fn request_body(
    group: &[Prepared],
    operation_id: &str,
    components: &mut Components,
    warnings: &mut Vec<Warning>,
) -> Option<Value> {
    let mut media: BTreeMap<String, Vec<Body>> = BTreeMap::new();
    for r in group {
        let Some(body) = &r.request.body else {
            continue;
        };
        let (media_type, shape, example, fixed) = body_media(&r.request, body, warnings);
        let mut fields = contract::body_fields(&r.tables, &entry_statements(body));
        if let Some(example) = example.as_ref().filter(|_| !fields.is_empty()) {
            contract::check_example(&mut fields, example, &r.request.item_path(), warnings);
        }
        let name = r.request.name.as_str();
        let body = Body {
            name,
            shape,
            example,
            fixed,
            fields,
        };
        media.entry(media_type).or_default().push(body);
    }
    if media.is_empty() {
        return None;
    }
    let body_name = format!("{}Body", naming::type_name(operation_id));
    let mut content = Map::new();
    for (media_type, bodies) in media {
        let example = bodies.iter().find_map(|b| b.example.clone());
        let schema = match stated_apart(&bodies) {
            true => alternatives(bodies, &body_name, components),
            false => merged(bodies, &body_name, components),
        };
        let mut m = object([("schema", schema)]);
        match example {
            Some(example) if depth(&example) > MAX_EXAMPLE_DEPTH => warnings.push(Warning::new(
                Code::ExampleTooDeep,
                Location::Item(group[0].request.item_path()),
                format!(
                    "request body nests deeper than {MAX_EXAMPLE_DEPTH} levels; its example \
                     is left out"
                ),
            )),
            Some(example) => m["example"] = example,
            None => {}
        }
        content.insert(media_type, m);
    }
    Some(object([
        ("required", Value::Bool(true)),
        ("content", Value::Object(content)),
    ]))
}

/// One request's body of one media type: its shape (or fixed schema), example, and what its
/// request states about its fields.
struct Body<'a> {
    name: &'a str,
    shape: Option<Shape>,
    example: Option<Value>,
    fixed: Value,
    fields: Fields,
}

/// Whether the requests of one operation state different required fields for their bodies
/// (Belvo's monthly and yearly tax returns): then each is an alternative of a `oneOf`, since
/// one merged body could require neither set without blocking the other's calls.
fn stated_apart(bodies: &[Body]) -> bool {
    let required = |b: &Body| -> BTreeSet<String> {
        let fields = b.fields.iter();
        let required = fields.filter(|(_, s)| s.required == Some(true));
        required.map(|(path, _)| path.clone()).collect()
    };
    let typed: Vec<BTreeSet<String>> = bodies
        .iter()
        .filter(|b| b.shape.is_some())
        .map(required)
        .collect();
    typed.len() > 1 && typed.iter().any(|r| !r.is_empty()) && typed.windows(2).any(|w| w[0] != w[1])
}

/// The bodies as one schema: shapes merged, statements kept where every request makes them.
fn merged(bodies: Vec<Body>, body_name: &str, components: &mut Components) -> Value {
    let mut shape: Option<Shape> = None;
    let mut fields: Option<Fields> = None;
    let fixed = bodies[0].fixed.clone();
    for b in bodies {
        fields = Some(match fields {
            None => b.fields,
            Some(f) => contract::both(f, &b.fields),
        });
        if let Some(s) = b.shape {
            shape = Some(match shape {
                Some(existing) => existing.merge(s),
                None => s,
            });
        }
    }
    match shape {
        Some(shape) => {
            let context =
                Context::named(vec![body_name.to_string()]).stating(fields.unwrap_or_default());
            components.schema(&shape, &context)
        }
        None => fixed,
    }
}

/// Each body its own component, named by what its request's title adds in parentheses
/// (`Create a bank account (Brazil, OFPI)` → `…BodyBrazilOfpi`), in a `oneOf`.
fn alternatives(bodies: Vec<Body>, body_name: &str, components: &mut Components) -> Value {
    let alternatives = bodies
        .into_iter()
        .filter_map(|b| {
            let shape = b.shape?;
            let variant = naming::type_name(qualifier(b.name).unwrap_or(b.name));
            let context = Context::named(vec![format!("{body_name}{variant}")]).stating(b.fields);
            Some(components.schema(&shape, &context))
        })
        .collect();
    object([("oneOf", Value::Array(alternatives))])
}

/// What a title adds in trailing parentheses: `Brazil, OFPI` of `Create a bank account
/// (Brazil, OFPI)`.
fn qualifier(title: &str) -> Option<&str> {
    let inner = title.trim_end().strip_suffix(')')?;
    let open = inner.rfind(" (")?;
    Some(&inner[open + 2..]).filter(|q| !q.trim().is_empty())
}

/// The title of an operation: the requests' shared title when they differ only in a
/// parenthesised qualifier (alternatives of one body), else the first request's.
pub(super) fn title<'a>(group: &'a [Prepared]) -> &'a str {
    let first = group[0].request.name.as_str();
    let base = |name: &'a str| match qualifier(name) {
        Some(q) => name.trim_end()[..name.trim_end().len() - q.len() - 3].trim_end(),
        None => name,
    };
    let shared = base(first);
    let same = group.iter().all(|r| base(&r.request.name) == shared);
    if group.len() > 1 && same {
        shared
    } else {
        first
    }
}

/// A GraphQL body as the JSON it is sent as: `{query, variables}`, the variables `{}` when
/// there are none or (with a warning) when they are not JSON.
fn graphql_example(
    request: &Request,
    query: &str,
    variables: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Value {
    let text = variables.map(str::trim).filter(|v| !v.is_empty());
    let variables = match text.map(|text| (text, parse_json(text))) {
        None => json!({}),
        Some((_, Some(variables))) => variables,
        Some((text, None)) => {
            warnings.push(Warning::new(
                Code::GraphqlVariablesNotJson,
                Location::Item(request.item_path()),
                format!(
                    "GraphQL variables are not valid JSON ({} bytes); the example has `{{}}`",
                    text.len()
                ),
            ));
            json!({})
        }
    };
    object([("query", json!(query)), ("variables", variables)])
}

/// One request's body: its media type, a shape to merge with the other requests' (JSON,
/// forms) or else a fixed schema, and its example.
fn body_media(
    request: &Request,
    body: &RequestBody,
    warnings: &mut Vec<Warning>,
) -> (String, Option<Shape>, Option<Value>, Value) {
    let declared = content_type_of(&request.headers);
    match body {
        RequestBody::Raw { text, language } => {
            let media_type = declared
                .clone()
                .unwrap_or_else(|| media_type_for(language.as_deref(), text));
            if is_json(&media_type) {
                match parse_json(text) {
                    Some(v) => {
                        warn_if_cut(&v, request, "request body", warnings);
                        (
                            media_type,
                            Some(Shape::from_example(&v)),
                            Some(v),
                            Value::Null,
                        )
                    }
                    None => {
                        warnings.push(Warning::new(
                            Code::BodyNotJson,
                            Location::Item(request.item_path()),
                            "request body is not valid JSON; typed as any value",
                        ));
                        (media_type, None, None, json!({}))
                    }
                }
            } else {
                (
                    media_type,
                    None,
                    Some(json!(text)),
                    json!({"type": "string"}),
                )
            }
        }
        RequestBody::UrlEncoded(fields) => (
            "application/x-www-form-urlencoded".into(),
            Some(form_shape(fields, false)),
            None,
            Value::Null,
        ),
        RequestBody::FormData(fields) => (
            "multipart/form-data".into(),
            Some(form_shape(fields, true)),
            None,
            Value::Null,
        ),
        RequestBody::GraphQl { query, variables } => {
            let example = graphql_example(request, query, variables.as_deref(), warnings);
            warn_if_cut(&example, request, "GraphQL body", warnings);
            (
                "application/json".into(),
                Some(Shape::from_example(&example)),
                Some(example),
                Value::Null,
            )
        }
        RequestBody::File => (
            declared
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            None,
            None,
            json!({"type": "string", "format": "binary"}),
        ),
    }
}

/// What a form's own fields state (their descriptions and `disabled` flags), by field name.
fn entry_statements(body: &RequestBody) -> Fields {
    let (RequestBody::UrlEncoded(entries) | RequestBody::FormData(entries)) = body else {
        return Fields::new();
    };
    entries
        .iter()
        .filter(|kv| !kv.key.trim().is_empty())
        .map(|kv| {
            let stated = Stated::of_entry(kv.description.as_deref(), kv.disabled);
            (kv.key.trim().to_string(), stated)
        })
        .filter(|(_, stated)| *stated != Stated::default())
        .collect()
}

/// A form's fields as an object shape; `file` fields of multipart forms are binary strings.
fn form_shape(fields: &[KeyValue], multipart: bool) -> Shape {
    let mut props = crate::infer::Properties::default();
    for f in fields.iter().filter(|f| !f.key.trim().is_empty()) {
        let shape = if multipart && f.kind.as_deref() == Some("file") {
            Shape::of(JsonType::String {
                format: crate::infer::Format::Known("binary"),
            })
        } else {
            f.value
                .as_deref()
                .filter(|v| !v.is_empty() && !v.contains("{{"))
                .map(Shape::from_text)
                .unwrap_or_else(|| {
                    Shape::of(JsonType::String {
                        format: Default::default(),
                    })
                })
        };
        let merged = match props.shift_remove(f.key.trim()) {
            Some(existing) => Shape::merge(existing, shape),
            None => shape,
        };
        props.insert(f.key.trim().to_string(), merged);
    }
    Shape::of(JsonType::Object(props))
}
