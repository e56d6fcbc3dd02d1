//! The spans of one call, printed to the terminal as each closes: an MFA flow (the request,
//! the institution's token request, the resume) against the embedded mock, traced through the
//! `tracing` crate (the `belvo` crate's default `tracing` feature) and `tracing-subscriber`.
//!
//! ```text
//! cargo run -p examples --example trace_call
//! ```
//! Each line is one span: `belvo.call` for each request (operation, method, path template,
//! status, attempts, retry delays, Belvo's request id) inside `belvo.mfa` (rounds). No URL,
//! body, credential, session or token is ever recorded.

use std::process::ExitCode;

use belvo::mfa::{Challenge, Token};
use belvo::MfaExt;
use examples::{exit_code, mock};
use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .with_writer(std::io::stdout)
        .init();
    exit_code(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let server = mock::mfa().await;
    println!(
        "Tracing one call against an embedded mock at {}",
        server.uri()
    );
    let client = server.client();
    let token = |_: &Challenge| async { Ok::<_, std::io::Error>(Token::new("1234")) };
    let balances = client
        .retrieve_balances_for_a_link()
        .body_map(|b| {
            b.link(mock::LINK)
                .date_from("2024-01-01".parse::<chrono::NaiveDate>().unwrap())
                .date_to("2024-01-31".parse::<chrono::NaiveDate>().unwrap())
        })
        .with_mfa(&token)
        .await?;
    println!("Retrieved {} balances", balances.len());
    Ok(())
}
