//! Builds generated client code as a standalone crate with cargo, for the tests that prove the
//! output compiles.
//!
//! Every crate is written under `<target>/client-check/<name>` with the workspace's
//! `Cargo.lock` (so the dependencies are the versions the workspace builds) and built into one
//! shared target directory, `<target>/client-check/target`: dependencies are compiled once
//! (about a minute the first time) and each test then compiles only its own crate. Builds are
//! serialised within a test binary (cargo would lock the directory anyway).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use codegen::client::standalone_crate;

/// How a crate is checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `cargo clippy -- -D warnings`: compiles, and warning-free.
    ClippyDenyWarnings,
    /// `cargo check`: compiles.
    Compiles,
}

static CARGO: Mutex<()> = Mutex::new(());

/// The directory of the shared builds.
pub fn check_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("client-check")
}

/// Writes `code` as the standalone crate `name` (with `extra` appended to its `lib.rs`) and
/// builds it; `Err` holds cargo's diagnostics. Returns how long cargo took.
pub fn build_crate(
    name: &str,
    title: &str,
    code: &str,
    extra: &str,
    check: Check,
) -> Result<Duration, String> {
    let dir = write_crate(name, title, code, extra, "");
    run_cargo(&dir, check, &[])
}

/// Like [`build_crate`], with `manifest` appended to its `Cargo.toml` (a `[features]` table)
/// and cargo given `--no-default-features --features FEATURES`.
pub fn build_crate_features(
    name: &str,
    code: &str,
    manifest: &str,
    features: &str,
    check: Check,
) -> Result<Duration, String> {
    let dir = write_crate(name, "a test", code, "", manifest);
    run_cargo(
        &dir,
        check,
        &["--no-default-features", "--features", features],
    )
}

fn write_crate(name: &str, title: &str, code: &str, extra: &str, manifest: &str) -> PathBuf {
    let dir = check_dir().join(name);
    for (file, mut contents) in standalone_crate(name, title, "cargo test", code) {
        match file {
            "src/lib.rs" => contents.push_str(extra),
            "Cargo.toml" => contents.push_str(manifest),
            _ => {}
        }
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, dir.join("Cargo.lock")).unwrap();
    dir
}

fn run_cargo(dir: &Path, check: Check, features: &[&str]) -> Result<Duration, String> {
    let (command, lints): (&str, &[&str]) = match check {
        Check::ClippyDenyWarnings => ("clippy", &["--", "-D", "warnings"]),
        Check::Compiles => ("check", &[]),
    };
    let _one_at_a_time = CARGO.lock().unwrap_or_else(|e| e.into_inner());
    let start = Instant::now();
    let out = Command::new(env!("CARGO"))
        .arg(command)
        .arg("--quiet")
        .args(features)
        .args(lints)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", check_dir().join("target"))
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    let took = start.elapsed();
    if out.status.success() {
        Ok(took)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Writes `code` as the standalone crate `name` with `main` as its binary, builds it into the
/// shared target directory and returns the binary's path. Files that did not change keep
/// their time stamps, so an unchanged client is not rebuilt.
pub fn build_binary(name: &str, title: &str, code: &str, main: &str) -> PathBuf {
    build_binary_with(name, title, code, main, "")
}

/// [`build_binary`] with `deps` (manifest lines, e.g. `wiremock = "0.6"`) added to the
/// crate's dependencies, for a `main` that runs the client against a local server.
pub fn build_binary_with(name: &str, title: &str, code: &str, main: &str, deps: &str) -> PathBuf {
    let target = check_dir();
    let dir = target.join(name);
    let mut files = standalone_crate(name, title, "cargo test", code);
    for (file, contents) in &mut files {
        if *file == "Cargo.toml" {
            *contents =
                contents.replacen("[dependencies]\n", &format!("[dependencies]\n{deps}"), 1);
        }
    }
    files.push(("src/main.rs", main.to_owned()));
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"))
        .unwrap();
    files.push(("Cargo.lock", lock));
    for (file, contents) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            std::fs::write(path, contents).unwrap();
        }
    }
    let _one_at_a_time = CARGO.lock().unwrap_or_else(|e| e.into_inner());
    let start = Instant::now();
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--bin", name])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target.join("target"))
        // No debug info: a faster build of a large generated module, and nothing is debugged.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "building {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{name}: built in {:.1?}", start.elapsed());
    target.join("target/debug").join(name)
}
