//! `cargo xtask bench-build [--runs N]`: how long the `belvo` crate takes to build, per feature
//! set, with its dependencies already built.
//!
//! The feature sets are read from `cargo metadata` at run time: every feature that
//! `generated/Cargo.toml` declares (except `default`), each alone (`--no-default-features
//! --features F`), then all together (`--all-features`), so a feature added to the crate is
//! measured with no change here. Each set is measured in one block: a build untimed (its
//! dependencies), then, `--runs` times, `cargo clean -p belvo` and a timed `cargo build -p
//! belvo` ("clean"), then the generated file touched and a timed build again ("touched": what a
//! regen costs). A timed build that compiles anything but `belvo` is an error rather than a
//! figure: `cargo clean -p belvo` deletes files by the names of the package's targets, so a
//! test target named like a dependency (`tests/tracing.rs` once) took that dependency, and
//! everything above it, into the "clean" time. `--only F` keeps the sets named (and
//! `all`). A Markdown table of the median and the spread (min–max) of the wall times goes to
//! standard output, progress to standard error.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};

use crate::bench::{cargo, cargo_metadata, median};
use crate::files::{project_root, touch};
use crate::regen::CLIENT as GENERATED;
use crate::release::PACKAGE;

/// Arguments of `cargo xtask bench-build`.
#[derive(clap::Args)]
pub struct Args {
    /// Timed runs per feature set (each a clean build and a build after touching the
    /// generated file), after one untimed build per set.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Measure only these feature sets (repeatable), besides `all`: e.g. `--only banking`.
    #[arg(long, value_name = "FEATURE")]
    only: Vec<String>,
}

/// One feature set: its label in the table and the flags that select it.
#[derive(Debug, PartialEq)]
struct FeatureSet {
    label: String,
    flags: Vec<String>,
}

pub fn run(args: Args) -> Result<()> {
    let root = project_root()?;
    let sets = select(feature_sets(&cargo_metadata(&root)?)?, &args.only)?;
    let mut rows = Vec::new();
    for set in &sets {
        eprintln!(
            "bench-build: {}: building dependencies (untimed)",
            set.label
        );
        build(&root, set)?;
        let (mut clean, mut touched) = (Vec::new(), Vec::new());
        for i in 1..=args.runs {
            eprintln!("bench-build: {}: run {i}/{}", set.label, args.runs);
            run_cargo(&root, &["clean", "-p", PACKAGE])?;
            clean.push(timed_build(&root, set)?);
            touch(&root.join(GENERATED))?;
            touched.push(timed_build(&root, set)?);
        }
        rows.push(Row {
            label: set.label.clone(),
            clean: Spread::of(clean),
            touched: Spread::of(touched),
        });
    }
    crate::files::write_stdout(&markdown(&rows, args.runs))
}

/// Every feature `belvo` declares, alone, then all of them, from `cargo metadata` output.
fn feature_sets(metadata: &serde_json::Value) -> Result<Vec<FeatureSet>> {
    let package = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == PACKAGE))
        .with_context(|| format!("cargo metadata lists no package `{PACKAGE}`"))?;
    let features = package["features"].as_object();
    // A BTreeMap in cargo's output already, sorted; `default` is what `all` and each
    // `--no-default-features` build are measured against, not a product of its own.
    let mut sets: Vec<FeatureSet> = features
        .into_iter()
        .flat_map(|map| map.keys())
        .filter(|name| *name != "default")
        .map(|name| FeatureSet {
            label: name.clone(),
            flags: vec![
                "--no-default-features".into(),
                "--features".into(),
                name.clone(),
            ],
        })
        .collect();
    sets.push(FeatureSet {
        label: "all".into(),
        flags: vec!["--all-features".into()],
    });
    Ok(sets)
}

/// The sets named in `only` and `all`; every set when `only` is empty. A name the crate does not
/// declare is an error.
fn select(mut sets: Vec<FeatureSet>, only: &[String]) -> Result<Vec<FeatureSet>> {
    if only.is_empty() {
        return Ok(sets);
    }
    for wanted in only {
        ensure!(
            sets.iter().any(|s| s.label == *wanted),
            "--only {wanted}: `{PACKAGE}` has no such feature"
        );
    }
    sets.retain(|s| s.label == "all" || only.contains(&s.label));
    Ok(sets)
}

/// `cargo build -p belvo` of one feature set: how long it took and the packages it compiled.
fn build(root: &Path, set: &FeatureSet) -> Result<(Duration, Vec<String>)> {
    let mut args = vec!["build", "-p", PACKAGE];
    args.extend(set.flags.iter().map(String::as_str));
    let start = Instant::now();
    let output = Command::new(cargo())
        .args(&args)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .context("running cargo")?;
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success(),
        "cargo {} failed (feature set `{}`):\n{stderr}",
        args.join(" "),
        set.label
    );
    Ok((elapsed, compiled(&stderr)))
}

/// A build that must compile `belvo` alone: its time.
fn timed_build(root: &Path, set: &FeatureSet) -> Result<Duration> {
    let (elapsed, compiled) = build(root, set)?;
    ensure!(
        compiled.iter().all(|p| p == PACKAGE),
        "feature set `{}`: a timed build compiled {} besides `{PACKAGE}`; the figure would \
         not be the crate's own",
        set.label,
        compiled.join(", ")
    );
    Ok(elapsed)
}

/// The packages cargo's progress output says it compiled (`   Compiling name v1.2.3 ...`).
fn compiled(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("Compiling "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

fn run_cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(cargo())
        .args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .status()
        .context("running cargo")?;
    ensure!(status.success(), "cargo {} failed", args.join(" "));
    Ok(())
}

/// Median and range of the timed builds of one kind.
struct Spread {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Spread {
    fn of(samples: Vec<Duration>) -> Spread {
        Spread {
            min: samples.iter().min().copied().unwrap_or_default(),
            max: samples.iter().max().copied().unwrap_or_default(),
            median: median(samples),
        }
    }
}

struct Row {
    label: String,
    clean: Spread,
    touched: Spread,
}

fn markdown(rows: &[Row], runs: u32) -> String {
    let s = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    let spread = |x: &Spread| format!("{}–{}", s(x.min), s(x.max));
    // The last row is every feature together, what each set is compared with.
    let all = rows.last().map_or(0.0, |r| r.clean.median.as_secs_f64());
    let mut out = format!(
        "`cargo build -p {PACKAGE}` (debug), dependencies already built, {runs} runs per \
         feature set: after `cargo clean -p {PACKAGE}`, and after touching `{GENERATED}`.\n\n\
         | features | clean: median | clean: min–max | clean / all | touched: median | \
         touched: min–max |\n|---|--:|--:|--:|--:|--:|\n"
    );
    for row in rows {
        let ratio = if all > 0.0 {
            format!("{:.2}", row.clean.median.as_secs_f64() / all)
        } else {
            "n/a".into()
        };
        out.push_str(&format!(
            "| {} | {} | {} | {ratio} | {} | {} |\n",
            row.label,
            s(row.clean.median),
            spread(&row.clean),
            s(row.touched.median),
            spread(&row.touched),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(metadata: serde_json::Value) -> Vec<(String, String)> {
        feature_sets(&metadata)
            .unwrap()
            .into_iter()
            .map(|s| (s.label, s.flags.join(" ")))
            .collect()
    }

    #[test]
    fn every_declared_feature_alone_then_all() {
        let metadata = json!({"packages": [
            {"name": "codegen", "features": {"other": []}},
            {"name": "belvo", "features": {
                "banking": ["core"], "core": [], "default": ["full"], "full": ["banking"]
            }}
        ]});
        let alone = |f: &str| {
            (
                f.to_string(),
                format!("--no-default-features --features {f}"),
            )
        };
        assert_eq!(
            labels(metadata),
            vec![
                alone("banking"),
                alone("core"),
                alone("full"),
                ("all".into(), "--all-features".into())
            ]
        );
    }

    #[test]
    fn a_crate_without_features_is_measured_whole() {
        let metadata = json!({"packages": [{"name": "belvo", "features": {}}]});
        assert_eq!(
            labels(metadata),
            vec![("all".into(), "--all-features".into())]
        );
    }

    #[test]
    fn only_keeps_the_named_sets_and_all() {
        let metadata = json!({"packages": [{"name": "belvo", "features": {
            "banking": [], "core": [], "full": ["banking", "core"]
        }}]});
        let sets = |only: &[&str]| {
            let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
            select(feature_sets(&metadata).unwrap(), &only)
                .map(|s| s.into_iter().map(|s| s.label).collect::<Vec<_>>())
        };
        assert_eq!(sets(&["banking"]).unwrap(), ["banking", "all"]);
        assert_eq!(sets(&[]).unwrap(), ["banking", "core", "full", "all"]);
        let err = sets(&["fiscal"]).unwrap_err().to_string();
        assert!(err.contains("--only fiscal"), "{err}");
    }

    #[test]
    fn the_packages_compiled_are_read_from_cargos_progress() {
        let stderr = "   Compiling tracing v0.1.44\n   Compiling belvo v0.1.0 (/work/generated)\n\
                      warning: unused\n    Finished `dev` profile in 9.1s\n";
        assert_eq!(compiled(stderr), ["tracing", "belvo"]);
        assert!(compiled("    Finished `dev` profile in 0.1s\n").is_empty());
    }

    #[test]
    fn a_missing_package_is_an_error() {
        let err = feature_sets(&json!({"packages": []})).unwrap_err();
        assert!(err.to_string().contains("no package `belvo`"), "{err}");
    }

    #[test]
    fn table_compares_each_set_with_all() {
        let secs = Duration::from_secs;
        let row = |label: &str, clean: Vec<Duration>| Row {
            label: label.into(),
            clean: Spread::of(clean),
            touched: Spread::of(vec![secs(2), secs(4), secs(3)]),
        };
        let table = markdown(
            &[
                row("banking", vec![secs(5), secs(4), secs(6)]),
                row("all", vec![secs(10), secs(12), secs(11)]),
            ],
            3,
        );
        assert!(
            table.contains("| banking | 5.0 s | 4.0 s–6.0 s | 0.45 | 3.0 s | 2.0 s–4.0 s |"),
            "{table}"
        );
        assert!(
            table.contains("| all | 11.0 s | 10.0 s–12.0 s | 1.00 |"),
            "{table}"
        );
    }
}
