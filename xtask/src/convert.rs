//! `cargo xtask convert COLLECTION [-o OUT.yaml]`: any collection to OpenAPI.

use std::path::PathBuf;

use anyhow::Context;

use crate::files;

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
    let text = crate::read(&args.collection)?;
    let yaml =
        convert(&text).with_context(|| format!("converting {}", args.collection.display()))?;
    match args.output {
        Some(path) => files::write_atomic(&path, &yaml),
        None => {
            print!("{yaml}");
            Ok(())
        }
    }
}

/// Converts collection text to YAML, printing warnings to stderr.
pub fn convert(text: &str) -> anyhow::Result<String> {
    let conversion = codegen::convert(text)?;
    for warning in &conversion.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(codegen::to_yaml(&conversion.spec)?)
}
