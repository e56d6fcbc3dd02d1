//! One Cargo feature per product: the spec's `x-tagGroups` (Redocly's convention, written by
//! the converter when a collection nests tag folders under product folders) name the products,
//! and every item of the generated code gets the `#[cfg]` it needs, read from the code itself:
//!
//! - an operation's `Client` method, its `builder::` struct, impls and mock method: its
//!   product's feature;
//! - a type of `mod types` (and typify's `types::builder` twin): `any(...)` of the features of
//!   every operation that reaches it, directly or through other types;
//! - an impl, function or table entry: `all(...)` of what each operation or type it names needs
//!   (a `ResumableOp` impl names both of its pair's builders; a `RESPONSES` entry its operation).
//!
//! A type no operation reaches is compiled when what it names is. The features a product needs
//! besides its own are returned, for the crate's `[features]` table: a pair whose resume
//! operation belongs to another product, and a resource another product's requests name (a
//! `link` parameter or body field names the `links` tag's product: a product whose calls take
//! a link is no use without the calls that make one). Every `#[cfg]` has its
//! `#[cfg_attr(docsrs, doc(cfg(..)))]`, so rustdoc says which feature an item needs.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

use super::builders::Builder;
use crate::client::identifiers::{rust_name, Case};
use crate::client::resumable::ResumablePair as Resumable;

/// The features of one generated crate: product → the other products it enables, in the
/// spec's group order.
pub type Features = Vec<(String, Vec<String>)>;

/// A condition in conjunctive form: every clause must hold, a clause is `any(features)`.
type Need = BTreeSet<BTreeSet<String>>;

/// What each gated name needs.
#[derive(Default)]
struct Gates {
    /// Operation method name (`Client`, mock) → feature.
    methods: BTreeMap<String, String>,
    /// Progenitor's `builder::X` → feature.
    builders: BTreeMap<String, String>,
    /// Types of `mod types` → the features of the operations that reach them (empty: none).
    types: BTreeMap<String, BTreeSet<String>>,
    /// Each type → the types it names, for types no operation reaches.
    mentions: BTreeMap<String, BTreeSet<String>>,
    /// Spec component name → Rust type name, for table entries that name components.
    components: BTreeMap<String, String>,
    /// Types also compiled under these features, whatever else they need (the mock's own).
    also: BTreeMap<String, BTreeSet<String>>,
}

/// The product features of `spec` (its `x-tagGroups`), or `None` when it has none.
/// `tag → feature` is given for every tag listed under a group.
pub(crate) fn products(spec: &OpenAPI) -> Option<Vec<(String, Vec<String>)>> {
    let groups = spec.extensions.get("x-tagGroups")?.as_array()?;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for group in groups {
        let Some(name) = group.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let tags = group
            .get("tags")
            .and_then(|t| t.as_array())
            .map(|t| {
                t.iter()
                    .filter_map(|t| t.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let mut feature = feature_name(name);
        while out.iter().any(|(f, _)| *f == feature) {
            feature.push('_');
        }
        out.push((feature, tags));
    }
    (!out.is_empty()).then_some(out)
}

/// A group name as a Cargo feature name: lower case ASCII letters, digits, `-` and `_`; one
/// that would clash with the crate's own features (`full`, `default`, `mock`, `tracing`) or
/// that is empty gets a `product-` prefix.
pub fn feature_name(group: &str) -> String {
    let mut name = String::new();
    for c in group.trim().chars() {
        match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_') => name.push(c),
            _ if !name.ends_with('-') && !name.is_empty() => name.push('-'),
            _ => {}
        }
    }
    let name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        return "product".to_owned();
    }
    let reserved = ["default", "full", "mock", "tracing"];
    let starts_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric());
    if reserved.contains(&name.as_str()) || !starts_ok {
        format!("product-{name}")
    } else {
        name
    }
}

/// Puts every item of `file` under the features it needs; returns the features with the
/// products each one also enables (a resumable pair's resume operation's product).
pub(crate) fn gate_by_product(
    spec: &OpenAPI,
    file: &mut syn::File,
    resumable: &[Resumable],
    mock_types: &[String],
) -> Features {
    let Some(products) = products(spec) else {
        return Vec::new();
    };
    let tag_feature: BTreeMap<&str, &str> = products
        .iter()
        .flat_map(|(f, tags)| tags.iter().map(move |t| (t.as_str(), f.as_str())))
        .collect();
    let mut gates = Gates::default();
    for (_, _, op) in spec.operations() {
        let (Some(id), Some(tag)) = (&op.operation_id, op.tags.first()) else {
            continue;
        };
        let (Some(feature), Ok(builder)) = (tag_feature.get(tag.as_str()), Builder::find(file, id))
        else {
            continue;
        };
        let method = rust_name(id, Case::Snake);
        gates.methods.insert(method.clone(), (*feature).to_owned());
        gates
            .methods
            .insert(format!("{method}_"), (*feature).to_owned());
        gates
            .builders
            .insert(builder.ty.to_string(), (*feature).to_owned());
    }
    if let Some(components) = &spec.components {
        for name in components.schemas.keys() {
            gates
                .components
                .insert(name.clone(), rust_name(name, Case::Pascal));
        }
    }
    reach_types(file, &mut gates);
    // The handwritten mock names these itself, whichever products are on.
    also_under(&mut gates, super::mock::FEATURE, mock_types);
    for item in &mut file.items {
        gate_item(item, &gates, Scope::Top);
    }
    let mut features = features_with_dependencies(&products, &gates, resumable);
    add_named_resources(spec, &products, &mut features);
    features
}

/// Adds to each product the other products whose resource its requests name: a parameter or
/// top-level body field that is the singular of another product's tag (`link` of `links`).
fn add_named_resources(
    spec: &OpenAPI,
    products: &[(String, Vec<String>)],
    features: &mut Features,
) {
    let owner: BTreeMap<String, &str> = products
        .iter()
        .flat_map(|(f, tags)| {
            tags.iter()
                .map(move |t| (crate::naming::singular(t), f.as_str()))
        })
        .collect();
    let product_of: BTreeMap<&str, &str> = products
        .iter()
        .flat_map(|(f, tags)| tags.iter().map(move |t| (t.as_str(), f.as_str())))
        .collect();
    for (_, _, op) in spec.operations() {
        let Some(product) = op.tags.first().and_then(|t| product_of.get(t.as_str())) else {
            continue;
        };
        for name in requested_names(spec, op) {
            let Some(other) = owner.get(&name).filter(|o| **o != *product) else {
                continue;
            };
            if let Some((_, needs)) = features.iter_mut().find(|(f, _)| f == product) {
                if !needs.iter().any(|n| n == other) {
                    needs.push((*other).to_owned());
                    needs.sort();
                }
            }
        }
    }
}

/// The names of an operation's parameters and of its JSON body's top-level properties.
fn requested_names(spec: &OpenAPI, op: &openapiv3::Operation) -> Vec<String> {
    let mut names: Vec<String> = op
        .parameters
        .iter()
        .filter_map(|p| p.as_item())
        .map(|p| p.parameter_data_ref().name.clone())
        .collect();
    let body = op.request_body.as_ref().and_then(|b| b.as_item());
    let schema = body.and_then(|b| b.content.get("application/json")?.schema.as_ref());
    let schema = match schema {
        Some(openapiv3::ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|n| spec.components.as_ref()?.schemas.get(n)?.as_item()),
        Some(openapiv3::ReferenceOr::Item(s)) => Some(s),
        None => None,
    };
    if let Some(openapiv3::SchemaKind::Type(openapiv3::Type::Object(o))) =
        schema.map(|s| &s.schema_kind)
    {
        names.extend(o.properties.keys().cloned());
    }
    names
}

/// Each product with the products its pairs' resume operations belong to.
fn features_with_dependencies(
    products: &[(String, Vec<String>)],
    gates: &Gates,
    resumable: &[Resumable],
) -> Features {
    products
        .iter()
        .map(|(feature, _)| {
            let mut needs: Vec<String> = Vec::new();
            for pair in resumable {
                let of = |op: &str| gates.methods.get(&rust_name(op, Case::Snake));
                if let (Some(retrieve), Some(resume)) = (of(&pair.retrieve), of(&pair.resume)) {
                    if retrieve == feature && resume != feature && !needs.contains(resume) {
                        needs.push(resume.clone());
                    }
                }
            }
            needs.sort();
            (feature.clone(), needs)
        })
        .collect()
}

/// Where an item sits, which decides what a bare name means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The module root and modules other than these two.
    Top,
    /// `mod types` and its submodules: a bare name is a type.
    Types,
    /// Progenitor's `mod builder`: a bare name is a builder when one has it.
    Builder,
}

/// Fills `gates.types`: the seeds are the types each operation's builder (struct and inherent
/// impls) names, closed over the types each type names.
fn reach_types(file: &syn::File, gates: &mut Gates) {
    let Some(types) = module(file, "types") else {
        return;
    };
    for item in types {
        if let Some(name) = defined_type(item) {
            gates.types.insert(name.to_string(), BTreeSet::new());
        }
    }
    for item in types {
        if let Some(name) = defined_type(item) {
            let named = names(&item.to_token_stream(), gates, Scope::Types).1;
            let entry = gates.mentions.entry(name.to_string()).or_default();
            entry.extend(named.into_iter().filter(|n| *name != n));
        }
    }
    let mut seeds: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in module(file, "builder").unwrap_or(&[]) {
        let (builders, types) = names(&item.to_token_stream(), gates, Scope::Builder);
        let is_own = matches!(item, syn::Item::Struct(_))
            || matches!(item, syn::Item::Impl(i) if i.trait_.is_none());
        if is_own && builders.len() == 1 {
            let feature = &gates.builders[builders.first().expect("one builder")];
            seeds.entry(feature.clone()).or_default().extend(types);
        }
    }
    for (feature, seed) in seeds {
        let mut stack: Vec<String> = seed.into_iter().collect();
        while let Some(ty) = stack.pop() {
            let Some(features) = gates.types.get_mut(&ty) else {
                continue;
            };
            if features.insert(feature.clone()) {
                stack.extend(gates.mentions.get(&ty).into_iter().flatten().cloned());
            }
        }
    }
}

/// Compiles each type of `seed`, and every type those name, under `feature` as well as under
/// what it needs already (`Gates::also`).
fn also_under(gates: &mut Gates, feature: &str, seed: &[String]) {
    let mut stack: Vec<String> = seed.to_vec();
    while let Some(ty) = stack.pop() {
        if gates.types.contains_key(&ty)
            && gates
                .also
                .entry(ty.clone())
                .or_default()
                .insert(feature.to_owned())
        {
            stack.extend(gates.mentions.get(&ty).into_iter().flatten().cloned());
        }
    }
}

/// The items of the top-level module `name`.
fn module<'a>(file: &'a syn::File, name: &str) -> Option<&'a [syn::Item]> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, i)| &i[..]),
        _ => None,
    })
}

/// The type an item defines.
fn defined_type(item: &syn::Item) -> Option<&syn::Ident> {
    match item {
        syn::Item::Struct(s) => Some(&s.ident),
        syn::Item::Enum(e) => Some(&e.ident),
        syn::Item::Type(t) => Some(&t.ident),
        syn::Item::Union(u) => Some(&u.ident),
        _ => None,
    }
}

/// The builders and types the paths of `tokens` name. A path counts by its first segment that
/// is a gated name, after module segments only (`super::types::Foo`, `builder::Foo`), so
/// `Self::Variant` and a field `foo: Bar` count as they should.
fn names(
    tokens: &TokenStream,
    gates: &Gates,
    scope: Scope,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut builders = BTreeSet::new();
    let mut types = BTreeSet::new();
    let mut path: Vec<String> = Vec::new();
    let mut colons = 0;
    let mut flush = |path: &mut Vec<String>| {
        classify(path, gates, scope, &mut builders, &mut types);
        path.clear();
    };
    walk_tokens(tokens, &mut |tree| match tree {
        TokenTree::Ident(i) => {
            if colons != 2 {
                flush(&mut path);
            }
            path.push(i.to_string());
            colons = 0;
        }
        TokenTree::Punct(p) if p.as_char() == ':' => colons += 1,
        _ => {
            flush(&mut path);
            colons = 0;
        }
    });
    flush(&mut path);
    (builders, types)
}

/// Calls `f` on every token, groups' contents included (a group itself ends a path).
fn walk_tokens(tokens: &TokenStream, f: &mut dyn FnMut(&TokenTree)) {
    for tree in tokens.clone() {
        if let TokenTree::Group(g) = &tree {
            f(&tree);
            walk_tokens(&g.stream(), f);
        } else {
            f(&tree);
        }
    }
}

/// Records the gated name one path starts with (see [`names`]). Outside `mod types` a type is
/// only ever named through `types::` (progenitor's output and the glue both spell it so), so a
/// bare name there is something else: `Error` is progenitor's, not a component called `Error`.
fn classify(
    path: &[String],
    gates: &Gates,
    scope: Scope,
    builders: &mut BTreeSet<String>,
    types: &mut BTreeSet<String>,
) {
    let mut in_types = scope == Scope::Types;
    let mut in_builder = scope == Scope::Builder;
    for segment in path {
        match segment.as_str() {
            "types" => in_types = true,
            "builder" => in_builder = !in_types,
            "super" | "self" | "crate" => {}
            name => {
                if in_builder && !in_types && gates.builders.contains_key(name) {
                    builders.insert(name.to_owned());
                } else if in_types && gates.types.contains_key(name) {
                    types.insert(name.to_owned());
                } else if !in_types && gates.builders.contains_key(name) {
                    builders.insert(name.to_owned());
                }
                return;
            }
        }
    }
}

/// What the builders and types named in `tokens` need together.
fn need_of(tokens: &TokenStream, gates: &Gates, scope: Scope) -> Need {
    let (builders, types) = names(tokens, gates, scope);
    let mut need = Need::new();
    for b in builders {
        need.insert(BTreeSet::from([gates.builders[&b].clone()]));
    }
    for t in types {
        need.extend(type_need(&t, gates, &mut BTreeSet::new()));
    }
    need
}

/// What a type needs: the features that reach it, or, for a type no operation reaches, what
/// the types it names need (`seen` breaks cycles).
fn type_need(ty: &str, gates: &Gates, seen: &mut BTreeSet<String>) -> Need {
    let need: Need = match gates.types.get(ty) {
        Some(features) if !features.is_empty() => Need::from([features.clone()]),
        _ if !seen.insert(ty.to_owned()) => Need::new(),
        _ => gates
            .mentions
            .get(ty)
            .into_iter()
            .flatten()
            .flat_map(|t| type_need(t, gates, seen))
            .collect(),
    };
    // `(a ∧ b) ∨ f` is `(a ∨ f) ∧ (b ∨ f)`: the features of `also` join every clause.
    match gates.also.get(ty) {
        Some(also) => need
            .into_iter()
            .map(|clause| clause.union(also).cloned().collect())
            .collect(),
        None => need,
    }
}

/// Adds the cfg `item` needs, recursing into modules; impls of ungated types (`Client`,
/// `MockServer`) are gated method by method.
fn gate_item(item: &mut syn::Item, gates: &Gates, scope: Scope) {
    let need = match &mut *item {
        syn::Item::Mod(m) => {
            let inner = match (scope, m.ident.to_string().as_str()) {
                (Scope::Top, "types") => Scope::Types,
                (Scope::Top, "builder") => Scope::Builder,
                (s, _) => s,
            };
            for item in m.content.iter_mut().flat_map(|(_, items)| items) {
                gate_item(item, gates, inner);
            }
            return;
        }
        syn::Item::Use(_) | syn::Item::Macro(_) | syn::Item::ExternCrate(_) => return,
        syn::Item::Impl(imp)
            if imp.trait_.is_none()
                && need_of(&imp.self_ty.to_token_stream(), gates, scope).is_empty() =>
        {
            gate_methods(imp, gates, scope);
            return;
        }
        syn::Item::Const(c) => {
            gate_entries(&mut c.expr, gates);
            need_of(&c.ty.to_token_stream(), gates, scope)
        }
        syn::Item::Static(s) => {
            gate_entries(&mut s.expr, gates);
            need_of(&s.ty.to_token_stream(), gates, scope)
        }
        _ => need_of(&item.to_token_stream(), gates, scope),
    };
    if let Some(attrs) = item_attrs(item) {
        push_cfg(attrs, need);
    }
}

/// Gates each method of an impl on an ungated type by its operation and what it names.
fn gate_methods(imp: &mut syn::ItemImpl, gates: &Gates, scope: Scope) {
    for member in &mut imp.items {
        if let syn::ImplItem::Fn(f) = member {
            let mut need = need_of(&f.sig.to_token_stream(), gates, scope);
            need.extend(need_of(&f.block.to_token_stream(), gates, scope));
            if let Some(feature) = gates.methods.get(&f.sig.ident.to_string()) {
                need.insert(BTreeSet::from([feature.clone()]));
            }
            push_cfg(&mut f.attrs, need);
        }
    }
}

/// Gates each element of a table (`&[...]`) by the operations and components its strings
/// name: `RESUMABLE`'s pairs, `decode`'s `RESPONSES` and `PROPERTIES`.
fn gate_entries(expr: &mut syn::Expr, gates: &Gates) {
    let syn::Expr::Reference(r) = expr else {
        return;
    };
    let syn::Expr::Array(array) = &mut *r.expr else {
        return;
    };
    for element in &mut array.elems {
        let mut need = Need::new();
        walk_tokens(&element.to_token_stream(), &mut |tree| {
            let TokenTree::Literal(lit) = tree else {
                return;
            };
            let Ok(text) = syn::parse_str::<syn::LitStr>(&lit.to_string()) else {
                return;
            };
            let text = text.value();
            if let Some(feature) = gates.methods.get(&text) {
                need.insert(BTreeSet::from([feature.clone()]));
            } else if let Some(ty) = gates.components.get(&text) {
                need.extend(type_need(ty, gates, &mut BTreeSet::new()));
            }
        });
        push_expr_cfg(element, need);
    }
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        _ => return None,
    })
}

fn push_expr_cfg(expr: &mut syn::Expr, need: Need) {
    let attrs = match expr {
        syn::Expr::Tuple(t) => &mut t.attrs,
        syn::Expr::Struct(s) => &mut s.attrs,
        syn::Expr::Call(c) => &mut c.attrs,
        _ => return,
    };
    push_cfg(attrs, need);
}

/// Adds `#[cfg(...)]` for `need`, simplified: a clause implied by a narrower one is dropped.
fn push_cfg(attrs: &mut Vec<syn::Attribute>, need: Need) {
    let clauses: Vec<&BTreeSet<String>> = need
        .iter()
        .filter(|c| !need.iter().any(|o| o != *c && o.is_subset(c)))
        .collect();
    let any = |clause: &BTreeSet<String>| -> TokenStream {
        let features = clause.iter().map(|f| quote::quote!(feature = #f));
        match clause.len() {
            1 => quote::quote!(#(#features)*),
            _ => quote::quote!(any(#(#features),*)),
        }
    };
    let condition = match clauses.as_slice() {
        [] => return,
        [one] => any(one),
        many => {
            let parts = many.iter().map(|c| any(c));
            quote::quote!(all(#(#parts),*))
        }
    };
    attrs.push(syn::parse_quote!(#[cfg(#condition)]));
    attrs.push(syn::parse_quote!(#[cfg_attr(docsrs, doc(cfg(#condition)))]));
}

#[cfg(test)]
mod tests {
    use super::feature_name;

    #[test]
    fn group_names_become_cargo_feature_names() {
        assert_eq!(feature_name("banking"), "banking");
        assert_eq!(feature_name("Open Finance / Brazil"), "open-finance-brazil");
        assert_eq!(feature_name("tax_status"), "tax_status");
        assert_eq!(feature_name("full"), "product-full");
        assert_eq!(feature_name("Mock"), "product-mock");
        assert_eq!(feature_name("¿?"), "product");
        assert_eq!(feature_name("2fa"), "2fa");
    }
}
