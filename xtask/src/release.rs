//! `cargo xtask release BASE`: the `belvo` crate's next version and changelog entry, from the
//! report of what changed in `spec/openapi.yaml` since git revision `BASE` (the last release).
//!
//! The version at `BASE` (generated/Cargo.toml there) moves by the rule of
//! `codegen::diff::Version::bump_for`; the new version is written to generated/Cargo.toml (and
//! the `belvo` entry of Cargo.lock), and an entry made from the report is put first in
//! generated/CHANGELOG.md. All three files are written or none.

use anyhow::{bail, Context, Result};
use codegen::diff::{Bump, Report, Version};

use crate::files::{self, project_root};

use crate::manifest::MANIFEST;
pub const CHANGELOG: &str = "generated/CHANGELOG.md";
const LOCK: &str = "Cargo.lock";
/// The crate released.
pub const PACKAGE: &str = "belvo";

/// Arguments of `cargo xtask release`.
#[derive(clap::Args)]
pub struct Args {
    /// The git revision of the last release (a tag, a commit).
    base: String,
}

pub fn run(args: Args) -> Result<()> {
    let root = project_root()?;
    let review = crate::review::review(&args.base)?;
    let plan = &review.plan;
    if plan.bump == Bump::None {
        bail!(
            "no API changes since {}: nothing to release (the version stays {})",
            args.base,
            plan.base
        );
    }
    let manifest = files::read(&root.join(MANIFEST))?;
    let manifest = crate::manifest::with_package_version(&manifest, &plan.next.to_string())
        .with_context(|| format!("updating {MANIFEST}"))?;
    let changelog = files::read_optional(&root.join(CHANGELOG))?.unwrap_or_default();
    let changelog = prepend_entry(&changelog, &plan.next, &args.base, &review.report)?;
    let mut outputs = vec![
        (root.join(MANIFEST), manifest),
        (root.join(CHANGELOG), changelog),
    ];
    if let Some(lock) = files::read_optional(&root.join(LOCK))? {
        outputs.push((
            root.join(LOCK),
            crate::manifest::with_lock_version(&lock, PACKAGE, &plan.next.to_string())
                .with_context(|| format!("updating {LOCK}"))?,
        ));
    }
    files::write_all(&outputs)?;
    eprintln!(
        "belvo {} -> {} ({}); wrote {MANIFEST} and {CHANGELOG}",
        plan.base,
        plan.next,
        plan.reason()
    );
    Ok(())
}

/// The changelog with an entry for `version` first (after the title and its preamble): the
/// report's sections one heading level down. Refuses a version the changelog already has.
pub fn prepend_entry(
    changelog: &str,
    version: &Version,
    base: &str,
    report: &Report,
) -> Result<String> {
    let heading = format!("## {version}");
    if changelog.lines().any(|l| l.trim_end() == heading) {
        bail!("{CHANGELOG} already has an entry `{heading}`");
    }
    let mut entry = format!("{heading}\n\nAPI changes since `{base}`: ");
    let markdown = report.to_markdown();
    // The report's own title goes; its summary line opens the entry, its sections move down.
    for line in markdown
        .lines()
        .skip_while(|l| l.starts_with("## ") || l.is_empty())
    {
        if let Some(rest) = line.strip_prefix("### ") {
            entry.push_str("#### ");
            entry.push_str(rest);
        } else {
            entry.push_str(line);
        }
        entry.push('\n');
    }
    entry.push('\n');
    let title = "# Changelog\n\n";
    let body = changelog.strip_prefix(title).unwrap_or(changelog);
    // Entries start at the first `## `; text before it (the preamble) stays on top.
    let first = body
        .find("\n## ")
        .map(|i| i + 1)
        .or_else(|| body.starts_with("## ").then_some(0));
    let (preamble, entries) = match first {
        Some(i) => body.split_at(i),
        None => (body, ""),
    };
    let mut preamble = preamble.to_owned();
    if !preamble.is_empty() && !preamble.ends_with("\n\n") {
        preamble.push('\n');
    }
    Ok(format!("{title}{preamble}{entry}{entries}"))
}
