//! `cargo xtask client` (work in progress).

/// Arguments of `cargo xtask client`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`cargo xtask client` is not implemented yet")
}
