//! Loopback stand-ins for Belvo, so the examples run without credentials: the typed mocks of
//! the `belvo` crate's `mock` feature, answered with typed values. The MFA flow checks what a
//! real server would reject (another link; a resume without the session issued, the link or
//! a token); the pages link to the next by URL as Belvo's do.

use belvo::mock::MockServer;
use belvo::{builder, types};

/// The link the MFA mock serves.
pub const LINK: &str = "30cb4806-6e00-48a4-91c9-ca55968576c8";
const SESSION: &str = "2675b703b9d4451f8d4861a3eee54449";

/// `POST /api/balances/` for [`LINK`] answers 428 token_required; its `PATCH` with the
/// session, the link and a non-empty token answers 201 with two balances, another 400.
pub async fn mfa() -> MockServer {
    let server = MockServer::start().await;
    let challenge = types::MfaTokenRequired {
        session: Some(SESSION.into()),
        request_id: Some("8c7b283c6efa449c9c028a16b5c249fa".into()),
        token_generation_data: Some(types::TokenGenerationData {
            instructions: Some("Enter the code your bank sent you (the mock takes any)".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    server
        .mfa::<builder::RetrieveBalancesForALink>()
        .link(LINK)
        .challenge(challenge)
        .status(201)
        .then_respond(vec![
            balance(
                "d5e8ed64-6d5c-4c9f-a6f4-2d0a8fbc5c3e",
                "Cuenta Perfiles",
                4523.48,
            ),
            balance(
                "b4d0b6f0-43a9-4b41-9ae8-2d5d1f8b1b0a",
                "Tarjeta Oro",
                -1250.0,
            ),
        ])
        .await;
    server
}

fn balance(id: &str, name: &str, current: f64) -> types::Balance {
    types::Balance {
        id: id.parse().ok(),
        account: Some(types::Account {
            id: id.parse().ok(),
            name: Some(name.into()),
            currency: Some("MXN".into()),
            ..Default::default()
        }),
        value_date: chrono::NaiveDate::from_ymd_opt(2024, 1, 31),
        balance: Some(current),
        current_balance: Some(current),
        ..Default::default()
    }
}

/// `GET /api/accounts/` answers page 1 (or page N for `?page=N`) of `total` accounts,
/// `per_page` a page, each page linking to the next by URL as Belvo does.
pub async fn accounts(total: usize, per_page: usize) -> MockServer {
    let server = MockServer::start().await;
    let per_page = per_page.max(1);
    let pages = total.div_ceil(per_page).max(1);
    let link = |n: usize| {
        format!(
            "{}/api/accounts/?page={n}&page_size={per_page}",
            server.uri()
        )
    };
    for page in 1..=pages {
        let body = types::AccountsPage {
            count: i64::try_from(total).ok(),
            next: (page < pages).then(|| link(page + 1)),
            previous: (page > 1).then(|| link(page - 1)),
            results: (1 + (page - 1) * per_page..=(page * per_page).min(total))
                .map(account)
                .collect(),
        };
        // The first page is asked for without a page number, the others by their links.
        let mock = server.list_all_accounts();
        let mock = if page == 1 {
            mock
        } else {
            mock.query("page", &page.to_string())
        };
        mock.respond(body).await;
    }
    server
}

fn account(n: usize) -> types::Account {
    use types::KnownAccountCategory::{CheckingAccount, CreditCard, SavingsAccount};
    let categories = [CheckingAccount, SavingsAccount, CreditCard];
    types::Account {
        id: format!("00000000-0000-4000-8000-{n:012}").parse().ok(),
        link: Some(LINK.into()),
        institution: Some(types::AccountInstitution {
            name: Some("erebor_mx_retail".into()),
            type_: Some("bank".into()),
        }),
        category: Some(categories[n % categories.len()].into()),
        name: Some(format!("Account {n}")),
        currency: Some("MXN".into()),
        balance: Some(types::AccountBalance {
            current: Some(1000.0 * n as f64),
            available: Some(900.0 * n as f64),
        }),
        ..Default::default()
    }
}
