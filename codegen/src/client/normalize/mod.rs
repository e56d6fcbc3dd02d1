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

mod document;
mod hoist;
mod normalizer;
mod parameters;
mod request;
mod responses;
mod schema;
mod untagged;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};

use super::cycles::break_alias_cycles;
use super::error::ClientError;
use super::params::{rename_parameters, WireNames};
use crate::openapi_util::operations_mut;
use crate::warning::{Code, Location, Warning};
use document::template_names;
use normalizer::Normalizer;
pub(crate) use responses::STATUS_VARIANTS;

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
