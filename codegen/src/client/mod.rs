//! The last stage: an OpenAPI 3.0 document in, the source of a typed async Rust client out.
//!
//! [`generate`] works on a *copy* of the spec: [`normalize()`] rewrites that copy into the subset
//! that progenitor 0.15 accepts (each rewrite documented, with its reason, in the
//! [`normalize`](mod@normalize) module), then
//! progenitor emits the client, [`glue`] adds items derived from the spec (the servers, the
//! multi-factor "resumable" operations and, on request, a page trait's impls) and lets
//! optional collections read `null` as empty, and the result is formatted with prettyplease.
//! The committed spec stays faithful to the API; only the copy bends to the generator.
//!
//! Everything here is a pure function of its inputs: the same spec and options always give
//! byte-identical code, so the generated file can be committed and checked for staleness.

mod cycles;
mod decode_glue;
pub mod glue;
mod guesses;
pub mod normalize;
pub mod params;
mod text;

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::ToTokens;

pub use glue::ResumablePair;
pub use normalize::{normalize, Normalized};
use text::{comment_text, Lines};

/// How operations are called; see [`ClientOptions::interface`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Interface {
    /// `client.op().param(x).body(b).send().await`: adding an optional parameter or body field
    /// to the API does not break callers, and every argument is named at the call site.
    #[default]
    Builder,
    /// `client.op(a, b, c).await`: shorter, but every new parameter changes the signature.
    /// The MFA glue is not emitted in this style (it is written against the builders).
    Positional,
}

/// Where operation methods live; see [`ClientOptions::tags`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tags {
    /// All methods are inherent methods of `Client`: found by completion, no imports needed.
    #[default]
    Merged,
    /// One `Client{Tag}Ext` trait per tag (builder interface only); callers import them from
    /// the generated `prelude`.
    Separate,
}

/// Whether the crate that includes the generated code must implement
/// `progenitor_client::ClientHooks` for `Client`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Hooks {
    /// A do-nothing `impl ClientHooks for &Client` is generated; an `impl ClientHooks for
    /// Client` written by hand takes precedence (auto-ref).
    #[default]
    Optional,
    /// No default is generated; a missing hand-written impl is one clear compile error. Use
    /// this once a runtime module implements auth and retries in `ClientHooks`.
    Expected,
}

/// Settings for [`generate`]. `Default` gives the project's choices.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Call style of the generated methods. Default: [`Interface::Builder`].
    pub interface: Interface,
    /// Placement of the generated methods. Default: [`Tags::Merged`].
    pub tags: Tags,
    /// Type of an extra `inner` field of `Client`, given to `ClientHooks` and the hook
    /// functions (e.g. `crate::runtime::Inner`: credentials, retry policy). It must be a Rust
    /// type path valid where the generated module is included, and `Clone + Debug`.
    /// `Client::new` then takes it as a second argument.
    pub inner_type: Option<String>,
    /// Whether a hand-written `ClientHooks` impl is required. Default: [`Hooks::Optional`].
    pub hooks: Hooks,
    /// Path of a function called as `f(&inner?, &mut reqwest::Request)` before each request.
    pub pre_hook: Option<String>,
    /// Path of an async function `f(&inner?, &mut reqwest::Request) -> Result<_, E: Display>`.
    pub pre_hook_async: Option<String>,
    /// Path of a function called as `f(&inner?, &reqwest::Result<reqwest::Response>)`.
    pub post_hook: Option<String>,
    /// Path of an async function `f(&inner?, &reqwest::Result<reqwest::Response>) -> Result<..>`.
    pub post_hook_async: Option<String>,
    /// Connect and total timeout, in seconds, of the `reqwest::Client` that `Client::new`
    /// builds (progenitor's default is 15).
    pub timeout_secs: Option<u64>,
    /// Extra derives for every generated type (e.g. `PartialEq`).
    pub extra_derives: Vec<String>,
    /// Map type for `additionalProperties` (default `std::collections::HashMap`).
    pub map_type: Option<String>,
    /// Emit the `resumable` module (MFA retrieve/resume pairs). Default: true.
    pub mfa_glue: bool,
    /// Path of a trait to implement for every page type, e.g. `crate::pagination::Page`.
    /// A page type is a generated struct with `next: Option<String>` and `results: Vec<T>`
    /// (Belvo's `{count, next, previous, results}`); each gets
    /// `impl Trait for XPage { type Item = T; fn next_page(&self) -> Option<&str>;
    /// fn into_items(self) -> Vec<T>; }`, so a handwritten paginator works for every list
    /// operation without a hand-kept list of types. Default: none.
    pub page_trait: Option<String>,
    /// Also emit `check_response(method, path, status, body)`, which decodes a body with the
    /// type the client uses for that response (for soundness tests). Default: false.
    pub response_checks: bool,
    /// The command named in the `@generated` header, e.g. `cargo xtask regen`.
    pub command: String,
    /// The input named in the `@generated` header, e.g. `spec/openapi.yaml`.
    pub source: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            interface: Interface::Builder,
            tags: Tags::Merged,
            inner_type: None,
            hooks: Hooks::Optional,
            pre_hook: None,
            pre_hook_async: None,
            post_hook: None,
            post_hook_async: None,
            timeout_secs: None,
            extra_derives: Vec::new(),
            map_type: None,
            mfa_glue: true,
            page_trait: None,
            response_checks: false,
            command: "cargo xtask regen".to_owned(),
            source: "spec/openapi.yaml".to_owned(),
        }
    }
}

/// Something [`normalize()`] changed or dropped so that the client could be generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The operation concerned (its final operationId), or `None` for the whole document.
    pub operation: Option<String>,
    /// What was done and what it means for callers.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.operation {
            Some(op) => write!(f, "{op}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The generated client source and what had to be changed to get it.
#[derive(Clone, Debug)]
pub struct GeneratedClient {
    /// Formatted Rust source, starting with the `@generated` header.
    pub code: String,
    /// Normalisations that changed behaviour visible to callers, in document order.
    pub warnings: Vec<Warning>,
    /// The multi-factor retrieve/resume pairs found in the spec.
    pub resumable: Vec<ResumablePair>,
}

/// Why no client could be generated.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// progenitor handles OpenAPI 3.0.x only.
    #[error("OpenAPI version {0} is not supported; the client generator needs 3.0.x")]
    UnsupportedVersion(String),
    /// A [`ClientOptions`] field does not parse as Rust.
    #[error("option `{option}` is not valid Rust: {message}")]
    InvalidOption {
        /// The field name.
        option: &'static str,
        /// The parser's message.
        message: String,
    },
    /// progenitor or typify rejected the (normalised) document.
    #[error("progenitor rejected {}: {message}", where_(.operation))]
    Progenitor {
        /// The first operation that fails alone, when one could be found.
        operation: Option<String>,
        /// progenitor's error.
        message: String,
    },
    /// progenitor or typify panicked on a shape the normaliser does not know about yet.
    #[error("progenitor panicked on {}: {message}", where_(.operation))]
    Panic {
        /// The first operation that fails alone, when one could be found.
        operation: Option<String>,
        /// The panic message.
        message: String,
    },
    /// The generated tokens are not a valid Rust file (a generator bug).
    #[error("generated code does not parse: {0}")]
    InvalidOutput(String),
}

fn where_(operation: &Option<String>) -> String {
    match operation {
        Some(op) if op == normalize::COMPONENTS => "the component schemas".to_owned(),
        Some(op) => format!("operation `{op}`"),
        None => "the document".to_owned(),
    }
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
        .map(|p| {
            syn::parse_str::<syn::Path>(p).map_err(|e| ClientError::InvalidOption {
                option: "page_trait",
                message: e.to_string(),
            })
        })
        .transpose()?;
    let received = widen_guesses(spec)?;
    let Normalized {
        spec,
        mut warnings,
        resumable,
        wire_names,
    } = normalize(received.as_ref().unwrap_or(spec))?;

    let tokens = run_progenitor(&spec, &settings)?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| ClientError::InvalidOutput(e.to_string()))?;

    glue::emit(&spec, &mut file, &resumable, opts, &mut warnings);
    decode_glue::route_decoding(original, &spec, &mut file, opts.response_checks)
        .map_err(ClientError::InvalidOutput)?;
    glue::accept_null_collections(&mut file);
    glue::redact_secrets_in_debug(&mut file);
    if let Some(path) = &page_trait {
        glue::implement_page_trait(&mut file, path);
    }
    glue::request_methods_without_shortcut(&mut file);
    params::restore_wire_names(&mut file, &wire_names);
    glue::tame_docs(&mut file);
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
    })
}

/// The spec with guessed integers that responses reach read as numbers (see [`guesses`]), or
/// `None` when it has none.
fn widen_guesses(spec: &OpenAPI) -> Result<Option<OpenAPI>, ClientError> {
    let invalid =
        |e: serde_json::Error| ClientError::InvalidOutput(format!("re-reading the spec: {e}"));
    let mut doc = serde_json::to_value(spec).map_err(invalid)?;
    if guesses::widen_received_integers(&mut doc) == 0 {
        return Ok(None);
    }
    serde_json::from_value(doc).map(Some).map_err(invalid)
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

/// progenitor's settings from ours; string options are parsed here so a typo is an error
/// naming the option rather than a compile error in generated code.
fn settings(opts: &ClientOptions) -> Result<progenitor::GenerationSettings, ClientError> {
    fn parse<T: syn::parse::Parse + ToTokens>(
        option: &'static str,
        text: &str,
    ) -> Result<TokenStream, ClientError> {
        syn::parse_str::<T>(text)
            .map(|t| t.into_token_stream())
            .map_err(|e| ClientError::InvalidOption {
                option,
                message: e.to_string(),
            })
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
            operation: locate_failure(spec, settings),
            message,
        }),
        Err(Failure::Panic(message)) => Err(ClientError::Panic {
            operation: locate_failure(spec, settings),
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
/// fails in a document holding only it. Only runs after a failure, so its cost is no concern.
fn locate_failure(spec: &OpenAPI, settings: &progenitor::GenerationSettings) -> Option<String> {
    let mut bare = spec.clone();
    bare.paths.paths.clear();
    if attempt(&bare, settings).is_err() {
        return Some(normalize::COMPONENTS.to_owned());
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
                return op
                    .operation_id
                    .clone()
                    .or_else(|| Some(format!("{} {path}", method.to_uppercase())));
            }
        }
    }
    None
}
