//! `cargo xtask`: the project's commands. Each module wires files to one `codegen` function;
//! no conversion logic lives here.

/// Conversion allocates many small, short-lived objects (JSON trees, shapes, schemas); with
/// glibc's allocator malloc and free took about a third of its instructions. mimalloc halves
/// that time; `no_thp` keeps it from backing its arenas with huge pages, which would raise
/// peak memory by half (`cargo xtask bench` measures both).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_build;
mod bench_inputs;
mod client;
mod convert;
mod diff;
mod files;
mod github;
mod manifest;
mod plan;
mod pull;
mod regen;
mod release;
mod review;
mod semver_judge;
mod test;
mod warnings;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Postman → OpenAPI → Rust client pipeline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert spec/belvo.postman_collection.json into spec/openapi.yaml and regenerate the
    /// client in generated/.
    Regen,
    /// Fetch the collection (Postman's API, a URL or a file; spec/source.toml or the
    /// command line says which), write it and what `regen` writes from it; with `--open-pr`,
    /// open or update the pull request of the change.
    Pull(pull::Args),
    /// Fail with a diff when spec/openapi.yaml or generated/ is not what `regen` would write.
    Check,
    /// Convert any Postman collection into an OpenAPI 3.0.3 document.
    Convert(convert::Args),
    /// Write a standalone client crate for any Postman collection.
    Client(client::Args),
    /// Compare two versions of the spec and report changes, breaking ones flagged.
    Diff(diff::Args),
    /// Everything the pull-request workflow does: fail on stale outputs, print (or `--post`)
    /// the review comment, fail on unaccepted breaking changes.
    Review(review::Args),
    /// Set the `belvo` crate's next version (from the API changes since BASE, the last
    /// release) and prepend its generated/CHANGELOG.md entry.
    Release(release::Args),
    /// Have cargo-semver-checks (pinned, installed into target/tools) judge the Rust impact
    /// of each rule fixture, and print (or `--write`) the agreement table.
    SemverJudge(semver_judge::Args),
    /// Time our converter against the peer `postman2openapi` on the large inputs in ../shared.
    Bench(bench::Args),
    /// Time `cargo build -p belvo`, clean and after a regen, per feature set of the crate.
    BenchBuild(bench_build::Args),
    /// Run every check CI runs, installing the pinned test tools first.
    Test,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regen => regen::run(files::Mode::Write),
        Command::Check => regen::run(files::Mode::Check),
        Command::Pull(args) => pull::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Client(args) => client::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Review(args) => review::run(args),
        Command::Release(args) => release::run(args),
        Command::SemverJudge(args) => semver_judge::run(args),
        Command::Bench(args) => bench::run(args),
        Command::BenchBuild(args) => bench_build::run(args),
        Command::Test => test::run(),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
