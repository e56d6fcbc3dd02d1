//! Reading a Postman collection into a flat list of [`Request`]s.
//!
//! The `postman_collection` crate models each item; this module walks the folder tree itself so
//! that an error names the item (`folder/…/request`) and the field, v2.0 shapes are lifted to
//! v2.1 before typing, and auth is inherited from folders and the collection.

use std::collections::BTreeMap;

use postman_collection::v2_1_0 as pm;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::ConvertError;
use crate::status;
use crate::warning::{Code, Location, Warning};

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

fn item_path(folders: &[String], name: &str) -> String {
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
    fn field(
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

/// Parses a collection. `text` is the JSON Postman exports (v2.0 or v2.1), or the
/// `{"collection": …}` wrapper that Postman's API returns.
///
/// The tree is built without the parts that are never read (scripts, examples' saved
/// requests), and consumed as it is walked: each request item is moved out, typed and
/// dropped, so no part of the input is ever copied whole.
pub fn parse(text: &str) -> Result<Collection, ConvertError> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let mut root = Pruned(Level::Root)
        .deserialize(&mut reader)
        .and_then(|root| reader.end().map(|()| root))
        .map_err(|e| ConvertError::json(&e))?;
    if let Some(inner) = root
        .get_mut("collection")
        .filter(|c| c.get("info").is_some())
    {
        root = inner.take();
    }
    let Value::Object(mut root) = root else {
        return Err(ConvertError::Collection(
            "expected a Postman collection: a JSON object with `info` and `item`".into(),
        ));
    };
    check_version(&root)?;

    let info = root.get("info").cloned().unwrap_or(Value::Null);
    let mut collection = Collection {
        name: str_field(&info, "name").unwrap_or_else(|| "API".into()),
        version: info.get("version").and_then(version_text),
        ..Default::default()
    };
    let mut walker = Walker {
        warnings: Vec::new(),
        requests: Vec::new(),
    };
    collection.description = walker.collection_description(info.get("description"));
    for var in root
        .get("variable")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = str_field(var, "key").or_else(|| str_field(var, "id"));
        if let (Some(key), Some(value)) = (key, var.get("value").and_then(scalar_text)) {
            collection.variables.insert(key, value);
        }
    }
    let auth = walker
        .auth(root.get("auth"), &Location::Collection)
        .or_inherited(None);
    if let Some(items) = root.remove("item") {
        walker.items(items, &mut Vec::new(), auth)?;
    }
    collection.requests = walker.requests;
    collection.warnings = walker.warnings;
    Ok(collection)
}

fn check_version(root: &Map<String, Value>) -> Result<(), ConvertError> {
    let schema = root
        .get("info")
        .and_then(|i| i.get("schema"))
        .and_then(Value::as_str);
    match schema {
        Some(s) if s.contains("v2.0") || s.contains("v2.1") => Ok(()),
        Some(s) => Err(ConvertError::Collection(format!(
            "unsupported Postman collection schema `{s}`: only v2.0 and v2.1 are read"
        ))),
        None if root.contains_key("requests") && root.contains_key("order") => {
            Err(ConvertError::Collection(
                "this is a Postman v1 collection, which is not read: open it in Postman and \
                 export it again as Collection v2.1"
                    .into(),
            ))
        }
        None if root.contains_key("item") => Ok(()),
        None if root.contains_key("openapi") || root.contains_key("swagger") => {
            Err(ConvertError::Collection(
                "this is an OpenAPI/Swagger document, not a Postman collection".into(),
            ))
        }
        None => Err(ConvertError::Collection(
            "expected a Postman collection: a JSON object with `info` and `item`".into(),
        )),
    }
}

struct Walker {
    warnings: Vec<Warning>,
    requests: Vec<Request>,
}

impl Walker {
    fn warn(&mut self, code: Code, at: Location, message: impl Into<String>) {
        self.warnings.push(Warning::new(code, at, message));
    }

    fn items(
        &mut self,
        items: Value,
        folders: &mut Vec<String>,
        inherited: Option<Auth>,
    ) -> Result<(), ConvertError> {
        let Value::Array(items) = items else {
            return Err(ConvertError::Item {
                item: item_path(folders, ""),
                field: "item".into(),
                message: "expected an array of items".into(),
            });
        };
        for (index, item) in items.into_iter().enumerate() {
            let name = str_field(&item, "name").unwrap_or_else(|| format!("item {}", index + 1));
            let path = item_path(folders, &name);
            let Value::Object(mut item) = item else {
                return Err(ConvertError::Item {
                    item: path,
                    field: String::new(),
                    message: "expected an object".into(),
                });
            };
            if let Some(children) = item.remove("item") {
                let auth = self.auth(item.get("auth"), &Location::Item(path.clone()));
                folders.push(name);
                let result = self.items(children, folders, auth.or_inherited(inherited.clone()));
                folders.pop();
                result?;
            } else if item.contains_key("request") {
                self.request(Value::Object(item), folders, name, inherited.clone())?;
            } else {
                self.warn(
                    Code::ItemNeitherRequestNorFolder,
                    Location::Item(path),
                    "neither a request nor a folder; skipped",
                );
            }
        }
        Ok(())
    }

    fn request(
        &mut self,
        mut item: Value,
        folders: &[String],
        name: String,
        inherited: Option<Auth>,
    ) -> Result<(), ConvertError> {
        let path = item_path(folders, &name);
        request_object_form(&mut item);
        // Read before `lift_v20_auth`, which drops auth of kinds the typed model does not
        // know: read after, a `jwt` auth looked absent and the item inherited its folder's.
        let own_auth = self.auth(item.pointer("/request/auth"), &Location::Item(path.clone()));
        lift_v20_auth(&mut item);
        tolerate_loose_parts(&mut item);
        let typed: ItemParts = serde_path_to_error::deserialize(&item).map_err(|e| {
            let (field, message) = explain(&item, e);
            ConvertError::Item {
                item: path.clone(),
                field,
                message,
            }
        })?;
        let request = typed.request;
        let auth = own_auth.or_inherited(inherited);
        let Some(url) = request.url.as_ref().map(url_parts) else {
            self.warn(
                Code::RequestWithoutUrl,
                Location::Item(path),
                "request has no URL; skipped",
            );
            return Ok(());
        };
        let method = request
            .method
            .as_deref()
            .unwrap_or("GET")
            .to_ascii_uppercase();
        let body = match request.body {
            Some(b) if b.disabled != Some(true) => self.body(b, &path),
            _ => None,
        };
        let responses = self.saved_responses(&item, typed.response, &path);
        self.requests.push(Request {
            folders: folders.to_vec(),
            description: request
                .description
                .as_ref()
                .or(typed.description.as_ref())
                .and_then(description_union),
            name,
            method,
            url,
            headers: match request.header {
                Some(pm::HeaderUnion::HeaderArray(h)) => h.into_iter().map(header_kv).collect(),
                Some(pm::HeaderUnion::String(s)) => parse_header_lines(&s),
                None => Vec::new(),
            },
            body,
            auth,
            responses,
        });
        Ok(())
    }

    /// The item's saved responses with a status code (from the code, the status text or
    /// the example's name); one with none is skipped with a warning.
    fn saved_responses(
        &mut self,
        item: &Value,
        saved: Option<Vec<pm::ResponseClass>>,
        path: &str,
    ) -> Vec<SavedResponse> {
        let mut responses = Vec::new();
        for (i, r) in saved.into_iter().flatten().enumerate() {
            let rname = r
                .name
                .clone()
                .unwrap_or_else(|| format!("response {}", i + 1));
            // Postman may store only the status text (`"status": "OK"`); the example's name
            // is the last resort (`"Not Found (unknown id)"`).
            let Some(code) = r
                .code
                .and_then(|c| u16::try_from(c).ok())
                .filter(|c| (100..=599).contains(c))
                .or_else(|| r.status.as_deref().and_then(status::from_status_text))
                .or_else(|| r.name.as_deref().and_then(status::from_example_name))
            else {
                self.warn(
                    Code::ResponseWithoutStatus,
                    Location::Item(path.to_owned()),
                    format!(
                        "saved response `{rname}` has no status code, and neither its status \
                         text nor its name names one; skipped"
                    ),
                );
                continue;
            };
            let preview_language = item
                .pointer(&format!("/response/{i}/_postman_previewlanguage"))
                .and_then(Value::as_str)
                .map(str::to_string);
            responses.push(SavedResponse {
                name: rname,
                code,
                headers: r.header.map(headers_list).unwrap_or_default(),
                body: r.body.filter(|b| !b.trim().is_empty()),
                preview_language,
            });
        }
        responses
    }

    fn body(&mut self, body: pm::Body, path: &str) -> Option<RequestBody> {
        let language = body
            .options
            .as_ref()
            .and_then(|o| o.pointer("/raw/language"))
            .and_then(Value::as_str)
            .map(str::to_string);
        match body.mode {
            Some(pm::Mode::Raw) | None => body
                .raw
                .filter(|t| !t.trim().is_empty())
                .map(|text| RequestBody::Raw { text, language }),
            Some(pm::Mode::Urlencoded) => Some(RequestBody::UrlEncoded(
                body.urlencoded
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| {
                        let description = p.description.as_ref();
                        KeyValue::field(p.key, p.value, description, p.disabled, p.parameter_type)
                    })
                    .collect(),
            )),
            Some(pm::Mode::Formdata) => Some(RequestBody::FormData(
                body.formdata
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| {
                        let description = p.description.as_ref();
                        KeyValue::field(
                            p.key,
                            p.value,
                            description,
                            p.disabled,
                            p.form_parameter_type,
                        )
                    })
                    .collect(),
            )),
            Some(pm::Mode::Graphql) => {
                let gql = body.graphql.unwrap_or(Value::Null);
                let query = gql.get("query").and_then(Value::as_str);
                match query {
                    Some(q) => Some(RequestBody::GraphQl {
                        query: q.to_string(),
                        variables: gql
                            .get("variables")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    }),
                    None => {
                        self.warn(
                            Code::GraphqlWithoutQuery,
                            Location::Item(path.to_owned()),
                            "GraphQL body without a query; body skipped",
                        );
                        None
                    }
                }
            }
            Some(pm::Mode::File) => Some(RequestBody::File),
        }
    }

    /// The collection's description: text, or Postman's `{content, type}` object; another
    /// shape is left out with a warning.
    fn collection_description(&mut self, description: Option<&Value>) -> Option<String> {
        let description = description.filter(|d| !d.is_null())?;
        match serde_json::from_value::<pm::DescriptionUnion>(description.clone()) {
            Ok(d) => description_union(&d),
            Err(e) => {
                self.warn(
                    Code::DescriptionUnreadable,
                    Location::Collection,
                    format!(
                        "the description is neither text nor {{content, type}} ({e}); left out"
                    ),
                );
                None
            }
        }
    }

    /// The auth an item (or the collection) declares for itself, read from its raw JSON.
    fn auth(&mut self, auth: Option<&Value>, at: &Location) -> OwnAuth {
        let Some(auth) = auth.filter(|a| !a.is_null()) else {
            return OwnAuth::Inherit;
        };
        let kind = auth.get("type").and_then(Value::as_str).unwrap_or_default();
        let attr = |key: &str| -> Option<String> {
            let list = auth.get(kind)?;
            let value = match list {
                Value::Array(list) => list
                    .iter()
                    .find(|a| a.get("key").and_then(Value::as_str) == Some(key))?
                    .get("value")?,
                Value::Object(map) => map.get(key)?,
                _ => return None,
            };
            scalar_text(value)
        };
        OwnAuth::Declared(match kind {
            "inherit" | "" => return OwnAuth::Inherit,
            "noauth" => None,
            "basic" => Some(Auth::Basic),
            "bearer" => Some(Auth::Bearer),
            "digest" => Some(Auth::Digest),
            "apikey" => Some(Auth::ApiKey {
                name: attr("key").unwrap_or_else(|| {
                    self.warn(
                        Code::ApiKeyWithoutName,
                        at.clone(),
                        "API key auth names no key; `X-API-Key` assumed",
                    );
                    "X-API-Key".into()
                }),
                in_query: attr("in").as_deref() == Some("query"),
            }),
            "oauth2" => Some(Auth::OAuth2 {
                grant: attr("grant_type").unwrap_or_else(|| "authorization_code".into()),
                auth_url: attr("authUrl"),
                token_url: attr("accessTokenUrl"),
                scopes: attr("scope")
                    .map(|s| s.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default(),
            }),
            other => {
                self.warn(
                    Code::UnsupportedAuth,
                    at.clone(),
                    format!("auth type `{other}` has no OpenAPI security scheme; left out"),
                );
                None
            }
        })
    }
}

/// What an item says about its own auth.
enum OwnAuth {
    /// Nothing, or `inherit`: its folder's (or the collection's) applies.
    Inherit,
    /// This auth; `None` for `noauth`, and for a type OpenAPI cannot say (left out with a
    /// warning rather than replaced by the inherited one, which the API would not accept).
    Declared(Option<Auth>),
}

impl OwnAuth {
    /// The auth in force, given the one the item would inherit.
    fn or_inherited(self, inherited: Option<Auth>) -> Option<Auth> {
        match self {
            OwnAuth::Inherit => inherited,
            OwnAuth::Declared(auth) => auth,
        }
    }
}

/// The parts of a request item this module reads, typed with the `postman_collection` model.
/// `request` is typed as the object form directly (see [`request_object_form`]): typing an
/// untagged enum first copies the whole value, bodies included.
#[derive(serde::Deserialize)]
struct ItemParts {
    request: pm::RequestClass,
    response: Option<Vec<pm::ResponseClass>>,
    description: Option<pm::DescriptionUnion>,
}

/// Writes a bare-string request (a GET of that URL) in its object form.
fn request_object_form(item: &mut Value) {
    if let Some(url) = item.get("request").filter(|r| r.is_string()).cloned() {
        item["request"] = serde_json::json!({ "url": url });
    }
}

/// Where a value sits in a collection, for [`Pruned`].
#[derive(Clone, Copy)]
enum Level {
    Root,
    Items,
    Item,
    Responses,
    Response,
    /// Anywhere else: an ordinary `Value`.
    Other,
}

/// Reads a collection into a `Value` without the parts that are never read: items' `event`
/// scripts and saved responses' `originalRequest`. The latter is a third of a typical export's
/// text and most of its objects. Being never built, neither can fail an item either. Anything
/// outside the item tree's structure is read as serde_json reads it.
struct Pruned(Level);

impl<'de> DeserializeSeed<'de> for Pruned {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self.0 {
            Level::Other => Value::deserialize(deserializer),
            _ => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Pruned {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let element = match self.0 {
            Level::Items => Level::Item,
            Level::Responses => Level::Response,
            _ => Level::Other,
        };
        let mut out = Vec::new();
        while let Some(value) = seq.next_element_seed(Pruned(element))? {
            out.push(value);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let level = match (self.0, key.as_str()) {
                (Level::Item, "event") | (Level::Response, "originalRequest") => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                (Level::Root, "collection") => Level::Root,
                (Level::Root | Level::Item, "item") => Level::Items,
                (Level::Item, "response") => Level::Responses,
                _ => Level::Other,
            };
            let value = map.next_value_seed(Pruned(level))?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// The field path and message of a typing error. serde reports a value that fits no variant
/// of an untagged enum (a request, a URL) at the enum; typing the value as its object variant,
/// level by level, finds the field actually at fault.
fn explain(item: &Value, err: serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    let mut field = err.path().to_string();
    let mut message = err.inner().to_string();
    let mut node = item;
    let mut prefix = String::new();
    while message.contains("untagged enum") {
        let relative = field
            .strip_prefix(&prefix)
            .unwrap_or(&field)
            .trim_start_matches('.');
        let Some(child) = node
            .pointer(&json_pointer(relative))
            .filter(|n| n.is_object())
        else {
            break;
        };
        let inner = match relative.rsplit('.').next().unwrap_or_default() {
            "url" => serde_path_to_error::deserialize::<_, pm::UrlClass>(child).err(),
            _ => None,
        };
        let Some(inner) = inner else { break };
        prefix = field.clone();
        field = format!("{field}.{}", inner.path());
        message = inner.inner().to_string();
        node = child;
    }
    (field, message)
}

/// `request.url.query[2]` → `/request/url/query/2`.
fn json_pointer(path: &str) -> String {
    path.split('.')
        .filter(|p| !p.is_empty())
        .flat_map(|part| {
            let (name, index) = part.split_once('[').unwrap_or((part, ""));
            [
                Some(name),
                Some(index.trim_end_matches(']')).filter(|i| !i.is_empty()),
            ]
        })
        .flatten()
        .map(|p| format!("/{p}"))
        .collect()
}

/// Real exports carry header lists as `{}` or with `null` values, and cookies without the
/// fields the schema requires. None of it matters to the spec, so it is made to fit the
/// typed model instead of failing the whole item.
fn tolerate_loose_parts(item: &mut Value) {
    fn headers(parent: Option<&mut Value>) {
        let Some(Value::Object(parent)) = parent else {
            return;
        };
        match parent.get_mut("header") {
            Some(Value::Array(list)) => {
                list.retain(|h| h.is_string() || h.get("key").is_some_and(Value::is_string));
                for h in list.iter_mut().filter(|h| h.is_object()) {
                    let text = h.get("value").and_then(scalar_text).unwrap_or_default();
                    h["value"] = Value::String(text);
                }
            }
            Some(Value::String(_)) | None => {}
            Some(_) => {
                parent.remove("header");
            }
        }
    }
    headers(item.get_mut("request"));
    if let Some(Value::Array(responses)) = item.get_mut("response") {
        for response in responses.iter_mut() {
            if let Value::Object(r) = response {
                r.remove("cookie");
            }
            headers(Some(response));
        }
    }
}

/// v2.0 keeps auth attributes as an object (`"basic": {"username": …}`), v2.1 as a list of
/// `{key, value}`; the typed model is v2.1, so lift every auth object on the way in.
fn lift_v20_auth(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(auth)) = map.get_mut("auth") {
                for (key, attrs) in auth.iter_mut() {
                    if key == "type" || key == "noauth" {
                        continue;
                    }
                    if let Value::Object(obj) = attrs {
                        let list = obj
                            .iter()
                            .map(|(k, v)| serde_json::json!({"key": k, "value": v}))
                            .collect();
                        *attrs = Value::Array(list);
                    }
                }
                // Unknown kinds ("inherit", vendor ones) would fail the typed model; the
                // walker reads auth from the raw JSON anyway.
                let known = matches!(
                    auth.get("type").and_then(Value::as_str),
                    Some(
                        "apikey"
                            | "awsv4"
                            | "basic"
                            | "bearer"
                            | "digest"
                            | "edgegrid"
                            | "hawk"
                            | "noauth"
                            | "ntlm"
                            | "oauth1"
                            | "oauth2"
                    )
                );
                if !known {
                    map.remove("auth");
                }
            }
            for child in map.values_mut() {
                lift_v20_auth(child);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(lift_v20_auth),
        _ => {}
    }
}

fn url_parts(url: &pm::Url) -> Url {
    match url {
        pm::Url::String(raw) => parse_raw_url(raw),
        pm::Url::UrlClass(u) => {
            let from_raw = u.raw.as_deref().map(parse_raw_url).unwrap_or_default();
            let host = match &u.host {
                Some(pm::Host::String(h)) => h.clone(),
                Some(pm::Host::StringArray(parts)) => parts.join("."),
                None => from_raw.host.clone(),
            };
            let path = match &u.path {
                Some(pm::UrlPath::String(p)) => split_path(p),
                Some(pm::UrlPath::UnionArray(parts)) => parts
                    .iter()
                    .map(|p| match p {
                        pm::PathElement::String(s) => s.clone(),
                        pm::PathElement::PathClass(c) => c.value.clone().unwrap_or_default(),
                    })
                    .collect(),
                None => from_raw.path.clone(),
            };
            let query = match &u.query {
                Some(q) => q
                    .iter()
                    .filter_map(|q| {
                        let description = q.description.as_ref();
                        let (key, value) = (q.key.clone()?, q.value.clone());
                        Some(KeyValue::field(key, value, description, q.disabled, None))
                    })
                    .collect(),
                None => from_raw.query.clone(),
            };
            let variables = u
                .variable
                .iter()
                .flatten()
                .filter_map(|v| {
                    Some(KeyValue {
                        key: v.key.clone().or_else(|| v.id.clone())?,
                        value: v.value.as_ref().and_then(scalar_text),
                        description: v.description.as_ref().and_then(description_union),
                        disabled: v.disabled == Some(true),
                        kind: None,
                    })
                })
                .collect();
            Url {
                protocol: u.protocol.clone().unwrap_or(from_raw.protocol),
                host,
                port: u.port.clone().or(from_raw.port),
                path,
                query,
                variables,
            }
        }
    }
}

/// Splits a raw URL such as `{{baseUrl}}/users/:id?active=true` into its parts.
pub fn parse_raw_url(raw: &str) -> Url {
    let raw = raw.trim();
    let (rest, _fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (protocol, rest) = match rest.split_once("://") {
        Some((p, r)) => (p.to_string(), r),
        None => (String::new(), rest),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
            (h.to_string(), Some(p.to_string()))
        }
        _ => (authority.to_string(), None),
    };
    let query = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            KeyValue {
                key: key.to_string(),
                value: Some(value.to_string()),
                ..Default::default()
            }
        })
        .collect();
    Url {
        protocol,
        host,
        port,
        path: split_path(path),
        query,
        variables: Vec::new(),
    }
}

fn split_path(path: &str) -> Vec<String> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    path.split('/').map(str::to_string).collect()
}

fn header_kv(h: pm::Header) -> KeyValue {
    KeyValue::field(
        h.key,
        Some(h.value),
        h.description.as_ref(),
        h.disabled,
        None,
    )
}

fn headers_list(headers: pm::Headers) -> Vec<KeyValue> {
    match headers {
        pm::Headers::String(s) => parse_header_lines(&s),
        pm::Headers::UnionArray(list) => list
            .into_iter()
            .flat_map(|h| match h {
                pm::HeaderElement::Header(h) => vec![header_kv(h)],
                pm::HeaderElement::String(s) => parse_header_lines(&s),
            })
            .collect(),
    }
}

fn parse_header_lines(text: &str) -> Vec<KeyValue> {
    text.lines()
        .filter_map(|line| {
            let (k, v) = line.split_once(':')?;
            Some(KeyValue {
                key: k.trim().to_string(),
                value: Some(v.trim().to_string()),
                ..Default::default()
            })
        })
        .collect()
}

fn description_union(d: &pm::DescriptionUnion) -> Option<String> {
    let text = match d {
        pm::DescriptionUnion::String(s) => s.clone(),
        pm::DescriptionUnion::Description(d) => d.content.clone()?,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn version_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => Some(format!(
            "{}.{}.{}",
            o.get("major")?,
            o.get("minor")?,
            o.get("patch")?
        )),
        _ => None,
    }
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Strings as they are, numbers and booleans as their JSON text.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_urls_split_into_parts() {
        let u = parse_raw_url("https://{{host}}:8080/v1/users/:id/?active=true&q=");
        assert_eq!(u.protocol, "https");
        assert_eq!(u.host, "{{host}}");
        assert_eq!(u.port.as_deref(), Some("8080"));
        assert_eq!(u.path, ["v1", "users", ":id", ""]);
        assert_eq!(u.query.len(), 2);
        assert_eq!(u.query[1].value.as_deref(), Some(""));
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let err = parse("{\n  \"info\": ,\n}").unwrap_err();
        match err {
            ConvertError::Json { line, column, .. } => assert_eq!((line, column), (2, 11)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn v1_collections_are_refused_with_advice() {
        let err = parse(r#"{"id":"x","name":"n","order":[],"requests":[]}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("export it again as Collection v2.1"),
            "{err}"
        );
    }

    #[test]
    fn malformed_item_names_item_path_and_field() {
        let text = r#"{"info":{"name":"c","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item":[{"name":"Users","item":[{"name":"Get user","request":{"method":"GET","url":{"raw":"x","query":[{"key":5}]}}}]}]}"#;
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("Users/Get user"), "{err}");
        assert!(err.contains("field `request.url.query[0].key`"), "{err}");
    }

    #[test]
    fn parts_never_read_cannot_fail_an_item() {
        // A script whose `exec` is a number and an example whose saved request has a numeric
        // URL both break the typed model, but neither reaches the spec.
        let text = r#"{"info":{"name":"c","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item":[{"name":"a","event":[{"listen":"test","script":{"exec":5}}],
                     "request":"http://h/a",
                     "response":[{"name":"ok","code":200,"originalRequest":{"url":7},"body":"{}"}]}]}"#;
        let c = parse(text).unwrap();
        assert_eq!(c.requests.len(), 1);
        assert_eq!(c.requests[0].method, "GET");
        assert_eq!(c.requests[0].url.path, ["a"]);
        assert_eq!(c.requests[0].responses[0].code, 200);
    }

    /// An auth of a kind OpenAPI cannot say (`jwt`, `hawk`, a vendor's) is left out with a
    /// warning, in either version's shape, and never replaced by the auth it would inherit.
    #[test]
    fn unknown_auth_is_reported_not_inherited() {
        for (schema, attrs) in [
            ("v2.1.0", r#"[{"key":"secret","value":"s"}]"#),
            ("v2.0.0", r#"{"secret":"s"}"#),
        ] {
            for kind in ["jwt", "hawk", "akamai-something"] {
                let text = format!(
                    r#"{{"info":{{"name":"c","schema":"https://schema.getpostman.com/json/collection/{schema}/collection.json"}},
                    "auth":{{"type":"bearer","bearer":[{{"key":"token","value":"t"}}]}},
                    "item":[{{"name":"a","request":{{"url":"http://h/a","auth":{{"type":"{kind}","{kind}":{attrs}}}}}}}]}}"#
                );
                let c = parse(&text).unwrap();
                assert_eq!(c.requests[0].auth, None, "{schema} {kind}");
                assert!(
                    c.warnings.iter().any(|w| w.code == Code::UnsupportedAuth
                        && w.location == Location::Item("a".into())),
                    "{schema} {kind}: {:?}",
                    c.warnings
                );
            }
        }
    }

    #[test]
    fn auth_inherits_and_v20_shapes_are_lifted() {
        let text = r#"{"info":{"name":"c","schema":"https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
            "auth":{"type":"basic","basic":{"username":"u","password":"p"}},
            "item":[{"name":"F","auth":{"type":"apikey","apikey":{"key":"X-Key","in":"header"}},
                     "item":[{"name":"a","request":{"url":"http://h/a"}}]},
                    {"name":"b","request":{"url":"http://h/b","auth":{"type":"noauth"}}},
                    {"name":"c","request":{"url":"http://h/c"}}]}"#;
        let c = parse(text).unwrap();
        let auths: Vec<_> = c.requests.iter().map(|r| r.auth.clone()).collect();
        assert_eq!(
            auths,
            [
                Some(Auth::ApiKey {
                    name: "X-Key".into(),
                    in_query: false
                }),
                None,
                Some(Auth::Basic)
            ]
        );
    }
}
