//! The next version of the `belvo` crate: the version at a base revision, moved by what a
//! diff report says. `review` prints it and `release` writes it; it lives apart from both
//! because `release` reads `review`'s report, so `review` reaching into `release` for the
//! version rule would make the two modules depend on each other.

use anyhow::{Context, Result};
use codegen::diff::{Bump, Report, Version};

use crate::manifest::MANIFEST;

/// The version at the base revision, the bump the report needs, and the result.
pub struct Plan {
    pub base: Version,
    pub bump: Bump,
    pub next: Version,
}

impl Plan {
    /// Reads the version of generated/Cargo.toml at `base` and applies the report to it.
    pub fn new(base: &str, report: &Report) -> Result<Self> {
        let (label, manifest) = crate::diff::file_at_revision(base, MANIFEST)?;
        let version = crate::manifest::package_version(&manifest)
            .with_context(|| format!("reading {label}"))?;
        let version: Version = version
            .parse()
            .map_err(|e: String| anyhow::anyhow!("{label}: {e}"))?;
        let (bump, next) = report.next_version(version);
        Ok(Plan {
            base: version,
            bump,
            next,
        })
    }

    /// Why the version moves as it does, in words.
    pub fn reason(&self) -> &'static str {
        match self.bump {
            Bump::None => "no API changes",
            Bump::Patch => "no breaking change: patch version",
            Bump::Minor => "breaking changes: minor version, below 1.0",
            Bump::Major => "breaking changes: major version",
        }
    }
}
