//! Postman collection → OpenAPI 3.0.3 → typed Rust client.
//!
//! Every stage is a pure function from text (or a parsed document) to text, so that each one
//! can be tested on fixtures; reading and writing files is `xtask`'s job.
//!
//! - [`postman`] reads a collection (v2.0, v2.1, or the `{"collection": …}` wrapper) into a flat
//!   list of requests with their folder path, resolved auth and saved responses;
//! - [`infer`] turns JSON examples into schemas;
//! - [`openapi`] assembles the OpenAPI document, naming and deduplicating components;
//! - [`overlay`] applies hand corrections (OpenAPI Overlay 1.0);
//! - [`client`] normalises a copy of the spec for progenitor and emits the Rust client;
//! - [`diff`] compares two specs and flags breaking changes.

pub mod client;
pub mod diff;
pub mod error;
pub mod infer;
pub mod naming;
pub mod openapi;
pub mod overlay;
pub mod postman;
