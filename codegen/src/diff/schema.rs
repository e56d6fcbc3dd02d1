//! Comparing two schemas: `$ref` resolution, a flat view of each schema, and the recursive walk
//! that lists what changed at which field path (`results[].account.balance`).
//!
//! The walk only says *what* changed; whether that breaks a client depends on the direction
//! (request or response) and is decided by the caller.

use std::cell::Cell;
use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde::Serialize;

use crate::openapi_util::component_name;

/// Longest `$ref` chain followed, deepest nesting of components compared, deepest `allOf`
/// folded, and most schema nodes visited per comparison. Real documents stay far below these;
/// they keep pathological ones (deep or diamond-shaped `$ref` graphs) from looping, exhausting
/// the stack or taking exponential time.
const MAX_REF_HOPS: usize = 32;
const MAX_DEPTH: usize = 64;
const MAX_ALL_OF_DEPTH: usize = 16;
const WORK_BUDGET: usize = 200_000;

/// Takes one unit of work from `budget`; false once it is spent.
fn spend(budget: &Cell<usize>) -> bool {
    let left = budget.get();
    budget.set(left.saturating_sub(1));
    left > 0
}

/// A schema as found in the document: inline or by reference.
#[derive(Clone, Copy)]
pub(super) enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Item(schema),
        }
    }
}

/// A schema after following `$ref`s: the schema, and the name of the first component reached
/// (which identifies it for cycle detection and in `oneOf` variant labels).
struct Resolved<'a> {
    name: Option<&'a str>,
    schema: Result<&'a Schema, String>,
}

fn resolve<'a>(doc: &'a OpenAPI, start: SchemaRef<'a>) -> Resolved<'a> {
    let mut name = None;
    let mut current = start;
    for _ in 0..MAX_REF_HOPS {
        match current {
            SchemaRef::Item(schema) => {
                return Resolved {
                    name,
                    schema: Ok(schema),
                }
            }
            SchemaRef::Ref(reference) => {
                let found = component_name(reference, "schemas").and_then(|key| {
                    let (key, target) = doc.components.as_ref()?.schemas.get_key_value(&*key)?;
                    Some((key.as_str(), target))
                });
                let Some((key, target)) = found else {
                    return Resolved {
                        name,
                        schema: Err(format!("unresolved {reference}")),
                    };
                };
                name.get_or_insert(key);
                current = target.into();
            }
        }
    }
    Resolved {
        name,
        schema: Err("a $ref chain too long to follow".to_owned()),
    }
}

/// What the comparison looks at, the same whichever way the schema was written (typed,
/// untyped, `allOf` of parts).
#[derive(Default)]
struct View<'a> {
    /// `string`, `integer`, `object`, …, `oneOf`, `anyOf`, `not`, or `any`.
    kind: String,
    format: Option<String>,
    nullable: bool,
    enumeration: Vec<String>,
    properties: Vec<(&'a str, SchemaRef<'a>)>,
    required: BTreeSet<&'a str>,
    items: Option<SchemaRef<'a>>,
    additional: Option<SchemaRef<'a>>,
    variants: Vec<SchemaRef<'a>>,
}

fn format_name<T: Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => serde_json::to_value(known)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn enum_text<T: ToString>(values: &[Option<T>]) -> Vec<String> {
    values.iter().flatten().map(ToString::to_string).collect()
}

impl<'a> View<'a> {
    /// What an object schema says of its fields, typed or written as `Any`.
    fn object_parts(
        &mut self,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'a [String],
        additional_properties: &'a Option<AdditionalProperties>,
    ) {
        self.properties = properties
            .iter()
            .map(|(k, s)| (k.as_str(), s.into()))
            .collect();
        self.required = required.iter().map(String::as_str).collect();
        self.additional = additional(additional_properties);
    }
}

fn additional(ap: &Option<AdditionalProperties>) -> Option<SchemaRef<'_>> {
    match ap {
        Some(AdditionalProperties::Schema(schema)) => Some((&**schema).into()),
        _ => None,
    }
}

fn view<'a>(doc: &'a OpenAPI, schema: &'a Schema, depth: usize, budget: &Cell<usize>) -> View<'a> {
    let mut v = View {
        nullable: schema.schema_data.nullable,
        ..View::default()
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            v.kind = "string".into();
            v.format = format_name(&t.format);
            v.enumeration = enum_text(&t.enumeration);
        }
        SchemaKind::Type(Type::Number(t)) => {
            v.kind = "number".into();
            v.format = format_name(&t.format);
            v.enumeration = enum_text(&t.enumeration);
        }
        SchemaKind::Type(Type::Integer(t)) => {
            v.kind = "integer".into();
            v.format = format_name(&t.format);
            v.enumeration = enum_text(&t.enumeration);
        }
        SchemaKind::Type(Type::Boolean(t)) => {
            v.kind = "boolean".into();
            v.enumeration = enum_text(&t.enumeration);
        }
        SchemaKind::Type(Type::Object(t)) => {
            v.kind = "object".into();
            v.object_parts(&t.properties, &t.required, &t.additional_properties);
        }
        SchemaKind::Type(Type::Array(t)) => {
            v.kind = "array".into();
            v.items = t.items.as_ref().map(Into::into);
        }
        SchemaKind::OneOf { one_of } => {
            v.kind = "oneOf".into();
            v.variants = one_of.iter().map(Into::into).collect();
        }
        SchemaKind::AnyOf { any_of } => {
            v.kind = "anyOf".into();
            v.variants = any_of.iter().map(Into::into).collect();
        }
        SchemaKind::AllOf { all_of } => {
            v.kind = "any".into();
            merge_all_of(doc, &mut v, all_of, depth, budget);
        }
        SchemaKind::Not { .. } => v.kind = "not".into(),
        SchemaKind::Any(any) => any_view(doc, &mut v, any, depth, budget),
    }
    v
}

/// A schema written without one of the typed forms (`openapiv3`'s `Any`): its kind is its
/// `type`, else what its keywords imply.
fn any_view<'a>(
    doc: &'a OpenAPI,
    v: &mut View<'a>,
    any: &'a AnySchema,
    depth: usize,
    budget: &Cell<usize>,
) {
    v.format = any.format.clone();
    v.enumeration = any
        .enumeration
        .iter()
        .filter(|value| !value.is_null())
        .map(|value| match value.as_str() {
            Some(s) => s.to_owned(),
            None => value.to_string(),
        })
        .collect();
    v.object_parts(&any.properties, &any.required, &any.additional_properties);
    v.items = any.items.as_ref().map(Into::into);
    v.kind = if let Some(typ) = &any.typ {
        typ.clone()
    } else if !any.one_of.is_empty() {
        v.variants = any.one_of.iter().map(Into::into).collect();
        "oneOf".into()
    } else if !any.any_of.is_empty() {
        v.variants = any.any_of.iter().map(Into::into).collect();
        "anyOf".into()
    } else if !v.properties.is_empty() || v.additional.is_some() {
        "object".into()
    } else if v.items.is_some() {
        "array".into()
    } else {
        "any".into()
    };
    merge_all_of(doc, v, &any.all_of, depth, budget);
}

/// Folds the parts of an `allOf` into `v`: what a generated struct flattening them would hold.
fn merge_all_of<'a>(
    doc: &'a OpenAPI,
    v: &mut View<'a>,
    parts: &'a [ReferenceOr<Schema>],
    depth: usize,
    budget: &Cell<usize>,
) {
    if depth >= MAX_ALL_OF_DEPTH {
        return;
    }
    for part in parts {
        if !spend(budget) {
            return;
        }
        let Ok(schema) = resolve(doc, part.into()).schema else {
            continue;
        };
        let p = view(doc, schema, depth + 1, budget);
        if v.kind == "any" {
            v.kind = p.kind;
        }
        // The OpenAPI 3.0 idiom for a nullable reference: `allOf: [$ref], nullable: true`.
        v.nullable |= parts.len() == 1 && p.nullable;
        v.format = v.format.take().or(p.format);
        if v.enumeration.is_empty() {
            v.enumeration = p.enumeration;
        }
        for (name, schema) in p.properties {
            if !v.properties.iter().any(|(n, _)| *n == name) {
                v.properties.push((name, schema));
            }
        }
        v.required.extend(p.required);
        v.items = v.items.or(p.items);
        v.additional = v.additional.or(p.additional);
        if v.variants.is_empty() {
            v.variants = p.variants;
        }
    }
}

/// What differs at one place of a schema (a field path), before a rule gives it a direction
/// and a breaking flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Difference {
    TypeChanged {
        old: String,
        new: String,
    },
    FormatChanged {
        old: Option<String>,
        new: Option<String>,
    },
    BecameNullable,
    BecameNotNullable,
    EnumValueAdded(String),
    EnumValueRemoved(String),
    PropertyAdded {
        required: bool,
    },
    PropertyRemoved,
    BecameRequired,
    BecameOptional,
    VariantAdded {
        keyword: String,
        label: String,
    },
    VariantRemoved {
        keyword: String,
        label: String,
    },
}

/// One change, at a field path relative to the compared schema (`""` for the schema itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SchemaChange {
    pub path: String,
    pub difference: Difference,
}

/// Lists the changes from `old` (in `old_doc`) to `new` (in `new_doc`).
pub(super) fn compare<'a>(
    old_doc: &'a OpenAPI,
    new_doc: &'a OpenAPI,
    old: SchemaRef<'a>,
    new: SchemaRef<'a>,
) -> Vec<SchemaChange> {
    let mut walk = Walk {
        old_doc,
        new_doc,
        visiting: Vec::new(),
        budget: Cell::new(WORK_BUDGET),
        out: Vec::new(),
    };
    walk.schema(old, new, String::new());
    walk.out
}

struct Walk<'a> {
    old_doc: &'a OpenAPI,
    new_doc: &'a OpenAPI,
    /// Component pairs being compared on the way down: meeting one again means a recursive
    /// schema, already being compared one level up.
    visiting: Vec<(&'a str, &'a str)>,
    budget: Cell<usize>,
    out: Vec<SchemaChange>,
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

impl<'a> Walk<'a> {
    fn push(&mut self, path: &str, difference: Difference) {
        self.out.push(SchemaChange {
            path: path.to_owned(),
            difference,
        });
    }

    fn schema(&mut self, old: SchemaRef<'a>, new: SchemaRef<'a>, path: String) {
        if self.visiting.len() >= MAX_DEPTH || path.len() > 4 * 1024 || !spend(&self.budget) {
            return;
        }
        let old = resolve(self.old_doc, old);
        let new = resolve(self.new_doc, new);
        let pair = old.name.zip(new.name);
        if let Some(pair) = pair {
            if self.visiting.contains(&pair) {
                return;
            }
            self.visiting.push(pair);
        }
        match (old.schema, new.schema) {
            (Ok(o), Ok(n)) => {
                let o = view(self.old_doc, o, 0, &self.budget);
                let n = view(self.new_doc, n, 0, &self.budget);
                self.views(o, n, &path);
            }
            (o, n) => {
                let label =
                    |s: Result<&Schema, String>| s.err().unwrap_or_else(|| "a schema".into());
                let (o, n) = (label(o), label(n));
                if o != n {
                    self.push(&path, Difference::TypeChanged { old: o, new: n });
                }
            }
        }
        if pair.is_some() {
            self.visiting.pop();
        }
    }

    fn views(&mut self, o: View<'a>, n: View<'a>, path: &str) {
        if o.kind != n.kind {
            // Nothing below a changed type can be compared meaningfully.
            self.push(
                path,
                Difference::TypeChanged {
                    old: o.kind,
                    new: n.kind,
                },
            );
            return;
        }
        if o.format != n.format {
            let difference = Difference::FormatChanged {
                old: o.format.clone(),
                new: n.format.clone(),
            };
            self.push(path, difference);
        }
        match (o.nullable, n.nullable) {
            (false, true) => self.push(path, Difference::BecameNullable),
            (true, false) => self.push(path, Difference::BecameNotNullable),
            _ => {}
        }
        // An enum that appears or disappears is a different matter (an open string becoming
        // closed); value by value comparison only makes sense between two closed sets.
        if !o.enumeration.is_empty() && !n.enumeration.is_empty() {
            for value in o.enumeration.iter().filter(|v| !n.enumeration.contains(v)) {
                self.push(path, Difference::EnumValueRemoved(value.clone()));
            }
            for value in n.enumeration.iter().filter(|v| !o.enumeration.contains(v)) {
                self.push(path, Difference::EnumValueAdded(value.clone()));
            }
        }

        for &(name, old_schema) in &o.properties {
            let at = join(path, name);
            match n.properties.iter().find(|(n, _)| *n == name) {
                None => self.push(&at, Difference::PropertyRemoved),
                Some(&(_, new_schema)) => {
                    match (o.required.contains(name), n.required.contains(name)) {
                        (false, true) => self.push(&at, Difference::BecameRequired),
                        (true, false) => self.push(&at, Difference::BecameOptional),
                        _ => {}
                    }
                    self.schema(old_schema, new_schema, at);
                }
            }
        }
        for &(name, _) in &n.properties {
            if !o.properties.iter().any(|(o, _)| *o == name) {
                let required = n.required.contains(name);
                self.push(&join(path, name), Difference::PropertyAdded { required });
            }
        }

        if let (Some(old_items), Some(new_items)) = (o.items, n.items) {
            self.schema(old_items, new_items, format!("{path}[]"));
        }
        if let (Some(old_values), Some(new_values)) = (o.additional, n.additional) {
            self.schema(old_values, new_values, format!("{path}{{}}"));
        }
        self.variants(&o, &n, path);
    }

    /// `oneOf`/`anyOf` variants are matched by the component they name, else by position.
    fn variants(&mut self, o: &View<'a>, n: &View<'a>, path: &str) {
        let label = |doc, i: usize, s: SchemaRef<'a>| match resolve(doc, s).name {
            Some(name) => name.to_owned(),
            None => format!("#{}", i + 1),
        };
        let old: Vec<_> = o
            .variants
            .iter()
            .enumerate()
            .map(|(i, s)| (label(self.old_doc, i, *s), *s))
            .collect();
        let new: Vec<_> = n
            .variants
            .iter()
            .enumerate()
            .map(|(i, s)| (label(self.new_doc, i, *s), *s))
            .collect();
        let keyword = &o.kind;
        for (l, old_schema) in &old {
            match new.iter().find(|(n, _)| n == l) {
                Some((_, new_schema)) => {
                    self.schema(*old_schema, *new_schema, format!("{path}<{l}>"));
                }
                None => self.push(
                    path,
                    Difference::VariantRemoved {
                        keyword: keyword.clone(),
                        label: l.clone(),
                    },
                ),
            }
        }
        for (l, _) in &new {
            if !old.iter().any(|(o, _)| o == l) {
                let difference = Difference::VariantAdded {
                    keyword: keyword.clone(),
                    label: l.clone(),
                };
                self.push(path, difference);
            }
        }
    }
}
