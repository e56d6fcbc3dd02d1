//! `pull --open-pr`: the files `pull` changed, committed on one branch ([`BRANCH`]) on top of
//! the checked-out one, force-pushed to `origin`, and its pull request opened or updated
//! through GitHub's REST API ([`crate::github::upsert_pull`]). The body is the review comment
//! (`cargo xtask review BASE`), the title the version the `belvo` crate would get. Every run
//! starts the branch again from the base, so the pull request always shows the API as last
//! fetched against the base as it is, and a run never opens a second one.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use codegen::diff::Bump;

use crate::github;

/// The branch of the pull request. Fixed, so each run finds the previous run's pull request.
pub const BRANCH: &str = "api-pull";
/// The remote the branch is pushed to (the workflow's checkout sets its credentials).
const REMOTE: &str = "origin";
/// The files `pull` may change, which must be committed before it runs.
const PIPELINE: [&str; 4] = [
    crate::regen::COLLECTION,
    crate::regen::SPEC,
    crate::regen::CLIENT,
    crate::manifest::MANIFEST,
];

/// What `--open-pr` checked before the fetch: GitHub's settings and the base branch.
pub struct Prepared {
    repo: github::Repo,
    base: String,
}

impl Prepared {
    /// Fails, before anything is fetched, without GitHub's settings, on a detached HEAD or
    /// on the pull branch itself, and when the files `pull` writes have uncommitted changes
    /// (they would end up in the pull request).
    pub fn new(root: &Path) -> Result<Self> {
        let repo = github::Repo::from_env("--open-pr")?;
        let base = git(root, &["symbolic-ref", "--short", "-q", "HEAD"])
            .context("--open-pr needs a branch checked out (the pull request's base)")?;
        if base == BRANCH {
            bail!("--open-pr runs on the base branch, not on `{BRANCH}` itself");
        }
        let mut status = vec!["status", "--porcelain", "--"];
        status.extend(PIPELINE);
        let dirty = git(root, &status)?;
        if !dirty.is_empty() {
            bail!("--open-pr needs the pipeline files committed; uncommitted:\n{dirty}");
        }
        Ok(Prepared { repo, base })
    }

    /// Commits `changed` on [`BRANCH`], pushes it, opens or updates the pull request, and
    /// checks the base branch out again.
    pub fn open(self, root: &Path, changed: &[PathBuf]) -> Result<()> {
        let review = crate::review::review(&self.base)?;
        let body = review.comment(false);
        let title = title(&review.plan);
        git(root, &["checkout", "-q", "-B", BRANCH])?;
        let pushed = commit_and_push(root, changed, &title);
        // Back to the base whatever happened: the change stays on the branch.
        let back = git(root, &["checkout", "-q", &self.base]);
        pushed?;
        back?;
        let pr = github::PullRequest {
            head: BRANCH,
            base: &self.base,
            title: &title,
            body: &body,
        };
        let (action, number) = github::upsert_pull(&self.repo, &pr)?;
        eprintln!("{action} pull request #{number}: {title}");
        Ok(())
    }
}

fn commit_and_push(root: &Path, changed: &[PathBuf], title: &str) -> Result<()> {
    let mut add = vec!["add", "--"];
    let paths: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
    add.extend(paths.iter().map(String::as_str));
    git(root, &add)?;
    git(
        root,
        &[
            "-c",
            "user.name=belvo-api-pull",
            "-c",
            "user.email=41898282+github-actions[bot]@users.noreply.github.com",
            "commit",
            "-q",
            "-m",
            title,
        ],
    )?;
    // Forced: the branch is remade from the base on every run.
    git(root, &["push", "-q", "--force", REMOTE, BRANCH])?;
    Ok(())
}

/// The pull request's title: the version the crate would get, and whether it breaks.
fn title(plan: &crate::plan::Plan) -> String {
    match plan.bump {
        Bump::None => format!(
            "Postman collection update: no API change, belvo stays {}",
            plan.base
        ),
        Bump::Patch => format!(
            "API update from Postman: belvo {} → {}",
            plan.base, plan.next
        ),
        Bump::Minor | Bump::Major => format!(
            "API update from Postman: belvo {} → {} (breaking)",
            plan.base, plan.next
        ),
    }
}

/// Runs git in `root`; its trimmed standard output, or an error with its standard error.
fn git(root: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("running git (is it installed?)")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("`git {}` failed: {}", args.join(" "), stderr.trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
