//! `cargo xtask regen` and `cargo xtask check`: the committed spec and client, kept fresh.

use crate::files::Mode;

pub fn run(mode: Mode) -> anyhow::Result<()> {
    let _ = mode;
    anyhow::bail!("not yet")
}
