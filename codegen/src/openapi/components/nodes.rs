//! The registry of object shapes: [`Components`] holds one node per object found in a body,
//! with the names its [`Context`] suggests, its scope and what the collection states about its
//! properties; nested objects are nodes of their own, referenced by a pending placeholder
//! until names are known.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use crate::infer::{JsonType, Shape};
use crate::naming;
use crate::openapi::contract::{Fields, Stated};
use crate::openapi::scalar::scalar_schema;
use crate::openapi_util::object;

/// Placeholder written where a component reference goes until names are known.
pub(super) const PENDING: &str = "x-pending-node";

/// Where a shape was found, and so what it may be called.
#[derive(Debug, Clone)]
pub struct Context {
    /// Preferred name, then fallbacks tried when it is taken by a different shape.
    pub names: Vec<String>,
    /// For a page of a paginated list (`{count, next, results: [..]}`): names for the items
    /// of `results`, which are the entity rather than "a result".
    pub results: Option<Vec<String>>,
    /// What the collection states about the body's fields (see [`super::contract`]).
    pub fields: Fields,
}

impl Context {
    pub fn named(names: Vec<String>) -> Context {
        Context {
            names,
            results: None,
            fields: Fields::new(),
        }
    }

    /// The context with what the collection states about the body's fields.
    pub fn stating(mut self, fields: Fields) -> Context {
        self.fields = fields;
        self
    }
}

pub(super) struct Node {
    pub(super) names: Vec<String>,
    /// Whether the names come from a body's own context (its path, status or operation)
    /// rather than from a property name; such names are handed out first, so the items of
    /// `/api/balances/` are `Balance` even when some account has a `balance` property.
    pub(super) from_body: bool,
    /// The shape with nested objects reduced to empty stubs: what the node says about its
    /// own level. Nested objects are nodes of their own, found through `children`, so
    /// keeping their properties here would only copy each subtree once per ancestor.
    pub(super) shape: Shape,
    /// Nested object nodes by property path (`account`, `rates[]`).
    pub(super) children: BTreeMap<String, usize>,
    /// The scope of the operation the node was found in (see the module docs).
    pub(super) scope: String,
    /// What the collection states about the node's own properties, by property name.
    pub(super) stated: BTreeMap<String, Stated>,
}

/// Collects object shapes, then names them and writes `components/schemas`.
#[derive(Default)]
pub struct Components {
    pub(super) nodes: Vec<Node>,
    pub(super) parent: Vec<usize>,
    /// `Context::results` of the body being added, taken by its top node.
    pub(super) results: Option<Vec<String>>,
    /// `naming::type_name` of property names, and of the singular of names: the same few
    /// hundred words recur in every example, and case conversion is not cheap.
    pub(super) type_names: HashMap<String, String, foldhash::fast::RandomState>,
    pub(super) singular_names: HashMap<String, String, foldhash::fast::RandomState>,
    /// The scope of the operation whose bodies are being added.
    pub(super) scope: String,
    /// Operations per scope, counted by [`Components::enter_scope`].
    pub(super) operations: BTreeMap<String, usize>,
    /// What is stated about the fields of the body being added, and the field path (see
    /// [`super::contract::field_path`]) of the value being emitted.
    pub(super) fields: Fields,
    pub(super) at: String,
}

impl Components {
    /// Starts the bodies of one operation, whose path has `scope` before its resource.
    pub fn enter_scope(&mut self, scope: String) {
        *self.operations.entry(scope.clone()).or_default() += 1;
        self.scope = scope;
    }

    /// Returns the JSON schema for `shape`, with every object replaced by a pending reference
    /// to a node; call [`Components::finish`] once every body has been added.
    pub fn schema(&mut self, shape: &Shape, context: &Context) -> Value {
        self.results = context.results.clone();
        self.fields = context.fields.clone();
        self.at.clear();
        self.emit(shape, &context.names, "", &mut BTreeMap::new(), true)
    }

    /// Schema for a shape. `names` are the candidate names for an object at this spot,
    /// `path` its property path inside the enclosing node.
    pub(super) fn emit(
        &mut self,
        shape: &Shape,
        names: &[String],
        path: &str,
        siblings: &mut BTreeMap<String, usize>,
        top: bool,
    ) -> Value {
        let mut schema = match &shape.kind {
            JsonType::Object(props) if !props.is_empty() => {
                let id = self.add_node(
                    shape,
                    names,
                    top || path == "results" || path == "results[]",
                );
                if !top || !path.is_empty() {
                    siblings.insert(path.to_string(), id);
                }
                let reference = json!({ PENDING: id });
                if shape.nullable {
                    return object([
                        ("allOf", Value::Array(vec![reference])),
                        ("nullable", Value::Bool(true)),
                    ]);
                }
                return reference;
            }
            JsonType::Object(_) => json!({"type": "object"}),
            JsonType::Unknown => json!({}),
            JsonType::Boolean
            | JsonType::Integer { .. }
            | JsonType::Number { .. }
            | JsonType::String { .. } => scalar_schema(&shape.kind).unwrap_or_default(),
            JsonType::Array(item) => {
                let item_names: Vec<String> = names
                    .iter()
                    .map(|n| {
                        self.singular_names
                            .entry(n.clone())
                            .or_insert_with(|| naming::type_name(&naming::singular(n)))
                            .clone()
                    })
                    .collect();
                let items = self.emit(item, &item_names, &format!("{path}[]"), siblings, false);
                object([("type", json!("array")), ("items", items)])
            }
            JsonType::OneOf(alts) => {
                let alts: Vec<Value> = alts
                    .iter()
                    .map(|a| self.emit(a, names, path, siblings, false))
                    .collect();
                object([("oneOf", Value::Array(alts))])
            }
        };
        if shape.nullable {
            schema["nullable"] = Value::Bool(true);
        }
        schema
    }

    fn add_node(&mut self, shape: &Shape, names: &[String], from_body: bool) -> usize {
        let id = self.nodes.len();
        // Reserve the slot first so children get higher ids than their parent.
        self.nodes.push(Node {
            names: names.to_vec(),
            from_body,
            shape: stub_nested(shape, true),
            children: BTreeMap::new(),
            scope: self.scope.clone(),
            stated: BTreeMap::new(),
        });
        self.parent.push(id);
        let mut children = BTreeMap::new();
        let results = self.results.take();
        let node_at = self.at.clone();
        if let JsonType::Object(props) = &shape.kind {
            for (key, prop) in props {
                self.enter_field(id, &node_at, key);
                if let (Some(names), "results") = (&results, key.as_str()) {
                    self.emit(prop, names, key, &mut children, false);
                    continue;
                }
                // Names only matter where an object will be named.
                let mut prop_names = Vec::new();
                if holds_object(prop) {
                    let own = self
                        .type_names
                        .entry(key.clone())
                        .or_insert_with(|| naming::type_name(key))
                        .clone();
                    prop_names.reserve(names.len() + 1);
                    prop_names.push(own.clone());
                    prop_names.extend(names.iter().map(|parent| format!("{parent}{own}")));
                }
                self.emit(prop, &prop_names, key, &mut children, false);
            }
        }
        self.at = node_at;
        self.nodes[id].children = children;
        id
    }

    /// Moves to property `key` of node `id` (at field path `node_at`), taking what is stated
    /// about it into the node.
    fn enter_field(&mut self, id: usize, node_at: &str, key: &str) {
        if self.fields.is_empty() {
            return;
        }
        self.at = if node_at.is_empty() {
            key.to_string()
        } else {
            format!("{node_at}.{key}")
        };
        if let Some(stated) = self.fields.get(&self.at) {
            self.nodes[id]
                .stated
                .insert(key.to_string(), stated.clone());
        }
    }
}

fn holds_object(shape: &Shape) -> bool {
    match &shape.kind {
        JsonType::Object(props) => !props.is_empty(),
        JsonType::Array(item) => holds_object(item),
        JsonType::OneOf(alts) => alts.iter().any(holds_object),
        _ => false,
    }
}

/// A copy of `shape` in which objects below the top one have no properties. Arrays and
/// alternatives are kept, since they stay inline in the node's schema.
pub(super) fn stub_nested(shape: &Shape, top: bool) -> Shape {
    let kind = match &shape.kind {
        JsonType::Object(props) if top => JsonType::Object(
            props
                .iter()
                .map(|(k, v)| (k.clone(), stub_nested(v, false)))
                .collect(),
        ),
        JsonType::Object(_) => JsonType::Object(Default::default()),
        JsonType::Array(item) => JsonType::Array(Box::new(stub_nested(item, false))),
        JsonType::OneOf(alts) => {
            JsonType::OneOf(alts.iter().map(|a| stub_nested(a, false)).collect())
        }
        other => other.clone(),
    };
    Shape {
        kind,
        nullable: shape.nullable,
    }
}
