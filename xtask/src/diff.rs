//! `cargo xtask diff` (work in progress).

/// Arguments of `cargo xtask diff`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`cargo xtask diff` is not implemented yet")
}
