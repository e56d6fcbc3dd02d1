//! What a collection is reduced to: the [`Collection`] and its flat list of [`Request`]s, with
//! everything inherited from folders resolved; what the OpenAPI stage reads.

use std::collections::BTreeMap;

use postman_collection::v2_1_0 as pm;

use crate::warning::Warning;

/// A collection reduced to what the OpenAPI document needs.
#[derive(Debug, Default)]
pub struct Collection {
    pub name: String,
    pub description: Option<String>,
    pub version: Option<String>,
    /// Collection variables with a value, used to resolve `{{name}}` in URLs.
    pub variables: BTreeMap<String, String>,
    pub requests: Vec<Request>,
    pub warnings: Vec<Warning>,
}

/// One request item with everything inherited from its folders resolved.
#[derive(Debug, Clone)]
pub struct Request {
    /// Names of the enclosing folders, outermost first.
    pub folders: Vec<String>,
    pub name: String,
    pub description: Option<String>,
    pub method: String,
    pub url: Url,
    pub headers: Vec<KeyValue>,
    pub body: Option<RequestBody>,
    /// The auth in force for this request after inheritance; `None` means no auth.
    pub auth: Option<Auth>,
    pub responses: Vec<SavedResponse>,
}

impl Request {
    /// `folder/…/request`, as errors and warnings name an item.
    pub fn item_path(&self) -> String {
        item_path(&self.folders, &self.name)
    }
}

pub(super) fn item_path(folders: &[String], name: &str) -> String {
    let mut parts: Vec<&str> = folders.iter().map(String::as_str).collect();
    parts.push(name);
    parts.join("/")
}

/// A URL split the way Postman keeps it, still holding `{{variables}}`.
#[derive(Debug, Clone, Default)]
pub struct Url {
    /// `https`, `http`, or empty when the URL has no scheme.
    pub protocol: String,
    /// Host as written, e.g. `{{baseUrl}}` or `api.example.com`.
    pub host: String,
    pub port: Option<String>,
    /// Path segments; a trailing empty segment means a trailing slash.
    pub path: Vec<String>,
    pub query: Vec<KeyValue>,
    /// Declared path variables (`:id`) with their example values.
    pub variables: Vec<KeyValue>,
}

/// A key/value pair from Postman's query, header, form and variable lists.
#[derive(Debug, Clone, Default)]
pub struct KeyValue {
    pub key: String,
    pub value: Option<String>,
    pub description: Option<String>,
    pub disabled: bool,
    /// `file` for a form-data file field.
    pub kind: Option<String>,
}

impl KeyValue {
    /// A form field, query parameter or header as the typed model holds it.
    pub(super) fn field(
        key: String,
        value: Option<String>,
        description: Option<&pm::DescriptionUnion>,
        disabled: Option<bool>,
        kind: Option<String>,
    ) -> KeyValue {
        KeyValue {
            key,
            value,
            description: description.and_then(description_union),
            disabled: disabled == Some(true),
            kind,
        }
    }
}

/// A request body by Postman mode.
#[derive(Debug, Clone)]
pub enum RequestBody {
    /// Raw text with its declared language (`json`, `xml`, `text`, …) if any.
    Raw {
        text: String,
        language: Option<String>,
    },
    UrlEncoded(Vec<KeyValue>),
    FormData(Vec<KeyValue>),
    GraphQl {
        query: String,
        variables: Option<String>,
    },
    File,
}

/// Auth kinds that have an OpenAPI security scheme.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Auth {
    Basic,
    Bearer,
    Digest,
    ApiKey {
        name: String,
        in_query: bool,
    },
    OAuth2 {
        grant: String,
        auth_url: Option<String>,
        token_url: Option<String>,
        scopes: Vec<String>,
    },
}

/// A saved example response.
#[derive(Debug, Clone)]
pub struct SavedResponse {
    pub name: String,
    pub code: u16,
    pub headers: Vec<KeyValue>,
    pub body: Option<String>,
    /// `_postman_previewlanguage`: json, xml, html, text.
    pub preview_language: Option<String>,
}

pub(super) fn description_union(d: &pm::DescriptionUnion) -> Option<String> {
    let text = match d {
        pm::DescriptionUnion::String(s) => s.clone(),
        pm::DescriptionUnion::Description(d) => d.content.clone()?,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
