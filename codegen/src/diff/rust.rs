//! What a spec change does to the generated Rust client: the public items of two generated
//! clients (operation methods on `Client`, builder setters, `send`'s result, types, fields,
//! enum variants) read with syn and compared, and each difference attached to the spec
//! changes it comes from.
//!
//! Items are named as a caller writes them: `Client::list_all_balances()`,
//! `builder::ListAllBalances::statement(..)`, `types::Balance::statement`,
//! `types::AccountCategory::Loan`. A field's or setter's "type" is its Rust type as generated
//! (a setter's is the `TryInto` target of its argument), so `Option<i64>` → `Option<f64>` shows.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::{FnArg, GenericParam, ImplItem, Item, Type, TypeParamBound, WherePredicate};

use super::change::{Change, RustChange, Scope};
use crate::client::identifiers::{rust_name, Case};

/// The public API of a generated client: item → type or signature.
type Api = BTreeMap<String, String>;

/// Compares the public APIs of two generated clients (`generated.rs` texts).
pub fn compare(old: &str, new: &str) -> Result<Vec<RustChange>, syn::Error> {
    let (old, new) = (api(old)?, api(new)?);
    let change = |item: &String, old: Option<&String>, new: Option<&String>| RustChange {
        item: item.clone(),
        old: old.cloned(),
        new: new.cloned(),
        members: 0,
    };
    let mut out = Vec::new();
    for (item, old_sig) in &old {
        match new.get(item) {
            None => out.push(change(item, Some(old_sig), None)),
            Some(new_sig) if new_sig != old_sig => {
                out.push(change(item, Some(old_sig), Some(new_sig)))
            }
            Some(_) => {}
        }
    }
    for (item, new_sig) in &new {
        if !old.contains_key(item) {
            out.push(change(item, None, Some(new_sig)));
        }
    }
    Ok(fold_members(out))
}

/// A member of a type or builder that appears or disappears with it is counted there, not
/// listed apart.
fn fold_members(changes: Vec<RustChange>) -> Vec<RustChange> {
    let whole = |c: &RustChange| c.old.is_none() || c.new.is_none();
    let parent_of = |item: &str| -> Option<String> {
        let item = item
            .strip_suffix("()")
            .or(item.strip_suffix("(..)"))
            .unwrap_or(item);
        item.rfind("::").map(|i| item[..i].to_owned())
    };
    let mut kept: Vec<RustChange> = Vec::new();
    for c in changes {
        let parent = parent_of(&c.item).and_then(|p| {
            kept.iter_mut().find(|k| {
                k.item == p && whole(k) && k.old.is_none() == c.old.is_none() && whole(&c)
            })
        });
        match parent {
            Some(parent) => parent.members += 1,
            None => kept.push(c),
        }
    }
    kept
}

fn api(code: &str) -> Result<Api, syn::Error> {
    let file = syn::parse_file(code)?;
    let mut api = Api::new();
    for item in &file.items {
        match item {
            Item::Mod(m) if m.ident == "types" => types(&mut api, m),
            Item::Mod(m) if m.ident == "builder" => builders(&mut api, m),
            Item::Impl(i) if self_name(&i.self_ty).as_deref() == Some("Client") => {
                for f in public_fns(i) {
                    let sig = signature(&f.sig);
                    api.insert(format!("Client::{}()", f.sig.ident), sig);
                }
            }
            _ => {}
        }
    }
    Ok(api)
}

/// `mod types`: structs with their fields, enums with their variants (not the struct builders
/// of `types::builder`, which mirror the structs).
fn types(api: &mut Api, module: &syn::ItemMod) {
    for item in module.content.iter().flat_map(|(_, items)| items) {
        match item {
            Item::Struct(s) if is_pub(&s.vis) => {
                let name = format!("types::{}", s.ident);
                api.insert(name.clone(), "struct".into());
                for field in &s.fields {
                    if let (Some(ident), true) = (&field.ident, is_pub(&field.vis)) {
                        api.insert(format!("{name}::{ident}"), tokens(&field.ty));
                    }
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let name = format!("types::{}", e.ident);
                api.insert(name.clone(), "enum".into());
                for variant in &e.variants {
                    let payload = variant.fields.to_token_stream();
                    api.insert(format!("{name}::{}", variant.ident), squeeze(&payload));
                }
            }
            _ => {}
        }
    }
}

/// `mod builder`: each operation builder's setters (by the type they take) and `send` (by
/// what it returns).
fn builders(api: &mut Api, module: &syn::ItemMod) {
    for item in module.content.iter().flat_map(|(_, items)| items) {
        if let Item::Struct(s) = item {
            if is_pub(&s.vis) {
                api.insert(format!("builder::{}", s.ident), "struct".into());
            }
            continue;
        }
        let Item::Impl(i) = item else { continue };
        let Some(builder) = self_name(&i.self_ty) else {
            continue;
        };
        for f in public_fns(i) {
            let name = f.sig.ident.to_string();
            if name == "new" {
                continue;
            }
            let key = format!("builder::{builder}::{name}(..)");
            let sig = setter_type(&f.sig).unwrap_or_else(|| signature(&f.sig));
            api.insert(key, sig);
        }
    }
}

fn public_fns(i: &syn::ItemImpl) -> impl Iterator<Item = &syn::ImplItemFn> {
    i.items.iter().filter_map(|item| match item {
        ImplItem::Fn(f) if is_pub(&f.vis) => Some(f),
        _ => None,
    })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn self_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// A setter `fn x<V>(self, value: V) where V: TryInto<T>`: `T`.
fn setter_type(sig: &syn::Signature) -> Option<String> {
    let param = sig.generics.params.iter().find_map(|p| match p {
        GenericParam::Type(t) => Some(t.ident.clone()),
        _ => None,
    })?;
    let bounds = sig.generics.where_clause.iter().flat_map(|w| &w.predicates);
    for predicate in bounds {
        let WherePredicate::Type(t) = predicate else {
            continue;
        };
        if param != tokens(&t.bounded_ty) {
            continue;
        }
        for bound in &t.bounds {
            let TypeParamBound::Trait(tr) = bound else {
                continue;
            };
            let last = tr.path.segments.last()?;
            if last.ident == "TryInto" {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    return Some(squeeze(&args.args.to_token_stream()));
                }
            }
        }
    }
    None
}

/// Arguments after `self`, and the return type.
fn signature(sig: &syn::Signature) -> String {
    let args: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => Some(tokens(&t.ty)),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let output = match &sig.output {
        syn::ReturnType::Default => "()".to_owned(),
        syn::ReturnType::Type(_, ty) => tokens(ty),
    };
    format!("({}) -> {output}", args.join(", "))
}

fn tokens(t: &impl ToTokens) -> String {
    squeeze(&t.to_token_stream())
}

/// Token text without the spaces `TokenStream`'s `Display` puts between every token, and
/// without the `::std::…`/`::chrono::…` roots, as a reader writes a type.
fn squeeze(stream: &proc_macro2::TokenStream) -> String {
    let text = stream.to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.peek().copied();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if word(prev) && word(next) || prev == Some(',') {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
    }
    for root in [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
    ] {
        out = out.replace(root, "");
    }
    out.replace("::chrono::", "chrono::")
        .replace("::uuid::", "uuid::")
        .replace("::serde_json::", "serde_json::")
}

/// Whether the Rust item `item` is one of `targets` (see [`targets`]) or part of one.
pub(super) fn concerns(targets: &[String], item: &str) -> bool {
    targets.iter().any(|t| {
        item == t || item.starts_with(&format!("{t}::")) || item.starts_with(&format!("{t}("))
    })
}

/// The Rust items a change may touch, by its operation and the pointers of its element.
pub(super) fn targets(scope: &Scope, change: &Change) -> Vec<String> {
    let mut out = Vec::new();
    let id = change.rule.id;
    if let Scope::Operation {
        operation_id: Some(op),
        ..
    } = scope
    {
        let method = rust_name(op.as_str(), Case::Snake);
        let builder = format!("builder::{}", rust_name(op.as_str(), Case::Pascal));
        if id.starts_with("api-") {
            out.push(format!("Client::{method}"));
            out.push(builder.clone());
        }
        // A renamed operation: its old method and builder go.
        if change.rule == super::rules::API_OPERATION_ID_CHANGED {
            if let Some(old) = &change.old.value {
                out.push(format!("Client::{}", rust_name(old.as_str(), Case::Snake)));
                let old = rust_name(old.as_str(), Case::Pascal);
                out.push(format!("builder::{old}"));
            }
        }
        if id.starts_with("request-parameter-") {
            // The parameter's wire name is the message's first code span.
            if let Some(name) = first_code_span(&change.message) {
                out.push(format!("{builder}::{}", rust_name(name, Case::Snake)));
            }
        }
        if id.starts_with("request-body-") {
            out.push(format!("{builder}::body"));
        }
        if id.starts_with("response-success-") || id == "response-media-type-changed" {
            out.push(format!("{builder}::send"));
        }
    }
    for state in [&change.old, &change.new] {
        out.extend(schema_targets(&state.pointer));
    }
    out
}

/// `/components/schemas/N[/properties/p…]`: the type `N`, its field `p`, and the type typify
/// makes of an inline schema there (`NP`).
fn schema_targets(pointer: &str) -> Vec<String> {
    let Some(rest) = pointer.strip_prefix("/components/schemas/") else {
        return Vec::new();
    };
    let mut parts = rest.split('/').map(crate::openapi_util::unescape_segment);
    let Some(name) = parts.next() else {
        return Vec::new();
    };
    let ty = rust_name(&name, Case::Pascal);
    match (parts.next().as_deref(), parts.next()) {
        (Some("properties"), Some(property)) => {
            let field = rust_name(&property, Case::Snake);
            let inline = rust_name(&property, Case::Pascal);
            vec![
                format!("types::{ty}::{field}"),
                format!("types::{ty}{inline}"),
            ]
        }
        (Some("properties"), None) | (None, _) => vec![format!("types::{ty}")],
        // An enum value or a variant of the type itself.
        (Some(_), _) => vec![format!("types::{ty}")],
    }
}

fn first_code_span(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squeeze_writes_types_as_a_reader_would() {
        let ty: syn::Type = syn::parse_str(
            "::std::option::Option<::std::vec::Vec<::chrono::DateTime<::chrono::offset::Utc>>>",
        )
        .unwrap();
        assert_eq!(
            tokens(&ty),
            "Option<Vec<chrono::DateTime<chrono::offset::Utc>>>"
        );
        let ty: syn::Type = syn::parse_str("Result<(u8, &'a str), String>").unwrap();
        assert_eq!(tokens(&ty), "Result<(u8, &'a str), String>");
    }

    #[test]
    fn schema_pointers_name_types_and_fields() {
        assert_eq!(
            schema_targets("/components/schemas/Balance/properties/current_balance"),
            [
                "types::Balance::current_balance",
                "types::BalanceCurrentBalance"
            ]
        );
        assert_eq!(
            schema_targets("/components/schemas/Owner"),
            ["types::Owner"]
        );
        assert!(schema_targets("/paths/~1a/get").is_empty());
    }
}
