//! Cargo features per product: a collection that nests tag folders under product folders gets
//! `x-tagGroups` in its spec (and a flat one does not), and the client stage puts each item
//! under the features that need it, so that each product alone builds warning-free.

mod support;

use codegen::client::{generate, ClientOptions, GeneratedClient};
use quote::ToTokens;
use serde_json::{json, Value};
use support::build::{build_crate_features, Check};

/// A saved response with a JSON body.
fn response(code: u16, body: Value) -> Value {
    json!({"name": code.to_string(), "code": code, "body": body.to_string(),
           "header": [{"key": "Content-Type", "value": "application/json"}]})
}

/// A request item; `body` is its JSON request body.
fn request(
    name: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
    responses: Vec<Value>,
) -> Value {
    let mut request = json!({"method": method, "url": format!("{{{{baseUrl}}}}{path}")});
    if let Some(body) = body {
        request["body"] = json!({"mode": "raw", "raw": body.to_string(),
                                 "options": {"raw": {"language": "json"}}});
    }
    json!({"name": name, "request": request, "response": responses})
}

fn folder(name: &str, items: Vec<Value>) -> Value {
    json!({"name": name, "item": items})
}

fn error() -> Value {
    json!([{"code": "unauthorized", "message": "Invalid credentials", "request_id": "8a1b"}])
}

fn link() -> Value {
    json!({"id": "2ad8d94a-5fc4-4ce6-a2de-1e20b1cb6a6b", "institution": "erebor_mx_retail"})
}

/// Two products: `core` (links, with their MFA resume `PATCH`) and `banking` (accounts, and
/// a link update whose MFA pair resumes with core's `PATCH`); `Error` is used by both.
fn two_products(nested: bool) -> String {
    let mfa = json!([{"code": "token_required", "message": "MFA", "session": "2d9a3f"}]);
    let core = folder(
        "links",
        vec![
            request(
                "List all links",
                "GET",
                "/api/links/",
                None,
                vec![
                    response(
                        200,
                        json!({"count": 1, "next": null, "previous": null, "results": [link()]}),
                    ),
                    response(401, error()),
                ],
            ),
            request(
                "Complete a links request",
                "PATCH",
                "/api/links/",
                Some(json!({"session": "2d9a3f", "token": "1234"})),
                vec![response(200, link()), response(401, error())],
            ),
        ],
    );
    let accounts = folder(
        "accounts",
        vec![request(
            "List all accounts",
            "GET",
            "/api/accounts/",
            None,
            vec![
                response(
                    200,
                    json!([{"id": "0d3ffb69", "name": "Cuenta Perfiles", "balance": 1.5}]),
                ),
                response(401, error()),
            ],
        )],
    );
    let credentials = folder(
        "credentials",
        vec![request(
            "Update a links credentials",
            "PUT",
            "/api/links/{{id}}/",
            Some(json!({"password": "full-secret"})),
            vec![response(200, link()), response(428, mfa)],
        )],
    );
    let items = if nested {
        vec![
            folder("core", vec![core]),
            folder("banking", vec![accounts, credentials]),
        ]
    } else {
        vec![core, accounts, credentials]
    };
    json!({"info": {"name": "Two products",
                    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
           "variable": [{"key": "baseUrl", "value": "https://sandbox.belvo.com"}],
           "item": items})
    .to_string()
}

fn client(collection: &str) -> GeneratedClient {
    let spec = codegen::convert(collection).unwrap().spec().unwrap();
    let opts = ClientOptions {
        product_features: true,
        ..ClientOptions::default()
    };
    generate(&spec, &opts).unwrap()
}

/// Every item of `code` with its `cfg` attributes, as `module::kind name: cfg…`, impl members
/// included (`impl Client::list_all_links`).
fn cfgs(code: &str) -> Vec<String> {
    fn walk(items: &[syn::Item], module: &str, out: &mut Vec<String>) {
        for item in items {
            let (name, attrs): (String, &[syn::Attribute]) = match item {
                syn::Item::Mod(m) => {
                    let inner = format!("{module}{}::", m.ident);
                    walk(m.content.as_ref().map_or(&[][..], |(_, i)| i), &inner, out);
                    continue;
                }
                syn::Item::Struct(s) => (format!("struct {}", s.ident), &s.attrs),
                syn::Item::Enum(e) => (format!("enum {}", e.ident), &e.attrs),
                syn::Item::Trait(t) => (format!("trait {}", t.ident), &t.attrs),
                syn::Item::Impl(i) => {
                    let head = match &i.trait_ {
                        Some((t, _)) => format!("impl {} for {}", tokens(t), tokens(&i.self_ty)),
                        None => format!("impl {}", tokens(&i.self_ty)),
                    };
                    for member in &i.items {
                        if let syn::ImplItem::Fn(f) = member {
                            out.push(format!(
                                "{module}{head}::{}: {}",
                                f.sig.ident,
                                cfg(&f.attrs)
                            ));
                        }
                    }
                    (head, &i.attrs)
                }
                _ => continue,
            };
            out.push(format!("{module}{name}: {}", cfg(attrs)));
        }
    }
    let file = syn::parse_file(code).unwrap();
    let mut out = Vec::new();
    walk(&file.items, "", &mut out);
    out
}

fn tokens(t: &impl ToTokens) -> String {
    t.to_token_stream().to_string().replace(' ', "")
}

fn cfg(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| tokens(&a.meta))
        .collect::<Vec<_>>()
        .join(" ")
}

fn has(cfgs: &[String], line: &str) {
    assert!(
        cfgs.iter().any(|c| c == line),
        "no `{line}` among:\n{}",
        cfgs.join("\n")
    );
}

#[test]
fn nested_folders_become_tag_groups_sorted_by_name() {
    let spec = codegen::convert(&two_products(true)).unwrap().document;
    assert_eq!(
        spec["x-tagGroups"],
        json!([{"name": "banking", "tags": ["accounts", "credentials"]},
               {"name": "core", "tags": ["links"]}])
    );
    let flat = codegen::convert(&two_products(false)).unwrap().document;
    assert!(
        flat.get("x-tagGroups").is_none(),
        "a flat collection has no groups"
    );
    assert_eq!(flat["tags"], spec["tags"]);
}

#[test]
fn items_are_gated_by_the_products_that_need_them() {
    let out = client(&two_products(true));
    assert_eq!(
        out.features,
        [
            ("banking".to_owned(), vec!["core".to_owned()]),
            ("core".to_owned(), vec![])
        ]
    );
    let cfgs = cfgs(&out.code);
    let core = r#"cfg(feature="core")"#;
    let banking = r#"cfg(feature="banking")"#;
    has(&cfgs, &format!("impl Client::list_all_links: {core}"));
    has(&cfgs, &format!("builder::struct ListAllLinks: {core}"));
    has(
        &cfgs,
        &format!("builder::struct ListAllAccounts: {banking}"),
    );
    has(&cfgs, &format!("impl Client::list_all_accounts: {banking}"));
    // Used by operations of both products.
    has(
        &cfgs,
        r#"types::struct Error: cfg(any(feature="banking",feature="core"))"#,
    );
    // The MFA pair of a banking operation resumed by core's PATCH.
    has(
        &cfgs,
        r#"builder::impl super::resumable::ResumableOp for UpdateALinksCredentials<'a>: cfg(all(feature="banking",feature="core"))"#,
    );
    // The client itself is always there, and so is the trait of the pairs: its `Error` is
    // progenitor's, not the component `types::Error`.
    has(&cfgs, "struct Client: ");
    has(&cfgs, "resumable::trait ResumableOp: ");
}

/// A product whose requests name another product's resource (`link`, of `links`) enables
/// that product: `fiscal` alone would have invoices to retrieve and no link to retrieve them
/// from. rustdoc says, on each gated item, which feature it needs.
#[test]
fn a_product_that_takes_another_products_resource_enables_it() {
    let links = folder(
        "links",
        vec![request(
            "List all links",
            "GET",
            "/api/links/",
            None,
            vec![response(200, json!([link()]))],
        )],
    );
    let invoices = folder(
        "invoices",
        vec![request(
            "Retrieve invoices",
            "POST",
            "/api/invoices/",
            Some(json!({"link": "2ad8d94a-5fc4-4ce6-a2de-1e20b1cb6a6b", "type": "INFLOW"})),
            vec![response(201, json!([{"id": "i1", "total": 10.5}]))],
        )],
    );
    let collection = json!({"info": {"name": "Two products",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [folder("core", vec![links]), folder("fiscal", vec![invoices])]});
    let out = client(&collection.to_string());
    assert_eq!(
        out.features,
        [
            ("core".to_owned(), vec![]),
            ("fiscal".to_owned(), vec!["core".to_owned()])
        ]
    );
    assert!(out
        .code
        .contains("#[cfg_attr(docsrs, doc(cfg(feature = \"fiscal\")))]"));
}

#[test]
fn a_type_the_mock_names_is_compiled_under_mock_too() {
    let spec = codegen::convert(&two_products(true))
        .unwrap()
        .spec()
        .unwrap();
    let opts = ClientOptions {
        product_features: true,
        mock_types: vec!["Error".to_owned()],
        ..ClientOptions::default()
    };
    let cfgs = cfgs(&generate(&spec, &opts).unwrap().code);
    has(
        &cfgs,
        r#"types::struct Error: cfg(any(feature="banking",feature="core",feature="mock"))"#,
    );
    // Only the type: what names it still needs its product.
    has(
        &cfgs,
        r#"builder::struct ListAllAccounts: cfg(feature="banking")"#,
    );
}

#[test]
fn a_flat_collection_or_the_option_off_gates_nothing() {
    let flat = client(&two_products(false));
    assert!(flat.features.is_empty());
    assert!(!flat.code.contains("#[cfg(feature"), "{}", flat.code);
    let spec = codegen::convert(&two_products(true))
        .unwrap()
        .spec()
        .unwrap();
    let off = generate(&spec, &ClientOptions::default()).unwrap();
    assert!(off.features.is_empty());
    assert!(!off.code.contains("feature = \"core\""));
}

#[test]
fn each_product_alone_builds_warning_free() {
    let out = client(&two_products(true));
    let mut table = String::from("\n[features]\n");
    for (feature, needs) in &out.features {
        table.push_str(&format!("{feature} = {needs:?}\n"));
    }
    // No product at all: the client, its runtime glue and nothing else.
    for features in ["", "core", "banking", "core,banking"] {
        if let Err(e) = build_crate_features(
            "features-check",
            &out.code,
            &table,
            features,
            Check::ClippyDenyWarnings,
        ) {
            panic!("--features {features}:\n{e}");
        }
    }
}

/// The committed crate, not a fixture: every operation method of `generated.rs` is gated by
/// its own product's feature, and building one product (its features as `generated/Cargo.toml`
/// closes them) leaves out every operation of the products it does not enable. A crate whose
/// methods were not gated would compile in every combination and fail here.
#[test]
fn the_committed_crate_leaves_out_other_products_operations() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
    let spec: Value = codegen::from_yaml(&read("spec/openapi.yaml")).unwrap();
    let code = read("generated/src/generated.rs");
    let product_of_tag: std::collections::BTreeMap<&str, &str> = spec["x-tagGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            let product = g["name"].as_str().unwrap();
            g["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |t| (t.as_str().unwrap(), product))
        })
        .collect();
    // Each operation's product, from its tag, and the feature gating its method.
    let mut operations = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item
            .as_object()
            .unwrap()
            .values()
            .filter(|o| o["operationId"].is_string())
        {
            let id = op["operationId"].as_str().unwrap();
            let product = product_of_tag[op["tags"][0].as_str().unwrap()];
            let at = code
                .find(&format!("\n    pub fn {id}("))
                .unwrap_or_else(|| panic!("no method `{id}`"));
            let gate = code[..at].lines().rev().take(3).find_map(|l| {
                l.trim()
                    .strip_prefix("#[cfg(feature = \"")?
                    .strip_suffix("\")]")
            });
            assert_eq!(gate, Some(product), "`{id}` is gated by {gate:?}");
            operations.push((id.to_owned(), product));
        }
    }
    let enabled = feature_closure(&read("generated/Cargo.toml"), "banking");
    let (kept, left_out): (Vec<_>, Vec<_>) = operations
        .iter()
        .partition(|(_, product)| enabled.contains(*product));
    assert!(enabled.contains("core"), "banking needs links: {enabled:?}");
    assert!(kept.iter().any(|(id, _)| id.contains("link")), "{kept:?}");
    assert!(
        kept.iter().any(|(id, _)| id.contains("account")),
        "{kept:?}"
    );
    assert!(
        left_out.iter().any(|(id, _)| id.contains("invoice")),
        "{left_out:?}"
    );
    assert!(left_out
        .iter()
        .all(|(_, p)| !["banking", "core"].contains(p)));
}

/// The features `feature` enables, itself included, by the `[features]` table of a manifest.
fn feature_closure(manifest: &str, feature: &str) -> std::collections::BTreeSet<String> {
    let table: std::collections::BTreeMap<&str, Vec<&str>> = manifest
        .split("[features]")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| {
            let (name, list) = l.split_once(" = ")?;
            let items = list.trim_matches(['[', ']']).split(',');
            Some((
                name.trim(),
                items.map(|i| i.trim().trim_matches('"')).collect(),
            ))
        })
        .collect();
    let mut enabled = std::collections::BTreeSet::new();
    let mut todo = vec![feature];
    while let Some(f) = todo.pop() {
        if !f.is_empty() && enabled.insert(f.to_owned()) {
            todo.extend(table.get(f).into_iter().flatten());
        }
    }
    enabled
}
