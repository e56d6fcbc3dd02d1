//! The product features of `generated/Cargo.toml`, rewritten by `regen` (and compared by
//! `check`) from what the client stage returns: one feature per product of the spec's
//! `x-tagGroups`, listing the products it needs, and `full` with them all, which `default`
//! enables. Only these keys change: the other features (`tracing`, `mock`), comments and layout
//! stay as written. The products are found as `full`'s list, so a product that leaves the spec
//! leaves the manifest too.

use toml_edit::{Array, DocumentMut, Item, Table};

/// Written before `full`, so that a reader knows where the product list comes from.
const NOTE: &str = "\n# Products of the Belvo API (the spec's `x-tagGroups`), written by `cargo xtask regen`:\n# `full` enables all of them, and is on by default.\n";

/// `manifest` with its `[features]` product keys set to `products` (feature, features it
/// needs), `full` and `default` updated; an error names what does not parse.
pub fn with_products(manifest: &str, products: &[(String, Vec<String>)]) -> anyhow::Result<String> {
    let mut doc = parse(manifest)?;
    let features = doc
        .entry("features")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_mut()
        .ok_or_else(|| anyhow::anyhow!("generated/Cargo.toml: `features` is not a table"))?;
    let old = strings(features.get("full"));
    for name in &old {
        if !products.iter().any(|(p, _)| p == name) {
            features.remove(name);
        }
    }
    let default = defaults(features, !products.is_empty());
    features.insert("default", toml_edit::value(default));
    if products.is_empty() {
        features.remove("full");
        return Ok(doc.to_string());
    }
    let full: Array = products.iter().map(|(p, _)| p.as_str()).collect();
    features.insert("full", toml_edit::value(full));
    if let Some(mut key) = features.key_mut("full") {
        key.leaf_decor_mut().set_prefix(NOTE);
    }
    for (product, needs) in products {
        let needs: Array = needs.iter().map(String::as_str).collect();
        features.insert(product, toml_edit::value(needs));
    }
    Ok(doc.to_string())
}

/// The product features a manifest lists (`full`'s list), for `cargo xtask test`.
pub fn products(manifest: &str) -> anyhow::Result<Vec<String>> {
    let doc = parse(manifest)?;
    Ok(strings(doc.get("features").and_then(|f| f.get("full"))))
}

fn parse(manifest: &str) -> anyhow::Result<DocumentMut> {
    manifest
        .parse()
        .map_err(|e| anyhow::anyhow!("generated/Cargo.toml: {e}"))
}

/// The strings of an array of strings; nothing for anything else.
fn strings(item: Option<&Item>) -> Vec<String> {
    item.and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `default`'s list with `full` first when there are products, without it when there are none.
fn defaults(features: &Table, products: bool) -> Array {
    let mut list = strings(features.get("default"));
    list.retain(|f| f != "full");
    if products {
        list.insert(0, "full".to_owned());
    }
    list.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::with_products;

    const MANIFEST: &str = "[package]\nname = \"belvo\"\n\n[features]\ndefault = [\"tracing\"]\n# Spans.\ntracing = [\"dep:tracing\"]\nmock = []\n";

    fn products(list: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
        list.iter()
            .map(|(p, n)| (p.to_string(), n.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn products_are_written_and_the_rest_kept() {
        let two = products(&[("core", &[]), ("banking", &["core"])]);
        let out = with_products(MANIFEST, &two).unwrap();
        let doc: toml_edit::DocumentMut = out.parse().unwrap();
        let list = |key: &str| {
            doc["features"][key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(list("default"), ["full", "tracing"]);
        assert_eq!(list("full"), ["core", "banking"]);
        assert_eq!(list("banking"), ["core"]);
        assert_eq!(super::products(&out).unwrap(), ["core", "banking"]);
        assert_eq!(list("tracing"), ["dep:tracing"]);
        assert!(out.contains("# Spans.\ntracing"), "{out}");
        // Idempotent: regen twice is a no-op, which `check` relies on.
        assert_eq!(with_products(&out, &two).unwrap(), out);
        // A product that left the spec leaves the manifest.
        let one = products(&[("core", &[])]);
        let fewer = with_products(&out, &one).unwrap();
        assert!(!fewer.contains("banking"), "{fewer}");
        let none = with_products(&fewer, &[]).unwrap();
        assert!(!none.contains("full") && !none.contains("core ="), "{none}");
    }

    #[test]
    fn a_broken_manifest_is_an_error_that_says_where() {
        let err = with_products("[features\n", &[]).unwrap_err().to_string();
        assert!(
            err.contains("generated/Cargo.toml") && err.contains("line 1"),
            "{err}"
        );
    }
}
