//! The multi-factor flow: ask for a link's balances, answer the institution's token request
//! with a token read from stdin, and get the balances.
//!
//! ```text
//! echo 1234 | cargo run -p examples --example mfa_resume
//! ```
//! runs against an embedded mock (no credentials needed). With `BELVO_SECRET_ID`,
//! `BELVO_SECRET_PASSWORD`, `BELVO_ENV` (`sandbox`, …) or `BELVO_URL`, and `BELVO_LINK_ID`
//! set, it runs against Belvo.

use std::io;
use std::process::ExitCode;
use std::time::SystemTime;

use belvo::mfa::{Challenge, Token, TokenProvider};
use belvo::{types, ClientInfo, MfaExt};
use examples::{belvo_from_env, exit_code, link_from_env, mock};

/// Asks for each token on stdout and reads it from stdin.
struct Stdin;

impl TokenProvider for Stdin {
    type Error = io::Error;

    async fn token(&self, challenge: &Challenge) -> io::Result<Token> {
        let tgd = &challenge.token_generation_data;
        println!(
            "Token required (round {}): {}",
            challenge.round,
            tgd.instructions.as_deref().unwrap_or("enter the token")
        );
        if let Some(left) = challenge.expires_in() {
            println!("  the session can be resumed for {}s", left.as_secs());
        }
        let token = read_line().await?;
        if token.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "no token on stdin",
            ));
        }
        Ok(Token::new(token))
    }

    async fn confirm(&self, challenge: &Challenge) -> io::Result<()> {
        let hint = challenge.token_generation_data.instructions.as_deref();
        println!(
            "Approve on your device ({}), then press Enter",
            hint.unwrap_or("no token needed")
        );
        read_line().await.map(drop)
    }
}

/// One trimmed line of stdin, read off the async runtime's threads.
async fn read_line() -> io::Result<String> {
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        io::stdin().read_line(&mut line)?;
        Ok(line.trim().to_owned())
    })
    .await
    .map_err(io::Error::other)?
}

#[tokio::main]
async fn main() -> ExitCode {
    exit_code(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The mock, when used, must outlive the requests.
    let (client, link, _mock) = match belvo_from_env()? {
        Some(client) => {
            let link = link_from_env()?.ok_or("set BELVO_LINK_ID to the link to read")?;
            println!("Using Belvo at {}", client.baseurl());
            (client, link, None)
        }
        None => {
            let server = mock::mfa().await;
            println!(
                "No BELVO_SECRET_ID/BELVO_SECRET_PASSWORD: using an embedded mock at {}",
                server.uri()
            );
            (server.client(), mock::LINK.parse()?, Some(server))
        }
    };

    let today = chrono::DateTime::<chrono::Utc>::from(SystemTime::now()).date_naive();
    let body = types::builder::RetrieveBalancesForALinkBody::default()
        .link(link)
        .date_from(today - chrono::TimeDelta::days(7))
        .date_to(today);
    let balances = client
        .retrieve_balances_for_a_link()
        .body(body)
        .with_mfa(&Stdin)
        .await?;

    println!(
        "Retrieved {} balances (HTTP {})",
        balances.len(),
        balances.status().as_u16()
    );
    for b in balances.iter() {
        let name = b.account.as_ref().and_then(|a| a.name.as_deref());
        println!(
            "  {:<20} current {:>10.2}  on {}",
            name.unwrap_or("?"),
            b.current_balance.or(b.balance).unwrap_or_default(),
            b.value_date.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    Ok(())
}
