//! The lenient reader for review: a document someone else wrote, or one edited by hand, is
//! read when what it lacks or adds cannot change what a generated client sees, and the report
//! says what was tolerated. Anything else is refused with the construct and its JSON pointer.
//!
//! Tolerated: an operation without `responses` (read as none), a response without
//! `description` (read as empty), YAML keys that are not text (`examples: {0: …}`, read as
//! `"0"`), an empty value where a map or list of named things belongs (`paths:`, `responses:`,
//! `content:`, `properties:`, `parameters:`, …, read as none), `info` without `version`
//! (read as empty: nothing generated depends on it), an OAuth flow without `scopes` (read
//! as none) and links that name no operation (left out: nothing is generated for links). A
//! parameter without `schema` or `content` is refused: its type is unknown.
//!
//! OpenAPI 3.1 documents, and 3.0 ones that borrow 3.1's `type: [x, "null"]`, are
//! lowered to 3.0: a `type` array with `"null"` becomes `nullable`, `const` a one-value
//! `enum`, a `{type: "null"}` branch of `oneOf`/`anyOf` `nullable`, numeric
//! `exclusiveMinimum`/`exclusiveMaximum` the 3.0 pair, schema `examples` and annotations are
//! dropped, as are `webhooks` (the client stage generates nothing for them). 3.1 keywords that
//! constrain values and have no 3.0 form (`prefixItems`, `if`, `patternProperties`, …) and
//! `type` arrays of several types are refused: lowering them would hide what they change.

use serde_json::{Map, Value};

use crate::openapi_util::push_pointer_segment;

/// Why a text could not be read as an OpenAPI 3.0 document.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not YAML/JSON, or not shaped like an OpenAPI document; the message has the position.
    #[error("{0}")]
    Syntax(String),
    /// Another major/minor version of OpenAPI, whose schemas this diff would misread.
    #[error("`openapi: {0}` is not supported (expected 3.0.x)")]
    Version(String),
    /// A construct the lenient reader ([`read`]) cannot lower to OpenAPI 3.0 without changing
    /// what it says; the message names it and its JSON pointer.
    #[error("not read: {0}")]
    Unsupported(String),
}

/// A document as read, and what was tolerated on the way (one line each, with where).
#[derive(Debug, Clone)]
pub struct Read {
    /// The document, as a 3.0 reader sees it.
    pub document: openapiv3::OpenAPI,
    /// What was accepted that a strict OpenAPI 3.0 reader refuses; empty when nothing was.
    pub tolerated: Vec<String>,
}

/// Reads YAML or JSON text leniently (see the module docs).
pub fn read(text: &str) -> Result<Read, ParseError> {
    let strict = crate::read_openapi(crate::OpenApiSource::Text(text));
    if let Ok(document) = &strict {
        if crate::openapi_util::is_openapi_3_0(&document.openapi) {
            return Ok(Read {
                document: strict.expect("checked"),
                tolerated: Vec::new(),
            });
        }
    }
    let yaml: yaml_serde::Value =
        crate::from_yaml(text).map_err(|e| ParseError::Syntax(e.message))?;
    let mut lenient = Lenient::default();
    let mut value = lenient.json(yaml, &mut String::new())?;
    let version = match &value["openapi"] {
        Value::String(v) => v.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(strict.err().map_or_else(
                || ParseError::Syntax("no `openapi` version".into()),
                |e| ParseError::Syntax(e.0),
            ))
        }
    };
    let v31 = version.trim().starts_with("3.1.");
    if !v31 && !crate::openapi_util::is_openapi_3_0(&version) {
        return Err(ParseError::Version(version));
    }
    if v31 {
        lenient.document_31(&mut value, &version);
    }
    lenient.v31 = v31;
    lenient.walk(&mut value, &mut String::new(), "")?;
    lenient.operations(&mut value)?;
    lenient.document(&mut value);
    let document = crate::read_openapi(crate::OpenApiSource::Json(&value))
        .map_err(|e| ParseError::Syntax(e.0))?;
    Ok(Read {
        document,
        tolerated: lenient.notes,
    })
}

/// Object keys whose values are maps of named things (not schemas, even when a name is a
/// schema keyword such as `const` or `type`).
const MAPS: &[&str] = &[
    "properties",
    "schemas",
    "responses",
    "parameters",
    "headers",
    "content",
    "paths",
    "securitySchemes",
    "requestBodies",
    "examples",
    "links",
    "callbacks",
    "encoding",
    "mapping",
    "variables",
    "scopes",
];

/// Keys whose value is a list of things; empty (`parameters:` with nothing after it) it is
/// read as an empty list. `security` is not one: an empty list there means "no credentials",
/// unlike a missing one.
const LISTS: &[&str] = &["parameters", "required", "tags", "servers"];

/// Keys whose values are data, not OpenAPI: never rewritten.
const DATA: &[&str] = &["example", "examples", "default", "enum", "const", "value"];

/// 3.1 keywords that constrain values and have no 3.0 form: refused.
const REFUSED: &[&str] = &[
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "patternProperties",
    "propertyNames",
    "contains",
    "$defs",
    "contentSchema",
];

/// 3.1 annotations that change no value and no generated type: dropped.
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "contentMediaType",
    "contentEncoding",
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[derive(Default)]
struct Lenient {
    notes: Vec<String>,
    v31: bool,
}

impl Lenient {
    /// YAML as JSON; keys that are not text become text, noted (status codes excepted, which
    /// YAML writes as numbers and OpenAPI reads as text anyway).
    fn json(&mut self, yaml: yaml_serde::Value, at: &mut String) -> Result<Value, ParseError> {
        use yaml_serde::Value as Y;
        Ok(match yaml {
            Y::Null => Value::Null,
            Y::Bool(b) => Value::Bool(b),
            Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
            Y::String(s) => Value::String(s),
            Y::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let len = at.len();
                    push_pointer_segment(at, &i.to_string());
                    out.push(self.json(item, at)?);
                    at.truncate(len);
                }
                Value::Array(out)
            }
            Y::Mapping(map) => {
                let mut out = Map::new();
                let in_responses = at.ends_with("/responses");
                for (key, item) in map {
                    let key = match key {
                        Y::String(s) => s,
                        Y::Number(n) => {
                            if !in_responses {
                                self.notes
                                    .push(format!("key `{n}` at `{at}` read as the text `{n}`"));
                            }
                            n.to_string()
                        }
                        Y::Bool(b) => {
                            self.notes
                                .push(format!("key `{b}` at `{at}` read as the text `{b}`"));
                            b.to_string()
                        }
                        other => {
                            return Err(ParseError::Syntax(format!(
                                "a key at `{at}` is not text, a number or a boolean: {other:?}"
                            )))
                        }
                    };
                    let len = at.len();
                    push_pointer_segment(at, &key);
                    let item = self.json(item, at)?;
                    at.truncate(len);
                    out.insert(key, item);
                }
                Value::Object(out)
            }
            Y::Tagged(tagged) => self.json(tagged.value, at)?,
        })
    }

    /// Document-level parts of 3.1 that a 3.0 reader lacks.
    fn document_31(&mut self, doc: &mut Value, version: &str) {
        self.notes.push(format!(
            "`openapi: {version}` read as OpenAPI 3.0 (type arrays with \"null\" as `nullable`, \
             `const` as a one-value `enum`)"
        ));
        let Some(root) = doc.as_object_mut() else {
            return;
        };
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        for key in ["webhooks", "jsonSchemaDialect"] {
            if root.remove(key).is_some() {
                self.notes.push(format!(
                    "`/{key}` left out (the client stage generates nothing for it)"
                ));
            }
        }
        if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
            if components.remove("pathItems").is_some() {
                self.notes.push("`/components/pathItems` left out".into());
            }
        }
        if let Some(license) = root
            .get_mut("info")
            .and_then(|i| i.get_mut("license"))
            .and_then(Value::as_object_mut)
        {
            license.remove("identifier");
        }
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
    }

    /// Lowers every schema-like object under `value` (at pointer `at`, under key `parent`).
    fn walk(&mut self, value: &mut Value, at: &mut String, parent: &str) -> Result<(), ParseError> {
        if DATA.contains(&parent) || parent.starts_with("x-") {
            return Ok(());
        }
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let len = at.len();
                    push_pointer_segment(at, &i.to_string());
                    self.walk(item, at, "")?;
                    at.truncate(len);
                }
            }
            Value::Object(object) => {
                // `examples` is a map of named examples in media types and parameters, and
                // a list of values in a 3.1 schema: only the map is kept.
                let in_map = MAPS.contains(&parent);
                if !in_map {
                    self.empty_values(object, at);
                    self.schema(object, at)?;
                }
                for (key, item) in object.iter_mut() {
                    let len = at.len();
                    push_pointer_segment(at, key);
                    let key = if in_map { "" } else { key.as_str() };
                    self.walk(item, at, key)?;
                    at.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Empty values (YAML `key:` with nothing after it) where a map or list of named things
    /// belongs, read as none: the document names nothing there. Other empty values are left
    /// to the reader (`example: null` is a value).
    fn empty_values(&mut self, object: &mut Map<String, Value>, at: &str) {
        for (key, item) in object.iter_mut() {
            if !item.is_null() || DATA.contains(&key.as_str()) {
                continue;
            }
            // `parameters` is a list, except in `components`, where it is a map.
            let list = LISTS.contains(&key.as_str()) && !at.ends_with("/components");
            let empty = if list {
                Value::Array(Vec::new())
            } else if MAPS.contains(&key.as_str()) {
                Value::Object(Map::new())
            } else {
                continue;
            };
            let mut here = at.to_owned();
            push_pointer_segment(&mut here, key);
            self.notes.push(format!("`{here}` is empty: read as none"));
            *item = empty;
        }
    }

    /// Lowers one object that may be a schema: 3.1's forms to 3.0's, or a refusal.
    fn schema(&mut self, object: &mut Map<String, Value>, at: &str) -> Result<(), ParseError> {
        if let Some(Value::Array(types)) = object.get("type") {
            let null = types.iter().any(|t| t == "null");
            let rest: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
            let [single] = rest.as_slice() else {
                return Err(refuse(
                    at,
                    "type",
                    "a `type` list of several types (or only \"null\")",
                ));
            };
            let single = (*single).clone();
            if !self.v31 {
                self.notes.push(format!(
                    "3.1's `type` list at `{at}/type` read as OpenAPI 3.0"
                ));
            }
            object.insert("type".into(), single);
            if null {
                object.insert("nullable".into(), Value::Bool(true));
            }
        }
        if !self.v31 {
            return Ok(());
        }
        if let Some(keyword) = REFUSED.iter().find(|k| object.contains_key(**k)) {
            return Err(refuse(
                at,
                keyword,
                "a 3.1 keyword without an OpenAPI 3.0 form",
            ));
        }
        for keyword in DROPPED {
            object.remove(*keyword);
        }
        if matches!(object.get("examples"), Some(Value::Array(_))) {
            object.remove("examples");
        }
        if let Some(value) = object.remove("const") {
            object
                .entry("enum")
                .or_insert_with(|| Value::Array(vec![value]));
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(n @ Value::Number(_)) = object.get(exclusive).cloned() {
                object.insert(bound.into(), n);
                object.insert(exclusive.into(), Value::Bool(true));
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            null_branch(object, keyword);
        }
        Ok(())
    }

    /// Operations without `responses` and responses without `description`, filled in;
    /// parameters without a type refused.
    fn operations(&mut self, doc: &mut Value) -> Result<(), ParseError> {
        let mut at = String::from("/paths");
        if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in paths.iter_mut() {
                let Some(item) = item.as_object_mut() else {
                    continue;
                };
                let len = at.len();
                push_pointer_segment(&mut at, path);
                typed_parameters(item.get("parameters"), &at)?;
                for (method, op) in item.iter_mut() {
                    let Some(op) = op
                        .as_object_mut()
                        .filter(|_| METHODS.contains(&method.as_str()))
                    else {
                        continue;
                    };
                    let len = at.len();
                    push_pointer_segment(&mut at, method);
                    typed_parameters(op.get("parameters"), &at)?;
                    self.responses(op, &mut at);
                    at.truncate(len);
                }
                at.truncate(len);
            }
        }
        if let Some(parameters) = doc.pointer("/components/parameters") {
            let parameters = parameters.as_object().into_iter().flat_map(|p| p.iter());
            for (name, parameter) in parameters {
                let mut here = String::from("/components/parameters");
                push_pointer_segment(&mut here, name);
                typed_parameter(parameter, &here)?;
            }
        }
        if let Some(responses) = doc
            .pointer_mut("/components/responses")
            .and_then(Value::as_object_mut)
        {
            self.descriptions(responses, "/components/responses");
        }
        Ok(())
    }

    /// An operation (at `at`) without `responses`, or with responses without `description`.
    fn responses(&mut self, op: &mut Map<String, Value>, at: &mut String) {
        if !op.contains_key("responses") {
            self.notes
                .push(format!("`{at}` has no `responses`: read as none"));
            op.insert("responses".into(), Value::Object(Map::new()));
        }
        at.push_str("/responses");
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            self.descriptions(responses, at);
        }
    }

    /// `info` without `version`, OAuth flows without `scopes`: neither changes a generated
    /// item, so each is read as empty.
    fn document(&mut self, doc: &mut Value) {
        if let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) {
            if !info.contains_key("version") {
                self.notes
                    .push("`/info` has no `version`: read as empty".into());
                info.insert("version".into(), Value::String(String::new()));
            }
        }
        if let Some(links) = doc
            .pointer_mut("/components/links")
            .and_then(Value::as_object_mut)
        {
            self.links(links, "/components/links");
        }
        let Some(schemes) = doc
            .pointer_mut("/components/securitySchemes")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        for (name, scheme) in schemes.iter_mut() {
            let flows = scheme.get_mut("flows").and_then(Value::as_object_mut);
            for (flow, body) in flows.into_iter().flat_map(|f| f.iter_mut()) {
                let Some(body) = body.as_object_mut() else {
                    continue;
                };
                if !body.contains_key("scopes") {
                    let mut here = String::from("/components/securitySchemes");
                    push_pointer_segment(&mut here, name);
                    push_pointer_segment(&mut here, "flows");
                    push_pointer_segment(&mut here, flow);
                    self.notes
                        .push(format!("`{here}` has no `scopes`: read as none"));
                    body.insert("scopes".into(), Value::Object(Map::new()));
                }
            }
        }
    }

    /// Links that name no operation (neither `operationId` nor `operationRef`) left out: a
    /// 3.0 reader needs one, and nothing is generated for links.
    fn links(&mut self, links: &mut Map<String, Value>, at: &str) {
        links.retain(|name, link| {
            let names_one = ["operationId", "operationRef", "$ref"]
                .iter()
                .any(|k| link.get(*k).is_some());
            if !names_one {
                let mut here = at.to_owned();
                push_pointer_segment(&mut here, name);
                self.notes.push(format!(
                    "`{here}` names no operation: left out (nothing is generated for links)"
                ));
            }
            names_one
        });
    }

    fn descriptions(&mut self, responses: &mut Map<String, Value>, at: &str) {
        for (status, response) in responses.iter_mut() {
            let Some(response) = response.as_object_mut() else {
                continue;
            };
            let mut here = at.to_owned();
            push_pointer_segment(&mut here, status);
            if let Some(links) = response.get_mut("links").and_then(Value::as_object_mut) {
                let mut at = here.clone();
                push_pointer_segment(&mut at, "links");
                self.links(links, &at);
            }
            if response.contains_key("$ref") || response.contains_key("description") {
                continue;
            }
            self.notes
                .push(format!("`{here}` has no `description`: read as empty"));
            response.insert("description".into(), Value::String(String::new()));
        }
    }
}

/// A `{type: "null"}` branch of `oneOf`/`anyOf` taken out as `nullable`; a single branch
/// left becomes `allOf: [it]`, the 3.0 idiom for a nullable reference.
fn null_branch(object: &mut Map<String, Value>, keyword: &str) {
    let Some(Value::Array(branches)) = object.get_mut(keyword) else {
        return;
    };
    let before = branches.len();
    branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
    if branches.len() == before {
        return;
    }
    if branches.len() == 1 {
        let only = branches.pop().expect("one branch");
        object.remove(keyword);
        object.insert("allOf".into(), Value::Array(vec![only]));
    }
    object.insert("nullable".into(), Value::Bool(true));
}

/// Each parameter of a `parameters` list (of the object at `at`) has a type.
fn typed_parameters(list: Option<&Value>, at: &str) -> Result<(), ParseError> {
    let Some(Value::Array(list)) = list else {
        return Ok(());
    };
    for (i, parameter) in list.iter().enumerate() {
        let mut here = at.to_owned();
        push_pointer_segment(&mut here, "parameters");
        push_pointer_segment(&mut here, &i.to_string());
        typed_parameter(parameter, &here)?;
    }
    Ok(())
}

/// A parameter (at `at`) has a `schema` or a `content`, or is a `$ref`: without either its
/// type, and so the generated setter, is unknown.
fn typed_parameter(parameter: &Value, at: &str) -> Result<(), ParseError> {
    let Some(object) = parameter.as_object() else {
        return Ok(());
    };
    if ["$ref", "schema", "content"]
        .iter()
        .any(|k| object.contains_key(*k))
    {
        return Ok(());
    }
    let name = object.get("name").and_then(Value::as_str).unwrap_or("?");
    Err(ParseError::Unsupported(format!(
        "the parameter `{name}` at `{at}` has neither `schema` nor `content`: its type is unknown"
    )))
}

fn refuse(at: &str, keyword: &str, what: &str) -> ParseError {
    ParseError::Unsupported(format!("`{keyword}` at `{at}/{keyword}`: {what}"))
}
