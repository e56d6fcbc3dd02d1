//! End to end against Prism serving Belvo's *published* spec (`../shared/belvo/openapi.yaml`):
//! every operation of the client is called with valid arguments, must succeed (its response
//! deserialises into our types), and Prism must report no request violation (`sl-violations`
//! header). This checks what the client sends against the API's own description, which the
//! spec we generate from (converted from Postman) could get wrong.
//!
//! Prism is `$PRISM_BIN`, else `tools/prism/node_modules/.bin/prism` (`cargo xtask test`
//! installs it; by hand: `npm ci --prefix tools/prism`). Without Prism or `../shared` a plain
//! `cargo test` lists the tests as ignored, with the reason (`examples/build.rs`);
//! `cargo xtask test` installs Prism and runs ignored tests too.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

mod support;

use belvo::{types, Client, Credentials, Environment, OperationError, ResponseValue, RetryPolicy};
use chrono::NaiveDate;
use serde_json::json;
use support::Prism;
use uuid::Uuid;

/// Operations that cannot pass with the published spec as it is, and the violations expected
/// of them. `LinksPutRequest` lists `institution` and `username` as required but does not
/// define them among its properties (nor does the collection), so no typed client can send
/// them; Belvo's reference for this endpoint does not ask for them either. Likewise
/// `TaxDeclarationsRequest` requires a `type` it does not define.
const KNOWN_SPEC_DEFECTS: &[(&str, &[&str])] = &[
    (
        "update_a_links_credentials",
        &[
            "Request body must have required property 'institution'",
            "Request body must have required property 'username'",
        ],
    ),
    (
        "retrieve_tax_declarations_for_a_link",
        &["Request body must have required property 'type'"],
    ),
];

/// What each call gave: `None` when it succeeded without violations, else why not.
struct Outcomes {
    checked: BTreeSet<&'static str>,
    failures: Vec<String>,
    /// Operations Prism itself fails to answer in this mode (a 500 of its own).
    prism_fails: &'static [&'static str],
}

/// Operations dynamic Prism (5.14) answers with a 500 of its own: generating the payment
/// intents page throws in Prism ("Cannot read properties of undefined (reading 'items')").
const DYNAMIC_PRISM_FAILS: &[&str] = &["list_all_payment_intents"];

impl Outcomes {
    fn record<T, E: serde::Serialize>(
        &mut self,
        operation: &'static str,
        result: Result<ResponseValue<T>, OperationError<E>>,
    ) {
        self.checked.insert(operation);
        let (violations, problem) = match result {
            Ok(rv) => (violations(rv.headers()), None),
            Err(e) => {
                let e = belvo::Error::from(e);
                let headers = e.api().map(|a| violations(a.headers())).unwrap_or_default();
                (headers, Some(e.to_string()))
            }
        };
        let prism_failed = problem
            .as_deref()
            .is_some_and(|p| p.contains("answered 500"));
        if prism_failed && self.prism_fails.contains(&operation) {
            eprintln!("{operation}: Prism could not answer (a known Prism failure)");
            return;
        }
        let expected = KNOWN_SPEC_DEFECTS
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, v)| *v);
        match expected {
            Some(expected) => {
                let messages: Vec<&str> = violations.iter().map(String::as_str).collect();
                if messages != expected {
                    self.failures.push(format!(
                        "{operation}: expected exactly the known violations {expected:?}, got \
                         {messages:?} ({problem:?})"
                    ));
                }
            }
            None if violations.is_empty() && problem.is_none() => {}
            None => self.failures.push(format!(
                "{operation}: {} violations {violations:?}",
                problem.unwrap_or_else(|| "succeeded with".into())
            )),
        }
    }
}

/// The messages of Prism's `sl-violations` header about the request. Those about the response
/// judge Belvo's own examples (several miss a required field), not the client.
fn violations(headers: &reqwest::header::HeaderMap) -> Vec<String> {
    let Some(value) = headers.get("sl-violations") else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    match serde_json::from_str::<Vec<serde_json::Value>>(&text) {
        Ok(list) => list
            .iter()
            .filter(|v| v["location"][0] != "response")
            .map(|v| v["message"].as_str().unwrap_or("?").to_owned())
            .collect(),
        // Prism cuts a long list short; only a request violation in what it kept counts.
        Err(_) if text.starts_with("Too many violations!") && !text.contains("[\"request\"") => {
            Vec::new()
        }
        Err(_) => vec![text.into_owned()],
    }
}

/// The `session` of a paused request, as Belvo's 428 sends it.
const SESSION: &str = "2675b703b9d4451f8d4861a3eee54449";

/// `client.OP()` with the builder calls given, sent, and recorded under the name `OP`, so an
/// operation cannot be recorded under another's name.
macro_rules! call {
    ($out:ident, $client:ident . $op:ident () $($calls:tt)*) => {
        $out.record(stringify!($op), $client.$op() $($calls)* .send().await)
    };
}

/// `call!` for each operation named, each with the same builder calls (given in parentheses).
macro_rules! call_each {
    (@one $out:ident, $client:ident, $op:ident, ($($calls:tt)*)) => {
        call!($out, $client.$op() $($calls)*)
    };
    ($out:ident, $client:ident, $calls:tt, $($op:ident),+ $(,)?) => {
        $( call_each!(@one $out, $client, $op, $calls); )+
    };
}

/// A request body of the generated types, from JSON (bodies with nested objects).
fn typed<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> T {
    serde_json::from_value(value.clone()).expect("the body fits the generated type")
}

/// An optional text field of a generated body.
fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

/// A date field of a generated body.
fn date(value: &str) -> NaiveDate {
    value.parse().expect("a date")
}

/// Every `operation_id` of the generated client, read from its source.
fn generated_operations() -> BTreeSet<String> {
    include_str!("../../generated/src/generated.rs")
        .split("operation_id: \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
#[cfg_attr(no_prism, ignore = "Prism or ../shared/belvo/openapi.yaml is absent")]
async fn every_operation_against_prism() {
    every_operation(&[], &[]).await;
}

/// The same calls against bodies Prism makes up from the spec's schemas (seeded, so a run can
/// be repeated): every body valid under Belvo's spec must decode, `null`s and all.
#[tokio::test]
#[cfg_attr(no_prism, ignore = "Prism or ../shared/belvo/openapi.yaml is absent")]
async fn every_operation_against_dynamic_prism() {
    every_operation(&["--dynamic", "--seed", "20261207"], DYNAMIC_PRISM_FAILS).await;
}

/// Calls every operation of the client against Prism started with `mode`, and fails on any
/// call that did not succeed cleanly.
async fn every_operation(mode: &[&str], prism_fails: &'static [&'static str]) {
    let (bin, spec) = support::tools();
    let started = Instant::now();
    let copy = support::without_broken_patterns(&spec);
    let prism = Prism::start_with(&bin, &copy, mode);
    // Prism has read it once it listens.
    let _ = std::fs::remove_file(&copy);
    let client = Client::builder(
        Environment::Custom(prism.url.clone()),
        Credentials::new("secret-id", "secret-password"),
    )
    .retry(RetryPolicy::none())
    .timeout(Duration::from_secs(20))
    .build()
    .unwrap();

    let mut out = Outcomes {
        checked: BTreeSet::new(),
        failures: Vec::new(),
        prism_fails,
    };
    let c = &client;
    // Grouped by the arguments they take.
    call_lists(&mut out, c).await;
    call_by_id(&mut out, c).await;
    call_retrieves(&mut out, c).await;
    call_dated_retrieves(&mut out, c).await;
    call_link_bodies(&mut out, c).await;
    call_enrichment(&mut out, c).await;
    call_payments(&mut out, c).await;
    assert_every_operation_passed(&out, started);
}

/// The id every `{id}` path parameter gets.
fn id() -> Uuid {
    Uuid::parse_str("0d3ffb69-f83b-456e-ad8e-208d0998d71d").unwrap()
}

/// The link every body or query that names one gets.
fn link() -> Uuid {
    Uuid::parse_str("30cb4806-6e00-48a4-91c9-ca55968576c8").unwrap()
}

/// The lists, which take no argument but the transactions' link.
async fn call_lists(out: &mut Outcomes, c: &Client) {
    let link = link();
    call_each!(
        out,
        c,
        (),
        list_all_links,
        list_all_institutions,
        list_all_accounts,
        list_all_balances,
        list_all_owners,
        list_all_incomes,
        list_all_recurring_expenses,
        list_all_risk_insights,
        list_all_portfolios,
        list_all_receivable_transactions,
        list_all_invoices,
        list_all_tax_returns,
        list_all_tax_statuses,
        list_all_tax_compliance_statuses,
        list_all_tax_retentions,
        list_all_tax_declarations,
        list_all_employment_records,
        list_all_secret_keys,
        request_api_keys,
        list_all_payment_institutions,
        list_all_customers,
        list_all_bank_accounts,
        list_all_payment_links,
        list_all_payment_intents,
        list_all_payment_transactions,
    );
    call!(out, c.list_all_transactions().link(link.to_string()));
}

/// The details and deletes of one resource, by id (the institution's id is a number, the
/// payment link's an access token).
async fn call_by_id(out: &mut Outcomes, c: &Client) {
    let id = id();
    call_each!(
        out,
        c,
        (.id(id)),
        get_a_links_details,
        delete_a_link,
        get_an_accounts_details,
        delete_an_account,
        get_a_balances_details,
        delete_a_balance,
        get_a_transactions_details,
        delete_a_transaction,
        get_an_owners_details,
        delete_an_owner,
        get_an_incomes_details,
        delete_an_income,
        get_a_recurring_expenses_details,
        delete_a_recurring_expense,
        get_a_risk_insights_details,
        delete_a_risk_insight,
        get_a_portfolios_details,
        delete_a_portfolio,
        get_a_receivable_transactions_details,
        delete_a_receivable_transaction,
        get_an_invoices_details,
        delete_an_invoice,
        get_a_tax_returns_details,
        delete_a_tax_return,
        get_details_about_a_tax_status,
        delete_a_tax_status,
        get_details_about_a_tax_compliance_status,
        delete_a_tax_compliance_status,
        get_a_tax_retentions_details,
        delete_a_tax_retention,
        get_a_tax_declarations_details,
        delete_a_tax_declaration,
        get_an_employment_records_details,
        delete_an_employment_record,
        get_details_about_a_payment_institution,
        get_details_about_a_customer,
        get_details_about_a_bank_account,
        get_details_about_a_payment_intent,
        get_details_about_a_payment_transaction,
    );
    call!(out, c.get_an_institutions_details().id(1));
    call!(
        out,
        c.get_details_about_a_payment_link()
            .access_token("cHJvZF9wYXltZW50X2xpbms")
    );
}

/// Retrieves and their resumes (PATCH), with a link and sometimes a period or a session.
async fn call_retrieves(out: &mut Outcomes, c: &Client) {
    let link = link();
    let from = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    call_each!(
        out,
        c,
        (.body_map(|b| b.link(link))),
        retrieve_accounts_for_a_link,
        retrieve_owners_for_a_link,
        retrieve_recurring_expenses_for_a_link,
        retrieve_risk_insights_for_a_link,
        retrieve_portfolios_for_a_link,
        retrieve_tax_statuses_for_a_link,
        retrieve_tax_compliance_statuses_for_a_link,
        retrieve_employment_record_details,
    );
    call_each!(
        out,
        c,
        (.body_map(|b| b.link(link).date_from(from).date_to(to))),
        retrieve_balances_for_a_link,
        retrieve_transactions_for_a_link,
        retrieve_incomes_for_a_link,
    );
    call_each!(
        out,
        c,
        (.body_map(|b| b.link(link).session(SESSION).token(text("1234")))),
        complete_a_links_request,
        complete_an_accounts_request,
        complete_a_balances_request,
        complete_a_transactions_request,
        complete_an_owners_request,
        complete_an_incomes_request,
        complete_a_recurring_expenses_request,
        complete_a_risk_insights_request,
        complete_a_portfolios_request,
        complete_an_invoices_request,
    );
}

/// Retrieves whose bodies carry a type or a year besides the link, or are a one-of.
async fn call_dated_retrieves(out: &mut Outcomes, c: &Client) {
    let link = link();
    call!(
        out,
        c.retrieve_receivable_transactions_for_a_link()
            .body_map(|b| b
                .link(link)
                .date_from(date("2024-01-01"))
                .date_to(date("2024-01-31")))
    );
    call_each!(
        out,
        c,
        (.body_map(|b| b
            .link(link)
            .date_from(date("2024-01-01"))
            .date_to(date("2024-01-31"))
            .type_("INFLOW"))),
        retrieve_invoices_for_a_link,
        retrieve_tax_retentions_for_a_link,
    );
    call!(
        out,
        c.retrieve_tax_returns_for_a_link()
            .body(types::RetrieveTaxReturnsForALinkBody::Monthly(
                types::builder::RetrieveTaxReturnsForALinkBodyMonthly::default()
                    .link(link)
                    .type_("monthly")
                    .date_from(date("2024-01-01"))
                    .date_to(date("2024-03-31"))
                    .try_into()
                    .expect("every required field is set"),
            ))
    );
    call!(
        out,
        c.retrieve_tax_declarations_for_a_link()
            .body_map(|b| b.link(link).year_from("2022").year_to("2023"))
    );
}

/// Links' own bodies.
async fn call_link_bodies(out: &mut Outcomes, c: &Client) {
    let id = id();
    call!(
        out,
        c.register_a_new_link().body_map(|b| {
            b.institution("erebor_mx_retail")
                .username("bnk100")
                .password(text("full"))
                .access_mode(Some(types::RegisterANewLinkBodyAccessMode::Single))
        })
    );
    call!(
        out,
        c.update_a_links_credentials()
            .id(id)
            .body_map(|b| b.password("full"))
    );
    call!(
        out,
        c.change_a_links_access_mode()
            .id(id)
            .body_map(|b| b.access_mode(types::ChangeALinksAccessModeBodyAccessMode::Recurrent))
    );
}

/// Enrichment: categorization and income verification of one transaction.
async fn call_enrichment(out: &mut Outcomes, c: &Client) {
    let transactions = json!({"language": "pt", "transactions": [{
        "transaction_id": "3CWE4927CF15355",
        "account_holder_type": "INDIVIDUAL",
        "account_holder_id": "a61bc801-9fa5-457b-88ad-850c96eaca30",
        "account_id": "EBACA-89077589",
        "account_category": "CHECKING_ACCOUNT",
        "value_date": "2024-01-18",
        "description": "SALARIO MENSAL",
        "type": "INFLOW",
        "amount": 6500.89,
        "currency": "BRL",
        "institution": "Erebor Brazil"
    }]});
    call!(
        out,
        c.categorize_transactions()
            .body(typed::<types::CategorizeTransactionsBody>(&transactions))
    );
    call!(
        out,
        c.verify_incomes()
            .body(typed::<types::VerifyIncomesBody>(&transactions))
    );
}

/// Payments: customers, bank accounts, payment links and intents.
async fn call_payments(out: &mut Outcomes, c: &Client) {
    let id = id();
    call!(
        out,
        c.create_a_new_customer()
            .body(typed::<types::CreateANewCustomerBody>(&json!({
                "customer_type": "INDIVIDUAL",
                "name": "Caetano Veloso",
                "country": "BRA",
                "email": "caetano.veloso@example.com",
                "identifier": "231.002.999-00",
                "identifier_type": "CPF"
            })))
    );
    call!(
        out,
        c.create_a_new_bank_account()
            .body(typed::<types::CreateANewBankAccountBody>(&json!({
                "institution": "f512d996-583a-4a91-8b5b-eba2e103b068",
                "holder": {"type": "BUSINESS", "information": {
                    "name": "Caetano Veloso Entertainment Universe",
                    "identifier_type": "CNPJ",
                    "identifier": "05.954.445/0221-68"
                }},
                "details": {"country": "BRA", "account_type": "CHECKINGS", "agency": "0444", "number": "45722-0"}
            })))
    );
    call!(
        out,
        c.create_a_payment_link()
            .body(typed::<types::CreateAPaymentLinkBody>(&json!({
                "amount": "2853.78",
                "customer": "06dc2f14-1217-4480-9b36-550a944a39d1",
                "description": "Shoe payment",
                "allowed_payment_method_types": ["open_finance"],
                "provider": "belvo",
                "payment_method_details": {"open_finance": {
                    "beneficiary_bank_account": "a80d5a9d-20ae-479a-8dd7-ff3443bcbbfc"
                }}
            })))
    );
    call!(
        out,
        c.create_a_new_payment_intent()
            .body(typed::<types::CreateANewPaymentIntentBody>(&json!({
                "amount": "350000",
                "customer": "06dc2f14-1217-4480-9b36-550a944a39d1",
                "description": "Training shoes",
                "allowed_payment_method_types": ["pse"],
                "provider": "belvo",
                "payment_method_details": {"pse": {
                    "beneficiary_bank_account": "a80d5a9d-20ae-479a-8dd7-ff3443bcbbfc",
                    "belvo_flow": true
                }}
            })))
    );
    call!(
        out,
        c.complete_a_payment_intent()
            .id(id)
            .body(typed::<types::CompleteAPaymentIntentBody>(&json!({
                "payment_method_details": {"pse": {
                    "payer_institution": "db201c6a-e0ee-4caa-92d6-72b480d6d86f"
                }}
            })))
    );
}

/// Every operation of the generated client was called, and none failed.
fn assert_every_operation_passed(out: &Outcomes, started: Instant) {
    let all = generated_operations();
    let checked: BTreeSet<String> = out.checked.iter().map(|s| s.to_string()).collect();
    let untested: Vec<&String> = all.difference(&checked).collect();
    assert!(untested.is_empty(), "operations not called: {untested:?}");
    assert_eq!(checked.len(), all.len(), "{checked:?}");
    eprintln!(
        "{} operations against Prism in {:.1?}",
        checked.len(),
        started.elapsed()
    );
    assert!(
        out.failures.is_empty(),
        "{} of {} operations failed against Prism:\n{}",
        out.failures.len(),
        checked.len(),
        out.failures.join("\n")
    );
}
