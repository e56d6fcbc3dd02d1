//! The OpenAPI basics every stage shares, written once: reading a typed document, which
//! versions are read, what counts as a JSON media type, `$ref` resolution, the operations of a
//! path item, a parameter's common data, building JSON objects.

use std::borrow::Cow;

use openapiv3::{OpenAPI, Operation, Parameter, ParameterData, PathItem, ReferenceOr};
use serde_json::Value;

/// What [`read_openapi`] reads a document from.
#[derive(Debug, Clone, Copy)]
pub enum OpenApiSource<'a> {
    /// Its JSON form (the converter's output, a JSON or YAML input already parsed).
    Json(&'a Value),
    /// YAML or JSON text, typed straight from the parser: a scalar is read as what the field
    /// wants (`version: 1.0` is the text `1.0`), as a parse into JSON first would not.
    Text(&'a str),
}

/// Why a document could not be read as typed OpenAPI; the message says where (a line and
/// column of the text, or the path to the value, e.g. `paths./a.get`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotOpenApi(pub String);

/// The one reader of a document as typed `openapiv3`, for every stage and for `xtask`. The
/// version is not checked here (`is_openapi_3_0` is): callers word that refusal each their
/// own way.
pub fn read_openapi(source: OpenApiSource<'_>) -> Result<OpenAPI, NotOpenApi> {
    match source {
        OpenApiSource::Json(document) => serde_path_to_error::deserialize(document)
            .map_err(|e| NotOpenApi(format!("at `{}`: {}", e.path(), e.inner()))),
        OpenApiSource::Text(text) => crate::from_yaml(text).map_err(|e| NotOpenApi(e.message)),
    }
}

/// Whether an `openapi` version field names OpenAPI 3.0.x, the only version every stage reads
/// (progenitor and typify read 3.0; 3.1 schemas would be misread rather than rejected).
pub(crate) fn is_openapi_3_0(version: &str) -> bool {
    version.trim().starts_with("3.0.")
}

/// The media type without parameters, lower case: `Application/JSON; charset=utf-8` →
/// `application/json`.
pub(crate) fn mime(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a body of this media type is JSON: `application/json`, `text/json` and
/// `application/*+json`, parameters and case ignored.
pub(crate) fn is_json(media_type: &str) -> bool {
    let m = mime(media_type);
    m == "application/json"
        || m == "text/json"
        || (m.starts_with("application/") && m.ends_with("+json"))
}

/// The name a local `$ref` gives a component of `section` (`#/components/{section}/{name}`),
/// with JSON Pointer escapes (`~1`, `~0`) undone; `None` for any other reference.
pub(crate) fn component_name<'r>(reference: &'r str, section: &str) -> Option<Cow<'r, str>> {
    let name = reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')?;
    Some(unescape_segment(name))
}

/// Appends `key` to the JSON Pointer `at` as one segment, escaped as RFC 6901 says (`~` →
/// `~0`, `/` → `~1`).
pub(crate) fn push_pointer_segment(at: &mut String, key: &str) {
    at.push('/');
    at.push_str(&key.replace('~', "~0").replace('/', "~1"));
}

/// One JSON Pointer segment with its escapes (`~1`, `~0`) undone.
pub(crate) fn unescape_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}

/// Follows a chain of `$ref`s to an item, `lookup` finding what each reference names; `None`
/// when one does not resolve or more than `max_follows` references follow each other (each
/// stage keeps its own bound: a chain so long is a cycle in practice).
pub(crate) fn resolve_ref<'a, T>(
    start: &'a ReferenceOr<T>,
    max_follows: usize,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Option<&'a T> {
    let mut current = start;
    for _ in 0..max_follows {
        match current {
            ReferenceOr::Item(item) => return Some(item),
            ReferenceOr::Reference { reference } => current = lookup(reference)?,
        }
    }
    match current {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { .. } => None,
    }
}

/// A path template with its parameter names erased (`/links/{id}` → `/links/{}`): the key
/// under which two templates are one path whatever their parameters are called. Text
/// between a `{` and the next `}` is dropped, braces kept.
pub(crate) fn path_shape(template: &str) -> String {
    let mut shape = String::with_capacity(template.len());
    let mut in_braces = false;
    for c in template.chars() {
        match c {
            '{' => in_braces = true,
            '}' => in_braces = false,
            _ if in_braces => continue,
            _ => {}
        }
        shape.push(c);
    }
    shape
}

/// The operations of a path item, with their lower-case methods, in OpenAPI's order (the
/// order of `PathItem::iter`, its read-only counterpart).
pub(crate) fn operations_mut(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("options", item.options.as_mut()),
        ("head", item.head.as_mut()),
        ("patch", item.patch.as_mut()),
        ("trace", item.trace.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

/// The name, schema and flags every kind of parameter has.
pub(crate) fn parameter_data_mut(p: &mut Parameter) -> &mut ParameterData {
    match p {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    }
}

/// A JSON object of `entries`, moved in. `json!` would copy each value through serde, which
/// for a schema or an example means copying its whole tree.
pub(crate) fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both sources read the same document, and a document that does not fit is refused with
    /// where: the path to the value (as deep as serde can follow), or the line in the text.
    #[test]
    fn read_openapi_reads_json_and_text_and_says_where() {
        let text =
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
                    responses: {'200': {description: x}}\n";
        let value: Value = crate::from_yaml(text).unwrap();
        let from_text = read_openapi(OpenApiSource::Text(text)).unwrap();
        let from_json = read_openapi(OpenApiSource::Json(&value)).unwrap();
        assert_eq!(from_text, from_json);

        let bad = text.replace("responses: {'200': {description: x}}", "responses: 5");
        let err = read_openapi(OpenApiSource::Text(&bad)).unwrap_err();
        assert!(err.0.contains("line 4"), "{err}");
        let value: Value = crate::from_yaml(&bad).unwrap();
        let err = read_openapi(OpenApiSource::Json(&value)).unwrap_err();
        assert!(
            err.0.starts_with("at `paths`: invalid type: integer `5`"),
            "{err}"
        );
    }

    /// Text is typed straight from the parser, so a plain scalar is what the field wants.
    #[test]
    fn text_scalars_take_the_type_of_their_field() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: 1.0}\npaths: {}\n";
        let spec = read_openapi(OpenApiSource::Text(text)).unwrap();
        assert_eq!(spec.info.version, "1.0");
    }

    #[test]
    fn json_media_types_are_one_rule_for_every_stage() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "text/json",
            "application/problem+json",
            "application/vnd.api+json;version=2",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in [
            "application/jsonl",
            "text/x-json",
            "text/plain+json",
            "application/json-patch",
            "application/xml",
            "",
        ] {
            assert!(!is_json(other), "{other}");
        }
    }

    #[test]
    fn path_shapes_erase_parameter_names_only() {
        assert_eq!(
            path_shape("/links/{id}/items/{item_id}"),
            "/links/{}/items/{}"
        );
        assert_eq!(path_shape("/a/{x}.json"), "/a/{}.json");
        assert_eq!(path_shape("/plain/path"), "/plain/path");
        assert_eq!(path_shape("/{用户id}"), "/{}");
        assert_eq!(path_shape("/open/{x"), "/open/{");
    }

    #[test]
    fn component_names_are_read_from_their_section_only_and_unescaped() {
        let name = |r: &'static str, section| component_name(r, section).map(Cow::into_owned);
        assert_eq!(
            name("#/components/schemas/Page", "schemas"),
            Some("Page".into())
        );
        assert_eq!(
            name("#/components/schemas/a~1b~0c", "schemas"),
            Some("a/b~c".into())
        );
        assert_eq!(name("#/components/schemas/Page", "responses"), None);
        assert_eq!(name("#/components/schemasX/Page", "schemas"), None);
        assert_eq!(name("other.yaml#/components/schemas/Page", "schemas"), None);
    }

    #[test]
    fn references_are_followed_to_the_bound_and_no_further() {
        // `r0` → `r1` → … → `r{n-1}` → the item.
        let chain = |n: usize| -> Vec<ReferenceOr<u8>> {
            (0..n)
                .map(|i| ReferenceOr::Reference {
                    reference: format!("r{}", i + 1),
                })
                .chain([ReferenceOr::Item(7)])
                .collect()
        };
        let follow = |links: &Vec<ReferenceOr<u8>>, bound| {
            resolve_ref(&links[0], bound, |r: &str| {
                links.get(r[1..].parse::<usize>().ok()?)
            })
            .copied()
        };
        assert_eq!(follow(&chain(0), 0), Some(7));
        assert_eq!(follow(&chain(3), 3), Some(7));
        assert_eq!(follow(&chain(4), 3), None);
        let dangling = vec![ReferenceOr::<u8>::Reference {
            reference: "r9".into(),
        }];
        assert_eq!(follow(&dangling, 3), None);
    }
}
