//! Responses: content normalised, 1xx and 3xx dropped, `default` made `4XX`/`5XX`, one success
//! type per operation (the synthetic `{OperationId}Success` with `x-status-variants` when 2xx
//! bodies differ) and one error type.

use indexmap::IndexMap;
use openapiv3::{MediaType, Operation, ReferenceOr, Response, Schema, StatusCode};
use serde_json::{json, Value};

use super::normalizer::{Normalizer, MAX_REF_FOLLOWS, SCHEMA_PREFIX};
use super::schema::{or_any, schema_json, tidy_schema, Note};
use crate::client::identifiers::{rust_name, Case};
use crate::openapi_util::{component_name, is_json, resolve_ref};
use crate::warning::Code;

/// The extension on the synthetic component of a success body of several shapes (read by
/// `glue::status_variants`).
pub(crate) const STATUS_VARIANTS: &str = "x-status-variants";

/// A response status as progenitor orders them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Code(u16),
    Range(u16),
    Default,
}

impl Status {
    fn order(self) -> u32 {
        match self {
            Status::Code(c) => u32::from(c),
            Status::Range(r) => u32::from(r) * 100,
            Status::Default => 1000,
        }
    }
    fn is_success(self) -> bool {
        matches!(self, Status::Code(200..=299) | Status::Range(2))
    }
    fn is_error(self) -> bool {
        matches!(self, Status::Code(400..=599) | Status::Range(4..=5))
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

/// What a response carries once its content is normalised (its schema when JSON).
#[derive(Clone, Debug)]
enum ResponseBody {
    Json(Value),
    Raw,
    None,
}

impl Normalizer {
    pub(super) fn responses(
        &mut self,
        op: &mut Operation,
        id: &str,
        components: &openapiv3::Components,
    ) {
        let mut entries: Vec<(Status, Response, ResponseBody)> = Vec::new();
        let default = op.responses.default.take().map(|r| (Status::Default, r));
        let listed = std::mem::take(&mut op.responses.responses)
            .into_iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => Status::Code(c),
                    StatusCode::Range(r) => Status::Range(r),
                };
                (status, r)
            });
        for (status, r) in default.into_iter().chain(listed) {
            let Some(response) = resolve_response(&r, components) else {
                self.warn_op(
                    id,
                    Code::DanglingRef,
                    format!("the {status} response $ref does not resolve; dropped"),
                );
                continue;
            };
            // 1xx/3xx: reqwest follows redirects and progenitor reads 101 as an upgrade.
            if matches!(status, Status::Code(100..=199 | 300..=399) | Status::Range(1 | 3)) {
                continue;
            }
            let mut notes = Vec::new();
            let body = normalize_content(&response, &mut notes);
            for (code, note) in notes {
                self.warn_op(id, code, format!("{status} response: {note}"));
            }
            entries.push((status, response, body));
        }

        // `default` counts as both success and error in progenitor: keep it as errors only.
        if let Some(pos) = entries.iter().position(|(s, _, _)| *s == Status::Default) {
            let (_, response, body) = entries.remove(pos);
            for range in [4, 5] {
                let covered = entries.iter().any(|(s, _, _)| *s == Status::Range(range));
                if !covered {
                    entries.push((Status::Range(range), response.clone(), body.clone()));
                }
            }
        }

        self.success(&mut entries, id);
        self.errors(&mut entries, id);

        entries.sort_by_key(|(s, _, _)| s.order());
        for (status, response, _) in entries {
            let code = match status {
                Status::Code(c) => StatusCode::Code(c),
                Status::Range(r) => StatusCode::Range(r),
                Status::Default => continue,
            };
            op.responses
                .responses
                .insert(code, ReferenceOr::Item(response));
        }
    }

    /// Keeps one success type (see the module documentation).
    fn success(&mut self, entries: &mut Vec<(Status, Response, ResponseBody)>, id: &str) {
        let chosen = entries
            .iter()
            .filter(|(s, _, b)| s.is_success() && matches!(b, ResponseBody::Json(_)))
            .min_by_key(|(s, _, _)| s.order())
            .map(|(s, _, b)| (*s, b.clone()));
        match chosen {
            Some((chosen_status, ResponseBody::Json(chosen))) => {
                // Statuses with a JSON body of another shape become variants of one enum.
                let typed_apart = |s: &Status, b: &ResponseBody| {
                    s.is_success()
                        && matches!((s, b), (Status::Code(_), ResponseBody::Json(v)) if *v != chosen)
                };
                let several = entries.iter().any(|(s, _, b)| typed_apart(s, b));
                let mut dropped = Vec::new();
                entries.retain(|(s, _, b)| {
                    let same = matches!(b, ResponseBody::Json(v) if *v == chosen);
                    let kept = match several {
                        // A variant needs a status of its own: a `2XX` range has none.
                        true => matches!((s, b), (Status::Code(_), ResponseBody::Json(_))),
                        false => same,
                    };
                    if s.is_success() && !kept {
                        dropped.push(format!("{s} ({})", describe(b)));
                        return false;
                    }
                    true
                });
                if !dropped.is_empty() {
                    let kept = if several {
                        "keeps the JSON bodies".to_owned()
                    } else {
                        format!("keeps the {chosen_status} body")
                    };
                    let message = format!(
                        "one success type per operation: {kept}, drops {}; such replies \
                         surface as Error::UnexpectedResponse",
                        dropped.join(", ")
                    );
                    self.warn_op(id, Code::SuccessTypesDropped, message);
                }
                let schema = if several {
                    self.status_variants(entries, id)
                } else {
                    self.extract(chosen, &format!("{id}Response"))
                };
                let schema = self.typed(schema, &self.at(id), "the success body");
                for (s, r, _) in entries.iter_mut() {
                    if s.is_success() {
                        set_json(r, schema.clone());
                    }
                }
            }
            _ => {
                let any_raw = entries
                    .iter()
                    .any(|(s, _, b)| s.is_success() && matches!(b, ResponseBody::Raw));
                if any_raw {
                    // A bodiless reply read as a stream is just an empty stream.
                    for (s, r, b) in entries.iter_mut() {
                        if s.is_success() && matches!(b, ResponseBody::None) {
                            r.content.insert(
                                "application/octet-stream".to_owned(),
                                MediaType::default(),
                            );
                            *b = ResponseBody::Raw;
                        }
                    }
                }
            }
        }
    }

    /// The synthetic component `{id}Success` that stands for the success bodies of several
    /// shapes: its `x-status-variants` lists, per status, the variant name (the reason
    /// phrase) and the body's schema, a `$ref` or an array of them, so that the glue
    /// (`glue::status_variants`) can spell its Rust type; anything else is moved into a
    /// component first. The original bodies stay components, so typify still emits them.
    fn status_variants(&mut self, entries: &[(Status, Response, ResponseBody)], id: &str) -> Value {
        let mut shapes: Vec<(Value, Value)> = Vec::new();
        let mut variants = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (s, _, b) in entries {
            let (Status::Code(code), true, ResponseBody::Json(body)) = (s, s.is_success(), b)
            else {
                continue;
            };
            let mut name = rust_name(crate::status::reason(*code), Case::Pascal);
            if names.contains(&name) {
                name = format!("{name}{code}");
            }
            names.push(name.clone());
            let schema = match shapes.iter().find(|(k, _)| k == body) {
                Some((_, schema)) => schema.clone(),
                None => {
                    let base = match shapes.is_empty() {
                        true => format!("{id}Response"),
                        false => format!("{id}{name}Response"),
                    };
                    let mut schema = self.extract(body.clone(), &base);
                    if !spelled_by_refs(&schema) {
                        let name = self.unique_name(&base);
                        self.schemas.insert(name.clone(), schema);
                        schema = json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") });
                    }
                    shapes.push((body.clone(), schema.clone()));
                    schema
                }
            };
            variants.push(json!({ "status": code, "variant": name, "schema": schema }));
        }
        let name = self.unique_name(&format!("{id}Success"));
        let description = format!(
            "The success body of `{id}`, one variant per status: {}.",
            names.join(", ")
        );
        let schema = json!({ "description": description, STATUS_VARIANTS: variants });
        self.schemas.insert(name.clone(), schema);
        json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") })
    }

    /// Points every error status at one schema (see the module documentation).
    fn errors(&mut self, entries: &mut Vec<(Status, Response, ResponseBody)>, id: &str) {
        let mut distinct: Vec<Value> = Vec::new();
        let mut json_statuses = Vec::new();
        for (s, _, b) in entries.iter() {
            if let (true, ResponseBody::Json(v)) = (s.is_error(), b) {
                json_statuses.push(s.to_string());
                if !distinct.contains(v) {
                    distinct.push(v.clone());
                }
            }
        }
        if distinct.is_empty() {
            // No typed errors: progenitor still needs one kind, so keep the bodiless ones
            // when both raw and bodiless errors exist.
            let raw = entries
                .iter()
                .any(|(s, _, b)| s.is_error() && matches!(b, ResponseBody::Raw));
            let none = entries
                .iter()
                .any(|(s, _, b)| s.is_error() && matches!(b, ResponseBody::None));
            if raw && none {
                self.drop_errors(
                    entries,
                    id,
                    |b| matches!(b, ResponseBody::Raw),
                    "a non-JSON body",
                );
            }
            return;
        }
        self.drop_errors(
            entries,
            id,
            |b| !matches!(b, ResponseBody::Json(_)),
            "no JSON body",
        );

        let schema = if distinct.len() == 1 {
            distinct.remove(0)
        } else {
            let (combined, merged) = self.union(distinct, 0);
            if merged {
                self.merged_errors
                    .push(format!("{id} ({})", json_statuses.join(", ")));
            }
            combined
        };
        let schema = self.extract(schema, &format!("{id}Error"));
        let schema = self.typed(schema, &self.at(id), "the error body");
        for (s, r, _) in entries.iter_mut() {
            if s.is_error() {
                set_json(r, schema.clone());
            }
        }
    }

    fn drop_errors(
        &mut self,
        entries: &mut Vec<(Status, Response, ResponseBody)>,
        id: &str,
        drop: impl Fn(&ResponseBody) -> bool,
        what: &str,
    ) {
        let mut dropped = Vec::new();
        entries.retain(|(s, _, b)| {
            if s.is_error() && drop(b) {
                dropped.push(s.to_string());
                return false;
            }
            true
        });
        if !dropped.is_empty() {
            let message = format!(
                "error status {} has {what}, unlike the others; it surfaces as \
                 Error::UnexpectedResponse",
                dropped.join(", ")
            );
            self.warn_op(id, Code::ErrorStatusesDropped, message);
        }
    }
}

fn describe(body: &ResponseBody) -> &'static str {
    match body {
        ResponseBody::Json(_) => "another body",
        ResponseBody::Raw => "a non-JSON body",
        ResponseBody::None => "no body",
    }
}

fn set_json(response: &mut Response, schema: ReferenceOr<Schema>) {
    let media = MediaType {
        schema: Some(schema),
        ..MediaType::default()
    };
    response.content = IndexMap::from([("application/json".to_owned(), media)]);
}

/// What a response's content is: its JSON body's schema (tidied) when it has one. The content
/// itself is left as it is: `success` and `errors` replace every JSON one with the schema
/// they choose.
fn normalize_content(response: &Response, notes: &mut Vec<Note>) -> ResponseBody {
    let json = response
        .content
        .iter()
        .find(|(mt, _)| is_json(mt))
        .map(|(_, m)| m);
    match json {
        Some(media) => {
            let mut schema = or_any(schema_json(media.schema.as_ref()), json!({}), "body", notes);
            tidy_schema(&mut schema, 0, notes);
            ResponseBody::Json(schema)
        }
        None if response.content.is_empty() => ResponseBody::None,
        None => ResponseBody::Raw,
    }
}

/// A `$ref`, or an array (of arrays…) of one, with no other keyword that changes its Rust
/// type: what `glue::status_variants` spells without typify.
fn spelled_by_refs(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return false;
    };
    if obj.contains_key("$ref") {
        return obj.len() == 1;
    }
    let plain = obj
        .keys()
        .all(|k| matches!(k.as_str(), "type" | "items" | "description" | "example"));
    plain
        && obj.get("type") == Some(&json!("array"))
        && obj.get("items").is_some_and(spelled_by_refs)
}

fn resolve_response(r: &ReferenceOr<Response>, c: &openapiv3::Components) -> Option<Response> {
    resolve_ref(r, MAX_REF_FOLLOWS, |r| {
        c.responses.get(component_name(r, "responses")?.as_ref())
    })
    .cloned()
}
