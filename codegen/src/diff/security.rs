//! Security requirements and schemes as a generated client meets them: which alternatives
//! (sets of schemes used together) an operation accepts, which OAuth scopes each asks for,
//! and how a scheme sends its credential.
//!
//! The client stage generates nothing per scheme (credentials are set on the `reqwest`
//! client by the caller), so what breaks a caller is a request the server now refuses: an
//! alternative gone, credentials needed where none were, a scope the caller's token may lack.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::change::code;
use super::rules::{self as r, Rule};
use crate::openapi_util::{component_name, resolve_ref};

/// Alternatives keyed by their schemes (`basicAuth + apiKey`, sorted), each with the scopes
/// every scheme asks for; the empty key is anonymous access.
type Alternatives = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn alternatives(requirements: Option<&[SecurityRequirement]>) -> Alternatives {
    let mut out = Alternatives::new();
    for requirement in requirements.unwrap_or_default() {
        let schemes: BTreeMap<String, BTreeSet<String>> = requirement
            .iter()
            .map(|(name, scopes)| (name.clone(), scopes.iter().cloned().collect()))
            .collect();
        let key: Vec<&str> = schemes.keys().map(String::as_str).collect();
        out.insert(key.join(" + "), schemes);
    }
    out
}

/// An alternative as messages show it: `oauth[read, write] + apiKey`.
fn show(schemes: &BTreeMap<String, BTreeSet<String>>) -> String {
    let parts: Vec<String> = schemes
        .iter()
        .map(|(name, scopes)| {
            if scopes.is_empty() {
                name.clone()
            } else {
                let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                format!("{name}[{}]", scopes.join(", "))
            }
        })
        .collect();
    parts.join(" + ")
}

fn list(alternatives: &Alternatives) -> String {
    let items: Vec<String> = alternatives.values().map(|a| code(&show(a))).collect();
    items.join(" or ")
}

/// The changes from `old` to `new` requirements of `what` ("the API", "the operation"), each
/// with its rule. Alternatives are matched by their schemes, so a scope added to or removed
/// from one is reported as such, not as one alternative replaced by another: a token granted
/// more scopes than asked for still works, one granted fewer may not.
pub(super) fn compare(
    old: Option<&[SecurityRequirement]>,
    new: Option<&[SecurityRequirement]>,
    what: &str,
) -> Vec<(Rule, String)> {
    let (old, new) = (alternatives(old), alternatives(new));
    let open = |alts: &Alternatives| alts.is_empty() || alts.contains_key("");
    let mut out = Vec::new();
    match (open(&old), open(&new)) {
        (true, false) => {
            let message = format!("{what} now requires {}", list(&new));
            out.push((r::API_SECURITY_ADDED, message));
        }
        (false, true) => {
            let message = format!("{what} no longer requires {}", list(&old));
            out.push((r::API_SECURITY_REMOVED, message));
        }
        (false, false) => {
            for (key, schemes) in &old {
                match new.get(key) {
                    None => {
                        let message = format!("{what} no longer accepts {}", code(&show(schemes)));
                        out.push((r::API_SECURITY_ALTERNATIVE_REMOVED, message));
                    }
                    Some(new_schemes) => scopes(what, schemes, new_schemes, &mut out),
                }
            }
            let added = new.iter().filter(|(k, _)| !old.contains_key(*k));
            for schemes in added.map(|(_, schemes)| schemes) {
                let message = format!("{what} now also accepts {}", code(&show(schemes)));
                out.push((r::API_SECURITY_ALTERNATIVE_ADDED, message));
            }
        }
        (true, true) => {}
    }
    out
}

/// Scopes added to or removed from the schemes of one alternative.
fn scopes(
    what: &str,
    old: &BTreeMap<String, BTreeSet<String>>,
    new: &BTreeMap<String, BTreeSet<String>>,
    out: &mut Vec<(Rule, String)>,
) {
    for (scheme, old_scopes) in old {
        let Some(new_scopes) = new.get(scheme) else {
            continue;
        };
        for scope in old_scopes.difference(new_scopes) {
            let message = format!(
                "{what} no longer asks for scope {} of {}",
                code(scope),
                code(scheme)
            );
            out.push((r::API_SECURITY_SCOPE_REMOVED, message));
        }
        for scope in new_scopes.difference(old_scopes) {
            let message = format!(
                "{what} now asks for scope {} of {}",
                code(scope),
                code(scheme)
            );
            out.push((r::API_SECURITY_SCOPE_ADDED, message));
        }
    }
}

/// The schemes a document's requirements name, its own and its operations'.
pub(super) fn used_schemes(doc: &OpenAPI) -> BTreeSet<&str> {
    let operations = doc
        .paths
        .paths
        .values()
        .filter_map(|item| item.as_item())
        .flat_map(|item| item.iter().map(|(_, op)| op));
    let requirements = doc
        .security
        .iter()
        .flatten()
        .chain(operations.flat_map(|op| op.security.iter().flatten()));
    requirements
        .flat_map(|requirement| requirement.keys().map(String::as_str))
        .collect()
}

/// How many `$ref`s in a row are followed to a scheme.
const MAX_REF_FOLLOWS: usize = 31;

/// What matters about a security scheme to a client: how the credential is sent. An OAuth2
/// flow's `authorizationUrl` is left out: the user's browser goes there, not the client,
/// which only presents the token it is given.
pub(super) fn scheme_signature(
    doc: &OpenAPI,
    scheme: &ReferenceOr<SecurityScheme>,
) -> Option<String> {
    let scheme = resolve_ref(scheme, MAX_REF_FOLLOWS, |name| {
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
            if flows.implicit.is_some() {
                urls.push("implicit".to_owned());
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
