//! Edits of `generated/Cargo.toml` (and `Cargo.lock`) that keep everything else as written:
//! comments, layout, the keys not named.
//!
//! - The product features, rewritten by `regen` (and compared by `check`) from what the client
//!   stage returns: one feature per product of the spec's `x-tagGroups`, listing the products
//!   it needs, and `full` with them all, which `default` enables. The other features
//!   (`tracing`, `mock`) stay. The products are found as `full`'s list, so a product that
//!   leaves the spec leaves the manifest too.
//! - The package version, read by `review` and set by `release` in the manifest and the lock.

use anyhow::Context;
use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// The `belvo` crate's manifest, relative to the project root. Here rather than in `release`,
/// so that `regen` (which writes its features) does not depend on `release`, which depends on
/// `review`, which runs `regen`.
pub const MANIFEST: &str = "generated/Cargo.toml";

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

/// The `version` of the `[package]` table.
pub fn package_version(manifest: &str) -> anyhow::Result<String> {
    version_of(&parse(manifest)?)
}

fn version_of(doc: &DocumentMut) -> anyhow::Result<String> {
    doc.get("package")
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .map(str::to_owned)
        .context("the [package] table has no `version = \"…\"` (a plain string)")
}

/// `manifest` with its `[package]` version set to `version`.
pub fn with_package_version(manifest: &str, version: &str) -> anyhow::Result<String> {
    let mut doc = parse(manifest)?;
    version_of(&doc)?;
    set_keeping_decor(&mut doc["package"]["version"], version);
    Ok(doc.to_string())
}

/// Cargo.lock with the version of `package`'s entry set (the lock would otherwise be
/// rewritten by the next build, and refused by `--locked`). A lock without that entry is
/// returned as it is.
pub fn with_lock_version(lock: &str, package: &str, version: &str) -> anyhow::Result<String> {
    let mut doc: DocumentMut = lock
        .parse()
        .map_err(|e| anyhow::anyhow!("Cargo.lock: {e}"))?;
    let entries = doc
        .get_mut("package")
        .and_then(Item::as_array_of_tables_mut);
    let entry = entries.and_then(|e| {
        e.iter_mut()
            .find(|t| t.get("name").and_then(Item::as_str) == Some(package))
    });
    if let Some(entry) = entry {
        set_keeping_decor(&mut entry["version"], version);
    }
    Ok(doc.to_string())
}

/// Replaces the string `item` holds, keeping the spaces and comment around it.
fn set_keeping_decor(item: &mut Item, text: &str) {
    let mut value = Value::from(text);
    if let Some(old) = item.as_value() {
        *value.decor_mut() = old.decor().clone();
    }
    *item = Item::Value(value);
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
    use super::{package_version, with_lock_version, with_package_version, with_products};

    #[test]
    fn the_package_version_is_read_and_set_in_place() {
        let manifest = "[package]\nname = \"belvo\"\nversion = \"0.1.0\" # set by release\n\n\
                        [dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(manifest).unwrap(), "0.1.0");
        let set = with_package_version(manifest, "0.2.0").unwrap();
        assert_eq!(
            set,
            manifest.replace("version = \"0.1.0\"", "version = \"0.2.0\"")
        );
        assert!(package_version("[dependencies]\nversion = \"1\"\n").is_err());
        assert!(package_version("[package]\nversion.workspace = true\n").is_err());
        assert!(with_package_version("[package]\nname = \"x\"\n", "1.0.0").is_err());
    }

    #[test]
    fn the_lock_entry_of_the_package_only_changes() {
        let lock = "# @generated\nversion = 4\n\n[[package]]\nname = \"base64\"\nversion = \"0.22.1\"\n\n\
                    [[package]]\nname = \"belvo\"\nversion = \"0.1.0\"\ndependencies = [\n \"base64\",\n]\n";
        let set = with_lock_version(lock, "belvo", "0.2.0").unwrap();
        assert_eq!(
            set,
            lock.replace(
                "name = \"belvo\"\nversion = \"0.1.0\"",
                "name = \"belvo\"\nversion = \"0.2.0\""
            )
        );
        assert_eq!(with_lock_version(lock, "other", "0.2.0").unwrap(), lock);
        // The workspace's own lock and manifest come back byte for byte at the same version.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let real = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
        let version = package_version(&manifest).unwrap();
        assert_eq!(with_lock_version(&real, "belvo", &version).unwrap(), real);
        assert_eq!(with_package_version(&manifest, &version).unwrap(), manifest);
    }

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
