//! Rust names of parameters, kept apart from the names sent on the wire.
//!
//! progenitor names a parameter's builder field, setter and local variable after the
//! parameter's name, sanitised (`progenitor_snake`: `page-size` → `page_size`, `type` →
//! `type_`), and sends it under the name as written. A crate does not compile when one
//! operation has two parameters with one Rust name, or a parameter named like something the
//! builder already has (`BUILDER_NAMES`: `send` would be a second method `send`). Such a
//! parameter is renamed for Rust only, with a warning:
//!
//! - a query or header parameter gets a *marker* name in the normalised spec (`send_param`,
//!   `page_size_2`), which is no parameter name anywhere in the document, and
//!   `restore_wire_names` puts the original name back where progenitor writes it as a
//!   string (`QueryParam::new("…", …)`, `header_map.append("…", …)`);
//! - a path parameter is not on the wire by name (its value replaces `{name}`), so the template
//!   and every declaration of it on the path are renamed together.
//!
//! Header parameters whose name is not a valid HTTP header name (a space, non-ASCII, empty)
//! are dropped with a warning: progenitor's code would panic building the request.

use std::collections::{BTreeMap, HashSet};

use heck::ToSnakeCase;
use indexmap::IndexMap;
use openapiv3::{Parameter, PathItem, ReferenceOr};
use syn::visit_mut::VisitMut;
use unicode_ident::{is_xid_continue, is_xid_start};

use crate::openapi_util::{operations_mut, parameter_data_mut};
use crate::warning::{Code, Location, Warning};

/// Names a parameter of an operation cannot have in Rust, from progenitor 0.15's builder
/// (`method.rs`, `builder_struct`): its methods `new`, `send`, `stream`; its field `client`;
/// `clone`, which `stream` calls on the builder; and `header_map`, the local variable that
/// `send` declares before it reads the parameters. `body` and `body_map` are added when the
/// operation has a request body.
pub(crate) const BUILDER_NAMES: &[&str] =
    &["new", "send", "stream", "client", "clone", "header_map"];

/// What `rename_parameters` did: marker name → wire name, for `restore_wire_names`.
pub type WireNames = BTreeMap<String, String>;

/// Renames parameters whose Rust names collide (see the module documentation) and drops header
/// parameters with invalid names. Returns the marker names given to query and header
/// parameters with their wire names.
pub(crate) fn rename_parameters(
    items: &mut IndexMap<String, PathItem>,
    warnings: &mut Vec<Warning>,
) -> WireNames {
    let mut in_use = names_in_use(items);
    let mut wire = WireNames::new();
    let mut renamed: IndexMap<String, PathItem> = IndexMap::with_capacity(items.len());
    for (mut path, mut item) in std::mem::take(items) {
        // Warnings name the path as the spec has it, before any marker.
        let spec_path = path.clone();
        let has_body = item.iter().any(|(_, op)| op.request_body.is_some());
        let path_renames = path_template_renames(&path, has_body, &mut in_use);
        for (name, marker) in &path_renames {
            path = path.replace(&format!("{{{name}}}"), &format!("{{{marker}}}"));
        }
        for (method, op) in operations_mut(&mut item) {
            let at = Location::operation(method, &spec_path);
            let renames = Renames {
                path: &path_renames,
                in_use: &mut in_use,
                wire: &mut wire,
                warnings: &mut *warnings,
            };
            op.parameters = renames.operation(&at, op);
        }
        renamed.insert(path, item);
    }
    *items = renamed;
    wire
}

/// Every parameter name and path template name of the spec: a marker must be none of them.
fn names_in_use(items: &IndexMap<String, PathItem>) -> HashSet<String> {
    let mut in_use: HashSet<String> = HashSet::new();
    for (path, item) in items.iter() {
        in_use.extend(template(path));
        for (_, op) in item.iter() {
            in_use.extend(params(&op.parameters).map(|p| p.parameter_data_ref().name.clone()));
        }
    }
    in_use
}

/// Path parameters: one renaming for the template and all its operations, name → marker.
fn path_template_renames(
    path: &str,
    has_body: bool,
    in_use: &mut HashSet<String>,
) -> BTreeMap<String, String> {
    let mut taken = reserved_names(has_body);
    let mut path_renames = BTreeMap::new();
    for name in template(path) {
        let rust = progenitor_snake(&name);
        if taken.contains(&rust) {
            let marker = marker(&rust, in_use, &taken);
            taken.insert(progenitor_snake(&marker));
            path_renames.insert(name, marker);
        } else {
            taken.insert(rust);
        }
    }
    path_renames
}

/// The renaming of one operation's parameters.
struct Renames<'a> {
    /// The path template's renames (name → marker).
    path: &'a BTreeMap<String, String>,
    in_use: &'a mut HashSet<String>,
    wire: &'a mut WireNames,
    warnings: &'a mut Vec<Warning>,
}

impl Renames<'_> {
    /// `op`'s parameters: path ones as the template renamed them, query and header ones
    /// renamed when their Rust names are taken, headers with invalid names dropped.
    fn operation(self, at: &Location, op: &openapiv3::Operation) -> Vec<ReferenceOr<Parameter>> {
        let mut taken = reserved_names(op.request_body.is_some());
        let mut kept = Vec::new();
        for mut p in params(&op.parameters).cloned().collect::<Vec<_>>() {
            let name = p.parameter_data_ref().name.clone();
            if let Parameter::Path { parameter_data, .. } = &mut p {
                if let Some(marker) = self.path.get(&name) {
                    parameter_data.name = marker.clone();
                    self.warnings
                        .push(rename_warning(at, "path", &name, marker));
                }
                taken.insert(progenitor_snake(&parameter_data.name));
            }
            kept.push(p);
        }
        let mut final_params = Vec::new();
        for mut p in kept {
            let name = p.parameter_data_ref().name.clone();
            let location = match &p {
                Parameter::Path { .. } => {
                    final_params.push(ReferenceOr::Item(p));
                    continue;
                }
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Cookie { .. } => "cookie",
            };
            if location == "header" && !is_header_name(&name) {
                self.warnings.push(Warning::new(
                    Code::HeaderParameterDropped,
                    at.clone(),
                    format!(
                        "header parameter `{}` is not a valid HTTP header name; dropped",
                        name.escape_debug()
                    ),
                ));
                continue;
            }
            let rust = progenitor_snake(&name);
            if taken.contains(&rust) {
                let marker = marker(&rust, self.in_use, &taken);
                self.warnings
                    .push(rename_warning(at, location, &name, &marker));
                self.wire.insert(marker.clone(), name);
                parameter_data_mut(&mut p).name = marker.clone();
                taken.insert(progenitor_snake(&marker));
            } else {
                taken.insert(rust);
            }
            final_params.push(ReferenceOr::Item(p));
        }
        final_params
    }
}

/// Puts the wire names of renamed query and header parameters back into progenitor's output:
/// the first argument of `QueryParam::new` and of `header_map.append`, the only places it
/// writes a parameter's name as a string.
pub(crate) fn restore_wire_names(file: &mut syn::File, wire: &WireNames) {
    struct Names<'w>(&'w WireNames);
    impl Names<'_> {
        fn restore(&self, arg: Option<&mut syn::Expr>) {
            if let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            })) = arg
            {
                if let Some(original) = self.0.get(&s.value()) {
                    *s = syn::LitStr::new(original, s.span());
                }
            }
        }
    }
    impl VisitMut for Names<'_> {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            syn::visit_mut::visit_expr_call_mut(self, call);
            let is_query_param = matches!(&*call.func, syn::Expr::Path(p)
                if p.path.segments.len() >= 2
                    && p.path.segments[p.path.segments.len() - 2].ident == "QueryParam"
                    && p.path.segments[p.path.segments.len() - 1].ident == "new");
            if is_query_param {
                self.restore(call.args.first_mut());
            }
        }
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            let on_header_map = matches!(&*call.receiver, syn::Expr::Path(p)
                if p.path.is_ident("header_map"));
            if on_header_map && call.method == "append" {
                self.restore(call.args.first_mut());
            }
        }
    }
    if !wire.is_empty() {
        Names(wire).visit_file_mut(file);
    }
}

/// The identifier progenitor 0.15 makes of a parameter name (`util::sanitize`, snake case),
/// exactly, so that collisions are seen as rustc will see them.
pub(crate) fn progenitor_snake(input: &str) -> String {
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => input
            .replace('\'', "")
            .replace(|c: char| !is_xid_continue(c), "-")
            .to_snake_case(),
    };
    let out = match out.chars().next() {
        None => "x".to_owned(),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// typify's `accept_as_ident` list, which progenitor's `sanitize` uses.
fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

/// An HTTP header name as `http::HeaderName` accepts it: a non-empty token.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn reserved_names(has_body: bool) -> HashSet<String> {
    let mut set: HashSet<String> = BUILDER_NAMES.iter().map(|s| s.to_string()).collect();
    if has_body {
        set.extend(["body".to_owned(), "body_map".to_owned()]);
    }
    set
}

/// A new name for a parameter whose Rust name is `rust`: `{rust}_param` for a name the
/// builder has, else `{rust}_2`, `{rust}_3`…; never a name in use anywhere in the document,
/// and never a Rust name already `taken` in the operation. The name is then in use.
fn marker(rust: &str, in_use: &mut HashSet<String>, taken: &HashSet<String>) -> String {
    let stem = rust.trim_end_matches('_');
    let builder = BUILDER_NAMES.contains(&rust) || matches!(rust, "body" | "body_map");
    let mut k = if builder { 1 } else { 2 };
    loop {
        let candidate = match (builder, k) {
            (true, 1) => format!("{stem}_param"),
            (true, k) => format!("{stem}_param_{k}"),
            (false, k) => format!("{stem}_{k}"),
        };
        if !in_use.contains(&candidate) && !taken.contains(&progenitor_snake(&candidate)) {
            in_use.insert(candidate.clone());
            return candidate;
        }
        k += 1;
    }
}

fn rename_warning(at: &Location, location: &str, name: &str, marker: &str) -> Warning {
    Warning::new(
        Code::ParameterRenamed,
        at.clone(),
        format!(
            "{location} parameter `{}` is `{marker}` in Rust (the builder or another \
             parameter has its Rust name); the API still sees `{}`",
            name.escape_debug(),
            name.escape_debug()
        ),
    )
}

fn template(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn params(list: &[ReferenceOr<Parameter>]) -> impl Iterator<Item = &Parameter> {
    list.iter().filter_map(ReferenceOr::as_item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitised_as_progenitor_does() {
        for (input, ident) in [
            ("page-size", "page_size"),
            ("Send", "send"),
            ("type", "type_"),
            ("self", "self_"),
            ("1st", "_1st"),
            ("", "x"),
            ("🦀", "x"),
            ("user's", "users"),
            ("日本語", "日本語"),
        ] {
            assert_eq!(progenitor_snake(input), ident, "{input}");
        }
    }

    #[test]
    fn header_names_are_tokens() {
        assert!(is_header_name("X-Request-Id"));
        for bad in ["", "X Id", "é", "a:b", "a\nb"] {
            assert!(!is_header_name(bad), "{bad:?}");
        }
    }
}
