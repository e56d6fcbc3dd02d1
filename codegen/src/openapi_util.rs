//! The OpenAPI basics every stage shares, written once: what counts as a JSON media type,
//! the operations of a path item, a parameter's common data, building JSON objects.

use openapiv3::{Operation, Parameter, ParameterData, PathItem};
use serde_json::Value;

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
