//! Request bodies: one media type kept (JSON, form, bytes, text, in that order), its schema
//! tidied and moved into a component.

use indexmap::IndexMap;
use openapiv3::{Operation, ReferenceOr, RequestBody};
use serde_json::json;

use super::normalizer::{Normalizer, MAX_REF_FOLLOWS};
use crate::openapi_util::{component_name, is_json, mime, resolve_ref};
use crate::warning::Code;

impl Normalizer {
    pub(super) fn request_body(
        &mut self,
        op: &mut Operation,
        id: &str,
        components: &openapiv3::Components,
    ) {
        let Some(body) = op.request_body.take() else {
            return;
        };
        let Some(mut body) = resolve_request_body(&body, components) else {
            self.warn_op(
                id,
                Code::DanglingRef,
                "the request body $ref does not resolve; the operation has no body",
            );
            return;
        };
        if body.content.is_empty() {
            return;
        }
        let chosen = body
            .content
            .iter()
            .filter_map(|(mt, m)| body_rank(mt).map(|rank| (rank, mt.clone(), m.clone())))
            .min_by_key(|(rank, _, _)| *rank);
        let Some((rank, chosen_type, mut media)) = chosen else {
            let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
            let message = format!(
                "request body type {} is not supported by progenitor; the operation is \
                 generated without a body",
                types.join(", ")
            );
            self.warn_op(id, Code::RequestBodyUnsupported, message);
            return;
        };
        if body.content.len() > 1 {
            let others: Vec<&str> = body
                .content
                .keys()
                .filter(|k| **k != chosen_type)
                .map(String::as_str)
                .collect();
            self.warn_op(
                id,
                Code::RequestBodyAlternatives,
                format!(
                    "the request body is also accepted as {}; the client sends {chosen_type} only",
                    others.join(", ")
                ),
            );
        }
        media.encoding.clear();
        let (key, schema) = match rank {
            0 | 1 => {
                let at = self.at(id);
                let mut schema = self.json(media.schema.as_ref(), &at, "the request body");
                self.tidy(&mut schema, at, Some("request body"));
                let key = if rank == 0 {
                    "application/json"
                } else {
                    "application/x-www-form-urlencoded"
                };
                (key, self.extract(schema, &format!("{id}Body")))
            }
            2 => (
                "application/octet-stream",
                json!({"type": "string", "format": "binary"}),
            ),
            _ => ("text/plain", json!({"type": "string"})),
        };
        media.schema = Some(self.typed(schema, &self.at(id), "the request body"));
        body.content = IndexMap::from([(key.to_owned(), media)]);
        op.request_body = Some(ReferenceOr::Item(body));
    }
}

/// Preference among request media types: JSON, form, bytes, text; `None` if unsupported.
fn body_rank(media_type: &str) -> Option<u8> {
    let m = mime(media_type);
    if is_json(&m) {
        Some(0)
    } else if m == "application/x-www-form-urlencoded" {
        Some(1)
    } else if m == "application/octet-stream" {
        Some(2)
    } else if m == "text/plain" {
        Some(3)
    } else {
        None
    }
}

fn resolve_request_body(
    b: &ReferenceOr<RequestBody>,
    c: &openapiv3::Components,
) -> Option<RequestBody> {
    resolve_ref(b, MAX_REF_FOLLOWS, |r| {
        c.request_bodies
            .get(component_name(r, "requestBodies")?.as_ref())
    })
    .cloned()
}
