//! What the xtask integration tests share: the checkout they run from, and scratch git
//! repositories holding copies of some of its files.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The committed collection, relative to the checkout.
#[allow(dead_code)] // Not every test crate that includes this module reads it.
pub const COLLECTION: &str = "spec/belvo.postman_collection.json";

/// What `regen`, `review`, `release` and `pull` read and write: a scratch checkout for their
/// tests holds these.
#[allow(dead_code)]
pub const PIPELINE: [&str; 7] = [
    COLLECTION,
    "spec/overlay.yaml",
    "spec/openapi.yaml",
    "generated/src/generated.rs",
    "generated/Cargo.toml",
    "generated/CHANGELOG.md",
    // `release` moves the crate's entry here too.
    "Cargo.lock",
];

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh, empty directory under the system's temporary directory, unique to this process.
pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A checkout reduced to `files` (paths relative to the root) and a stub workspace manifest,
/// as a git repository with one commit.
pub fn project_copy(name: &str, files: &[&str]) -> PathBuf {
    let dir = tempdir(name);
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    for file in files {
        std::fs::create_dir_all(dir.join(file).parent().unwrap()).unwrap();
        std::fs::copy(repo_root().join(file), dir.join(file)).unwrap();
    }
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-qm", "copy"]);
    dir
}

/// Runs git in `dir` with a fixed identity; fails the test on an error.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
