//! Typed async client for the Belvo open-finance API.
//!
//! # First steps
//!
//! **1. Make a client.** From `BELVO_SECRET_ID`, `BELVO_SECRET_PASSWORD` and `BELVO_ENV`
//! (`sandbox`, `development`, `production`; or `BELVO_URL` for a mock), or explicitly:
//!
//! ```no_run
//! use std::time::Duration;
//! use belvo::{Client, Credentials, Environment, RetryPolicy};
//!
//! # fn make() -> Result<(), belvo::Error> {
//! let client = Client::from_env()?;
//! let client = Client::builder(Environment::Sandbox, Credentials::new("id", "password"))
//!     .timeout(Duration::from_secs(120))
//!     .retry(RetryPolicy::default().max_attempts(5))
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! **2. Call an operation.** Each one is a method of [`Client`] returning a builder: set its
//! parameters, then `send().await`. The answer derefs to the typed body of [`types`].
//!
//! ```no_run
//! # async fn call(client: belvo::Client, id: uuid::Uuid) -> Result<(), belvo::Error> {
//! let link = client.get_a_links_details().id(id).send().await?;
//! println!("{:?} {:?}", link.institution, link.status);
//! # Ok(()) }
//! ```
//!
//! What Belvo requires is required here: a body's required fields are plain fields, so one
//! left out does not compile,
//!
//! ```compile_fail,E0063
//! let body = belvo::types::RetrieveBalancesForALinkBody {
//!     date_from: chrono::NaiveDate::MIN,
//!     date_to: chrono::NaiveDate::MAX,
//!     account: None,
//!     save_data: None,
//!     token: None,
//! }; // error[E0063]: missing field `link`
//! ```
//!
//! and a value from a closed list is an enum, so a misspelt one does not either:
//!
//! ```compile_fail,E0599
//! use belvo::types::ChangeALinksAccessModeBodyAccessMode as AccessMode;
//! let mode = AccessMode::Recurent; // error[E0599]: no variant named `Recurent`
//! ```
//!
//! ```
//! use belvo::types::ChangeALinksAccessModeBodyAccessMode as AccessMode;
//! let mode = AccessMode::Recurrent;
//! assert_eq!(mode.to_string(), "recurrent");
//! ```
//!
//! **3. Handle errors.** `?` turns an operation's error into [`Error`], which keeps the
//! status, Belvo's `request_id` (quote it to Belvo's support), code, message and body:
//!
//! ```no_run
//! # async fn errors(client: belvo::Client, id: uuid::Uuid) {
//! if let Err(e) = client.delete_a_link().id(id).send().await {
//!     let e = belvo::Error::from(e);
//!     eprintln!("{e} (status {:?}, request_id {:?})", e.status(), e.request_id());
//! }
//! # }
//! ```
//!
//! **4. Walk a list.** [`Client::paginate`] streams the items of every page, following
//! Belvo's `next` links with the same authentication and retries:
//!
//! ```no_run
//! use futures::TryStreamExt;
//! # async fn walk(client: belvo::Client) -> Result<(), belvo::Error> {
//! let accounts: Vec<belvo::types::Account> = client
//!     .paginate(client.list_all_accounts().page_size(100).send())
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! **5. Answer a token request (MFA).** A retrieve may be answered `428 token_required`;
//! [`MfaExt::with_mfa`] asks your token provider and resumes until the data comes:
//!
//! ```no_run
//! use belvo::mfa::{Challenge, Token};
//! use belvo::MfaExt;
//! # async fn mfa(client: belvo::Client, link: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let ask = |challenge: &Challenge| async { Ok::<_, std::io::Error>(Token::new("123456")) };
//! let january = |day| chrono::NaiveDate::from_ymd_opt(2024, 1, day).unwrap();
//! let balances = client
//!     .retrieve_balances_for_a_link()
//!     // `link`, `date_from` and `date_to` are required: plain fields of the body type,
//!     // and a builder that leaves one out fails before the request leaves, naming it.
//!     .body_map(|b| b.link(link).date_from(january(1)).date_to(january(31)))
//!     .with_mfa(&ask)
//!     .await?;
//! # let _ = balances; Ok(()) }
//! ```
//!
//! Then, as needed: options for one call ([`WithOptions::with_options`]: headers, timeout,
//! retry policy), your own `reqwest::Client` ([`ClientBuilder::reqwest_client`]), spans
//! of every call ([`trace`], feature `tracing`), and a typed mock Belvo for your tests
//! (`belvo::mock`, feature `mock`).
//!
//! # Modules
//!
//! The operations, request and response types are generated from `spec/openapi.yaml` by
//! `cargo xtask regen` into `generated.rs`, which is never edited by hand; the modules beside
//! it are handwritten:
//!
//! - [`runtime`]: environments, credentials, timeouts, default headers,
//!   [`Client::from_env`], and the hooks that add basic auth, options and retries to every
//!   request;
//! - [`retry`]: the [`RetryPolicy`] (exponential backoff with jitter, `Retry-After`;
//!   idempotent requests only, except a refused connection);
//! - [`options`]: [`RequestOptions`] for one call (headers, timeout, retry policy, extra
//!   body fields), through [`WithOptions::with_options`];
//! - [`error`]: [`Error`], one error type with status, `request_id`, code and body;
//! - [`pagination`]: [`Client::paginate`], a stream of the items of every page of a list;
//! - [`mfa`]: the multi-factor flow, [`MfaExt::with_mfa`] on every request that may be
//!   answered `428 token_required`, and challenges that can be stored and resumed later;
//! - [`trace`]: the spans and events of every call (feature `tracing`, on by default);
//! - `mock` (feature `mock`): a typed mock Belvo for your own tests, one method per
//!   operation.

#![warn(missing_docs)]
// docs.rs builds every feature and shows, on each item, the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;
pub mod error;
mod headers;
pub mod mfa;
#[cfg(feature = "mock")]
pub mod mock;
pub mod options;
pub mod pagination;
pub mod retry;
pub mod runtime;
pub mod trace;

// Named, not globbed: the generated module also re-exports progenitor's `Error`, which
// rustdoc would render as `belvo::Error` in place of the runtime's (`OperationError` below).
// `tests/reexports.rs` checks that every other public item of the module is here.
#[cfg(feature = "mock")]
pub use generated::mock_operations;
pub use generated::{
    builder, decode, prelude, resumable, types, ByteStream, Client, ClientInfo, ResponseValue,
    SERVERS,
};

pub use error::{ApiError, ConfigError, Error, ErrorDetail};
pub use mfa::MfaExt;
pub use options::{RequestOptions, WithOptions};
pub use pagination::Page;
/// The error of a generated operation's `send()`, generic over the operation's documented
/// error body; convert it with `?` or `.map_err(belvo::Error::from)`. (`belvo::Error` is the
/// runtime's error, which shadows the generated module's re-export of this type.)
pub use progenitor_client::Error as OperationError;
pub use retry::RetryPolicy;
pub use runtime::{ClientBuilder, Credentials, Environment};

/// The Rust examples of the workspace's README, compiled by `cargo test --doc` (and run where
/// they need no network), so that a user who copies one gets code that builds. They use every
/// product and the mock, which the crate's dev-dependency on itself turns on.
#[cfg(all(doctest, feature = "full", feature = "mock"))]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;

/// The crate's own README (its page on a registry), compiled like the workspace's.
#[cfg(all(doctest, feature = "full", feature = "mock"))]
#[doc = include_str!("../README.md")]
pub struct CrateReadme;
