//! Typed async client for the Belvo open-finance API.
//!
//! The operations, request and response types are generated from `spec/openapi.yaml` by
//! `cargo xtask regen` into `generated.rs`, which is never edited by hand; the modules beside
//! it are handwritten:
//!
//! - [`runtime`]: environments, credentials, timeouts, [`Client::from_env`], and the hooks
//!   that add basic auth and retries to every request;
//! - [`retry`]: the [`RetryPolicy`] (idempotent requests only, exponential backoff with
//!   jitter, `Retry-After`);
//! - [`options`]: [`RequestOptions`] for one call (headers, timeout, retry policy, extra
//!   body fields), through [`WithOptions::with_options`];
//! - [`error`]: [`Error`], one error type with status, `request_id`, code and body;
//! - [`pagination`]: [`Client::paginate`], a stream of the items of every page of a list;
//! - [`mfa`]: the multi-factor flow, [`MfaExt::with_mfa`] on every request that may be
//!   answered `428 token_required`, and challenges that can be stored and resumed later.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use belvo::{Client, Credentials, Environment};
//!
//! # async fn run() -> Result<(), belvo::Error> {
//! // BELVO_SECRET_ID, BELVO_SECRET_PASSWORD, and BELVO_ENV=sandbox (or BELVO_URL)
//! let client = Client::from_env()?;
//! // or: Client::connect(Environment::Sandbox, Credentials::new("id", "password"));
//!
//! let link = client.get_a_links_details().id(uuid::Uuid::nil()).send().await?;
//! println!("{:?}", link.status);
//!
//! let accounts: Vec<_> = client
//!     .paginate(client.list_all_accounts().page_size(100).send())
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;
pub mod error;
pub mod mfa;
pub mod options;
pub mod pagination;
pub mod retry;
pub mod runtime;
pub mod trace;

pub use generated::*;

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
