//! `cargo xtask client COLLECTION --out DIR [--name NAME]`: a standalone client crate for any
//! Postman collection (or, as a shortcut, for an OpenAPI 3.0 document in JSON or YAML).
//!
//! The crate has its own `[workspace]` table, so it builds wherever it is written, even inside
//! this repository.

use std::path::{Path, PathBuf};

use anyhow::Context;
use codegen::client::{generate, standalone_crate, ClientOptions};

use crate::files;

/// Arguments of `cargo xtask client`.
#[derive(clap::Args)]
pub struct Args {
    /// A Postman collection (v2.0 or v2.1 JSON), or an OpenAPI 3.0 document (JSON or YAML).
    pub collection: PathBuf,
    /// Directory of the crate to write; created if needed, files in it replaced.
    #[arg(long)]
    pub out: PathBuf,
    /// Crate name; defaults to the input's file name without extension.
    #[arg(long)]
    pub name: Option<String>,
}

const COMMAND: &str = "cargo xtask client";

pub fn run(args: Args) -> anyhow::Result<()> {
    let text = crate::read(&args.collection)?;
    let spec =
        load_spec(&text).with_context(|| format!("reading {}", args.collection.display()))?;
    let stem = args
        .collection
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = crate_name(args.name.as_deref().unwrap_or(&stem));
    let opts = ClientOptions {
        command: COMMAND.to_owned(),
        source: args
            .collection
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..ClientOptions::default()
    };
    let client = generate(&spec, &opts).context("generating the client")?;
    for warning in &client.warnings {
        eprintln!("warning: {warning}");
    }
    // Everything is computed before the first write, so a failure leaves DIR as it was.
    for (file, contents) in standalone_crate(&name, &spec.info.title, COMMAND, &client.code) {
        files::write_atomic(&args.out.join(file), &contents)?;
    }
    eprintln!(
        "wrote crate `{name}` to {} ({} lines of generated code); build it with \
         `cargo build --manifest-path {}`",
        args.out.display(),
        client.code.lines().count(),
        args.out.join("Cargo.toml").display()
    );
    Ok(())
}

/// An OpenAPI document as is, anything else through the Postman converter.
fn load_spec(text: &str) -> anyhow::Result<openapiv3::OpenAPI> {
    let is_openapi = |v: &serde_json::Value| v.get("openapi").is_some();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        if is_openapi(&value) {
            return Ok(serde_json::from_value(value)?);
        }
        let conversion = codegen::convert(text)?;
        for warning in &conversion.warnings {
            eprintln!("warning: {warning}");
        }
        return Ok(conversion.spec()?);
    }
    let value: serde_json::Value = codegen::from_yaml(text).context("neither JSON nor YAML")?;
    anyhow::ensure!(
        is_openapi(&value),
        "a YAML input must be an OpenAPI document"
    );
    Ok(serde_json::from_value(value)?)
}

/// A valid package name from `raw`: lower case, `-` between words, starting with a letter.
fn crate_name(raw: &str) -> String {
    let raw = Path::new(raw)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raw = raw.trim_end_matches(".postman_collection");
    let mut name = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    match name.chars().next() {
        None => "client".to_owned(),
        Some(c) if c.is_ascii_alphabetic() => name.to_owned(),
        Some(_) => format!("client-{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::crate_name;

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(crate_name("belvo.postman_collection"), "belvo");
        assert_eq!(
            crate_name("Adyen Checkout API (v71)"),
            "adyen-checkout-api-v71"
        );
        assert_eq!(crate_name("3scale"), "client-3scale");
        assert_eq!(crate_name("..."), "client");
    }
}
