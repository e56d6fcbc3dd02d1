//! Walks every page of a list: the accounts, following each page's `next` link.
//!
//! ```text
//! cargo run -p examples --example list_accounts
//! ```
//! runs against an embedded mock serving three pages. With `BELVO_SECRET_ID` and
//! `BELVO_SECRET_PASSWORD` set (and `BELVO_ENV` or `BELVO_URL`; the default is the sandbox;
//! `BELVO_LINK_ID` to list one link's accounts), it lists the accounts in Belvo.
//!
//! Pages are walked here with the generated `list_all_accounts().page(n)`, reading `n` from
//! each `next` link; the runtime's paginator (`Client::paginate`) will replace this loop.

use std::process::ExitCode;

use examples::{mock, mock_client, report, Belvo};

const PAGE_SIZE: i64 = 2;
/// Enough for a demo against a real account base.
const MAX_PAGES: i64 = 20;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(e.as_ref());
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (client, link, _mock) = match Belvo::from_env()? {
        Some(belvo) => {
            println!("Using Belvo at {}", belvo.base_url);
            (belvo.client, belvo.link, None)
        }
        None => {
            let server = mock::accounts(5, PAGE_SIZE as usize).await;
            println!(
                "No BELVO_SECRET_ID/BELVO_SECRET_PASSWORD: using an embedded mock at {}",
                server.uri()
            );
            (mock_client(&server.uri()), None, Some(server))
        }
    };

    let (mut page_no, mut total) = (1, 0);
    loop {
        let mut request = client
            .list_all_accounts()
            .page(page_no)
            .page_size(PAGE_SIZE);
        if let Some(link) = link {
            request = request.link(link);
        }
        let page = request.send().await?.into_inner();
        println!("page {page_no}: {} accounts", page.results.len());
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
        let Some(next) = page.next.as_deref() else {
            break;
        };
        let next_no =
            page_number(next).ok_or_else(|| format!("no page number in next link {next}"))?;
        if next_no <= page_no {
            return Err(format!("next link {next} does not move forward").into());
        }
        if next_no > MAX_PAGES {
            println!("… stopping after {MAX_PAGES} pages");
            break;
        }
        page_no = next_no;
    }
    println!("{total} accounts in {page_no} pages");
    Ok(())
}

/// The `page` query parameter of a `next` link.
fn page_number(link: &str) -> Option<i64> {
    let query = link.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
}
