//! `cargo xtask diff`: what changed in `spec/openapi.yaml`, breaking changes flagged, as
//! Markdown for a pull request.
//!
//! - `cargo xtask diff` compares the committed spec (`HEAD`) with the working tree's;
//! - `cargo xtask diff BASE` compares it at git revision `BASE` (`main`, `origin/main`, a
//!   commit) with the working tree's;
//! - `cargo xtask diff OLD.yaml NEW.yaml` compares two files.
//!
//! `--fail-on-breaking` makes a breaking change an error, for CI. `--format` picks the output:
//! `markdown` (default, for a pull request), `json` (for tools; the form is documented at
//! `codegen::diff::Report::to_json`) or `github` (workflow commands that annotate the new spec
//! in a pull request: `::error` for a breaking change, `::notice` for another, at its line).

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
    /// Output form.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
}

/// Output forms of the report.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown for a pull request.
    Markdown,
    /// JSON for tools (`codegen::diff::Report::to_json`).
    Json,
    /// GitHub Actions workflow commands annotating the new spec.
    Github,
}

/// Two specs read and parsed: (label, text, document) each.
pub struct Specs {
    pub old: (String, String, openapiv3::OpenAPI),
    pub new: (String, String, openapiv3::OpenAPI),
    /// The new spec's path as annotations name it (relative to the repository root).
    pub new_file: String,
    /// What the lenient reader accepted in either spec (`codegen::diff::read`), each line
    /// naming the spec.
    pub tolerated: Vec<String>,
}

impl Specs {
    /// Reads and parses `old` and `new`, each given as (label, text).
    pub fn parse(old: (String, String), new: (String, String), new_file: String) -> Result<Self> {
        let mut tolerated = Vec::new();
        let mut parse = |(label, text): (String, String)| {
            let read = codegen::diff::read(&text)
                .with_context(|| format!("reading {label} as OpenAPI"))?;
            tolerated.extend(read.tolerated.iter().map(|t| format!("{label}: {t}")));
            anyhow::Ok((label, text, read.document))
        };
        let (old, new) = (parse(old)?, parse(new)?);
        Ok(Specs {
            old,
            new,
            new_file,
            tolerated,
        })
    }

    /// The report in `format`.
    pub fn render(&self, report: &codegen::diff::Report, format: Format) -> String {
        match format {
            Format::Markdown => {
                let mut text = report.to_markdown();
                text.push_str(&tolerated_markdown(&self.tolerated));
                text
            }
            Format::Json => {
                let mut text = serde_json::to_string_pretty(&report.to_json())
                    .expect("a JSON value serialises");
                text.push('\n');
                text
            }
            Format::Github => {
                let old = codegen::diff::YamlLines::new(&self.old.1);
                let new = codegen::diff::YamlLines::new(&self.new.1);
                report.to_github(&self.new_file, &old, &new)
            }
        }
    }
}

pub fn run(args: Args) -> Result<()> {
    let (old, new, new_file) = match args.specs.as_slice() {
        [] => (at_revision("HEAD")?, working_tree()?, SPEC.to_owned()),
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
            (at_revision(base)?, working_tree()?, SPEC.to_owned())
        }
        [old, new] => (file(old)?, file(new)?, new.clone()),
        _ => bail!("expected at most two arguments: [BASE] or OLD.yaml NEW.yaml"),
    };
    let specs = Specs::parse(old, new, new_file)?;
    let report = codegen::diff::diff(&specs.old.2, &specs.new.2);
    files::write_stdout(&specs.render(&report, args.format))?;
    if args.fail_on_breaking && report.has_breaking() {
        bail!(
            "breaking changes from {} to {} (--fail-on-breaking)",
            specs.old.0,
            specs.new.0
        );
    }
    Ok(())
}

/// A spec given by path, with the path as its label.
fn file(path: &str) -> Result<(String, String)> {
    Ok((path.to_owned(), files::read(Path::new(path))?))
}

pub fn working_tree() -> Result<(String, String)> {
    let text = files::read(&project_root()?.join(SPEC))?;
    Ok((format!("{SPEC} (working tree)"), text))
}

/// The spec as committed at `revision`, read with `git show REV:spec/openapi.yaml`.
pub fn at_revision(revision: &str) -> Result<(String, String)> {
    file_at_revision(revision, SPEC)
}

/// A project file (`path` relative to the root) as committed at `revision`, with its label.
pub fn file_at_revision(revision: &str, path: &str) -> Result<(String, String)> {
    // A leading dash would reach git as an option.
    if revision.is_empty() || revision.starts_with('-') {
        bail!("`{revision}` is not a git revision");
    }
    let label = format!("{path} at {revision}");
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{revision}:{path}"))
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

/// What the lenient reader accepted, as a Markdown section ("" when nothing was): a reviewer
/// should know the report stands on a reading a strict OpenAPI 3.0 reader would refuse.
pub fn tolerated_markdown(tolerated: &[String]) -> String {
    if tolerated.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n### Read leniently\n\n");
    // A hand-edited spec can have hundreds; the first ones say what kind.
    const SHOWN: usize = 20;
    for line in tolerated.iter().take(SHOWN) {
        out.push_str(&format!("- {line}\n"));
    }
    if tolerated.len() > SHOWN {
        out.push_str(&format!("- and {} more\n", tolerated.len() - SHOWN));
    }
    out
}
