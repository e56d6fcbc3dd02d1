//! Loopback stand-ins for Belvo, so the examples run without credentials. They answer as
//! Belvo does (a 428 body is a list of one challenge; pages link to the next by URL) and check
//! what a real server would reject.

use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The link the MFA mock serves.
pub const LINK: &str = "30cb4806-6e00-48a4-91c9-ca55968576c8";
const SESSION: &str = "2675b703b9d4451f8d4861a3eee54449";

/// `POST /api/balances/` answers 428 token_required; `PATCH /api/balances/` with the session,
/// the link and a non-empty token answers 201 with two balances, anything else 400.
pub async fn mfa() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/balances/"))
        .and(body_partial_json(json!({ "link": LINK })))
        .respond_with(ResponseTemplate::new(428).set_body_json(json!([{
            "code": "token_required",
            "message": "A MFA token is required by the institution to login",
            "request_id": "8c7b283c6efa449c9c028a16b5c249fa",
            "session": SESSION,
            "expiry": 600,
            "link": LINK,
            "token_generation_data": {
                "instructions": "Enter the code your bank sent you (the mock takes any)",
                "type": "numeric",
                "value": "",
                "expects_user_input": true
            }
        }])))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .and(body_partial_json(
            json!({ "session": SESSION, "link": LINK }),
        ))
        .and(|request: &Request| {
            serde_json::from_slice::<Value>(&request.body).is_ok_and(|b| {
                b.get("token")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty())
            })
        })
        .respond_with(ResponseTemplate::new(201).set_body_json(json!([
            balance(
                "d5e8ed64-6d5c-4c9f-a6f4-2d0a8fbc5c3e",
                "Cuenta Perfiles",
                4523.48,
                4500.0
            ),
            balance(
                "b4d0b6f0-43a9-4b41-9ae8-2d5d1f8b1b0a",
                "Tarjeta Oro",
                -1250.0,
                8750.0
            ),
        ])))
        .mount(&server)
        .await;
    // Lower priority than the happy path: any other resume is a wrong token.
    Mock::given(method("PATCH"))
        .and(path("/api/balances/"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([{
            "code": "invalid_token",
            "message": "The token is missing or not valid",
            "request_id": "4f0b1d5e8a0c4e5f9d2b7c1a3e6f8d90"
        }])))
        .with_priority(10)
        .mount(&server)
        .await;
    server
}

fn balance(id: &str, name: &str, current: f64, available: f64) -> Value {
    json!({
        "id": id,
        "account": { "id": id, "name": name, "currency": "MXN" },
        "value_date": "2024-01-31",
        "balance": current,
        "current_balance": current,
        "available_balance": available,
        "currency": "MXN"
    })
}

/// `GET /api/accounts/` answers page 1 (or page N for `?page=N`) of `total` accounts,
/// `per_page` a page, each page linking to the next by URL as Belvo does.
pub async fn accounts(total: usize, per_page: usize) -> MockServer {
    let server = MockServer::start().await;
    let per_page = per_page.max(1);
    let pages = total.div_ceil(per_page).max(1);
    for page in 1..=pages {
        let results: Vec<Value> = (1 + (page - 1) * per_page..=(page * per_page).min(total))
            .map(account)
            .collect();
        let link = |n: usize| {
            format!(
                "{}/api/accounts/?page={n}&page_size={per_page}",
                server.uri()
            )
        };
        let body = json!({
            "count": total,
            "next": (page < pages).then(|| link(page + 1)),
            "previous": (page > 1).then(|| link(page - 1)),
            "results": results,
        });
        // The first page is asked for without a page number, the others by their links.
        let on_page = move |request: &Request| {
            let asked = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v.into_owned());
            asked.as_deref().unwrap_or("1") == page.to_string()
        };
        Mock::given(method("GET"))
            .and(path("/api/accounts/"))
            .and(on_page)
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    server
}

fn account(n: usize) -> Value {
    let categories = ["CHECKING_ACCOUNT", "SAVINGS_ACCOUNT", "CREDIT_CARD"];
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "link": LINK,
        "institution": { "name": "erebor_mx_retail", "type": "bank" },
        "category": categories[n % categories.len()],
        "name": format!("Account {n}"),
        "currency": "MXN",
        "balance": { "current": 1000.0 * n as f64, "available": 900.0 * n as f64 }
    })
}
