//! Runnable examples of the Belvo client; see `examples/examples/`.
