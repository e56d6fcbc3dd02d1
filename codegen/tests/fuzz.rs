//! Property tests of [`codegen::convert`] on generated input: it must never panic, and whatever
//! spec it returns must serialise, read back as OpenAPI, name each operation once, declare every
//! `{param}` of its path templates, and come out byte-identical when converted again.
//!
//! Three generators feed the same checks:
//! - arbitrary JSON whose keys lean toward Postman's (`info`, `item`, `request`, `url`, …) and
//!   whose strings toward what collections hold (`{{var}}`, `:id`, `<uuid>`, unicode, empty);
//! - collections built item by item, each field sometimes swapped for arbitrary JSON, which
//!   reach deep into the converter where the first generator is mostly refused early;
//! - a small valid v2.1 collection with random subtrees replaced or deleted;
//!
//! and arbitrary text (including the seed cut short) must be refused without a panic. Fixed
//! tests add deep nesting, which the generators keep shallow.
//!
//! Each property runs 256 cases by default (about 10 s in all in a debug build). To search
//! longer (100,000 cases took under 7 minutes in release on 2 cores, after an 8-minute build):
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p codegen --test fuzz --release
//! ```
//!
//! A failure is shrunk to a minimal input and its seed saved in `fuzz.proptest-regressions`
//! beside this file, which is replayed first on every run: commit that file with the fix.
//!
//! The converter bugs it found are fixed and kept at the end of this file as regression
//! tests with their minimal inputs; the seed that found the first is in the regressions file.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
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
fn json_value() -> BoxedStrategy<Value> {
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
fn postman_like() -> BoxedStrategy<Value> {
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

/// A small, valid v2.1 collection touching most features: folders, inherited and own auth,
/// collection variables, path variables, query, headers, every body mode, saved responses.
fn seed_collection() -> Value {
    json!({
        "info": {
            "name": "Seed API",
            "description": "For mutation.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
        "variable": [{"key": "baseUrl", "value": "https://api.example.com/v1"}],
        "item": [
            users_folder(),
            login_request(),
            upload_request(),
            search_request(),
        ]
    })
}

/// A folder with its own auth: a GET with a path variable, query, headers and saved
/// responses, and a PATCH without auth and with a JSON body.
fn users_folder() -> Value {
    json!({
        "name": "Users",
        "auth": {"type": "apikey", "apikey": [
            {"key": "key", "value": "X-Key"}, {"key": "in", "value": "header"}
        ]},
        "item": [
            {
                "name": "Get user",
                "request": {
                    "method": "GET",
                    "header": [{"key": "Accept", "value": "application/json"},
                               {"key": "X-Trace", "value": "<uuid>"}],
                    "url": {
                        "raw": "{{baseUrl}}/users/:id?expand=true",
                        "host": ["{{baseUrl}}"],
                        "path": ["users", ":id"],
                        "query": [{"key": "expand", "value": "true"},
                                  {"key": "page", "value": "<integer>", "disabled": true}],
                        "variable": [{"key": "id", "value": "<uuid>",
                                      "description": "The user."}]
                    }
                },
                "response": [
                    {
                        "name": "OK",
                        "code": 200,
                        "status": "OK",
                        "_postman_previewlanguage": "json",
                        "header": [{"key": "Content-Type", "value": "application/json"}],
                        "body": "{\"id\": \"b1\", \"name\": \"Ann\", \"age\": 31, \"tags\": [\"a\"], \"created\": \"2021-01-31T10:00:00Z\"}"
                    },
                    {
                        "name": "Not found",
                        "code": 404,
                        "_postman_previewlanguage": "json",
                        "body": "{\"detail\": \"not found\", \"code\": \"not_found\"}"
                    }
                ]
            },
            {
                "name": "Update user",
                "request": {
                    "method": "PATCH",
                    "auth": {"type": "noauth"},
                    "url": "{{baseUrl}}/users/{{userId}}",
                    "body": {"mode": "raw", "raw": "{\"name\": \"<string>\", \"age\": 1}",
                             "options": {"raw": {"language": "json"}}}
                },
                "response": [
                    {"name": "Updated", "code": 204, "body": ""}
                ]
            }
        ]
    })
}

/// A urlencoded form body without saved responses.
fn login_request() -> Value {
    json!({
        "name": "Login",
        "request": {
            "method": "POST",
            "url": "{{baseUrl}}/login",
            "body": {"mode": "urlencoded", "urlencoded": [
                {"key": "user", "value": "ann"}, {"key": "password", "value": "<string>"}
            ]}
        }
    })
}

/// A multipart body with a file and a non-ASCII text field, two path variables, a
/// top-level array response.
fn upload_request() -> Value {
    json!({
        "name": "Upload",
        "request": {
            "method": "POST",
            "url": "{{baseUrl}}/files/:fileId/parts/:part",
            "body": {"mode": "formdata", "formdata": [
                {"key": "file", "type": "file", "src": "a.png"},
                {"key": "note", "value": "é 🦀", "type": "text"}
            ]}
        },
        "response": [{"name": "Created", "code": 201,
                      "body": "[{\"id\": 1}, {\"id\": 2, \"extra\": null}]"}]
    })
}

/// A GraphQL body.
fn search_request() -> Value {
    json!({
        "name": "Search",
        "request": {
            "method": "POST",
            "url": "{{baseUrl}}/graphql",
            "body": {"mode": "graphql",
                     "graphql": {"query": "{ users { id } }", "variables": "{}"}}
        }
    })
}

/// JSON pointers of every node of `value`, the root (`""`) included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                pointers(v, format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Replaces (`Some`) or deletes (`None`) the node at `pointer`; deleting the root empties it.
fn mutate(doc: &mut Value, pointer: &str, replacement: Option<Value>) {
    let Some(replacement) = replacement else {
        let Some((parent, last)) = pointer.rsplit_once('/') else {
            *doc = Value::Null;
            return;
        };
        let last = last.replace("~1", "/").replace("~0", "~");
        match doc.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&last);
            }
            Some(Value::Array(list)) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < list.len() {
                        list.remove(i);
                    }
                }
            }
            _ => {}
        }
        return;
    };
    if let Some(node) = doc.pointer_mut(pointer) {
        *node = replacement;
    }
}

/// An object with `info` and `item` holding arbitrary JSON, so that arbitrary values get past
/// the collection check and reach the item walker.
fn rooted_json() -> BoxedStrategy<Value> {
    (
        prop_oneof![
            Just(json!({"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"})),
            json_value(),
        ],
        prop::collection::vec(json_value(), 0..5),
    )
        .prop_map(|(info, item)| json!({"info": info, "item": item}))
        .boxed()
}

/// The seed collection with one to four subtrees replaced by arbitrary JSON or deleted.
fn mutated_seed() -> BoxedStrategy<Value> {
    prop::collection::vec(
        (any::<Index>(), prop::option::weighted(0.7, json_value())),
        1..5,
    )
    .prop_map(|edits| {
        let mut doc = seed_collection();
        for (index, replacement) in edits {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            let pointer = index.get(&all).clone();
            mutate(&mut doc, &pointer, replacement);
        }
        doc
    })
    .boxed()
}

/// The `{name}`s of a path template.
fn template_params(path: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.insert(after[..close].to_string());
        rest = &after[close + 1..];
    }
    names
}

/// Names of the path parameters in `params`, following `#/components/parameters/…` refs.
fn declared_path_params(spec: &OpenAPI, params: &[ReferenceOr<Parameter>]) -> BTreeSet<String> {
    params
        .iter()
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                match spec.components.as_ref()?.parameters.get(name)? {
                    ReferenceOr::Item(p) => Some(p),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        })
        .filter_map(|p| match p {
            Parameter::Path { parameter_data, .. } => Some(parameter_data.name.clone()),
            _ => None,
        })
        .collect()
}

/// The start of a long text, for failure messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 3000;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}\n… ({} bytes in all)", &text[..at], text.len()),
        None => text.to_string(),
    }
}

/// How long one conversion of generated input may take; they take milliseconds.
const CONVERT_TIMEOUT: Duration = Duration::from_secs(10);

/// Counts, per thread, the bytes allocated and not yet freed and their peak, so that a
/// conversion's memory can be measured while other tests run on other threads. Memory freed
/// on another thread than the one that allocated it is not seen (the counts saturate at 0).
struct Counting;

thread_local! {
    // `const` thread locals without `Drop` need no allocation and no destructor, so the
    // allocator may use them.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrank(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        shrank(layout.size());
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn grew(bytes: usize) {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn shrank(bytes: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(bytes)));
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What running a function cost on the current thread: time, the peak of memory it held
/// above what the thread held before, and how many allocations it made. Allocations count
/// work independently of the machine's load, so linearity is asserted on them, not on time.
struct Cost {
    elapsed: Duration,
    peak_bytes: usize,
    allocations: usize,
}

fn measured<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(base));
    let allocations = ALLOCATIONS.with(Cell::get);
    let start = Instant::now();
    let value = f();
    let elapsed = start.elapsed();
    let peak_bytes = PEAK.with(Cell::get).saturating_sub(base);
    (
        value,
        Cost {
            elapsed,
            peak_bytes,
            allocations: ALLOCATIONS.with(Cell::get) - allocations,
        },
    )
}

/// Asserts that `work(n)` costs at most 2.5 times the allocations of `work(n / 2)`: linear
/// work doubles, quadratic work quadruples.
fn assert_linear(what: &str, n: usize, work: impl Fn(usize)) {
    let (_, half) = measured(|| work(n / 2));
    let (_, whole) = measured(|| work(n));
    assert!(
        whole.allocations * 2 <= half.allocations * 5,
        "{what}: {} allocations for {n}, {} for {}",
        whole.allocations,
        half.allocations,
        n / 2
    );
}

/// Memory one conversion may hold: a fixed allowance plus a multiple of its input. Generated
/// inputs take a few times their size; the quadratic cases reported in issue 10 took a
/// thousand times theirs (1.2 GB for 1 MB).
fn memory_budget(input_len: usize) -> usize {
    64 * 1024 * 1024 + 200 * input_len
}

/// `codegen::convert` on a thread of its own, so that a hang fails the case instead of stalling
/// the suite, within [`CONVERT_TIMEOUT`] and [`memory_budget`]. A hung thread is left behind,
/// to die with the process; a panic is passed on.
fn convert_in_time(
    input: &str,
) -> Result<Result<codegen::Conversion, codegen::ConvertError>, TestCaseError> {
    convert_within(input, CONVERT_TIMEOUT)
}

/// [`convert_in_time`] with another time limit.
fn convert_within(
    input: &str,
    timeout: Duration,
) -> Result<Result<codegen::Conversion, codegen::ConvertError>, TestCaseError> {
    let (done, result) = mpsc::channel();
    let owned = input.to_string();
    let worker = thread::spawn(move || {
        let (conversion, cost) = measured(|| codegen::convert(&owned));
        let _ = done.send((conversion, cost.peak_bytes));
    });
    match result.recv_timeout(timeout) {
        Ok((conversion, peak)) => {
            let budget = memory_budget(input.len());
            if peak > budget {
                return Err(TestCaseError::fail(format!(
                    "codegen::convert held {peak} bytes for {} bytes of input (budget {budget})",
                    input.len()
                )));
            }
            Ok(conversion)
        }
        Err(RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!(
            "codegen::convert did not finish within {timeout:?}"
        ))),
        // The sender was dropped without sending: the conversion panicked.
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => Err(TestCaseError::fail(
                "conversion thread ended without a result",
            )),
        },
    }
}

/// Every property the converter promises for one input.
fn check(input: &str) -> Result<(), TestCaseError> {
    check_with(input, false)
}

/// [`check`] for an input the converter must accept: a regression test's fix that turned into
/// a refusal fails.
fn check_accepted(input: &str) -> Result<(), TestCaseError> {
    check_with(input, true)
}

fn check_with(input: &str, must_accept: bool) -> Result<(), TestCaseError> {
    // A panic here fails the case; proptest catches it and shrinks the input.
    let first = match convert_in_time(input)? {
        Ok(first) => first,
        Err(e) if must_accept => return Err(TestCaseError::fail(format!("refused: {e}"))),
        // Refusing bad input with an error is the right outcome.
        Err(_) => return Ok(()),
    };
    codegen::validate::validate(&first.document)
        .map_err(|e| TestCaseError::fail(format!("not valid OpenAPI: {e}")))?;
    let yaml = codegen::to_yaml(&first.document);
    let back: serde_json::Value = yaml_serde::from_str(&yaml)
        .map_err(|e| TestCaseError::fail(format!("YAML does not read back: {e}")))?;
    prop_assert!(
        back == first.document,
        "YAML reads back as another document\n{}",
        excerpt(&yaml)
    );
    let back: OpenAPI = match serde_json::from_value(back) {
        Ok(back) => back,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "YAML does not read back as OpenAPI: {e}\n{}",
                excerpt(&yaml)
            )))
        }
    };

    let mut operation_ids = BTreeSet::new();
    for (path, item) in &back.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let wanted = template_params(path);
        for (method, op) in item.iter() {
            if let Some(id) = &op.operation_id {
                prop_assert!(
                    operation_ids.insert(id.clone()),
                    "operationId `{id}` used twice (again on {method} {path})"
                );
            }
            let mut declared = declared_path_params(&back, &item.parameters);
            declared.extend(declared_path_params(&back, &op.parameters));
            for name in &wanted {
                prop_assert!(
                    declared.contains(name),
                    "{method} {path}: path parameter `{name}` not declared (declared: {declared:?})"
                );
            }
        }
    }

    let misfits = support::parameter_example_misfits(&first.document);
    prop_assert!(misfits.is_empty(), "{misfits:?}");

    let again = convert_in_time(input)?
        .map_err(|e| TestCaseError::fail(format!("second conversion failed: {e}")))?;
    let yaml_again = codegen::to_yaml(&again.document);
    prop_assert!(yaml == yaml_again, "converting twice gave different YAML");
    Ok(())
}

fn config() -> ProptestConfig {
    // `ProptestConfig::default()` reads PROPTEST_CASES (default 256).
    ProptestConfig {
        // Shrinking a deep JSON tree can take long; bound it so a failure reports promptly.
        max_shrink_iters: 4096,
        // A hang costs CONVERT_TIMEOUT per shrink step: give up shrinking after two minutes.
        max_shrink_time: 120_000,
        // `fuzz.proptest-regressions` beside this file. The default (`SourceParallel`) finds
        // the same path but first looks for a lib.rs, and warns on every run that it has none.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_json(value in prop_oneof![json_value(), rooted_json()]) {
        check(&value.to_string())?;
    }

    /// The YAML writer on its own: any JSON value, tricky strings and keys included, reads
    /// back as itself.
    #[test]
    fn yaml_reads_back_as_written(value in json_value()) {
        let yaml = codegen::to_yaml(&value);
        let back: Value = yaml_serde::from_str(&yaml)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", excerpt(&yaml))))?;
        prop_assert!(back == value, "read back as another value\n{}", excerpt(&yaml));
    }

    #[test]
    fn postman_shaped(value in postman_like()) {
        check(&value.to_string())?;
    }

    #[test]
    fn mutated_collection(value in mutated_seed()) {
        check(&value.to_string())?;
    }

    /// Not JSON at all, or JSON cut short: must be an error, never a panic.
    #[test]
    fn arbitrary_text(text in prop_oneof![
        any::<String>(),
        (any::<Index>()).prop_map(|i| {
            let full = seed_collection().to_string();
            let cut = i.index(full.len());
            full.char_indices().map(|(at, _)| at).take_while(|&at| at <= cut).last()
                .map_or(String::new(), |at| full[..at].to_string())
        }),
    ]) {
        check(&text)?;
    }
}

/// The seed converts: the mutation tests start from something the converter accepts.
#[test]
fn seed_converts() {
    let seed = seed_collection().to_string();
    let conversion = codegen::convert(&seed).expect("the seed collection converts");
    assert!(conversion.spec().unwrap().paths.paths.len() >= 4);
    check(&seed).expect("the seed collection satisfies every property");
}

/// Guards the generators themselves: if a change made them produce only refused input, every
/// property would pass vacuously.
#[test]
fn generators_reach_operations() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    for (label, strategy) in [
        ("postman_like", postman_like()),
        ("mutated_seed", mutated_seed()),
    ] {
        let mut runner = TestRunner::deterministic();
        let mut with_operations = 0;
        for _ in 0..200 {
            let value = strategy
                .new_tree(&mut runner)
                .expect("generators never reject")
                .current();
            if codegen::convert(&value.to_string())
                .is_ok_and(|c| c.spec().is_ok_and(|s| s.operations().count() > 0))
            {
                with_operations += 1;
            }
        }
        // Measured at about 40% for both; a quarter leaves room for generator tweaks.
        assert!(
            with_operations >= 50,
            "{label}: only {with_operations}/200 inputs converted to a spec with operations"
        );
    }
}

/// A collection with one POST whose request body and saved response are both `body`.
fn with_body(body: &str) -> String {
    json!({
        "info": {"name": "deep", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "a",
            "request": {"method": "POST", "url": "https://h/x",
                        "body": {"mode": "raw", "raw": body, "options": {"raw": {"language": "json"}}}},
            "response": [{"name": "ok", "code": 200, "_postman_previewlanguage": "json", "body": body}]
        }]
    })
    .to_string()
}

/// Deep nesting in bodies and folders, on a test thread's 2 MiB stack: no stack overflow,
/// which no `catch_unwind` could report.
#[test]
fn deep_nesting() {
    check_accepted(&with_body(&format!(
        "{}1{}",
        r#"{"a":"#.repeat(100),
        "}".repeat(100)
    )))
    .unwrap();
    check_accepted(&with_body(&format!(
        "{}1{}",
        "[".repeat(40),
        "]".repeat(40)
    )))
    .unwrap();

    let mut item = json!({"name": "leaf", "request": {"method": "GET", "url": "https://h/y"}});
    for i in 0..100 {
        item = json!({"name": format!("folder {i}"), "item": [item]});
    }
    // `json!` builds the value directly, without the parser's depth limit of 128. Folders
    // 100 deep are over 200 JSON levels, past that limit: a refusal is a right answer here,
    // a stack overflow is not.
    let collection = json!({"info": {"name": "deep", "schema": "v2.1"}, "item": [item]});
    check(&collection.to_string()).unwrap();
}

// Converter bugs the fuzzer found, with their minimal inputs.

/// A JSON object key that looks like a YAML 1.1 date, under which an object or list follows,
/// e.g. a form field or a response property `7841-14-03`. `yaml.rs` once took the key line
/// `7841-14-03:` for a scalar value and quoted it with its colon: `'7841-14-03:'`, which is
/// not YAML. Found by `postman_shaped` (seed in `fuzz.proptest-regressions`).
#[test]
fn date_like_key_stays_yaml() {
    let collection = json!({
        "info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "a", "request": {"method": "POST", "url": "https://h/x",
            "body": {"mode": "urlencoded", "urlencoded": [{"key": "7841-14-03", "value": ""}]}}}]
    });
    check_accepted(&collection.to_string()).unwrap();
}

/// A saved response whose JSON body nests 119 objects deep (serde_json reads up to 128): the
/// example lands in the spec about 9 levels down, and the YAML exceeded yaml_serde's recursion
/// limit of 128 when read back. Examples that deep are now left out with a warning.
#[test]
fn deep_example_leaves_readable_yaml() {
    let depth = 119;
    check_accepted(&with_body(&format!(
        "{}1{}",
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    )))
    .unwrap();
}

/// A body of 100 nested arrays (`[[[…1…]]]`, 201 bytes) gave a schema 100 `items` deep, and
/// `codegen::convert` overflowed a 2 MiB thread stack turning the document into
/// `openapiv3::OpenAPI`: an abort, not an error. Shapes are now typed as any value past
/// `infer::MAX_DEPTH` levels.
#[test]
fn nested_arrays_stay_within_the_stack() {
    let depth = 100;
    check_accepted(&with_body(&format!(
        "{}1{}",
        "[".repeat(depth),
        "]".repeat(depth)
    )))
    .unwrap();
}

/// A collection variable whose value names itself, `baseUrl = {{baseUrl}}`, as exports hold
/// when a collection variable stands in for an environment variable of the same name:
/// `openapi::template` substituted `{{name}}` until none was left, so it looped forever
/// (`a = {{b}}`, `b = {{a}}` too). Found by `mutated_collection` in a 100,000-case run;
/// substitution is now bounded.
#[test]
fn self_referencing_variable_terminates() {
    let collection = json!({
        "info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": [{"key": "baseUrl", "value": "{{baseUrl}}"}],
        "item": [{"name": "a", "request": {"method": "GET", "url": "{{baseUrl}}/users"}}]
    })
    .to_string();
    check_accepted(&collection).unwrap();
}

// Inputs of the sizes reported in issue 10 (cause 8), each within a memory budget and with
// work (allocations) linear in its size. Each took over a minute, or gigabytes, in a release
// build; in a debug build they now take a few seconds. Time is measured by `cargo xtask bench`,
// not asserted here: a loaded machine would make any limit flaky.

fn collection(variables: Value, items: Value) -> String {
    json!({
        "info": {"name": "large", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "variable": variables,
        "item": items
    })
    .to_string()
}

/// `codegen::convert` within [`memory_budget`], on the current thread.
fn convert_large(input: &str) -> Result<codegen::Conversion, codegen::ConvertError> {
    let (conversion, cost) = measured(|| codegen::convert(input));
    let budget = memory_budget(input.len());
    assert!(
        cost.peak_bytes <= budget,
        "held {} bytes for {} bytes of input (budget {budget})",
        cost.peak_bytes,
        input.len()
    );
    conversion
}

/// Variables that expand into each other (`a = {{a}}{{a}}…`, 1 MB) are refused at a limit
/// that names the item and field, instead of growing into gigabytes; a URL that repeats a
/// variable 400,000 times resolves within the budget.
#[test]
fn variables_expanding_into_each_other_are_refused() {
    let input = collection(
        json!([{"key": "a", "value": "{{a}}".repeat(200_000)}]),
        json!([{"name": "r", "request": {"method": "GET", "url": "https://h/x/{{a}}"}}]),
    );
    let err = convert_large(&input).unwrap_err().to_string();
    assert!(
        err.contains("item `r`, field `request.url.path[1]`") && err.contains("65536"),
        "{err}"
    );

    let input = collection(
        json!([{"key": "a", "value": "v"}]),
        json!([{"name": "r", "request": {"method": "GET", "url": format!("https://h/{}", "{{a}}".repeat(400_000))}}]),
    );
    convert_large(&input).unwrap();
}

/// One URL with 150,000 distinct path parameters (1.2 MB): every one declared, with linear
/// work.
#[test]
fn a_url_with_many_path_parameters_is_linear() {
    let convert = |n: usize| {
        let path: Vec<String> = (0..n).map(|i| format!(":p{i}")).collect();
        let input = collection(
            json!([]),
            json!([{"name": "r", "request": {"method": "GET", "url": format!("https://h/{}", path.join("/"))}}]),
        );
        let conversion = convert_large(&input).unwrap();
        let params = conversion.document["paths"]
            .as_object()
            .and_then(|paths| paths.values().next())
            .and_then(|item| item["get"]["parameters"].as_array())
            .map_or(0, Vec::len);
        assert_eq!(params, n);
    };
    assert_linear("path parameters", 150_000, convert);
}

/// 20,000 requests to one path whose saved examples share one name: numbered in one pass.
#[test]
fn many_examples_of_one_name_are_linear() {
    let convert = |n: usize| {
        let items: Vec<Value> = (0..n)
            .map(|i| {
                json!({"name": format!("r{i}"), "request": {"method": "GET", "url": "https://h/x"},
                        "response": [{"name": "same", "code": 200, "body": "{\"a\": 1}"}]})
            })
            .collect();
        let conversion = convert_large(&collection(json!([]), json!(items))).unwrap();
        let examples = conversion.document["paths"]["/x"]["get"]["responses"]["200"]["content"]
            ["application/json"]["examples"]
            .as_object()
            .expect("examples");
        assert_eq!(examples.len(), n);
        assert!(examples.contains_key("same") && examples.contains_key(&format!("same{n}")));
    };
    assert_linear("examples of one name", 20_000, convert);
}

/// Many requests of distinct paths sharing one response shape (issue 23, cause 6: 200k took
/// 10× as long as 50k): one component, with linear work.
#[test]
fn many_requests_sharing_a_shape_are_linear() {
    let convert = |n: usize| {
        let items: Vec<Value> = (0..n)
            .map(|i| {
                json!({"name": format!("r{i}"), "request": {"method": "GET", "url": format!("https://h/r{i}/x")},
                       "response": [{"name": "ok", "code": 200, "body": "{\"id\": \"a\", \"n\": 1.5, \"o\": {\"k\": [1]}}",
                                     "header": [{"key": "Content-Type", "value": "application/json"}]}]})
            })
            .collect();
        let conversion = convert_large(&collection(json!([]), json!(items))).unwrap();
        assert_eq!(
            conversion.document["paths"]
                .as_object()
                .map_or(0, |p| p.len()),
            n
        );
    };
    assert_linear("requests sharing a shape", 4_000, convert);
}

/// YAML nested 100,000 deep, as an overlay and as a spec to diff, in each flow form: refused
/// with the limit and the position, before the parser spends time on it.
#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    let n = 100_000;
    for (open, close) in [("[", "]"), ("{", "}"), ("{a: ", "}")] {
        let deep = format!("{}1{}", open.repeat(n), close.repeat(n));
        let overlay = format!(
            "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n  - target: $\n    update: {deep}\n"
        );
        let spec = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {deep}\n");
        let (overlay_err, overlay_cost) = measured(|| {
            codegen::overlay::Overlay::parse(&overlay)
                .unwrap_err()
                .to_string()
        });
        let (spec_err, spec_cost) =
            measured(|| codegen::diff::parse(&spec).unwrap_err().to_string());
        for (err, cost, line) in [(overlay_err, overlay_cost, 5), (spec_err, spec_cost, 3)] {
            assert!(
                err.contains(&format!(
                    "deeper than {} levels at line {line}",
                    codegen::MAX_NESTING
                )),
                "{err}"
            );
            assert!(
                cost.elapsed < Duration::from_secs(5),
                "{open}: {:?}",
                cost.elapsed
            );
            assert!(
                cost.peak_bytes < memory_budget(deep.len()),
                "{}",
                cost.peak_bytes
            );
        }
    }
}

/// `$..*..*..*..*..*` on the committed Belvo spec (one `..*` more than the 53 s, 5.9 GB case):
/// each node once, the same nodes as the depth says, within budget.
#[test]
fn repeated_descendant_targets_are_linear() {
    let spec =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml"))
            .unwrap();
    let doc: Value = codegen::from_yaml(&spec).unwrap();
    fn at_depth_from(value: &Value, depth: usize, from: usize) -> usize {
        let children: Vec<&Value> = match value {
            Value::Object(map) => map.values().collect(),
            Value::Array(items) => items.iter().collect(),
            _ => Vec::new(),
        };
        usize::from(depth >= from)
            + children
                .into_iter()
                .map(|c| at_depth_from(c, depth + 1, from))
                .sum::<usize>()
    }
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $..*..*..*..*..*\n    remove: true\n";
    let mut edited = doc.clone();
    let (report, cost) = measured(|| codegen::overlay::apply(&mut edited, overlay).unwrap());
    assert_eq!(report.actions[0].matched, at_depth_from(&doc, 0, 5));
    assert!(
        cost.peak_bytes < memory_budget(spec.len()),
        "{}",
        cost.peak_bytes
    );
}

// Silently wrong output (issue 10, cause 10).

/// Path variables named in any script keep their names, and names that are not letters or
/// digits are spelled out rather than dropped: distinct variables stay distinct parameters.
#[test]
fn unicode_path_variables_keep_distinct_names() {
    let input = collection(
        json!([]),
        json!([
            {"name": "a", "request": {"method": "GET", "url": "https://h/u/:用户id/x/:id"}},
            {"name": "b", "request": {"method": "GET", "url": "https://h/v/:🦀/w/:🐍"}},
        ]),
    );
    check(&input).unwrap();
    let paths = convert_in_time(&input).unwrap().unwrap().document["paths"].clone();
    let names = |path: &str| -> Vec<String> {
        paths[path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} in {paths}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names("/u/{用户id}/x/{id}"), ["用户id", "id"]);
    assert_eq!(names("/v/{_1f980_}/w/{_1f40d_}"), ["_1f980_", "_1f40d_"]);
}

/// A JSON body nested deeper than serde_json reads (128 levels) is typed and reported like one
/// just within it: an object schema with the deepest part any value, and a warning that the
/// example is left out; never a string example under a schema of `{}`.
#[test]
fn bodies_past_the_parser_limit_are_json_like_shallower_ones() {
    for depth in [100, 200, 5_000] {
        let body = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
        let input = with_body(&body);
        check(&input).unwrap();
        let conversion = convert_in_time(&input).unwrap().unwrap();
        let op = &conversion.document["paths"]["/x"]["post"];
        let request = &op["requestBody"]["content"]["application/json"];
        let response = &op["responses"]["200"]["content"]["application/json"];
        for media in [request, response] {
            assert_ne!(media["schema"], json!({}), "{depth}: {media}");
            assert!(media.get("example").is_none(), "{depth}: {media}");
            assert!(
                media["examples"].as_object().is_none_or(|e| e.is_empty()),
                "{depth}: {media}"
            );
        }
        let schemas = &conversion.document["components"]["schemas"];
        assert!(
            schemas
                .as_object()
                .is_some_and(|s| s.values().any(|s| s["type"] == "object")),
            "{depth}: {schemas}"
        );
        // One for the request body, one for the saved response.
        let too_deep = conversion
            .warnings
            .iter()
            .filter(|w| w.code == codegen::Code::ExampleTooDeep)
            .count();
        assert_eq!(too_deep, 2, "{depth}: {:?}", conversion.warnings);
    }
}

/// Query and header examples are values of their schema's type: `100` under `integer`, never
/// the text `'100'`; text that is not one leaves the example out.
#[test]
fn parameter_examples_fit_their_schemas() {
    let input = collection(
        json!([]),
        json!([{"name": "a", "request": {"method": "GET",
            "url": {"raw": "https://h/x?n=100&f=1.5&b=true&s=abc&r=1&r=2",
                    "host": ["h"], "path": ["x"],
                    "query": [{"key": "n", "value": "100"}, {"key": "f", "value": "1.5"},
                              {"key": "b", "value": "true"}, {"key": "s", "value": "abc"},
                              {"key": "r", "value": "1"}, {"key": "r", "value": "2"}]},
            "header": [{"key": "X-Count", "value": " 7 "}]}}]),
    );
    check(&input).unwrap();
    let conversion = convert_in_time(&input).unwrap().unwrap();
    let examples: Vec<(String, Value)> = conversion.document["paths"]["/x"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["example"].clone()))
        .collect();
    let expected = [
        ("n", json!(100)),
        ("f", json!(1.5)),
        ("b", json!(true)),
        ("s", json!("abc")),
        ("r", json!([1])),
        ("X-Count", json!(7)),
    ];
    for (name, example) in expected {
        assert!(
            examples.contains(&(name.to_owned(), example.clone())),
            "{name}: {example} not in {examples:?}"
        );
    }
}
