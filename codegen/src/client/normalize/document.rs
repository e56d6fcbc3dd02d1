//! Document-level rules: component names that collide in Rust renamed, schema `$ref`s that
//! resolve nowhere replaced by `{}`, `$ref` and malformed paths dropped, and each operation's
//! final operationId (derived when missing, renamed when it collides or would shadow a name
//! the generated code uses).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr, Schema};
use serde_json::{json, Value};

use super::normalizer::{Normalizer, SCHEMA_PREFIX};
use crate::client::identifiers::{rust_name, Case};
use crate::openapi_util::{component_name, operations_mut, read_openapi, OpenApiSource};
use crate::warning::{Code, Location};

/// Type names the generated `types` module uses unqualified (typify writes
/// `Default::default()`): a component of that name would shadow them, so it is renamed.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Default",
    "Option",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "ToString",
    "ToOwned",
    "Iterator",
    "IntoIterator",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "AsRef",
];

/// Names the generated `builder` module imports from progenitor's client crate; a builder
/// (the PascalCase operationId) of one of these names, or of a std type the builders use
/// unqualified (`Result`, `String`, `From`: [`RESERVED_TYPE_NAMES`]), would shadow it.
const BUILDER_IMPORTS: &[&str] = &[
    "Client",
    "ClientInfo",
    "ClientHooks",
    "Error",
    "ResponseValue",
    "ByteStream",
    "OperationInfo",
    "RequestBuilderExt",
];

fn is_reserved_builder(pascal: &str) -> bool {
    BUILDER_IMPORTS.contains(&pascal) || RESERVED_TYPE_NAMES.contains(&pascal)
}

/// Names progenitor's generated code uses on `Client` itself (inherent or through the
/// `ClientInfo`/`ClientHooks` traits it calls as methods); an operation method of the same
/// name would shadow them.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "new_with_client",
    "baseurl",
    "client",
    "api_version",
    "inner",
    "pre",
    "post",
    "exec",
];

/// Rust names already given to operations: progenitor's method (snake) and builder (Pascal).
#[derive(Default)]
struct MethodNames {
    snake: HashSet<String>,
    pascal: HashSet<String>,
}

impl MethodNames {
    fn is_free(&self, id: &str) -> bool {
        !self.snake.contains(&rust_name(id, Case::Snake))
            && !self.pascal.contains(&rust_name(id, Case::Pascal))
    }
    fn take(&mut self, id: &str) {
        self.snake.insert(rust_name(id, Case::Snake));
        self.pascal.insert(rust_name(id, Case::Pascal));
    }
}

impl Normalizer {
    /// The paths progenitor can take, each with a leading `/`, and every operation's final
    /// operationId.
    pub(super) fn usable_paths(
        &mut self,
        paths: IndexMap<String, ReferenceOr<PathItem>>,
    ) -> IndexMap<String, PathItem> {
        let mut items: IndexMap<String, PathItem> = IndexMap::new();
        let mut method_names = MethodNames::default();
        for (raw, item) in paths {
            let ReferenceOr::Item(mut item) = item else {
                self.warn(
                    Code::PathIsRef,
                    Location::Path(raw),
                    "a $ref, which progenitor cannot read; dropped",
                );
                continue;
            };
            let path = if raw.starts_with('/') {
                raw.clone()
            } else {
                format!("/{raw}")
            };
            if template_names(&path).is_none() {
                self.warn(
                    Code::MalformedPathTemplate,
                    Location::Path(raw),
                    "a malformed `{…}` template; dropped",
                );
                continue;
            }
            if items.contains_key(&path) {
                let message = format!("duplicates `{path}`; dropped");
                self.warn(Code::DuplicatePath, Location::Path(raw), message);
                continue;
            }
            for (method, op) in operations_mut(&mut item) {
                self.operation_id(op, method, &path, &mut method_names);
            }
            items.insert(path, item);
        }
        items
    }

    /// Renames component schemas whose Rust names collide and replaces schema refs that point
    /// nowhere by `{}`; leaves the component schemas in `self.schemas` as JSON.
    pub(super) fn schema_components(&mut self, spec: &mut OpenAPI) {
        self.taken
            .extend(RESERVED_TYPE_NAMES.iter().map(|n| n.to_string()));
        let comps = spec.components.get_or_insert_with(Default::default);
        let names: Vec<String> = comps.schemas.keys().cloned().collect();
        let mut renames = BTreeMap::new();
        for name in &names {
            let key = rust_name(name, Case::Pascal);
            if self.taken.insert(key) {
                continue;
            }
            let new = self.unique_name(name);
            self.warn(
                Code::SchemaRenamed,
                Location::Component(name.clone()),
                format!("has the same Rust name as another type; renamed `{new}`"),
            );
            renames.insert(name.clone(), new);
        }
        let known: HashSet<String> = names.iter().cloned().collect();
        match serde_json::to_value(&*spec) {
            Ok(doc) => self.repair_refs(spec, doc, &renames, &known),
            Err(e) => self.warn(
                Code::DocumentNotReread,
                Location::Document,
                format!("the document could not be written as JSON to repair $refs ({e})"),
            ),
        }
        let comps = spec.components.get_or_insert_with(Default::default);
        let schemas: Vec<(String, ReferenceOr<Schema>)> = comps
            .schemas
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (name, schema) in schemas {
            let name = renames.get(&name).cloned().unwrap_or(name);
            let at = Location::Component(name.clone());
            let mut v = self.json(Some(&schema), &at, "the component");
            self.tidy(&mut v, at, None);
            self.schemas.insert(name, v);
        }
    }

    /// Renames `$ref`s to renamed components and replaces those that resolve nowhere by `{}`
    /// in `doc`, the JSON of `spec`, and reads it back into `spec`.
    fn repair_refs(
        &mut self,
        spec: &mut OpenAPI,
        mut doc: Value,
        renames: &BTreeMap<String, String>,
        known: &HashSet<String>,
    ) {
        let mut dangling = Vec::new();
        fix_refs(&mut doc, Ctx::Other, renames, known, &mut dangling);
        dangling.sort();
        dangling.dedup();
        for r in dangling {
            self.warn(
                Code::DanglingSchemaRef,
                Location::Document,
                format!("schema $ref `{r}` does not resolve; replaced by `{{}}` (any JSON)"),
            );
        }
        match read_openapi(OpenApiSource::Json(&doc)) {
            Ok(fixed) => *spec = fixed,
            // Not silently: the dangling refs stay, and typify will name the one it meets.
            Err(e) => self.warn(
                Code::DocumentNotReread,
                Location::Document,
                format!(
                    "the document could not be re-read after repairing $refs ({e}); left as it was"
                ),
            ),
        }
    }

    fn operation_id(
        &mut self,
        op: &mut Operation,
        method: &str,
        path: &str,
        names: &mut MethodNames,
    ) {
        let at = Location::operation(method, path);
        let base = match op.operation_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() && rust_name(id, Case::Snake) != "x" => id.to_owned(),
            _ => {
                let derived = rust_name(&format!("{method} {path}"), Case::Snake);
                self.warn(
                    Code::OperationIdMissing,
                    at.clone(),
                    format!("no operationId; named `{derived}`"),
                );
                derived
            }
        };
        let mut id = base.clone();
        if RESERVED_METHODS.contains(&rust_name(&id, Case::Snake).as_str())
            || is_reserved_builder(&rust_name(&id, Case::Pascal))
        {
            id = format!("{base}_operation");
            self.warn(
                Code::OperationIdReserved,
                at.clone(),
                format!(
                    "operationId `{base}` would shadow a method of `Client` or a name the \
                     builders use; renamed `{id}`"
                ),
            );
        }
        let stem = id.clone();
        let mut k = 2;
        while !names.is_free(&id) {
            id = format!("{stem}_{k}");
            k += 1;
        }
        if id != stem {
            self.warn(
                Code::OperationIdDuplicate,
                at.clone(),
                format!("operationId `{stem}` is used by another operation; renamed `{id}`"),
            );
        }
        names.take(&id);
        self.operations.insert(id.clone(), at);
        op.operation_id = Some(id);
    }
}

/// Where a JSON value sits, for deciding whether a `$ref` in it names a schema.
#[derive(Clone, Copy)]
enum Ctx {
    Other,
    Schema,
    SchemaMap,
}

/// Renames schema refs and replaces schema refs that point nowhere (or outside the document)
/// by `{}`, collecting the latter.
fn fix_refs(
    v: &mut Value,
    ctx: Ctx,
    renames: &BTreeMap<String, String>,
    known: &HashSet<String>,
    dangling: &mut Vec<String>,
) {
    match v {
        Value::Object(obj) => {
            if let (Ctx::Schema, Some(Value::String(r))) = (ctx, obj.get("$ref")) {
                let r = r.clone();
                match component_name(&r, "schemas").map(Cow::into_owned) {
                    Some(name) if known.contains(&name) => {
                        if let Some(new) = renames.get(&name) {
                            obj.insert("$ref".to_owned(), json!(format!("{SCHEMA_PREFIX}{new}")));
                        }
                    }
                    _ => {
                        dangling.push(r);
                        *v = json!({});
                    }
                }
                return;
            }
            for (key, child) in obj.iter_mut() {
                let child_ctx = match (ctx, key.as_str()) {
                    (Ctx::SchemaMap, _) => Ctx::Schema,
                    (Ctx::Schema, "properties") => Ctx::SchemaMap,
                    (Ctx::Schema, "items" | "not" | "additionalProperties") => Ctx::Schema,
                    (Ctx::Schema, "allOf" | "oneOf" | "anyOf") => Ctx::Schema,
                    (Ctx::Other, "schema") => Ctx::Schema,
                    (Ctx::Other, "schemas") => Ctx::SchemaMap,
                    (Ctx::Other, _) => Ctx::Other,
                    (Ctx::Schema, _) => Ctx::Other,
                };
                fix_refs(child, child_ctx, renames, known, dangling);
            }
        }
        Value::Array(items) => {
            for item in items {
                fix_refs(item, ctx, renames, known, dangling);
            }
        }
        _ => {}
    }
}

/// The parameter names of a path template, or `None` if progenitor could not parse it.
pub(super) fn template_names(path: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut current: Option<String> = None;
    for c in path.chars() {
        match (&mut current, c) {
            (None, '{') => current = Some(String::new()),
            (None, '}') => return None,
            (None, _) => {}
            (Some(name), '}') => {
                if name.is_empty() {
                    return None;
                }
                names.push(std::mem::take(name));
                current = None;
            }
            (Some(_), '{' | '/') => return None,
            (Some(name), c) => name.push(c),
        }
    }
    current.is_none().then_some(names)
}
