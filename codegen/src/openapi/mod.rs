//! Requests → an OpenAPI 3.0.3 document.
//!
//! Requests are first put in a canonical order (path, method, name) and grouped by method and
//! path shape, so the document does not depend on how items are ordered in Postman. Each group
//! becomes one operation: parameters, request body, one response per saved status, security.
//! Body shapes go through `components` to become named, shared schemas.

mod components;
pub mod contract;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use crate::error::ConvertError;
use crate::infer::{JsonType, Shape};
use crate::naming::{self, Namer};
use crate::openapi_util::{is_json, object, path_shape};
use crate::postman::{Auth, Collection, KeyValue, Request, RequestBody, SavedResponse};
use crate::status::reason;
use crate::warning::{Code, Location, Warning};
use components::{Components, Context};
use contract::{Fields, Stated, Tables};

const METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

/// Request headers that a client sets itself or that carry credentials: not parameters.
const TRANSPORT_HEADERS: [&str; 14] = [
    "accept",
    "accept-encoding",
    "authorization",
    "cache-control",
    "connection",
    "content-length",
    "content-type",
    "cookie",
    "host",
    "origin",
    "postman-token",
    "referer",
    "user-agent",
    "x-requested-with",
];

/// Builds the document for a parsed collection, returning it as JSON together with warnings.
pub fn build(collection: Collection) -> Result<(Value, Vec<Warning>), ConvertError> {
    let mut warnings = collection.warnings.clone();
    let mut requests: Vec<Prepared> = Vec::with_capacity(collection.requests.len());
    for r in &collection.requests {
        requests.extend(prepare(r, &collection.variables, &mut warnings)?);
    }
    requests.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let mut parts = Parts::new(most_common_auth(&collection.requests), warnings);
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    // Canonical order: by path shape, then method.
    for group in operation_groups(requests).into_values() {
        let (method, op) = parts.operation(&group);
        paths
            .entry(group[0].path.clone())
            .or_default()
            .insert(method, Value::Object(op));
    }
    Ok(parts.document(&collection, paths))
}

/// One operation per method and path shape, keyed so that they come in canonical order.
fn operation_groups(requests: Vec<Prepared>) -> BTreeMap<(String, usize), Vec<Prepared>> {
    let mut groups: BTreeMap<(String, usize), Vec<Prepared>> = BTreeMap::new();
    for r in requests {
        groups
            .entry((r.path_shape.clone(), method_rank(&r.request.method)))
            .or_default()
            .push(r);
    }
    groups
}

/// What the operations of a document share while they are built: names handed out, shapes,
/// security schemes and servers registered, tags seen, warnings.
struct Parts {
    default_auth: Option<Auth>,
    schemes: SecuritySchemes,
    servers: Servers,
    components: Components,
    operation_ids: Namer,
    tags: BTreeSet<String>,
    warnings: Vec<Warning>,
}

impl Parts {
    fn new(default_auth: Option<Auth>, warnings: Vec<Warning>) -> Parts {
        let mut schemes = SecuritySchemes::default();
        // The document default is registered first, so it gets the first scheme name.
        if let Some(auth) = &default_auth {
            schemes.name_of(auth);
        }
        Parts {
            default_auth,
            schemes,
            servers: Servers::default(),
            components: Components::default(),
            operation_ids: Namer::default(),
            tags: BTreeSet::new(),
            warnings,
        }
    }

    /// The operation for one group of requests (same method and path shape), with its
    /// lower-case method.
    fn operation(&mut self, group: &[Prepared]) -> (String, Map<String, Value>) {
        let first = &group[0];
        let method = first.request.method.to_ascii_lowercase();
        let title = title(group);
        let id = naming::operation_id(title);
        let id = self.operation_ids.unique(&[
            id.clone(),
            format!("{id}_{method}"),
            format!("{method}_{}", naming::operation_id(&first.path)),
        ]);
        let mut op = Map::new();
        if let Some(tag) = tag_of(first.request) {
            self.tags.insert(tag.clone());
            op.insert("tags".into(), json!([tag]));
        }
        op.insert("summary".into(), json!(title));
        if let Some(d) = &first.request.description {
            op.insert("description".into(), json!(d));
        }
        op.insert("operationId".into(), json!(id));
        let entity = entity_name(&first.path);
        self.components.enter_scope(scope_name(&first.path));
        let parameters = parameters(group, &mut self.warnings);
        if !parameters.is_empty() {
            op.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some(body) = request_body(group, &id, &mut self.components, &mut self.warnings) {
            op.insert("requestBody".into(), body);
        }
        let responses = responses(
            group,
            &id,
            &entity,
            &mut self.components,
            &mut self.warnings,
        );
        op.insert("responses".into(), responses);
        let auth = first.request.auth.clone();
        if auth != self.default_auth {
            let security = match &auth {
                Some(a) => json!([{ self.schemes.name_of(a): scopes(a) }]),
                None => json!([]),
            };
            op.insert("security".into(), security);
        }
        let server = self.servers.add(&first.server);
        if server != 0 {
            op.insert("servers".into(), json!([self.servers.entry(server)]));
        }
        (method, op)
    }

    /// The document around `paths`: info, servers, tags, components, default security; and
    /// the warnings, sorted and without repeats.
    fn document(
        mut self,
        collection: &Collection,
        paths: BTreeMap<String, Map<String, Value>>,
    ) -> (Value, Vec<Warning>) {
        let paths: Map<String, Value> = paths
            .into_iter()
            .map(|(path, item)| (path, Value::Object(item)))
            .collect();
        let mut document = object([
            ("openapi", json!("3.0.3")),
            ("info", info(collection)),
            ("servers", self.servers.document_servers()),
            ("paths", Value::Object(paths)),
        ]);
        if !self.tags.is_empty() {
            document["tags"] = self.tags.iter().map(|t| json!({"name": t})).collect();
        }
        if let Some(groups) = tag_groups(&collection.requests, &self.tags) {
            document["x-tagGroups"] = groups;
        }
        let schemas = self.components.finish(&mut document);
        let mut comps = Map::new();
        if !schemas.is_empty() {
            comps.insert("schemas".into(), Value::Object(schemas));
        }
        if !self.schemes.is_empty() {
            comps.insert("securitySchemes".into(), self.schemes.to_json());
        }
        if !comps.is_empty() {
            document["components"] = Value::Object(comps);
        }
        if let Some(auth) = &self.default_auth {
            document["security"] = json!([{ self.schemes.name_of(auth): scopes(auth) }]);
        }
        self.warnings.sort();
        self.warnings.dedup();
        (document, self.warnings)
    }
}

/// The document's `info`: the collection's name, description and version (`1.0.0` if none).
fn info(collection: &Collection) -> Value {
    let mut info = Map::new();
    info.insert("title".into(), json!(collection.name));
    if let Some(d) = &collection.description {
        info.insert("description".into(), json!(d));
    }
    info.insert(
        "version".into(),
        json!(collection.version.clone().unwrap_or_else(|| "1.0.0".into())),
    );
    Value::Object(info)
}

/// A request with its URL resolved against the collection variables.
struct Prepared<'a> {
    request: &'a Request,
    /// OpenAPI path template, e.g. `/api/links/{id}/`.
    path: String,
    /// The template with parameter names erased, to group `:id` and `:linkId` together.
    path_shape: String,
    path_params: Vec<String>,
    server: String,
    /// The field tables of the request's description.
    tables: Tables,
}

impl Prepared<'_> {
    fn sort_key(&self) -> (&str, usize, &str, &[String]) {
        (
            &self.path_shape,
            method_rank(&self.request.method),
            &self.request.name,
            &self.request.folders,
        )
    }
}

fn method_rank(method: &str) -> usize {
    METHODS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(method))
        .unwrap_or(METHODS.len())
}

fn prepare<'a>(
    request: &'a Request,
    variables: &BTreeMap<String, String>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Prepared<'a>>, ConvertError> {
    if method_rank(&request.method) == METHODS.len() {
        warnings.push(Warning::new(
            Code::UnsupportedMethod,
            Location::Item(request.item_path()),
            format!(
                "method `{}` has no OpenAPI equivalent; skipped",
                request.method
            ),
        ));
        return Ok(None);
    }
    let url = &request.url;
    let resolve = |text: &str, field: String| {
        template(text, variables).map_err(|message| ConvertError::Item {
            item: request.item_path(),
            field,
            message,
        })
    };
    let mut server = resolve(&url.host, "request.url.host".into())?.0;
    if !url.protocol.is_empty() && !server.is_empty() {
        let protocol = resolve(&url.protocol, "request.url.protocol".into())?.0;
        server = format!("{protocol}://{server}");
    }
    if let Some(port) = &url.port {
        server = format!("{server}:{port}");
    }
    let (path, path_params) = path_of(request, &resolve, warnings)?;
    let path_shape = path_shape(&path);
    let tables = request
        .description
        .as_deref()
        .filter(|d| d.contains('|'))
        .map(contract::read_tables)
        .unwrap_or_default();
    Ok(Some(Prepared {
        request,
        path,
        path_shape,
        path_params,
        server,
        tables,
    }))
}

/// A request's path as an OpenAPI template, with its parameters in order of first use.
fn path_of(
    request: &Request,
    resolve: &impl Fn(&str, String) -> Result<(String, Vec<String>), ConvertError>,
    warnings: &mut Vec<Warning>,
) -> Result<(String, Vec<String>), ConvertError> {
    let url = &request.url;
    let mut segments = Vec::new();
    // Parameters in order of first use; the set keeps a path of many parameters linear.
    let mut path_params: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for (i, seg) in url.path.iter().enumerate() {
        let seg = match seg.strip_prefix(':').filter(|n| !n.is_empty()) {
            // Postman's `:name` is a variable whatever its characters, so it is named here,
            // not read again as a template (`:{}` would otherwise read as an empty `{{}}`).
            Some(name) if name.contains(['{', '}']) => format!("{{{}}}", parameter_name(name)),
            Some(name) => format!("{{{name}}}"),
            None => seg.clone(),
        };
        let (seg, names) = resolve(&seg, format!("request.url.path[{i}]"))?;
        for name in names {
            if seen.insert(name.clone()) {
                path_params.push(name);
            }
        }
        // A trailing empty segment is a trailing slash; others are doubled slashes, which
        // servers read as one, so the request may join another's operation: said.
        if !seg.is_empty() || i + 1 == url.path.len() {
            segments.push(seg);
        } else if i > 0 {
            warnings.push(Warning::new(
                Code::EmptyPathSegment,
                Location::Item(request.item_path()),
                format!(
                    "empty segment {} of the path dropped (a doubled `/`)",
                    i + 1
                ),
            ));
        }
    }
    let mut path = format!("/{}", segments.join("/"));
    if path.contains("//") {
        path = path.replace("//", "/");
    }
    Ok((path, path_params))
}

/// How many characters resolving `{{variables}}` may add to a URL part. Variables may name
/// each other, so without a bound a 1 MB collection (`a = {{a}}{{a}}…`) resolved into
/// gigabytes; no real URL comes near this.
const MAX_EXPANSION: usize = 64 * 1024;

/// Resolves `{{variables}}` with the collection's values (innermost first, so that
/// `{{a_{{b}}}}` works) and returns an OpenAPI template in which every unresolved variable,
/// and every `{name}` already there, is a `{parameter}`, with the parameters' names. An error
/// when resolving makes the text more than [`MAX_EXPANSION`] characters longer.
fn template(
    text: &str,
    variables: &BTreeMap<String, String>,
) -> Result<(String, Vec<String>), String> {
    let mut s = text.to_string();
    // A variable may name itself, or two each other; Postman stops such loops, and so do we.
    let mut budget = 64;
    while let Some(end) = s.find("}}").filter(|_| budget > 0) {
        budget -= 1;
        let Some(start) = s[..end].rfind("{{") else {
            break;
        };
        let name = s[start + 2..end].trim();
        let replacement = match variables.get(name) {
            Some(value) => value.trim_end_matches('/').to_string(),
            None => format!("{OPEN}{name}{CLOSE}"),
        };
        if s.len() - (end + 2 - start) + replacement.len() > text.len() + MAX_EXPANSION {
            return Err(format!(
                "resolving the variable `{{{{{name}}}}}` makes the text more than \
                 {MAX_EXPANSION} characters longer than written (variables that expand into \
                 each other?)"
            ));
        }
        s.replace_range(start..end + 2, &replacement);
    }
    Ok(parameters_of(&s))
}

/// The template of a text whose unresolved variables are marked `OPEN name CLOSE` (and
/// `{name}` already), with the parameters' names; see [`template`].
fn parameters_of(s: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut names = Vec::new();
    // The opening brace(s) as written and the name read since, while inside a parameter, and
    // how many braces opened inside it (`{{a_{{b}}}}` unresolved), which close with it.
    let mut current: Option<(&str, String)> = None;
    let mut nested = 0;
    // The text since the parameter opened, as a path would hold it if it never closes.
    let mut since_open = String::new();
    for c in s.chars() {
        if current.is_some() {
            since_open.push_str(match c {
                OPEN => LITERAL_OPEN2,
                CLOSE => LITERAL_CLOSE2,
                '{' => LITERAL_OPEN,
                '}' => LITERAL_CLOSE,
                _ => "",
            });
            if !matches!(c, OPEN | CLOSE | '{' | '}') {
                since_open.push(c);
            }
        }
        match (c, current.as_mut()) {
            (CLOSE | '}', Some(_)) if nested > 0 => nested -= 1,
            (OPEN, None) => {
                current = Some((LITERAL_OPEN2, String::new()));
                since_open = LITERAL_OPEN2.to_owned();
            }
            ('{', None) => {
                current = Some((LITERAL_OPEN, String::new()));
                since_open = LITERAL_OPEN.to_owned();
            }
            (CLOSE | '}', Some((open, raw))) => {
                let name = parameter_name(raw);
                if name.is_empty() {
                    // `{}` and `{{}}` name nothing: they stay in the path as the encoded text
                    // a client sends, so the request keeps a path of its own.
                    out.push_str(open);
                    out.push_str(if c == CLOSE {
                        LITERAL_CLOSE2
                    } else {
                        LITERAL_CLOSE
                    });
                } else {
                    out.push('{');
                    out.push_str(&name);
                    out.push('}');
                    names.push(name);
                }
                current = None;
            }
            (OPEN | '{', Some(_)) => nested += 1,
            (_, Some((_, raw))) => raw.push(c),
            (CLOSE, None) => out.push_str(LITERAL_CLOSE2),
            ('}', None) => out.push_str(LITERAL_CLOSE),
            (_, None) => out.push(c),
        }
    }
    if current.is_some() {
        // An unclosed brace is text, not a parameter.
        out.push_str(&since_open);
    }
    (out, names)
}

/// Marks of an unresolved `{{variable}}` between [`template`]'s two passes: characters no
/// URL holds.
const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

/// Braces that open or close no parameter, as a client percent-encodes them in a path: a
/// template may not hold them bare, and dropping them would merge distinct paths.
const LITERAL_OPEN: &str = "%7B";
const LITERAL_CLOSE: &str = "%7D";
const LITERAL_OPEN2: &str = "%7B%7B";
const LITERAL_CLOSE2: &str = "%7D%7D";

/// A parameter name OpenAPI tools accept in a template: letters and digits of any script
/// (`用户id`), `_`, `-` and `.` are kept, white space is dropped, and any other character
/// (`🦀`, `/`, `:`) is written as its code point between underscores (`_1f980_`), so that no
/// variable loses its name and distinct names stay distinct.
fn parameter_name(raw: &str) -> String {
    let mut name = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
            name.push(c);
        } else if !c.is_whitespace() {
            name.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    name
}

/// The tag of a request: its innermost folder that is not a path parameter (`{id}`, `:id`).
fn tag_of(request: &Request) -> Option<String> {
    request
        .folders
        .iter()
        .rev()
        .find(|f| !is_parameter_folder(f))
        .cloned()
}

/// The folders that hold tag folders, as Redocly's `x-tagGroups` (`[{name, tags}]`): a
/// top-level folder with the tags found under it, both sorted by name, since Postman's order
/// must not reach the document (shuffled items give the same spec). A tag seen under two
/// top-level folders belongs to the first by name, so that each operation has one group (the
/// client stage makes each group a Cargo feature). `None` when no tag folder is nested in
/// another, so a flat collection's document has no such key.
fn tag_groups(requests: &[Request], tags: &BTreeSet<String>) -> Option<Value> {
    let mut tops: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut nested = false;
    for request in requests {
        let Some(tag) = tag_of(request) else { continue };
        let Some(tag) = tags.get(&tag) else { continue };
        let top = request.folders.iter().find(|f| !is_parameter_folder(f));
        let Some(top) = top else { continue };
        nested |= top != tag;
        tops.entry(tag).or_default().insert(top);
    }
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (tag, top) in tops {
        if let Some(first) = top.first() {
            groups.entry(first).or_default().push(tag);
        }
    }
    nested.then(|| {
        groups
            .into_iter()
            .map(|(name, tags)| json!({"name": name, "tags": tags}))
            .collect()
    })
}

/// A folder named like a path parameter (`{id}`, `:id`): never a tag or a group.
fn is_parameter_folder(folder: &str) -> bool {
    folder.starts_with('{') || folder.starts_with(':')
}

/// The resource a path is about: its last literal segment (`/api/balances/{id}/` → balances).
fn entity_name(path: &str) -> String {
    path.split('/')
        .rfind(|s| !s.is_empty() && !s.contains('{'))
        .unwrap_or("root")
        .to_string()
}

/// The literal segments before the resource, which tell same-named resources of different
/// products apart (`/payments/br/transactions/{id}/` → `payments/br`; `/transactions/` → ``).
fn scope_name(path: &str) -> String {
    let literal: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.contains('{'))
        .collect();
    literal[..literal.len().saturating_sub(1)].join("/")
}

fn parameters(group: &[Prepared], warnings: &mut Vec<Warning>) -> Vec<Value> {
    let mut out = path_parameters(&group[0]);
    // Query parameters and headers: union over the group, every one optional, since a
    // Postman example cannot show that a parameter is mandatory.
    for (location, lists) in [
        (
            "query",
            group
                .iter()
                .map(|r| &r.request.url.query)
                .collect::<Vec<_>>(),
        ),
        ("header", group.iter().map(|r| &r.request.headers).collect()),
    ] {
        let seen = union_of_lists(location, &lists, group[0].request);
        out.extend(optional_parameters(location, seen, &group[0], warnings));
    }
    out
}

/// The path parameters of `first`'s template, typed by the value of the URL variable that
/// declares each (a string when none does).
fn path_parameters(first: &Prepared) -> Vec<Value> {
    let mut out = Vec::new();
    // Declared path variables by the name their `:name` becomes (the first of a name wins);
    // a map, since a URL may have many.
    let mut declared_by_name: HashMap<String, &KeyValue> = HashMap::new();
    for v in &first.request.url.variables {
        declared_by_name.entry(parameter_name(&v.key)).or_insert(v);
    }
    for name in &first.path_params {
        let declared = declared_by_name.get(name).copied();
        let shape = declared
            .and_then(|v| v.value.as_deref())
            .filter(|v| !v.is_empty() && !v.starts_with("{{"))
            .map(Shape::from_text)
            .unwrap_or_else(|| {
                Shape::of(JsonType::String {
                    format: Default::default(),
                })
            });
        let mut param = json!({
            "name": name,
            "in": "path",
            "required": true,
            "schema": scalar_schema(&shape),
        });
        let own = Stated::of_entry(declared.and_then(|v| v.description.as_deref()), false);
        let stated = contract::parameter(&first.tables, name, own);
        if let Some(d) = stated.description {
            param["description"] = json!(d);
        }
        out.push(param);
    }
    out
}

/// Each key of `lists` (headers case-insensitively, transport headers left out) with every
/// entry that has it and the most times one list repeats it.
fn union_of_lists<'a>(
    location: &str,
    lists: &[&'a Vec<KeyValue>],
    request: &Request,
) -> IndexMap<String, (Vec<&'a KeyValue>, usize)> {
    let mut seen: IndexMap<String, (Vec<&KeyValue>, usize)> = IndexMap::new();
    for list in lists {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for kv in list.iter() {
            let key = kv.key.trim();
            if key.is_empty() {
                continue;
            }
            if location == "header" && is_transport_header(key, request) {
                continue;
            }
            let norm = if location == "header" {
                key.to_ascii_lowercase()
            } else {
                key.to_string()
            };
            *counts.entry(norm.clone()).or_default() += 1;
            let entry = seen.entry(norm).or_insert_with(|| (Vec::new(), 0));
            entry.0.push(kv);
        }
        for (k, n) in counts {
            let e = seen.get_mut(&k).expect("counted keys were inserted");
            e.1 = e.1.max(n);
        }
    }
    seen
}

/// One parameter per key seen at `location`: an array when a request repeats it, its example
/// a value of the schema's type; required and restricted to a list of values only where the
/// collection states it; a key with a variable in it is skipped.
fn optional_parameters(
    location: &str,
    seen: IndexMap<String, (Vec<&KeyValue>, usize)>,
    first: &Prepared,
    warnings: &mut Vec<Warning>,
) -> Vec<Value> {
    let request = first.request;
    let mut out = Vec::new();
    for (_, (values, repeats)) in seen {
        let name = values[0].key.trim();
        if name.contains("{{") {
            warnings.push(Warning::new(
                Code::VariableParameterName,
                Location::Item(request.item_path()),
                format!("{location} parameter `{name}` has a variable name; skipped"),
            ));
            continue;
        }
        let shape = values
            .iter()
            .filter_map(|kv| kv.value.as_deref())
            .filter(|v| !v.is_empty() && !v.contains("{{"))
            .map(Shape::from_text)
            .reduce(Shape::merge)
            .unwrap_or_else(|| {
                Shape::of(JsonType::String {
                    format: Default::default(),
                })
            });
        let mut schema = scalar_schema(&shape);
        if repeats > 1 {
            schema = object([("type", json!("array")), ("items", schema)]);
        }
        let stated = parameter_statement(&values, first, location, warnings);
        let mut param = json!({"name": name, "in": location});
        if let Some(d) = &stated.description {
            param["description"] = json!(d);
        }
        param["required"] = json!(stated.required == Some(true));
        if !stated.values.is_empty() {
            let values: Vec<&str> = stated.values.iter().map(String::as_str).collect();
            components::restrict(&mut schema, &values);
        }
        let example = values
            .iter()
            .find_map(|kv| kv.value.as_deref())
            .filter(|e| !e.is_empty() && !e.starts_with('<') && !e.contains("{{"))
            .and_then(|text| example_of(text, &schema))
            .filter(|e| fits_enum(e, &schema));
        param["schema"] = schema;
        if let Some(example) = example {
            param["example"] = example;
        }
        out.push(param);
    }
    out
}

/// What the collection states about one parameter: the first description of its entries, a
/// table row of the request's description; optional if any entry is disabled (a
/// `(Required)` on a disabled entry is warned about, and not kept: it would block a call the
/// collection itself makes without it).
fn parameter_statement(
    entries: &[&KeyValue],
    first: &Prepared,
    location: &str,
    warnings: &mut Vec<Warning>,
) -> Stated {
    let name = entries[0].key.trim();
    let description = entries.iter().find_map(|kv| kv.description.as_deref());
    let own = Stated::of_entry(description, false);
    let mut stated = contract::parameter(&first.tables, name, own);
    if entries.iter().any(|kv| kv.disabled) {
        if stated.required == Some(true) {
            warnings.push(Warning::new(
                Code::ContractContradictsExample,
                Location::Item(first.request.item_path()),
                format!("{location} parameter `{name}` is stated required but disabled; optional"),
            ));
        }
        stated.required = Some(false);
    }
    let mut concrete = entries
        .iter()
        .filter_map(|kv| kv.value.as_deref())
        .filter(|v| !v.is_empty() && !v.starts_with('<') && !v.contains("{{"));
    if let Some(outside) =
        concrete.find(|v| !stated.values.is_empty() && !stated.values.iter().any(|s| s == v))
    {
        warnings.push(Warning::new(
            Code::ContractContradictsExample,
            Location::Item(first.request.item_path()),
            format!(
                "{location} parameter `{name}`: the example's `{outside}` is not one of the \
                 stated values ({}); left open",
                stated.values.join(", ")
            ),
        ));
        stated.values.clear();
    }
    stated
}

/// Whether an example is one of its schema's (or its items') `enum` values, if it has one.
fn fits_enum(example: &Value, schema: &Value) -> bool {
    match (example, schema.get("enum").and_then(Value::as_array)) {
        (Value::Array(items), _) => {
            let inner = schema.get("items").unwrap_or(&Value::Null);
            items.iter().all(|i| fits_enum(i, inner))
        }
        (_, Some(values)) => values.contains(example),
        (_, None) => true,
    }
}

/// A parameter's example text as a value of its schema's type (`100` for an integer, not
/// `'100'`), or `None` when the text is not one, so that no example contradicts its schema.
fn example_of(text: &str, schema: &Value) -> Option<Value> {
    let trimmed = text.trim();
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => trimmed
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| trimmed.parse::<u64>().map(Value::from))
            .ok(),
        Some("number") => serde_json::from_str::<serde_json::Number>(trimmed)
            .ok()
            .map(Value::Number),
        Some("boolean") => trimmed.parse::<bool>().ok().map(Value::Bool),
        Some("array") => Some(Value::Array(vec![example_of(text, schema.get("items")?)?])),
        _ => Some(Value::String(text.to_owned())),
    }
}

fn is_transport_header(key: &str, request: &Request) -> bool {
    let lower = key.to_ascii_lowercase();
    TRANSPORT_HEADERS.contains(&lower.as_str())
        || matches!(&request.auth, Some(Auth::ApiKey { name, in_query: false }) if name.eq_ignore_ascii_case(key))
}

/// Schema of a scalar parameter; objects never occur here, so no components are involved.
fn scalar_schema(shape: &Shape) -> Value {
    components::scalar_schema(&shape.kind).unwrap_or_else(|| json!({"type": "string"}))
}

fn content_type_of(headers: &[KeyValue]) -> Option<String> {
    headers
        .iter()
        .filter(|h| !h.disabled)
        .find(|h| h.key.eq_ignore_ascii_case("content-type"))
        .and_then(|h| h.value.as_deref())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
        .filter(|v| v.contains('/') && !v.contains("{{"))
}

fn media_type_for(language: Option<&str>, text: &str) -> String {
    match language {
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("html") => "text/html",
        Some("javascript") => "application/javascript",
        Some("text") if parse_json(text).is_none() => "text/plain",
        _ if parse_json(text).is_some() => "application/json",
        _ if text.trim_start().starts_with('<') => "application/xml",
        _ => "text/plain",
    }
    .to_string()
}

/// Parses a JSON example, tolerating the `{{variable}}` tokens Postman users leave unquoted.
fn parse_json(text: &str) -> Option<Value> {
    if let Some(v) = parse_deep(text) {
        return Some(v);
    }
    if !text.contains("{{") {
        return None;
    }
    let mut quoted = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with("{{") {
            if let Some(end) = rest.find("}}") {
                quoted.push('"');
                quoted.push_str(&rest[..end + 2]);
                quoted.push('"');
                rest = &rest[end + 2..];
                continue;
            }
        }
        match c {
            '"' if !escaped => in_string = !in_string,
            _ => {}
        }
        escaped = c == '\\' && !escaped;
        quoted.push(c);
        rest = &rest[c.len_utf8()..];
    }
    parse_deep(&quoted)
}

/// Where a body nested deeper than serde_json reads (128 levels) is cut: below it every
/// subtree is `null`. Deeper than the shapes look ([`crate::infer::MAX_DEPTH`]) and than
/// examples are kept ([`MAX_EXAMPLE_DEPTH`]), so the cut changes neither schema nor example:
/// such a body gets the same schema and warning as one just within the parser's limit,
/// instead of being taken for text.
const CUT_DEPTH: usize = 100;
const _: () = assert!(crate::infer::MAX_DEPTH < CUT_DEPTH && MAX_EXAMPLE_DEPTH < CUT_DEPTH);

/// `serde_json::from_str`, reading a document nested past the parser's limit with its deepest
/// part cut at [`CUT_DEPTH`].
fn parse_deep(text: &str) -> Option<Value> {
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            serde_json::from_str(&cut_deep(text, CUT_DEPTH)).ok()
        }
        Err(_) => None,
    }
}

/// The JSON text with every array or object that opens deeper than `max` levels replaced by
/// `null`, in one pass. Only whole subtrees between ASCII brackets go, so the text stays UTF-8;
/// text that is not JSON stays not JSON.
fn cut_deep(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    // Depth inside the subtree being skipped, when one is.
    let mut skipping = 0usize;
    let mut kept_from = 0;
    for (at, byte) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' if skipping > 0 => skipping += 1,
            b']' | b'}' if skipping > 0 => {
                skipping -= 1;
                if skipping == 0 {
                    kept_from = at + 1;
                }
            }
            b'[' | b'{' if depth == max => {
                out.push_str(&text[kept_from..at]);
                out.push_str("null");
                skipping = 1;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if skipping == 0 {
        out.push_str(&text[kept_from..]);
    }
    out
}

fn request_body(
    group: &[Prepared],
    operation_id: &str,
    components: &mut Components,
    warnings: &mut Vec<Warning>,
) -> Option<Value> {
    let mut media: BTreeMap<String, Vec<Body>> = BTreeMap::new();
    for r in group {
        let Some(body) = &r.request.body else {
            continue;
        };
        let (media_type, shape, example, fixed) = body_media(r.request, body, warnings);
        let mut fields = contract::body_fields(&r.tables, &entry_statements(body));
        if let Some(example) = example.as_ref().filter(|_| !fields.is_empty()) {
            contract::check_example(&mut fields, example, &r.request.item_path(), warnings);
        }
        let name = r.request.name.as_str();
        let body = Body {
            name,
            shape,
            example,
            fixed,
            fields,
        };
        media.entry(media_type).or_default().push(body);
    }
    if media.is_empty() {
        return None;
    }
    let body_name = format!("{}Body", naming::type_name(operation_id));
    let mut content = Map::new();
    for (media_type, bodies) in media {
        let example = bodies.iter().find_map(|b| b.example.clone());
        let schema = match stated_apart(&bodies) {
            true => alternatives(bodies, &body_name, components),
            false => merged(bodies, &body_name, components),
        };
        let mut m = object([("schema", schema)]);
        match example {
            Some(example) if depth(&example) > MAX_EXAMPLE_DEPTH => warnings.push(Warning::new(
                Code::ExampleTooDeep,
                Location::Item(group[0].request.item_path()),
                format!(
                    "request body nests deeper than {MAX_EXAMPLE_DEPTH} levels; its example \
                     is left out"
                ),
            )),
            Some(example) => m["example"] = example,
            None => {}
        }
        content.insert(media_type, m);
    }
    Some(object([
        ("required", Value::Bool(true)),
        ("content", Value::Object(content)),
    ]))
}

/// One request's body of one media type: its shape (or fixed schema), example, and what its
/// request states about its fields.
struct Body<'a> {
    name: &'a str,
    shape: Option<Shape>,
    example: Option<Value>,
    fixed: Value,
    fields: Fields,
}

/// Whether the requests of one operation state different required fields for their bodies
/// (Belvo's monthly and yearly tax returns): then each is an alternative of a `oneOf`, since
/// one merged body could require neither set without blocking the other's calls.
fn stated_apart(bodies: &[Body]) -> bool {
    let required = |b: &Body| -> BTreeSet<String> {
        let fields = b.fields.iter();
        let required = fields.filter(|(_, s)| s.required == Some(true));
        required.map(|(path, _)| path.clone()).collect()
    };
    let typed: Vec<BTreeSet<String>> = bodies
        .iter()
        .filter(|b| b.shape.is_some())
        .map(required)
        .collect();
    typed.len() > 1 && typed.iter().any(|r| !r.is_empty()) && typed.windows(2).any(|w| w[0] != w[1])
}

/// The bodies as one schema: shapes merged, statements kept where every request makes them.
fn merged(bodies: Vec<Body>, body_name: &str, components: &mut Components) -> Value {
    let mut shape: Option<Shape> = None;
    let mut fields: Option<Fields> = None;
    let fixed = bodies[0].fixed.clone();
    for b in bodies {
        fields = Some(match fields {
            None => b.fields,
            Some(f) => contract::both(f, &b.fields),
        });
        if let Some(s) = b.shape {
            shape = Some(match shape {
                Some(existing) => existing.merge(s),
                None => s,
            });
        }
    }
    match shape {
        Some(shape) => {
            let context =
                Context::named(vec![body_name.to_string()]).stating(fields.unwrap_or_default());
            components.schema(&shape, &context)
        }
        None => fixed,
    }
}

/// Each body its own component, named by what its request's title adds in parentheses
/// (`Create a bank account (Brazil, OFPI)` → `…BodyBrazilOfpi`), in a `oneOf`.
fn alternatives(bodies: Vec<Body>, body_name: &str, components: &mut Components) -> Value {
    let alternatives = bodies
        .into_iter()
        .filter_map(|b| {
            let shape = b.shape?;
            let variant = naming::type_name(qualifier(b.name).unwrap_or(b.name));
            let context = Context::named(vec![format!("{body_name}{variant}")]).stating(b.fields);
            Some(components.schema(&shape, &context))
        })
        .collect();
    object([("oneOf", Value::Array(alternatives))])
}

/// What a title adds in trailing parentheses: `Brazil, OFPI` of `Create a bank account
/// (Brazil, OFPI)`.
fn qualifier(title: &str) -> Option<&str> {
    let inner = title.trim_end().strip_suffix(')')?;
    let open = inner.rfind(" (")?;
    Some(&inner[open + 2..]).filter(|q| !q.trim().is_empty())
}

/// The title of an operation: the requests' shared title when they differ only in a
/// parenthesised qualifier (alternatives of one body), else the first request's.
fn title<'a>(group: &[Prepared<'a>]) -> &'a str {
    let first = group[0].request.name.as_str();
    let base = |name: &'a str| match qualifier(name) {
        Some(q) => name.trim_end()[..name.trim_end().len() - q.len() - 3].trim_end(),
        None => name,
    };
    let shared = base(first);
    let same = group.iter().all(|r| base(&r.request.name) == shared);
    if group.len() > 1 && same {
        shared
    } else {
        first
    }
}

/// A GraphQL body as the JSON it is sent as: `{query, variables}`, the variables `{}` when
/// there are none or (with a warning) when they are not JSON.
fn graphql_example(
    request: &Request,
    query: &str,
    variables: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Value {
    let text = variables.map(str::trim).filter(|v| !v.is_empty());
    let variables = match text.map(|text| (text, parse_json(text))) {
        None => json!({}),
        Some((_, Some(variables))) => variables,
        Some((text, None)) => {
            warnings.push(Warning::new(
                Code::GraphqlVariablesNotJson,
                Location::Item(request.item_path()),
                format!(
                    "GraphQL variables are not valid JSON ({} bytes); the example has `{{}}`",
                    text.len()
                ),
            ));
            json!({})
        }
    };
    object([("query", json!(query)), ("variables", variables)])
}

/// One request's body: its media type, a shape to merge with the other requests' (JSON,
/// forms) or else a fixed schema, and its example.
fn body_media(
    request: &Request,
    body: &RequestBody,
    warnings: &mut Vec<Warning>,
) -> (String, Option<Shape>, Option<Value>, Value) {
    let declared = content_type_of(&request.headers);
    match body {
        RequestBody::Raw { text, language } => {
            let media_type = declared
                .clone()
                .unwrap_or_else(|| media_type_for(language.as_deref(), text));
            if is_json(&media_type) {
                match parse_json(text) {
                    Some(v) => {
                        warn_if_cut(&v, request, "request body", warnings);
                        (
                            media_type,
                            Some(Shape::from_example(&v)),
                            Some(v),
                            Value::Null,
                        )
                    }
                    None => {
                        warnings.push(Warning::new(
                            Code::BodyNotJson,
                            Location::Item(request.item_path()),
                            "request body is not valid JSON; typed as any value",
                        ));
                        (media_type, None, None, json!({}))
                    }
                }
            } else {
                (
                    media_type,
                    None,
                    Some(json!(text)),
                    json!({"type": "string"}),
                )
            }
        }
        RequestBody::UrlEncoded(fields) => (
            "application/x-www-form-urlencoded".into(),
            Some(form_shape(fields, false)),
            None,
            Value::Null,
        ),
        RequestBody::FormData(fields) => (
            "multipart/form-data".into(),
            Some(form_shape(fields, true)),
            None,
            Value::Null,
        ),
        RequestBody::GraphQl { query, variables } => {
            let example = graphql_example(request, query, variables.as_deref(), warnings);
            warn_if_cut(&example, request, "GraphQL body", warnings);
            (
                "application/json".into(),
                Some(Shape::from_example(&example)),
                Some(example),
                Value::Null,
            )
        }
        RequestBody::File => (
            declared
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
            None,
            None,
            json!({"type": "string", "format": "binary"}),
        ),
    }
}

/// What a form's own fields state (their descriptions and `disabled` flags), by field name.
fn entry_statements(body: &RequestBody) -> Fields {
    let (RequestBody::UrlEncoded(entries) | RequestBody::FormData(entries)) = body else {
        return Fields::new();
    };
    entries
        .iter()
        .filter(|kv| !kv.key.trim().is_empty())
        .map(|kv| {
            let stated = Stated::of_entry(kv.description.as_deref(), kv.disabled);
            (kv.key.trim().to_string(), stated)
        })
        .filter(|(_, stated)| *stated != Stated::default())
        .collect()
}

/// A form's fields as an object shape; `file` fields of multipart forms are binary strings.
fn form_shape(fields: &[KeyValue], multipart: bool) -> Shape {
    let mut props = crate::infer::Properties::default();
    for f in fields.iter().filter(|f| !f.key.trim().is_empty()) {
        let shape = if multipart && f.kind.as_deref() == Some("file") {
            Shape::of(JsonType::String {
                format: crate::infer::Format::Known("binary"),
            })
        } else {
            f.value
                .as_deref()
                .filter(|v| !v.is_empty() && !v.contains("{{"))
                .map(Shape::from_text)
                .unwrap_or_else(|| {
                    Shape::of(JsonType::String {
                        format: Default::default(),
                    })
                })
        };
        let merged = match props.shift_remove(f.key.trim()) {
            Some(existing) => Shape::merge(existing, shape),
            None => shape,
        };
        props.insert(f.key.trim().to_string(), merged);
    }
    Shape::of(JsonType::Object(props))
}

/// Examples nested deeper than this are left out: the spec puts them about ten levels down,
/// and YAML readers stop at 128.
const MAX_EXAMPLE_DEPTH: usize = 64;

/// Warns when `example` nests deeper than inference looks: below
/// [`crate::infer::MAX_DEPTH`] levels its schema is any JSON.
fn warn_if_cut(example: &Value, request: &Request, what: &str, warnings: &mut Vec<Warning>) {
    if depth(example) > crate::infer::MAX_DEPTH {
        warnings.push(shape_cut(request, what));
    }
}

fn shape_cut(request: &Request, what: &str) -> Warning {
    Warning::new(
        Code::ShapeTooDeep,
        Location::Item(request.item_path()),
        format!(
            "{what} nests deeper than {} levels; below that its schema is any JSON",
            crate::infer::MAX_DEPTH
        ),
    )
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn responses(
    group: &[Prepared],
    operation_id: &str,
    entity: &str,
    components: &mut Components,
    warnings: &mut Vec<Warning>,
) -> Value {
    let mut saved: Vec<&SavedResponse> = group.iter().flat_map(|r| &r.request.responses).collect();
    // Canonical order, so reordering saved responses in Postman changes nothing.
    saved.sort_by(|a, b| (a.code, &a.name, &a.body).cmp(&(b.code, &b.name, &b.body)));
    let mut by_code: BTreeMap<u16, Vec<&SavedResponse>> = BTreeMap::new();
    for r in saved {
        by_code.entry(r.code).or_default().push(r);
    }
    if by_code.is_empty() {
        return json!({"default": {"description": "No response was saved in the collection"}});
    }
    let mut out = Map::new();
    for (code, list) in by_code {
        let media = saved_media(&list, group[0].request, warnings);
        let mut response = json!({ "description": reason(code) });
        if !media.is_empty() {
            let mut content = Map::new();
            for (media_type, (shape, examples)) in media {
                let schema = match shape {
                    Some(shape) => {
                        let context =
                            response_context(&shape, code, operation_id, entity, &list[0].name)
                                .stating(documented(group, code));
                        components.schema(&shape, &context)
                    }
                    None if is_json(&media_type) => json!({}),
                    None => json!({"type": "string"}),
                };
                content.insert(
                    media_type,
                    object([("schema", schema), ("examples", Value::Object(examples))]),
                );
            }
            response["content"] = Value::Object(content);
        }
        out.insert(code.to_string(), response);
    }
    Value::Object(out)
}

/// The descriptions the group's field tables give to the fields of a `code` response: only
/// descriptions, since a response that breaks a stated list or omits a stated field must
/// still decode.
fn documented(group: &[Prepared], code: u16) -> Fields {
    let Some(first) = group.iter().find(|r| !r.tables.responses.is_empty()) else {
        return Fields::new();
    };
    let mut fields = first.tables.response(code);
    for stated in fields.values_mut() {
        *stated = Stated {
            description: stated.description.take(),
            ..Stated::default()
        };
    }
    fields
}

/// The saved responses of one status by media type: the merged shape of their JSON bodies
/// and each as a named example (one nested too deeply is left out, with a warning).
fn saved_media(
    list: &[&SavedResponse],
    request: &Request,
    warnings: &mut Vec<Warning>,
) -> BTreeMap<String, (Option<Shape>, Map<String, Value>)> {
    let mut media: BTreeMap<String, (Option<Shape>, Map<String, Value>)> = BTreeMap::new();
    let mut example_names = Namer::default();
    for r in list {
        let Some(body) = &r.body else { continue };
        let media_type = content_type_of(&r.headers)
            .unwrap_or_else(|| media_type_for(r.preview_language.as_deref(), body));
        let entry = media.entry(media_type.clone()).or_default();
        let key = example_names.unique(&[naming::operation_id(&r.name)]);
        let value = if is_json(&media_type) {
            match parse_json(body) {
                Some(v) => {
                    let shape = Shape::from_example(&v);
                    entry.0 = Some(match entry.0.take() {
                        Some(existing) => existing.merge(shape),
                        None => shape,
                    });
                    v
                }
                None => {
                    // A JSON body serde cannot read (a number beyond f64, a lone surrogate)
                    // is kept as text and types the body as any value: said, as for requests.
                    warnings.push(Warning::new(
                        Code::BodyNotJson,
                        Location::Item(request.item_path()),
                        format!(
                            "saved response `{}` is not valid JSON; typed as any value",
                            r.name
                        ),
                    ));
                    json!(body)
                }
            }
        } else {
            json!(body)
        };
        let nesting = depth(&value);
        if nesting > crate::infer::MAX_DEPTH {
            warnings.push(shape_cut(request, &format!("saved response `{}`", r.name)));
        }
        if nesting > MAX_EXAMPLE_DEPTH {
            warnings.push(Warning::new(
                Code::ExampleTooDeep,
                Location::Item(request.item_path()),
                format!(
                    "saved response `{}` nests deeper than {MAX_EXAMPLE_DEPTH} levels; \
                     its example is left out",
                    r.name
                ),
            ));
            continue;
        }
        entry
            .1
            .insert(key, object([("summary", json!(r.name)), ("value", value)]));
    }
    media
}

/// Names for a response body: the entity for successes (`Balance`, `BalancesPage` for a
/// paginated list), `Error` for failures, with fallbacks from the operation and status.
fn response_context(
    shape: &Shape,
    code: u16,
    operation_id: &str,
    entity: &str,
    response_name: &str,
) -> Context {
    if code >= 400 {
        return Context::named(vec![
            "Error".to_string(),
            naming::type_name(response_name),
            format!("{}Error", naming::type_name(reason(code))),
        ]);
    }
    let op = naming::type_name(operation_id);
    let item = naming::type_name(&naming::singular(entity));
    if is_page(shape) {
        return Context {
            names: vec![
                format!("{}Page", naming::type_name(entity)),
                format!("{op}Response"),
            ],
            results: Some(vec![item, format!("{op}Result")]),
            fields: Default::default(),
        };
    }
    Context::named(vec![item, format!("{op}Response")])
}

/// A page of a paginated list: an object with a `results` array (Django REST framework's
/// `{count, next, previous, results}`, which Belvo uses).
fn is_page(shape: &Shape) -> bool {
    match &shape.kind {
        JsonType::Object(props) => props
            .get("results")
            .is_some_and(|r| matches!(r.kind, JsonType::Array(_))),
        _ => false,
    }
}

/// The auth most requests use becomes the document default; others override per operation.
fn most_common_auth(requests: &[Request]) -> Option<Auth> {
    let mut counts: BTreeMap<Option<&Auth>, usize> = BTreeMap::new();
    for r in requests {
        *counts.entry(r.auth.as_ref()).or_default() += 1;
    }
    let best = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .and_then(|(a, _)| a.cloned())
}

fn scopes(auth: &Auth) -> Value {
    match auth {
        Auth::OAuth2 { scopes, .. } => json!(scopes),
        _ => json!([]),
    }
}

/// Security schemes by auth, named `basicAuth`, `bearerAuth`, `apiKeyAuth`, … and numbered
/// when two differ (two API keys in different headers).
#[derive(Default)]
struct SecuritySchemes {
    names: BTreeMap<Auth, String>,
    namer: Namer,
}

impl SecuritySchemes {
    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn name_of(&mut self, auth: &Auth) -> String {
        if let Some(n) = self.names.get(auth) {
            return n.clone();
        }
        let base = match auth {
            Auth::Basic => "basicAuth",
            Auth::Bearer => "bearerAuth",
            Auth::Digest => "digestAuth",
            Auth::ApiKey { .. } => "apiKeyAuth",
            Auth::OAuth2 { .. } => "oauth2",
        };
        let name = self.namer.unique(&[base.to_string()]);
        self.names.insert(auth.clone(), name.clone());
        name
    }

    fn to_json(&self) -> Value {
        let mut out: BTreeMap<&str, Value> = BTreeMap::new();
        for (auth, name) in &self.names {
            let scheme = match auth {
                Auth::Basic => json!({"type": "http", "scheme": "basic"}),
                Auth::Bearer => json!({"type": "http", "scheme": "bearer"}),
                Auth::Digest => json!({"type": "http", "scheme": "digest"}),
                Auth::ApiKey { name, in_query } => json!({
                    "type": "apiKey",
                    "in": if *in_query { "query" } else { "header" },
                    "name": name,
                }),
                Auth::OAuth2 {
                    grant,
                    auth_url,
                    token_url,
                    scopes,
                } => {
                    let scopes: Map<String, Value> =
                        scopes.iter().map(|s| (s.clone(), json!(""))).collect();
                    let auth_url = auth_url
                        .clone()
                        .unwrap_or_else(|| "/oauth/authorize".into());
                    let token_url = token_url.clone().unwrap_or_else(|| "/oauth/token".into());
                    let flow = match grant.as_str() {
                        "client_credentials" => {
                            json!({"clientCredentials": {"tokenUrl": token_url, "scopes": scopes}})
                        }
                        "password" | "password_credentials" => {
                            json!({"password": {"tokenUrl": token_url, "scopes": scopes}})
                        }
                        "implicit" => {
                            json!({"implicit": {"authorizationUrl": auth_url, "scopes": scopes}})
                        }
                        _ => {
                            json!({"authorizationCode": {"authorizationUrl": auth_url, "tokenUrl": token_url, "scopes": scopes}})
                        }
                    };
                    json!({"type": "oauth2", "flows": flow})
                }
            };
            out.insert(name, scheme);
        }
        json!(out)
    }
}

/// Server URLs in order of first use; the first is the document's, others go on operations.
#[derive(Default)]
struct Servers {
    urls: Vec<String>,
}

impl Servers {
    fn add(&mut self, url: &str) -> usize {
        match self.urls.iter().position(|u| u == url) {
            Some(i) => i,
            None => {
                self.urls.push(url.to_string());
                self.urls.len() - 1
            }
        }
    }

    fn entry(&self, index: usize) -> Value {
        let url = &self.urls[index];
        let url = if url.is_empty() { "/" } else { url.as_str() };
        let mut server = json!({ "url": url });
        let mut variables = Map::new();
        let mut rest = url;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + len];
            variables.insert(
                name.to_string(),
                json!({
                    "default": "",
                    "description": format!("The collection's `{{{{{name}}}}}` variable, which it leaves unset"),
                }),
            );
            rest = &rest[start + len + 1..];
        }
        if !variables.is_empty() {
            server["variables"] = Value::Object(variables);
        }
        server
    }

    fn document_servers(&self) -> Value {
        if self.urls.is_empty() {
            return json!([{"url": "/"}]);
        }
        json!([self.entry(0)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_resolve_known_variables_and_turn_others_into_parameters() {
        let vars = BTreeMap::from([("v".to_string(), "v1".to_string())]);
        let t = |text: &str, vars: &BTreeMap<String, String>| template(text, vars).unwrap();
        assert_eq!(t("{{v}}", &vars), ("v1".into(), vec![]));
        assert_eq!(t("{{id}}", &vars), ("{id}".into(), vec!["id".into()]));
        assert_eq!(t("{id}", &vars), ("{id}".into(), vec!["id".into()]));
        assert_eq!(
            t("user-{{n a}}", &vars),
            ("user-{na}".into(), vec!["na".into()])
        );
        assert_eq!(
            t("{{hello_{{x}}}}", &vars),
            ("{hello_x}".into(), vec!["hello_x".into()])
        );
        let cycle = BTreeMap::from([
            ("a".to_string(), "{{b}}".to_string()),
            ("b".to_string(), "{{a}}".to_string()),
            ("self".to_string(), "x{{self}}".to_string()),
        ]);
        assert_eq!(t("{{a}}", &cycle).1, vec!["a".to_string()]);
        assert!(t("{{self}}", &cycle).0.starts_with("xxx"));
    }

    #[test]
    fn unicode_names_are_kept_and_other_characters_spelled_out() {
        let vars = BTreeMap::new();
        assert_eq!(
            template("{用户id}", &vars).unwrap(),
            ("{用户id}".into(), vec!["用户id".into()])
        );
        assert_eq!(parameter_name("🦀"), "_1f980_");
        assert_eq!(parameter_name("a/b"), "a_2f_b");
        assert_ne!(parameter_name("a🦀"), parameter_name("a🐍"));
    }

    #[test]
    fn deep_json_is_cut_not_refused() {
        let deep = format!(r#"{}"x\"[{{":1{}"#, "[".repeat(300), "]".repeat(300));
        assert!(serde_json::from_str::<Value>(&deep).is_err());
        let value = parse_json(&deep).expect("read with its deepest part cut");
        assert_eq!(depth(&value), CUT_DEPTH);
        // Brackets inside strings are text; the cut leaves valid JSON around them.
        assert_eq!(cut_deep(r#"[["[\"]",{"a":[1]}]]"#, 1), r#"[null]"#);
        assert_eq!(cut_deep(r#"["[\"]",{"a":[1]}]"#, 1), r#"["[\"]",null]"#);
        assert_eq!(cut_deep("[1]", 1), "[1]");
    }

    #[test]
    fn expansion_is_bounded() {
        let vars = BTreeMap::from([("a".to_string(), "{{a}}".repeat(100_000))]);
        let err = template("{{a}}", &vars).unwrap_err();
        assert!(
            err.contains("`{{a}}`") && err.contains(&MAX_EXPANSION.to_string()),
            "{err}"
        );
        // A long value that does not grow is fine.
        let long = BTreeMap::from([("a".to_string(), "x".repeat(MAX_EXPANSION))]);
        assert_eq!(template("{{a}}", &long).unwrap().0.len(), MAX_EXPANSION);
    }
}
