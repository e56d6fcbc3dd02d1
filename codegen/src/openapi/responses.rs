//! An operation's responses: one per saved status with every saved example, bodies through the
//! components in their context (the resource, its page, `Error`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::bodies::{content_type_of, media_type_for};
use super::components::{Components, Context};
use super::contract::{Fields, Stated};
use super::deep::{depth, parse_json, shape_cut, MAX_EXAMPLE_DEPTH};
use super::prepare::Prepared;
use crate::infer::{JsonType, Shape};
use crate::naming::{self, Namer};
use crate::openapi_util::{is_json, object};
use crate::postman::{Request, SavedResponse};
use crate::status::reason;
use crate::warning::{Code, Location, Warning};

pub(super) fn responses(
    group: &[Prepared],
    operation_id: &str,
    entity: &str,
    components: &mut Components,
    warnings: &mut Vec<Warning>,
) -> Value {
    let mut saved: Vec<&SavedResponse> = group.iter().flat_map(|r| &r.request.responses).collect();
    // Canonical order, so reordering saved responses in Postman changes nothing.
    saved.sort_by(|a, b| (a.code, &a.name, &a.body).cmp(&(b.code, &b.name, &b.body)));
    let mut by_code: BTreeMap<u16, Vec<&SavedResponse>> = BTreeMap::new();
    for r in saved {
        by_code.entry(r.code).or_default().push(r);
    }
    if by_code.is_empty() {
        return json!({"default": {"description": "No response was saved in the collection"}});
    }
    let mut out = Map::new();
    for (code, list) in by_code {
        let media = saved_media(&list, &group[0].request, warnings);
        let mut response = json!({ "description": reason(code) });
        if !media.is_empty() {
            let mut content = Map::new();
            for (media_type, (shape, examples)) in media {
                let schema = match shape {
                    Some(shape) => {
                        let context =
                            response_context(&shape, code, operation_id, entity, &list[0].name)
                                .stating(documented(group, code));
                        components.schema(&shape, &context)
                    }
                    None if is_json(&media_type) => json!({}),
                    None => json!({"type": "string"}),
                };
                content.insert(
                    media_type,
                    object([("schema", schema), ("examples", Value::Object(examples))]),
                );
            }
            response["content"] = Value::Object(content);
        }
        out.insert(code.to_string(), response);
    }
    Value::Object(out)
}

/// The descriptions the group's field tables give to the fields of a `code` response: only
/// descriptions, since a response that breaks a stated list or omits a stated field must
/// still decode.
fn documented(group: &[Prepared], code: u16) -> Fields {
    let Some(first) = group.iter().find(|r| !r.tables.responses.is_empty()) else {
        return Fields::new();
    };
    let mut fields = first.tables.response(code);
    for stated in fields.values_mut() {
        *stated = Stated {
            description: stated.description.take(),
            ..Stated::default()
        };
    }
    fields
}

/// The saved responses of one status by media type: the merged shape of their JSON bodies
/// and each as a named example (one nested too deeply is left out, with a warning).
fn saved_media(
    list: &[&SavedResponse],
    request: &Request,
    warnings: &mut Vec<Warning>,
) -> BTreeMap<String, (Option<Shape>, Map<String, Value>)> {
    let mut media: BTreeMap<String, (Option<Shape>, Map<String, Value>)> = BTreeMap::new();
    let mut example_names = Namer::default();
    for r in list {
        let Some(body) = &r.body else { continue };
        let media_type = content_type_of(&r.headers)
            .unwrap_or_else(|| media_type_for(r.preview_language.as_deref(), body));
        let entry = media.entry(media_type.clone()).or_default();
        let key = example_names.unique(&[naming::operation_id(&r.name)]);
        let value = if is_json(&media_type) {
            match parse_json(body) {
                Some(v) => {
                    let shape = Shape::from_example(&v);
                    entry.0 = Some(match entry.0.take() {
                        Some(existing) => existing.merge(shape),
                        None => shape,
                    });
                    v
                }
                None => {
                    // A JSON body serde cannot read (a number beyond f64, a lone surrogate)
                    // is kept as text and types the body as any value: said, as for requests.
                    warnings.push(Warning::new(
                        Code::BodyNotJson,
                        Location::Item(request.item_path()),
                        format!(
                            "saved response `{}` is not valid JSON; typed as any value",
                            r.name
                        ),
                    ));
                    json!(body)
                }
            }
        } else {
            json!(body)
        };
        let nesting = depth(&value);
        if nesting > crate::infer::MAX_DEPTH {
            warnings.push(shape_cut(request, &format!("saved response `{}`", r.name)));
        }
        if nesting > MAX_EXAMPLE_DEPTH {
            warnings.push(Warning::new(
                Code::ExampleTooDeep,
                Location::Item(request.item_path()),
                format!(
                    "saved response `{}` nests deeper than {MAX_EXAMPLE_DEPTH} levels; \
                     its example is left out",
                    r.name
                ),
            ));
            continue;
        }
        entry
            .1
            .insert(key, object([("summary", json!(r.name)), ("value", value)]));
    }
    media
}

/// Names for a response body: the entity for successes (`Balance`, `BalancesPage` for a
/// paginated list), `Error` for failures, with fallbacks from the operation and status.
fn response_context(
    shape: &Shape,
    code: u16,
    operation_id: &str,
    entity: &str,
    response_name: &str,
) -> Context {
    if code >= 400 {
        return Context::named(vec![
            "Error".to_string(),
            naming::type_name(response_name),
            format!("{}Error", naming::type_name(reason(code))),
        ]);
    }
    let op = naming::type_name(operation_id);
    let item = naming::type_name(&naming::singular(entity));
    if is_page(shape) {
        return Context {
            names: vec![
                format!("{}Page", naming::type_name(entity)),
                format!("{op}Response"),
            ],
            results: Some(vec![item, format!("{op}Result")]),
            fields: Default::default(),
        };
    }
    Context::named(vec![item, format!("{op}Response")])
}

/// A page of a paginated list: an object with a `results` array (Django REST framework's
/// `{count, next, previous, results}`, which Belvo uses).
fn is_page(shape: &Shape) -> bool {
    match &shape.kind {
        JsonType::Object(props) => props
            .get("results")
            .is_some_and(|r| matches!(r.kind, JsonType::Array(_))),
        _ => false,
    }
}
