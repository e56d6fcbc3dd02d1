//! `cargo xtask review BASE`: everything the pull-request workflow does, runnable locally.
//!
//! 1. Fails (run `cargo xtask regen`) when the committed spec or client is not what `regen`
//!    writes from the committed collection.
//! 2. Compares `spec/openapi.yaml` at git revision `BASE` with the working tree's and prints the
//!    pull-request comment: a hidden marker line (so the comment is found again and updated),
//!    then the report, or "no API changes".
//! 3. With `--post`, creates that comment on the pull request, or updates the one carrying the
//!    marker ([`crate::github`]).
//! 4. Exits non-zero on a breaking change, unless it is accepted: `--accept-breaking`, or the
//!    pull request carries the label [`ACCEPT_LABEL`] (read from the workflow's event file,
//!    `$GITHUB_EVENT_PATH`).

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::diff::{at_revision, working_tree};
use crate::files::{self, Mode};
use crate::github;

/// The label that accepts breaking changes on a pull request.
pub const ACCEPT_LABEL: &str = "api-breaking-accepted";

/// First line of the comment: invisible in the rendered comment, found by `--post` to update
/// the comment instead of adding another.
pub const MARKER: &str = "<!-- belvo-spec-review -->";

/// Arguments of `cargo xtask review`.
#[derive(clap::Args)]
pub struct Args {
    /// The git revision the pull request is compared with (`origin/main`, a commit).
    base: String,
    /// Accept breaking changes (as the `api-breaking-accepted` label does).
    #[arg(long)]
    accept_breaking: bool,
    /// Post the comment on the pull request (token from `GITHUB_TOKEN`; repository and pull
    /// request from `GITHUB_REPOSITORY` and the event file `GITHUB_EVENT_PATH`).
    #[arg(long)]
    post: bool,
}

pub fn run(args: Args) -> Result<()> {
    crate::regen::run(Mode::Check).context(
        "the committed spec or client is not what the collection gives; run `cargo xtask \
         regen` and commit its output",
    )?;
    let event = Event::from_env()?;
    let review = review(&args.base)?;
    let accepted = args.accept_breaking || event.labels.iter().any(|l| l == ACCEPT_LABEL);
    let body = review.comment(accepted);
    files::write_stdout(&body)?;
    if args.post {
        let target = github::Target::from_env(event.number)?;
        let action = github::upsert_comment(&target, MARKER, &body)?;
        eprintln!(
            "{action} the review comment on pull request #{}",
            target.pull
        );
    }
    if review.report.has_breaking() && !accepted {
        bail!(
            "breaking API changes since {}; if they are intended, add the label \
             `{ACCEPT_LABEL}` to the pull request (or pass --accept-breaking)",
            args.base
        );
    }
    Ok(())
}

/// The diff between `base`'s spec and the working tree's, and the version it calls for.
pub struct Review {
    pub base: String,
    pub report: codegen::diff::Report,
    pub plan: crate::plan::Plan,
    /// What the lenient reader accepted in either spec.
    pub tolerated: Vec<String>,
}

/// Compares `spec/openapi.yaml` at `base` with the working tree's.
pub fn review(base: &str) -> Result<Review> {
    let specs = crate::diff::Specs::parse(
        at_revision(base)?,
        working_tree()?,
        crate::regen::SPEC.to_owned(),
    )?;
    let mut report = codegen::diff::diff(&specs.old.2, &specs.new.2);
    if !report.is_empty() {
        report.attach_rust(rust_impact(base, &specs.old.2)?);
    }
    let plan = crate::plan::Plan::new(base, &report)?;
    Ok(Review {
        base: base.to_owned(),
        report,
        plan,
        tolerated: specs.tolerated,
    })
}

/// The differences between the client `base`'s spec gives (generated here, as `regen` would)
/// and the working tree's generated client (which `check` found fresh).
fn rust_impact(
    base: &str,
    old_spec: &openapiv3::OpenAPI,
) -> Result<Vec<codegen::diff::RustChange>> {
    let old = codegen::client::generate(old_spec, &crate::regen::client_options())
        .map_err(|e| anyhow::anyhow!("generating the client of the spec at {base}: {e}"))?;
    let new = files::read(&files::project_root()?.join(crate::regen::CLIENT))?;
    codegen::diff::compare_clients(&old.code, &new)
        .with_context(|| format!("reading the generated clients of {base} and the working tree"))
}

impl Review {
    /// The pull-request comment: the marker, the report, and what happens to breaking changes.
    pub fn comment(&self, accepted: bool) -> String {
        let mut body = format!("{MARKER}\n");
        if self.report.is_empty() {
            body.push_str(&format!(
                "## API changes\n\nThis pull request makes no API changes (`spec/openapi.yaml` \
                 is the same as at `{}` as far as the diff rules can tell).\n",
                self.base
            ));
            return body;
        }
        body.push_str(&self.report.to_markdown());
        body.push_str(&crate::diff::tolerated_markdown(&self.tolerated));
        let plan = &self.plan;
        body.push_str(&format!(
            "\n**Version**: the `belvo` crate goes from {} (at `{}`) to **{}** ({}); \
             `cargo xtask release {}` writes it and the changelog entry.\n",
            plan.base,
            self.base,
            plan.next,
            plan.reason(),
            self.base
        ));
        if self.report.has_breaking() {
            body.push('\n');
            body.push_str(&if accepted {
                format!("Breaking changes accepted (label `{ACCEPT_LABEL}`).\n")
            } else {
                format!(
                    "Breaking changes fail this check; if they are intended, add the label \
                     `{ACCEPT_LABEL}` to the pull request.\n"
                )
            });
        }
        body
    }
}

/// What the review reads of the workflow's event (`$GITHUB_EVENT_PATH`), when there is one.
#[derive(Default)]
struct Event {
    number: Option<u64>,
    labels: Vec<String>,
}

impl Event {
    fn from_env() -> Result<Self> {
        match std::env::var_os("GITHUB_EVENT_PATH") {
            Some(path) if !path.is_empty() => Event::read(Path::new(&path)),
            _ => Ok(Event::default()),
        }
    }

    fn read(path: &Path) -> Result<Self> {
        let text = files::read(path)?;
        let event: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("reading the event file {} as JSON", path.display()))?;
        let pull = &event["pull_request"];
        let labels = pull["labels"].as_array().map_or(&[][..], Vec::as_slice);
        Ok(Event {
            number: pull["number"].as_u64(),
            labels: labels
                .iter()
                .filter_map(|l| l["name"].as_str().map(str::to_owned))
                .collect(),
        })
    }
}
