//! Runs the `banking-tour` program (`examples/banking-tour`, on the `belvo` crate with the
//! banking product alone) as a user would, `cargo run -p banking-tour -- BASE_URL`, against
//! the crate's typed mock, Prism serving Belvo's published spec, and Prism `--dynamic`, and
//! checks the requests it counted and the failures it reports. Through `cargo run` of its
//! own package, so that cargo resolves its features alone: this crate's `full` and `mock`
//! do not leak into the program's build.
//!
//! The counts are printed (`cargo test -p examples --test banking_tour -- --nocapture
//! --include-ignored`), one `banking-tour against …` line per mode.

use std::process::Command;

mod support;

use belvo::mock::MockServer;
use belvo::{builder, types};
use support::Prism;
use uuid::Uuid;

/// What a run printed and how it ended.
struct Run {
    stdout: String,
    success: bool,
    calls: usize,
    decode_failures: usize,
    other_failures: usize,
}

impl Run {
    /// The `failure: KIND: STEP: MESSAGE` lines.
    fn failures(&self) -> Vec<&str> {
        let lines = self.stdout.lines();
        lines.filter(|l| l.starts_with("failure: ")).collect()
    }

    /// Requests of `operation` the program counted (`list_all_links=1` in the `calls:` line).
    fn calls_of(&self, operation: &str) -> usize {
        let line = self.stdout.lines().find(|l| l.starts_with("calls: "));
        let prefix = format!("{operation}=");
        line.into_iter()
            .flat_map(|l| l.split([' ', '(', ')']))
            .find_map(|word| word.strip_prefix(&prefix)?.parse().ok())
            .unwrap_or(0)
    }
}

/// `cargo run -p banking-tour -- base`, off the async runtime (the mock answers meanwhile).
async fn tour(base: String, mode: &str) -> Run {
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO"))
            .args(["run", "--quiet", "-p", "banking-tour", "--", &base])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("BELVO_SECRET_ID")
            .env_remove("BELVO_SECRET_PASSWORD")
            .env("BELVO_MFA_TOKEN", "1234")
            .output()
            .expect("cargo runs")
    })
    .await
    .expect("the program finishes");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let count = |name: &str| -> usize {
        let line = stdout.lines().find_map(|l| l.strip_prefix(name));
        let number = line.and_then(|rest| rest.split_whitespace().next()?.parse().ok());
        number.unwrap_or_else(|| {
            panic!(
                "no `{name}` line ({}):\n{stdout}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })
    };
    let run = Run {
        calls: count("calls: "),
        decode_failures: count("decode failures: "),
        other_failures: count("other failures: "),
        success: out.status.success(),
        stdout: stdout.clone(),
    };
    // The figures to quote, whatever the assertions below say.
    println!(
        "banking-tour against {mode}: {} calls, {} decode failures, {} other failures",
        run.calls, run.decode_failures, run.other_failures
    );
    print!("{stdout}");
    run
}

/// A page of `items` linking to `next` on `server`, if any.
fn page<T, P>(
    server: &MockServer,
    path: &str,
    next: Option<&str>,
    items: Vec<T>,
    build: fn(Vec<T>, Option<String>) -> P,
) -> P {
    build(
        items,
        next.map(|query| format!("{}{path}?{query}", server.uri())),
    )
}

/// The mock Belvo the tour meets: a link, two pages of accounts and of transactions, and a
/// token request before the balances and before the incomes.
async fn scripted(link: Uuid) -> MockServer {
    let server = MockServer::start().await;
    mount_links(&server, link).await;
    mount_accounts(&server).await;
    mount_transactions(&server).await;
    mount_token_requests(&server, link).await;
    server
}

/// One page of links, holding `link`.
async fn mount_links(server: &MockServer, link: Uuid) {
    let linked = types::Link {
        id: Some(link),
        ..Default::default()
    };
    let links = |results, next| types::LinksPage {
        results,
        next,
        ..Default::default()
    };
    let links = page(server, "/api/links/", None, vec![linked], links);
    server.list_all_links().respond(links).await;
}

/// Two pages of accounts.
async fn mount_accounts(server: &MockServer) {
    let account = |name: &str| types::Account {
        name: Some(name.into()),
        ..Default::default()
    };
    let accounts = |results, next| types::AccountsPage {
        results,
        next,
        ..Default::default()
    };
    let second = page(
        server,
        "/api/accounts/",
        None,
        vec![account("savings")],
        accounts,
    );
    // Mounted first, so that it answers `page=2` before the catch-all below does.
    server
        .list_all_accounts()
        .query("page", "2")
        .respond(second)
        .await;
    let first = page(
        server,
        "/api/accounts/",
        Some("page=2"),
        vec![account("checking")],
        accounts,
    );
    server.list_all_accounts().respond(first).await;
}

/// Two pages of transactions.
async fn mount_transactions(server: &MockServer) {
    let spent = |amount| types::Transaction {
        amount: Some(amount),
        ..Default::default()
    };
    let transactions = |results, next| types::TransactionsPage {
        results,
        next,
        ..Default::default()
    };
    let second = page(
        server,
        "/api/transactions/",
        None,
        vec![spent(2.5)],
        transactions,
    );
    server
        .list_all_transactions()
        .query("page", "2")
        .respond(second)
        .await;
    let first = vec![spent(10.0), spent(-4.0)];
    let first = page(
        server,
        "/api/transactions/",
        Some("page=2"),
        first,
        transactions,
    );
    server.list_all_transactions().respond(first).await;
}

/// The balances after two token challenges, the incomes after one.
async fn mount_token_requests(server: &MockServer, link: Uuid) {
    let balance = types::Balance {
        current_balance: Some(42.0),
        ..Default::default()
    };
    let mfa = server.mfa::<builder::RetrieveBalancesForALink>().link(link);
    mfa.challenges(2).then_respond(vec![balance]).await;
    let incomes = vec![types::Income::default(), types::Income::default()];
    let mfa = server.mfa::<builder::RetrieveIncomesForALink>().link(link);
    mfa.then_respond(incomes).await;
}

#[tokio::test]
async fn banking_tour_against_the_typed_mock() {
    let link = Uuid::from_u128(0x1dea);
    let server = scripted(link).await;
    let run = tour(server.uri(), "the typed mock").await;
    let received = server.received_requests().await;

    assert!(run.success, "the tour failed against its mock");
    assert_eq!((run.decode_failures, run.other_failures), (0, 0));
    // What the program counted is what reached Belvo: links 1, accounts and transactions 2
    // pages each, balances a POST and 2 resumes, incomes a POST and a resume.
    assert_eq!(run.calls, received.len());
    assert_eq!(run.calls, 10);
    assert_eq!(run.calls_of("fetch_page"), 2);
    for line in [
        format!("link: {link}"),
        "accounts: 2 [\"checking\", \"savings\"]".into(),
        "transactions: 3 (amounts sum to 8.50)".into(),
        "balances: 1 [42.0]".into(),
        "incomes: 2 (after MFA)".into(),
        "mfa: round 2:".into(),
    ] {
        let found = run.stdout.lines().any(|l| l.starts_with(&line));
        assert!(found, "no line starting with {line:?}");
    }

    // Its own settings went out: the user agent on every request, the per-call header on
    // both pages of transactions and on the balances' request and resumes, the token typed.
    let header = |r: &wiremock::Request, name: &str| {
        let value = r.headers.get(name).and_then(|v| v.to_str().ok());
        value.map(str::to_owned)
    };
    assert!(received
        .iter()
        .all(|r| header(r, "user-agent").is_some_and(|ua| ua.starts_with("banking-tour/0.1"))));
    let step = |name: &str| {
        let requests = received.iter();
        requests
            .filter(|r| header(r, "x-tour-step").as_deref() == Some(name))
            .count()
    };
    assert_eq!((step("transactions"), step("balances")), (2, 3));
    let patches = received.iter().filter(|r| r.method.as_str() == "PATCH");
    let tokens: Vec<serde_json::Value> = patches
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["token"].clone())
        .collect();
    assert_eq!(tokens, vec![serde_json::json!("1234"); 3]);
}

/// The failures a run against Prism may have, and why none is the client's: Belvo's spec
/// gives every page's `next` as `https://api.belvo.com/api/{endpoint}/?page=2` (static
/// Prism answers that example) and dynamic Prism makes up a `next` (`"amet elit ut"`), which
/// the client follows on Prism's host, as it must a real `next`; no route of the spec serves
/// either, and Prism answers 404. Each such failure is a list walk's, after its first page.
const PRISM_KNOWN: &[(&str, &str)] = &[(
    "a page link no route of the spec serves",
    "Belvo answered 404 Not Found: The route ",
)];

/// Runs the tour against Prism started with `args`, and checks that every failure is known.
async fn against_prism(args: &[&str], mode: &str) -> Run {
    let (bin, spec) = support::tools();
    let copy = support::without_broken_patterns(&spec);
    let prism = Prism::start_with(&bin, &copy, args);
    let _ = std::fs::remove_file(&copy);
    let run = tour(prism.url.clone(), mode).await;
    assert_eq!(
        run.decode_failures, 0,
        "bodies valid under Belvo's spec must decode"
    );
    let unknown: Vec<&str> = run
        .failures()
        .into_iter()
        .filter(|f| {
            let walk = ["links", "accounts", "transactions"]
                .iter()
                .any(|step| f.starts_with(&format!("failure: other: {step}: ")));
            !(walk && PRISM_KNOWN.iter().any(|(_, text)| f.contains(text)))
        })
        .collect();
    assert!(unknown.is_empty(), "failures not known: {unknown:#?}");
    // Each known failure is a page fetch the program counted, and every step was reached.
    assert!(run.calls_of("fetch_page") >= run.other_failures);
    for op in [
        "list_all_links",
        "retrieve_balances_for_a_link",
        "retrieve_incomes_for_a_link",
    ] {
        assert_eq!(run.calls_of(op), 1, "{op} not called once");
    }
    run
}

#[tokio::test]
#[cfg_attr(no_prism, ignore = "Prism or ../shared/belvo/openapi.yaml is absent")]
async fn banking_tour_against_prism() {
    let run = against_prism(&[], "Prism (static)").await;
    // The spec's examples: one link, one balance, one income, and three page links.
    assert!(run.stdout.contains("balances: 1 [4.25]"));
    assert_eq!(run.other_failures, 3);
}

#[tokio::test]
#[cfg_attr(no_prism, ignore = "Prism or ../shared/belvo/openapi.yaml is absent")]
async fn banking_tour_against_dynamic_prism() {
    // Seeded, so that a run can be repeated and its counts quoted.
    let run = against_prism(&["--dynamic", "--seed", "20261207"], "Prism (dynamic)").await;
    assert!(run.stdout.contains("balances: "));
}
