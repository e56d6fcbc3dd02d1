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
//! - [`diff`] compares two specs and flags breaking changes;
//! - [`warning`] is what each stage reports when it goes on without something, with a stable
//!   code and a location.

pub mod client;
pub mod diff;
pub mod error;
pub mod infer;
pub mod naming;
pub mod openapi;
mod openapi_util;
pub mod overlay;
pub mod postman;
mod read_yaml;
pub mod status;
pub mod validate;
pub mod warning;
mod yaml;

pub use error::ConvertError;
pub use openapi_util::{read_openapi, NotOpenApi, OpenApiSource};
pub use read_yaml::{from_yaml, YamlError, MAX_NESTING};
pub use warning::{Code, Location, Warning};

/// The result of converting a collection.
#[derive(Debug)]
pub struct Conversion {
    /// The OpenAPI document as JSON, keys in the order the spec is written in.
    pub document: serde_json::Value,
    /// What the collection holds that the spec cannot say, and was left out.
    pub warnings: Vec<Warning>,
}

impl Conversion {
    /// The document as typed OpenAPI, for the client generator. The builder only writes
    /// documents `openapiv3` accepts (the corpus and fuzz tests check it), so an error here is
    /// a bug in the converter.
    pub fn spec(&self) -> Result<openapiv3::OpenAPI, ConvertError> {
        read_openapi(OpenApiSource::Json(&self.document))
            .map_err(|e| ConvertError::Internal(e.to_string()))
    }
}

/// Converts a Postman collection (JSON text) into an OpenAPI 3.0.3 document.
pub fn convert(collection_json: &str) -> Result<Conversion, ConvertError> {
    let collection = postman::parse(collection_json)?;
    let (document, warnings) = openapi::build(collection)?;
    Ok(Conversion { document, warnings })
}

/// [`convert`], freeing the collection's text as soon as it is read: of what converting a
/// large collection holds at its peak, the text is a sixth.
pub fn convert_owned(collection_json: String) -> Result<Conversion, ConvertError> {
    let collection = postman::parse(&collection_json)?;
    drop(collection_json);
    let (document, warnings) = openapi::build(collection)?;
    Ok(Conversion { document, warnings })
}

/// The YAML text of an OpenAPI document in its JSON form, as committed in `spec/openapi.yaml`:
/// the same document always gives the same bytes, and YAML 1.1 and 1.2 readers read the same
/// values back.
pub fn to_yaml(document: &serde_json::Value) -> String {
    yaml::to_string(document)
}
