//! `cargo xtask convert COLLECTION [-o OUT.yaml]`: any collection to OpenAPI.

use std::path::PathBuf;

/// Arguments of `cargo xtask convert`.
#[derive(clap::Args)]
pub struct Args {
    /// The Postman collection (v2.0 or v2.1 JSON).
    pub collection: PathBuf,
    /// Where to write the OpenAPI YAML; standard output when absent.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let _ = args;
    anyhow::bail!("not yet")
}
