//! A group's schema: the union of its members' shapes, each property with the first
//! description stated for it and `required`, `enum` and formats only where every member
//! states them; and pending placeholders replaced by `$ref`s once names are known.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::nodes::{Components, PENDING};
use crate::infer::{JsonType, Shape};
use crate::openapi::contract::Stated;
use crate::openapi::scalar::restrict;
use crate::openapi_util::object;

impl Components {
    /// The schema of a group: all members' shapes merged, nested objects as references.
    pub(super) fn group_schema(&mut self, members: &[usize]) -> Value {
        let shape = members
            .iter()
            .map(|m| self.nodes[*m].shape.clone())
            .reduce(Shape::merge)
            .unwrap_or_default();
        let JsonType::Object(props) = shape.kind else {
            return json!({"type": "object"});
        };
        let mut children: BTreeMap<String, usize> = BTreeMap::new();
        for m in members {
            for (path, child) in &self.nodes[*m].children {
                children.entry(path.clone()).or_insert(*child);
            }
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (key, prop) in &props {
            let mut schema = self.property_schema(prop, key, &children);
            if self.state(members, key, &mut schema) {
                required.push(json!(key));
            }
            properties.insert(key.clone(), schema);
        }
        let mut schema = object([
            ("type", json!("object")),
            ("properties", Value::Object(properties)),
        ]);
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        schema
    }

    /// Writes what the members state about property `key` into its schema: the first
    /// description; the values, and a format, that every member having the property states
    /// (so a response member, which states none, keeps the schema open); returns whether every
    /// member has the property and states it required.
    fn state(&self, members: &[usize], key: &str, schema: &mut Value) -> bool {
        let having: Vec<Option<&Stated>> = members
            .iter()
            .map(|m| &self.nodes[*m])
            .filter(|n| matches!(&n.shape.kind, JsonType::Object(p) if p.contains_key(key)))
            .map(|n| n.stated.get(key))
            .collect();
        if let Some(d) = having
            .iter()
            .flatten()
            .find_map(|s| s.description.as_deref())
        {
            describe(schema, d);
        }
        let all = |test: &dyn Fn(&Stated) -> bool| having.iter().all(|s| s.is_some_and(test));
        if all(&|s| !s.values.is_empty()) {
            let mut values: Vec<&str> = Vec::new();
            for s in having.iter().flatten() {
                for v in &s.values {
                    if !values.contains(&v.as_str()) {
                        values.push(v);
                    }
                }
            }
            restrict(schema, &values);
        }
        if let Some(format) = having.first().copied().flatten().and_then(|s| s.format) {
            if all(&|s| s.format == Some(format)) && schema.get("type") == Some(&json!("string")) {
                schema
                    .as_object_mut()
                    .expect("a typed schema is an object")
                    .entry("format")
                    .or_insert(json!(format));
            }
        }
        having.len() == members.len() && all(&|s| s.required == Some(true))
    }

    /// Like `emit`, but nested objects point at the groups already built for them. Node
    /// shapes hold nested objects as stubs (see [`stub_nested`]), so whether a nested object
    /// has properties is read from `children`.
    fn property_schema(
        &mut self,
        shape: &Shape,
        path: &str,
        children: &BTreeMap<String, usize>,
    ) -> Value {
        let mut schema = match &shape.kind {
            JsonType::Object(_) => match children.get(path) {
                Some(child) => {
                    let reference = json!({ PENDING: *child });
                    if shape.nullable {
                        return object([
                            ("allOf", Value::Array(vec![reference])),
                            ("nullable", Value::Bool(true)),
                        ]);
                    }
                    return reference;
                }
                None => json!({"type": "object"}),
            },
            JsonType::Array(item) => {
                let items = self.property_schema(item, &format!("{path}[]"), children);
                object([("type", json!("array")), ("items", items)])
            }
            JsonType::OneOf(alts) => {
                let alts: Vec<Value> = alts
                    .iter()
                    .map(|a| self.property_schema(a, path, children))
                    .collect();
                object([("oneOf", Value::Array(alts))])
            }
            _ => {
                let mut scratch = BTreeMap::new();
                return self.emit(shape, &[], path, &mut scratch, false);
            }
        };
        if shape.nullable {
            schema["nullable"] = Value::Bool(true);
        }
        schema
    }
}

/// Sets a property schema's description; a reference is wrapped in a one-element `allOf`,
/// since OpenAPI 3.0 ignores what stands beside a `$ref`.
fn describe(schema: &mut Value, description: &str) {
    if schema.get(PENDING).is_some() {
        *schema = object([("allOf", Value::Array(vec![schema.take()]))]);
    }
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("description".into(), json!(description));
    }
}

/// Removes every schema's `description` (not properties named so) from `schema`.
pub(super) fn strip_descriptions(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    obj.remove("description");
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        props.values_mut().for_each(strip_descriptions);
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = obj.get_mut(key) {
            strip_descriptions(inner);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(alts)) = obj.get_mut(key) {
            alts.iter_mut().for_each(strip_descriptions);
        }
    }
}

pub(super) fn collect_pending(value: &Value, out: &mut Vec<usize>) {
    match value {
        Value::Object(map) => {
            if let Some(id) = map.get(PENDING).and_then(Value::as_u64) {
                out.push(id as usize);
            }
            map.values().for_each(|v| collect_pending(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| collect_pending(v, out)),
        _ => {}
    }
}

pub(super) fn replace_pending(value: &mut Value, resolve: &mut impl FnMut(usize) -> String) {
    match value {
        Value::Object(map) => {
            if let Some(id) = map.get(PENDING).and_then(Value::as_u64) {
                *value = json!({"$ref": resolve(id as usize)});
                return;
            }
            map.values_mut().for_each(|v| replace_pending(v, resolve));
        }
        Value::Array(list) => list.iter_mut().for_each(|v| replace_pending(v, resolve)),
        _ => {}
    }
}
