//! Hand corrections to the generated spec, written as an [OpenAPI Overlay 1.0] document.
//!
//! A Postman collection cannot say everything a client needs (which response fields are always
//! there, which strings are closed enums, …), so `spec/overlay.yaml` says it and this module
//! applies it to the JSON form of the OpenAPI document:
//!
//! ```yaml
//! overlay: 1.0.0
//! info: { title: Belvo corrections, version: 1.0.0 }
//! actions:
//!   - target: $.components.schemas.Balance
//!     description: a balance always names its account
//!     update: { required: [account] }
//!   - target: $.paths['/api/balances/'].get.parameters[?@.name == 'page_size']
//!     remove: true
//! ```
//!
//! Semantics, in the order the spec gives them:
//! - actions run in order, each one on the result of the previous ones;
//! - `target` is an RFC 9535 JSONPath query (evaluated by [`serde_json_path`]); every node it
//!   selects is changed, each node once even when the query names it twice;
//! - `update` is merged into each selected node: objects merge key by key, recursively; an
//!   array receives the elements of an array `update` (concatenation) or the `update` itself
//!   (append); a primitive is replaced by a primitive. Any other pairing (an object onto a string,
//!   say) is an error rather than a silent overwrite;
//! - `remove: true` deletes each selected node from its parent object or array (`update` is then
//!   ignored, as the spec says).
//!
//! Stricter than the spec, on purpose, so that a correction never rots silently when the API
//! changes: an action whose target selects nothing is an error naming the action, and so is an
//! action with neither `update` nor `remove`, and an unknown field (a typo such as `udpate`).
//!
//! [OpenAPI Overlay 1.0]: https://spec.openapis.org/overlay/v1.0.0.html

mod edit;
mod model;
mod read;
mod target;

use serde_json::Value;

pub use model::{Action, ActionOutcome, ActionRef, Info, Overlay, OverlayError, OverlayReport};

/// Applies `overlay_yaml` to a typed OpenAPI document, returning the corrected document.
///
/// The document is edited in its JSON form, keys in their original order, and checked as
/// [`apply_to_document`] does.
pub fn apply_to_openapi(
    spec: &openapiv3::OpenAPI,
    overlay_yaml: &str,
) -> Result<(openapiv3::OpenAPI, OverlayReport), OverlayError> {
    let mut doc =
        serde_json::to_value(spec).map_err(|err| OverlayError::NotOpenApi(err.to_string()))?;
    let overlay = Overlay::parse(overlay_yaml)?;
    let original = doc.clone();
    let report = overlay.apply(&mut doc)?;
    let spec = overlay.check_result(&original, &doc)?;
    Ok((spec, report))
}

/// Applies `overlay_yaml` to an OpenAPI document in its JSON form, and checks that the result
/// is still OpenAPI 3.0 a client can be generated from ([`crate::validate`]): an error names
/// the action that broke it and what is wrong where.
///
/// On error `doc` may be partly edited: apply to a copy when that matters.
pub fn apply_to_document(
    doc: &mut Value,
    overlay_yaml: &str,
) -> Result<OverlayReport, OverlayError> {
    let overlay = Overlay::parse(overlay_yaml)?;
    let original = doc.clone();
    let report = overlay.apply(doc)?;
    overlay.check_result(&original, doc)?;
    Ok(report)
}

/// Parses `overlay_yaml` and applies it to `doc`, the JSON form of an OpenAPI document.
///
/// On error `doc` may hold the result of the actions before the failing one: apply to a copy
/// when that matters.
pub fn apply(doc: &mut Value, overlay_yaml: &str) -> Result<OverlayReport, OverlayError> {
    Overlay::parse(overlay_yaml)?.apply(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: &str) -> String {
        format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}")
    }

    #[test]
    fn version_must_be_1_0_x() {
        let text = overlay("  - {target: $, update: {}}").replace("1.0.0", "2.0.0");
        assert!(matches!(
            Overlay::parse(&text),
            Err(OverlayError::Invalid(message)) if message.contains("2.0.0")
        ));
    }

    #[test]
    fn removing_the_root_is_an_error() {
        let mut doc = json!({});
        let err = apply(&mut doc, &overlay("  - {target: $, remove: true}")).unwrap_err();
        assert!(matches!(err, OverlayError::RemoveRoot { .. }));
    }
}
