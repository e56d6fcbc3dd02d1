//! `cargo xtask bench [--runs N]`: how long our converter takes, and how much memory, against
//! the peer `postman2openapi` CLI (crates.io package `postman2openapi-cli`), as whole processes.
//!
//! Inputs are the two large collections in `../shared`: Belvo (3.5 MB, 103 requests, ~700
//! saved responses) and the peer's own GitHub fixture (4 MB). Each converter runs once as a
//! warm-up, then `--runs` times (default 10), interleaved ours, peer, ours, peer… so that both
//! see the same machine state. Wall time runs from spawn to exit; `wait4` gives each child's
//! peak memory (`ru_maxrss`) and its user+system CPU time, which is steadier than wall time
//! when other builds share the machine. On Linux a child's `ru_maxrss` cannot read below the
//! spawning process's own peak, so outputs are checked (parsed as OpenAPI) only after every
//! run, and the table states that floor. A Markdown table of median and min wall time, median
//! CPU time, max peak RSS and the ratios ours/peer goes to standard output; progress goes to
//! standard error.
//!
//! Ours is the release build of this workspace's xtask (`xtask convert IN -o OUT`), copied out
//! of the target directory right after the build because other worktrees sharing that directory
//! build a binary of the same name. The peer is installed once into `<target>/peer` with
//! `cargo install postman2openapi-cli --locked`. Outputs go to a temporary directory, removed at
//! the end unless `--keep-outputs`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};

use crate::files::project_root;

/// The inputs, relative to `../shared`.
const INPUTS: [&str; 2] = [
    "belvo/belvo.postman_collection.json",
    "corpus/postman2openapi/github.postman.json",
];
const PEER_PACKAGE: &str = "postman2openapi-cli";
const PEER_BIN: &str = "postman2openapi";

/// Arguments of `cargo xtask bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Measured runs per converter and input, after one warm-up run each.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Keep the converted specs and the converters' stderr in the temporary directory.
    #[arg(long)]
    keep_outputs: bool,
    /// Also convert generated collections of 50k and 200k requests sharing one response
    /// shape and the Belvo collection replicated to 10k requests (`bench_inputs`), and
    /// report how time grows with size and peak memory against input size.
    #[arg(long)]
    scale: bool,
}

pub fn run(args: Args) -> Result<()> {
    let shared = project_root()?.join("..").join("shared");
    let mut inputs = inputs(&shared)?;
    let scratch = Scratch::new(args.keep_outputs)?;
    if args.scale {
        eprintln!("bench: writing the scale inputs");
        inputs.extend(crate::bench_inputs::write(
            &scratch.dir,
            &shared.join(INPUTS[0]),
        )?);
    }
    let ours = Converter::Ours(build_ours(&scratch.dir)?);
    let peer = Converter::Peer(ensure_peer()?);
    let peer_label = peer_label();

    // Every run first, every check after: see `self_peak_rss_kib` for why the order matters.
    let mut timings = Vec::new();
    for input in &inputs {
        let name = file_name(input);
        eprintln!("bench: {name}: warm-up");
        let mut ours_runs = vec![ours.run_once(input, &scratch.dir)?];
        let mut peer_runs = vec![peer.run_once(input, &scratch.dir)?];
        for i in 1..=args.runs {
            eprintln!("bench: {name}: run {i}/{}", args.runs);
            ours_runs.push(ours.run_once(input, &scratch.dir)?);
            peer_runs.push(peer.run_once(input, &scratch.dir)?);
        }
        timings.push((input, ours_runs, peer_runs));
    }
    let floor_kib = self_peak_rss_kib();

    let mut table = Vec::new();
    for (input, ours_runs, peer_runs) in timings {
        // The warm-up (first sample) is judged with the rest but not timed.
        table.push(Row {
            input: format!("{} ({:.1} MB)", file_name(input), file_mb(input)),
            bytes: std::fs::metadata(input).map_or(0, |m| m.len()),
            ours: (
                ours.outcome(input, &scratch.dir, &ours_runs),
                Stats::of(&ours_runs[1..]),
            ),
            peer: (
                peer.outcome(input, &scratch.dir, &peer_runs),
                Stats::of(&peer_runs[1..]),
            ),
        });
    }
    let mut report = markdown(&table, &peer_label, args.runs, floor_kib);
    if args.scale {
        report.push_str(&scale_lines(&table));
    }
    crate::files::write_stdout(&report)?;
    if args.keep_outputs {
        eprintln!("bench: outputs kept in {}", scratch.dir.display());
    }
    Ok(())
}

/// The input files under `shared`, or an error that says plainly what is missing.
fn inputs(shared: &Path) -> Result<Vec<PathBuf>> {
    if !shared.is_dir() {
        bail!(
            "{} is absent: the benchmark inputs (the Belvo and GitHub collections) live in \
             ../shared beside the project, which a clone of the repository alone does not have",
            shared.display()
        );
    }
    INPUTS
        .iter()
        .map(|rel| {
            let path = shared.join(rel);
            ensure!(path.is_file(), "{} is missing", path.display());
            Ok(path)
        })
        .collect()
}

/// A converter under test, by executable.
enum Converter {
    Ours(PathBuf),
    Peer(PathBuf),
}

impl Converter {
    fn tag(&self) -> &'static str {
        match self {
            Converter::Ours(_) => "ours",
            Converter::Peer(_) => "peer",
        }
    }

    /// The command converting `input` into `out`, its stderr into `err`.
    fn command(&self, input: &Path, out: &Path, err: &Path) -> Result<Command> {
        let stderr = File::create(err).with_context(|| format!("creating {}", err.display()))?;
        let mut cmd = match self {
            Converter::Ours(exe) => {
                let mut cmd = Command::new(exe);
                cmd.arg("convert").arg(input).arg("-o").arg(out);
                cmd.stdout(Stdio::null());
                cmd
            }
            // The peer writes the spec to standard output (YAML by default).
            Converter::Peer(exe) => {
                let mut cmd = Command::new(exe);
                cmd.arg(input);
                let stdout =
                    File::create(out).with_context(|| format!("creating {}", out.display()))?;
                cmd.stdout(stdout);
                cmd
            }
        };
        cmd.stdin(Stdio::null()).stderr(stderr);
        Ok(cmd)
    }

    fn paths(&self, input: &Path, dir: &Path) -> (PathBuf, PathBuf) {
        let stem = file_name(input);
        (
            dir.join(format!("{}-{stem}.yaml", self.tag())),
            dir.join(format!("{}-{stem}.stderr", self.tag())),
        )
    }

    /// One run, timed whatever its outcome: a failing converter is still measured.
    fn run_once(&self, input: &Path, dir: &Path) -> Result<Sample> {
        let (out, err) = self.paths(input, dir);
        measure(self.command(input, &out, &err)?)
            .with_context(|| format!("running {} on {}", self.tag(), input.display()))
    }

    /// Whether the converter succeeded on `input`: every run exited 0 and the last output reads
    /// as OpenAPI. The peer exits 0 even when it fails (it prints the error on stderr), so the
    /// status alone would not do.
    fn outcome(&self, input: &Path, dir: &Path, runs: &[Sample]) -> String {
        let (out, err) = self.paths(input, dir);
        let stderr = std::fs::read_to_string(&err).unwrap_or_default();
        let first_line = stderr
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with("warning"))
            .unwrap_or("")
            .trim()
            .to_string();
        // Ours print `warning[W…]`, the peer `warning:`.
        let warnings = stderr.lines().filter(|l| l.starts_with("warning")).count();
        if let Some(bad) = runs.iter().find(|r| !r.status.success()) {
            return format!("failed ({}): {first_line}", bad.status);
        }
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        match codegen::diff::parse(&text) {
            Ok(spec) => {
                let mut ok = format!(
                    "ok: {} paths, {} operations",
                    spec.paths.paths.len(),
                    spec.operations().count()
                );
                if warnings > 0 {
                    ok.push_str(&format!(", {warnings} warnings"));
                }
                if !first_line.is_empty() {
                    ok.push_str(&format!("; stderr: {first_line}"));
                }
                ok
            }
            Err(_) if text.trim().is_empty() => format!("failed (no output): {first_line}"),
            Err(e) => format!("failed (output is not OpenAPI: {e}): {first_line}"),
        }
    }
}

/// One run of one converter.
struct Sample {
    wall: Duration,
    /// User plus system CPU time: less swayed than wall time by other load on the machine.
    cpu: Duration,
    /// Peak resident set size in KiB (Linux's `ru_maxrss` unit).
    max_rss_kib: u64,
    status: ExitStatus,
}

/// Runs `cmd` to completion, measuring wall time and the child's peak RSS.
fn measure(mut cmd: Command) -> Result<Sample> {
    let start = Instant::now();
    let child = cmd.spawn().context("starting the converter")?;
    let pid = libc::pid_t::try_from(child.id()).context("child pid out of range")?;
    let (raw_status, usage) = wait4(pid)?;
    let wall = start.elapsed();
    // `child` was reaped by wait4 above; dropping a `Child` neither waits nor kills.
    drop(child);
    Ok(Sample {
        wall,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        status: std::os::unix::process::ExitStatusExt::from_raw(raw_status),
    })
}

/// Waits for `pid` and returns its raw wait status and resource usage. `wait4` gives the usage
/// of that one child, where `getrusage(RUSAGE_CHILDREN)` would fold in every child so far.
fn wait4(pid: libc::pid_t) -> Result<(i32, libc::rusage)> {
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a plain C struct for which all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live locals of the right types for the whole call.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return Ok((status, usage));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err).context("waiting for the converter (wait4)");
        }
    }
}

fn timeval(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u32::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(micros.into())
}

/// This process's own peak RSS in KiB (`VmHWM`), when Linux's `/proc` tells it. A child's
/// `ru_maxrss` never reads below it: `posix_spawn` runs the child on the parent's memory until
/// `exec`, and `exec` keeps that memory's high-water mark. Hence all runs happen before any
/// output is parsed, and the table states this floor. (`getrusage(RUSAGE_SELF)` would not do:
/// it carries over the high-water mark of cargo, which spawned us the same way.)
fn self_peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Summary of the measured runs of one converter on one input.
struct Stats {
    median: Duration,
    min: Duration,
    median_cpu: Duration,
    max_rss_kib: u64,
}

impl Stats {
    fn of(samples: &[Sample]) -> Stats {
        let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
        let cpus: Vec<Duration> = samples.iter().map(|s| s.cpu).collect();
        Stats {
            median: median(walls.clone()),
            min: walls.iter().min().copied().unwrap_or_default(),
            median_cpu: median(cpus),
            max_rss_kib: samples.iter().map(|s| s.max_rss_kib).max().unwrap_or(0),
        }
    }
}

pub(crate) fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    let n = values.len();
    match n {
        0 => Duration::ZERO,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

struct Row {
    input: String,
    /// The input's size in bytes.
    bytes: u64,
    ours: (String, Stats),
    peer: (String, Stats),
}

fn markdown(rows: &[Row], peer_label: &str, runs: u32, floor_kib: Option<u64>) -> String {
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let mib = |kib: u64| format!("{:.1} MiB", kib as f64 / 1024.0);
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}×", a / b)
        } else {
            "n/a".to_string()
        }
    };
    let mut out = format!(
        "Whole-process conversion: one warm-up, then {runs} runs each, interleaved; wall time \
         from spawn to exit; CPU (user+system) and peak RSS from wait4 (ru_maxrss, which \
         cannot read below the benchmark's own peak, {}).\n\n\
         | input | converter | result | median wall | min wall | median CPU | peak RSS (max) |\n\
         |---|---|---|--:|--:|--:|--:|\n",
        floor_kib.map_or_else(|| "unknown".to_string(), mib)
    );
    for row in rows {
        let (ours_outcome, ours) = &row.ours;
        let (peer_outcome, peer) = &row.peer;
        out.push_str(&format!(
            "| {} | ours (`xtask convert`) | {ours_outcome} | {} | {} | {} | {} |\n",
            row.input,
            ms(ours.median),
            ms(ours.min),
            ms(ours.median_cpu),
            mib(ours.max_rss_kib)
        ));
        out.push_str(&format!(
            "| | {peer_label} | {peer_outcome} | {} | {} | {} | {} |\n",
            ms(peer.median),
            ms(peer.min),
            ms(peer.median_cpu),
            mib(peer.max_rss_kib)
        ));
        out.push_str(&format!(
            "| | **ours / peer** | | {} | {} | {} | {} |\n",
            ratio(ours.median.as_secs_f64(), peer.median.as_secs_f64()),
            ratio(ours.min.as_secs_f64(), peer.min.as_secs_f64()),
            ratio(ours.median_cpu.as_secs_f64(), peer.median_cpu.as_secs_f64()),
            ratio(ours.max_rss_kib as f64, peer.max_rss_kib as f64)
        ));
    }
    out
}

/// How time grows from the smallest to the largest shared-shape input (linear is the size
/// ratio, 4), and each scale input's peak memory against its size, for both converters.
fn scale_lines(rows: &[Row]) -> String {
    // The prefixes are literals: `'static` and `move` let the returned iterator outlive the call.
    let find = |prefix: &'static str| rows.iter().filter(move |r| r.input.starts_with(prefix));
    let mut out = String::from(
        "
Scale:
",
    );
    let shared: Vec<&Row> = find("shared-shape-").collect();
    if let (Some(small), Some(large)) = (shared.first(), shared.last()) {
        let growth = |a: &Stats, b: &Stats| b.median.as_secs_f64() / a.median.as_secs_f64();
        out.push_str(&format!(
            "- time from {} to {} ({:.1}× the input): ours {:.2}×, peer {:.2}×\n",
            small.input,
            large.input,
            large.bytes as f64 / small.bytes as f64,
            growth(&small.ours.1, &large.ours.1),
            growth(&small.peer.1, &large.peer.1),
        ));
    }
    for row in find("shared-shape-").chain(find("belvo-x")) {
        let times = |kib: u64| kib as f64 * 1024.0 / row.bytes as f64;
        out.push_str(&format!(
            "- {}: peak memory {:.1}× the input (ours), {:.1}× (peer)\n",
            row.input,
            times(row.ours.1.max_rss_kib),
            times(row.peer.1.max_rss_kib),
        ));
    }
    out
}

/// Builds this workspace's xtask in release mode and copies the binary into `dir`.
fn build_ours(dir: &Path) -> Result<PathBuf> {
    eprintln!("bench: building our converter (cargo build --release -p xtask)");
    let output = Command::new(cargo())
        .args(["build", "--release", "-p", "xtask"])
        .args([
            "--message-format",
            "json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(project_root()?.join("Cargo.toml"))
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build")?;
    ensure!(
        output.status.success(),
        "cargo build --release -p xtask failed"
    );
    // The executable's path, from cargo's own report, rather than a guess at the target dir.
    let built = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "xtask")
        .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
        .context("cargo build reported no xtask executable")?;
    // Copied at once: another worktree may rebuild the same path from its own sources.
    let copy = dir.join("xtask-ours");
    std::fs::copy(&built, &copy)
        .with_context(|| format!("copying {} to {}", built.display(), copy.display()))?;
    Ok(copy)
}

/// The peer's executable, installed into `<target>/peer` if it is not there yet.
fn ensure_peer() -> Result<PathBuf> {
    let root = peer_root()?;
    let exe = root.join("bin").join(PEER_BIN);
    if exe.is_file() {
        return Ok(exe);
    }
    eprintln!(
        "bench: installing the peer once: cargo install {PEER_PACKAGE} --locked --root {} \
         (takes a few minutes)",
        root.display()
    );
    let status = Command::new(cargo())
        .args(["install", PEER_PACKAGE, "--locked", "--root"])
        .arg(&root)
        // Its own temporary target dir: the peer's build has no business in ours (nor
        // waiting on its lock while other worktrees build).
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .context("running cargo install")?;
    ensure!(status.success(), "cargo install {PEER_PACKAGE} failed");
    ensure!(
        exe.is_file(),
        "cargo install succeeded but {} is missing",
        exe.display()
    );
    Ok(exe)
}

/// `<target>/peer`, the target directory as `cargo metadata` reports it (so that
/// `CARGO_TARGET_DIR` and cargo config are honoured).
fn peer_root() -> Result<PathBuf> {
    let meta = cargo_metadata(&project_root()?)?;
    let target = meta["target_directory"]
        .as_str()
        .context("cargo metadata gave no target_directory")?;
    Ok(Path::new(target).join("peer"))
}

/// `postman2openapi 1.2.1`: the installed package's version, from cargo's install record. The
/// binary's own `--version` says `-dev` for crates.io builds, which would mislead.
fn peer_label() -> String {
    let version = peer_root()
        .ok()
        .and_then(|root| std::fs::read_to_string(root.join(".crates2.json")).ok())
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|record| {
            let installs = record["installs"].as_object()?;
            installs.keys().find_map(|key| {
                let mut words = key.split(' ');
                (words.next() == Some(PEER_PACKAGE))
                    .then(|| words.next().map(str::to_string))
                    .flatten()
            })
        });
    match version {
        Some(v) => format!("peer `{PEER_BIN}` {v}"),
        None => format!("peer `{PEER_BIN}`"),
    }
}

/// `cargo metadata --no-deps` of the workspace at `root`: its packages (with their features)
/// and target directory.
pub(crate) fn cargo_metadata(root: &Path) -> Result<serde_json::Value> {
    let output = Command::new(cargo())
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo metadata")?;
    ensure!(output.status.success(), "cargo metadata failed");
    serde_json::from_slice(&output.stdout).context("reading cargo metadata's output")
}

/// The cargo that runs us (`cargo run` sets `CARGO`), else the one on `PATH`.
pub(crate) fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn file_mb(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

/// A temporary directory for outputs, removed when dropped unless kept.
struct Scratch {
    dir: PathBuf,
    keep: bool,
}

impl Scratch {
    fn new(keep: bool) -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Scratch { dir, keep })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_shared_is_said_plainly() {
        let err = inputs(Path::new("/nonexistent/shared")).unwrap_err();
        assert!(err.to_string().contains("is absent"), "{err}");
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(
            median(vec![ms(4), ms(1), ms(2), ms(3)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(Vec::new()), Duration::ZERO);
    }
}
