//! Typing an item's parts with the `postman_collection` crate's types: saved responses, the
//! body, the URL (raw or split) and headers, each made to fit where a loose part does not matter
//! to the spec.

use postman_collection::v2_1_0 as pm;
use serde_json::Value;

use super::model::{description_union, KeyValue, RequestBody, SavedResponse, Url};
use super::walker::{scalar_text, Walker};
use crate::status;
use crate::warning::{Code, Location};

impl Walker {
    /// The item's saved responses with a status code (from the code, the status text or
    /// the example's name); one with none is skipped with a warning.
    pub(super) fn saved_responses(
        &mut self,
        item: &Value,
        saved: Option<Vec<pm::ResponseClass>>,
        path: &str,
    ) -> Vec<SavedResponse> {
        let mut responses = Vec::new();
        for (i, r) in saved.into_iter().flatten().enumerate() {
            let rname = r
                .name
                .clone()
                .unwrap_or_else(|| format!("response {}", i + 1));
            // Postman may store only the status text (`"status": "OK"`); the example's name
            // is the last resort (`"Not Found (unknown id)"`).
            let Some(code) = r
                .code
                .and_then(|c| u16::try_from(c).ok())
                .filter(|c| (100..=599).contains(c))
                .or_else(|| r.status.as_deref().and_then(status::from_status_text))
                .or_else(|| r.name.as_deref().and_then(status::from_example_name))
            else {
                self.warn(
                    Code::ResponseWithoutStatus,
                    Location::Item(path.to_owned()),
                    format!(
                        "saved response `{rname}` has no status code, and neither its status \
                         text nor its name names one; skipped"
                    ),
                );
                continue;
            };
            let preview_language = item
                .pointer(&format!("/response/{i}/_postman_previewlanguage"))
                .and_then(Value::as_str)
                .map(str::to_string);
            responses.push(SavedResponse {
                name: rname,
                code,
                headers: r.header.map(headers_list).unwrap_or_default(),
                body: r.body.filter(|b| !b.trim().is_empty()),
                preview_language,
            });
        }
        responses
    }

    pub(super) fn body(&mut self, body: pm::Body, path: &str) -> Option<RequestBody> {
        let language = body
            .options
            .as_ref()
            .and_then(|o| o.pointer("/raw/language"))
            .and_then(Value::as_str)
            .map(str::to_string);
        match body.mode {
            Some(pm::Mode::Raw) | None => body
                .raw
                .filter(|t| !t.trim().is_empty())
                .map(|text| RequestBody::Raw { text, language }),
            Some(pm::Mode::Urlencoded) => Some(RequestBody::UrlEncoded(
                body.urlencoded
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| {
                        let description = p.description.as_ref();
                        KeyValue::field(p.key, p.value, description, p.disabled, p.parameter_type)
                    })
                    .collect(),
            )),
            Some(pm::Mode::Formdata) => Some(RequestBody::FormData(
                body.formdata
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| {
                        let description = p.description.as_ref();
                        KeyValue::field(
                            p.key,
                            p.value,
                            description,
                            p.disabled,
                            p.form_parameter_type,
                        )
                    })
                    .collect(),
            )),
            Some(pm::Mode::Graphql) => {
                let gql = body.graphql.unwrap_or(Value::Null);
                let query = gql.get("query").and_then(Value::as_str);
                match query {
                    Some(q) => Some(RequestBody::GraphQl {
                        query: q.to_string(),
                        variables: gql
                            .get("variables")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    }),
                    None => {
                        self.warn(
                            Code::GraphqlWithoutQuery,
                            Location::Item(path.to_owned()),
                            "GraphQL body without a query; body skipped",
                        );
                        None
                    }
                }
            }
            Some(pm::Mode::File) => Some(RequestBody::File),
        }
    }
}

pub(super) fn url_parts(url: &pm::Url) -> Url {
    match url {
        pm::Url::String(raw) => parse_raw_url(raw),
        pm::Url::UrlClass(u) => {
            let from_raw = u.raw.as_deref().map(parse_raw_url).unwrap_or_default();
            let host = match &u.host {
                Some(pm::Host::String(h)) => h.clone(),
                Some(pm::Host::StringArray(parts)) => parts.join("."),
                None => from_raw.host.clone(),
            };
            let path = match &u.path {
                Some(pm::UrlPath::String(p)) => split_path(p),
                Some(pm::UrlPath::UnionArray(parts)) => parts
                    .iter()
                    .map(|p| match p {
                        pm::PathElement::String(s) => s.clone(),
                        pm::PathElement::PathClass(c) => c.value.clone().unwrap_or_default(),
                    })
                    .collect(),
                None => from_raw.path.clone(),
            };
            let query = match &u.query {
                Some(q) => q
                    .iter()
                    .filter_map(|q| {
                        let description = q.description.as_ref();
                        let (key, value) = (q.key.clone()?, q.value.clone());
                        Some(KeyValue::field(key, value, description, q.disabled, None))
                    })
                    .collect(),
                None => from_raw.query.clone(),
            };
            let variables = u
                .variable
                .iter()
                .flatten()
                .filter_map(|v| {
                    Some(KeyValue {
                        key: v.key.clone().or_else(|| v.id.clone())?,
                        value: v.value.as_ref().and_then(scalar_text),
                        description: v.description.as_ref().and_then(description_union),
                        disabled: v.disabled == Some(true),
                        kind: None,
                    })
                })
                .collect();
            Url {
                protocol: u.protocol.clone().unwrap_or(from_raw.protocol),
                host,
                port: u.port.clone().or(from_raw.port),
                path,
                query,
                variables,
            }
        }
    }
}

/// Splits a raw URL such as `{{baseUrl}}/users/:id?active=true` into its parts.
pub fn parse_raw_url(raw: &str) -> Url {
    let raw = raw.trim();
    let (rest, _fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (protocol, rest) = match rest.split_once("://") {
        Some((p, r)) => (p.to_string(), r),
        None => (String::new(), rest),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
            (h.to_string(), Some(p.to_string()))
        }
        _ => (authority.to_string(), None),
    };
    let query = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            KeyValue {
                key: key.to_string(),
                value: Some(value.to_string()),
                ..Default::default()
            }
        })
        .collect();
    Url {
        protocol,
        host,
        port,
        path: split_path(path),
        query,
        variables: Vec::new(),
    }
}

fn split_path(path: &str) -> Vec<String> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    path.split('/').map(str::to_string).collect()
}

pub(super) fn header_kv(h: pm::Header) -> KeyValue {
    KeyValue::field(
        h.key,
        Some(h.value),
        h.description.as_ref(),
        h.disabled,
        None,
    )
}

fn headers_list(headers: pm::Headers) -> Vec<KeyValue> {
    match headers {
        pm::Headers::String(s) => parse_header_lines(&s),
        pm::Headers::UnionArray(list) => list
            .into_iter()
            .flat_map(|h| match h {
                pm::HeaderElement::Header(h) => vec![header_kv(h)],
                pm::HeaderElement::String(s) => parse_header_lines(&s),
            })
            .collect(),
    }
}

pub(super) fn parse_header_lines(text: &str) -> Vec<KeyValue> {
    text.lines()
        .filter_map(|line| {
            let (k, v) = line.split_once(':')?;
            Some(KeyValue {
                key: k.trim().to_string(),
                value: Some(v.trim().to_string()),
                ..Default::default()
            })
        })
        .collect()
}
