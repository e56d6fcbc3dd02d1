//! Auth → `securitySchemes` (the most common auth is the document's default) and servers: the
//! document's, and an operation's own where it differs.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::naming::Namer;
use crate::postman::{Auth, Request};

/// The auth most requests use becomes the document default; others override per operation.
pub(super) fn most_common_auth(requests: &[Request]) -> Option<Auth> {
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

pub(super) fn scopes(auth: &Auth) -> Value {
    match auth {
        Auth::OAuth2 { scopes, .. } => json!(scopes),
        _ => json!([]),
    }
}

/// Security schemes by auth, named `basicAuth`, `bearerAuth`, `apiKeyAuth`, … and numbered
/// when two differ (two API keys in different headers).
#[derive(Default)]
pub(super) struct SecuritySchemes {
    names: BTreeMap<Auth, String>,
    namer: Namer,
}

impl SecuritySchemes {
    pub(super) fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub(super) fn name_of(&mut self, auth: &Auth) -> String {
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

    pub(super) fn to_json(&self) -> Value {
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
pub(super) struct Servers {
    urls: Vec<String>,
}

impl Servers {
    pub(super) fn add(&mut self, url: &str) -> usize {
        match self.urls.iter().position(|u| u == url) {
            Some(i) => i,
            None => {
                self.urls.push(url.to_string());
                self.urls.len() - 1
            }
        }
    }

    pub(super) fn entry(&self, index: usize) -> Value {
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

    pub(super) fn document_servers(&self) -> Value {
        if self.urls.is_empty() {
            return json!([{"url": "/"}]);
        }
        json!([self.entry(0)])
    }
}
