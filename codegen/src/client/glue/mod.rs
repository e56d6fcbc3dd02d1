//! Syntax-tree passes over progenitor's output, one file each, applied by
//! [`generate`](super::generate) in this order:
//!
//! - [`emit`]: appends `SERVERS` and the `resumable` module (MFA retrieve/resume pairs and the
//!   `ResumableOp` impls inside `mod builder`);
//! - [`decode`]: routes every response decoding through the emitted `decode` module
//!   ([`decode_template.rs`](decode), included as text), whose errors say where a body does not
//!   fit and which overlay action would accept it;
//! - [`status_variants`]: success bodies of several shapes become an enum, one variant per
//!   status, each status decoded into its own;
//! - [`null_collections`]: optional collections read `null` as empty;
//! - [`redact`]: `Debug` of structs with credential fields prints `<redacted>`;
//! - [`page_trait`]: implements a page trait for every `{next, results}` struct;
//! - [`mock`]: typed mock methods, one per operation, on a handwritten mock server;
//! - [`features`]: with `ClientOptions::product_features`, every item under the Cargo features
//!   of the products (`x-tagGroups`) that need it;
//! - [`shortcuts`]: `reqwest::Client::options`/`trace` calls become `request(Method::…)`;
//! - [`param_docs`]: every parameter setter of a builder documented (description, required);
//! - [`docs`]: every doc comment made safe for rustc and rustdoc.
//!
//! [`builders`] changes nothing: it reads progenitor's builders for the passes above. Every
//! pass reads what progenitor emitted, not naming rules, so the glue cannot drift from it.

pub(crate) mod builders;
pub(crate) mod decode;
pub(crate) mod docs;
pub(crate) mod emit;
pub(crate) mod features;
pub(crate) mod mock;
pub(crate) mod null_collections;
pub(crate) mod page_trait;
pub(crate) mod param_docs;
pub(crate) mod redact;
pub(crate) mod shortcuts;
pub(crate) mod status_variants;
