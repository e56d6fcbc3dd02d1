//! The walk over both documents: document-level parts, then each operation (matched by path
//! template and method), its security, parameters, request body and responses. Each difference
//! becomes a [`Change`] under one rule of [`super::rules`].

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody,
    Response, SecurityRequirement, SecurityScheme, StatusCode,
};

use super::change::{code, Change, Scope};
use super::rules::{self as r, Rule};
use super::schema::{self, Difference, SchemaChange, SchemaRef};
use crate::openapi_util::{component_name, is_json, path_shape, resolve_ref};

/// Collects changes by scope while walking.
pub(super) struct Walk<'a> {
    old: &'a OpenAPI,
    new: &'a OpenAPI,
    pub(super) groups: BTreeMap<Scope, Vec<Change>>,
}

impl<'a> Walk<'a> {
    pub(super) fn new(old: &'a OpenAPI, new: &'a OpenAPI) -> Self {
        Walk {
            old,
            new,
            groups: BTreeMap::new(),
        }
    }

    fn add(&mut self, scope: &Scope, rule: Rule, message: String) {
        let changes = self.groups.entry(scope.clone()).or_default();
        changes.push(Change { rule, message });
    }

    pub(super) fn document(&mut self) {
        let scope = Scope::Document;
        let (old, new) = (self.old, self.new);

        let urls = |doc: &'a OpenAPI| -> BTreeSet<&'a str> {
            doc.servers.iter().map(|s| s.url.as_str()).collect()
        };
        let (removed, added) = (r::SERVER_REMOVED, r::SERVER_ADDED);
        self.presence(&scope, "server", &urls(old), &urls(new), removed, added);

        let schemes = |doc: &'a OpenAPI| -> BTreeMap<&'a str, Option<String>> {
            let all = doc.components.iter().flat_map(|c| &c.security_schemes);
            all.map(|(name, scheme)| (name.as_str(), scheme_signature(doc, scheme)))
                .collect()
        };
        let (old_schemes, new_schemes) = (schemes(old), schemes(new));
        let names = |schemes: &BTreeMap<&'a str, _>| schemes.keys().copied().collect();
        let (removed, added) = (r::SECURITY_SCHEME_REMOVED, r::SECURITY_SCHEME_ADDED);
        let (old_names, new_names) = (names(&old_schemes), names(&new_schemes));
        self.presence(
            &scope,
            "security scheme",
            &old_names,
            &new_names,
            removed,
            added,
        );
        for (name, old_sig) in &old_schemes {
            let Some(new_sig) = new_schemes.get(name).filter(|new_sig| *new_sig != old_sig) else {
                continue;
            };
            let show =
                |sig: &Option<String>| sig.clone().unwrap_or_else(|| "an unresolved $ref".into());
            let message = format!(
                "security scheme {} changed from {} to {}",
                code(name),
                show(old_sig),
                show(new_sig)
            );
            self.add(&scope, r::SECURITY_SCHEME_CHANGED, message);
        }

        let (old_sec, new_sec) = (old.security.as_deref(), new.security.as_deref());
        self.security(&scope, old_sec, new_sec, "the API");

        let schemas = |doc: &'a OpenAPI| -> BTreeSet<&'a str> {
            let all = doc.components.iter().flat_map(|c| c.schemas.keys());
            all.map(String::as_str).collect()
        };
        let (removed, added) = (r::COMPONENT_SCHEMA_REMOVED, r::COMPONENT_SCHEMA_ADDED);
        self.presence(
            &scope,
            "schema",
            &schemas(old),
            &schemas(new),
            removed,
            added,
        );
    }

    /// Reports what only `old` has under `removed`, and what only `new` has under `added`.
    fn presence(
        &mut self,
        scope: &Scope,
        what: &str,
        old: &BTreeSet<&str>,
        new: &BTreeSet<&str>,
        removed: Rule,
        added: Rule,
    ) {
        for name in old.difference(new) {
            self.add(scope, removed, format!("{what} {} removed", code(name)));
        }
        for name in new.difference(old) {
            self.add(scope, added, format!("{what} {} added", code(name)));
        }
    }

    pub(super) fn operations(&mut self) {
        let (old_ops, new_ops) = (operations(self.old), operations(self.new));
        for (key, old_op) in &old_ops {
            match new_ops.get(key) {
                Some(new_op) => self.operation(old_op, new_op),
                None => {
                    let scope = old_op.scope();
                    self.add(&scope, r::API_REMOVED, "operation removed".into());
                }
            }
        }
        for (key, new_op) in &new_ops {
            if !old_ops.contains_key(key) {
                let scope = new_op.scope();
                self.add(&scope, r::API_ADDED, "operation added".into());
            }
        }
    }

    fn operation(&mut self, old: &Op<'a>, new: &Op<'a>) {
        let scope = new.scope();
        let (o, n) = (old.op, new.op);
        if o.operation_id != n.operation_id {
            let show = |id: &Option<String>| id.as_deref().map_or_else(|| "(none)".into(), code);
            let message = format!(
                "operationId changed from {} to {}",
                show(&o.operation_id),
                show(&n.operation_id)
            );
            self.add(&scope, r::API_OPERATION_ID_CHANGED, message);
        }
        if !o.deprecated && n.deprecated {
            self.add(&scope, r::API_DEPRECATED, "operation deprecated".into());
        }
        // Where neither side overrides the document's security, the document group says it once.
        if o.security.is_some() || n.security.is_some() {
            let old_sec = o.security.as_ref().or(self.old.security.as_ref());
            let new_sec = n.security.as_ref().or(self.new.security.as_ref());
            self.security(
                &scope,
                old_sec.map(Vec::as_slice),
                new_sec.map(Vec::as_slice),
                "the operation",
            );
        }
        self.parameters(&scope, old, new);
        self.request_body(&scope, o, n);
        self.responses(&scope, o, n);
    }

    /// Security requirements are alternatives (any one suffices), each a set of schemes used
    /// together; an empty alternative means anonymous access.
    fn security(
        &mut self,
        scope: &Scope,
        old: Option<&[SecurityRequirement]>,
        new: Option<&[SecurityRequirement]>,
        what: &str,
    ) {
        let (old, new) = (alternatives(old), alternatives(new));
        let open = |alts: &BTreeSet<String>| alts.is_empty() || alts.contains("");
        match (open(&old), open(&new)) {
            (true, false) => {
                let message = format!("{what} now requires {}", list(&new));
                self.add(scope, r::API_SECURITY_ADDED, message);
            }
            (false, true) => {
                let message = format!("{what} no longer requires {}", list(&old));
                self.add(scope, r::API_SECURITY_REMOVED, message);
            }
            (false, false) => {
                for alt in old.difference(&new) {
                    let message = format!("{what} no longer accepts {}", code(alt));
                    self.add(scope, r::API_SECURITY_ALTERNATIVE_REMOVED, message);
                }
                for alt in new.difference(&old) {
                    let message = format!("{what} now also accepts {}", code(alt));
                    self.add(scope, r::API_SECURITY_ALTERNATIVE_ADDED, message);
                }
            }
            (true, true) => {}
        }
    }

    fn parameters(&mut self, scope: &Scope, old: &Op<'a>, new: &Op<'a>) {
        let (old_params, new_params) = (parameters(self.old, old), parameters(self.new, new));
        for (key, o) in &old_params {
            if let Some(n) = new_params.get(key) {
                self.parameter(scope, o, n);
                continue;
            }
            let moved = new_params
                .iter()
                .find(|(k, n)| n.name.eq_ignore_ascii_case(o.name) && !old_params.contains_key(*k));
            match moved {
                Some((_, n)) => {
                    let message = format!(
                        "parameter {} moved from {} to {}",
                        code(o.name),
                        o.location,
                        n.location
                    );
                    self.add(scope, r::REQUEST_PARAMETER_LOCATION_CHANGED, message);
                }
                None => {
                    let message = format!("{} parameter {} removed", o.location, code(o.name));
                    self.add(scope, r::REQUEST_PARAMETER_REMOVED, message);
                }
            }
        }
        for (key, n) in &new_params {
            let known = old_params.contains_key(key)
                || old_params.iter().any(|(k, o)| {
                    o.name.eq_ignore_ascii_case(n.name) && !new_params.contains_key(k)
                });
            if known {
                continue;
            }
            let (rule, which) = if n.required {
                (r::REQUEST_PARAMETER_ADDED_REQUIRED, "required")
            } else {
                (r::REQUEST_PARAMETER_ADDED, "optional")
            };
            let message = format!("{which} {} parameter {} added", n.location, code(n.name));
            self.add(scope, rule, message);
        }
    }

    fn parameter(&mut self, scope: &Scope, o: &Param<'a>, n: &Param<'a>) {
        let subject = format!("{} parameter {}", n.location, code(n.name));
        match (o.required, n.required) {
            (false, true) => self.add(
                scope,
                r::REQUEST_PARAMETER_BECAME_REQUIRED,
                format!("{subject} became required"),
            ),
            (true, false) => self.add(
                scope,
                r::REQUEST_PARAMETER_BECAME_OPTIONAL,
                format!("{subject} became optional"),
            ),
            _ => {}
        }
        if let (Some(os), Some(ns)) = (o.schema, n.schema) {
            let changes = schema::compare(self.old, self.new, os, ns);
            self.schema_changes(scope, Side::Parameter, &subject, changes);
        }
    }

    fn request_body(&mut self, scope: &Scope, o: &'a Operation, n: &'a Operation) {
        let old = o
            .request_body
            .as_ref()
            .and_then(|b| request_body(self.old, b));
        let new = n
            .request_body
            .as_ref()
            .and_then(|b| request_body(self.new, b));
        match (old, new) {
            (None, None) => {}
            (None, Some(n)) if n.required => self.add(
                scope,
                r::REQUEST_BODY_ADDED_REQUIRED,
                "required request body added".into(),
            ),
            (None, Some(_)) => self.add(
                scope,
                r::REQUEST_BODY_ADDED,
                "optional request body added".into(),
            ),
            (Some(_), None) => self.add(
                scope,
                r::REQUEST_BODY_REMOVED,
                "request body removed".into(),
            ),
            (Some(o), Some(n)) => {
                match (o.required, n.required) {
                    (false, true) => self.add(
                        scope,
                        r::REQUEST_BODY_BECAME_REQUIRED,
                        "request body became required".into(),
                    ),
                    (true, false) => self.add(
                        scope,
                        r::REQUEST_BODY_BECAME_OPTIONAL,
                        "request body became optional".into(),
                    ),
                    _ => {}
                }
                let (om, nm) = (main_media(&o.content), main_media(&n.content));
                self.bodies(
                    scope,
                    Side::Request,
                    "request body",
                    om,
                    nm,
                    r::REQUEST_BODY_MEDIA_TYPE_CHANGED,
                );
            }
        }
    }

    /// Compares the bodies of one request or response, given as (media type, schema).
    fn bodies(
        &mut self,
        scope: &Scope,
        side: Side,
        subject: &str,
        old: Option<Body<'a>>,
        new: Option<Body<'a>>,
        media_rule: Rule,
    ) {
        let (Some((old_media, old_schema)), Some((new_media, new_schema))) = (old, new) else {
            return;
        };
        if old_media != new_media {
            let message = format!(
                "{subject} media type changed from {} to {}",
                code(old_media),
                code(new_media)
            );
            self.add(scope, media_rule, message);
        } else if let (Some(os), Some(ns)) = (old_schema, new_schema) {
            let changes = schema::compare(self.old, self.new, os, ns);
            self.schema_changes(scope, side, subject, changes);
        }
    }

    fn responses(&mut self, scope: &Scope, o: &'a Operation, n: &'a Operation) {
        let (old, new) = (responses(self.old, o), responses(self.new, n));
        for (status, old_body) in &old {
            let success = is_success(status);
            let Some(new_body) = new.get(status) else {
                let (rule, class) = if success {
                    (r::RESPONSE_SUCCESS_STATUS_REMOVED, "success")
                } else {
                    (r::RESPONSE_ERROR_STATUS_REMOVED, "error")
                };
                self.add(
                    scope,
                    rule,
                    format!("{class} response {} removed", code(status)),
                );
                continue;
            };
            let subject = format!("{} response", code(status));
            match (old_body, new_body) {
                (None, Some(_)) => self.add(
                    scope,
                    r::RESPONSE_BODY_ADDED,
                    format!("{subject} body added"),
                ),
                (Some(_), None) => self.add(
                    scope,
                    r::RESPONSE_BODY_REMOVED,
                    format!("{subject} body removed"),
                ),
                _ => {}
            }
            self.bodies(
                scope,
                Side::Response,
                &subject,
                *old_body,
                *new_body,
                r::RESPONSE_MEDIA_TYPE_CHANGED,
            );
        }
        for (status, new_body) in new.iter().filter(|(s, _)| !old.contains_key(*s)) {
            if !is_success(status) {
                let message = format!("error response {} added", code(status));
                self.add(scope, r::RESPONSE_ERROR_STATUS_ADDED, message);
                continue;
            }
            // progenitor gives an operation one success type: a new 2xx keeps the generated
            // return type only when its body is one the old success responses already had.
            let same_type = old
                .iter()
                .filter(|(s, _)| is_success(s))
                .any(|(_, old_body)| self.same_body(*old_body, *new_body));
            let message = format!("success response {} added", code(status));
            if same_type {
                self.add(scope, r::RESPONSE_SUCCESS_STATUS_ADDED, message);
            } else {
                self.add(
                    scope,
                    r::RESPONSE_SUCCESS_STATUS_ADDED_NEW_TYPE,
                    format!("{message} with a body of a new type"),
                );
            }
        }
    }

    fn same_body(&self, old: Option<Body<'a>>, new: Option<Body<'a>>) -> bool {
        match (old, new) {
            (None, None) => true,
            (Some((om, Some(os))), Some((nm, Some(ns)))) => {
                om == nm && schema::compare(self.old, self.new, os, ns).is_empty()
            }
            (Some((om, None)), Some((nm, None))) => om == nm,
            _ => false,
        }
    }

    fn schema_changes(
        &mut self,
        scope: &Scope,
        side: Side,
        subject: &str,
        changes: Vec<SchemaChange>,
    ) {
        for change in changes {
            let rule = schema_rule(side, change.path.is_empty(), &change.difference);
            let message = describe(subject, &change);
            self.add(scope, rule, message);
        }
    }
}

/// Which way a schema's values travel, which decides whether a change breaks the client.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Parameter,
    Request,
    Response,
}

fn schema_rule(side: Side, at_root: bool, difference: &Difference) -> Rule {
    use Difference::*;
    match (side, difference) {
        (Side::Parameter, TypeChanged { .. }) if at_root => r::REQUEST_PARAMETER_TYPE_CHANGED,
        (Side::Parameter, FormatChanged { .. }) if at_root => r::REQUEST_PARAMETER_FORMAT_CHANGED,
        (Side::Parameter, EnumValueRemoved(_)) if at_root => {
            r::REQUEST_PARAMETER_ENUM_VALUE_REMOVED
        }
        (Side::Parameter, EnumValueAdded(_)) if at_root => r::REQUEST_PARAMETER_ENUM_VALUE_ADDED,
        (Side::Parameter | Side::Request, d) => match d {
            TypeChanged { .. } => r::REQUEST_PROPERTY_TYPE_CHANGED,
            FormatChanged { .. } => r::REQUEST_PROPERTY_FORMAT_CHANGED,
            BecameNullable => r::REQUEST_PROPERTY_BECAME_NULLABLE,
            BecameNotNullable => r::REQUEST_PROPERTY_BECAME_NOT_NULLABLE,
            EnumValueAdded(_) => r::REQUEST_PROPERTY_ENUM_VALUE_ADDED,
            EnumValueRemoved(_) => r::REQUEST_PROPERTY_ENUM_VALUE_REMOVED,
            PropertyAdded { required: true } => r::REQUEST_PROPERTY_ADDED_REQUIRED,
            PropertyAdded { required: false } => r::REQUEST_PROPERTY_ADDED,
            PropertyRemoved => r::REQUEST_PROPERTY_REMOVED,
            BecameRequired => r::REQUEST_PROPERTY_BECAME_REQUIRED,
            BecameOptional => r::REQUEST_PROPERTY_BECAME_OPTIONAL,
            VariantAdded { .. } => r::REQUEST_PROPERTY_VARIANT_ADDED,
            VariantRemoved { .. } => r::REQUEST_PROPERTY_VARIANT_REMOVED,
        },
        (Side::Response, d) => match d {
            TypeChanged { .. } => r::RESPONSE_PROPERTY_TYPE_CHANGED,
            FormatChanged { .. } => r::RESPONSE_PROPERTY_FORMAT_CHANGED,
            BecameNullable => r::RESPONSE_PROPERTY_BECAME_NULLABLE,
            BecameNotNullable => r::RESPONSE_PROPERTY_BECAME_NOT_NULLABLE,
            EnumValueAdded(_) => r::RESPONSE_PROPERTY_ENUM_VALUE_ADDED,
            EnumValueRemoved(_) => r::RESPONSE_PROPERTY_ENUM_VALUE_REMOVED,
            PropertyAdded { .. } => r::RESPONSE_PROPERTY_ADDED,
            PropertyRemoved => r::RESPONSE_PROPERTY_REMOVED,
            BecameRequired => r::RESPONSE_PROPERTY_BECAME_REQUIRED,
            BecameOptional => r::RESPONSE_PROPERTY_BECAME_OPTIONAL,
            VariantAdded { .. } => r::RESPONSE_PROPERTY_VARIANT_ADDED,
            VariantRemoved { .. } => r::RESPONSE_PROPERTY_VARIANT_REMOVED,
        },
    }
}

/// One line of text for a schema change, e.g. "`200` response property `results[].id` removed".
fn describe(subject: &str, change: &SchemaChange) -> String {
    let what = if change.path.is_empty() {
        subject.to_owned()
    } else {
        format!("{subject} property {}", code(&change.path))
    };
    let none = |f: &Option<String>| f.as_deref().map_or_else(|| "(none)".into(), code);
    match &change.difference {
        Difference::TypeChanged { old, new } => {
            format!("{what} type changed from {} to {}", code(old), code(new))
        }
        Difference::FormatChanged { old, new } => {
            format!("{what} format changed from {} to {}", none(old), none(new))
        }
        Difference::BecameNullable => format!("{what} became nullable"),
        Difference::BecameNotNullable => format!("{what} is no longer nullable"),
        Difference::EnumValueAdded(v) => format!("{what} gained enum value {}", code(v)),
        Difference::EnumValueRemoved(v) => format!("{what} lost enum value {}", code(v)),
        Difference::PropertyAdded { required: true } => format!("{what} added (required)"),
        Difference::PropertyAdded { required: false } => format!("{what} added"),
        Difference::PropertyRemoved => format!("{what} removed"),
        Difference::BecameRequired => format!("{what} became required"),
        Difference::BecameOptional => format!("{what} became optional"),
        Difference::VariantAdded { keyword, label } => {
            format!("{what} gained {keyword} variant {}", code(label))
        }
        Difference::VariantRemoved { keyword, label } => {
            format!("{what} lost {keyword} variant {}", code(label))
        }
    }
}

/// One operation of a document.
struct Op<'a> {
    path: &'a str,
    method: &'a str,
    item: &'a PathItem,
    op: &'a Operation,
}

impl Op<'_> {
    fn scope(&self) -> Scope {
        Scope::Operation {
            path: self.path.to_owned(),
            method: self.method.to_ascii_uppercase(),
            operation_id: self.op.operation_id.clone(),
        }
    }
}

/// Operations keyed by path template with parameter names blanked (`/links/{}`), so that
/// renaming a path parameter shows as a parameter change, not as a removed operation.
fn operations(doc: &OpenAPI) -> BTreeMap<(String, &str), Op<'_>> {
    let mut ops = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        // A `$ref` path item points outside the document, which this diff does not read.
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let key = path_shape(path);
        for (method, op) in item.iter() {
            ops.insert(
                (key.clone(), method),
                Op {
                    path,
                    method,
                    item,
                    op,
                },
            );
        }
    }
    ops
}

fn alternatives(requirements: Option<&[SecurityRequirement]>) -> BTreeSet<String> {
    requirements
        .unwrap_or_default()
        .iter()
        .map(|requirement| {
            let mut schemes: Vec<String> = requirement
                .iter()
                .map(|(name, scopes)| {
                    if scopes.is_empty() {
                        name.clone()
                    } else {
                        format!("{name}[{}]", scopes.join(", "))
                    }
                })
                .collect();
            schemes.sort();
            schemes.join(" + ")
        })
        .collect()
}

fn list(alternatives: &BTreeSet<String>) -> String {
    let items: Vec<String> = alternatives.iter().map(|a| code(a)).collect();
    items.join(" or ")
}

/// What matters about a security scheme to a client: how the credential is sent.
fn scheme_signature(doc: &OpenAPI, scheme: &ReferenceOr<SecurityScheme>) -> Option<String> {
    let scheme = resolve(scheme, |name| {
        doc.components
            .as_ref()?
            .security_schemes
            .get(component_name(name, "securitySchemes")?.as_ref())
    })?;
    Some(match scheme {
        SecurityScheme::APIKey { location, name, .. } => {
            let location = serde_json::to_value(location).ok()?;
            format!("API key in {} {}", location.as_str()?, code(name))
        }
        SecurityScheme::HTTP { scheme, .. } => {
            format!("HTTP {}", code(&scheme.to_ascii_lowercase()))
        }
        SecurityScheme::OAuth2 { flows, .. } => {
            let mut urls = Vec::new();
            if let Some(f) = &flows.implicit {
                urls.push(format!("implicit {}", f.authorization_url));
            }
            if let Some(f) = &flows.password {
                urls.push(format!("password {}", f.token_url));
            }
            if let Some(f) = &flows.client_credentials {
                urls.push(format!("client credentials {}", f.token_url));
            }
            if let Some(f) = &flows.authorization_code {
                urls.push(format!("authorization code {}", f.token_url));
            }
            format!("OAuth2 ({})", urls.join(", "))
        }
        SecurityScheme::OpenIDConnect {
            open_id_connect_url,
            ..
        } => {
            format!("OpenID Connect {}", code(open_id_connect_url))
        }
    })
}

/// How many `$ref`s in a row the walk follows to a parameter, body, response or scheme.
const MAX_REF_FOLLOWS: usize = 31;

/// Follows a chain of local `$ref`s to an item; `None` when a reference does not resolve.
fn resolve<'a, T>(
    start: &'a ReferenceOr<T>,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
) -> Option<&'a T> {
    resolve_ref(start, MAX_REF_FOLLOWS, lookup)
}

/// A parameter after `$ref` resolution.
struct Param<'a> {
    location: &'static str,
    name: &'a str,
    required: bool,
    schema: Option<SchemaRef<'a>>,
}

/// The parameters that apply to an operation (path-level ones, overridden by the operation's
/// own), keyed by location and name; header names are case-insensitive.
fn parameters<'a>(doc: &'a OpenAPI, op: &Op<'a>) -> BTreeMap<(&'static str, String), Param<'a>> {
    let mut params = BTreeMap::new();
    for p in op.item.parameters.iter().chain(&op.op.parameters) {
        let Some(p) = resolve(p, |name| {
            doc.components
                .as_ref()?
                .parameters
                .get(component_name(name, "parameters")?.as_ref())
        }) else {
            continue;
        };
        let location = match p {
            Parameter::Query { .. } => "query",
            Parameter::Header { .. } => "header",
            Parameter::Path { .. } => "path",
            Parameter::Cookie { .. } => "cookie",
        };
        let data = p.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => Some(schema.into()),
            ParameterSchemaOrContent::Content(content) => main_media(content).and_then(|(_, s)| s),
        };
        let key = if location == "header" {
            data.name.to_ascii_lowercase()
        } else {
            data.name.clone()
        };
        let param = Param {
            location,
            name: &data.name,
            // Path parameters are required whatever the document says.
            required: data.required || location == "path",
            schema,
        };
        params.insert((location, key), param);
    }
    params
}

fn request_body<'a>(
    doc: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
) -> Option<&'a RequestBody> {
    resolve(body, |name| {
        doc.components
            .as_ref()?
            .request_bodies
            .get(component_name(name, "requestBodies")?.as_ref())
    })
}

/// A body: its media type and schema (if it has one).
type Body<'a> = (&'a str, Option<SchemaRef<'a>>);

/// The media type a generated client uses: `application/json` when offered, else another JSON
/// one (`openapi_util::is_json`, the rule every stage uses), else the first one.
fn main_media(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Option<Body<'_>> {
    let (media, value) = content
        .iter()
        .find(|(m, _)| m.as_str() == "application/json")
        .or_else(|| content.iter().find(|(m, _)| is_json(m)))
        .or_else(|| content.first())?;
    Some((media.as_str(), value.schema.as_ref().map(Into::into)))
}

/// Responses by status (`200`, `4XX`, `default`), each with its main body if any.
fn responses<'a>(doc: &'a OpenAPI, op: &'a Operation) -> BTreeMap<String, Option<Body<'a>>> {
    let lookup = |name: &str| -> Option<&'a ReferenceOr<Response>> {
        doc.components
            .as_ref()?
            .responses
            .get(component_name(name, "responses")?.as_ref())
    };
    let statuses = op.responses.responses.iter().map(|(status, response)| {
        let status = match status {
            StatusCode::Code(code) => code.to_string(),
            StatusCode::Range(range) => format!("{range}XX"),
        };
        (status, response)
    });
    let default = op
        .responses
        .default
        .iter()
        .map(|response| ("default".to_owned(), response));
    statuses
        .chain(default)
        .map(|(status, response)| {
            let body = resolve(response, lookup).and_then(|response| main_media(&response.content));
            (status, body)
        })
        .collect()
}

/// `2xx` codes and the `2XX` range; `default` counts as an error response.
fn is_success(status: &str) -> bool {
    status.starts_with('2')
}
