//! Every response body is decoded by the generated `decode` module, so that a body that does
//! not fit says where, why, and what to add to the overlay (see `decode_template.rs`).
//!
//! The pass changes progenitor's output in three ways:
//! - each `ResponseValue::from_response(response)` becomes `decode::response(response, &info)`
//!   (same types; `info` is the operation's `OperationInfo`, in scope at every call);
//! - a `decode` module is appended: the template, then `RESPONSES` (for each operation and
//!   status with a JSON body, the JSONPath of its schema in the spec and how it is typed) and
//!   `PROPERTIES` (each component property that can reject a value of the right JSON kind, or
//!   leads to another component), both read from the spec as given, so overlay targets name
//!   what the user's spec names;
//! - with [`ClientOptions::response_checks`](crate::client::ClientOptions::response_checks),
//!   `check_response(method, path, status, body)`, which decodes a body with the type the
//!   client would use, for soundness tests.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};
use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;

use super::builders::generic_args;
use crate::openapi_util::is_json;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// The methods of a path item, as `PathItem::iter` names them.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The decoder emitted into every client.
const TEMPLATE: &str = include_str!("decode_template.rs");

/// One response the generated code decodes: operation id, status, Rust type.
struct Decoded {
    operation: String,
    status: u16,
    ty: syn::Type,
}

/// Rewrites the decoding calls of `file` and appends the `decode` module. `spec` is the spec
/// as given (overlay targets are read from it); `normalized` is what progenitor saw (it gives
/// each operation id its method and path).
pub(crate) fn route_decoding(
    spec: &OpenAPI,
    normalized: &OpenAPI,
    file: &mut syn::File,
    response_checks: bool,
) -> Result<(), String> {
    let mut decoded = Vec::new();
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "builder" => {
                let prefix: syn::Path = syn::parse_quote!(super::decode);
                for inner in m.content.iter_mut().flat_map(|(_, items)| items) {
                    rewrite_item(inner, &prefix, &mut decoded);
                }
            }
            other => rewrite_item(other, &syn::parse_quote!(decode), &mut decoded),
        }
    }
    let template = syn::parse_file(TEMPLATE).map_err(|e| format!("decode template: {e}"))?;
    let (inner_attrs, items) = (template.attrs, template.items);
    let tables = tables(spec, normalized);
    let secret_words = crate::client::secrets::secret_words_item();
    file.items.push(syn::parse_quote! {
        pub mod decode {
            #(#inner_attrs)*
            #(#items)*
            #secret_words
            #tables
        }
    });
    if response_checks {
        file.items.push(check_response(normalized, &decoded));
    }
    Ok(())
}

/// Rewrites the operation functions among `item`'s impl blocks.
fn rewrite_item(item: &mut syn::Item, prefix: &syn::Path, decoded: &mut Vec<Decoded>) {
    let syn::Item::Impl(block) = item else { return };
    for f in block.items.iter_mut().filter_map(|i| match i {
        syn::ImplItem::Fn(f) => Some(f),
        _ => None,
    }) {
        let mut calls = Calls {
            prefix,
            operation: None,
            statuses: Vec::new(),
            error: false,
            rewritten: 0,
        };
        calls.visit_block_mut(&mut f.block);
        let Some(operation) = calls.operation else {
            continue;
        };
        let syn::ReturnType::Type(_, ret) = &f.sig.output else {
            continue;
        };
        let Some([ok, err]) = generic_args(ret, "Result").and_then(|a| <[_; 2]>::try_from(a).ok())
        else {
            continue;
        };
        let success = generic_args(ok, "ResponseValue").and_then(|a| a.first().copied().cloned());
        let failure = generic_args(err, "Error").and_then(|a| a.first().copied().cloned());
        for (status, is_error) in calls.statuses {
            if let Some(ty) = if is_error { &failure } else { &success } {
                decoded.push(Decoded {
                    operation: operation.clone(),
                    status,
                    ty: ty.clone(),
                });
            }
        }
    }
}

/// Finds the operation id and rewrites the decoding calls of one function, noting for each
/// match arm with a literal status whether it decodes a success or an error body.
struct Calls<'p> {
    prefix: &'p syn::Path,
    operation: Option<String>,
    statuses: Vec<(u16, bool)>,
    /// Inside `Error::ErrorResponse(..)`.
    error: bool,
    rewritten: usize,
}

impl VisitMut for Calls<'_> {
    fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
        if let (syn::Member::Named(name), syn::Expr::Lit(lit)) = (&fv.member, &fv.expr) {
            if let (true, syn::Lit::Str(s)) = (name == "operation_id", &lit.lit) {
                self.operation = Some(s.value());
            }
        }
        syn::visit_mut::visit_field_value_mut(self, fv);
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        let before = self.rewritten;
        let error = std::mem::replace(&mut self.error, false);
        syn::visit_mut::visit_arm_mut(self, arm);
        let is_error = std::mem::replace(&mut self.error, error);
        if self.rewritten > before {
            if let syn::Pat::Lit(syn::PatLit {
                lit: syn::Lit::Int(code),
                ..
            }) = &arm.pat
            {
                if let Ok(code) = code.base10_parse::<u16>() {
                    self.statuses.push((code, is_error));
                }
            }
        }
    }

    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(func) = &*call.func else {
            return;
        };
        let segments: Vec<String> = func
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        match segments.as_slice() {
            [.., a, b] if a == "Error" && b == "ErrorResponse" => self.error = true,
            [.., a, b] if a == "ResponseValue" && b == "from_response" && call.args.len() == 1 => {
                let prefix = self.prefix;
                let response = &call.args[0];
                *call = syn::parse_quote!(#prefix::response(#response, &info));
                self.rewritten += 1;
            }
            _ => {}
        }
    }
}

/// `RESPONSES` and `PROPERTIES`, read from `spec`.
fn tables(spec: &OpenAPI, normalized: &OpenAPI) -> TokenStream {
    let ids = operation_ids(normalized);
    let mut responses = Vec::new();
    for (path, method, op) in operations(spec) {
        let Some(id) = ids.get(&(path.to_owned(), method)) else {
            continue;
        };
        for (code, response) in &op.responses.responses {
            let (StatusCode::Code(code), ReferenceOr::Item(response)) = (code, response) else {
                continue;
            };
            let Some((media, schema)) = response
                .content
                .iter()
                .find(|(m, _)| is_json(m))
                .and_then(|(m, c)| Some((m, c.schema.as_ref()?)))
            else {
                continue;
            };
            let target = format!(
                "$.paths[{}].{method}.responses['{code}'].content[{}].schema",
                quote_name(path),
                quote_name(media)
            );
            let node = node(schema);
            responses.push(quote! { (#id, #code, #target, #node) });
        }
    }
    let mut properties = Vec::new();
    for (name, schema) in spec.components.iter().flat_map(|c| &c.schemas) {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let mut props: Vec<(String, TokenStream)> = Vec::new();
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                for (key, prop) in &o.properties {
                    let prop = prop.clone().unbox();
                    if let Some(node) = informative_node(&prop) {
                        props.push((key.clone(), node));
                    }
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                if let Some(node) = a
                    .items
                    .clone()
                    .map(|i| i.unbox())
                    .as_ref()
                    .and_then(informative_node)
                {
                    props.push(("[]".to_owned(), node));
                }
            }
            _ => {}
        }
        for (key, node) in props {
            properties.push((name.clone(), key, node));
        }
    }
    properties.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let properties = properties
        .into_iter()
        .map(|(c, p, node)| quote! { (#c, #p, #node) });
    quote! {
        /// For each operation id and status with a JSON body: where its schema is in the spec
        /// the client was generated from, and how it is typed.
        pub static RESPONSES: &[(&str, u16, &str, Node)] = &[#(#responses),*];
        /// `(component, property, node)` for properties that lead to another component or can
        /// reject a value of the right JSON kind, sorted; `[]` stands for an array's items.
        pub static PROPERTIES: &[(&str, &str, Node)] = &[#(#properties),*];
    }
}

/// A `Node` for properties worth a table row: all but plain text, numbers and booleans.
fn informative_node(schema: &ReferenceOr<Schema>) -> Option<TokenStream> {
    let tokens = node(schema);
    (tokens.to_string() != quote!(Node::Other).to_string()).then_some(tokens)
}

fn node(schema: &ReferenceOr<Schema>) -> TokenStream {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            return match reference.strip_prefix(SCHEMA_PREFIX) {
                Some(name) => quote!(Node::Ref(#name)),
                None => quote!(Node::Other),
            }
        }
        ReferenceOr::Item(schema) => schema,
    };
    match &schema.schema_kind {
        // A nullable reference is written `allOf: [$ref]`.
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => node(&all_of[0]),
        SchemaKind::Type(Type::Array(a)) => match &a.items {
            Some(items) => {
                let inner = node(&items.clone().unbox());
                quote!(Node::Array(&#inner))
            }
            None => quote!(Node::Other),
        },
        SchemaKind::Type(Type::Integer(_)) => quote!(Node::Integer),
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => quote!(Node::Enum),
        SchemaKind::Type(Type::String(s)) => match &s.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(f) => {
                let f = serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                match f.as_str() {
                    "date" | "date-time" => quote!(Node::Format(#f)),
                    _ => quote!(Node::Other),
                }
            }
            openapiv3::VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => {
                quote!(Node::Format("uuid"))
            }
            _ => quote!(Node::Other),
        },
        _ => quote!(Node::Other),
    }
}

/// A JSONPath name selector.
fn quote_name(name: &str) -> String {
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `(path, method, operation)` of every operation, in the spec's order.
fn operations(spec: &OpenAPI) -> impl Iterator<Item = (&str, &'static str, &openapiv3::Operation)> {
    spec.paths.paths.iter().flat_map(|(path, item)| {
        let item = item.as_item();
        item.into_iter().flat_map(move |item| {
            item.iter().filter_map(move |(method, op)| {
                let method = METHODS.iter().find(|m| **m == method)?;
                Some((path.as_str(), *method, op))
            })
        })
    })
}

/// `(path, method)` → the operation id progenitor used.
fn operation_ids(normalized: &OpenAPI) -> BTreeMap<(String, &'static str), String> {
    operations(normalized)
        .filter_map(|(path, method, op)| {
            Some(((path.to_owned(), method), op.operation_id.clone()?))
        })
        .collect()
}

/// `check_response(method, path, status, body)`: decodes `body` with the type the client uses
/// for that response; `None` when the client has no typed body for it.
fn check_response(normalized: &OpenAPI, decoded: &[Decoded]) -> syn::Item {
    let by_id: BTreeMap<String, (&str, &str)> = operations(normalized)
        .filter_map(|(path, method, op)| Some((op.operation_id.clone()?, (method, path))))
        .collect();
    let arms = decoded.iter().filter_map(|d| {
        let (method, path) = by_id.get(&d.operation)?;
        let (operation, status, ty) = (&d.operation, d.status, &d.ty);
        Some(quote! {
            (#method, #path, #status) => Some(
                decode::body::<#ty>(#operation, #status, &headers, body)
                    .map(|_| ())
                    .map_err(|m| m.to_string()),
            ),
        })
    });
    syn::parse_quote! {
        /// Decodes `body`, a `status` response to `method path`, with the type this client uses
        /// for it: `None` when it has no typed body for that response. For soundness tests.
        pub fn check_response(
            method: &str,
            path: &str,
            status: u16,
            body: &[u8],
        ) -> Option<Result<(), String>> {
            let headers = reqwest::header::HeaderMap::new();
            match (method, path, status) {
                #(#arms)*
                _ => None,
            }
        }
    }
}
