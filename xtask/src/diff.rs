//! `cargo xtask diff`: what changed in `spec/openapi.yaml`, breaking changes flagged, as
//! Markdown for a pull request.
//!
//! - `cargo xtask diff` compares the committed spec (`HEAD`) with the working tree's;
//! - `cargo xtask diff BASE` compares it at git revision `BASE` (`main`, `origin/main`, a
//!   commit) with the working tree's;
//! - `cargo xtask diff OLD.yaml NEW.yaml` compares two files.
//!
//! `--fail-on-breaking` makes a breaking change an error, for CI.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::files::{self, project_root};

/// The spec, relative to the project root (and so to the root of the git tree).
const SPEC: &str = "spec/openapi.yaml";

/// Arguments of `cargo xtask diff`.
#[derive(clap::Args)]
pub struct Args {
    /// Either a git revision whose spec/openapi.yaml is compared with the working tree's
    /// (default: HEAD), or two spec files: OLD NEW.
    #[arg(value_name = "BASE | OLD NEW", num_args = 0..=2)]
    specs: Vec<String>,
    /// Exit with an error when any change is breaking.
    #[arg(long)]
    fail_on_breaking: bool,
}

pub fn run(args: Args) -> Result<()> {
    let ((old_label, old_text), (new_label, new_text)) = match args.specs.as_slice() {
        [] => (at_revision("HEAD")?, working_tree()?),
        [base] => {
            if base.contains("..") && !Path::new(base).exists() {
                bail!(
                    "`{base}` is a range, but BASE is one git revision (a branch, a tag, a \
                     commit, `HEAD~3`) whose {SPEC} is compared with the working tree's; \
                     to compare two revisions, save each with `git show REV:{SPEC} > FILE` \
                     and pass both files: `cargo xtask diff OLD.yaml NEW.yaml`"
                );
            }
            if Path::new(base).is_file() {
                bail!(
                    "`{base}` is a file, but a single argument is a git revision; \
                     to compare two files pass both: `cargo xtask diff OLD.yaml NEW.yaml`"
                );
            }
            (at_revision(base)?, working_tree()?)
        }
        [old, new] => (file(old)?, file(new)?),
        _ => bail!("expected at most two arguments: [BASE] or OLD.yaml NEW.yaml"),
    };
    let parse = |label: &str, text: &str| {
        codegen::diff::parse(text).with_context(|| format!("reading {label} as OpenAPI"))
    };
    let old = parse(&old_label, &old_text)?;
    let new = parse(&new_label, &new_text)?;

    let report = codegen::diff::diff(&old, &new);
    files::write_stdout(&report.to_markdown())?;
    if args.fail_on_breaking && report.has_breaking() {
        bail!("breaking changes from {old_label} to {new_label} (--fail-on-breaking)");
    }
    Ok(())
}

/// A spec given by path, with the path as its label.
fn file(path: &str) -> Result<(String, String)> {
    Ok((path.to_owned(), files::read(Path::new(path))?))
}

fn working_tree() -> Result<(String, String)> {
    let text = files::read(&project_root()?.join(SPEC))?;
    Ok((format!("{SPEC} (working tree)"), text))
}

/// The spec as committed at `revision`, read with `git show REV:spec/openapi.yaml`.
fn at_revision(revision: &str) -> Result<(String, String)> {
    // A leading dash would reach git as an option.
    if revision.is_empty() || revision.starts_with('-') {
        bail!("`{revision}` is not a git revision");
    }
    let label = format!("{SPEC} at {revision}");
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{revision}:{SPEC}"))
        .current_dir(project_root()?)
        .output()
        .context("running `git show` (is git installed?)")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("cannot read {label}: {}", stderr.trim());
    }
    let text = files::decode(output.stdout, &label)?;
    Ok((label, text))
}
