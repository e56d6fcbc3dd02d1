//! What a caller of [`generate`](super::generate) may choose: call style, method placement,
//! hooks, the runtime's inner type, extra glue; `Default` gives the project's choices.

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

/// Settings for [`generate`](super::generate). `Default` gives the project's choices.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Call style of the generated methods. Default: [`Interface::Builder`].
    pub interface: Interface,
    /// Placement of the generated methods. Default: [`Tags::Merged`].
    pub tags: Tags,
    /// Type of an extra `inner` field of `Client`, given to `ClientHooks` and the hook
    /// functions (e.g. `crate::runtime::RequestDefaults`: credentials, retry policy). It must be a Rust
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
    /// Path of a handwritten module (e.g. `crate::mock`) with a `MockServer` type and an
    /// `Expect<'a, T>` built by `Expect::new(&MockServer, method, path_template, status)`:
    /// every operation then gets a method on `MockServer` returning its typed `Expect`,
    /// emitted behind `cfg(feature = "mock")` (see `glue::mock`). Default: none.
    pub mock_module: Option<String>,
    /// Types of `mod types` that the handwritten mock module names itself (e.g. the 428
    /// challenge it scripts): with product features, each is compiled under `mock` too, so
    /// `mock` builds beside any product, even one that reaches none of them. Default: none.
    pub mock_types: Vec<String>,
    /// Also emit `check_response(method, path, status, body)`, which decodes a body with the
    /// type the client uses for that response (for soundness tests). Default: false.
    pub response_checks: bool,
    /// Put every operation, type, impl and glue item under the Cargo feature of its product:
    /// the spec's `x-tagGroups` (see `glue::features`); the features and what each enables are
    /// returned in [`GeneratedClient::features`](super::GeneratedClient). No effect on a spec
    /// without groups. Default: false.
    pub product_features: bool,
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
            mock_module: None,
            mock_types: Vec::new(),
            response_checks: false,
            product_features: false,
            command: "cargo xtask regen".to_owned(),
            source: "spec/openapi.yaml".to_owned(),
        }
    }
}
