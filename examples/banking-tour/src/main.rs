//! A tour of Belvo's banking product, written as a team new to the `belvo` crate writes its
//! first program, on the `banking` feature alone: list links and a link's accounts, walk its
//! transactions page by page, retrieve its balances and incomes through the multi-factor
//! flow, with options for one call, the team's own `reqwest::Client` and `tracing`.
//!
//! ```text
//! cargo run -p banking-tour -- BASE_URL
//! ```
//!
//! `BASE_URL` is any Belvo (a mock, Prism, a proxy, `https://sandbox.belvo.com`); the
//! credentials are `BELVO_SECRET_ID` and `BELVO_SECRET_PASSWORD` (placeholders, which a mock
//! accepts, when unset), the MFA token `BELVO_MFA_TOKEN`. `BANKING_TOUR_TRACE=1` prints the
//! client's spans on stderr. It ends with the requests sent and the failures, sorted into
//! bodies that did not fit the generated types and the rest, and exits non-zero on any.

mod tally;

use std::process::ExitCode;
use std::time::Duration;

use belvo::mfa::{Challenge, MfaExt, Outcome, Token, TokenProvider};
use belvo::{Client, Credentials, Environment, RequestOptions, RetryPolicy, WithOptions};
use chrono::NaiveDate;
use futures::{Stream, TryStreamExt};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;
use uuid::Uuid;

use tally::Tally;

/// At most this many items of a list: a mock may link its pages without end.
const MAX_ITEMS: usize = 50;

/// The link to work on when the list of links gives none with an id.
const FALLBACK_LINK: Uuid = Uuid::from_u128(0x30cb4806_6e00_48a4_91c9_ca55968576c8);

#[tokio::main]
async fn main() -> ExitCode {
    let Some(base) = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("BELVO_URL").ok())
    else {
        eprintln!("usage: banking-tour BASE_URL");
        return ExitCode::from(2);
    };
    let tally = Tally::default();
    // Spans on stderr only when asked; the tally sees every call span either way.
    let shown = match std::env::var_os("BANKING_TOUR_TRACE") {
        Some(_) => LevelFilter::INFO,
        None => LevelFilter::OFF,
    };
    let spans = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(shown);
    let subscriber = tracing_subscriber::registry()
        .with(spans)
        .with(tally.clone());
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    let client = match client(&base) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    tour(&client, &tally).await;
    print!("{tally}");
    if tally.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The Belvo client, sending through the team's own `reqwest::Client` (its connection pool
/// and connect timeout); authentication, retries and the per-attempt timeout are Belvo's.
fn client(base: &str) -> Result<Client, Box<dyn std::error::Error>> {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .pool_idle_timeout(Duration::from_secs(30))
        .build()?;
    let credentials = Credentials::new(
        env_or("BELVO_SECRET_ID", "tour-secret-id"),
        env_or("BELVO_SECRET_PASSWORD", "tour-secret-password"),
    );
    let client = Client::builder(Environment::Custom(base.to_owned()), credentials)
        .reqwest_client(http)
        .timeout(Duration::from_secs(30))
        .retry(RetryPolicy::default().max_attempts(2))
        .user_agent("banking-tour/0.1 belvo/0.1")
        .build()?;
    Ok(client)
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Every step, each going on after another failed, so that one run counts them all.
async fn tour(client: &Client, tally: &Tally) {
    let link = match first_link(client).await {
        Ok(Some(link)) => link,
        Ok(None) => FALLBACK_LINK,
        Err(e) => {
            tally.fail("links", &e);
            FALLBACK_LINK
        }
    };
    println!("link: {link}");
    if let Err(e) = accounts(client, link).await {
        tally.fail("accounts", &e);
    }
    if let Err(e) = transactions(client, link).await {
        tally.fail("transactions", &e);
    }
    if let Err(e) = balances(client, link).await {
        tally.fail("balances", &e);
    }
    if let Err(e) = incomes(client, link).await {
        tally.fail("incomes", &e);
    }
}

/// Up to [`MAX_ITEMS`] items of a list stream, read one by one with `try_next`.
async fn take<T>(
    mut items: impl Stream<Item = Result<T, belvo::Error>> + Unpin,
) -> Result<Vec<T>, belvo::Error> {
    let mut taken = Vec::new();
    while let Some(item) = items.try_next().await? {
        taken.push(item);
        if taken.len() == MAX_ITEMS {
            break;
        }
    }
    Ok(taken)
}

/// The links of the account, and the id of the first one that has one.
async fn first_link(client: &Client) -> Result<Option<Uuid>, belvo::Error> {
    let links = take(client.paginate(client.list_all_links().page_size(10).send())).await?;
    println!("links: {}", links.len());
    Ok(links.iter().find_map(|link| link.id))
}

async fn accounts(client: &Client, link: Uuid) -> Result<(), belvo::Error> {
    let accounts = take(client.paginate(client.list_all_accounts().link(link).send())).await?;
    let names: Vec<&str> = accounts.iter().filter_map(|a| a.name.as_deref()).collect();
    println!("accounts: {} {names:?}", accounts.len());
    Ok(())
}

/// The link's transactions, page after page, every page's request with the same options.
async fn transactions(client: &Client, link: Uuid) -> Result<(), belvo::Error> {
    let first = client
        .list_all_transactions()
        .link(link)
        .page_size(100)
        .send();
    let options = RequestOptions::new()
        .header("X-Tour-Step", "transactions")
        .timeout(Duration::from_secs(10));
    let transactions = take(options.scope_stream(client.paginate(first))).await?;
    let total: f64 = transactions.iter().filter_map(|t| t.amount).sum();
    println!(
        "transactions: {} (amounts sum to {total:.2})",
        transactions.len()
    );
    Ok(())
}

/// Answers each challenge with `BELVO_MFA_TOKEN`, as a user would type it.
struct EnvToken;

impl TokenProvider for EnvToken {
    type Error = std::convert::Infallible;

    async fn token(&self, challenge: &Challenge) -> Result<Token, Self::Error> {
        let asked = challenge.token_generation_data.instructions.as_deref();
        println!(
            "mfa: round {}: {}",
            challenge.round,
            asked.unwrap_or("token?")
        );
        Ok(Token::new(env_or("BELVO_MFA_TOKEN", "123456")))
    }
}

fn january(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, day).expect("a date of January")
}

/// The link's balances, the institution's token requests answered, with options for this
/// call alone (they go on the first request and on every resume).
async fn balances(client: &Client, link: Uuid) -> Result<(), belvo::Error> {
    let balances = client
        .retrieve_balances_for_a_link()
        .body_map(|b| b.link(link).date_from(january(1)).date_to(january(31)))
        .with_mfa(&EnvToken)
        .max_rounds(3)
        .with_options(
            RequestOptions::new()
                .header("X-Tour-Step", "balances")
                .timeout(Duration::from_secs(20)),
        )
        .await?;
    let current: Vec<f64> = balances.iter().filter_map(|b| b.current_balance).collect();
    println!("balances: {} {current:?}", balances.len());
    Ok(())
}

/// The link's incomes. The request answers one income and its resume a list, so the flow is
/// awaited through `outcome()`, which says which came.
async fn incomes(client: &Client, link: Uuid) -> Result<(), belvo::Error> {
    let outcome = client
        .retrieve_incomes_for_a_link()
        .body_map(|b| b.link(link))
        .with_mfa(&EnvToken)
        .outcome()
        .await?;
    match outcome {
        Outcome::Retrieved(income) => println!("incomes: 1 (retrieved {:?})", income.id),
        Outcome::Resumed(incomes) => println!("incomes: {} (after MFA)", incomes.len()),
    }
    Ok(())
}
