//! `cargo xtask regen` and `cargo xtask check`: the committed spec and client, kept fresh.
//!
//! Both run the same pipeline; `regen` writes what differs, `check` fails with a diff. Every
//! output is computed before anything is written, and they are written all or none
//! ([`files::write_all`]), so a failure leaves `spec/` and `generated/` as they were.

use std::path::PathBuf;

use crate::files::{self, Mode};

/// Paths of the pipeline's inputs and outputs, relative to the project root.
pub const COLLECTION: &str = "spec/belvo.postman_collection.json";
pub const OVERLAY: &str = "spec/overlay.yaml";
pub const SPEC: &str = "spec/openapi.yaml";
pub const CLIENT: &str = "generated/src/generated.rs";

pub fn run(mode: Mode) -> anyhow::Result<()> {
    let root = files::project_root()?;
    let outputs = outputs(&root, mode)?;
    if mode == Mode::Check {
        let stale: Vec<String> = outputs
            .iter()
            .filter_map(|(path, contents)| files::stale_diff(path, contents))
            .collect();
        if !stale.is_empty() {
            anyhow::bail!("{}", stale.join("\n"));
        }
        return Ok(());
    }
    let changed: Vec<(PathBuf, String)> = outputs
        .into_iter()
        .filter(|(path, contents)| files::stale_diff(path, contents).is_some())
        .collect();
    files::write_all(&changed)?;
    for (path, _) in &changed {
        eprintln!(
            "wrote {}",
            path.strip_prefix(&root).unwrap_or(path).display()
        );
    }
    match changed.len() {
        0 => eprintln!("regen: {SPEC}, {CLIENT} and the crate's features are up to date"),
        n => eprintln!("regen: {n} file(s) written from {COLLECTION}"),
    }
    Ok(())
}

/// Every file the pipeline produces, with its contents.
/// `check` stays quiet about generator notes: they are printed when the outputs are written.
pub fn outputs(root: &std::path::Path, mode: Mode) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let collection = root.join(COLLECTION);
    let text = files::read(&collection)?;
    outputs_from(root, &text, &collection.display().to_string(), mode)
}

/// [`outputs`] for a collection given as text (`what` names it in errors): `pull` converts a
/// fetched collection before writing anything, the collection file included.
pub fn outputs_from(
    root: &std::path::Path,
    collection: &str,
    what: &str,
    mode: Mode,
) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let overlay = root.join(OVERLAY);
    let overlay = overlay.exists().then_some(overlay.as_path());
    let document = crate::convert::document_from(collection, what, overlay)?;
    let yaml = codegen::to_yaml(&document);
    let spec = codegen::read_openapi(codegen::OpenApiSource::Json(&document))
        .map_err(|e| anyhow::anyhow!("the spec is not OpenAPI 3.0: {e}"))?;
    let client = codegen::client::generate(&spec, &client_options())
        .map_err(|e| anyhow::anyhow!("generating the client from {SPEC}: {e}"))?;
    if mode == Mode::Write {
        crate::warnings::print(&client.warnings);
    }
    let manifest_path = root.join(crate::manifest::MANIFEST);
    let manifest = crate::manifest::with_products(&files::read(&manifest_path)?, &client.features)?;
    Ok(vec![
        (root.join(SPEC), yaml),
        (root.join(CLIENT), client.code),
        (manifest_path, manifest),
    ])
}

/// How the `belvo` crate's client is generated: the handwritten runtime in `generated/src`
/// relies on these settings.
pub fn client_options() -> codegen::client::ClientOptions {
    codegen::client::ClientOptions {
        // Credentials, retry policy and timeouts travel with the client; `runtime.rs`
        // implements the hooks that use them.
        inner_type: Some("crate::runtime::RequestDefaults".into()),
        hooks: codegen::client::Hooks::Expected,
        // Only reached through the generated `Client::new`; `runtime::ClientBuilder` sets its
        // own (same) default. Belvo retrieves can take tens of seconds.
        timeout_secs: Some(60),
        // `pagination.rs` walks every `{count, next, previous, results}` page through this
        // trait; the impls are generated so a new list endpoint needs no handwritten line.
        page_trait: Some("crate::pagination::Page".into()),
        // `mock.rs` (feature `mock`) gets one typed mock method per operation.
        mock_module: Some("crate::mock".into()),
        // The challenge `MfaScript` answers with and the error body of `Expect::fail`, so
        // `mock` builds beside a product whose operations reach neither.
        mock_types: vec!["MfaTokenRequired".into(), "Error".into()],
        // One Cargo feature per product of the spec's `x-tagGroups`; `manifest.rs` writes
        // them into generated/Cargo.toml.
        product_features: true,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    /// `cargo test` fails, with the diff, when a committed output is stale.
    #[test]
    fn committed_outputs_are_fresh() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let outputs = super::outputs(&root, crate::files::Mode::Check).unwrap();
        for (path, contents) in outputs {
            if let Some(diff) = crate::files::stale_diff(&path, &contents) {
                panic!("{diff}");
            }
        }
    }
}
