//! Typed async client for the Belvo open-finance API.
//!
//! The operations, request and response types are generated from `spec/openapi.yaml` by
//! `cargo xtask regen` into `generated.rs`, which is never edited by hand; the modules beside
//! it are handwritten.

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;
pub mod mfa;
pub mod runtime;

pub use generated::*;
pub use mfa::MfaExt;
pub use runtime::{Credentials, Environment};
