//! Typed Belvo client.
