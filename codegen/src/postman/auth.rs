//! Auth: an item's own, inherited from its folders and the collection, and v2.0 auth objects
//! lifted to v2.1 lists before typing.

use serde_json::Value;

use super::model::Auth;
use super::walker::{scalar_text, Walker};
use crate::warning::{Code, Location};

impl Walker {
    /// The auth an item (or the collection) declares for itself, read from its raw JSON.
    pub(super) fn auth(&mut self, auth: Option<&Value>, at: &Location) -> OwnAuth {
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
pub(super) enum OwnAuth {
    /// Nothing, or `inherit`: its folder's (or the collection's) applies.
    Inherit,
    /// This auth; `None` for `noauth`, and for a type OpenAPI cannot say (left out with a
    /// warning rather than replaced by the inherited one, which the API would not accept).
    Declared(Option<Auth>),
}

impl OwnAuth {
    /// The auth in force, given the one the item would inherit.
    pub(super) fn or_inherited(self, inherited: Option<Auth>) -> Option<Auth> {
        match self {
            OwnAuth::Inherit => inherited,
            OwnAuth::Declared(auth) => auth,
        }
    }
}

/// v2.0 keeps auth attributes as an object (`"basic": {"username": …}`), v2.1 as a list of
/// `{key, value}`; the typed model is v2.1, so lift every auth object on the way in.
pub(super) fn lift_v20_auth(value: &mut Value) {
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
