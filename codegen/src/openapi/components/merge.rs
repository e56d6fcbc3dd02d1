//! Grouping nodes into types (union-find): same-named nodes that share most of their
//! properties and whose fields and stated terms agree are merged unless their scopes tell
//! different resources apart; groups of identical structure are one component whatever
//! their names.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;

use super::nodes::{Components, Node};
use super::schemas::{collect_pending, replace_pending, strip_descriptions};
use crate::infer::{Format, JsonType, Shape};

impl Components {
    pub(super) fn find(&mut self, mut id: usize) -> usize {
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

    pub(super) fn members(&mut self) -> BTreeMap<usize, Vec<usize>> {
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for id in 0..self.nodes.len() {
            let root = self.find(id);
            groups.entry(root).or_default().push(id);
        }
        groups
    }

    /// One name, one meaning: when a property holds a fraction anywhere in the collection,
    /// its integers elsewhere become numbers too. An exporter shows one alternative of a
    /// `oneOf` (Belvo's Mexican invoice lines count whole units, its Brazilian ones do not),
    /// and a sample shows one value; reading `quantity: 2.5` as a number costs nothing, while
    /// an integer that meets it fails the whole call.
    pub(super) fn widen_fractional_names(&mut self) {
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
    pub(super) fn merge_same_name(&mut self) {
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
    pub(super) fn merge_identical(&mut self) -> BTreeMap<usize, Value> {
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

fn similar(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    let common = a.intersection(b).count();
    let all = a.union(b).count();
    all == 0 || common * 2 >= all
}
