//! Walks every page of a list: the accounts, page by page, as `Client::pages` follows each
//! page's `next` link.
//!
//! ```text
//! cargo run -p examples --example list_accounts
//! ```
//! runs against an embedded mock serving three pages. With `BELVO_SECRET_ID`,
//! `BELVO_SECRET_PASSWORD` and `BELVO_ENV` (`sandbox`, …) or `BELVO_URL` set, it lists the
//! accounts in Belvo (of the link `BELVO_LINK_ID`, when set).

use std::process::ExitCode;

use belvo::ClientInfo;
use examples::{belvo_from_env, exit_code, link_from_env, mock};
use futures::TryStreamExt;

const PAGE_SIZE: i64 = 2;
/// Enough for a demo against a real account base.
const MAX_PAGES: usize = 20;

#[tokio::main]
async fn main() -> ExitCode {
    exit_code(run().await)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (client, link, _mock) = match belvo_from_env()? {
        Some(client) => {
            println!("Using Belvo at {}", client.baseurl());
            (client, link_from_env()?, None)
        }
        None => {
            let server = mock::accounts(5, PAGE_SIZE as usize).await;
            println!(
                "No BELVO_SECRET_ID/BELVO_SECRET_PASSWORD: using an embedded mock at {}",
                server.uri()
            );
            (server.client(), None, Some(server))
        }
    };

    // The first page is an ordinary request with its filters; the next ones follow `next`.
    let mut first = client.list_all_accounts().page_size(PAGE_SIZE);
    if let Some(link) = link {
        first = first.link(link);
    }
    let mut pages = client.pages(first.send());

    let (mut count, mut total) = (0, 0);
    while let Some(page) = pages.try_next().await? {
        count += 1;
        println!("page {count}: {} accounts", page.results.len());
        for account in &page.results {
            let category = account.category.as_ref().map(ToString::to_string);
            let current = account.balance.as_ref().and_then(|b| b.current);
            println!(
                "  {:<12} {:<18} {:>10.2} {}",
                account.name.as_deref().unwrap_or("?"),
                category.unwrap_or_default(),
                current.unwrap_or_default(),
                account.currency.as_deref().unwrap_or("")
            );
        }
        total += page.results.len();
        if count == MAX_PAGES {
            println!("… stopping after {MAX_PAGES} pages");
            break;
        }
    }
    println!("{total} accounts in {count} pages");
    Ok(())
}
