//! Success bodies of several shapes: an operation answering 201 with data and 202 with a
//! request id gets an enum with one variant per status, and a generated client decodes each
//! status into its own variant over loopback (wiremock). Statuses of one shape keep one type.

mod support;

use std::process::Command;

use codegen::client::{generate, ClientOptions};
use codegen::warning::{Code, Location};
use serde_json::{json, Value};

/// `POST /things/` answering `successes` (status → response object), with a 400 error.
fn spec(successes: Value) -> openapiv3::OpenAPI {
    let mut responses = successes;
    responses["400"] = json!({"description": "bad", "content": {"application/json":
        {"schema": {"$ref": "#/components/schemas/Error"}}}});
    serde_json::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things/": {"post": {"operationId": "make_things", "responses": responses}}},
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {"name": {"type": "string"}}},
            "AsyncRequest": {"type": "object", "properties": {"request_id": {"type": "string"}}},
            "Error": {"type": "object", "properties": {"code": {"type": "string"}}}
        }}
    }))
    .unwrap()
}

fn json_body(schema: Value) -> Value {
    json!({"description": "a body", "content": {"application/json": {"schema": schema}}})
}

fn things() -> Value {
    json_body(json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}))
}

fn accepted() -> Value {
    json_body(json!({"$ref": "#/components/schemas/AsyncRequest"}))
}

fn success_type_warnings(spec: &openapiv3::OpenAPI) -> usize {
    let client = generate(spec, &ClientOptions::default()).unwrap();
    client
        .warnings
        .iter()
        .filter(|w| w.code == Code::SuccessTypesDropped)
        .inspect(|w| assert_eq!(w.location, Location::operation("post", "/things/")))
        .count()
}

#[test]
fn statuses_of_one_shape_keep_one_type_and_others_get_variants() {
    // 200 and 201 of one shape: today's single type, no enum.
    let one = spec(json!({"200": things(), "201": things()}));
    let code = generate(&one, &ClientOptions::default()).unwrap().code;
    assert!(code.contains("ResponseValue<::std::vec::Vec<types::Thing>>"));
    assert!(!code.contains("MakeThingsSuccess"));
    assert_eq!(success_type_warnings(&one), 0);

    // Shapes apart: an enum, no warning; inline bodies of each shape are typed too.
    let inline = json_body(json!({"type": "object", "properties": {"id": {"type": "string"}}}));
    for (successes, variants) in [
        (
            json!({"201": things(), "202": accepted()}),
            &["Created(::std::vec::Vec<Thing>)", "Accepted(AsyncRequest)"][..],
        ),
        (
            json!({"200": things(), "202": inline}),
            &[
                "Ok(::std::vec::Vec<Thing>)",
                "Accepted(MakeThingsAcceptedResponse)",
            ][..],
        ),
    ] {
        let spec = spec(successes);
        let code = generate(&spec, &ClientOptions::default()).unwrap().code;
        assert!(code.contains("ResponseValue<types::MakeThingsSuccess>"));
        for variant in variants {
            assert!(code.contains(variant), "{variant}\n{code}");
        }
        assert_eq!(success_type_warnings(&spec), 0);
    }

    // What still cannot be typed (a bodiless 204 beside JSON bodies) is dropped with W122.
    let bodiless = json!({"description": "none"});
    let spec = spec(json!({"201": things(), "202": accepted(), "204": bodiless}));
    assert_eq!(success_type_warnings(&spec), 1);
}

#[test]
fn each_status_decodes_into_its_variant_over_loopback() {
    let spec = spec(json!({"200": things(), "201": things(), "202": accepted()}));
    let code = generate(&spec, &ClientOptions::default()).unwrap().code;
    let main = r##"
use status_variants_client::{types::MakeThingsSuccess, Client, Error};
use wiremock::{matchers::method, Mock, MockServer, ResponseTemplate};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cases = [
        (200, r#"[{"name": "a"}]"#),
        (201, r#"[{"name": "b"}, {"name": "c"}]"#),
        (202, r#"{"request_id": "r-1"}"#),
        (202, r#"{"request_id": 7}"#),
    ];
    for (status, body) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
        let client = Client::new(&server.uri());
        match client.make_things().send().await {
            Ok(r) => {
                let (code, inner) = (r.status().as_u16(), r.into_inner());
                assert_eq!(inner.status(), code);
                match inner {
                    MakeThingsSuccess::Ok(v) => println!("{code} Ok {}", v.len()),
                    MakeThingsSuccess::Created(v) => println!("{code} Created {}", v.len()),
                    MakeThingsSuccess::Accepted(a) => {
                        println!("{code} Accepted {}", a.request_id.unwrap_or_default())
                    }
                }
            }
            Err(Error::InvalidResponsePayload(_, e)) => println!("{status} mismatch: {e}"),
            Err(e) => println!("{status} error: {e}"),
        }
    }
}
"##;
    let deps = "tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n\
                wiremock = \"0.6\"\n";
    let binary =
        support::build::build_binary_with("status_variants_client", "a test", &code, main, deps);
    let out = Command::new(binary).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..3],
        ["200 Ok 1", "201 Created 2", "202 Accepted r-1"]
    );
    // A 202 body that does not fit is a mismatch of the 202 schema, not of the 200/201 one.
    assert!(
        lines[3].starts_with("202 mismatch: `make_things` received a 202 response")
            && lines[3].contains("`request_id`"),
        "{out}"
    );
}
