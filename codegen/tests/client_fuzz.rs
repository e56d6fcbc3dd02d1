//! Property tests of the client stage on hostile collections: whatever the names, methods,
//! parameters and texts of a valid collection, `generate` must succeed, no input text may add
//! an item to the generated code, and the crate `cargo xtask client` would write must compile.
//!
//! The generator builds valid Postman v2.1 collections whose every name and text is drawn from
//! what breaks code generators: Rust keywords, the builder's own method names (`send`, `new`,
//! `body`, `client`…), digits first, unicode, empty strings, and texts that try to end a
//! comment or a string (`\r`, `\n}\nfn injected() {}`, `*/`, quotes, `#`, braces, bidi
//! controls). Methods include OPTIONS, TRACE, HEAD and custom ones. Each spec also gets a few
//! component schemas linked at random (`$ref`, `allOf`, `oneOf`, properties, items), so that
//! cycles of every shape reach the generator.
//!
//! - `hostile_collections_generate_clean_code`: many cases, no compiler; checks the output
//!   with syn (the item list, no `injected` item anywhere, no bare `\r`).
//! - `hostile_collections_compile`: a few large cases (many operations per crate), each
//!   compiled with `cargo check` (see `support::build`).
//!
//! Case counts: `CLIENT_FUZZ_CASES` (default 48) and `CLIENT_BUILD_CASES` (default 3). A
//! compile failure saves its collection under `<target>/client-check/` and names the file.

mod support;

use std::collections::BTreeSet;

use codegen::client::{generate, standalone_crate, ClientOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::{json, Value};
use support::build::{build_crate, check_dir, Check};

/// The payload every hostile text carries: it must never become an item.
const INJECTED: &str = "injected";

/// Texts that try to break out of a comment, a string or a doc attribute.
const HOSTILE: &[&str] = &[
    "\n}\nfn injected() {}\n//",
    "*/ fn injected() {} /*",
    "\"); fn injected() {} (\"",
    "\r fn injected() {} \r",
    "\r\nfn injected() {}\r\n",
    "#[doc = \"\"] fn injected() {}",
    "```\nfn injected() {}\n```",
    "\u{202e} fn injected() {} \u{2066}",
    "\u{85}fn injected() {}\u{2028}",
    "{} {0} {name} }} {{",
    "\\ \\n \\\" ' `",
    "\u{0}\t\u{7f}\u{feff}",
    "a\rb",
    "*/",
    "/*",
    "//",
    "#",
    "#!",
];

/// Names that collide with Rust or with what progenitor generates.
const NAMES: &[&str] = &[
    "send",
    "new",
    "body",
    "body_map",
    "client",
    "stream",
    "clone",
    "header_map",
    "url",
    "request",
    "response",
    "result",
    "info",
    "value",
    "Error",
    "ResponseValue",
    "Client",
    "types",
    "builder",
    "Default",
    "Option",
    "String",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "fn",
    "async",
    "gen",
    "r#type",
    "_",
    "",
    " ",
    "-",
    "1st",
    "123",
    "page-size",
    "page_size",
    "PageSize",
    "🦀",
    "日本語",
    "é",
    "\u{2126}",
    "\u{3a9}",
    "X Custom Header",
    "X-Request-Id",
    "api-version",
];

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PURGE", "get",
];

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::sample::select(HOSTILE).prop_map(str::to_owned),
        2 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
        1 => (prop::sample::select(HOSTILE), prop::sample::select(NAMES))
            .prop_map(|(a, b)| format!("{b}{a}{b}")),
    ]
    .boxed()
}

fn name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => prop::sample::select(NAMES).prop_map(str::to_owned),
        2 => prop::sample::select(HOSTILE).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_ -]{0,6}",
        1 => "\\PC{1,4}",
    ]
    .boxed()
}

/// A JSON value for bodies: objects with hostile keys, hostile strings.
fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        text().prop_map(Value::String),
        any::<i32>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!(1.5)),
        Just(json!("<uuid>")),
        Just(json!("2024-01-31T10:00:00Z")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec((name(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

fn json_object() -> BoxedStrategy<Value> {
    prop::collection::vec((name(), json_value()), 1..5)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()))
        .boxed()
}

fn key_values() -> BoxedStrategy<Value> {
    prop::collection::vec((name(), text(), text()), 0..4)
        .prop_map(|kvs| {
            Value::Array(
                kvs.into_iter()
                    .map(|(k, v, d)| json!({"key": k, "value": v, "description": d}))
                    .collect(),
            )
        })
        .boxed()
}

fn segment() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-z]{1,6}",
        2 => name().prop_map(|n| format!(":{n}")),
        1 => name(),
    ]
    .boxed()
}

fn response() -> BoxedStrategy<Value> {
    (
        text(),
        prop::sample::select(vec![200u16, 201, 204, 400, 404, 422, 428, 500]),
        json_value(),
    )
        .prop_map(|(name, code, body)| {
            json!({
                "name": name,
                "code": code,
                "header": [{"key": "Content-Type", "value": "application/json"}],
                "body": body.to_string(),
            })
        })
        .boxed()
}

fn request_item() -> BoxedStrategy<Value> {
    (
        text(),
        text(),
        prop::sample::select(METHODS),
        prop::collection::vec(segment(), 1..4),
        key_values(),
        key_values(),
        prop::option::of(json_object()),
        prop::collection::vec(response(), 0..3),
    )
        .prop_map(
            |(name, description, method, path, query, header, body, responses)| {
                let mut request = json!({
                    "method": method,
                    "description": description,
                    "header": header,
                    "url": {
                        "raw": format!("{{{{baseUrl}}}}/{}", path.join("/")),
                        "host": ["{{baseUrl}}"],
                        "path": path,
                        "query": query,
                    },
                });
                if let Some(body) = body {
                    request["body"] = json!({
                        "mode": "raw",
                        "raw": body.to_string(),
                        "options": {"raw": {"language": "json"}},
                    });
                }
                json!({"name": name, "request": request, "response": responses})
            },
        )
        .boxed()
}

/// A valid v2.1 collection of `requests` requests in up to two folders.
fn collection(requests: std::ops::Range<usize>) -> BoxedStrategy<Value> {
    (
        text(),
        text(),
        text(),
        text(),
        prop::collection::vec(request_item(), requests),
    )
        .prop_map(|(title, description, folder, server, mut items)| {
            let rest = items.split_off(items.len() / 2);
            items.push(json!({"name": folder, "item": rest}));
            json!({
                "info": {
                    "name": title,
                    "description": description,
                    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
                },
                "variable": [{"key": "baseUrl", "value": format!("https://api.example.com/{server}")}],
                "item": items,
            })
        })
        .boxed()
}

/// Component schemas `G{graph}N{i}` linked at random: `(from, kind, to)` edges where kind is
/// how `from` refers to `to`.
fn schema_graph() -> BoxedStrategy<Vec<(usize, u8, usize)>> {
    prop::collection::vec((0usize..4, 0u8..7, 0usize..4), 1..7).boxed()
}

/// Adds each graph's components to `spec` and an operation returning its first schema.
fn add_graphs(spec: &mut openapiv3::OpenAPI, graphs: &[Vec<(usize, u8, usize)>]) {
    let mut doc = serde_json::to_value(&*spec).unwrap();
    for (g, edges) in graphs.iter().enumerate() {
        let name = |i: usize| format!("G{g}N{i}");
        let reference = |i: usize| json!({"$ref": format!("#/components/schemas/{}", name(i))});
        let mut schemas: Vec<Value> = (0..4)
            .map(|i| json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}))
            .collect();
        for &(from, kind, to) in edges {
            let s = &mut schemas[from];
            let r = reference(to);
            match kind {
                0 => *s = r,
                1 => push(s, "allOf", r),
                // `anyOf` only where there is no `oneOf` (typify asserts, progenitor's
                // panic is reported as an error naming the components).
                3 if s.get("oneOf").is_none() => push(s, "anyOf", r),
                2 | 3 if s.get("anyOf").is_none() => push(s, "oneOf", r),
                2 | 3 => push(s, "anyOf", r),
                4 => s["properties"][format!("to{to}")] = r,
                5 => s["properties"][format!("list{to}")] = json!({"type": "array", "items": r}),
                _ => push(s, "allOf", json!({"allOf": [r, {}]})),
            }
        }
        for (i, s) in schemas.into_iter().enumerate() {
            doc["components"]["schemas"][name(i)] = s;
        }
        doc["paths"][format!("/graph{g}")] = json!({"get": {
            "operationId": format!("graph_{g}"),
            "responses": {"200": {"description": "x", "content": {"application/json": {"schema": reference(0)}}}},
        }});
    }
    *spec = serde_json::from_value(doc).unwrap();
}

fn push(schema: &mut Value, key: &str, item: Value) {
    match schema.get_mut(key).and_then(Value::as_array_mut) {
        Some(list) => list.push(item),
        None => schema[key] = json!([item]),
    }
}

/// The client for a generated case, as `xtask client` makes it, and its `lib.rs`; checks what
/// can be checked without a compiler.
fn client_for(
    collection: &Value,
    graphs: &[Vec<(usize, u8, usize)>],
    file_name: &str,
) -> Result<(String, String, String), TestCaseError> {
    let conversion = codegen::convert(&collection.to_string())
        .map_err(|e| TestCaseError::fail(format!("a valid collection was refused: {e}")))?;
    let mut spec = conversion
        .spec()
        .map_err(|e| TestCaseError::fail(format!("spec: {e}")))?;
    add_graphs(&mut spec, graphs);
    let opts = ClientOptions {
        command: "cargo xtask client".to_owned(),
        source: file_name.to_owned(),
        ..ClientOptions::default()
    };
    let client =
        generate(&spec, &opts).map_err(|e| TestCaseError::fail(format!("generate failed: {e}")))?;
    let files = standalone_crate("fuzz", &spec.info.title, "cargo xtask client", &client.code);
    let lib = files[1].1.clone();
    let manifest = files[0].1.clone();
    check_no_injection(&client.code, &lib, &manifest)?;
    Ok((client.code, lib, spec.info.title))
}

/// The generated module and `lib.rs` parse, hold only the items the generator writes, and no
/// input text became code or an unescaped control character.
fn check_no_injection(code: &str, lib: &str, manifest: &str) -> Result<(), TestCaseError> {
    let file = syn::parse_file(code)
        .map_err(|e| TestCaseError::fail(format!("generated code does not parse: {e}")))?;
    let mut items = BTreeSet::new();
    collect_items(&file.items, &mut items);
    prop_assert!(
        !items.iter().any(|i| i == INJECTED),
        "an input text became an item"
    );
    let top: BTreeSet<String> = file.items.iter().filter_map(item_name).collect();
    let expected: BTreeSet<String> = [
        "Client",
        "ClientInfo",
        "types",
        "builder",
        "prelude",
        "SERVERS",
        "resumable",
        "decode",
        "ClientHooks",
        "Error",
        "ResponseValue",
        "ByteStream",
        "encode_path",
        "progenitor_client",
        "RequestBuilderExt",
        "ClientInfoExt",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let unexpected: Vec<&String> = top.difference(&expected).collect();
    prop_assert!(
        unexpected.is_empty(),
        "unexpected top-level items: {unexpected:?}"
    );
    prop_assert!(code.lines().nth(1) == Some(""), "the header spans lines");
    for (what, text) in [
        ("generated.rs", code),
        ("lib.rs", lib),
        ("Cargo.toml", manifest),
    ] {
        prop_assert!(!text.contains('\r'), "{what} has a carriage return");
        prop_assert!(
            !text.contains(['\u{202e}', '\u{2066}', '\u{0}', '\u{85}']),
            "{what} has an unescaped control character"
        );
    }
    let lib_items: Vec<String> = syn::parse_file(lib)
        .map_err(|e| TestCaseError::fail(format!("lib.rs does not parse: {e}")))?
        .items
        .iter()
        .map(|i| quote::ToTokens::to_token_stream(i).to_string())
        .collect();
    prop_assert_eq!(
        lib_items,
        [
            "# [rustfmt :: skip] # [allow (clippy :: all)] mod generated ;",
            "pub use generated :: * ;"
        ]
    );
    Ok(())
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Fn(f) => f.sig.ident.to_string(),
        syn::Item::Struct(s) => s.ident.to_string(),
        syn::Item::Enum(e) => e.ident.to_string(),
        syn::Item::Mod(m) => m.ident.to_string(),
        syn::Item::Const(c) => c.ident.to_string(),
        syn::Item::Static(s) => s.ident.to_string(),
        syn::Item::Trait(t) => t.ident.to_string(),
        syn::Item::Type(t) => t.ident.to_string(),
        syn::Item::Macro(m) => m.mac.path.segments.last()?.ident.to_string(),
        _ => return None,
    })
}

/// Every item name in `items`, nested modules and impl blocks included, lower-cased.
fn collect_items(items: &[syn::Item], out: &mut BTreeSet<String>) {
    for item in items {
        if let Some(name) = item_name(item) {
            out.insert(name.to_lowercase());
        }
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect_items(inner, out);
                }
            }
            syn::Item::Impl(i) => {
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        out.insert(f.sig.ident.to_string().to_lowercase());
                    }
                }
            }
            _ => {}
        }
    }
}

fn cases(var: &str, default: u32) -> u32 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(cases("CLIENT_FUZZ_CASES", 48)))]

    #[test]
    fn hostile_collections_generate_clean_code(
        collection in collection(1..6),
        graphs in prop::collection::vec(schema_graph(), 0..3),
        file_name in text(),
    ) {
        client_for(&collection, &graphs, &format!("{file_name}.json"))?;
    }
}

proptest! {
    // Compiling is the slow part: few cases, many operations each, and little shrinking.
    #![proptest_config(Config {
        max_shrink_iters: 8,
        ..config(cases("CLIENT_BUILD_CASES", 3))
    })]

    #[test]
    fn hostile_collections_compile(
        collection in collection(12..20),
        graphs in prop::collection::vec(schema_graph(), 3..6),
        file_name in text(),
    ) {
        let (code, _, title) = client_for(&collection, &graphs, &file_name)?;
        if let Err(diagnostics) = build_crate("client-fuzz", &title, &code, "", Check::Compiles) {
            let saved = check_dir().join("client-fuzz-failure.json");
            std::fs::write(&saved, serde_json::to_string_pretty(&json!({
                "collection": collection,
                "graphs": graphs,
            })).unwrap()).unwrap();
            prop_assert!(false, "the client does not compile (case saved to {}):\n{diagnostics}", saved.display());
        }
    }
}

/// The reproduction of the issue: a file name that ends the header comment.
#[test]
fn a_file_name_cannot_add_code() {
    let collection = json!({
        "info": {"name": "t\r\nfn injected() {}", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "x", "request": {"method": "OPTIONS", "url": "https://a.example/x"}}],
    });
    let (code, lib, _) = client_for(&collection, &[], "inj\nfn injected() {}\n.json").unwrap();
    assert!(code.starts_with(
        "// @generated by `cargo xtask client` from inj fn injected() {} .json; do not edit.\n"
    ));
    assert!(lib.starts_with("//! Typed async client for t fn injected() {}, generated"));
    assert!(code.contains(".request(::reqwest::Method::OPTIONS, url)"));
}

/// The reproductions of the issue, in one crate: OPTIONS and TRACE, parameters named like the
/// builder's methods (wire names kept), a bare `\r` in texts, schemas that refer to
/// themselves directly, through `allOf`, and through each other.
#[test]
fn issue_reproductions_compile() {
    let spec: openapiv3::OpenAPI = yaml_serde::from_str(
        r#"
openapi: 3.0.3
info: {title: "t\rx", version: '1', description: "a\rb"}
paths:
  /x/{send}:
    options:
      operationId: opts
      description: "line\rother"
      parameters:
        - {name: new, in: query, schema: {type: string}}
        - {name: send, in: header, schema: {type: string}}
        - {name: body, in: query, schema: {type: string}}
      responses: {'200': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/Direct'}}}}}
    trace:
      operationId: tr
      responses: {'200': {description: x, content: {application/json: {schema: {$ref: '#/components/schemas/AllOf'}}}}}
    post:
      operationId: Result
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
      responses: {'204': {description: x}}
components:
  schemas:
    Direct: {$ref: '#/components/schemas/Direct'}
    AllOf: {allOf: [{$ref: '#/components/schemas/AllOf'}, {}]}
    A: {allOf: [{$ref: '#/components/schemas/B'}, {type: object, properties: {a: {type: string}}}]}
    B: {allOf: [{$ref: '#/components/schemas/A'}, {type: object, properties: {b: {type: string}}}]}
"#,
    )
    .unwrap();
    let client = generate(&spec, &ClientOptions::default()).unwrap();
    let code = &client.code;
    for needle in [
        ".request(::reqwest::Method::OPTIONS, url)",
        ".request(::reqwest::Method::TRACE, url)",
        "QueryParam::new(\"new\", &new_param)",
        "header_map.append(\"send\", value",
        "QueryParam::new(\"body\", &body)",
        "pub fn result_operation(&self)",
    ] {
        assert!(code.contains(needle), "missing: {needle}");
    }
    let cycles = client
        .warnings
        .iter()
        .filter(|w| w.code == codegen::Code::AliasCycleBroken)
        .count();
    assert_eq!(cycles, 3, "{:#?}", client.warnings);
    let files = standalone_crate("client-issue", &spec.info.title, "cargo test", code);
    check_no_injection(code, &files[1].1, &files[0].1).unwrap_or_else(|e| panic!("{e}"));
    if let Err(diagnostics) = build_crate("client-issue", "t\rx", code, "", Check::Compiles) {
        panic!("{diagnostics}");
    }
}
