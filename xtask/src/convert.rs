//! `cargo xtask convert COLLECTION [--overlay OVERLAY.yaml] [-o OUT.yaml]`: any collection to
//! OpenAPI.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::files;

/// Arguments of `cargo xtask convert`.
#[derive(clap::Args)]
pub struct Args {
    /// The Postman collection (v2.0 or v2.1 JSON).
    pub collection: PathBuf,
    /// An OpenAPI Overlay 1.0 document of corrections to apply after inference.
    #[arg(long)]
    pub overlay: Option<PathBuf>,
    /// Where to write the OpenAPI YAML (a symlink is followed; a FIFO or device is written in
    /// place); standard output when absent.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let document = document(&args.collection, args.overlay.as_deref())?;
    let yaml = codegen::to_yaml(&document);
    // The process ends right after writing: freeing the document's many small allocations
    // one by one would take longer than the OS takes to reclaim its pages.
    std::mem::forget(document);
    match args.output {
        Some(path) => files::write_atomic(&path, &yaml),
        None => files::write_stdout(&yaml),
    }
}

/// Converts a collection file and applies an overlay file, printing warnings to stderr; the
/// OpenAPI document in its JSON form.
pub fn document(collection: &Path, overlay: Option<&Path>) -> anyhow::Result<serde_json::Value> {
    let text = files::read(collection)?;
    finish(
        codegen::convert_owned(text),
        &collection.display().to_string(),
        overlay,
    )
}

/// [`document`] for a collection given as text; `what` names it in errors.
pub fn document_from(
    text: &str,
    what: &str,
    overlay: Option<&Path>,
) -> anyhow::Result<serde_json::Value> {
    finish(codegen::convert(text), what, overlay)
}

/// Prints the conversion's warnings and applies the overlay, if any.
fn finish(
    conversion: Result<codegen::Conversion, codegen::ConvertError>,
    what: &str,
    overlay: Option<&Path>,
) -> anyhow::Result<serde_json::Value> {
    let conversion = conversion.with_context(|| format!("converting {what}"))?;
    crate::warnings::print(&conversion.warnings);
    let mut document = conversion.document;
    if let Some(overlay) = overlay {
        let overlay_text = files::read(overlay)?;
        codegen::overlay::apply_to_document(&mut document, &overlay_text)
            .with_context(|| format!("applying {}", overlay.display()))?;
    }
    Ok(document)
}
