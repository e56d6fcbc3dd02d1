//! The normaliser's state, shared by every pass: the warnings, where each operation is, the
//! component schemas as JSON and the Rust names in use; and the helpers that read, type and
//! tidy a schema with their notes turned into warnings.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::{json, Value};

use super::schema::{any_schema, or_any, schema_json, tidy_schema, to_schema, Note};
use crate::client::identifiers::{rust_name, Case};
use crate::warning::{Code, Location, Warning};

pub(super) const SCHEMA_PREFIX: &str = "#/components/schemas/";

#[derive(Default)]
pub(super) struct Normalizer {
    pub(super) warnings: Vec<Warning>,
    /// Each final operationId's operation, where its warnings are located.
    pub(super) operations: HashMap<String, Location>,
    /// The component schemas as JSON, with the ones moved out of operations appended.
    pub(super) schemas: IndexMap<String, Value>,
    /// PascalCase keys of every schema name in use.
    pub(super) taken: HashSet<String>,
    /// Operations whose error bodies were merged, with their statuses (one warning for all).
    pub(super) merged_errors: Vec<String>,
    /// Shared merged schemas: their JSON text → component name.
    pub(super) shared: std::collections::HashMap<String, String>,
}

impl Normalizer {
    pub(super) fn warn(&mut self, code: Code, at: Location, message: impl Into<String>) {
        self.warnings.push(Warning::new(code, at, message));
    }

    /// A warning about the operation whose final operationId is `id`.
    pub(super) fn warn_op(&mut self, id: &str, code: Code, message: impl Into<String>) {
        let at = self.at(id);
        self.warn(code, at, message);
    }

    /// Where the operation whose final operationId is `id` is (every one is registered by
    /// [`Normalizer::operation_id`] before any other warning about it).
    pub(super) fn at(&self, id: &str) -> Location {
        self.operations
            .get(id)
            .cloned()
            .unwrap_or(Location::Document)
    }

    /// `schema` as JSON (`{}` for none); `{}` with a warning when it does not convert.
    pub(super) fn json(
        &mut self,
        schema: Option<&ReferenceOr<Schema>>,
        at: &Location,
        what: &str,
    ) -> Value {
        let mut notes = Vec::new();
        let v = or_any(schema_json(schema), json!({}), what, &mut notes);
        self.warn_notes(notes, at, None);
        v
    }

    /// `value` as a typed schema; any JSON with a warning when `openapiv3` does not read it.
    pub(super) fn typed(&mut self, value: Value, at: &Location, what: &str) -> ReferenceOr<Schema> {
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
    pub(super) fn tidy(&mut self, schema: &mut Value, at: Location, what: Option<&str>) {
        let mut notes = Vec::new();
        tidy_schema(schema, 0, &mut notes);
        self.warn_notes(notes, &at, what);
    }

    /// A schema name derived from `base` whose Rust name is not yet in use, now taken.
    pub(super) fn unique_name(&mut self, base: &str) -> String {
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
}

/// How many `$ref`s in a row normalisation follows to a parameter, body or response.
pub(super) const MAX_REF_FOLLOWS: usize = 8;
