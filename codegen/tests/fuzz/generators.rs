//! The first two generators: arbitrary JSON whose keys lean toward Postman's and whose strings
//! toward what collections hold, and collections built item by item, each field sometimes
//! swapped for arbitrary JSON.

use proptest::prelude::*;
use serde_json::{json, Map, Number, Value};

/// Keys that Postman collections (and their saved responses) use, so that generated objects
/// look enough like a collection to get past the first checks.
const KEYS: &[&str] = &[
    "info",
    "item",
    "request",
    "url",
    "response",
    "body",
    "header",
    "auth",
    "name",
    "schema",
    "method",
    "raw",
    "host",
    "path",
    "query",
    "variable",
    "key",
    "value",
    "id",
    "mode",
    "formdata",
    "urlencoded",
    "graphql",
    "options",
    "language",
    "code",
    "status",
    "_postman_previewlanguage",
    "originalRequest",
    "type",
    "description",
    "content",
    "disabled",
    "protocol",
    "port",
    "collection",
    "version",
    "cookie",
    "event",
    "basic",
    "bearer",
    "apikey",
    "oauth2",
    "in",
    "src",
];

/// Strings that have broken converters: placeholders, variables, path parameters in every
/// spelling, YAML-significant text, unicode and control characters.
const TRICKY: &[&str] = &[
    "",
    " ",
    "<uuid>",
    "<string>",
    "<integer>",
    "<dateTime>",
    "{{baseUrl}}",
    "{{var}}",
    "{{a}}{{b}}",
    "{{",
    "}}",
    ":id",
    ":",
    "::",
    "{id}",
    "{",
    "}",
    "{}",
    "/",
    "//",
    "?",
    "#",
    "&",
    "=",
    "..",
    "%20",
    "users",
    "v1",
    "{{baseUrl}}/users/:id",
    "https://api.example.com/v1/{{x}}/:y?a=1&b={{c}}#frag",
    "/a/{b}/:c/{{d}}/",
    "application/json",
    "application/xml",
    "Bearer {{token}}",
    "json",
    "xml",
    "text",
    "html",
    "GET",
    "post",
    "PATCH",
    "FOO",
    "7841-14-03",
    "2021-01-31",
    "yes",
    "no",
    "null",
    "true",
    "~",
    "- a",
    "key: value",
    "'",
    "\"",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "é",
    "日本語",
    "🦀",
    "\u{0}",
    "\u{7f}",
    "\u{feff}",
    "\u{2028}",
    "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    "https://schema.getpostman.com/json/collection/v2.0.0/collection.json",
    "{\"id\": 1, \"name\": \"x\", \"tags\": [\"a\"], \"n\": null}",
    "[{\"a\": 1}, {\"a\": \"b\"}, {}]",
    "<?xml version=\"1.0\"?><a>1</a>",
];

fn tricky_string() -> BoxedStrategy<String> {
    prop_oneof![
        12 => prop::sample::select(TRICKY).prop_map(str::to_string),
        4 => "[a-zA-Z0-9_:{}<>/?&=.# -]{0,16}",
        3 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
        // Long strings, where quadratic work or line wrapping would show.
        1 => (prop::sample::select(TRICKY), 20usize..200).prop_map(|(s, n)| s.repeat(n)),
    ]
    .boxed()
}

fn key() -> BoxedStrategy<String> {
    prop_oneof![
        8 => prop::sample::select(KEYS).prop_map(str::to_string),
        2 => tricky_string(),
    ]
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        prop::sample::select(vec![
            json!(0),
            json!(-1),
            json!(200),
            json!(201),
            json!(204),
            json!(404),
            json!(99),
            json!(600),
            json!(65_736),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(0.5),
            json!(-0.0),
            json!(1e308),
            json!(-1e-308),
        ]),
        any::<i64>().prop_map(Value::from),
        // NaN and infinities are not JSON; `from_f64` refuses them.
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
    .boxed()
}

fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => number(),
        5 => tricky_string().prop_map(Value::String),
    ]
    .boxed()
}

/// Any JSON value, objects keyed mostly by Postman's keys.
pub(super) fn json_value() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(6, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
        .boxed()
}

/// `value` most of the time, sometimes left out (`None`) or replaced by arbitrary JSON.
fn field(value: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        150 => value.prop_map(Some),
        8 => Just(None),
        1 => json_value().prop_map(Some),
    ]
    .boxed()
}

/// An object from named optional fields, dropping the absent ones.
fn object(fields: Vec<(&'static str, Option<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_string(), v?)))
            .collect::<Map<_, _>>(),
    )
}

fn segment() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "users", "v1", "items", ":id", ":userId", "{id}", "{{var}}", "<uuid>", "", ":id.json",
            "{{a}}{{b}}", ":", "{", "}", "a b", "é", "users:search", "{id}-{name}", "*",
        ])
        .prop_map(str::to_string),
        1 => tricky_string(),
    ]
    .boxed()
}

fn key_values() -> BoxedStrategy<Value> {
    prop::collection::vec(
        (
            prop_oneof![
                100 => tricky_string().prop_map(|s| Some(Value::String(s))),
                1 => Just(None),
                1 => leaf().prop_map(Some),
            ],
            // Values are strings in the schema, but exports hold numbers and nulls too.
            prop_oneof![
                100 => tricky_string().prop_map(|s| Some(Value::String(s))),
                1 => Just(None),
                1 => leaf().prop_map(Some),
            ],
            prop::option::of(any::<bool>().prop_map(Value::Bool)),
        )
            .prop_map(|(k, v, d)| object(vec![("key", k), ("value", v), ("disabled", d)])),
        0..4,
    )
    .prop_map(Value::Array)
    .boxed()
}

/// A URL as one string: `{{baseUrl}}/seg/…` followed by anything.
fn raw_url() -> BoxedStrategy<Value> {
    (prop::collection::vec(segment(), 0..5), tricky_string())
        .prop_map(|(path, tail)| Value::String(format!("{{{{baseUrl}}}}/{}{tail}", path.join("/"))))
        .boxed()
}

/// A URL as Postman v2.1 splits it, or as one string.
fn url() -> BoxedStrategy<Value> {
    let host = prop_oneof![
        Just(json!(["{{baseUrl}}"])),
        Just(json!(["api", "example", "com"])),
        tricky_string().prop_map(Value::String),
    ];
    let object_url = (
        field(prop_oneof![
            raw_url(),
            tricky_string().prop_map(Value::String)
        ]),
        field(host),
        field(prop::collection::vec(segment(), 0..5).prop_map(|s| json!(s))),
        field(key_values()),
        field(key_values()),
    )
        .prop_map(|(raw, host, path, query, variable)| {
            object(vec![
                ("raw", raw),
                ("host", host),
                ("path", path),
                ("query", query),
                ("variable", variable),
            ])
        });
    prop_oneof![3 => object_url, 1 => raw_url()].boxed()
}

/// JSON text for bodies: usually a serialised JSON value, sometimes any string.
fn body_text() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => json_value().prop_map(|v| Value::String(v.to_string())),
        1 => tricky_string().prop_map(Value::String),
    ]
    .boxed()
}

fn body() -> BoxedStrategy<Value> {
    (
        field(
            prop::sample::select(vec!["raw", "urlencoded", "formdata", "graphql", "file"])
                .prop_map(Value::from),
        ),
        field(body_text()),
        field(key_values()),
        field(key_values()),
        field(
            prop::sample::select(vec!["json", "xml", "text", "javascript", "html"])
                .prop_map(|l| json!({"raw": {"language": l}})),
        ),
        field((body_text(), body_text()).prop_map(|(q, v)| json!({"query": q, "variables": v}))),
    )
        .prop_map(|(mode, raw, urlencoded, formdata, options, graphql)| {
            object(vec![
                ("mode", mode),
                ("raw", raw),
                ("urlencoded", urlencoded),
                ("formdata", formdata),
                ("options", options),
                ("graphql", graphql),
            ])
        })
        .boxed()
}

fn auth() -> BoxedStrategy<Value> {
    (
        prop::sample::select(vec![
            "basic", "bearer", "apikey", "oauth2", "digest", "noauth", "inherit", "hawk", "weird",
        ]),
        key_values(),
    )
        .prop_map(|(kind, attrs)| json!({"type": kind, kind: attrs}))
        .boxed()
}

fn request() -> BoxedStrategy<Value> {
    let class = (
        field(
            prop_oneof![
                3 => prop::sample::select(vec!["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
                    .prop_map(str::to_string),
                1 => tricky_string(),
            ]
            .prop_map(Value::String),
        ),
        field(url()),
        field(prop_oneof![
            3 => key_values(),
            1 => tricky_string().prop_map(Value::String),
        ]),
        field(body()),
        field(auth()),
    )
        .prop_map(|(method, url, header, body, auth)| {
            object(vec![
                ("method", method),
                ("url", url),
                ("header", header),
                ("body", body),
                ("auth", auth),
            ])
        });
    // A bare string request is a GET of that URL.
    prop_oneof![5 => class, 1 => raw_url()].boxed()
}

fn response() -> BoxedStrategy<Value> {
    (
        field(tricky_string().prop_map(Value::String)),
        field(prop_oneof![
            12 => prop::sample::select(vec![200u16, 201, 204, 400, 404, 500]).prop_map(Value::from),
            1 => number(),
        ]),
        field(key_values()),
        field(body_text()),
        field(prop::sample::select(vec!["json", "xml", "html", "text"]).prop_map(Value::from)),
    )
        .prop_map(|(name, code, header, body, language)| {
            object(vec![
                ("name", name),
                ("code", code),
                ("header", header),
                ("body", body),
                ("_postman_previewlanguage", language),
            ])
        })
        .boxed()
}

fn request_item() -> BoxedStrategy<Value> {
    (
        field(tricky_string().prop_map(Value::String)),
        request(),
        field(prop::collection::vec(response(), 0..4).prop_map(Value::Array)),
    )
        .prop_map(|(name, request, response)| {
            object(vec![
                ("name", name),
                ("request", Some(request)),
                ("response", response),
            ])
        })
        .boxed()
}

/// Items: requests, and folders of items up to three levels deep.
fn items() -> BoxedStrategy<Value> {
    // Empty folders are rare in practice and test little: mostly at least one item.
    let leaf_items = prop::collection::vec(request_item(), 1..4).prop_map(Value::Array);
    leaf_items
        .prop_recursive(3, 24, 4, |inner| {
            prop::collection::vec(
                prop_oneof![
                    3 => request_item(),
                    1 => (field(tricky_string().prop_map(Value::String)), inner, field(auth()))
                        .prop_map(|(name, item, auth)| {
                            object(vec![("name", name), ("item", Some(item)), ("auth", auth)])
                        }),
                ],
                1..5,
            )
            .prop_map(Value::Array)
        })
        .boxed()
}

/// A collection built part by part, occasionally wrapped as Postman's API returns it.
pub(super) fn postman_like() -> BoxedStrategy<Value> {
    let schema = prop_oneof![
        Just(json!(
            "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        )),
        Just(json!(
            "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"
        )),
        leaf(),
    ];
    (
        field(tricky_string().prop_map(Value::String)),
        field(schema),
        field(items()),
        field(auth()),
        field(key_values()),
        any::<bool>(),
    )
        .prop_map(|(name, schema, item, auth, variable, wrap)| {
            let info = object(vec![("name", name), ("schema", schema)]);
            let collection = object(vec![
                ("info", Some(info)),
                ("item", item),
                ("auth", auth),
                ("variable", variable),
            ]);
            if wrap {
                json!({ "collection": collection })
            } else {
                collection
            }
        })
        .boxed()
}
