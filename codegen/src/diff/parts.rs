//! The parts of an operation the walk compares, read from one document: operations keyed by
//! path shape, their parameters (path-level ones included, `$ref`s followed), request body,
//! responses, and the body a generated client uses of each.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody,
    Response, StatusCode,
};

use super::change::Scope;
use super::schema::{pointer_join, At};
use crate::openapi_util::{component_name, is_json, mime, path_shape, resolve_ref};

/// One operation of a document.
pub(super) struct Op<'a> {
    pub(super) path: &'a str,
    pub(super) method: &'a str,
    pub(super) item: &'a PathItem,
    pub(super) op: &'a Operation,
}

impl Op<'_> {
    pub(super) fn scope(&self) -> Scope {
        Scope::Operation {
            path: self.path.to_owned(),
            method: self.method.to_ascii_uppercase(),
            operation_id: self.op.operation_id.clone(),
        }
    }

    pub(super) fn pointer(&self) -> String {
        pointer_join("/paths", &[self.path, self.method])
    }
}

/// Where the item that `r` stands for is written: the component a local `$ref` names (its
/// first hop), else `site`, where `r` itself is.
pub(super) fn target_pointer<T>(r: &ReferenceOr<T>, site: &str) -> String {
    match r {
        ReferenceOr::Reference { reference } => match reference.strip_prefix('#') {
            Some(pointer) if pointer.starts_with('/') => pointer.to_owned(),
            _ => site.to_owned(),
        },
        ReferenceOr::Item(_) => site.to_owned(),
    }
}

/// Operations keyed by path template with parameter names blanked (`/links/{}`), so that
/// renaming a path parameter shows as a parameter change, not as a removed operation.
pub(super) fn operations(doc: &OpenAPI) -> BTreeMap<(String, &str), Op<'_>> {
    let mut ops = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        // A `$ref` path item points outside the document, which this diff does not read.
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let key = path_shape(path);
        for (method, op) in item.iter() {
            ops.insert(
                (key.clone(), method),
                Op {
                    path,
                    method,
                    item,
                    op,
                },
            );
        }
    }
    ops
}

/// How many `$ref`s in a row the walk follows to a parameter, body, response or scheme.
const MAX_REF_FOLLOWS: usize = 31;

/// Follows a chain of local `$ref`s to an item; `None` when a reference does not resolve.
fn resolve<'a, T>(
    start: &'a ReferenceOr<T>,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Option<&'a T> {
    resolve_ref(start, MAX_REF_FOLLOWS, lookup)
}

/// A parameter after `$ref` resolution.
pub(super) struct Param<'a> {
    pub(super) location: &'static str,
    pub(super) name: &'a str,
    pub(super) required: bool,
    pub(super) schema: Option<At<'a>>,
    pub(super) pointer: String,
    /// How the value is serialised: `style` and `explode`, defaults filled in.
    pub(super) style: String,
}

/// The parameters that apply to an operation (path-level ones, overridden by the operation's
/// own), keyed by location and name; header names are case-insensitive.
pub(super) fn parameters<'a>(
    doc: &'a OpenAPI,
    op: &Op<'a>,
) -> BTreeMap<(&'static str, String), Param<'a>> {
    let mut params = BTreeMap::new();
    let op_pointer = op.pointer();
    let path_level = op.item.parameters.iter().enumerate().map(|(i, p)| {
        let site = pointer_join("/paths", &[op.path, "parameters", &i.to_string()]);
        (site, p)
    });
    let own = op.op.parameters.iter().enumerate().map(|(i, p)| {
        let site = pointer_join(&op_pointer, &["parameters", &i.to_string()]);
        (site, p)
    });
    for (site, p) in path_level.chain(own) {
        let pointer = target_pointer(p, &site);
        let Some(p) = resolve(p, |name| {
            doc.components
                .as_ref()?
                .parameters
                .get(component_name(name, "parameters")?.as_ref())
        }) else {
            continue;
        };
        let (location, style) = match p {
            Parameter::Query { style, .. } => ("query", serde_json::to_value(style)),
            Parameter::Header { style, .. } => ("header", serde_json::to_value(style)),
            Parameter::Path { style, .. } => ("path", serde_json::to_value(style)),
            Parameter::Cookie { style, .. } => ("cookie", serde_json::to_value(style)),
        };
        let style = style.ok().and_then(|s| s.as_str().map(str::to_owned));
        let style = style.unwrap_or_default();
        let data = p.parameter_data_ref();
        // OpenAPI: `explode` defaults to true for `form` only.
        let explode = data.explode.unwrap_or(style == "form");
        let style = format!("{style}, explode: {explode}");
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                Some(At::new(schema, pointer_join(&pointer, &["schema"])))
            }
            ParameterSchemaOrContent::Content(content) => {
                main_media(content, &pointer).and_then(|body| body.schema)
            }
        };
        let key = if location == "header" {
            data.name.to_ascii_lowercase()
        } else {
            data.name.clone()
        };
        let param = Param {
            location,
            name: &data.name,
            // Path parameters are required whatever the document says.
            required: data.required || location == "path",
            schema,
            pointer,
            style,
        };
        params.insert((location, key), param);
    }
    params
}

/// The request body and where it is written, given the pointer of the operation's
/// `requestBody`.
pub(super) fn request_body<'a>(
    doc: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
    site: &str,
) -> Option<(&'a RequestBody, String)> {
    let found = resolve(body, |name| {
        doc.components
            .as_ref()?
            .request_bodies
            .get(component_name(name, "requestBodies")?.as_ref())
    })?;
    Some((found, target_pointer(body, site)))
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A body: its media type, schema (if it has one) and the pointer of its `content` entry.
#[derive(Clone)]
pub(super) struct Body<'a> {
    pub(super) media: &'a str,
    pub(super) schema: Option<At<'a>>,
    pub(super) content: String,
}

/// The media type a generated client uses: `application/json` when offered, else another JSON
/// one (`openapi_util::is_json`, the rule every stage uses), else a form, else the first one. `owner` is
/// the pointer of the object whose `content` this is.
pub(super) fn main_media<'a>(
    content: &'a indexmap::IndexMap<String, openapiv3::MediaType>,
    owner: &str,
) -> Option<Body<'a>> {
    let (media, value) = content
        .iter()
        .find(|(m, _)| m.as_str() == "application/json")
        .or_else(|| content.iter().find(|(m, _)| is_json(m)))
        .or_else(|| content.iter().find(|(m, _)| mime(m) == FORM))
        .or_else(|| content.first())?;
    let at = pointer_join(owner, &["content", media]);
    let schema = value
        .schema
        .as_ref()
        .map(|s| At::new(s, pointer_join(&at, &["schema"])));
    Some(Body {
        media: media.as_str(),
        schema,
        content: at,
    })
}

/// Responses by status (`200`, `4XX`, `default`), each with where it is written and its main
/// body if any; `site` is the pointer of the operation's `responses`.
pub(super) fn responses<'a>(
    doc: &'a OpenAPI,
    op: &'a Operation,
    site: &str,
) -> BTreeMap<String, (String, Option<Body<'a>>)> {
    let lookup = |name: &str| -> Option<&'a ReferenceOr<Response>> {
        doc.components
            .as_ref()?
            .responses
            .get(component_name(name, "responses")?.as_ref())
    };
    let statuses = op.responses.responses.iter().map(|(status, response)| {
        let status = match status {
            StatusCode::Code(code) => code.to_string(),
            StatusCode::Range(range) => format!("{range}XX"),
        };
        (status, response)
    });
    let default = op
        .responses
        .default
        .iter()
        .map(|response| ("default".to_owned(), response));
    statuses
        .chain(default)
        .map(|(status, response)| {
            let at = target_pointer(response, &pointer_join(site, &[&status]));
            let body = resolve(response, lookup).and_then(|r| main_media(&r.content, &at));
            (status, (at, body))
        })
        .collect()
}

/// `2xx` codes and the `2XX` range; `default` counts as an error response.
pub(super) fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// "success" or "error", as messages name a response's class.
pub(super) fn class(status: &str) -> &'static str {
    if is_success(status) {
        "success"
    } else {
        "error"
    }
}
