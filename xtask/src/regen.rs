//! `cargo xtask regen` and `cargo xtask check`: the committed spec and client, kept fresh.
//!
//! Both run the same pipeline; `regen` writes what differs, `check` fails with a diff. Every
//! output is computed before anything is written, so a failure leaves `spec/` and
//! `generated/` as they were.

use std::path::PathBuf;

use crate::files::{self, Mode};

/// Paths of the pipeline's inputs and outputs, relative to the project root.
pub const COLLECTION: &str = "spec/belvo.postman_collection.json";
pub const SPEC: &str = "spec/openapi.yaml";

pub fn run(mode: Mode) -> anyhow::Result<()> {
    let root = files::project_root();
    let outputs = outputs(&root)?;
    let mut stale = Vec::new();
    for (path, contents) in &outputs {
        if let Err(err) = files::ensure_file_contents(mode, path, contents) {
            stale.push(format!("{err:#}"));
        }
    }
    if !stale.is_empty() {
        anyhow::bail!("{}", stale.join("\n"));
    }
    if mode == Mode::Write {
        for (path, _) in &outputs {
            eprintln!("wrote {}", path.strip_prefix(&root).unwrap_or(path).display());
        }
    }
    Ok(())
}

/// Every file the pipeline produces, with its contents.
pub fn outputs(root: &std::path::Path) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let collection = crate::read(&root.join(COLLECTION))?;
    let yaml = crate::convert::convert(&collection)
        .map_err(|e| e.context(format!("converting {COLLECTION}")))?;
    Ok(vec![(root.join(SPEC), yaml)])
}
