//! Tells the Prism end-to-end tests what this checkout lacks: `cfg(no_prism)` when the pinned
//! Prism (`tools/prism`, or `PRISM_BIN`) or `../shared/belvo/openapi.yaml` is absent, so that
//! a plain `cargo test` lists those tests as ignored, with the reason, instead of passing them
//! having done nothing. `cargo xtask test` installs Prism and runs ignored tests too, and
//! there a missing tool fails.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rustc-check-cfg=cfg(no_prism)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PRISM_BIN");
    let root = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("..");
    let prism = std::env::var_os("PRISM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tools/prism/node_modules/.bin/prism"));
    let spec = root.join("../shared/belvo/openapi.yaml");
    // What is present is watched, so that its removal is seen (a missing path would make
    // cargo rerun this script on every build): after installing, `touch examples/build.rs`.
    if prism.exists() && spec.is_file() {
        println!("cargo::rerun-if-changed={}", prism.display());
        println!("cargo::rerun-if-changed={}", spec.display());
    } else {
        println!("cargo::rustc-cfg=no_prism");
        println!(
            "cargo::warning=Prism or ../shared/belvo/openapi.yaml is absent: the Prism tests \
             are ignored (`cargo xtask test` installs Prism; then `touch examples/build.rs`)"
        );
    }
}
