//! Object shapes → named components.
//!
//! Every object shape found in a body becomes a node with the names its context suggests
//! (`Balance` for the items of `/api/balances/`, `TokenGenerationData` for that property).
//! Nodes are then grouped: nodes that want the same name and share most of their properties
//! are one type seen through different examples (a `null` here, an extra field there), and are
//! merged; nodes with identical shapes are one component whatever their names. Each group gets
//! one name, unique, chosen from its members in a canonical order so the same collection
//! always gives the same names.
//!
//! Every node also has a scope: the literal path segments before its operation's resource
//! (`api` for `/api/transactions/`, `payments` for `/payments/transactions/`). Same-named
//! nodes of different scopes whose fields conflict (one field of different kinds: a number
//! here, a string there) are different resources, not variants of one: they stay apart, and
//! the one whose scope covers fewer operations of the collection is qualified by its scope
//! (`PaymentsTransaction`), so the plain name stays with the main product's resource when a
//! collection grows by another.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::contract::{Fields, Stated};
use crate::infer::{Format, JsonType, Shape, GUESS_EXTENSION};
use crate::naming::{self, Namer};
use crate::openapi_util::object;

/// Placeholder written where a component reference goes until names are known.
const PENDING: &str = "x-pending-node";

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

struct Node {
    names: Vec<String>,
    /// Whether the names come from a body's own context (its path, status or operation)
    /// rather than from a property name; such names are handed out first, so the items of
    /// `/api/balances/` are `Balance` even when some account has a `balance` property.
    from_body: bool,
    /// The shape with nested objects reduced to empty stubs: what the node says about its
    /// own level. Nested objects are nodes of their own, found through `children`, so
    /// keeping their properties here would only copy each subtree once per ancestor.
    shape: Shape,
    /// Nested object nodes by property path (`account`, `rates[]`).
    children: BTreeMap<String, usize>,
    /// The scope of the operation the node was found in (see the module docs).
    scope: String,
    /// What the collection states about the node's own properties, by property name.
    stated: BTreeMap<String, Stated>,
}

/// Collects object shapes, then names them and writes `components/schemas`.
#[derive(Default)]
pub struct Components {
    nodes: Vec<Node>,
    parent: Vec<usize>,
    /// `Context::results` of the body being added, taken by its top node.
    results: Option<Vec<String>>,
    /// `naming::type_name` of property names, and of the singular of names: the same few
    /// hundred words recur in every example, and case conversion is not cheap.
    type_names: HashMap<String, String, foldhash::fast::RandomState>,
    singular_names: HashMap<String, String, foldhash::fast::RandomState>,
    /// The scope of the operation whose bodies are being added.
    scope: String,
    /// Operations per scope, counted by [`Components::enter_scope`].
    operations: BTreeMap<String, usize>,
    /// What is stated about the fields of the body being added, and the field path (see
    /// [`super::contract::field_path`]) of the value being emitted.
    fields: Fields,
    at: String,
}

impl Components {
    /// Starts the bodies of one operation, whose path has `scope` before its resource.
    pub fn enter_scope(&mut self, scope: String) {
        *self.operations.entry(scope.clone()).or_default() += 1;
        self.scope = scope;
    }

    /// How many operations the collection has under each scope (its own and deeper ones): a
    /// scope that covers more is the more general, and keeps a contested name.
    fn coverage(&self) -> HashMap<&str, usize> {
        let mut coverage: HashMap<&str, usize> = HashMap::new();
        for (scope, n) in &self.operations {
            *coverage.entry("").or_default() += n;
            let ends = scope.match_indices('/').map(|(i, _)| i);
            for end in ends.chain([scope.len()]).filter(|e| *e > 0) {
                *coverage.entry(&scope[..end]).or_default() += n;
            }
        }
        coverage
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
    fn emit(
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

    fn find(&mut self, mut id: usize) -> usize {
        while self.parent[id] != id {
            self.parent[id] = self.parent[self.parent[id]];
            id = self.parent[id];
        }
        id
    }

    /// Joins two groups, and with them the nested objects at the same property paths.
    fn union(&mut self, a: usize, b: usize) {
        let mut stack = vec![(a, b)];
        while let Some((a, b)) = stack.pop() {
            let (ra, rb) = (self.find(a), self.find(b));
            if ra == rb {
                continue;
            }
            let (keep, gone) = (ra.min(rb), ra.max(rb));
            self.parent[gone] = keep;
            let children_a = self.nodes[a].children.clone();
            for (path, child_b) in self.nodes[b].children.clone() {
                if let Some(child_a) = children_a.get(&path) {
                    stack.push((*child_a, child_b));
                }
            }
        }
    }

    fn members(&mut self) -> BTreeMap<usize, Vec<usize>> {
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for id in 0..self.nodes.len() {
            let root = self.find(id);
            groups.entry(root).or_default().push(id);
        }
        groups
    }

    /// Names every group and returns the `components/schemas` map; `document` has its
    /// pending references replaced by `$ref`s.
    pub fn finish(mut self, document: &mut Value) -> Map<String, Value> {
        self.widen_fractional_names();
        self.merge_same_name();
        let mut built = self.merge_identical();
        let groups = self.members();
        let ranks = self.ranks(&groups);

        let mut namer = Namer::default();
        let mut names: BTreeMap<usize, String> = BTreeMap::new();
        let mut order: Vec<(bool, usize)> = groups
            .iter()
            .map(|(root, members)| (!members.iter().any(|m| self.nodes[*m].from_body), *root))
            .collect();
        order.sort();
        for (_, root) in order {
            let members = &groups[&root];
            let mut preferred: Vec<String> = Vec::new();
            for m in members {
                if let Some(first) = self.nodes[*m].names.first() {
                    if !preferred.contains(first) {
                        preferred.push(first.clone());
                    }
                }
            }
            let mut candidates = self.qualified(&ranks, root, &preferred);
            if preferred.len() > 1 {
                candidates.extend(naming::common_name(&preferred));
            }
            candidates.extend(preferred);
            candidates.extend(self.nodes[members[0]].names.iter().skip(1).cloned());
            names.insert(root, namer.unique(&candidates));
        }

        let mut schemas = Map::new();
        let mut ordered: Vec<(&String, usize)> = names.iter().map(|(r, n)| (n, *r)).collect();
        ordered.sort();
        for (name, root) in ordered {
            let schema = match built.remove(&root) {
                Some(schema) => schema,
                None => self.group_schema(&groups[&root]),
            };
            schemas.insert(name.clone(), schema);
        }
        let mut resolve = |id: usize| {
            let root = self.find(id);
            format!("#/components/schemas/{}", names[&root])
        };
        for schema in schemas.values_mut() {
            replace_pending(schema, &mut resolve);
        }
        replace_pending(document, &mut resolve);
        schemas
    }

    /// Each group's rank for the names it wants: its members' best scope (see
    /// [`scope_rank`]), and, per first name, the best rank of any group wanting it.
    fn ranks(&self, groups: &BTreeMap<usize, Vec<usize>>) -> Ranks {
        let coverage = self.coverage();
        let mut ranks = Ranks::default();
        for (root, members) in groups {
            let rank = members
                .iter()
                .map(|m| scope_rank(&coverage, &self.nodes[*m].scope))
                .min()
                .unwrap_or_default();
            if let Some(name) = self.nodes[members[0]].names.first() {
                let best = ranks.best.entry(name.clone()).or_insert(rank.clone());
                if rank < *best {
                    *best = rank.clone();
                }
            }
            ranks.of_group.insert(*root, rank);
        }
        ranks
    }

    /// Names qualified by the group's scope (`PaymentsTransaction`: its last segment, then all
    /// of it), when another group wanting the same name has a better scope; none otherwise.
    fn qualified(&self, ranks: &Ranks, root: usize, preferred: &[String]) -> Vec<String> {
        let (Some(name), Some(rank)) = (preferred.first(), ranks.of_group.get(&root)) else {
            return Vec::new();
        };
        let scope = rank.2.as_str();
        if scope.is_empty() || ranks.best.get(name).is_none_or(|best| best >= rank) {
            return Vec::new();
        }
        let last = scope.rsplit('/').next().unwrap_or(scope);
        let mut names = vec![format!("{}{name}", naming::type_name(last))];
        if last != scope {
            names.push(format!("{}{name}", naming::type_name(scope)));
        }
        names
    }

    /// The schema of a group: all members' shapes merged, nested objects as references.
    fn group_schema(&mut self, members: &[usize]) -> Value {
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

    /// One name, one meaning: when a property holds a fraction anywhere in the collection,
    /// its integers elsewhere become numbers too. An exporter shows one alternative of a
    /// `oneOf` (Belvo's Mexican invoice lines count whole units, its Brazilian ones do not),
    /// and a sample shows one value; reading `quantity: 2.5` as a number costs nothing, while
    /// an integer that meets it fails the whole call.
    fn widen_fractional_names(&mut self) {
        let mut fractional: HashSet<&str> = HashSet::new();
        for node in &self.nodes {
            if let JsonType::Object(props) = &node.shape.kind {
                fractional.extend(
                    props
                        .iter()
                        .filter(|(_, p)| holds_number(p))
                        .map(|(k, _)| k.as_str()),
                );
            }
        }
        let fractional: HashSet<String> = fractional.into_iter().map(str::to_owned).collect();
        for node in &mut self.nodes {
            if let JsonType::Object(props) = &mut node.shape.kind {
                for (_, p) in props.iter_mut().filter(|(k, _)| fractional.contains(*k)) {
                    widen_integers(p);
                }
            }
        }
    }

    /// Nodes that want the same name and share at least half their properties are one type,
    /// unless they come from different scopes and a field has a different kind in each.
    fn merge_same_name(&mut self) {
        let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (id, node) in self.nodes.iter().enumerate() {
            if let Some(name) = node.names.first() {
                by_name.entry(name.clone()).or_default().push(id);
            }
        }
        for ids in by_name.into_values() {
            // Kinds only tell scopes apart; within one scope they are not worth computing.
            let scopes: BTreeSet<&str> = ids.iter().map(|id| &*self.nodes[*id].scope).collect();
            let many_scopes = scopes.len() > 1;
            let mut clusters: Vec<Cluster> = Vec::new();
            for id in ids {
                let keys = self.keys(id);
                let kinds = if many_scopes {
                    self.kinds(id)
                } else {
                    BTreeMap::new()
                };
                let scope = &self.nodes[id].scope;
                let terms = terms(&self.nodes[id]);
                let fits = |c: &Cluster| {
                    c.terms == terms && (c.scopes.contains(scope) || !c.conflicts(&kinds))
                };
                match clusters
                    .iter_mut()
                    .find(|c| similar(&c.keys, &keys) && fits(c))
                {
                    Some(cluster) => {
                        cluster.add(keys, kinds, scope.clone());
                        let first = cluster.first;
                        self.union(first, id);
                    }
                    None => clusters.push(Cluster {
                        first: id,
                        keys,
                        kinds: kinds.into_iter().map(|(k, v)| (k, [v].into())).collect(),
                        scopes: [scope.clone()].into(),
                        terms,
                    }),
                }
            }
        }
    }

    /// The kind of each property of a node and of the nodes nested in it, by property path
    /// (`results[]/amount`), where the kind says something (not `null` alone). Nested nodes
    /// count: a page of payments and a page of transactions differ only in their items.
    fn kinds(&self, id: usize) -> BTreeMap<String, Kind> {
        let mut out = BTreeMap::new();
        let mut stack = vec![(id, String::new())];
        while let Some((id, prefix)) = stack.pop() {
            let node = &self.nodes[id];
            if let JsonType::Object(props) = &node.shape.kind {
                for (k, p) in props {
                    if let Some(kind) = kind(p) {
                        out.insert(format!("{prefix}{k}"), kind);
                    }
                }
            }
            for (path, child) in &node.children {
                stack.push((*child, format!("{prefix}{path}/")));
            }
        }
        out
    }

    fn keys(&self, id: usize) -> BTreeSet<String> {
        match &self.nodes[id].shape.kind {
            JsonType::Object(props) => props.keys().cloned().collect(),
            _ => BTreeSet::new(),
        }
    }

    /// Groups whose schemas are the same, nested references included, become one. Returns
    /// the schema of every group as the last round built it, which no merge followed.
    fn merge_identical(&mut self) -> BTreeMap<usize, Value> {
        loop {
            let groups = self.members();
            let mut signatures = Signatures::default();
            let mut first_with: BTreeMap<usize, usize> = BTreeMap::new();
            let mut merged = false;
            for (root, members) in &groups {
                let sig = self.signature(*root, members, &groups, &mut signatures);
                match first_with.get(&sig) {
                    Some(other) => {
                        let (ra, rb) = (self.find(*other), self.find(*root));
                        self.parent[ra.max(rb)] = ra.min(rb);
                        merged = true;
                    }
                    None => {
                        first_with.insert(sig, *root);
                    }
                }
            }
            if !merged {
                return signatures.schemas;
            }
        }
    }

    /// A number standing for the group's structure: equal numbers, identical schemas.
    /// Children are referred to by their own numbers, so signatures stay small however deep
    /// the nesting.
    fn signature(
        &mut self,
        root: usize,
        members: &[usize],
        groups: &BTreeMap<usize, Vec<usize>>,
        signatures: &mut Signatures,
    ) -> usize {
        if let Some(sig) = signatures.of_group.get(&root) {
            return *sig;
        }
        // A group nested in itself: give the inner reference a name of its own.
        if !signatures.in_progress.insert(root) {
            return signatures.intern(format!("cycle{root}"));
        }
        let mut schema = self.group_schema(members);
        signatures.schemas.insert(root, schema.clone());
        let mut refs = Vec::new();
        collect_pending(&schema, &mut refs);
        let mut child_sigs = BTreeMap::new();
        for id in refs {
            let child_root = self.find(id);
            let sig = match groups.get(&child_root) {
                Some(child_members) => {
                    self.signature(child_root, child_members, groups, signatures)
                }
                None => signatures.intern(format!("node{child_root}")),
            };
            child_sigs.insert(id, sig);
        }
        replace_pending(&mut schema, &mut |id| format!("#{}", child_sigs[&id]));
        // Descriptions are documentation: shapes that differ only in them are one type.
        strip_descriptions(&mut schema);
        let sig = signatures.intern(schema.to_string());
        signatures.in_progress.remove(&root);
        signatures.of_group.insert(root, sig);
        sig
    }
}

/// Nodes of one name merged so far: their properties, the kinds each property had, and the
/// scopes they came from.
struct Cluster {
    first: usize,
    keys: BTreeSet<String>,
    kinds: BTreeMap<String, BTreeSet<Kind>>,
    scopes: BTreeSet<String>,
    /// What the cluster's nodes state must or may be sent (see [`terms`]).
    terms: Terms,
}

/// A node's own stated terms: which properties are required, which values they allow.
/// Nodes of one name merge only when these agree: a request body's item that states what it
/// needs is another type than a response's item of the same name, which states nothing.
type Terms = BTreeMap<String, (Option<bool>, Vec<String>)>;

fn terms(node: &Node) -> Terms {
    node.stated
        .iter()
        .filter(|(_, s)| s.required.is_some() || !s.values.is_empty())
        .map(|(k, s)| (k.clone(), (s.required, s.values.clone())))
        .collect()
}

impl Cluster {
    /// A property of `kinds` that the cluster has seen only with other kinds.
    fn conflicts(&self, kinds: &BTreeMap<String, Kind>) -> bool {
        kinds.iter().any(|(k, kind)| {
            self.kinds
                .get(k)
                .is_some_and(|seen| !seen.iter().any(|s| s.agrees(kind)))
        })
    }

    fn add(&mut self, keys: BTreeSet<String>, kinds: BTreeMap<String, Kind>, scope: String) {
        self.keys.extend(keys);
        for (k, kind) in kinds {
            self.kinds.entry(k).or_default().insert(kind);
        }
        self.scopes.insert(scope);
    }
}

/// What a value is, as far as telling two resources apart goes: integers and fractions are
/// both numbers (samples of one field), formats and nullability do not count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Boolean,
    Number,
    String,
    Object,
    Array(Option<Box<Kind>>),
}

impl Kind {
    /// Equal kinds, or arrays of which one has shown no item kind (only empty arrays).
    fn agrees(&self, other: &Kind) -> bool {
        match (self, other) {
            (Kind::Array(Some(a)), Kind::Array(Some(b))) => a.agrees(b),
            (Kind::Array(_), Kind::Array(_)) => true,
            (a, b) => a == b,
        }
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

/// Restricts a scalar schema (or an array's scalar items) to the stated values; a schema of
/// another kind, or values that are not of its type, leave it open.
pub(super) fn restrict(schema: &mut Value, values: &[&str]) {
    if schema.get("type") == Some(&json!("array")) {
        if let Some(items) = schema.get_mut("items") {
            restrict(items, values);
        }
        return;
    }
    let typed: Option<Vec<Value>> = match schema.get("type").and_then(Value::as_str) {
        Some("string") => Some(values.iter().map(|v| json!(v)).collect()),
        Some("integer") => values
            .iter()
            .map(|v| v.parse::<i64>().ok().map(Value::from))
            .collect(),
        _ => None,
    };
    if let (Some(values), Some(obj)) = (typed, schema.as_object_mut()) {
        obj.remove(GUESS_EXTENSION);
        obj.insert("enum".into(), Value::Array(values));
    }
}

/// Removes every schema's `description` (not properties named so) from `schema`.
fn strip_descriptions(schema: &mut Value) {
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

/// `None` when the shape says nothing about the kind (only `null` seen, or alternatives).
fn kind(shape: &Shape) -> Option<Kind> {
    Some(match &shape.kind {
        JsonType::Boolean => Kind::Boolean,
        JsonType::Integer { .. } | JsonType::Number { .. } => Kind::Number,
        JsonType::String { .. } => Kind::String,
        JsonType::Object(_) => Kind::Object,
        JsonType::Array(item) => Kind::Array(kind(item).map(Box::new)),
        JsonType::Unknown | JsonType::OneOf(_) => return None,
    })
}

/// A scope's standing for a contested name, best first: more operations covered, then
/// fewer characters, then text order.
type Rank = (std::cmp::Reverse<usize>, usize, String);

fn scope_rank(coverage: &HashMap<&str, usize>, scope: &str) -> Rank {
    let covered = coverage.get(scope).copied().unwrap_or_default();
    (std::cmp::Reverse(covered), scope.len(), scope.to_owned())
}

/// Each group's [`Rank`], and the best rank per name.
#[derive(Default)]
struct Ranks {
    of_group: BTreeMap<usize, Rank>,
    best: HashMap<String, Rank>,
}

/// Interned structural signatures of groups.
#[derive(Default)]
struct Signatures {
    interned: BTreeMap<String, usize>,
    of_group: BTreeMap<usize, usize>,
    in_progress: BTreeSet<usize>,
    /// Each group's schema, with pending references.
    schemas: BTreeMap<usize, Value>,
}

impl Signatures {
    fn intern(&mut self, text: String) -> usize {
        let next = self.interned.len();
        *self.interned.entry(text).or_insert(next)
    }
}

/// Whether `shape` is, or has inside its arrays and alternatives, an object with properties:
/// something that becomes a node.
/// A number that may have a fraction, here or in an array or alternative.
fn holds_number(shape: &Shape) -> bool {
    match &shape.kind {
        JsonType::Number { .. } => true,
        JsonType::Array(item) => holds_number(item),
        JsonType::OneOf(alts) => alts.iter().any(holds_number),
        _ => false,
    }
}

/// Integers (here or in arrays and alternatives) become numbers.
fn widen_integers(shape: &mut Shape) {
    match &mut shape.kind {
        JsonType::Integer { .. } => {
            shape.kind = JsonType::Number {
                format: Format::Unknown,
            }
        }
        JsonType::Array(item) => widen_integers(item),
        JsonType::OneOf(alts) => alts.iter_mut().for_each(widen_integers),
        _ => {}
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
fn stub_nested(shape: &Shape, top: bool) -> Shape {
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

fn similar(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let common = a.intersection(b).count();
    let all = a.union(b).count();
    all == 0 || common * 2 >= all
}

/// The schema of a scalar kind: its type, the format a placeholder named, and the mark of an
/// integer that only samples showed. `None` for arrays, objects and the rest.
pub(super) fn scalar_schema(kind: &JsonType) -> Option<Value> {
    let (ty, format) = match kind {
        JsonType::Boolean => ("boolean", None),
        JsonType::Integer { format, .. } => ("integer", format.known()),
        JsonType::Number { format } => ("number", format.known()),
        JsonType::String { format } => ("string", format.known()),
        _ => return None,
    };
    let mut schema = object([("type", json!(ty))]);
    if let Some(f) = format {
        schema["format"] = json!(f);
    }
    if let JsonType::Integer { guessed: true, .. } = kind {
        schema[GUESS_EXTENSION] = Value::Bool(true);
    }
    Some(schema)
}

fn collect_pending(value: &Value, out: &mut Vec<usize>) {
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

fn replace_pending(value: &mut Value, resolve: &mut impl FnMut(usize) -> String) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(name: &str) -> Context {
        Context::named(vec![name.to_string()])
    }

    #[test]
    fn variants_of_one_type_merge_and_identical_shapes_share() {
        let mut c = Components::default();
        let a = Shape::from_example(
            &json!({"id": "<uuid>", "category": null, "account": {"name": "<string>"}}),
        );
        let b = Shape::from_example(
            &json!({"id": "<uuid>", "category": "X", "extra": 1, "account": {"name": "<string>"}}),
        );
        let err = Shape::from_example(&json!({"code": "<string>", "message": "<string>"}));
        let mut doc = json!({
            "a": c.schema(&a, &ctx("Balance")),
            "b": c.schema(&b, &ctx("Balance")),
            "e1": c.schema(&err, &ctx("Error")),
            "e2": c.schema(&err, &ctx("Error")),
        });
        let schemas = c.finish(&mut doc);
        assert_eq!(
            schemas.keys().collect::<Vec<_>>(),
            ["Account", "Balance", "Error"]
        );
        assert_eq!(doc["a"], doc["b"]);
        assert_eq!(doc["e1"]["$ref"], "#/components/schemas/Error");
        let balance = &schemas["Balance"]["properties"];
        assert_eq!(balance["category"]["nullable"], true);
        assert_eq!(balance["account"]["$ref"], "#/components/schemas/Account");
        assert!(balance.get("extra").is_some());
    }

    #[test]
    fn different_shapes_wanting_one_name_get_distinct_names() {
        let mut c = Components::default();
        let a = Shape::from_example(&json!({"a": 1, "b": 2}));
        let b = Shape::from_example(&json!({"x": 1, "y": 2, "z": 3}));
        let mut doc = json!([
            c.schema(&a, &ctx("Thing")),
            c.schema(
                &b,
                &Context::named(vec!["Thing".into(), "OtherThing".into()])
            ),
        ]);
        let schemas = c.finish(&mut doc);
        assert_eq!(schemas.keys().collect::<Vec<_>>(), ["OtherThing", "Thing"]);
    }

    #[test]
    fn array_items_are_named_in_the_singular() {
        let mut c = Components::default();
        let s = Shape::from_example(&json!({"interest_rates": [{"rate": 1.5}]}));
        let mut doc = c.schema(&s, &ctx("Loan"));
        let schemas = c.finish(&mut doc);
        assert!(schemas.contains_key("InterestRate"), "{schemas:?}");
    }
}
