//! Items added to progenitor's output, derived from the spec rather than kept by hand.
//!
//! - `SERVERS`: the server URLs the spec declares, in order, so a runtime can offer them as
//!   environments without repeating them.
//! - `resumable` (when [`ClientOptions::mfa_glue`](super::ClientOptions::mfa_glue)): the
//!   multi-factor "retrieve, answered 428, resume with PATCH" pairs. It holds
//!   - `RESUMABLE: &[Resumable]`, one entry per pair (operation ids, method, paths), and
//!   - a trait `ResumableOp`, implemented for the *builder* of each retrieve operation, with
//!     `retrieve(self)` (send the request as built), `resume(client, body)` (send the
//!     `PATCH`), `client(&self)` (the client the request was built on, so a helper
//!     chained onto a builder can resume without being handed the client again) and
//!     `request_body(&self)` (the body as JSON, for what a resume repeats), plus
//!     associated types for their bodies, outputs and error bodies. The impls are placed
//!     inside progenitor's `mod builder`, the only place that may read a builder's client. A
//!     handwritten MFA extension can then write one generic loop:
//!     `R::retrieve(req)`, on a 428 `ErrorResponse` read the challenge from the error body
//!     (`Serialize`), ask for the token, build `R::ResumeBody` from JSON (`Deserialize`),
//!     `R::resume(client, body)`, and repeat while it answers 428.
//!
//! A pair is: an operation answering 428 at path `P` and the `PATCH` at `P` or, when `P` ends
//! in a `{param}` segment, at its parent collection; a `PATCH` that needs no parameter besides
//! its body is preferred, so `PUT /api/links/{id}/` resumes with `PATCH /api/links/`. The builder types, output and error types are read from progenitor's
//! own output (the `send` and `body` signatures), never guessed from naming rules, so the
//! glue cannot drift from what progenitor emitted; a pair it cannot read is left out of the
//! trait with a warning.
//! - `null_as_default`: typify gives an optional array (or map) property a plain `Vec<T>` with
//!   `#[serde(default)]`, which accepts a missing field but fails on `null`. An example cannot
//!   prove that a field is never null (Belvo sends `"funds_data": null`), so every such field
//!   also reads `null` as empty.
//! - page trait impls (when [`ClientOptions::page_trait`](super::ClientOptions::page_trait)
//!   names a trait): every struct of `mod types` with `next: Option<String>` and
//!   `results: Vec<T>` implements it, again read from progenitor's output, so a new list
//!   endpoint in the spec gets pagination without anyone keeping a list.

use std::collections::HashMap;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::visit_mut::VisitMut;

use super::normalize::{rust_name, OperationInfo};
use super::text::{comment_text, Lines};
use super::{ClientOptions, Interface, Warning};

/// An operation that may answer `428 Precondition Required` and the `PATCH` that resumes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumablePair {
    /// operationId of the operation that may answer 428.
    pub retrieve: String,
    /// Its HTTP method, upper case.
    pub method: String,
    /// Its path template.
    pub path: String,
    /// operationId of the resuming `PATCH`.
    pub resume: String,
    /// The path of the resuming `PATCH`.
    pub resume_path: String,
    /// Whether the `PATCH` needs parameters besides its body (then no trait impl is emitted).
    pub resume_needs_params: bool,
}

/// Pairs every operation answering 428 with the `PATCH` on its path or its parent collection.
pub(crate) fn find_resumable(ops: &[OperationInfo]) -> Vec<ResumablePair> {
    let patches: HashMap<&str, &OperationInfo> = ops
        .iter()
        .filter(|o| o.method == "patch")
        .map(|o| (o.path.as_str(), o))
        .collect();
    let mut pairs = Vec::new();
    for op in ops.iter().filter(|o| o.answers_428) {
        let same = patches.get(op.path.as_str()).copied();
        let parent = parent_collection(&op.path).and_then(|p| patches.get(p.as_str()).copied());
        let candidates: Vec<&OperationInfo> = [same, parent]
            .into_iter()
            .flatten()
            .filter(|p| p.id != op.id)
            .collect();
        // A resume is sent with only a body (session, token, link): prefer a PATCH that needs
        // nothing else.
        let chosen = candidates
            .iter()
            .find(|p| !p.needs_params)
            .or(candidates.first())
            .copied();
        if let Some(resume) = chosen {
            pairs.push(ResumablePair {
                retrieve: op.id.clone(),
                method: op.method.to_uppercase(),
                path: op.path.clone(),
                resume: resume.id.clone(),
                resume_path: resume.path.clone(),
                resume_needs_params: resume.needs_params,
            });
        }
    }
    pairs
}

/// `/a/b/{id}/` → `/a/b/`; `None` when the last segment is not a template parameter.
fn parent_collection(path: &str) -> Option<String> {
    let trailing = path.ends_with('/');
    let trimmed = path.trim_end_matches('/');
    let (parent, last) = trimmed.rsplit_once('/')?;
    if !(last.starts_with('{') && last.ends_with('}')) {
        return None;
    }
    Some(if trailing {
        format!("{parent}/")
    } else {
        parent.to_owned()
    })
}

/// Adds the glue to progenitor's output: items appended at the end, and the `ResumableOp`
/// impls inside `mod builder`.
pub(crate) fn emit(
    spec: &OpenAPI,
    file: &mut syn::File,
    pairs: &[ResumablePair],
    opts: &ClientOptions,
    warnings: &mut Vec<Warning>,
) {
    let servers: Vec<&str> = spec.servers.iter().map(|s| s.url.as_str()).collect();
    let mut items = vec![syn::parse_quote! {
        /// The server URLs the spec declares, in its order (the first is the default).
        pub const SERVERS: &[&str] = &[#(#servers),*];
    }];
    let mut impls = Vec::new();
    if opts.mfa_glue {
        let (module, pair_impls) = resumable_module(file, pairs, opts, warnings);
        items.push(module);
        impls = pair_impls;
    }
    if let Some((_, builder)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
        _ => None,
    }) {
        builder.extend(impls);
    }
    file.items.extend(items);
}

/// The `resumable` module (the table of pairs and the trait), and one impl per usable pair,
/// to be placed in `mod builder`.
fn resumable_module(
    file: &syn::File,
    pairs: &[ResumablePair],
    opts: &ClientOptions,
    warnings: &mut Vec<Warning>,
) -> (syn::Item, Vec<syn::Item>) {
    let entries: Vec<TokenStream> = pairs
        .iter()
        .map(|p| {
            let (retrieve, method, path, resume, resume_path) = (
                rust_name(&p.retrieve, false),
                &p.method,
                &p.path,
                rust_name(&p.resume, false),
                &p.resume_path,
            );
            quote! {
                Resumable {
                    retrieve: #retrieve,
                    method: #method,
                    path: #path,
                    resume: #resume,
                    resume_path: #resume_path,
                }
            }
        })
        .collect();

    let mut impls = Vec::new();
    if opts.interface == Interface::Builder {
        for (pair, entry) in pairs.iter().zip(&entries) {
            match pair_impl(file, pair, entry) {
                Ok(tokens) => impls.push(syn::parse_quote!(#tokens)),
                Err(why) => warnings.push(Warning {
                    operation: Some(pair.retrieve.clone()),
                    message: format!(
                        "no `ResumableOp` impl for the pair with `{}`: {why}",
                        pair.resume
                    ),
                }),
            }
        }
    } else if !pairs.is_empty() {
        warnings.push(Warning {
            operation: None,
            message: "`ResumableOp` impls need the builder interface; only `RESUMABLE` is emitted"
                .to_owned(),
        });
    }
    let trait_def = (opts.interface == Interface::Builder).then(|| {
        quote! {
            /// A request that may be answered `428` with a multi-factor challenge, and how
            /// to resume it. Implemented for the builder of each retrieve operation, so a
            /// request is built as usual (`client.retrieve_balances().body(..)`) and then
            /// driven by generic code.
            pub trait ResumableOp: Sized + Send {
                /// Which operations these are.
                const PAIR: Resumable;
                /// The client this request was built on; the resume is sent through it too.
                fn client(&self) -> &Client;
                /// The request body as JSON, when it is set and valid: a resume may have to
                /// repeat part of it (Belvo's `save_data`).
                fn request_body(&self) -> Option<::serde_json::Value>;
                /// Success body of the retrieve.
                type Output;
                /// Error body of the retrieve (the 428 challenge is one of its shapes).
                type Error: ::serde::Serialize + ::std::fmt::Debug + Send + Sync + 'static;
                /// Request body of the resume; build it from JSON (`session`, `token`, …).
                type ResumeBody: ::serde::de::DeserializeOwned + Send;
                /// Success body of the resume.
                type ResumeOutput;
                /// Error body of the resume (it may answer 428 again).
                type ResumeError: ::serde::Serialize + ::std::fmt::Debug + Send + Sync + 'static;
                /// Sends the request as built.
                fn retrieve(
                    self,
                ) -> impl ::std::future::Future<
                    Output = Result<ResponseValue<Self::Output>, Error<Self::Error>>,
                > + Send;
                /// Sends the resuming `PATCH` with `body`.
                fn resume(
                    client: &Client,
                    body: Self::ResumeBody,
                ) -> impl ::std::future::Future<
                    Output = Result<ResponseValue<Self::ResumeOutput>, Error<Self::ResumeError>>,
                > + Send + '_;
            }
        }
    });

    let module = syn::parse_quote! {
        /// Operations that may answer `428 Precondition Required` (a multi-factor challenge)
        /// and the `PATCH` that resumes each; found in the spec by the generator. The
        /// `ResumableOp` impls live beside the builders, in `mod builder`.
        pub mod resumable {
            #[allow(unused_imports)]
            use super::{builder, types, ByteStream, Client, Error, ResponseValue};
            #[allow(unused_imports)]
            use super::prelude::*;

            /// One retrieve/resume pair; operations are named by their Rust method names.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct Resumable {
                /// Method of the operation that may answer 428.
                pub retrieve: &'static str,
                /// Its HTTP method.
                pub method: &'static str,
                /// Its path template.
                pub path: &'static str,
                /// Method of the resuming `PATCH`.
                pub resume: &'static str,
                /// Path of the resuming `PATCH`.
                pub resume_path: &'static str,
            }

            /// Every pair, in spec order.
            pub const RESUMABLE: &[Resumable] = &[#(#entries),*];

            #trait_def
        }
    };
    (module, impls)
}

/// The `ResumableOp` impl for one pair, with types read from progenitor's builders.
fn pair_impl(
    file: &syn::File,
    pair: &ResumablePair,
    entry: &TokenStream,
) -> Result<TokenStream, String> {
    if pair.resume_needs_params {
        return Err("the resume needs parameters besides its body".to_owned());
    }
    let retrieve = Builder::find(file, &pair.retrieve)?;
    let resume = Builder::find(file, &pair.resume)?;
    let resume_body = resume
        .body
        .ok_or_else(|| "the resume takes no body".to_owned())?;
    for (what, ty) in [("retrieve", &retrieve.error), ("resume", &resume.error)] {
        if ty.to_token_stream().to_string().contains("ByteStream") {
            return Err(format!("the {what} has no JSON error body"));
        }
    }
    let (ty, output, error) = (&retrieve.ty, &retrieve.output, &retrieve.error);
    // `try_from` converts a body builder into the body, and is the identity for a body held
    // as is.
    let request_body = match &retrieve.body {
        Some(body) => quote! {
            let body = <#body>::try_from(self.body.clone().ok()?).ok()?;
            ::serde_json::to_value(body).ok()
        },
        None => quote!(None),
    };
    let (resume_ty, resume_output, resume_error) = (&resume.ty, &resume.output, &resume.error);
    // Emitted inside `mod builder`: types read from the builders' signatures resolve there
    // as they are, and `self.client` is readable. The resume builder is started with `new`
    // rather than a `Client` method, which may live in a tag's extension trait.
    Ok(quote! {
        impl<'a> super::resumable::ResumableOp for #ty<'a> {
            const PAIR: super::resumable::Resumable = super::resumable::#entry;
            type Output = #output;
            type Error = #error;
            type ResumeBody = #resume_body;
            type ResumeOutput = #resume_output;
            type ResumeError = #resume_error;
            fn client(&self) -> &super::Client {
                self.client
            }
            fn request_body(&self) -> Option<::serde_json::Value> {
                #request_body
            }
            fn retrieve(
                self,
            ) -> impl ::std::future::Future<
                Output = Result<ResponseValue<Self::Output>, Error<Self::Error>>,
            > + Send {
                #ty::send(self)
            }
            fn resume(
                client: &super::Client,
                body: Self::ResumeBody,
            ) -> impl ::std::future::Future<
                Output = Result<ResponseValue<Self::ResumeOutput>, Error<Self::ResumeError>>,
            > + Send + '_ {
                #resume_ty::new(client).body(body).send()
            }
        }
    })
}

/// Makes every `#[serde(default)]` field of the structs in `mod types` read `null` as its
/// default (an empty `Vec` or map), through a `null_as_default` function added to the module.
/// Fields typed `Option<_>` never get a bare `default` from typify, and required fields get no
/// `default` at all, so neither is touched.
pub(crate) fn accept_null_collections(file: &mut syn::File) {
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let mut changed = false;
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in &mut fields.named {
            for attr in &mut field.attrs {
                changed |= add_null_as_default(attr);
            }
        }
    }
    if changed {
        items.push(syn::parse_quote! {
            /// Reads `null` as the type's default: a field that may be absent may also be null.
            fn null_as_default<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::std::default::Default + ::serde::Deserialize<'de>,
            {
                let value: ::std::option::Option<T> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.unwrap_or_default())
            }
        });
    }
}

/// Adds `deserialize_with = "null_as_default"` to a `#[serde(..)]` attribute holding a bare
/// `default` and no deserializer of its own; whether it did.
fn add_null_as_default(attr: &mut syn::Attribute) -> bool {
    use syn::punctuated::Punctuated;
    if !attr.path().is_ident("serde") {
        return false;
    }
    let Ok(metas) = attr.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
    else {
        return false;
    };
    let has = |name: &str| metas.iter().any(|m| m.path().is_ident(name));
    let bare_default = metas
        .iter()
        .any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("default")));
    if !bare_default || has("deserialize_with") || has("with") {
        return false;
    }
    let mut metas = metas;
    metas.push(syn::parse_quote!(deserialize_with = "null_as_default"));
    *attr = syn::parse_quote!(#[serde(#metas)]);
    true
}

/// Adds `impl #page_trait for X` inside `mod types` for every page struct `X` there (fields
/// `next: Option<String>` and `results: Vec<T>`). The impls sit inside the module so that `T`
/// is spelled exactly as progenitor spelled it, whatever its path.
pub(crate) fn implement_page_trait(file: &mut syn::File, page_trait: &syn::Path) {
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let impls: Vec<syn::Item> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => page_item_type(s).map(|item_ty| (&s.ident, item_ty)),
            _ => None,
        })
        .map(|(name, item_ty)| {
            syn::parse_quote! {
                impl #page_trait for #name {
                    type Item = #item_ty;
                    fn next_page(&self) -> ::std::option::Option<&str> {
                        self.next.as_deref()
                    }
                    fn into_items(self) -> ::std::vec::Vec<Self::Item> {
                        self.results
                    }
                }
            }
        })
        .collect();
    items.extend(impls);
}

/// `T` when `s` is a page: a struct with `next: Option<String>` and `results: Vec<T>`.
fn page_item_type(s: &syn::ItemStruct) -> Option<syn::Type> {
    let syn::Fields::Named(fields) = &s.fields else {
        return None;
    };
    let field = |name: &str| {
        fields
            .named
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
            .map(|f| &f.ty)
    };
    let next = generic_args(field("next")?, "Option")?;
    if next.len() != 1 || last_ident(next[0]).is_none_or(|i| i != "String") {
        return None;
    }
    match generic_args(field("results")?, "Vec")?[..] {
        [item] => Some(item.clone()),
        _ => None,
    }
}

/// What progenitor emitted for one operation in builder style.
struct Builder {
    /// The builder struct in `mod builder`.
    ty: syn::Ident,
    /// `T` of `send`'s `Result<ResponseValue<T>, Error<E>>`.
    output: syn::Type,
    /// `E` of the same.
    error: syn::Type,
    /// `X` of `body<V: TryInto<X>>`, when the operation has a body.
    body: Option<syn::Type>,
}

impl Builder {
    fn find(file: &syn::File, operation_id: &str) -> Result<Self, String> {
        let snake = rust_name(operation_id, false);
        let candidates = [snake.clone(), format!("{snake}_")];
        let ty = client_fns(file)
            .find_map(|f| {
                let name = f.sig.ident.to_string();
                if !candidates.contains(&name) {
                    return None;
                }
                let syn::ReturnType::Type(_, ret) = &f.sig.output else {
                    return None;
                };
                last_ident(ret)
            })
            .ok_or_else(|| format!("no builder method `{snake}` found in the generated client"))?;
        let fns: Vec<&syn::ImplItemFn> = builder_items(file)
            .filter_map(|item| match item {
                syn::Item::Impl(i)
                    if i.trait_.is_none() && last_ident(&i.self_ty).as_ref() == Some(&ty) =>
                {
                    Some(i)
                }
                _ => None,
            })
            .flat_map(|i| i.items.iter())
            .filter_map(|item| match item {
                syn::ImplItem::Fn(f) => Some(f),
                _ => None,
            })
            .collect();
        let send = fns
            .iter()
            .find(|f| f.sig.ident == "send")
            .ok_or_else(|| format!("builder `{ty}` has no `send`"))?;
        let syn::ReturnType::Type(_, ret) = &send.sig.output else {
            return Err(format!("`{ty}::send` returns nothing"));
        };
        let [ok, err] = generic_args(ret, "Result")
            .ok_or_else(|| format!("`{ty}::send` does not return a Result"))?[..]
        else {
            return Err(format!("`{ty}::send` does not return a Result<_, _>"));
        };
        let output = generic_args(ok, "ResponseValue")
            .and_then(|a| a.first().copied().cloned())
            .ok_or_else(|| format!("`{ty}::send` does not return a ResponseValue"))?;
        let error = generic_args(err, "Error")
            .and_then(|a| a.first().copied().cloned())
            .ok_or_else(|| format!("`{ty}::send` does not fail with an Error"))?;
        let body = fns
            .iter()
            .find(|f| f.sig.ident == "body")
            .and_then(|f| f.sig.generics.where_clause.as_ref())
            .and_then(|w| {
                w.predicates.iter().find_map(|p| match p {
                    syn::WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
                        syn::TypeParamBound::Trait(tb) => {
                            let seg = tb.path.segments.last()?;
                            if seg.ident != "TryInto" {
                                return None;
                            }
                            match &seg.arguments {
                                syn::PathArguments::AngleBracketed(a) => {
                                    a.args.iter().find_map(|g| match g {
                                        syn::GenericArgument::Type(t) => Some(t.clone()),
                                        _ => None,
                                    })
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    }),
                    _ => None,
                })
            });
        Ok(Self {
            ty,
            output,
            error,
            body,
        })
    }
}

/// Methods of `Client`, inherent or in the `Client{Tag}Ext` impls.
fn client_fns(file: &syn::File) -> impl Iterator<Item = &syn::ImplItemFn> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) if last_ident(&i.self_ty).is_some_and(|id| id == "Client") => {
                Some(i)
            }
            _ => None,
        })
        .flat_map(|i| i.items.iter())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
}

/// Items of the generated `mod builder`.
fn builder_items(file: &syn::File) -> impl Iterator<Item = &syn::Item> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items.iter())
}

fn last_ident(ty: &syn::Type) -> Option<syn::Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

/// The type arguments of `ty` when its last path segment is `name`.
pub(crate) fn generic_args<'t>(ty: &'t syn::Type, name: &str) -> Option<Vec<&'t syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    Some(
        a.args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}

/// Rewrites progenitor's `client.options(url)` and `client.trace(url)` (it calls
/// `reqwest::Client::{method}` for every HTTP method, and reqwest has no shortcut for these
/// two) into `client.request(::reqwest::Method::OPTIONS, url)`, so such operations work
/// rather than fail to compile.
pub(crate) fn request_methods_without_shortcut(file: &mut syn::File) {
    struct Calls;
    impl VisitMut for Calls {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            let method = match call.method.to_string().as_str() {
                "options" => quote!(OPTIONS),
                "trace" => quote!(TRACE),
                _ => return,
            };
            let on_reqwest_client = matches!(
                &*call.receiver,
                syn::Expr::Field(f) if matches!(&f.member, syn::Member::Named(m) if m == "client")
            );
            if on_reqwest_client && call.args.len() == 1 && call.turbofish.is_none() {
                let url = &call.args[0];
                let args: syn::punctuated::Punctuated<syn::Expr, syn::Token![,]> =
                    syn::parse_quote!(::reqwest::Method::#method, #url);
                call.method = syn::Ident::new("request", call.method.span());
                call.args = args;
            }
        }
    }
    Calls.visit_file_mut(file);
}

/// Rewrites doc comments so that rustc accepts them ([`comment_text`]: no bare carriage
/// return, no bidirectional control) and rustdoc neither compiles spec prose as doctests nor
/// reads indented text as code: fenced blocks without a language (or marked `rust`) become
/// `text`, and indentation outside fences is capped at three spaces. Every doc attribute of
/// the file passes here, so this is where description, title and name text is made safe.
pub(crate) fn tame_docs(file: &mut syn::File) {
    struct Docs;
    impl VisitMut for Docs {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            if let syn::Meta::NameValue(nv) = &mut attr.meta {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &mut nv.value
                {
                    let tamed = tame_doc(&s.value());
                    if tamed != s.value() {
                        *s = syn::LitStr::new(&tamed, s.span());
                    }
                }
            }
        }
    }
    Docs.visit_file_mut(file);
}

fn tame_doc(text: &str) -> String {
    let text = comment_text(text, Lines::Many);
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                let lang = trimmed.trim_start_matches(m).trim();
                if is_rust_lang(lang) {
                    out.push(format!("{m}text"));
                } else {
                    out.push(trimmed.to_owned());
                }
            }
            (Some(open), Some(m)) if m == open => {
                fence = None;
                out.push(trimmed.to_owned());
            }
            (Some(_), _) => out.push(line.to_owned()),
            (None, None) => {
                let indent = line.len() - trimmed.len();
                let keep = indent.min(3);
                out.push(format!("{}{trimmed}", " ".repeat(keep)));
            }
        }
    }
    if let Some(open) = fence {
        // An unclosed fence would swallow the rest of the item's docs.
        out.push(open.to_owned());
    }
    out.join("\n")
}

/// Whether rustdoc would compile a fence with this info string as a doctest.
fn is_rust_lang(info: &str) -> bool {
    let mut tokens = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty());
    !info.contains("ignore")
        && tokens.all(|t| {
            matches!(
                t,
                "rust"
                    | "ignore"
                    | "should_panic"
                    | "no_run"
                    | "compile_fail"
                    | "test_harness"
                    | "standalone_crate"
            ) || t.starts_with("edition")
        })
}

/// Field names whose values are credentials; `Debug` of a generated type never shows them.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "secret",
    "secret_password",
    "token",
    "access_token",
    "refresh_token",
    "client_secret",
    "api_key",
    "private_key",
    "certificate",
];

/// Gives every struct with a credential field (`password`, `token`, …), in every module of
/// the generated file, a `Debug` that prints `<redacted>` for those fields instead of the
/// derived one, so printing a request body or its builder never leaks a secret.
pub(crate) fn redact_secrets_in_debug(file: &mut syn::File) {
    redact_in_items(&mut file.items);
}

fn redact_in_items(items: &mut Vec<syn::Item>) {
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = m.content.as_mut() {
                    redact_in_items(inner);
                }
            }
            syn::Item::Struct(s) => impls.extend(redacting_debug(s)),
            _ => {}
        }
    }
    items.extend(impls);
}

fn redacting_debug(s: &mut syn::ItemStruct) -> Option<syn::Item> {
    let syn::Fields::Named(fields) = &s.fields else {
        return None;
    };
    let is_secret = |f: &syn::Field| {
        f.ident
            .as_ref()
            .is_some_and(|i| SECRET_FIELDS.contains(&i.to_string().trim_start_matches("r#")))
    };
    if !fields.named.iter().any(is_secret) || !remove_derive(&mut s.attrs, "Debug") {
        return None;
    }
    let entries = fields.named.iter().map(|f| {
        let ident = f.ident.as_ref().expect("named fields have names");
        let name = ident.to_string();
        let name = name.trim_start_matches("r#");
        if is_secret(f) {
            quote! { .field(#name, &"<redacted>") }
        } else {
            quote! { .field(#name, &self.#ident) }
        }
    });
    let ident = &s.ident;
    let label = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = s.generics.split_for_impl();
    Some(syn::parse_quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    })
}

/// Removes `name` from the struct's `#[derive(..)]` lists; whether it was there.
fn remove_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    use syn::punctuated::Punctuated;
    let mut removed = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Punctuated<syn::Path, syn::Token![,]> = paths
            .iter()
            .filter(|p| {
                let is_it = p.segments.last().is_some_and(|s| s.ident == name);
                removed |= is_it;
                !is_it
            })
            .cloned()
            .collect();
        *attr = syn::parse_quote!(#[derive(#kept)]);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_lose_doctests_and_indented_code() {
        let doc = "Intro\n\n```\nlet x = 1;\n```\n\n    indented\n```json\n{ }\n```";
        assert_eq!(
            tame_doc(doc),
            "Intro\n\n```text\nlet x = 1;\n```\n\n   indented\n```json\n{ }\n```"
        );
        assert_eq!(tame_doc("```\nopen"), "```text\nopen\n```");
    }

    #[test]
    fn null_as_default_goes_on_bare_defaults_only() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct A {
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub list: ::std::vec::Vec<B>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub opt: ::std::option::Option<B>,
                    #[serde(default = "defaults::a_n")]
                    pub n: i64,
                    pub required: B,
                }
            }
        };
        accept_null_collections(&mut file);
        let code = prettyplease::unparse(&file);
        // On the collection field only.
        let (_, after) = code
            .split_once("deserialize_with = \"null_as_default\"")
            .unwrap();
        assert!(
            after
                .trim_start_matches([')', ']', ' ', '\n'])
                .starts_with("pub list"),
            "{code}"
        );
        assert_eq!(code.matches("deserialize_with").count(), 1, "{code}");
        assert!(code.contains("fn null_as_default<'de, D, T>"));

        // Nothing to change, no helper.
        let mut plain: syn::File =
            syn::parse_quote! { pub mod types { pub struct C { pub x: i64 } } };
        accept_null_collections(&mut plain);
        assert!(!prettyplease::unparse(&plain).contains("null_as_default"));
    }

    #[test]
    fn parent_collection_of_item_paths() {
        assert_eq!(
            parent_collection("/api/links/{id}/").as_deref(),
            Some("/api/links/")
        );
        assert_eq!(
            parent_collection("/api/links/{id}").as_deref(),
            Some("/api/links")
        );
        assert_eq!(parent_collection("/api/links/"), None);
    }
}
