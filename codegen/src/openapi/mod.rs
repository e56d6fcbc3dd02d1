//! Requests → an OpenAPI 3.0.3 document.
//!
//! Requests are first put in a canonical order (path, method, name) and grouped by method and
//! path shape, so the document does not depend on how items are ordered in Postman. Each group
//! becomes one operation: parameters, request body, one response per saved status, security.
//! Body shapes go through `components` to become named, shared schemas.

mod bodies;
mod components;
pub mod contract;
mod deep;
mod parameters;
mod prepare;
mod responses;
mod scalar;
mod security;
mod tags;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::error::ConvertError;
use crate::naming::{self, Namer};
use crate::openapi_util::object;
use crate::postman::{Auth, Collection};
use crate::warning::Warning;
use bodies::{request_body, title};
use components::Components;
use parameters::parameters;
use prepare::{method_rank, prepare, Prepared};
use responses::responses;
use security::{most_common_auth, scopes, SecuritySchemes, Servers};
use tags::{entity_name, scope_name, tag_groups, tag_of};

/// Builds the document for a parsed collection, returning it as JSON together with warnings.
pub fn build(mut collection: Collection) -> Result<(Value, Vec<Warning>), ConvertError> {
    let mut warnings = collection.warnings.clone();
    // The requests move into their groups, each freed once its operation is built: a large
    // collection's request bodies and saved responses need not outlive their operation.
    let all = std::mem::take(&mut collection.requests);
    let folders: Vec<Vec<String>> = all.iter().map(|r| r.folders.clone()).collect();
    let default_auth = most_common_auth(&all);
    let mut requests: Vec<Prepared> = Vec::with_capacity(all.len());
    for r in all {
        requests.extend(prepare(r, &collection.variables, &mut warnings)?);
    }
    requests.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let mut parts = Parts::new(default_auth, warnings);
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    // Canonical order: by path shape, then method.
    for group in operation_groups(requests).into_values() {
        let (method, op) = parts.operation(&group);
        paths
            .entry(group[0].path.clone())
            .or_default()
            .insert(method, Value::Object(op));
    }
    Ok(parts.document(&collection, &folders, paths))
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
        if let Some(tag) = tag_of(&first.request.folders) {
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
        folders: &[Vec<String>],
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
        if let Some(groups) = tag_groups(folders, &self.tags) {
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
