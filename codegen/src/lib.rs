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
mod yaml;

pub use error::{ConvertError, Warning};

/// The result of converting a collection.
#[derive(Debug)]
pub struct Conversion {
    pub spec: openapiv3::OpenAPI,
    /// What the collection holds that the spec cannot say, and was left out.
    pub warnings: Vec<Warning>,
}

/// Converts a Postman collection (JSON text) into an OpenAPI 3.0.3 document.
pub fn convert(collection_json: &str) -> Result<Conversion, ConvertError> {
    let collection = postman::parse(collection_json)?;
    let (document, warnings) = openapi::build(collection)?;
    let spec =
        serde_json::from_value(document).map_err(|e| ConvertError::Internal(e.to_string()))?;
    Ok(Conversion { spec, warnings })
}

/// The YAML text of a spec, as committed in `spec/openapi.yaml`: the same spec always gives
/// the same bytes.
pub fn to_yaml(spec: &openapiv3::OpenAPI) -> Result<String, ConvertError> {
    yaml::to_string(spec).map_err(|e| ConvertError::Internal(e.to_string()))
}
