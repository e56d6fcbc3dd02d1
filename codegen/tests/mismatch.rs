//! The overlay action a mismatch error prints is the fix: a generated client rejects a body,
//! the action from its message is applied to the spec, the client is generated again, and the
//! same body now decodes. Both clients are compiled and run (one shared target dir, so only the
//! small crates themselves are built).

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use codegen::client::{generate, ClientOptions};
use serde_json::json;

/// A collection whose link has a `date-time` and a contract integer.
fn collection() -> String {
    json!({
        "info": {"name": "links", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "Get a link",
            "request": {"method": "GET", "url": {"raw": "{{baseUrl}}/links/:id",
                "host": ["{{baseUrl}}"], "path": ["links", ":id"]}},
            "response": [{"name": "Ok", "code": 200,
                "header": [{"key": "Content-Type", "value": "application/json"}],
                "body": json!({"id": "<uuid>", "created_at": "<dateTime>", "count": "<integer>"}).to_string()}]
        }]
    })
    .to_string()
}

/// Builds the client for `spec` with a `main` that decodes stdin as the 200 body of
/// `GET /links/{id}` and prints `ok` or the error; returns what it printed for `body`.
fn decode_with_client(name: &str, spec: &openapiv3::OpenAPI, body: &str) -> String {
    let options = ClientOptions {
        response_checks: true,
        mfa_glue: false,
        ..ClientOptions::default()
    };
    let code = generate(spec, &options).expect("generates").code;
    let main = format!(
        "use std::io::Read;\n\
         fn main() {{\n\
             let mut body = Vec::new();\n\
             std::io::stdin().read_to_end(&mut body).unwrap();\n\
             match {}::check_response(\"get\", \"/links/{{id}}\", 200, &body) {{\n\
                 Some(Ok(())) => print!(\"ok\"),\n\
                 Some(Err(e)) => print!(\"{{e}}\"),\n\
                 None => print!(\"no typed body\"),\n\
             }}\n\
         }}\n",
        name.replace('-', "_")
    );
    let binary = support::build::build_binary(name, "a test", &code, &main);
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The actions a mismatch message offers, as an overlay document.
fn overlay_from(message: &str) -> String {
    let (_, actions) = message
        .split_once("regenerate the client:\n")
        .unwrap_or_else(|| panic!("no overlay action in:\n{message}"));
    format!("overlay: 1.0.0\ninfo:\n  title: fix\n  version: '1'\nactions:\n{actions}")
}

#[test]
fn applying_the_printed_action_makes_the_same_body_decode() {
    let spec = codegen::convert(&collection()).unwrap().spec().unwrap();
    for (case, body, path) in [
        (
            "offset-less timestamp",
            r#"{"id": "683005d6-f45c-4adb-b289-f1a12f50f80c", "created_at": "2024-05-01T12:00:00"}"#,
            "`created_at`",
        ),
        ("fractional count", r#"{"count": 2.5}"#, "`count`"),
        ("an id that is not a uuid", r#"{"id": "acc_9f3"}"#, "`id`"),
    ] {
        let name = format!("mismatch-{}", case.replace(' ', "-").replace('-', "_"));
        let before = decode_with_client(&format!("{name}-before"), &spec, body);
        assert!(
            before.contains("`get_a_link` received a 200 response") && before.contains(path),
            "{case}: {before}"
        );
        let overlay = overlay_from(&before);
        let (fixed, _) = codegen::overlay::apply_to_openapi(&spec, &overlay)
            .unwrap_or_else(|e| panic!("{case}: {e}\n{overlay}"));
        let after = decode_with_client(&format!("{name}-after"), &fixed, body);
        assert_eq!(after, "ok", "{case}: after applying\n{overlay}");
    }
}
