//! `cargo xtask semver-judge`: cargo-semver-checks as an independent judge of the diff's
//! verdicts. For each rule fixture of `codegen/tests/rust_impact.rs` (the same old and new
//! documents: `codegen/tests/support/rust_cases.rs`, included by path), both clients are generated and written as crates of one name;
//! cargo-semver-checks compares them (`check-release --baseline-root OLD --manifest-path
//! NEW/Cargo.toml`) and its verdict (did a lint that needs a major release fail?) is set beside
//! ours (is the fixture's rule breaking?). The result is a Markdown table, one row per fixture,
//! each disagreement with its explanation from [`EXPLAINED`]; the command fails when a
//! disagreement has no explanation or an explanation no longer matches a disagreement, so the
//! table in `codegen/src/diff/semver-judge.md` (`--write`) stays true.
//!
//! The tool is pinned ([`VERSION`]: the newest release when pinned; it reads rustdoc JSON
//! format 57, which rustc 1.95 writes) and installed into `target/tools` when missing. A run
//! of every fixture takes about 8 minutes here once the clients' dependencies are built (5
//! more the first time), so `xtask/tests/semver_judge.rs` runs four representative ones.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use codegen::client::{generate, standalone_crate, ClientOptions};
use codegen::OpenApiSource;
use openapiv3::OpenAPI;
use serde_json::Value;

use crate::files::{self, project_root};

#[path = "../../codegen/tests/support/rust_cases.rs"]
#[allow(dead_code)]
mod rust_cases;

/// The pinned cargo-semver-checks.
pub const VERSION: &str = "0.51.0";

/// Where the table is kept, included in `codegen::diff`'s documentation.
const TABLE: &str = "codegen/src/diff/semver-judge.md";

/// Why the two judges disagree on a rule, for each rule where they do.
pub const EXPLAINED: &[(&str, &str)] = &[
    ("request-parameter-type-changed", SETTER_TYPE),
    ("request-parameter-format-changed", SETTER_TYPE),
    ("request-property-type-changed", FIELD_TYPE),
    ("request-property-became-required", FIELD_TYPE),
    ("request-property-enum-added", FIELD_TYPE),
    ("response-property-type-changed", FIELD_TYPE),
    ("response-property-format-changed", FIELD_TYPE),
    ("response-property-became-nullable", FIELD_TYPE),
    ("request-property-added", LITERAL),
    ("response-property-added", LITERAL),
];

const SETTER_TYPE: &str = "The builder setter's argument changes type (`TryInto<i64>` to \
    `TryInto<String>`); cargo-semver-checks does not compare argument types or trait bounds, \
    so it sees no change at all.";

const FIELD_TYPE: &str = "A struct field changes type (`Option<T>` to `T`, `Uuid` to `String`, \
    `String` to a new enum); cargo-semver-checks does not compare field types, so it sees no \
    change (or only the new type, which breaks nothing).";

const LITERAL: &str = "A public field is added to a struct whose fields are all public, so a \
    struct literal `types::X { .. }` no longer compiles. We judge by how the client is used: \
    request bodies are built with `types::X::builder()`, which still compiles, and response \
    types are read, not built; a caller who writes the literal does break.";

/// Arguments of `cargo xtask semver-judge`.
#[derive(clap::Args)]
pub struct Args {
    /// Judge only these rule fixtures (rule ids, comma-separated); all when absent.
    #[arg(long, value_delimiter = ',')]
    rules: Vec<String>,
    /// Write the table into codegen/src/diff/semver-judge.md instead of standard output
    /// (refused with --rules: the committed table covers every fixture).
    #[arg(long, conflicts_with = "rules")]
    write: bool,
}

pub fn run(args: Args) -> Result<()> {
    let root = project_root()?;
    if let Some(unknown) = args
        .rules
        .iter()
        .find(|r| !rust_cases::CASES.iter().any(|(rule, _, _)| rule == r))
    {
        bail!("`{unknown}` is not a rule fixture of codegen/tests/support/rust_cases.rs");
    }
    let tool = install(&root)?;
    let cases: Vec<_> = rust_cases::CASES
        .iter()
        .filter(|(rule, _, _)| args.rules.is_empty() || args.rules.iter().any(|r| r == rule))
        .collect();
    let work = root.join("target/semver-judge");
    let start = Instant::now();
    let mut rows = Vec::new();
    for (rule, edit, _) in cases {
        let (old, new) = rust_cases::documents(*edit);
        let (old, new) = (spec(&old)?, spec(&new)?);
        let ours = our_verdict(rule, &old, &new)?;
        write_crate(&work.join("old"), &old).with_context(|| format!("{rule}: old client"))?;
        write_crate(&work.join("new"), &new).with_context(|| format!("{rule}: new client"))?;
        let theirs = judge(&tool, &work).with_context(|| format!("{rule}: cargo-semver-checks"))?;
        eprintln!(
            "{rule}: ours {}, cargo-semver-checks {} ({:.0?} so far)",
            breaking(ours),
            breaking(theirs.breaking),
            start.elapsed()
        );
        rows.push(Row { rule, ours, theirs });
    }
    let table = table(&rows)?;
    if args.write {
        files::write_atomic(&root.join(TABLE), &table)
    } else {
        files::write_stdout(&table)
    }
}

/// One fixture judged.
struct Row {
    rule: &'static str,
    ours: bool,
    theirs: Verdict,
}

/// What cargo-semver-checks said about one pair of crates.
struct Verdict {
    /// A lint that requires a major release failed.
    breaking: bool,
    /// The lints that failed, each with the release it requires.
    lints: Vec<String>,
}

fn breaking(yes: bool) -> &'static str {
    if yes {
        "breaking"
    } else {
        "not breaking"
    }
}

/// The Markdown table; fails on a disagreement without explanation or an explanation of an
/// agreement.
fn table(rows: &[Row]) -> Result<String> {
    let mut out = String::from(
        "<!-- @generated by `cargo xtask semver-judge --write`: do not edit by hand. -->\n\n\
         | Rule fixture | Ours | cargo-semver-checks | Agree | Why not |\n\
         |---|---|---|---|---|\n",
    );
    let mut problems = Vec::new();
    for row in rows {
        let agree = row.ours == row.theirs.breaking;
        let why = EXPLAINED.iter().find(|(rule, _)| *rule == row.rule);
        let why = match (agree, why) {
            (true, None) => "",
            (false, Some((_, why))) => why,
            (false, None) => {
                problems.push(format!("{}: the judges disagree, unexplained", row.rule));
                ""
            }
            (true, Some(_)) => {
                problems.push(format!(
                    "{}: explained as a disagreement, but the judges agree",
                    row.rule
                ));
                ""
            }
        };
        let lints = if row.theirs.lints.is_empty() {
            String::new()
        } else {
            format!(" ({})", row.theirs.lints.join(", "))
        };
        out.push_str(&format!(
            "| `{}` | {} | {}{lints} | {} | {why} |\n",
            row.rule,
            breaking(row.ours),
            breaking(row.theirs.breaking),
            if agree { "yes" } else { "**no**" },
        ));
    }
    let agreed = rows.iter().filter(|r| r.ours == r.theirs.breaking).count();
    out.push_str(&format!(
        "\n{agreed} of {} fixtures agree (cargo-semver-checks {VERSION}).\n",
        rows.len()
    ));
    if !problems.is_empty() {
        eprint!("{out}");
        bail!("{}", problems.join("\n"));
    }
    Ok(out)
}

/// Whether our report calls the fixture's change breaking (the rule must fire).
fn our_verdict(rule: &str, old: &OpenAPI, new: &OpenAPI) -> Result<bool> {
    let report = codegen::diff::diff(old, new);
    let change = report.changes().find(|(_, c)| c.rule.id == rule);
    let Some((_, change)) = change else {
        bail!("{rule}: the rule does not fire on its own fixture");
    };
    Ok(change.rule.breaking)
}

fn spec(doc: &Value) -> Result<OpenAPI> {
    codegen::read_openapi(OpenApiSource::Json(doc)).context("a fixture is not an OpenAPI document")
}

/// Writes the client of `spec` as the crate `belvo` in `dir`, leaving unchanged files alone
/// (so cargo reuses what it built for them).
fn write_crate(dir: &Path, spec: &OpenAPI) -> Result<()> {
    let code = generate(spec, &ClientOptions::default())
        .map_err(|err| anyhow::anyhow!("{err}"))?
        .code;
    let changed: Vec<(PathBuf, String)> =
        standalone_crate("belvo", "Belvo", "cargo xtask semver-judge", &code)
            .into_iter()
            .map(|(file, contents)| (dir.join(file), contents))
            .filter(|(path, contents)| {
                std::fs::read_to_string(path).ok().as_deref() != Some(contents.as_str())
            })
            .collect();
    files::write_all(&changed)
}

/// `cargo semver-checks check-release` of `work/new` against `work/old`.
fn judge(tool: &Path, work: &Path) -> Result<Verdict> {
    let out = Command::new(tool)
        .args([
            "semver-checks",
            "check-release",
            "--verbose",
            "--color",
            "never",
        ])
        .arg("--baseline-root")
        .arg(work.join("old"))
        .arg("--manifest-path")
        .arg(work.join("new/Cargo.toml"))
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .with_context(|| format!("starting {}", tool.display()))?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let verdict = parse(&text)?;
    // Its exit status says the same as the lines read, or the reading is wrong.
    if verdict.lints.is_empty() != out.status.success() {
        bail!(
            "exit status {} does not match the lints read:\n{text}",
            out.status
        );
    }
    Ok(verdict)
}

/// Reads the failed lints from cargo-semver-checks' `--verbose` output: one line per lint,
/// `FAIL [   0.001s]   major   enum_variant_added`. A run without its `Summary` line did not
/// get to compare (a crate that does not build, say): that is an error, with the output.
fn parse(text: &str) -> Result<Verdict> {
    if !text.lines().any(|l| l.trim_start().starts_with("Summary")) {
        bail!("no verdict in its output:\n{text}");
    }
    let mut verdict = Verdict {
        breaking: false,
        lints: Vec::new(),
    };
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["FAIL", .., level, lint] = words.as_slice() {
            verdict.breaking |= *level == "major";
            verdict.lints.push(format!("`{lint}` {level}"));
        }
    }
    Ok(verdict)
}

/// The path of the pinned cargo-semver-checks, installed into `target/tools` when missing.
pub fn install(root: &Path) -> Result<PathBuf> {
    let bin = tool_path(root);
    let installed = Command::new(&bin)
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim().ends_with(VERSION));
    if installed {
        return Ok(bin);
    }
    eprintln!("installing cargo-semver-checks {VERSION} into target/tools (a few minutes)");
    let status = Command::new(crate::bench::cargo())
        .args(["install", "--locked", "--root"])
        .arg(root.join("target/tools"))
        .arg(format!("cargo-semver-checks@{VERSION}"))
        // Its release profile asks for fat LTO in one codegen unit: a long single-threaded
        // link on a small machine, for a tool whose runs are short anyway.
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .status()
        .context("starting cargo install")?;
    if !status.success() {
        bail!("cargo install cargo-semver-checks@{VERSION} failed with {status}");
    }
    // xtask's build script looked before the install; make it look again.
    files::touch(&root.join("xtask/build.rs"))?;
    Ok(bin)
}

/// Where [`install`] puts the binary.
pub fn tool_path(root: &Path) -> PathBuf {
    root.join("target/tools/bin/cargo-semver-checks")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of `check-release --verbose` output (0.51): one line per lint, a summary.
    const OUTPUT: &str = "     Parsing belvo v0.1.0 (current)
     Checking belvo v0.1.0 -> v0.1.0 (no change; assume patch)
        PASS [   0.002s]        major        auto_trait_impl_removed
        FAIL [   0.004s]        major        inherent_method_missing
        FAIL [   0.001s]        minor        type_marked_deprecated
     Checked [   0.100s] 2 checks: 0 pass, 2 fail, 0 warn, 0 skip

     Summary semver requires new major version: 1 major and 1 minor checks failed
";

    #[test]
    fn failed_lints_are_read_with_their_level() {
        let verdict = parse(OUTPUT).unwrap();
        assert!(verdict.breaking);
        assert_eq!(
            verdict.lints,
            [
                "`inherent_method_missing` major",
                "`type_marked_deprecated` minor"
            ]
        );
        let minor_only = OUTPUT.replace("FAIL [   0.004s]", "PASS [   0.004s]");
        assert!(!parse(&minor_only).unwrap().breaking);
    }

    #[test]
    fn output_without_a_summary_is_an_error() {
        let err = parse("error: could not compile `belvo`").err().unwrap();
        assert!(err.to_string().contains("could not compile"), "{err}");
    }

    fn row(rule: &'static str, ours: bool, theirs: bool) -> Row {
        Row {
            rule,
            ours,
            theirs: Verdict {
                breaking: theirs,
                lints: Vec::new(),
            },
        }
    }

    #[test]
    fn every_disagreement_needs_an_explanation_and_only_those() {
        let agree = table(&[row("api-removed", true, true)]).unwrap();
        assert!(
            agree.contains("| `api-removed` | breaking | breaking | yes |  |"),
            "{agree}"
        );
        assert!(agree.contains("1 of 1 fixtures agree"), "{agree}");
        let unexplained = table(&[row("no-such-rule", true, false)]).err().unwrap();
        assert!(unexplained
            .to_string()
            .contains("no-such-rule: the judges disagree"));
        for (rule, why) in EXPLAINED {
            let explained = table(&[row(rule, true, false)]).unwrap();
            assert!(explained.contains(why), "{explained}");
            let stale = table(&[row(rule, true, true)]).err().unwrap();
            assert!(
                stale.to_string().contains("but the judges agree"),
                "{stale}"
            );
        }
    }
}
