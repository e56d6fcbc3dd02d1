//! The MFA flow end to end against Prism serving Belvo's published spec
//! (`../shared/belvo/openapi.yaml`), for every resumable pair the generator found: the
//! request is forced to 428 (`Prefer: code=428`), the resume to 200, and the flow must finish
//! with the resume's typed data. Prism validates every request against Belvo's spec, so this
//! also proves that the resume body we build is one Belvo accepts.
//!
//! Each half of the flow is one call with its own `RequestOptions`: the request sends
//! `Prefer: code=428` (`send_or_challenge`), the resume `Prefer: code=200` (`mfa::resume`).
//!
//! One gap of the published spec is worked around: `PUT /api/links/{id}/` requires
//! `institution` and `username` without declaring them, so no client generated from it has
//! them in its body type; that request adds them with `RequestOptions::body_field`.
//!
//! Without Prism or `../shared` a plain `cargo test` lists the test as ignored, with the
//! reason (`examples/build.rs`); `cargo xtask test` installs Prism and runs it.

use std::time::Instant;

mod support;

use belvo::mfa::{self, MfaExt, ResumableOp, Step, Token, RESUMABLE};
use belvo::{types, Client, Credentials, Environment, RequestOptions, WithOptions};
use support::Prism;

const LINK: &str = "30cb4806-6e00-48a4-91c9-ca55968576c8";
/// The `session` of the 428 example in Belvo's spec.
const SESSION: &str = "2675b703b9d4451f8d4861a3eee54449";

/// Runs the flow for one request: sent with `first` and `Prefer: code=428`, resumed with
/// `Prefer: code=200`; returns which operation it was.
async fn check<R>(op: R, first: RequestOptions) -> &'static str
where
    R: ResumableOp,
    R::Output: std::fmt::Debug,
    R::ResumeOutput: std::fmt::Debug,
{
    let name = R::PAIR.retrieve;
    let client = op.client().clone();
    let started = Instant::now();
    let step = op
        .send_or_challenge()
        .with_options(first.header("Prefer", "code=428"))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}\n{e:?}"));
    let mut challenge = match step {
        Step::Challenge(c) => c,
        Step::Done(v) => panic!("{name}: not challenged: {v:?}"),
    };
    assert_eq!(challenge.session, SESSION, "{name}");
    assert_eq!(challenge.operation.retrieve, name);
    assert!(
        challenge.expires_at.is_some() && !challenge.is_expired(),
        "{name}: {challenge:?}"
    );
    challenge.save_data = Some(true);
    let resumed = mfa::resume::<R>(&client, &challenge, Some(Token::new("1234ab")))
        .with_options(RequestOptions::new().header("Prefer", "code=200"))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}\n{e:?}"));
    match resumed {
        Step::Done(v) => assert_eq!(v.status(), 200, "{name}"),
        Step::Challenge(c) => panic!("{name}: challenged again: {c:?}"),
    }
    eprintln!("{name}: 428 → resume → 200 in {:.0?}", started.elapsed());
    name
}

fn client(prism: &Prism) -> Client {
    Client::connect(
        Environment::Custom(prism.url.clone()),
        Credentials::new("secret-id", "secret-password"),
    )
}

fn link() -> uuid::Uuid {
    LINK.parse().unwrap()
}

fn dated() -> types::builder::RetrieveBalancesForALinkBody {
    types::builder::RetrieveBalancesForALinkBody::default()
        .link(link())
        .date_from(date("2024-01-01"))
        .date_to(date("2024-01-31"))
}

fn date(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

fn for_link() -> types::builder::RetrieveForALinkBody {
    types::builder::RetrieveForALinkBody::default().link(link())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(no_prism, ignore = "Prism or ../shared/belvo/openapi.yaml is absent")]
async fn every_resumable_pair_against_prism() {
    let (bin, spec) = support::tools();
    let prism = Prism::start(&bin, &spec);
    let mut covered = Vec::new();
    let c = client(&prism);
    macro_rules! flow {
        ($op:expr) => {
            flow!($op, RequestOptions::new())
        };
        ($op:expr, $first:expr) => {
            covered.push(check($op, $first).await)
        };
    }
    flow!(c.retrieve_accounts_for_a_link().body(for_link()));
    flow!(c.retrieve_balances_for_a_link().body(dated()));
    flow!(c
        .retrieve_incomes_for_a_link()
        .body(types::builder::RetrieveIncomesForALinkBody::default().link(link())));
    flow!(c.register_a_new_link().body(
        types::builder::RegisterANewLinkBody::default()
            .institution("erebor_mx_retail")
            .username("bnk100")
            .password(Some("full".to_string()))
    ));
    flow!(
        c.update_a_links_credentials()
            .id(LINK)
            .body(types::builder::UpdateALinksCredentialsBody::default().password("full")),
        // Required by Belvo's spec for this request, declared nowhere.
        RequestOptions::new()
            .body_field("institution", "erebor_mx_retail")
            .body_field("username", "bnk100")
    );
    flow!(c
        .change_a_links_access_mode()
        .id(LINK)
        .body(types::ChangeALinksAccessModeBody {
            access_mode: types::ChangeALinksAccessModeBodyAccessMode::Recurrent,
        }));
    flow!(c.retrieve_owners_for_a_link().body(for_link()));
    flow!(c
        .retrieve_recurring_expenses_for_a_link()
        .body(types::builder::RetrieveRecurringExpensesForALinkBody::default().link(link())));
    flow!(c.retrieve_transactions_for_a_link().body(dated()));
    flow!(c.retrieve_risk_insights_for_a_link().body(for_link()));
    flow!(c.retrieve_portfolios_for_a_link().body(for_link()));

    // A pair added by `cargo xtask regen` must be added here too.
    let mut expected: Vec<&str> = RESUMABLE.iter().map(|p| p.retrieve).collect();
    expected.sort_unstable();
    covered.sort_unstable();
    assert_eq!(covered, expected, "every pair of RESUMABLE is exercised");
}
