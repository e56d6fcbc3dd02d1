//! cargo-semver-checks as an independent judge: `cargo xtask semver-judge` run for real on
//! representative rule fixtures (one of each kind of row: both judges call it breaking, both
//! call it compatible, it misses a type change, it is stricter than we are) must print, for
//! each, the row that the committed table (`codegen/src/diff/semver-judge.md`) has. So the
//! committed table is what a real run gives, disagreements included with their explanation.
//! The whole table (every fixture, several minutes) is written by `cargo xtask semver-judge
//! --write`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const BIN: &str = env!("CARGO_BIN_EXE_xtask");

/// One fixture of each kind of row.
const REPRESENTATIVE: &[&str] = &[
    "api-removed",
    "api-added",
    "response-property-type-changed",
    "response-property-added",
];

/// The table's row for `rule` in `table`.
fn row<'t>(table: &'t str, rule: &str) -> Option<&'t str> {
    let start = format!("| `{rule}` |");
    table.lines().find(|line| line.starts_with(&start))
}

#[test]
#[cfg_attr(
    no_semver_checks,
    ignore = "cargo-semver-checks is not in target/tools (`cargo xtask semver-judge` installs it)"
)]
fn a_real_run_gives_the_committed_rows() {
    let committed =
        std::fs::read_to_string(repo_root().join("codegen/src/diff/semver-judge.md")).unwrap();
    let out = Command::new(BIN)
        .args(["semver-judge", "--rules", &REPRESENTATIVE.join(",")])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let table = String::from_utf8(out.stdout).unwrap();
    for rule in REPRESENTATIVE {
        let ran = row(&table, rule).unwrap_or_else(|| panic!("{rule}: no row in\n{table}"));
        let kept = row(&committed, rule)
            .unwrap_or_else(|| panic!("{rule}: no row in the committed table"));
        assert_eq!(
            ran, kept,
            "{rule}: the committed table is stale; run `cargo xtask semver-judge --write`"
        );
    }
    // The kinds are really there: an agreement each way and a disagreement each way.
    let cells = |rule: &str| -> Vec<String> {
        let line = row(&table, rule).unwrap();
        line.split(" | ").map(|c| c.trim().to_owned()).collect()
    };
    let verdicts: Vec<(String, String, String)> = REPRESENTATIVE
        .iter()
        .map(|rule| {
            let c = cells(rule);
            let theirs = c[2].split(" (").next().unwrap().to_owned();
            (c[1].clone(), theirs, c[3].clone())
        })
        .collect();
    let kinds = [
        ("breaking", "breaking", "yes"),
        ("not breaking", "not breaking", "yes"),
        ("breaking", "not breaking", "**no**"),
        ("not breaking", "breaking", "**no**"),
    ];
    for (verdict, kind) in verdicts.iter().zip(kinds) {
        assert_eq!(
            (verdict.0.as_str(), verdict.1.as_str(), verdict.2.as_str()),
            kind
        );
    }
}
