//! Comparing two schemas: `$ref` resolution, a flat view of each schema, and the recursive walk
//! that lists what changed at which field path (`results[].account.balance`).
//!
//! The walk only says *what* changed; whether that breaks a client depends on the direction
//! (request or response) and is decided by the caller.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, AnySchema, OpenAPI, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde::Serialize;

pub(super) use super::difference::{Difference, SchemaChange};
use crate::openapi_util::component_name;

/// Longest `$ref` chain followed, deepest nesting of components compared, deepest `allOf`
/// folded, and most schema nodes visited per comparison. Real documents stay far below these;
/// they keep pathological ones (deep or diamond-shaped `$ref` graphs) from looping, exhausting
/// the stack or taking exponential time.
const MAX_REF_HOPS: usize = 32;
const MAX_DEPTH: usize = 64;
const MAX_ALL_OF_DEPTH: usize = 16;
const WORK_BUDGET: usize = 50_000;

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

/// A schema and the JSON pointer of where it is written in its document.
#[derive(Clone)]
pub(super) struct At<'a> {
    pub schema: SchemaRef<'a>,
    pub pointer: String,
}

impl<'a> At<'a> {
    pub(super) fn new(schema: impl Into<SchemaRef<'a>>, pointer: String) -> Self {
        At {
            schema: schema.into(),
            pointer,
        }
    }

    /// The schema `r` found at `self`'s pointer plus `segments`.
    fn child(&self, r: impl Into<SchemaRef<'a>>, segments: &[&str]) -> At<'a> {
        At::new(r, pointer_join(&self.pointer, segments))
    }
}

/// `base` with each segment appended, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`).
pub(super) fn pointer_join(base: &str, segments: &[&str]) -> String {
    let mut out = base.to_owned();
    for segment in segments {
        crate::openapi_util::push_pointer_segment(&mut out, segment);
    }
    out
}

/// A schema after following `$ref`s: the schema, the name of the first component reached
/// (which identifies it for cycle detection and in `oneOf` variant labels), and the pointer
/// of the schema reached (the last component, or where it is written inline).
struct Resolved<'a> {
    name: Option<&'a str>,
    schema: Result<&'a Schema, String>,
    pointer: String,
}

fn resolve<'a>(doc: &'a OpenAPI, start: &At<'a>) -> Resolved<'a> {
    let mut name = None;
    let mut current = start.schema;
    let mut pointer = start.pointer.clone();
    for _ in 0..MAX_REF_HOPS {
        match current {
            SchemaRef::Item(schema) => {
                return Resolved {
                    name,
                    schema: Ok(schema),
                    pointer,
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
                        pointer,
                    };
                };
                name.get_or_insert(key);
                pointer = pointer_join("/components/schemas", &[key]);
                current = target.into();
            }
        }
    }
    Resolved {
        name,
        schema: Err("a $ref chain too long to follow".to_owned()),
        pointer,
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
    properties: Vec<(&'a str, At<'a>)>,
    required: BTreeSet<&'a str>,
    items: Option<At<'a>>,
    additional: Option<At<'a>>,
    variants: Vec<At<'a>>,
    /// `maximum`, `minLength`, `maxItems`, … with their values.
    bounds: BTreeMap<&'static str, f64>,
    pattern: Option<String>,
    /// The discriminator's property and mapping, as one text.
    discriminator: Option<String>,
    /// `readOnly`: a value the server sends and ignores in requests.
    read_only: bool,
}

/// Records the bounds a schema sets; `None`s are left out.
fn set_bounds(v: &mut View<'_>, bounds: &[(&'static str, Option<f64>)]) {
    for (keyword, value) in bounds {
        if let Some(value) = value {
            v.bounds.insert(keyword, *value);
        }
    }
}

/// Whether a larger value of `keyword` allows more (`maximum`, `maxLength`, …).
fn is_upper(keyword: &str) -> bool {
    keyword.starts_with("max")
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
        at: &At<'a>,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'a [String],
        additional_properties: &'a Option<AdditionalProperties>,
    ) {
        self.properties = properties
            .iter()
            .map(|(k, s)| (k.as_str(), at.child(s, &["properties", k])))
            .collect();
        self.required = required.iter().map(String::as_str).collect();
        self.additional = match additional_properties {
            Some(AdditionalProperties::Schema(schema)) => {
                Some(at.child(&**schema, &["additionalProperties"]))
            }
            _ => None,
        };
    }

    /// The `oneOf`/`anyOf` variants under `keyword`.
    fn variants<S>(&mut self, at: &At<'a>, keyword: &str, list: &'a [S])
    where
        &'a S: Into<SchemaRef<'a>>,
    {
        self.kind = keyword.into();
        self.variants = list
            .iter()
            .enumerate()
            .map(|(i, s)| at.child(s, &[keyword, &i.to_string()]))
            .collect();
    }
}

/// The view of the schema at `at` (already resolved to `schema`).
fn view<'a>(
    doc: &'a OpenAPI,
    at: &At<'a>,
    schema: &'a Schema,
    depth: usize,
    budget: &Cell<usize>,
) -> View<'a> {
    let mut v = View {
        nullable: schema.schema_data.nullable,
        read_only: schema.schema_data.read_only,
        discriminator: schema.schema_data.discriminator.as_ref().map(|d| {
            let mapping: BTreeMap<_, _> = d.mapping.iter().collect();
            format!("{} {mapping:?}", d.property_name)
        }),
        ..View::default()
    };
    let n = |x: Option<usize>| x.map(|x| x as f64);
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            v.kind = "string".into();
            v.format = format_name(&t.format);
            v.enumeration = enum_text(&t.enumeration);
            v.pattern = t.pattern.clone();
            set_bounds(
                &mut v,
                &[
                    ("maxLength", n(t.max_length)),
                    ("minLength", n(t.min_length)),
                ],
            );
        }
        SchemaKind::Type(Type::Number(t)) => {
            v.kind = "number".into();
            v.format = format_name(&t.format);
            v.enumeration = enum_text(&t.enumeration);
            set_bounds(&mut v, &[("maximum", t.maximum), ("minimum", t.minimum)]);
        }
        SchemaKind::Type(Type::Integer(t)) => {
            v.kind = "integer".into();
            v.format = format_name(&t.format);
            v.enumeration = enum_text(&t.enumeration);
            let int = |x: Option<i64>| x.map(|x| x as f64);
            set_bounds(
                &mut v,
                &[("maximum", int(t.maximum)), ("minimum", int(t.minimum))],
            );
        }
        SchemaKind::Type(Type::Boolean(t)) => {
            v.kind = "boolean".into();
            v.enumeration = enum_text(&t.enumeration);
        }
        SchemaKind::Type(Type::Object(t)) => {
            v.kind = "object".into();
            v.object_parts(at, &t.properties, &t.required, &t.additional_properties);
            let (max, min) = (n(t.max_properties), n(t.min_properties));
            set_bounds(&mut v, &[("maxProperties", max), ("minProperties", min)]);
        }
        SchemaKind::Type(Type::Array(t)) => {
            v.kind = "array".into();
            v.items = t.items.as_ref().map(|s| at.child(s, &["items"]));
            set_bounds(
                &mut v,
                &[("maxItems", n(t.max_items)), ("minItems", n(t.min_items))],
            );
        }
        SchemaKind::OneOf { one_of } => v.variants(at, "oneOf", one_of),
        SchemaKind::AnyOf { any_of } => v.variants(at, "anyOf", any_of),
        SchemaKind::AllOf { all_of } => {
            v.kind = "any".into();
            merge_all_of(doc, at, &mut v, all_of, depth, budget);
        }
        SchemaKind::Not { .. } => v.kind = "not".into(),
        SchemaKind::Any(any) => any_view(doc, at, &mut v, any, depth, budget),
    }
    v
}

/// A schema written without one of the typed forms (`openapiv3`'s `Any`): its kind is its
/// `type`, else what its keywords imply.
fn any_view<'a>(
    doc: &'a OpenAPI,
    at: &At<'a>,
    v: &mut View<'a>,
    any: &'a AnySchema,
    depth: usize,
    budget: &Cell<usize>,
) {
    v.format = any.format.clone();
    v.pattern = any.pattern.clone();
    let n = |x: Option<usize>| x.map(|x| x as f64);
    set_bounds(
        v,
        &[
            ("maximum", any.maximum),
            ("minimum", any.minimum),
            ("maxLength", n(any.max_length)),
            ("minLength", n(any.min_length)),
            ("maxItems", n(any.max_items)),
            ("minItems", n(any.min_items)),
            ("maxProperties", n(any.max_properties)),
            ("minProperties", n(any.min_properties)),
        ],
    );
    v.enumeration = any
        .enumeration
        .iter()
        .filter(|value| !value.is_null())
        .map(|value| match value.as_str() {
            Some(s) => s.to_owned(),
            None => value.to_string(),
        })
        .collect();
    v.object_parts(
        at,
        &any.properties,
        &any.required,
        &any.additional_properties,
    );
    v.items = any.items.as_ref().map(|s| at.child(s, &["items"]));
    if let Some(typ) = &any.typ {
        v.kind = typ.clone();
    } else if !any.one_of.is_empty() {
        v.variants(at, "oneOf", &any.one_of);
    } else if !any.any_of.is_empty() {
        v.variants(at, "anyOf", &any.any_of);
    } else if !v.properties.is_empty() || v.additional.is_some() {
        v.kind = "object".into();
    } else if v.items.is_some() {
        v.kind = "array".into();
    } else {
        v.kind = "any".into();
    }
    merge_all_of(doc, at, v, &any.all_of, depth, budget);
}

/// Folds the parts of an `allOf` into `v`: what a generated struct flattening them would hold.
fn merge_all_of<'a>(
    doc: &'a OpenAPI,
    at: &At<'a>,
    v: &mut View<'a>,
    parts: &'a [ReferenceOr<Schema>],
    depth: usize,
    budget: &Cell<usize>,
) {
    if depth >= MAX_ALL_OF_DEPTH {
        return;
    }
    for (i, part) in parts.iter().enumerate() {
        if !spend(budget) {
            return;
        }
        let resolved = resolve(doc, &at.child(part, &["allOf", &i.to_string()]));
        let Ok(schema) = resolved.schema else {
            continue;
        };
        let part_at = At::new(SchemaRef::Item(schema), resolved.pointer);
        let p = view(doc, &part_at, schema, depth + 1, budget);
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
        v.items = v.items.take().or(p.items);
        v.additional = v.additional.take().or(p.additional);
        if v.variants.is_empty() {
            v.variants = p.variants;
        }
        for (keyword, value) in p.bounds {
            v.bounds.entry(keyword).or_insert(value);
        }
        v.pattern = v.pattern.take().or(p.pattern);
        v.discriminator = v.discriminator.take().or(p.discriminator);
    }
}

/// Lists the changes from `old` (in `old_doc`) to `new` (in `new_doc`).
pub(super) fn compare<'a>(
    old_doc: &'a OpenAPI,
    new_doc: &'a OpenAPI,
    old: At<'a>,
    new: At<'a>,
) -> Vec<SchemaChange> {
    let mut walk = Walk {
        old_doc,
        new_doc,
        visiting: Vec::new(),
        read_only: 0,
        budget: Cell::new(WORK_BUDGET),
        out: Vec::new(),
    };
    walk.schema(&old, &new, String::new());
    walk.out
}

struct Walk<'a> {
    old_doc: &'a OpenAPI,
    new_doc: &'a OpenAPI,
    /// Component pairs being compared on the way down: meeting one again means a recursive
    /// schema, already being compared one level up.
    visiting: Vec<(&'a str, &'a str)>,
    /// How many `readOnly` schemas enclose the place being compared.
    read_only: usize,
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
    fn push(&mut self, path: &str, difference: Difference, old: &str, new: &str) {
        self.out.push(SchemaChange {
            path: path.to_owned(),
            difference,
            old_pointer: old.to_owned(),
            new_pointer: new.to_owned(),
            read_only: self.read_only > 0,
        });
    }

    fn schema(&mut self, old: &At<'a>, new: &At<'a>, path: String) {
        if self.visiting.len() >= MAX_DEPTH || path.len() > 4 * 1024 || !spend(&self.budget) {
            return;
        }
        self.renamed(old, new, &path);
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
                let o_at = At::new(SchemaRef::Item(o), old.pointer);
                let n_at = At::new(SchemaRef::Item(n), new.pointer);
                let o = view(self.old_doc, &o_at, o, 0, &self.budget);
                let n = view(self.new_doc, &n_at, n, 0, &self.budget);
                self.views(o, n, &path, (&o_at.pointer, &n_at.pointer));
            }
            (o, n) => {
                let label =
                    |s: Result<&Schema, String>| s.err().unwrap_or_else(|| "a schema".into());
                let (o, n) = (label(o), label(n));
                if o != n {
                    let difference = Difference::TypeChanged { old: o, new: n };
                    self.push(&path, difference, &old.pointer, &new.pointer);
                }
            }
        }
        if pair.is_some() {
            self.visiting.pop();
        }
    }

    /// A schema that moved into, out of or between `components` changes the name of its
    /// generated type (typify names a component's type after it, an inline one after where it
    /// is written, and spells an inline scalar as a plain Rust type), whatever its content.
    fn renamed(&mut self, old: &At<'a>, new: &At<'a>, path: &str) {
        let (old, new) = (unwrapped(old), unwrapped(new));
        let (o, n) = (resolve(self.old_doc, &old), resolve(self.new_doc, &new));
        if o.name == n.name || o.schema.is_err() || n.schema.is_err() {
            return;
        }
        let difference = Difference::TypeRenamed {
            old: element_type(self.old_doc, &old),
            new: element_type(self.new_doc, &new),
        };
        self.push(path, difference, &old.pointer, &new.pointer);
    }

    /// Compares two views; `at` holds their pointers (old, new).
    fn views(&mut self, o: View<'a>, n: View<'a>, path: &str, at: (&str, &str)) {
        let read_only = o.read_only || n.read_only;
        self.read_only += usize::from(read_only);
        self.compare_views(o, n, path, at);
        self.read_only -= usize::from(read_only);
    }

    fn compare_views(&mut self, o: View<'a>, n: View<'a>, path: &str, at: (&str, &str)) {
        let (op, np) = at;
        if o.kind != n.kind {
            // Nothing below a changed type can be compared meaningfully.
            let difference = Difference::TypeChanged {
                old: o.kind,
                new: n.kind,
            };
            self.push(path, difference, op, np);
            return;
        }
        if o.format != n.format {
            let difference = Difference::FormatChanged {
                old: o.format.clone(),
                new: n.format.clone(),
            };
            self.push(path, difference, op, np);
        }
        match (o.nullable, n.nullable) {
            (false, true) => self.push(path, Difference::BecameNullable, op, np),
            (true, false) => self.push(path, Difference::BecameNotNullable, op, np),
            _ => {}
        }
        self.enum_values(&o, &n, path, at);
        self.constraints(&o, &n, path, at);
        self.properties(&o, &n, path, at);

        match (&o.items, &n.items) {
            (Some(old_items), Some(new_items)) => {
                self.schema(old_items, new_items, format!("{path}[]"));
            }
            // `items` left out means any JSON value: the element type becomes
            // `serde_json::Value`, or stops being it.
            (Some(items), None) if o.kind == "array" => {
                let old = Some(element_type(self.old_doc, items));
                self.push(path, Difference::ItemsChanged { old, new: None }, op, np);
            }
            (None, Some(items)) if n.kind == "array" => {
                let new = Some(element_type(self.new_doc, items));
                self.push(path, Difference::ItemsChanged { old: None, new }, op, np);
            }
            _ => {}
        }
        if let (Some(old_values), Some(new_values)) = (&o.additional, &n.additional) {
            self.schema(old_values, new_values, format!("{path}{{}}"));
        }
        self.variants(&o, &n, path, at);
    }

    /// Bounds, `pattern` and discriminator.
    fn constraints(&mut self, o: &View<'a>, n: &View<'a>, path: &str, (op, np): (&str, &str)) {
        let keywords: BTreeSet<&'static str> =
            o.bounds.keys().chain(n.bounds.keys()).copied().collect();
        for keyword in keywords {
            let (old, new) = (
                o.bounds.get(keyword).copied(),
                n.bounds.get(keyword).copied(),
            );
            // An absent bound allows everything; a present one allows less the smaller (upper
            // bounds) or the larger (lower bounds) it is.
            let tighter = match (old, new) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) if o != n => (n < o) == is_upper(keyword),
                _ => continue,
            };
            let show = |x: Option<f64>| x.map(|x| x.to_string());
            let (old, new) = (show(old), show(new));
            let difference = if tighter {
                Difference::BoundTightened { keyword, old, new }
            } else {
                Difference::BoundRelaxed { keyword, old, new }
            };
            self.push(path, difference, op, np);
        }
        if o.pattern != n.pattern {
            let (old, new) = (o.pattern.clone(), n.pattern.clone());
            self.push(path, Difference::PatternChanged { old, new }, op, np);
        }
        if o.discriminator != n.discriminator {
            let (old, new) = (o.discriminator.clone(), n.discriminator.clone());
            self.push(path, Difference::DiscriminatorChanged { old, new }, op, np);
        }
    }

    /// Values added to or removed from an enum both sides have; an enum that appears or
    /// disappears as a whole.
    fn enum_values(&mut self, o: &View<'a>, n: &View<'a>, path: &str, at: (&str, &str)) {
        let (op, np) = at;
        // An enum that appears or disappears is a different matter (an open string becoming
        // closed); value by value comparison only makes sense between two closed sets.
        match (o.enumeration.is_empty(), n.enumeration.is_empty()) {
            (true, false) => self.push(path, Difference::EnumAdded, op, np),
            (false, true) => self.push(path, Difference::EnumRemoved, op, np),
            _ => {}
        }
        if !o.enumeration.is_empty() && !n.enumeration.is_empty() {
            let (old_enum, new_enum) = (pointer_join(op, &["enum"]), pointer_join(np, &["enum"]));
            for (i, value) in o.enumeration.iter().enumerate() {
                if !n.enumeration.contains(value) {
                    let at = pointer_join(&old_enum, &[&i.to_string()]);
                    let difference = Difference::EnumValueRemoved(value.clone());
                    self.push(path, difference, &at, &new_enum);
                }
            }
            for (i, value) in n.enumeration.iter().enumerate() {
                if !o.enumeration.contains(value) {
                    let at = pointer_join(&new_enum, &[&i.to_string()]);
                    let difference = Difference::EnumValueAdded(value.clone());
                    self.push(path, difference, &old_enum, &at);
                }
            }
        }
    }

    /// Properties added, removed, or changed in requiredness, then each one both sides have.
    fn properties(&mut self, o: &View<'a>, n: &View<'a>, path: &str, at: (&str, &str)) {
        let (op, np) = at;
        // Where a property one side lacks would be: that side's `properties`.
        let (old_props, new_props) = (
            pointer_join(op, &["properties"]),
            pointer_join(np, &["properties"]),
        );
        for (name, old_schema) in &o.properties {
            let at = join(path, name);
            match n.properties.iter().find(|(n, _)| n == name) {
                None => {
                    let difference = Difference::PropertyRemoved;
                    self.push(&at, difference, &old_schema.pointer, &new_props);
                }
                Some((_, new_schema)) => {
                    let pointers = (&*old_schema.pointer, &*new_schema.pointer);
                    match (o.required.contains(name), n.required.contains(name)) {
                        (false, true) => {
                            self.push(&at, Difference::BecameRequired, pointers.0, pointers.1)
                        }
                        (true, false) => {
                            self.push(&at, Difference::BecameOptional, pointers.0, pointers.1)
                        }
                        _ => {}
                    }
                    self.schema(old_schema, new_schema, at);
                }
            }
        }
        for (name, new_schema) in &n.properties {
            if !o.properties.iter().any(|(o, _)| o == name) {
                let required = n.required.contains(name);
                let difference = Difference::PropertyAdded { required };
                self.push(
                    &join(path, name),
                    difference,
                    &old_props,
                    &new_schema.pointer,
                );
            }
        }
    }

    /// `oneOf`/`anyOf` variants are matched by the component they name, else by position.
    fn variants(&mut self, o: &View<'a>, n: &View<'a>, path: &str, at: (&str, &str)) {
        let label = |doc, i: usize, s: &At<'a>| match resolve(doc, s).name {
            Some(name) => name.to_owned(),
            None => format!("#{}", i + 1),
        };
        let labelled = |doc, view: &View<'a>| -> Vec<(String, At<'a>)> {
            let all = view.variants.iter().enumerate();
            all.map(|(i, s)| (label(doc, i, s), s.clone())).collect()
        };
        let (old, new) = (labelled(self.old_doc, o), labelled(self.new_doc, n));
        let keyword = &o.kind;
        for (l, old_schema) in &old {
            match new.iter().find(|(n, _)| n == l) {
                Some((_, new_schema)) => {
                    self.schema(old_schema, new_schema, format!("{path}<{l}>"));
                }
                None => {
                    let difference = Difference::VariantRemoved {
                        keyword: keyword.clone(),
                        label: l.clone(),
                    };
                    self.push(path, difference, &old_schema.pointer, at.1);
                }
            }
        }
        for (l, new_schema) in &new {
            if !old.iter().any(|(o, _)| o == l) {
                let difference = Difference::VariantAdded {
                    keyword: keyword.clone(),
                    label: l.clone(),
                };
                self.push(path, difference, at.0, &new_schema.pointer);
            }
        }
    }
}

/// `at`, or the one part of an `allOf` that only wraps it (`allOf: [$ref]`, the OpenAPI 3.0
/// idiom for a nullable reference): typify gives both the part's type.
fn unwrapped<'a>(at: &At<'a>) -> At<'a> {
    if let SchemaRef::Item(schema) = at.schema {
        let parts = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => Some(all_of),
            SchemaKind::Any(a)
                if a.typ.is_none()
                    && a.properties.is_empty()
                    && a.items.is_none()
                    && a.one_of.is_empty()
                    && a.any_of.is_empty() =>
            {
                Some(&a.all_of)
            }
            _ => None,
        };
        if let Some([part]) = parts.map(Vec::as_slice) {
            return at.child(part, &["allOf", "0"]);
        }
    }
    at.clone()
}

/// The Rust type typify gives an array's elements, as a reviewer reads it: the component's
/// type name, or the type of an inline scalar (`String`, `i64`, …); an inline object or
/// composite gets a generated name, shown as "an inline type".
pub(super) fn element_type(doc: &OpenAPI, items: &At<'_>) -> String {
    let resolved = resolve(doc, items);
    if let Some(name) = resolved.name {
        return crate::client::identifiers::rust_name(
            name,
            crate::client::identifiers::Case::Pascal,
        );
    }
    let Ok(schema) = resolved.schema else {
        return "serde_json::Value".to_owned();
    };
    let kind = match &schema.schema_kind {
        // typify names an inline enum after where it is written.
        SchemaKind::Type(Type::String(t)) if !t.enumeration.is_empty() => "an inline type",
        SchemaKind::Type(Type::String(t)) => match format_name(&t.format).as_deref() {
            Some("uuid") => "uuid::Uuid",
            Some("date-time") => "chrono::DateTime<chrono::offset::Utc>",
            Some("date") => "chrono::naive::NaiveDate",
            _ => "String",
        },
        SchemaKind::Type(Type::Integer(_)) => "i64",
        SchemaKind::Type(Type::Number(_)) => "f64",
        SchemaKind::Type(Type::Boolean(_)) => "bool",
        SchemaKind::Any(any)
            if any.typ.as_deref() == Some("string") && any.enumeration.is_empty() =>
        {
            "String"
        }
        SchemaKind::Any(any) if any.typ.is_none() && any.properties.is_empty() => {
            "serde_json::Value"
        }
        _ => "an inline type",
    };
    kind.to_owned()
}
