//! Reading a Postman collection into a flat list of [`Request`]s.
//!
//! The `postman_collection` crate models each item; this module walks the folder tree itself so
//! that an error names the item (`folder/…/request`) and the field, v2.0 shapes are lifted to
//! v2.1 before typing, and auth is inherited from folders and the collection.

mod auth;
mod items;
mod model;
mod prune;
mod walker;

use postman_collection::v2_1_0 as pm;
use serde::de::DeserializeSeed;
use serde_json::{Map, Value};

use crate::error::ConvertError;
use crate::warning::{Code, Location};
use auth::lift_v20_auth;
pub use items::parse_raw_url;
use items::{header_kv, parse_header_lines, url_parts};
use model::{description_union, item_path};
pub use model::{Auth, Collection, KeyValue, Request, RequestBody, SavedResponse, Url};
use prune::{Level, Pruned};
use walker::{scalar_text, str_field, Walker};

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

impl Walker {
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
