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
//!     associated types for their bodies, outputs and error bodies, and `FlowOutput`, the
//!     one type a whole flow answers (`from_retrieved`, `from_resumed`: the request's type,
//!     a list of it when the resume answers a list, else `Either` of the two). The impls
//!     are placed inside progenitor's `mod builder`, the only place that may read a
//!     builder's client. A handwritten MFA extension can then write one generic loop:
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

use super::builders::{generic_args, Builder};
use super::status_variants;
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
        let (module, pair_impls) = resumable_module(spec, file, pairs, opts, warnings);
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
    spec: &OpenAPI,
    file: &syn::File,
    pairs: &[ResumablePair],
    opts: &ClientOptions,
    warnings: &mut Vec<Warning>,
) -> (syn::Item, Vec<syn::Item>) {
    let entries: Vec<TokenStream> = pairs.iter().map(table_entry).collect();
    let (impls, needs_either) = resumable_impls(spec, file, pairs, &entries, opts, warnings);
    let trait_def = has_resumable_traits(opts).then(resumable_op_trait);
    let either = needs_either.then(either_type);
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

            #either
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

/// A `ResumableOp` impl per pair (builder interface only), and whether one of them answers
/// `Either`; a pair whose builders cannot be read gets a warning instead.
fn resumable_impls(
    spec: &OpenAPI,
    file: &syn::File,
    pairs: &[ResumablePair],
    entries: &[TokenStream],
    opts: &ClientOptions,
    warnings: &mut Vec<Warning>,
) -> (Vec<syn::Item>, bool) {
    let mut impls = Vec::new();
    let mut needs_either = false;
    if opts.interface == Interface::Builder {
        for (pair, entry) in pairs.iter().zip(entries) {
            match pair_impl(spec, file, pair, entry) {
                Ok((tokens, flow)) => {
                    needs_either |= flow == Flow::Either;
                    impls.push(syn::parse_quote!(#tokens));
                }
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
    (impls, needs_either)
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
            /// What the whole flow answers, whichever request succeeded: `Output` when the
            /// resume's body converts into it ([`FromResume`]); a list of `Output` when the
            /// resume answers a list of it (the request's one item becomes a list of one);
            /// else `Either` of the two.
            type FlowOutput;
            /// The retrieve's success `body`, received with `status`, as the flow's.
            fn from_retrieved(status: u16, body: Self::Output) -> Self::FlowOutput;
            /// The resume's success `body`, received with `status`, as the flow's.
            fn from_resumed(status: u16, body: Self::ResumeOutput) -> Self::FlowOutput;
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

/// The `ResumableOp` impl for one pair, with types read from progenitor's builders, and how
/// its flow answers one type.
fn pair_impl(
    spec: &OpenAPI,
    file: &syn::File,
    pair: &ResumablePair,
    entry: &TokenStream,
) -> Result<(TokenStream, Flow), String> {
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
    let flow = Flow::of(spec, output, resume_output);
    let flow_items = flow.items(output, resume_output);
    // Emitted inside `mod builder`: types read from the builders' signatures resolve there
    // as they are, and `self.client` is readable. The resume builder is started with `new`
    // rather than a `Client` method, which may live in a tag's extension trait.
    let tokens = quote! {
        impl<'a> super::resumable::ResumableOp for #ty<'a> {
            const PAIR: super::resumable::Resumable = super::resumable::#entry;
            type Output = #output;
            type Error = #error;
            type ResumeBody = #resume_body;
            type ResumeOutput = #resume_output;
            type ResumeError = #resume_error;
            #flow_items
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
    };
    Ok((tokens, flow))
}

/// How the flow of a pair answers one type whichever request succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Both requests answer the same type.
    Same,
    /// The resume answers one of the shapes of the request's per-status success enum, which
    /// takes it through `FromResume`.
    Converted,
    /// The resume answers a list of the request's type (Belvo's incomes: one income, then a
    /// list): the flow answers the list, so awaiting it needs no `match`.
    List,
    /// Unrelated types: the flow answers `Either` of them rather than having no type.
    Either,
}

impl Flow {
    fn of(spec: &OpenAPI, output: &syn::Type, resume_output: &syn::Type) -> Self {
        let text = |t: &syn::Type| t.to_token_stream().to_string();
        if text(output) == text(resume_output) {
            Flow::Same
        } else if status_variants::takes(spec, output, resume_output) {
            Flow::Converted
        } else if generic_args(resume_output, "Vec")
            .is_some_and(|args| matches!(args[..], [item] if text(item) == text(output)))
        {
            Flow::List
        } else {
            Flow::Either
        }
    }

    /// `FlowOutput`, `from_retrieved` and `from_resumed` of the pair's impl.
    fn items(self, output: &syn::Type, resume_output: &syn::Type) -> TokenStream {
        let either = quote!(super::resumable::Either);
        let (flow_output, retrieved, resumed) = match self {
            Flow::Same => (quote!(#output), quote!(body), quote!(body)),
            Flow::Converted => (
                quote!(#output),
                quote!(body),
                quote!(<#output as super::resumable::FromResume<#resume_output>>::from_resume(
                    status, body
                )),
            ),
            Flow::List => (
                quote!(#resume_output),
                quote!(::std::vec![body]),
                quote!(body),
            ),
            Flow::Either => (
                quote!(#either<#output, #resume_output>),
                quote!(#either::Retrieved(body)),
                quote!(#either::Resumed(body)),
            ),
        };
        // Only a per-status enum's conversion reads the resume's status.
        let status = if self == Flow::Converted {
            quote!(status)
        } else {
            quote!(_status)
        };
        quote! {
            type FlowOutput = #flow_output;
            fn from_retrieved(_status: u16, body: Self::Output) -> Self::FlowOutput {
                #retrieved
            }
            fn from_resumed(#status: u16, body: Self::ResumeOutput) -> Self::FlowOutput {
                #resumed
            }
        }
    }
}

/// The flow output of a pair whose request and resume answer unrelated types; emitted only
/// when such a pair exists.
fn either_type() -> TokenStream {
    quote! {
        /// What a flow answers when its request and its resume answer unrelated types.
        #[derive(Clone, Debug)]
        pub enum Either<T, U> {
            /// The request succeeded without a challenge.
            Retrieved(T),
            /// A resume succeeded.
            Resumed(U),
        }
    }
}
