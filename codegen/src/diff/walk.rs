//! The walk over both documents: document-level parts, then each operation (matched by path
//! template and method), its security, parameters, request body and responses. Each difference
//! becomes a [`Change`] under one rule of [`super::rules`].

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Operation, SecurityRequirement};

use super::change::{code, Change, Scope, State};
use super::parts::{
    class, is_success, main_media, operations, parameters, request_body, responses, Body, Op, Param,
};
use super::rules::{self as r, Rule};
use super::schema::{self, pointer_join, Difference, SchemaChange};
use super::security::{self, scheme_signature};
use super::verdict::{client_media, describe, schema_rule, Side};

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

    fn add(&mut self, scope: &Scope, rule: Rule, message: String, old: State, new: State) {
        let changes = self.groups.entry(scope.clone()).or_default();
        changes.push(Change {
            rule,
            message,
            old,
            new,
            rust: Vec::new(),
        });
    }

    pub(super) fn document(&mut self) {
        let scope = Scope::Document;
        let (old, new) = (self.old, self.new);

        let urls = |doc: &'a OpenAPI| -> Named<'a> {
            let all = doc.servers.iter().enumerate();
            all.map(|(i, s)| (s.url.as_str(), format!("/servers/{i}")))
                .collect()
        };
        let (removed, added) = (r::SERVER_REMOVED, r::SERVER_ADDED);
        let what = ("server", "/servers");
        self.presence(&scope, what, &urls(old), &urls(new), (removed, added));

        let schemes = |doc: &'a OpenAPI| -> BTreeMap<&'a str, Option<String>> {
            let all = doc.components.iter().flat_map(|c| &c.security_schemes);
            all.map(|(name, scheme)| (name.as_str(), scheme_signature(doc, scheme)))
                .collect()
        };
        let (old_schemes, new_schemes) = (schemes(old), schemes(new));
        const SCHEMES: &str = "/components/securitySchemes";
        let names = |schemes: &BTreeMap<&'a str, _>| -> Named<'a> {
            let all = schemes.keys();
            all.map(|name| (*name, pointer_join(SCHEMES, &[name])))
                .collect()
        };
        let (removed, added) = (r::SECURITY_SCHEME_REMOVED, r::SECURITY_SCHEME_ADDED);
        let (old_names, new_names) = (names(&old_schemes), names(&new_schemes));
        let what = ("security scheme", SCHEMES);
        self.presence(&scope, what, &old_names, &new_names, (removed, added));
        // A scheme no requirement named gave the client nothing to send: its removal is
        // reported, not breaking.
        let used = security::used_schemes(old);
        let changes = self.groups.get_mut(&Scope::Document).into_iter().flatten();
        for change in changes {
            let unused = change
                .old
                .value
                .as_deref()
                .is_some_and(|n| !used.contains(n));
            if change.rule == r::SECURITY_SCHEME_REMOVED && unused {
                change.rule = r::SECURITY_SCHEME_REMOVED_UNUSED;
            }
        }
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
            let at = State::at(pointer_join(SCHEMES, &[name]));
            let (o, n) = (at.clone().with(old_sig.clone()), at.with(new_sig.clone()));
            self.add(&scope, r::SECURITY_SCHEME_CHANGED, message, o, n);
        }

        let (old_sec, new_sec) = (old.security.as_deref(), new.security.as_deref());
        let side = |sec: Option<_>| match sec {
            Some(_) => State::at("/security"),
            None => State::absent("/security"),
        };
        let where_ = (side(old_sec), side(new_sec));
        self.security(&scope, (old_sec, new_sec), "the API", where_);

        const SCHEMAS: &str = "/components/schemas";
        let schemas = |doc: &'a OpenAPI| -> Named<'a> {
            let all = doc.components.iter().flat_map(|c| c.schemas.keys());
            all.map(|name| (name.as_str(), pointer_join(SCHEMAS, &[name])))
                .collect()
        };
        let (removed, added) = (r::COMPONENT_SCHEMA_REMOVED, r::COMPONENT_SCHEMA_ADDED);
        let what = ("schema", SCHEMAS);
        self.presence(&scope, what, &schemas(old), &schemas(new), (removed, added));
    }

    /// Reports what only `old` has under `rules.0` (removed), and what only `new` has under
    /// `rules.1` (added); `what` is the element's name in messages and its parent's pointer.
    fn presence(
        &mut self,
        scope: &Scope,
        what: (&str, &str),
        old: &Named<'_>,
        new: &Named<'_>,
        rules: (Rule, Rule),
    ) {
        let (noun, parent) = what;
        for (name, pointer) in old.iter().filter(|(name, _)| !new.contains_key(*name)) {
            let message = format!("{noun} {} removed", code(name));
            let (o, n) = (State::at(pointer).with(Some(*name)), State::absent(parent));
            self.add(scope, rules.0, message, o, n);
        }
        for (name, pointer) in new.iter().filter(|(name, _)| !old.contains_key(*name)) {
            let message = format!("{noun} {} added", code(name));
            let (o, n) = (State::absent(parent), State::at(pointer).with(Some(*name)));
            self.add(scope, rules.1, message, o, n);
        }
    }

    pub(super) fn operations(&mut self) {
        let (old_ops, new_ops) = (operations(self.old), operations(self.new));
        for (key, old_op) in &old_ops {
            match new_ops.get(key) {
                Some(new_op) => self.operation(old_op, new_op),
                None => {
                    let (scope, at) = (old_op.scope(), old_op.pointer());
                    let (os, ns) = (State::at(&at), State::absent(&at));
                    self.add(&scope, r::API_REMOVED, "operation removed".into(), os, ns);
                }
            }
        }
        for (key, new_op) in &new_ops {
            if !old_ops.contains_key(key) {
                let (scope, at) = (new_op.scope(), new_op.pointer());
                let (os, ns) = (State::absent(&at), State::at(&at));
                self.add(&scope, r::API_ADDED, "operation added".into(), os, ns);
            }
        }
    }

    fn operation(&mut self, old: &Op<'a>, new: &Op<'a>) {
        let scope = new.scope();
        let at = Pair(old.pointer(), new.pointer());
        let (o, n) = (old.op, new.op);
        if o.operation_id != n.operation_id {
            let show = |id: &Option<String>| id.as_deref().map_or_else(|| "(none)".into(), code);
            let message = format!(
                "operationId changed from {} to {}",
                show(&o.operation_id),
                show(&n.operation_id)
            );
            let (os, ns) = at.join(&["operationId"]);
            let (os, ns) = (
                os.with(o.operation_id.clone()),
                ns.with(n.operation_id.clone()),
            );
            self.add(&scope, r::API_OPERATION_ID_CHANGED, message, os, ns);
        }
        if !o.deprecated && n.deprecated {
            let (os, ns) = (
                State::at(&at.0),
                State::at(pointer_join(&at.1, &["deprecated"])),
            );
            self.add(
                &scope,
                r::API_DEPRECATED,
                "operation deprecated".into(),
                os,
                ns,
            );
        }
        // Where neither side overrides the document's security, the document group says it once.
        if o.security.is_some() || n.security.is_some() {
            let old_sec = o.security.as_ref().or(self.old.security.as_ref());
            let new_sec = n.security.as_ref().or(self.new.security.as_ref());
            // Where each side's requirements are written: the operation's own, else the
            // document's (which the operation inherits).
            let side = |own: bool, doc: &OpenAPI, op: &str| match (own, &doc.security) {
                (true, _) => State::at(pointer_join(op, &["security"])),
                (false, Some(_)) => State::at("/security"),
                (false, None) => State::absent(pointer_join(op, &["security"])),
            };
            let where_ = (
                side(o.security.is_some(), self.old, &at.0),
                side(n.security.is_some(), self.new, &at.1),
            );
            self.security(
                &scope,
                (old_sec.map(Vec::as_slice), new_sec.map(Vec::as_slice)),
                "the operation",
                where_,
            );
        }
        self.parameters(&scope, old, new);
        self.request_body(&scope, o, n, &at);
        self.responses(&scope, o, n, &at);
    }

    /// Security requirements are alternatives (any one suffices), each a set of schemes used
    /// together; an empty alternative means anonymous access.
    fn security(
        &mut self,
        scope: &Scope,
        (old, new): (
            Option<&[SecurityRequirement]>,
            Option<&[SecurityRequirement]>,
        ),
        what: &str,
        (old_at, new_at): (State, State),
    ) {
        for (rule, message) in security::compare(old, new, what) {
            self.add(scope, rule, message, old_at.clone(), new_at.clone());
        }
    }

    fn parameters(&mut self, scope: &Scope, old: &Op<'a>, new: &Op<'a>) {
        let (old_params, new_params) = (parameters(self.old, old), parameters(self.new, new));
        // Where a parameter that one side lacks would be: the other side's parameter list.
        let lists = Pair(
            pointer_join(&old.pointer(), &["parameters"]),
            pointer_join(&new.pointer(), &["parameters"]),
        );
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
                    let os = State::at(&o.pointer).with(Some(o.location));
                    let ns = State::at(&n.pointer).with(Some(n.location));
                    self.add(
                        scope,
                        r::REQUEST_PARAMETER_LOCATION_CHANGED,
                        message,
                        os,
                        ns,
                    );
                }
                None => {
                    let message = format!("{} parameter {} removed", o.location, code(o.name));
                    let (os, ns) = (State::at(&o.pointer), State::absent(&lists.1));
                    self.add(scope, r::REQUEST_PARAMETER_REMOVED, message, os, ns);
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
            let (os, ns) = (State::absent(&lists.0), State::at(&n.pointer));
            self.add(scope, rule, message, os, ns);
        }
    }

    fn parameter(&mut self, scope: &Scope, o: &Param<'a>, n: &Param<'a>) {
        let subject = format!("{} parameter {}", n.location, code(n.name));
        let at = Pair(o.pointer.clone(), n.pointer.clone());
        match (o.required, n.required) {
            (false, true) => self.add_pair(
                scope,
                r::REQUEST_PARAMETER_BECAME_REQUIRED,
                format!("{subject} became required"),
                &at,
            ),
            (true, false) => self.add_pair(
                scope,
                r::REQUEST_PARAMETER_BECAME_OPTIONAL,
                format!("{subject} became optional"),
                &at,
            ),
            _ => {}
        }
        if o.style != n.style {
            let message = format!(
                "{subject} serialisation changed from {} to {}",
                code(&o.style),
                code(&n.style)
            );
            let os = State::at(&o.pointer).with(Some(&o.style));
            let ns = State::at(&n.pointer).with(Some(&n.style));
            self.add(scope, r::REQUEST_PARAMETER_STYLE_CHANGED, message, os, ns);
        }
        if let (Some(os), Some(ns)) = (&o.schema, &n.schema) {
            let changes = schema::compare(self.old, self.new, os.clone(), ns.clone());
            self.schema_changes(scope, Side::Parameter, &subject, changes);
        }
    }

    fn request_body(&mut self, scope: &Scope, o: &'a Operation, n: &'a Operation, at: &Pair) {
        let at = at.child(&["requestBody"]);
        let old = o
            .request_body
            .as_ref()
            .and_then(|b| request_body(self.old, b, &at.0));
        let new = n
            .request_body
            .as_ref()
            .and_then(|b| request_body(self.new, b, &at.1));
        match (old, new) {
            (None, None) => {}
            (None, Some((n, pointer))) => {
                let (rule, message) = if n.required {
                    (
                        r::REQUEST_BODY_ADDED_REQUIRED,
                        "required request body added",
                    )
                } else {
                    (r::REQUEST_BODY_ADDED, "optional request body added")
                };
                let (os, ns) = (State::absent(&at.0), State::at(pointer));
                self.add(scope, rule, message.into(), os, ns);
            }
            (Some((_, pointer)), None) => {
                let (os, ns) = (State::at(pointer), State::absent(&at.1));
                self.add(
                    scope,
                    r::REQUEST_BODY_REMOVED,
                    "request body removed".into(),
                    os,
                    ns,
                );
            }
            (Some((o, op)), Some((n, np))) => {
                let at = Pair(op, np);
                match (o.required, n.required) {
                    (false, true) => self.add_pair(
                        scope,
                        r::REQUEST_BODY_BECAME_REQUIRED,
                        "request body became required".into(),
                        &at,
                    ),
                    (true, false) => self.add_pair(
                        scope,
                        r::REQUEST_BODY_BECAME_OPTIONAL,
                        "request body became optional".into(),
                        &at,
                    ),
                    _ => {}
                }
                let om = main_media(&o.content, &at.0);
                let nm = main_media(&n.content, &at.1);
                self.bodies(
                    scope,
                    Side::Request,
                    "request body",
                    (om, nm),
                    r::REQUEST_BODY_MEDIA_TYPE_CHANGED,
                );
            }
        }
    }

    /// Compares the bodies of one request or response, given as (old, new).
    fn bodies(
        &mut self,
        scope: &Scope,
        side: Side,
        subject: &str,
        (old, new): (Option<Body<'a>>, Option<Body<'a>>),
        media_rule: Rule,
    ) {
        let (Some(old), Some(new)) = (old, new) else {
            return;
        };
        let kind = (client_media(old.media, side), client_media(new.media, side));
        if kind.0 != kind.1 {
            let message = format!(
                "{subject} media type changed from {} to {}",
                code(old.media),
                code(new.media)
            );
            let os = State::at(&old.content).with(Some(old.media));
            let ns = State::at(&new.content).with(Some(new.media));
            self.add(scope, media_rule, message, os, ns);
        } else if kind.0.typed() {
            let changes = match (old.schema, new.schema) {
                (Some(os), Some(ns)) => schema::compare(self.old, self.new, os, ns),
                (None, None) => Vec::new(),
                // A JSON body without a schema is any JSON value to the client stage.
                (os, ns) => {
                    let rust = |doc, s: &Option<_>| match s {
                        Some(s) => schema::element_type(doc, s),
                        None => "serde_json::Value".to_owned(),
                    };
                    let difference = Difference::TypeChanged {
                        old: rust(self.old, &os),
                        new: rust(self.new, &ns),
                    };
                    vec![SchemaChange {
                        path: String::new(),
                        difference,
                        old_pointer: old.content,
                        new_pointer: new.content,
                        read_only: false,
                    }]
                }
            };
            self.schema_changes(scope, side, subject, changes);
        }
    }

    fn responses(&mut self, scope: &Scope, o: &'a Operation, n: &'a Operation, at: &Pair) {
        let at = at.child(&["responses"]);
        let (old, new) = (responses(self.old, o, &at.0), responses(self.new, n, &at.1));
        for (status, (old_at, old_body)) in &old {
            let success = is_success(status);
            let Some((new_at, new_body)) = new.get(status) else {
                let (rule, class) = if success {
                    (r::RESPONSE_SUCCESS_STATUS_REMOVED, "success")
                } else {
                    (r::RESPONSE_ERROR_STATUS_REMOVED, "error")
                };
                let message = format!("{class} response {} removed", code(status));
                let (os, ns) = (State::at(old_at), State::absent(&at.1));
                self.add(scope, rule, message, os, ns);
                continue;
            };
            let subject = format!("{} response", code(status));
            let here = Pair(old_at.clone(), new_at.clone());
            match (old_body, new_body) {
                (None, Some(_)) => self.add_pair(
                    scope,
                    r::RESPONSE_BODY_ADDED,
                    format!("{subject} body added"),
                    &here,
                ),
                (Some(_), None) => self.add_pair(
                    scope,
                    r::RESPONSE_BODY_REMOVED,
                    format!("{subject} body removed"),
                    &here,
                ),
                _ => {}
            }
            self.bodies(
                scope,
                Side::Response,
                &subject,
                (old_body.clone(), new_body.clone()),
                r::RESPONSE_MEDIA_TYPE_CHANGED,
            );
        }
        for (status, (new_at, new_body)) in new.iter().filter(|(s, _)| !old.contains_key(*s)) {
            let message = format!("{} response {} added", class(status), code(status));
            let (os, ns) = (State::absent(&at.0), State::at(new_at));
            if !is_success(status) {
                self.add(scope, r::RESPONSE_ERROR_STATUS_ADDED, message, os, ns);
                continue;
            }
            // progenitor gives an operation one success type: a new 2xx keeps the generated
            // return type only when its body is one the old success responses already had.
            let same_type = old
                .iter()
                .filter(|(s, _)| is_success(s))
                .any(|(_, (_, old_body))| self.same_body(old_body, new_body));
            if same_type {
                self.add(scope, r::RESPONSE_SUCCESS_STATUS_ADDED, message, os, ns);
            } else {
                let message = format!("{message} with a body of a new type");
                self.add(
                    scope,
                    r::RESPONSE_SUCCESS_STATUS_ADDED_NEW_TYPE,
                    message,
                    os,
                    ns,
                );
            }
        }
    }

    fn same_body(&self, old: &Option<Body<'a>>, new: &Option<Body<'a>>) -> bool {
        let (Some(o), Some(n)) = (old, new) else {
            return old.is_none() && new.is_none();
        };
        let kind = client_media(o.media, Side::Response);
        if kind != client_media(n.media, Side::Response) {
            return false;
        }
        match (&o.schema, &n.schema) {
            // A body the client reads as bytes is the same whatever its schema says.
            _ if !kind.typed() => true,
            (Some(os), Some(ns)) => {
                schema::compare(self.old, self.new, os.clone(), ns.clone()).is_empty()
            }
            (None, None) => true,
            _ => false,
        }
    }

    /// Adds a change of the element at `at` (old, new).
    fn add_pair(&mut self, scope: &Scope, rule: Rule, message: String, at: &Pair) {
        self.add(scope, rule, message, State::at(&at.0), State::at(&at.1));
    }

    fn schema_changes(
        &mut self,
        scope: &Scope,
        side: Side,
        subject: &str,
        changes: Vec<SchemaChange>,
    ) {
        for change in changes {
            let rule = schema_rule(side, &change);
            let message = describe(subject, &change);
            let (old_value, new_value) = change.difference.values();
            let (mut os, mut ns) = (State::at(change.old_pointer), State::at(change.new_pointer));
            match change.difference {
                Difference::PropertyAdded { .. }
                | Difference::VariantAdded { .. }
                | Difference::EnumValueAdded(_) => os.present = false,
                Difference::PropertyRemoved
                | Difference::VariantRemoved { .. }
                | Difference::EnumValueRemoved(_) => ns.present = false,
                _ => {}
            }
            let (os, ns) = (os.with(old_value), ns.with(new_value));
            self.add(scope, rule, message, os, ns);
        }
    }
}

/// A pointer into each document (old, new).
struct Pair(String, String);

impl Pair {
    fn child(&self, segments: &[&str]) -> Pair {
        Pair(
            pointer_join(&self.0, segments),
            pointer_join(&self.1, segments),
        )
    }

    fn join(&self, segments: &[&str]) -> (State, State) {
        let Pair(o, n) = self.child(segments);
        (State::at(o), State::at(n))
    }
}

/// Named elements of a document (servers by URL, schemes, schemas) with their pointers.
type Named<'a> = BTreeMap<&'a str, String>;
