//! The lenient reader of `codegen::diff` (`diff::read`): each construct it tolerates is read
//! the way a client would see it and listed with where it is, each construct it refuses is
//! named with its JSON pointer, and a document a strict reader accepts is read unchanged with
//! nothing listed.

use codegen::diff::{self, ParseError};

/// A 3.0 document: `paths` and `extra` are spliced in as YAML text.
fn doc(paths: &str, extra: &str) -> String {
    format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:{paths}\n{extra}")
}

const OP: &str = "
  /a:
    get:
      operationId: GetA
      responses:
        '200':
          description: ok
";

fn tolerated(text: &str) -> Vec<String> {
    match diff::read(text) {
        Ok(read) => read.tolerated,
        Err(e) => panic!("read: {e}\n{text}"),
    }
}

fn refused(text: &str) -> String {
    match diff::read(text) {
        Ok(read) => panic!("read, tolerating {:?}\n{text}", read.tolerated),
        Err(e @ (ParseError::Unsupported(_) | ParseError::Syntax(_))) => e.to_string(),
        Err(e) => panic!("refused for its version: {e}"),
    }
}

/// `notes` has one line that contains every one of `parts`.
fn has(notes: &[String], parts: &[&str]) {
    assert!(
        notes.iter().any(|n| parts.iter().all(|p| n.contains(p))),
        "no note with {parts:?} in {notes:?}"
    );
}

#[test]
fn a_strict_document_is_read_with_nothing_tolerated() {
    assert!(tolerated(&doc(OP, "")).is_empty());
}

#[test]
fn an_operation_without_responses_is_read_as_none() {
    let text = doc("\n  /a:\n    get:\n      operationId: GetA\n", "");
    let notes = tolerated(&text);
    has(&notes, &["`/paths/~1a/get`", "no `responses`"]);
    let read = diff::read(&text).unwrap();
    let op = read.document.paths.paths["/a"].as_item().unwrap();
    assert!(op.get.as_ref().unwrap().responses.responses.is_empty());
}

#[test]
fn empty_responses_content_and_paths_are_read_as_none() {
    let text = doc(
        "\n  /a:\n    get:\n      responses:\n  /b:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n",
        "",
    );
    let notes = tolerated(&text);
    has(&notes, &["`/paths/~1a/get/responses`", "empty"]);
    has(&notes, &["`/paths/~1b/get/responses/200/content`", "empty"]);
    // An empty `paths` the strict reader already takes as none.
    let read = diff::read("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n").unwrap();
    assert!(read.document.paths.paths.is_empty());
}

#[test]
fn empty_parameters_are_a_list_in_an_operation_and_a_map_in_components() {
    let text = doc(
        "\n  /a:\n    get:\n      parameters:\n      responses: {}\n",
        "components:\n  parameters:\n",
    );
    let notes = tolerated(&text);
    has(&notes, &["`/paths/~1a/get/parameters`", "empty"]);
    has(&notes, &["`/components/parameters`", "empty"]);
}

#[test]
fn a_response_without_description_is_read_as_empty() {
    let text = doc(
        "\n  /a:\n    get:\n      responses:\n        '200': {}\n",
        "",
    );
    has(
        &tolerated(&text),
        &["`/paths/~1a/get/responses/200`", "no `description`"],
    );
}

#[test]
fn integer_keys_are_read_as_text() {
    let extra = "components:\n  examples:\n    e:\n      value:\n        1: one\n  schemas:\n    S:\n      type: object\n      properties:\n        7:\n          type: string\n";
    let notes = tolerated(&doc(OP, extra));
    has(&notes, &["key `7`", "`/components/schemas/S/properties`"]);
    // Status codes are keys YAML reads as numbers: not worth a note.
    assert!(!notes.iter().any(|n| n.contains("`200`")), "{notes:?}");
}

#[test]
fn info_without_version_is_read_as_empty() {
    let text = format!("openapi: 3.0.3\ninfo:\n  title: t\npaths:{OP}");
    has(&tolerated(&text), &["`/info`", "no `version`"]);
}

#[test]
fn an_oauth_flow_without_scopes_is_read_as_none() {
    let extra = "components:\n  securitySchemes:\n    OAuth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://example.org/token\n";
    has(
        &tolerated(&doc(OP, extra)),
        &[
            "`/components/securitySchemes/OAuth/flows/clientCredentials`",
            "no `scopes`",
        ],
    );
}

#[test]
fn a_link_naming_no_operation_is_left_out() {
    let extra = "components:\n  links:\n    b:\n      description: nothing to follow\n";
    has(
        &tolerated(&doc(OP, extra)),
        &["`/components/links/b`", "names no operation"],
    );
}

#[test]
fn a_3_0_type_list_with_null_is_read_as_nullable() {
    let extra = "components:\n  schemas:\n    S:\n      type: [string, 'null']\n";
    let text = doc(OP, extra);
    has(&tolerated(&text), &["`/components/schemas/S/type`"]);
    let read = diff::read(&text).unwrap();
    let schema = read.document.components.unwrap().schemas["S"].clone();
    assert!(schema.into_item().unwrap().schema_data.nullable);
}

#[test]
fn openapi_3_1_is_lowered_and_said_so() {
    let text = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\ncomponents:\n  schemas:\n    S:\n      const: fixed\n";
    has(
        &tolerated(text),
        &["`openapi: 3.1.0`", "read as OpenAPI 3.0"],
    );
    let read = diff::read(text).unwrap();
    let schema = read.document.components.unwrap().schemas["S"].clone();
    let json = serde_json::to_value(schema).unwrap();
    assert_eq!(json["enum"], serde_json::json!(["fixed"]), "{json}");
}

#[test]
fn a_parameter_without_a_type_is_refused_naming_it_and_where() {
    let paths = "\n  /a/{id}:\n    parameters:\n    - name: id\n      in: path\n      required: true\n    get:\n      responses: {}\n";
    let message = refused(&doc(paths, ""));
    for part in [
        "`id`",
        "`/paths/~1a~1{id}/parameters/0`",
        "neither `schema`",
    ] {
        assert!(message.contains(part), "{part} not in {message}");
    }
    let extra = "components:\n  parameters:\n    P:\n      name: p\n      in: query\n";
    let message = refused(&doc(OP, extra));
    assert!(message.contains("`/components/parameters/P`"), "{message}");
}

#[test]
fn a_3_1_keyword_without_a_3_0_form_is_refused_naming_it_and_where() {
    let text = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\ncomponents:\n  schemas:\n    S:\n      type: array\n      prefixItems:\n      - type: string\n";
    let message = refused(text);
    assert!(
        message.contains("`prefixItems` at `/components/schemas/S/prefixItems`"),
        "{message}"
    );
}

#[test]
fn a_type_list_of_several_types_is_refused_naming_where() {
    let extra = "components:\n  schemas:\n    S:\n      type: [string, integer]\n";
    let message = refused(&doc(OP, extra));
    assert!(
        message.contains("`type` at `/components/schemas/S/type`"),
        "{message}"
    );
}

#[test]
fn another_version_is_refused_as_such() {
    let text = "openapi: 2.0.0\ninfo:\n  title: t\n  version: '1'\npaths: {}\n";
    assert!(matches!(diff::read(text), Err(ParseError::Version(_))));
}

#[test]
fn data_is_left_as_written() {
    // `example: null` is a value, and `content` inside an example is data.
    let extra = "components:\n  schemas:\n    S:\n      type: object\n      nullable: true\n      example:\n        content:\n";
    assert!(tolerated(&doc(OP, extra)).is_empty());
}
