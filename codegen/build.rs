//! Tells the tests what this checkout lacks, so that a plain `cargo test` lists a test that
//! cannot run as ignored, with the reason, instead of passing it having done nothing:
//! `cfg(no_shared)` when `../shared` (the corpus, Belvo's published spec) is not beside the
//! checkout, `cfg(no_python_tools)` when python3 cannot import the packages of
//! tools/requirements.txt. `cargo xtask test` also runs ignored tests, and there they fail.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(no_shared)");
    println!("cargo::rustc-check-cfg=cfg(no_python_tools)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    // What is present is watched, so that its removal is seen. What is missing cannot be:
    // cargo reruns a build script whose watched file is missing on every build, and so
    // rebuilds codegen each time; after adding it, `touch codegen/build.rs`.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let readme = Path::new(&manifest_dir).join("../../shared/README.md");
    if readme.is_file() {
        println!("cargo::rerun-if-changed={}", readme.display());
    } else {
        println!("cargo::rustc-cfg=no_shared");
        println!(
            "cargo::warning=../shared is absent: the tests that read it are ignored \
             (after adding it, `touch codegen/build.rs`)"
        );
    }
    let python = Command::new("python3")
        .args([
            "-c",
            "import yaml, openapi_spec_validator; print(openapi_spec_validator.__file__)",
        ])
        .output();
    match python {
        Ok(out) if out.status.success() => {
            let module = String::from_utf8_lossy(&out.stdout);
            println!("cargo::rerun-if-changed={}", module.trim());
        }
        _ => {
            println!("cargo::rustc-cfg=no_python_tools");
            println!(
                "cargo::warning=python3 with tools/requirements.txt is absent: the external \
                 checks are ignored (after installing it, `touch codegen/build.rs`)"
            );
        }
    }
}
