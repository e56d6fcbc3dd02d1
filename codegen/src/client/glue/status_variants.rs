//! Success bodies of several shapes: one typed variant per status instead of
//! `UnexpectedResponse` (progenitor allows one success type per operation).
//!
//! Normalisation points every 2xx of such an operation at a synthetic component `{id}Success`
//! whose `x-status-variants` lists, per status, a variant name (the reason phrase) and the
//! body's schema (a `$ref`, or arrays of one). This pass changes progenitor's output in three
//! ways:
//! - in `mod types`, whatever typify emitted for the synthetic component (a newtype over any
//!   JSON, with its impls) is replaced by an enum, one variant per status (`Created(Vec<
//!   Transaction>)`, `Accepted(AsyncRequest)`), `Serialize` and `Deserialize` untagged, with a
//!   `status()` method;
//! - in each operation that returns it, the match arm of each of those statuses decodes the
//!   body as that status's own type, still through the `decode` module (so a body that does
//!   not fit is a `Mismatch` naming the status), and wraps it in its variant;
//! - in `check_response`, those statuses decode as their own type too;
//! - with the `resumable` module's `FromResume`, the enum takes each of its variants' bodies,
//!   so an MFA flow whose resume answers one of those shapes still awaits to one type.
//!
//! Runs after the `decode` pass, whose calls it reads.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use super::builders::generic_args;
use crate::client::identifiers::{rust_name, Case};
use crate::client::normalize::STATUS_VARIANTS as EXTENSION;
use crate::openapi_util::component_name;

/// One variant of a synthetic success type.
struct Variant {
    status: u16,
    name: syn::Ident,
    /// The body's schema: a `$ref`, or an array of such.
    schema: Value,
}

/// Synthetic type name (as Rust) → its variants.
type Synthetics = BTreeMap<String, Vec<Variant>>;

/// Replaces every synthetic success type of `spec` (the normalised spec) in `file`.
/// `from_resume`: implement the `resumable` module's `FromResume` for each of them.
pub(crate) fn type_status_variants(
    spec: &OpenAPI,
    file: &mut syn::File,
    from_resume: bool,
) -> Result<(), String> {
    let synthetics = synthetics(spec)?;
    if synthetics.is_empty() {
        return Ok(());
    }
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                let items = &mut m.content.get_or_insert_with(Default::default).1;
                replace_types(items, &synthetics, from_resume);
            }
            syn::Item::Mod(m) => {
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    Arms::rewrite_item(inner, &synthetics)?;
                }
            }
            other => Arms::rewrite_item(other, &synthetics)?,
        }
    }
    Ok(())
}

fn synthetics(spec: &OpenAPI) -> Result<Synthetics, String> {
    let mut found = Synthetics::new();
    for (name, schema) in spec.components.iter().flat_map(|c| &c.schemas) {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let Some(list) = schema.schema_data.extensions.get(EXTENSION) else {
            continue;
        };
        let bad = || format!("component `{name}`: malformed `{EXTENSION}`");
        let mut variants = Vec::new();
        for v in list.as_array().ok_or_else(bad)? {
            let status = v.get("status").and_then(Value::as_u64).ok_or_else(bad)?;
            let variant = v.get("variant").and_then(Value::as_str).ok_or_else(bad)?;
            variants.push(Variant {
                status: u16::try_from(status).map_err(|_| bad())?,
                name: syn::parse_str(variant).map_err(|_| bad())?,
                schema: v.get("schema").cloned().ok_or_else(bad)?,
            });
        }
        found.insert(rust_name(name, Case::Pascal), variants);
    }
    Ok(found)
}

/// Whether `output`, a success type as `mod builder` spells it (`types::{Op}Success`), is a
/// synthetic type of `spec` with a variant whose body is `body` (spelled the same way), so
/// that this pass gives it `FromResume<body>`.
pub(crate) fn takes(spec: &OpenAPI, output: &syn::Type, body: &syn::Type) -> bool {
    let (Some(name), Ok(synthetics)) = (super::builders::last_ident(output), synthetics(spec))
    else {
        return false;
    };
    let body = quote!(#body).to_string();
    synthetics.get(&name.to_string()).is_some_and(|variants| {
        variants
            .iter()
            .any(|v| body_type(&v.schema, &quote!(types::)).is_ok_and(|ty| ty.to_string() == body))
    })
}

/// The Rust type of a variant's body, with `prefix` (`types::`, or nothing inside `mod
/// types`) before component names.
fn body_type(schema: &Value, prefix: &TokenStream) -> Result<TokenStream, String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = component_name(reference, "schemas")
            .ok_or_else(|| format!("`{reference}` is not a schema component"))?;
        let ident: syn::Ident = syn::parse_str(&rust_name(&name, Case::Pascal))
            .map_err(|e| format!("`{name}`: {e}"))?;
        return Ok(quote!(#prefix #ident));
    }
    let items = schema
        .get("items")
        .ok_or_else(|| format!("a variant body typify must spell: {schema}"))?;
    let inner = body_type(items, prefix)?;
    Ok(quote!(::std::vec::Vec<#inner>))
}

/// Drops typify's items for each synthetic type in `items` (`mod types`) and adds its enum.
fn replace_types(items: &mut Vec<syn::Item>, synthetics: &Synthetics, from_resume: bool) {
    fn mentions(tokens: TokenStream, synthetics: &Synthetics) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => synthetics.contains_key(&i.to_string()),
            proc_macro2::TokenTree::Group(g) => mentions(g.stream(), synthetics),
            _ => false,
        })
    }
    items.retain(|item| match item {
        syn::Item::Struct(s) => !synthetics.contains_key(&s.ident.to_string()),
        syn::Item::Enum(e) => !synthetics.contains_key(&e.ident.to_string()),
        syn::Item::Type(t) => !synthetics.contains_key(&t.ident.to_string()),
        syn::Item::Impl(i) => {
            let self_ty = &i.self_ty;
            let trait_ = i.trait_.as_ref().map(|(path, _)| path);
            !mentions(quote!(#self_ty #trait_), synthetics)
        }
        _ => true,
    });
    for (name, variants) in synthetics {
        match enum_items(name, variants, from_resume) {
            Ok(new) => items.extend(new),
            // An unspellable body cannot come from normalisation; keep the build failing
            // loudly rather than emitting a half type.
            Err(e) => items.push(syn::parse_quote!(compile_error!(#e);)),
        }
    }
}

fn enum_items(
    name: &str,
    variants: &[Variant],
    from_resume: bool,
) -> Result<Vec<syn::Item>, String> {
    let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
    let none = TokenStream::new();
    let mut arms = Vec::new();
    let mut defs = Vec::new();
    // Body type (as text, to compare) → its type and its variants, in order.
    let mut shapes: Vec<(String, TokenStream, Vec<&Variant>)> = Vec::new();
    for v in variants {
        let (status, variant) = (v.status, &v.name);
        let ty = body_type(&v.schema, &none)?;
        match shapes.iter_mut().find(|(key, _, _)| *key == ty.to_string()) {
            Some((_, _, of_shape)) => of_shape.push(v),
            None => shapes.push((ty.to_string(), ty.clone(), vec![v])),
        }
        let doc = format!(
            "The body of a `{status} {}` response.",
            crate::status::reason(status)
        );
        defs.push(quote!(#[doc = #doc] #variant(#ty)));
        arms.push(quote!(Self::#variant(_) => #status));
    }
    let statuses: Vec<String> = variants
        .iter()
        .map(|v| format!("{} ({})", v.name, v.status))
        .collect();
    let doc = format!(
        "A success body of one of several shapes, one variant per status: {}. The client \
         decodes each status into its own variant; `Deserialize` (untagged) tries them in this \
         order, so it cannot tell apart variants of one shape.",
        statuses.join(", ")
    );
    let mut items = vec![
        syn::parse_quote! {
            #[doc = #doc]
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum #ident {
                #(#defs),*
            }
        },
        syn::parse_quote! {
            impl #ident {
                /// The HTTP status this body came with.
                pub fn status(&self) -> u16 {
                    match self {
                        #(#arms),*
                    }
                }
            }
        },
    ];
    if from_resume {
        items.extend(
            shapes
                .iter()
                .map(|(_, ty, of_shape)| from_resume_impl(&ident, ty, of_shape)),
        );
    }
    Ok(items)
}

/// `FromResume<ty>` for the enum: the variant of the body's status among those of this shape,
/// else the first of them.
fn from_resume_impl(ident: &syn::Ident, ty: &TokenStream, of_shape: &[&Variant]) -> syn::Item {
    let first = &of_shape[0].name;
    let body = if of_shape.len() == 1 {
        quote!(Self::#first(body))
    } else {
        let arms = of_shape[1..].iter().map(|v| {
            let (status, name) = (v.status, &v.name);
            quote!(#status => Self::#name(body))
        });
        quote!(match status { #(#arms,)* _ => Self::#first(body) })
    };
    syn::parse_quote! {
        impl super::resumable::FromResume<#ty> for #ident {
            #[allow(unused_variables)]
            fn from_resume(status: u16, body: #ty) -> Self {
                #body
            }
        }
    }
}

/// Rewrites the match arms of the functions that decode a synthetic type.
struct Arms<'s> {
    synthetics: &'s Synthetics,
    /// Of the function being rewritten: the synthetic type's path and its variants.
    target: Option<(syn::Path, &'s [Variant])>,
    error: Option<String>,
}

impl<'s> Arms<'s> {
    fn rewrite_item(item: &mut syn::Item, synthetics: &'s Synthetics) -> Result<(), String> {
        let mut arms = Arms {
            synthetics,
            target: None,
            error: None,
        };
        match item {
            syn::Item::Impl(block) => {
                for f in block.items.iter_mut() {
                    if let syn::ImplItem::Fn(f) = f {
                        // Only a function returning a synthetic type has arms to rewrite.
                        arms.target = arms.returned(&f.sig.output);
                        if arms.target.is_some() {
                            arms.visit_block_mut(&mut f.block);
                        }
                    }
                }
            }
            syn::Item::Fn(f) if f.sig.ident == "check_response" => {
                arms.visit_block_mut(&mut f.block);
            }
            _ => {}
        }
        arms.error.map_or(Ok(()), Err)
    }

    /// The synthetic type a function returns as `Result<ResponseValue<T>, _>`, if any.
    fn returned(&self, output: &syn::ReturnType) -> Option<(syn::Path, &'s [Variant])> {
        let syn::ReturnType::Type(_, ret) = output else {
            return None;
        };
        let ok = *generic_args(ret, "Result")?.first()?;
        let syn::Type::Path(p) = *generic_args(ok, "ResponseValue")?.first()? else {
            return None;
        };
        let name = p.path.segments.last()?.ident.to_string();
        let (_, variants) = self.synthetics.get_key_value(&name)?;
        Some((p.path.clone(), variants.as_slice()))
    }
}

/// The status a match arm's pattern names: `201u16`, or the last of a tuple
/// (`("post", "/x/", 201u16)`).
fn arm_status(pat: &syn::Pat) -> Option<u16> {
    let pat = match pat {
        syn::Pat::Tuple(t) => t.elems.last()?,
        other => other,
    };
    match pat {
        syn::Pat::Lit(syn::PatLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

/// The path before a type's last segment, as tokens (`types::`), or nothing.
fn prefix_of(path: &syn::Path) -> TokenStream {
    let segments: Vec<_> = path.segments.iter().take(path.segments.len() - 1).collect();
    let leading = path.leading_colon;
    quote!(#leading #(#segments::)*)
}

impl VisitMut for Arms<'_> {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        syn::visit_mut::visit_arm_mut(self, arm);
        let Some(status) = arm_status(&arm.pat) else {
            return;
        };
        if let Some((path, variants)) = &self.target {
            let Some(v) = variants.iter().find(|v| v.status == status) else {
                return;
            };
            let ty = match body_type(&v.schema, &prefix_of(path)) {
                Ok(ty) => ty,
                Err(e) => return self.error = Some(e),
            };
            let mut typed = TypedDecode {
                ty: &ty,
                done: false,
            };
            typed.visit_expr_mut(&mut arm.body);
            if typed.done {
                let body = match &*arm.body {
                    syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                        syn::Stmt::Expr(e, None) => e.clone(),
                        _ => (*arm.body).clone(),
                    },
                    other => other.clone(),
                };
                let variant = &v.name;
                *arm.body = syn::parse_quote!(#body.and_then(|v| v.map(#path::#variant)));
            }
        } else {
            let mut retype = Retype {
                synthetics: self.synthetics,
                status,
            };
            retype.visit_expr_mut(&mut arm.body);
        }
    }
}

/// Gives the `decode::response(..)` call of an arm the type argument `ty`.
struct TypedDecode<'t> {
    ty: &'t TokenStream,
    done: bool,
}

impl VisitMut for TypedDecode<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(func) = &mut *call.func else {
            return;
        };
        let segments = &mut func.path.segments;
        let n = segments.len();
        if n >= 2 && segments[n - 2].ident == "decode" && segments[n - 1].ident == "response" {
            let ty = self.ty;
            segments[n - 1].arguments =
                syn::PathArguments::AngleBracketed(syn::parse_quote!(::<#ty, _>));
            self.done = true;
        }
    }
}

/// Replaces a synthetic type in an arm of `check_response` with the type of `status`.
struct Retype<'s> {
    synthetics: &'s Synthetics,
    status: u16,
}

impl VisitMut for Retype<'_> {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        syn::visit_mut::visit_type_mut(self, ty);
        let syn::Type::Path(p) = ty else { return };
        let Some(last) = p.path.segments.last() else {
            return;
        };
        let Some(variants) = self.synthetics.get(&last.ident.to_string()) else {
            return;
        };
        let Some(v) = variants.iter().find(|v| v.status == self.status) else {
            return;
        };
        if let Ok(tokens) = body_type(&v.schema, &prefix_of(&p.path)) {
            if let Ok(new) = syn::parse2(tokens) {
                *ty = new;
            }
        }
    }
}
