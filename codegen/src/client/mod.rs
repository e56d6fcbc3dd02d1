//! The last stage: an OpenAPI 3.0 document in, the source of a typed async Rust client out.
//!
//! [`generate`] works on a *copy* of the spec: [`normalize()`] rewrites that copy into the subset
//! that progenitor 0.15 accepts (each rewrite documented, with its reason, in the
//! [`normalize`](mod@normalize) module), [`resumable`] finds the multi-factor retrieve/resume
//! pairs in the normalised copy, progenitor emits the client, the `glue` passes (one file
//! each) add what progenitor does not write and mend what it writes, and the result is
//! formatted with prettyplease.
//! The committed spec stays faithful to the API; only the copy bends to the generator.
//!
//! Everything here is a pure function of its inputs: the same spec and options always give
//! byte-identical code, so the generated file can be committed and checked for staleness.

mod cycles;
mod error;
mod glue;
mod guesses;
pub(crate) mod identifiers;
pub mod normalize;
mod options;
pub mod params;
pub mod resumable;
mod secrets;
mod text;

use std::panic::{catch_unwind, AssertUnwindSafe};

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::ToTokens;

pub use normalize::{normalize, Normalized};
pub use options::{ClientOptions, Hooks, Interface, Tags};
pub use resumable::ResumablePair;
use text::{comment_text, Lines};

use crate::openapi_util::{read_openapi, OpenApiSource};
use crate::warning::{Location, Warning};
pub use error::ClientError;

/// The generated client source and what had to be changed to get it.
#[derive(Clone, Debug)]
pub struct GeneratedClient {
    /// Formatted Rust source, starting with the `@generated` header.
    pub code: String,
    /// Normalisations that changed behaviour visible to callers, in document order.
    pub warnings: Vec<Warning>,
    /// The multi-factor retrieve/resume pairs found in the spec.
    pub resumable: Vec<ResumablePair>,
    /// With [`ClientOptions::product_features`]: each product's Cargo feature, in the spec's
    /// `x-tagGroups` order, with the other products it needs (a resumable pair's resume
    /// operation); empty otherwise.
    pub features: Vec<(String, Vec<String>)>,
}

/// Lints allowed inside the generated module: progenitor's and typify's output is not written
/// for `-D warnings` with clippy, and spec descriptions are not valid rustdoc (raw HTML, bare
/// URLs). Listed here so the handwritten `lib.rs` needs only `mod generated;`.
const INNER_ALLOWS: &str = "#![allow(
    missing_docs,
    dead_code,
    unused_imports,
    unused_mut,
    unreachable_patterns,
    irrefutable_let_patterns,
    non_camel_case_types,
    clippy::all,
    clippy::pedantic,
    clippy::nursery,
    rustdoc::all
)]";

/// Generates the client for `spec`: normalises a copy, runs progenitor, appends the glue and
/// formats the result. Never panics: a progenitor panic becomes [`ClientError::Panic`] naming
/// the first operation that fails on its own.
pub fn generate(spec: &OpenAPI, opts: &ClientOptions) -> Result<GeneratedClient, ClientError> {
    let original = spec;
    let settings = settings(opts)?;
    let page_trait = opts
        .page_trait
        .as_deref()
        .map(|p| parse_option::<syn::Path>("page_trait", p))
        .transpose()?;
    let mock_module = opts
        .mock_module
        .as_deref()
        .map(|p| parse_option::<syn::Path>("mock_module", p))
        .transpose()?;
    let received = widen_guesses(spec)?;
    let Normalized {
        spec,
        mut warnings,
        wire_names,
    } = normalize(received.as_ref().unwrap_or(spec))?;
    let resumable = resumable::find_resumable(&spec);

    let tokens = run_progenitor(&spec, &settings)?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| ClientError::InvalidOutput(e.to_string()))?;

    glue::emit::emit(&spec, &mut file, &resumable, opts, &mut warnings);
    glue::decode::route_decoding(original, &spec, &mut file, opts.response_checks)
        .map_err(ClientError::InvalidOutput)?;
    let from_resume = glue::emit::has_resumable_traits(opts);
    glue::status_variants::type_status_variants(&spec, &mut file, from_resume)
        .map_err(ClientError::InvalidOutput)?;
    glue::null_collections::accept_null_collections(&mut file);
    glue::redact::redact_secrets_in_debug(&mut file);
    if let Some(path) = &page_trait {
        glue::page_trait::implement_page_trait(&mut file, path);
    }
    if let Some(module) = &mock_module {
        glue::mock::emit_mock_methods(&spec, &mut file, module, &mut warnings);
    }
    let features = if opts.product_features {
        glue::features::gate_by_product(&spec, &mut file, &resumable, &opts.mock_types)
    } else {
        Vec::new()
    };
    glue::shortcuts::request_methods_without_shortcut(&mut file);
    glue::param_docs::document_parameters(&spec, &mut file);
    params::restore_wire_names(&mut file, &wire_names);
    glue::docs::tame_docs(&mut file);
    file.attrs = syn::parse_str::<syn::File>(INNER_ALLOWS)
        .map_err(|e| ClientError::InvalidOutput(e.to_string()))?
        .attrs;

    let body = prettyplease::unparse(&file);
    let code = format!(
        "// @generated by `{}` from {}; do not edit.\n\n{body}",
        comment_text(&opts.command, Lines::One),
        comment_text(&opts.source, Lines::One)
    );
    Ok(GeneratedClient {
        code,
        warnings,
        resumable,
        features,
    })
}

/// The spec with guessed integers that responses reach read as numbers (see [`guesses`]), or
/// `None` when it has none.
fn widen_guesses(spec: &OpenAPI) -> Result<Option<OpenAPI>, ClientError> {
    let invalid =
        |e: &dyn std::fmt::Display| ClientError::InvalidOutput(format!("re-reading the spec: {e}"));
    let mut doc = serde_json::to_value(spec).map_err(|e| invalid(&e))?;
    if guesses::widen_received_integers(&mut doc) == 0 {
        return Ok(None);
    }
    read_openapi(OpenApiSource::Json(&doc))
        .map(Some)
        .map_err(|e| invalid(&e))
}

/// Dependencies of generated code, at the versions the workspace's `generated/` crate uses
/// (a test keeps the two in step): `(crate, Cargo.toml value, marker in the code that needs it)`.
const DEPENDENCIES: &[(&str, &str, Option<&str>)] = &[
    (
        "chrono",
        r#"{ version = "0.4", default-features = false, features = ["serde", "std"] }"#,
        Some("::chrono::"),
    ),
    ("futures", r#""0.3""#, Some("futures::")),
    ("http", r#""1""#, Some("::http::")),
    ("progenitor-client", r#""0.15""#, None),
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls", "http2"] }"#,
        None,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#, None),
    ("serde_json", r#""1""#, None),
    ("serde_path_to_error", r#""0.1""#, None),
    (
        "uuid",
        r#"{ version = "1", features = ["serde", "v4"] }"#,
        Some("::uuid::"),
    ),
];

/// The files of a standalone crate named `name` around generated `code`, as
/// `(relative path, contents)`: a `Cargo.toml` with its own `[workspace]` table (so cargo never
/// attaches it to an enclosing workspace) and only the dependencies the code uses, a `lib.rs`
/// that includes the module, and the code as `src/generated.rs`. `title` and `command` are
/// written as comment text; `name` is written as a TOML string (the caller checks that it is
/// a valid package name).
pub fn standalone_crate(
    name: &str,
    title: &str,
    command: &str,
    code: &str,
) -> Vec<(&'static str, String)> {
    let deps: String = DEPENDENCIES
        .iter()
        .filter(|(_, _, marker)| marker.is_none_or(|m| code.contains(m)))
        .map(|(krate, value, _)| format!("{krate} = {value}\n"))
        .collect();
    let command = comment_text(command, Lines::One);
    let manifest = format!(
        "# @generated by `{command}`.\n\
         [package]\n\
         name = {}\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         # A crate of its own, even when written inside another workspace.\n\
         [workspace]\n\
         \n\
         [dependencies]\n\
         {deps}",
        toml_string(name)
    );
    let title = comment_text(title, Lines::One);
    let lib = format!(
        "//! Typed async client for {title}, generated by `{command}`.\n\
         //!\n\
         //! `Client::new(base_url)` builds a client; each operation is a method returning a\n\
         //! builder: `client.operation().param(value).send().await`.\n\
         \n\
         #[rustfmt::skip]\n\
         #[allow(clippy::all)]\n\
         mod generated;\n\
         \n\
         pub use generated::*;\n"
    );
    vec![
        ("Cargo.toml", manifest),
        ("src/lib.rs", lib),
        ("src/generated.rs", code.to_owned()),
    ]
}

/// `text` as a TOML basic string, quotes included.
fn toml_string(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string option parsed as Rust syntax; an error names the option.
fn parse_option<T: syn::parse::Parse>(option: &'static str, text: &str) -> Result<T, ClientError> {
    syn::parse_str::<T>(text).map_err(|e| ClientError::InvalidOption {
        option,
        message: e.to_string(),
    })
}

/// progenitor's settings from ours; string options are parsed here so a typo is an error
/// naming the option rather than a compile error in generated code.
fn settings(opts: &ClientOptions) -> Result<progenitor::GenerationSettings, ClientError> {
    fn parse<T: syn::parse::Parse + ToTokens>(
        option: &'static str,
        text: &str,
    ) -> Result<TokenStream, ClientError> {
        parse_option::<T>(option, text).map(|t| t.into_token_stream())
    }

    let mut s = progenitor::GenerationSettings::new();
    s.with_interface(match opts.interface {
        Interface::Builder => progenitor::InterfaceStyle::Builder,
        Interface::Positional => progenitor::InterfaceStyle::Positional,
    });
    s.with_tag(match opts.tags {
        Tags::Merged => progenitor::TagStyle::Merged,
        Tags::Separate => progenitor::TagStyle::Separate,
    });
    if opts.interface == Interface::Positional && opts.tags == Tags::Separate {
        // progenitor has `unimplemented!()` for this combination.
        return Err(ClientError::InvalidOption {
            option: "tags",
            message: "separate tags need the builder interface".to_owned(),
        });
    }
    s.with_hooks(match opts.hooks {
        Hooks::Optional => progenitor::HooksMode::Optional,
        Hooks::Expected => progenitor::HooksMode::Expected,
    });
    if let Some(t) = &opts.inner_type {
        s.with_inner_type(parse::<syn::Type>("inner_type", t)?);
    }
    if let Some(h) = &opts.pre_hook {
        s.with_pre_hook(parse::<syn::Expr>("pre_hook", h)?);
    }
    if let Some(h) = &opts.pre_hook_async {
        s.with_pre_hook_async(parse::<syn::Expr>("pre_hook_async", h)?);
    }
    if let Some(h) = &opts.post_hook {
        s.with_post_hook(parse::<syn::Expr>("post_hook", h)?);
    }
    if let Some(h) = &opts.post_hook_async {
        s.with_post_hook_async(parse::<syn::Expr>("post_hook_async", h)?);
    }
    if let Some(t) = opts.timeout_secs {
        s.with_timeout(t);
    }
    for d in &opts.extra_derives {
        parse::<syn::Path>("extra_derives", d)?;
        s.with_derive(d);
    }
    if let Some(m) = &opts.map_type {
        parse::<syn::Type>("map_type", m)?;
        s.with_map_type(m);
    }
    Ok(s)
}

/// Runs progenitor, turning both its errors and its panics into [`ClientError`]s that name the
/// first operation failing on its own.
fn run_progenitor(
    spec: &OpenAPI,
    settings: &progenitor::GenerationSettings,
) -> Result<TokenStream, ClientError> {
    match attempt(spec, settings) {
        Ok(tokens) => Ok(tokens),
        Err(Failure::Error(message)) => Err(ClientError::Progenitor {
            location: locate_failure(spec, settings),
            message,
        }),
        Err(Failure::Panic(message)) => Err(ClientError::Panic {
            location: locate_failure(spec, settings),
            message,
        }),
    }
}

enum Failure {
    Error(String),
    Panic(String),
}

fn attempt(
    spec: &OpenAPI,
    settings: &progenitor::GenerationSettings,
) -> Result<TokenStream, Failure> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        progenitor::Generator::new(settings).generate_tokens(spec)
    }));
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Failure::Error(e.to_string())),
        Err(payload) => Err(Failure::Panic(panic_message(payload.as_ref()))),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-text panic payload)".to_owned()
    }
}

/// Finds what makes progenitor fail: the components alone, or else the first operation that
/// fails in a document holding only it, else the whole document. Only runs after a failure,
/// so its cost is no concern.
fn locate_failure(spec: &OpenAPI, settings: &progenitor::GenerationSettings) -> Location {
    let mut bare = spec.clone();
    bare.paths.paths.clear();
    if attempt(&bare, settings).is_err() {
        return Location::Components;
    }
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let mut single_item = openapiv3::PathItem::default();
            match method {
                "get" => single_item.get = Some(op.clone()),
                "put" => single_item.put = Some(op.clone()),
                "post" => single_item.post = Some(op.clone()),
                "delete" => single_item.delete = Some(op.clone()),
                "options" => single_item.options = Some(op.clone()),
                "head" => single_item.head = Some(op.clone()),
                "patch" => single_item.patch = Some(op.clone()),
                _ => single_item.trace = Some(op.clone()),
            }
            let mut single = bare.clone();
            single
                .paths
                .paths
                .insert(path.clone(), openapiv3::ReferenceOr::Item(single_item));
            if attempt(&single, settings).is_err() {
                return Location::operation(method, path);
            }
        }
    }
    Location::Document
}
