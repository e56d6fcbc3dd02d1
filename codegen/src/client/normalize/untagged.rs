//! Several error bodies as one schema serde's untagged enums read without ambiguity: schemas
//! of different JSON kinds become `oneOf` alternatives, schemas of one kind are merged keeping
//! every field (a merge of named components shared as one component).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use indexmap::IndexMap;
use serde_json::{json, Value};

use super::normalizer::{Normalizer, SCHEMA_PREFIX};
use super::schema::strip_docs;
use crate::client::identifiers::{rust_name, Case};
use crate::openapi_util::component_name;
use crate::warning::{Code, Location};

/// The kind of JSON value a schema accepts, as far as serde's untagged enum can tell
/// alternatives apart (integers and numbers are one kind to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum UntaggedKind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Unknown,
}

impl Normalizer {
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

    pub(super) fn untagged_kind(&self, schema: &Value, depth: usize) -> UntaggedKind {
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
    pub(super) fn union(&mut self, schemas: Vec<Value>, depth: usize) -> (Value, bool) {
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
