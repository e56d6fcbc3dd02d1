//! Adds the items progenitor does not write, derived from the spec rather than kept by hand:
//!
//! - `SERVERS`: the server URLs the spec declares, in order, so a runtime can offer them as
//!   environments without repeating them.
//! - `resumable` (when [`ClientOptions::mfa_glue`](crate::client::ClientOptions::mfa_glue)): the
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

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use super::builders::Builder;
use crate::client::identifiers::{rust_name, Case};
use crate::client::options::{ClientOptions, Interface};
use crate::client::resumable::ResumablePair;
use crate::warning::{Code, Location, Warning};

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
    let entries: Vec<TokenStream> = pairs.iter().map(table_entry).collect();
    let impls = resumable_impls(file, pairs, &entries, opts, warnings);
    let trait_def = has_resumable_traits(opts).then(resumable_op_trait);
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

/// One `Resumable { .. }` row of the `RESUMABLE` table.
fn table_entry(p: &ResumablePair) -> TokenStream {
    let (retrieve, method, path, resume, resume_path) = (
        rust_name(&p.retrieve, Case::Snake),
        &p.method,
        &p.path,
        rust_name(&p.resume, Case::Snake),
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
}

/// A `ResumableOp` impl per pair (builder interface only); a pair whose builders cannot be
/// read gets a warning instead.
fn resumable_impls(
    file: &syn::File,
    pairs: &[ResumablePair],
    entries: &[TokenStream],
    opts: &ClientOptions,
    warnings: &mut Vec<Warning>,
) -> Vec<syn::Item> {
    let mut impls = Vec::new();
    if opts.interface == Interface::Builder {
        for (pair, entry) in pairs.iter().zip(entries) {
            match pair_impl(file, pair, entry) {
                Ok(tokens) => impls.push(syn::parse_quote!(#tokens)),
                Err(why) => warnings.push(Warning::new(
                    Code::ResumableImplMissing,
                    Location::operation(&pair.method, &pair.path),
                    format!(
                        "no `ResumableOp` impl for the pair with `{}`: {why}",
                        pair.resume
                    ),
                )),
            }
        }
    } else if !pairs.is_empty() {
        warnings.push(Warning::new(
            Code::ResumableNeedsBuilder,
            Location::Document,
            "`ResumableOp` impls need the builder interface; only `RESUMABLE` is emitted",
        ));
    }
    impls
}

/// Whether `emit` gives the client the `ResumableOp` and `FromResume` traits.
pub(crate) fn has_resumable_traits(opts: &ClientOptions) -> bool {
    opts.mfa_glue && opts.interface == Interface::Builder
}

/// The `ResumableOp` trait, which generic code drives a pair through, and `FromResume`, which
/// gives both halves of a flow one success type (builder interface only).
fn resumable_op_trait() -> TokenStream {
    quote! {
        /// A resume's success body as the success type of the request it resumes, given the
        /// status it came with, so that a flow answers one type whichever request succeeded.
        /// Every type is its own; a success type of one variant per status
        /// (`{Op}Success`) takes a body of one of its variants' shapes, into the variant of
        /// that status or else the first of that shape.
        pub trait FromResume<U>: Sized {
            /// `body`, received with `status`, as this type.
            fn from_resume(status: u16, body: U) -> Self;
        }

        impl<T> FromResume<T> for T {
            fn from_resume(_status: u16, body: T) -> T {
                body
            }
        }

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
