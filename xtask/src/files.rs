//! File writes that never leave a half-written file, and the regen/check switch.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Where the workspace root is: the parent of this crate's manifest directory.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename,
/// so a crash or a full disk never leaves a truncated file behind.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let file_name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, contents).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("renaming {} to {}", tmp.display(), path.display())
    })
}

/// Whether generated files are written (`regen`) or only compared (`check`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    Write,
    Check,
}

/// Makes `path` hold `expected`: in [`Mode::Write`] writes it when it differs; in
/// [`Mode::Check`] fails with a line diff and the command that fixes it.
pub fn ensure_file_contents(mode: Mode, path: &Path, expected: &str) -> Result<()> {
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    if actual == expected {
        return Ok(());
    }
    match mode {
        Mode::Write => write_atomic(path, expected),
        Mode::Check => anyhow::bail!(
            "{} is stale; run `cargo xtask regen`\n{}",
            path.display(),
            similar::TextDiff::from_lines(actual.as_str(), expected)
                .unified_diff()
                .context_radius(2)
                .header("committed", "regenerated")
        ),
    }
}
