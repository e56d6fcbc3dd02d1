//! Shared parts of the runnable examples in `examples/examples/`: where to connect (a real
//! Belvo environment when credentials are set, else an embedded mock) and the mocks.

pub mod mock;

use belvo::runtime::{SECRET_ID_VAR, SECRET_PASSWORD_VAR};
use belvo::Client;

/// A client for Belvo when `BELVO_SECRET_ID` and `BELVO_SECRET_PASSWORD` are set, configured
/// by the runtime from the environment (which also wants `BELVO_ENV` or `BELVO_URL`);
/// `Ok(None)` when they are not, to run against a mock instead.
pub fn belvo_from_env() -> Result<Option<Client>, belvo::ConfigError> {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    if !(set(SECRET_ID_VAR) && set(SECRET_PASSWORD_VAR)) {
        return Ok(None);
    }
    Client::from_env().map(Some)
}

/// `BELVO_LINK_ID`, the link to work on, when set.
pub fn link_from_env() -> Result<Option<uuid::Uuid>, String> {
    std::env::var("BELVO_LINK_ID")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| v.trim().parse().map_err(|e| format!("BELVO_LINK_ID: {e}")))
        .transpose()
}

/// An example's exit: success, or the error [`report`]ed and failure.
pub fn exit_code(result: Result<(), Box<dyn std::error::Error>>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            report(e.as_ref());
            std::process::ExitCode::FAILURE
        }
    }
}

/// Prints an error and its sources, one per line.
pub fn report(error: &dyn std::error::Error) {
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(e) = source {
        eprintln!("  caused by: {e}");
        source = e.source();
    }
}
