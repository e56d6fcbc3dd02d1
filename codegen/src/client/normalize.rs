//! Rewrites a copy of a faithful OpenAPI 3.0 document into the subset progenitor 0.15 accepts.
//!
//! progenitor returns an error, or panics, on shapes that real specs contain; each rule below
//! removes one such shape while keeping what a caller can observe as close to the API as the
//! generator allows. Every change that a caller could notice is recorded as a [`Warning`].
//!
//! Document level:
//! - **OpenAPI 3.1 (or anything but 3.0.x) is an error**: progenitor and typify read 3.0 only,
//!   and 3.1 schemas (type arrays, `const`, …) would be misread rather than rejected.
//! - **Schema component names that collide once in PascalCase** (`foo_bar`, `FooBar`) are
//!   renamed `FooBar2`…, refs rewritten: typify would emit two Rust types with one name.
//! - **Dangling or external schema `$ref`s become `{}`** (any JSON value), with a warning:
//!   typify panics on a ref it cannot resolve.
//! - **`$ref` path items are dropped** (warning): progenitor `unwrap`s them as inline items.
//!   Paths not starting with `/` get one; paths with malformed `{…}` templates are dropped.
//! - **Parameter, request-body and response `$ref`s are inlined** and path-level parameters are
//!   copied into each operation, so every rule below sees one operation at a time.
//!
//! - **Schemas are tidied for typify**, which hits `todo!()` on shapes JSON Schema allows: a
//!   schema without `type` but with type-specific keywords gets the type they imply (`format:
//!   int64` → integer, `items` → array, `properties` → object, `pattern` → string); `format`
//!   is removed from objects, arrays and booleans. No accepted value changes. `format: float`
//!   is removed from numbers, so amounts are `f64`, not `f32`, which rounds 1234567.89.
//! - **Validation keywords are removed** (`pattern`, length, range and item-count bounds,
//!   `uniqueItems`): typify turns them into validating newtypes, so one response field that
//!   breaks a documented bound would make the whole response fail to parse; the server is the
//!   one that validates. Closed `enum`s are kept: they are a statement of the spec.
//!
//! Operations:
//! - **Missing operationIds are derived** from method and path (`get_api_links_id`);
//!   **duplicates** (compared as the Rust method name progenitor derives, so `getUser` and
//!   `get_user` collide) get `_2`, `_3`…; ids that would shadow `Client`'s own methods
//!   (`new`, `client`, `pre`, `exec`…) or, as builder types, what the builders use (`Result`,
//!   `String`, `Error`…) get `_operation`. progenitor needs unique method names.
//! - **Path template params without a declaration are added** as required string path params
//!   (progenitor panics: "missing path name mapping"); declared path params absent from the
//!   template are dropped; path params are made `required` (progenitor asserts it) and
//!   `simple`-style.
//! - **Cookie params are dropped** and **query params of style `deepObject`, `spaceDelimited`
//!   or `pipeDelimited` are dropped** (warnings): progenitor rejects them. Params given by
//!   `content` get that content's schema. `Accept`, `Content-Type` and `Authorization` header
//!   params are dropped: progenitor sets the first two itself, auth belongs to the runtime.
//!   Params whose Rust names collide (`page-size`, `page_size`, or `send`/`body`/`client`,
//!   which the builders use) are renamed in Rust only, and header params whose names are not
//!   HTTP header names are dropped ([`params`](super::params)). Header and path params typed as arrays or
//!   objects become strings: progenitor formats them with `to_string()`, which those lack.
//! - **Request bodies keep one media type**: `application/json` (also `application/*+json`,
//!   rewritten to `application/json`), else `application/x-www-form-urlencoded`, else
//!   `application/octet-stream` (schema forced to binary string), else `text/plain`. Others
//!   (`multipart/form-data`, XML, …) are dropped with a warning: progenitor panics on two media
//!   types and errors on unknown ones. A JSON body without schema gets `{}`.
//! - **Responses**: a JSON-ish media type (`application/json`, `*/*+json`, `text/json`) becomes
//!   the only content, as `application/json`, with `{}` when it had no schema (progenitor hits
//!   a `todo!()` otherwise). 1xx and 3xx responses are dropped (reqwest follows redirects;
//!   progenitor would treat 101 as a websocket upgrade).
//! - **`default` becomes `4XX` and `5XX`** (unless those exist): progenitor counts `default`
//!   both as success and as error, which breaks the one-type-per-side rule below.
//! - **One success type**: progenitor asserts at most one type over all 2xx responses. When
//!   every 2xx JSON body has one schema, that is the type. When they differ, every 2xx with a
//!   JSON body points at a synthetic component `{OperationId}Success` whose
//!   `x-status-variants` lists status, variant name (the reason phrase) and schema (a `$ref` or
//!   an array of them; other bodies are moved into components first); the glue
//!   (`glue::status_variants`) makes it an enum of one variant per status. 2xx that cannot be
//!   a variant (no or a non-JSON body beside JSON ones, a `2XX` range among several shapes)
//!   are dropped with a warning (such a reply then surfaces as `Error::UnexpectedResponse`,
//!   which still carries the whole `reqwest::Response`). Without any JSON body but with some other
//!   body, all 2xx become raw byte streams (a bodiless one is an empty stream).
//! - **One error type**: all 4xx/5xx JSON bodies of an operation are combined. Identical
//!   schemas stay as they are; schemas that JSON tells apart by kind (one array, one object, …)
//!   become a component `{OperationId}Error` = `oneOf` of them, which typify emits as an
//!   untagged enum that cannot pick the wrong variant. Schemas of the *same* kind (two object
//!   shapes, two arrays) cannot be told apart by serde's untagged enums (response fields are
//!   optional, so any object matches any object shape); they are merged into one schema with
//!   the union of their properties, so no field of any of them is lost (a merge of up to three
//!   named components is itself a shared component, e.g. `ErrorOrMfaTokenRequired`, so the
//!   operations that merge the same bodies share one type). Error responses
//!   without a JSON body are dropped when others have one: they surface as
//!   `Error::UnexpectedResponse` with status and body intact.
//! - **Inline body schemas move into components** (`{OperationId}Body`, `…Response`,
//!   `…Error`, arrays keep their inline `Vec` and move their items, `…Item`): progenitor names
//!   every inline response `{operationId}-response` whatever the status, so distinct inline
//!   bodies collide, and our names are checked against existing components.
//! - **Schemas that stand for themselves** (`A: {$ref: A}`, `allOf` cycles) lose the link
//!   that closes the cycle, with a warning (module `cycles`): typify would emit
//!   conflicting impls or overflow its stack.
//! - **Inline schemas nested in components move into components too** (`{Parent}{Property}`,
//!   `…Item` for array items, `…Value` for map values; nullable ones stay inline): typify
//!   names them the same way but does not check the names against the components, so
//!   `Column.text` and a component `ColumnText` gave two Rust types with one name.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{
    MediaType, OpenAPI, Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem,
    PathStyle, QueryStyle, ReferenceOr, RequestBody, Response, Schema, StatusCode,
};
use serde_json::{json, Value};

use super::cycles::break_alias_cycles;
use super::error::ClientError;
use super::identifiers::{self, rust_name, Case};
use super::params::{rename_parameters, WireNames};
use crate::openapi_util::{
    component_name, is_json, mime, operations_mut, parameter_data_mut, read_openapi, resolve_ref,
    OpenApiSource,
};
use crate::warning::{Code, Location, Warning};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The extension on the synthetic component of a success body of several shapes (read by
/// `glue::status_variants`).
pub(crate) const STATUS_VARIANTS: &str = "x-status-variants";

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

/// The normalised copy of a spec and what was changed.
#[derive(Clone, Debug)]
pub struct Normalized {
    /// The document progenitor will read.
    pub spec: OpenAPI,
    /// What changed, in document order.
    pub warnings: Vec<Warning>,
    /// Query and header parameters renamed for Rust: name in `spec` → name on the wire.
    pub wire_names: WireNames,
}

/// Normalises a copy of `spec` for progenitor; see the module documentation for the rules.
pub fn normalize(spec: &OpenAPI) -> Result<Normalized, ClientError> {
    if !crate::openapi_util::is_openapi_3_0(&spec.openapi) {
        return Err(ClientError::UnsupportedVersion(spec.openapi.clone()));
    }
    let mut spec = spec.clone();
    let mut n = Normalizer::default();
    n.schema_components(&mut spec);
    let components = spec.components.clone().unwrap_or_default();

    // Pass 1: usable paths and final operation ids (component names derive from the ids).
    let mut items = n.usable_paths(std::mem::take(&mut spec.paths.paths));

    // Pass 2: each operation on its own.
    for (path, item) in &mut items {
        let template = template_names(path).unwrap_or_default();
        let shared = std::mem::take(&mut item.parameters);
        for (_, op) in operations_mut(item) {
            let id = op.operation_id.clone().unwrap_or_default();
            n.request_body(op, &id, &components);
            n.parameters(op, &id, &shared, &template, &components);
            n.responses(op, &id, &components);
        }
    }

    if !n.merged_errors.is_empty() {
        let list = std::mem::take(&mut n.merged_errors).join(", ");
        n.warn(
            Code::ErrorBodiesMerged,
            Location::Document,
            format!(
                "error bodies that JSON cannot tell apart (same kind) were merged into one \
                 schema per operation, keeping every field: {list}"
            ),
        );
    }
    n.hoist_nested();
    let cut = break_alias_cycles(&mut n.schemas);
    n.warnings.extend(cut);
    let wire_names = rename_parameters(&mut items, &mut n.warnings);
    spec.paths.paths = items
        .into_iter()
        .map(|(p, i)| (p, ReferenceOr::Item(i)))
        .collect();
    let mut schemas = IndexMap::new();
    for (name, v) in std::mem::take(&mut n.schemas) {
        let typed = n.typed(v, &Location::Component(name.clone()), "the component");
        schemas.insert(name, typed);
    }
    spec.components.get_or_insert_with(Default::default).schemas = schemas;
    Ok(Normalized {
        spec,
        warnings: n.warnings,
        wire_names,
    })
}

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

#[derive(Default)]
struct Normalizer {
    warnings: Vec<Warning>,
    /// Each final operationId's operation, where its warnings are located.
    operations: HashMap<String, Location>,
    /// The component schemas as JSON, with the ones moved out of operations appended.
    schemas: IndexMap<String, Value>,
    /// PascalCase keys of every schema name in use.
    taken: HashSet<String>,
    /// Operations whose error bodies were merged, with their statuses (one warning for all).
    merged_errors: Vec<String>,
    /// Shared merged schemas: their JSON text → component name.
    shared: std::collections::HashMap<String, String>,
}

/// The kind of JSON value a schema accepts, as far as serde's untagged enum can tell
/// alternatives apart (integers and numbers are one kind to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum UntaggedKind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Unknown,
}

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
    fn warn(&mut self, code: Code, at: Location, message: impl Into<String>) {
        self.warnings.push(Warning::new(code, at, message));
    }

    /// A warning about the operation whose final operationId is `id`.
    fn warn_op(&mut self, id: &str, code: Code, message: impl Into<String>) {
        let at = self.at(id);
        self.warn(code, at, message);
    }

    /// Where the operation whose final operationId is `id` is (every one is registered by
    /// [`Normalizer::operation_id`] before any other warning about it).
    fn at(&self, id: &str) -> Location {
        self.operations
            .get(id)
            .cloned()
            .unwrap_or(Location::Document)
    }

    /// The paths progenitor can take, each with a leading `/`, and every operation's final
    /// operationId.
    fn usable_paths(
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
    fn schema_components(&mut self, spec: &mut OpenAPI) {
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

    /// `schema` as JSON (`{}` for none); `{}` with a warning when it does not convert.
    fn json(&mut self, schema: Option<&ReferenceOr<Schema>>, at: &Location, what: &str) -> Value {
        let mut notes = Vec::new();
        let v = or_any(schema_json(schema), json!({}), what, &mut notes);
        self.warn_notes(notes, at, None);
        v
    }

    /// `value` as a typed schema; any JSON with a warning when `openapiv3` does not read it.
    fn typed(&mut self, value: Value, at: &Location, what: &str) -> ReferenceOr<Schema> {
        let mut notes = Vec::new();
        let typed = or_any(to_schema(value), any_schema(), what, &mut notes);
        self.warn_notes(notes, at, None);
        typed
    }

    /// Notes of the free functions below as warnings at `at`, about `what` there.
    fn warn_notes(&mut self, notes: Vec<Note>, at: &Location, what: Option<&str>) {
        for (code, note) in notes {
            let message = match what {
                Some(what) => format!("{what}: {note}"),
                None => note,
            };
            self.warn(code, at.clone(), message);
        }
    }

    /// [`tidy_schema`], with its notes turned into warnings at `at`, about `what` there.
    fn tidy(&mut self, schema: &mut Value, at: Location, what: Option<&str>) {
        let mut notes = Vec::new();
        tidy_schema(schema, 0, &mut notes);
        self.warn_notes(notes, &at, what);
    }

    /// A schema name derived from `base` whose Rust name is not yet in use, now taken.
    fn unique_name(&mut self, base: &str) -> String {
        let base = rust_name(base, Case::Pascal);
        let mut name = base.clone();
        let mut k = 2;
        while self.taken.contains(&rust_name(&name, Case::Pascal)) {
            name = format!("{base}{k}");
            k += 1;
        }
        self.taken.insert(rust_name(&name, Case::Pascal));
        name
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

    fn parameters(
        &mut self,
        op: &mut Operation,
        id: &str,
        shared: &[ReferenceOr<Parameter>],
        template: &[String],
        components: &openapiv3::Components,
    ) {
        let mut kept = Vec::new();
        for mut p in self.effective_parameters(op, id, shared, components) {
            if self.usable_parameter(&mut p, id, template) {
                self.plain_parameter_value(&mut p, id);
                kept.push(p);
            }
        }
        self.declare_path_parameters(&mut kept, id, template);
        // Rust names that collide are renamed later, in `params::rename_parameters`.
        op.parameters = kept.into_iter().map(ReferenceOr::Item).collect();
    }

    /// The path item's parameters and the operation's, resolved, an operation-level one
    /// overriding a path-level one with the same key.
    fn effective_parameters(
        &mut self,
        op: &Operation,
        id: &str,
        shared: &[ReferenceOr<Parameter>],
        components: &openapiv3::Components,
    ) -> Vec<Parameter> {
        let mut params: Vec<Parameter> = Vec::new();
        for p in shared.iter().chain(&op.parameters) {
            match resolve_parameter(p, components) {
                Some(p) => {
                    let key = param_key(&p);
                    params.retain(|q| param_key(q) != key);
                    params.push(p);
                }
                None => self.warn_op(
                    id,
                    Code::DanglingRef,
                    "a parameter $ref does not resolve; dropped",
                ),
            }
        }
        params
    }

    /// Whether progenitor can take `p` (cookies, non-form query styles, headers the client or
    /// runtime sets, and path parameters outside the template cannot); a path parameter that
    /// stays is made required and simple.
    fn usable_parameter(&mut self, p: &mut Parameter, id: &str, template: &[String]) -> bool {
        let name = p.parameter_data_ref().name.clone();
        match p {
            Parameter::Cookie { .. } => {
                self.warn_op(
                    id,
                    Code::ParameterUnsupported,
                    format!("cookie parameter `{name}` dropped (progenitor has no cookie support)"),
                );
                false
            }
            Parameter::Query { style, .. } if !matches!(style, QueryStyle::Form) => {
                let message = format!(
                    "query parameter `{name}` has style {style:?}, which progenitor rejects; \
                     dropped"
                );
                self.warn_op(id, Code::ParameterUnsupported, message);
                false
            }
            Parameter::Header { .. }
                if ["accept", "content-type", "authorization"]
                    .contains(&name.to_ascii_lowercase().as_str()) =>
            {
                let message = format!(
                    "header parameter `{name}` dropped: the client sets it (Accept, \
                     Content-Type) or the runtime does (Authorization)"
                );
                self.warn_op(id, Code::HeaderParameterDropped, message);
                false
            }
            Parameter::Path {
                parameter_data,
                style,
            } => {
                if template.contains(&name) {
                    parameter_data.required = true;
                    if !matches!(style, PathStyle::Simple) {
                        self.warn_op(
                            id,
                            Code::PathParameterStyle,
                            format!("path parameter `{name}` has style {style:?}; sent as simple"),
                        );
                        *style = PathStyle::Simple;
                    }
                    true
                } else {
                    self.warn_op(
                        id,
                        Code::PathParameterNotInTemplate,
                        format!("path parameter `{name}` is not in the path template; dropped"),
                    );
                    false
                }
            }
            _ => true,
        }
    }

    /// `p` as a plain value progenitor can send: a `content` description becomes its schema,
    /// the schema is tidied, and an array or object in a header or path becomes a string.
    fn plain_parameter_value(&mut self, p: &mut Parameter, id: &str) {
        let name = p.parameter_data_ref().name.clone();
        let data = parameter_data_mut(p);
        if let ParameterSchemaOrContent::Content(content) = &data.format {
            let schema = content
                .values()
                .find_map(|m| m.schema.clone())
                .unwrap_or_else(|| ReferenceOr::Item(string_schema()));
            let message = format!(
                "parameter `{name}` is described by `content`; its schema is used as a plain \
                 value"
            );
            self.warn_op(id, Code::ParameterContent, message);
            data.format = ParameterSchemaOrContent::Schema(schema);
        }
        let in_text = matches!(p, Parameter::Header { .. } | Parameter::Path { .. });
        let data = parameter_data_mut(p);
        if let ParameterSchemaOrContent::Schema(schema) = &mut data.format {
            let at = self.at(id);
            let what = format!("parameter `{name}`");
            let mut v = self.json(Some(&*schema), &at, &what);
            self.tidy(&mut v, at.clone(), Some(&what));
            // progenitor writes header and path values with `to_string()`, which
            // arrays and objects lack.
            if in_text
                && matches!(
                    self.untagged_kind(&v, 0),
                    UntaggedKind::Array | UntaggedKind::Object
                )
            {
                let message = format!(
                    "parameter `{name}` is an array or object in a header or path; typed \
                     as a string the caller formats"
                );
                self.warn_op(id, Code::StructuredParameterInText, message);
                v = json!({"type": "string"});
            }
            *schema = self.typed(v, &at, &what);
        }
    }

    /// A path parameter for each name of the template that none declares, as a string.
    fn declare_path_parameters(
        &mut self,
        kept: &mut Vec<Parameter>,
        id: &str,
        template: &[String],
    ) {
        for name in template {
            let declared = kept
                .iter()
                .any(|p| matches!(p, Parameter::Path { parameter_data, .. } if &parameter_data.name == name));
            if !declared {
                self.warn_op(
                    id,
                    Code::PathParameterUndeclared,
                    format!("path parameter `{name}` is not declared; added as a string"),
                );
                kept.push(Parameter::Path {
                    parameter_data: ParameterData {
                        name: name.clone(),
                        description: None,
                        required: true,
                        deprecated: None,
                        format: ParameterSchemaOrContent::Schema(
                            ReferenceOr::Item(string_schema()),
                        ),
                        example: None,
                        examples: IndexMap::new(),
                        explode: None,
                        extensions: IndexMap::new(),
                    },
                    style: PathStyle::Simple,
                });
            }
        }
    }

    fn request_body(&mut self, op: &mut Operation, id: &str, components: &openapiv3::Components) {
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

    fn responses(&mut self, op: &mut Operation, id: &str, components: &openapiv3::Components) {
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

    /// Moves inline schemas nested in component properties (and array items, map values) that
    /// typify would name (`{Parent}{Property}`) into components whose names are checked
    /// against all others, so typify never invents a name that another component has.
    fn hoist_nested(&mut self) {
        let mut i = 0;
        while i < self.schemas.len() {
            let (name, mut schema) = match self.schemas.get_index(i) {
                Some((k, v)) => (k.clone(), v.clone()),
                None => break,
            };
            self.hoist_children(&mut schema, &rust_name(&name, Case::Pascal), 0);
            self.schemas.insert(name, schema);
            i += 1;
        }
    }

    fn hoist_children(&mut self, schema: &mut Value, base: &str, depth: usize) {
        if depth > 32 {
            return;
        }
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for (prop, child) in props.iter_mut() {
                let child_base = format!("{base}{}", rust_name(prop, Case::Pascal));
                self.hoist(child, &child_base, depth);
            }
        }
        if let Some(items) = obj.get_mut("items") {
            self.hoist(items, &format!("{base}Item"), depth);
        }
        if let Some(values @ Value::Object(_)) = obj.get_mut("additionalProperties") {
            self.hoist(values, &format!("{base}Value"), depth);
        }
    }

    /// Hoists `schema` as `{base}` when typify would name it. Nullable schemas stay inline:
    /// a `$ref` cannot carry `nullable` in OpenAPI 3.0.
    fn hoist(&mut self, schema: &mut Value, base: &str, depth: usize) {
        // Only these make typify emit a named type; arrays, maps and free-form objects stay
        // `Vec`/`HashMap`/`Map` inline, and only their contents are considered.
        let named = ["properties", "enum", "oneOf", "anyOf", "allOf"]
            .iter()
            .any(|k| schema.get(*k).is_some());
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        if !named || nullable || schema.get("$ref").is_some() || is_described_ref(schema) {
            self.hoist_children(schema, base, depth + 1);
            return;
        }
        let name = self.unique_name(base);
        let reference = json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") });
        // The property keeps its own description (rustdoc on the field), beside the type's.
        let replacement = match schema.get("description") {
            Some(d) => json!({ "allOf": [reference], "description": d }),
            None => reference,
        };
        let moved = std::mem::replace(schema, replacement);
        // Appended: `hoist_nested` reaches it later and handles its own children.
        self.schemas.insert(name, moved);
    }

    /// Leaves `schema` inline when progenitor would not need to name a type for it (a `$ref`,
    /// a primitive, an array of those), moves array items out as `{base}Item`, and anything
    /// else into a new component `{base}`; returns what to use in its place.
    fn extract(&mut self, schema: Value, base: &str) -> Value {
        if is_simple(&schema) {
            return schema;
        }
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let mut schema = schema;
            if let Some(items) = schema.get_mut("items") {
                let inner = self.extract(items.take(), &format!("{base}Item"));
                *items = inner;
            }
            return schema;
        }
        let name = self.unique_name(base);
        self.schemas.insert(name.clone(), schema);
        json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") })
    }

    /// Follows schema refs (bounded, so cycles end) to the schema they name.
    fn resolve(&self, schema: &Value) -> Value {
        let mut current = schema.clone();
        for _ in 0..16 {
            let Some(target) = current
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| component_name(r, "schemas"))
                .map(Cow::into_owned)
            else {
                return current;
            };
            match self.schemas.get(&target) {
                Some(s) => current = s.clone(),
                None => return json!({}),
            }
        }
        json!({})
    }

    fn untagged_kind(&self, schema: &Value, depth: usize) -> UntaggedKind {
        let s = self.resolve(schema);
        match s.get("type").and_then(Value::as_str) {
            Some("object") => return UntaggedKind::Object,
            Some("array") => return UntaggedKind::Array,
            Some("string") => return UntaggedKind::String,
            Some("integer" | "number") => return UntaggedKind::Number,
            Some("boolean") => return UntaggedKind::Boolean,
            _ => {}
        }
        if s.get("properties").is_some() || s.get("additionalProperties").is_some() {
            return UntaggedKind::Object;
        }
        if s.get("items").is_some() {
            return UntaggedKind::Array;
        }
        if depth > 8 {
            return UntaggedKind::Unknown;
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            let kinds: Vec<UntaggedKind> = parts
                .iter()
                .map(|p| self.untagged_kind(p, depth + 1))
                .collect();
            if kinds.contains(&UntaggedKind::Object) {
                return UntaggedKind::Object;
            }
            return kinds.first().copied().unwrap_or(UntaggedKind::Unknown);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(alts) = s.get(key).and_then(Value::as_array) {
                let kinds: HashSet<UntaggedKind> = alts
                    .iter()
                    .map(|p| self.untagged_kind(p, depth + 1))
                    .collect();
                return match kinds.len() {
                    1 => kinds.into_iter().next().unwrap_or(UntaggedKind::Unknown),
                    _ => UntaggedKind::Unknown,
                };
            }
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            if values.iter().all(Value::is_string) {
                return UntaggedKind::String;
            }
        }
        UntaggedKind::Unknown
    }

    /// Adds the alternatives of `schema` to `out`, looking through pure `oneOf`/`anyOf`.
    fn flatten(&self, schema: Value, out: &mut Vec<Value>, depth: usize) {
        let resolved = self.resolve(&schema);
        let alternatives = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| resolved.get(*k).and_then(Value::as_array).cloned());
        match alternatives {
            Some(alts)
                if depth < 8
                    && resolved.get("type").is_none()
                    && resolved.get("properties").is_none() =>
            {
                for alt in alts {
                    self.flatten(alt, out, depth + 1);
                }
            }
            _ => {
                if !out.contains(&schema) {
                    out.push(schema);
                }
            }
        }
    }

    /// One schema accepting what each of `schemas` accepts, without ambiguity: schemas of
    /// different JSON kinds become `oneOf` alternatives, schemas of one kind are merged.
    /// Returns whether anything was merged.
    fn union(&mut self, schemas: Vec<Value>, depth: usize) -> (Value, bool) {
        let mut flat = Vec::new();
        for s in schemas {
            self.flatten(s, &mut flat, 0);
        }
        if flat.len() == 1 {
            return (flat.remove(0), false);
        }
        let mut groups: BTreeMap<UntaggedKind, Vec<Value>> = BTreeMap::new();
        for s in flat {
            groups.entry(self.untagged_kind(&s, 0)).or_default().push(s);
        }
        if groups.contains_key(&UntaggedKind::Unknown) || depth > 6 {
            return (json!({}), true);
        }
        let mut merged = false;
        let mut alternatives = Vec::new();
        for (kind, mut group) in groups {
            if group.len() == 1 {
                alternatives.push(group.remove(0));
            } else {
                merged = true;
                alternatives.push(self.merge(kind, &group, depth));
            }
        }
        if alternatives.len() == 1 {
            (alternatives.remove(0), merged)
        } else {
            (json!({ "oneOf": alternatives }), merged)
        }
    }

    /// Merges schemas of one kind into one that keeps every field of each.
    fn merge(&mut self, kind: UntaggedKind, group: &[Value], depth: usize) -> Value {
        let resolved: Vec<Value> = group.iter().map(|s| self.resolve(s)).collect();
        let nullable = resolved
            .iter()
            .any(|s| s.get("nullable").and_then(Value::as_bool) == Some(true));
        let mut out = match kind {
            UntaggedKind::Object => {
                let mut props: IndexMap<String, Vec<Value>> = IndexMap::new();
                for s in &resolved {
                    self.collect_properties(s, &mut props, 0);
                }
                let mut merged = serde_json::Map::new();
                let mut rust_names = HashSet::new();
                for (name, list) in props {
                    // Bodies tidied one by one can still bring two names that are one Rust
                    // field (`#` and `🦀` are both `x`): the first is kept, as in one body.
                    if !rust_names.insert(rust_name(&name, Case::Snake)) {
                        self.warn(
                            Code::PropertyNameCollision,
                            Location::Document,
                            format!(
                                "property `{name}` of merged bodies has the same Rust name as \
                                 another of their properties; dropped"
                            ),
                        );
                        continue;
                    }
                    let (u, _) = self.union(list, depth + 1);
                    merged.insert(name, u);
                }
                json!({ "type": "object", "properties": merged })
            }
            UntaggedKind::Array => {
                let items = resolved
                    .iter()
                    .map(|s| s.get("items").cloned().unwrap_or_else(|| json!({})))
                    .collect();
                let (u, _) = self.union(items, depth + 1);
                json!({ "type": "array", "items": u })
            }
            UntaggedKind::String | UntaggedKind::Number | UntaggedKind::Boolean => {
                let shapes: Vec<Value> = resolved.iter().map(strip_docs).collect();
                if shapes.iter().all(|s| *s == shapes[0]) {
                    group[0].clone()
                } else {
                    let all_int = resolved
                        .iter()
                        .all(|s| s.get("type").and_then(Value::as_str) == Some("integer"));
                    match kind {
                        UntaggedKind::String => json!({ "type": "string" }),
                        UntaggedKind::Number if all_int => json!({ "type": "integer" }),
                        UntaggedKind::Number => json!({ "type": "number" }),
                        _ => json!({ "type": "boolean" }),
                    }
                }
            }
            UntaggedKind::Unknown => json!({}),
        };
        if nullable {
            if let Some(obj) = out.as_object_mut() {
                if !obj.contains_key("$ref") {
                    obj.insert("nullable".to_owned(), Value::Bool(true));
                }
            }
        }
        if kind == UntaggedKind::Object {
            out = self.share_merged(out, group);
        }
        out
    }

    /// A merge of up to three named components becomes one shared component named after
    /// them (`ErrorOrMfaTokenRequired`), so the operations that merge the same bodies share
    /// one Rust type; other merges stay inline.
    fn share_merged(&mut self, merged: Value, group: &[Value]) -> Value {
        let names: Option<Vec<String>> = group
            .iter()
            .map(|s| {
                s.get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| component_name(r, "schemas"))
                    .map(|n| rust_name(&n, Case::Pascal))
            })
            .collect();
        let Some(names) = names.filter(|n| n.len() <= 3) else {
            return merged;
        };
        let key = merged.to_string();
        let name = match self.shared.get(&key) {
            Some(name) => name.clone(),
            None => {
                let name = self.unique_name(&names.join("Or"));
                self.schemas.insert(name.clone(), merged);
                self.shared.insert(key, name.clone());
                name
            }
        };
        json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") })
    }

    fn collect_properties(
        &self,
        s: &Value,
        props: &mut IndexMap<String, Vec<Value>>,
        depth: usize,
    ) {
        if let Some(p) = s.get("properties").and_then(Value::as_object) {
            for (name, schema) in p {
                let list = props.entry(name.clone()).or_default();
                if !list.contains(schema) {
                    list.push(schema.clone());
                }
            }
        }
        if depth < 8 {
            if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
                for part in parts {
                    self.collect_properties(&self.resolve(part), props, depth + 1);
                }
            }
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

/// Whether progenitor can use `schema` inline without naming a type after the operation.
/// A reference with its own description (`allOf: [$ref]` beside `description`, since 3.0
/// ignores what stands beside a `$ref`): typify reads it as the referenced type, so it is not
/// a type to name. (A nullable one is handled as before: it stays inline where it is a
/// property, and is moved out where a body is one.)
fn is_described_ref(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return false;
    };
    let single_ref = obj
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|parts| parts.len() == 1 && parts[0].get("$ref").is_some());
    single_ref
        && obj
            .keys()
            .all(|k| matches!(k.as_str(), "allOf" | "description"))
}

fn is_simple(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return true;
    };
    if obj.contains_key("$ref") || is_described_ref(schema) {
        return true;
    }
    let complex = [
        "enum",
        "properties",
        "additionalProperties",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
    ];
    if complex.iter().any(|k| obj.contains_key(*k)) {
        return false;
    }
    match obj.get("type").and_then(Value::as_str) {
        Some("array") => obj.get("items").is_none_or(is_simple),
        Some("object") => false,
        _ => true,
    }
}

/// Bounds that typify would enforce while parsing responses (see the module documentation).
const VALIDATION_KEYWORDS: &[&str] = &[
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Makes a schema explicit enough for typify (see the module documentation); recursive.
fn tidy_schema(schema: &mut Value, depth: usize, notes: &mut Vec<Note>) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if obj.contains_key("$ref") || depth > 64 {
        return;
    }
    let combinator = ["allOf", "oneOf", "anyOf", "not"]
        .iter()
        .any(|k| obj.contains_key(*k));
    if !obj.contains_key("type") && !combinator {
        if let Some(t) = implied_type(obj) {
            obj.insert("type".to_owned(), json!(t));
        }
    }
    if matches!(
        obj.get("type").and_then(Value::as_str),
        Some("object" | "array" | "boolean")
    ) {
        obj.remove("format");
    }
    // `format: float` would make typify emit `f32`, which cannot hold an amount such as
    // 1234567.89 exactly enough; every number is read as `f64`.
    if obj.get("type").and_then(Value::as_str) == Some("number")
        && obj.get("format").and_then(Value::as_str) == Some("float")
    {
        obj.remove("format");
    }
    for key in VALIDATION_KEYWORDS {
        obj.remove(*key);
    }
    tidy_enum(obj, notes);
    tidy_properties(obj, notes);
    for (key, child) in obj.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(props) = child.as_object_mut() {
                    for p in props.values_mut() {
                        tidy_schema(p, depth + 1, notes);
                    }
                }
            }
            "items" | "additionalProperties" | "not" => tidy_schema(child, depth + 1, notes),
            "allOf" | "oneOf" | "anyOf" => {
                if let Some(parts) = child.as_array_mut() {
                    for p in parts {
                        tidy_schema(p, depth + 1, notes);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The type a schema without one implies by its other keywords (`properties` → object,
/// `format: int64` → integer, `pattern` → string, …), if any.
fn implied_type(obj: &serde_json::Map<String, Value>) -> Option<&'static str> {
    let format = obj
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
        Some("object")
    } else if obj.contains_key("items") {
        Some("array")
    } else if matches!(format, "int32" | "int64" | "integer") {
        Some("integer")
    } else if matches!(format, "float" | "double" | "number" | "decimal") {
        Some("number")
    } else if !format.is_empty()
        || ["pattern", "minLength", "maxLength"]
            .iter()
            .any(|k| obj.contains_key(*k))
    {
        Some("string")
    } else if ["minimum", "maximum", "multipleOf"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        Some("number")
    } else {
        None
    }
}

/// Opens a string `enum` whose values typify cannot name apart (it panics): the schema stays
/// a string, which accepts every value the enum did, with a note naming the values.
fn tidy_enum(obj: &mut serde_json::Map<String, Value>, notes: &mut Vec<Note>) {
    let Some(Value::Array(values)) = obj.get("enum") else {
        return;
    };
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() + values.iter().filter(|v| v.is_null()).count() != values.len()
        || identifiers::enum_variants_distinct(&strings)
    {
        return;
    }
    let listed = strings
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    obj.remove("enum");
    notes.push((
        Code::EnumVariantsCollide,
        format!(
            "enum values {listed} cannot all have distinct Rust variant names; typed as a string"
        ),
    ));
}

/// Drops properties whose Rust name another property of the object already has (with a
/// note), and required names no property declares.
fn tidy_properties(obj: &mut serde_json::Map<String, Value>, notes: &mut Vec<Note>) {
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        let mut seen = HashSet::new();
        let mut dropped = Vec::new();
        props.retain(|name, _| {
            let fresh = seen.insert(rust_name(name, Case::Snake));
            if !fresh {
                dropped.push(name.clone());
            }
            fresh
        });
        for name in dropped {
            notes.push((
                Code::PropertyNameCollision,
                format!(
                    "property `{name}` has the same Rust name as another property of its \
                     object; dropped"
                ),
            ));
        }
    }
    let declared: Option<HashSet<String>> = obj
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect());
    if let (Some(declared), Some(Value::Array(required))) = (declared, obj.get_mut("required")) {
        // typify adds an undeclared required name as an extra `Value` field, which can
        // collide with a declared one.
        required.retain(|r| r.as_str().is_some_and(|r| declared.contains(r)));
    }
}

fn strip_docs(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(obj) = s.as_object_mut() {
        for key in [
            "description",
            "title",
            "example",
            "examples",
            "externalDocs",
        ] {
            obj.remove(key);
        }
    }
    s
}

/// What a free function of this module noticed, for its caller to turn into a warning.
type Note = (Code, String);

/// JSON as a typed schema, or why `openapiv3` does not read it. Every value here was read
/// from a typed schema and then only tidied, and `openapiv3` reads any object whose keywords
/// have the right JSON types (a `type` whose other keywords do not fit becomes an untyped
/// schema), so this does not fail in practice; were it to, the schema becomes any JSON with
/// a warning rather than silently.
fn to_schema(value: Value) -> Result<ReferenceOr<Schema>, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// A typed schema as JSON, `{}` (any JSON) where there is none.
fn schema_json(schema: Option<&ReferenceOr<Schema>>) -> Result<Value, String> {
    schema.map_or(Ok(json!({})), |s| {
        serde_json::to_value(s).map_err(|e| e.to_string())
    })
}

/// The value of `result`, or `fallback` with a note that `what` is now any JSON.
fn or_any<T>(result: Result<T, String>, fallback: T, what: &str, notes: &mut Vec<Note>) -> T {
    result.unwrap_or_else(|why| {
        notes.push((
            Code::SchemaNotTyped,
            format!("{what} is not a schema `openapiv3` reads ({why}); typed as any JSON"),
        ));
        fallback
    })
}

/// `{}`: any JSON.
fn any_schema() -> ReferenceOr<Schema> {
    ReferenceOr::Item(Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    })
}

/// `{type: string}`.
fn string_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(Default::default())),
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
fn template_names(path: &str) -> Option<Vec<String>> {
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

fn param_key(p: &Parameter) -> (u8, String) {
    let loc = match p {
        Parameter::Query { .. } => 0,
        Parameter::Header { .. } => 1,
        Parameter::Path { .. } => 2,
        Parameter::Cookie { .. } => 3,
    };
    (loc, p.parameter_data_ref().name.clone())
}

/// How many `$ref`s in a row normalisation follows to a parameter, body or response.
const MAX_REF_FOLLOWS: usize = 8;

fn resolve_parameter(p: &ReferenceOr<Parameter>, c: &openapiv3::Components) -> Option<Parameter> {
    resolve_ref(p, MAX_REF_FOLLOWS, |r| {
        c.parameters.get(component_name(r, "parameters")?.as_ref())
    })
    .cloned()
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

fn resolve_response(r: &ReferenceOr<Response>, c: &openapiv3::Components) -> Option<Response> {
    resolve_ref(r, MAX_REF_FOLLOWS, |r| {
        c.responses.get(component_name(r, "responses")?.as_ref())
    })
    .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema `openapiv3` does not read becomes any JSON with a note, one it reads stays.
    #[test]
    fn a_schema_openapiv3_refuses_is_noted_not_dropped_silently() {
        let mut notes = Vec::new();
        for bad in [
            json!({"description": 5}),
            json!({"nullable": "yes"}),
            json!([]),
        ] {
            let typed = or_any(to_schema(bad), any_schema(), "body", &mut notes);
            assert_eq!(serde_json::to_value(typed).unwrap(), json!({}));
        }
        let codes: Vec<Code> = notes.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, [Code::SchemaNotTyped; 3], "{notes:?}");

        let good = json!({"type": "integer", "enum": ["a"]});
        let typed = or_any(to_schema(good.clone()), any_schema(), "body", &mut notes);
        assert_eq!(serde_json::to_value(typed).unwrap(), good);
        assert_eq!(notes.len(), 3);
    }

    /// The schemas built without a round trip are the ones read from their JSON.
    #[test]
    fn built_schemas_equal_their_json() {
        assert_eq!(any_schema(), to_schema(json!({})).unwrap());
        let string: Schema = serde_json::from_value(json!({"type": "string"})).unwrap();
        assert_eq!(string_schema(), string);
    }
}
