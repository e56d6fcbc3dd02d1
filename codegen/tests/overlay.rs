//! Behaviour of `codegen::overlay` on small documents and on a Belvo-shaped fixture.

mod support;

use codegen::overlay::{self, Overlay, OverlayError};
use serde_json::{json, Value};

/// An overlay document with the given `actions:` list (YAML, indented by two spaces).
fn overlay_with(actions: &str) -> String {
    format!("overlay: 1.0.0\ninfo:\n  title: test\n  version: 1.0.0\nactions:\n{actions}")
}

fn applied(mut doc: Value, actions: &str) -> Value {
    overlay::apply(&mut doc, &overlay_with(actions)).expect("overlay applies");
    doc
}

fn error(mut doc: Value, actions: &str) -> OverlayError {
    overlay::apply(&mut doc, &overlay_with(actions)).expect_err("overlay fails")
}

#[test]
fn belvo_fixture_applies_as_expected() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/overlay");
    let read = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
    let mut doc: Value = serde_json::from_str(&read("spec.json")).unwrap();
    let report = overlay::apply(&mut doc, &read("belvo.overlay.yaml")).unwrap();

    let expected = std::path::Path::new(dir).join("belvo.expected.json");
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    support::snapshot::assert_snapshot(&expected, &text);
    let matched: Vec<usize> = report.actions.iter().map(|a| a.matched).collect();
    assert_eq!(matched, [1, 1, 2, 1]);
}

#[test]
fn update_merges_into_an_object_recursively() {
    let doc = json!({"info": {"title": "A", "contact": {"name": "x"}}});
    let doc = applied(
        doc,
        "  - target: $.info\n    update:\n      contact: {email: a@b.c}\n      x-extra: 1\n",
    );
    assert_eq!(
        doc,
        json!({"info": {"title": "A", "contact": {"name": "x", "email": "a@b.c"}, "x-extra": 1}})
    );
}

#[test]
fn update_appends_a_value_to_a_selected_array() {
    let doc = json!({"tags": [{"name": "a"}]});
    let doc = applied(doc, "  - target: $.tags\n    update: {name: b}\n");
    assert_eq!(doc, json!({"tags": [{"name": "a"}, {"name": "b"}]}));
}

#[test]
fn update_concatenates_arrays_inside_a_merge() {
    let doc = json!({"s": {"required": ["a"]}});
    let doc = applied(doc, "  - target: $.s\n    update: {required: [b, c]}\n");
    assert_eq!(doc, json!({"s": {"required": ["a", "b", "c"]}}));
}

#[test]
fn update_replaces_primitive_values() {
    let doc = json!({"info": {"title": "old", "version": "1"}});
    let doc = applied(
        doc,
        "  - target: $.info\n    update: {title: new}\n  - target: $.info.version\n    update: '2'\n",
    );
    assert_eq!(doc, json!({"info": {"title": "new", "version": "2"}}));
}

#[test]
fn update_applies_to_every_match() {
    let doc = json!({"paths": {"/a": {"get": {}}, "/b": {"get": {}, "post": {}}}});
    let mut doc2 = doc.clone();
    let report = overlay::apply(
        &mut doc2,
        &overlay_with("  - target: $.paths.*.get\n    update: {x-safe: true}\n"),
    )
    .unwrap();
    assert_eq!(
        doc2,
        json!({"paths": {"/a": {"get": {"x-safe": true}}, "/b": {"get": {"x-safe": true}, "post": {}}}})
    );
    assert_eq!(report.actions[0].matched, 2);
}

#[test]
fn a_node_named_twice_is_updated_once() {
    let doc = json!({"list": [1]});
    let doc = applied(doc, "  - target: $['list', 'list']\n    update: 2\n");
    assert_eq!(doc, json!({"list": [1, 2]}));
}

#[test]
fn yaml_integer_keys_become_strings() {
    let doc = json!({"responses": {"200": {"description": "OK"}}});
    let doc = applied(
        doc,
        "  - target: $.responses\n    update:\n      200: {x-ok: true}\n      404: {description: Not found}\n",
    );
    assert_eq!(
        doc,
        json!({"responses": {"200": {"description": "OK", "x-ok": true}, "404": {"description": "Not found"}}})
    );
}

#[test]
fn remove_deletes_an_object_member() {
    let doc = json!({"paths": {"/a": {}, "/b": {}}});
    let doc = applied(doc, "  - target: $.paths['/a']\n    remove: true\n");
    assert_eq!(doc, json!({"paths": {"/b": {}}}));
}

#[test]
fn remove_deletes_several_array_elements_without_index_drift() {
    let doc = json!({"p": [{"n": "a"}, {"n": "x"}, {"n": "b"}, {"n": "x"}, {"n": "c"}]});
    let doc = applied(doc, "  - target: $.p[?@.n == 'x']\n    remove: true\n");
    assert_eq!(doc, json!({"p": [{"n": "a"}, {"n": "b"}, {"n": "c"}]}));
}

#[test]
fn remove_handles_a_node_and_its_descendant_selected_together() {
    let doc = json!({"a": {"b": {"c": 1}}, "d": 2});
    let doc = applied(doc, "  - target: $..['b', 'c']\n    remove: true\n");
    assert_eq!(doc, json!({"a": {}, "d": 2}));
}

#[test]
fn actions_run_in_order_on_the_previous_result() {
    let doc = json!({"a": {"old": true}});
    let doc = applied(
        doc,
        "  - target: $.a\n    remove: true\n  - target: $\n    update: {a: {new: true}}\n",
    );
    assert_eq!(doc, json!({"a": {"new": true}}));
}

#[test]
fn unmatched_target_is_an_error_naming_the_action() {
    let err = error(
        json!({"info": {}, "components": {"schemas": {}}}),
        "  - target: $.info\n    update: {x: 1}\n  - target: $.components.schemas.Gone\n    description: gone is required\n    update: {required: [id]}\n",
    );
    assert!(matches!(&err, OverlayError::NoMatch { action } if action.index == 1));
    let message = err.to_string();
    assert!(message.contains("actions[1]"), "{message}");
    assert!(message.contains("gone is required"), "{message}");
    assert!(message.contains("$.components.schemas.Gone"), "{message}");
}

#[test]
fn invalid_jsonpath_is_an_error_naming_the_action() {
    let err = error(json!({}), "  - target: $.paths[\n    remove: true\n");
    let OverlayError::InvalidTarget { action, message } = &err else {
        panic!("unexpected error {err:?}");
    };
    assert_eq!(action.index, 0);
    assert_eq!(action.target, "$.paths[");
    assert!(message.contains("position"), "{message}");
}

#[test]
fn bad_yaml_reports_line_and_column() {
    let text = "overlay: 1.0.0\ninfo:\n  title: t\n  version: '1'\nactions:\n  - target: $.a\n   update: [\n";
    let err = Overlay::parse(text).expect_err("bad YAML");
    let OverlayError::Yaml { line, column, .. } = &err else {
        panic!("unexpected error {err:?}");
    };
    assert_eq!(*line, Some(7), "{err}");
    assert!(column.is_some(), "{err}");
    assert!(err.to_string().contains("line 7"), "{err}");
}

#[test]
fn missing_target_is_a_yaml_error() {
    let err = Overlay::parse(&overlay_with("  - update: {a: 1}\n")).expect_err("no target");
    assert!(matches!(&err, OverlayError::Yaml { .. }), "{err:?}");
    assert!(err.to_string().contains("target"), "{err}");
}

#[test]
fn misspelt_field_is_rejected() {
    let err = Overlay::parse(&overlay_with("  - target: $\n    udpate: {a: 1}\n")).unwrap_err();
    assert!(err.to_string().contains("`udpate`"), "{err}");
}

#[test]
fn extensions_are_accepted() {
    let text = overlay_with("  - target: $\n    update: {a: 1}\n    x-note: fine\n");
    assert!(Overlay::parse(&format!("x-owner: me\n{text}")).is_ok());
}

#[test]
fn action_without_effect_is_rejected() {
    let err = error(
        json!({}),
        "  - target: $\n    description: forgot the update\n",
    );
    assert!(matches!(err, OverlayError::NoEffect { .. }), "{err:?}");
}

#[test]
fn empty_action_list_is_rejected() {
    let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n";
    assert!(matches!(
        Overlay::parse(text),
        Err(OverlayError::Invalid(_))
    ));
}

#[test]
fn incompatible_merge_names_the_pointer() {
    let err = error(
        json!({"info": {"title": "t"}}),
        "  - target: $.info\n    update: {title: {text: t}}\n",
    );
    let message = err.to_string();
    assert!(
        matches!(&err, OverlayError::Incompatible { pointer, .. } if pointer == "/info/title"),
        "{message}"
    );
    assert!(message.contains("an object into a string"), "{message}");
}

#[test]
fn key_order_is_kept() {
    let mut doc: Value =
        serde_json::from_str(r#"{"paths": {"/z": {}, "/a": {}, "/m": {}}, "info": {}}"#).unwrap();
    overlay::apply(
        &mut doc,
        &overlay_with("  - target: $.paths['/a']\n    remove: true\n"),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&doc).unwrap(),
        r#"{"paths":{"/z":{},"/m":{}},"info":{}}"#
    );
}

#[test]
fn typed_documents_round_trip_through_the_overlay() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/overlay");
    let read = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
    let spec: openapiv3::OpenAPI = serde_json::from_str(&read("spec.json")).unwrap();
    let expected: openapiv3::OpenAPI = serde_json::from_str(&read("belvo.expected.json")).unwrap();

    let (overlaid, report) = overlay::apply_to_openapi(&spec, &read("belvo.overlay.yaml")).unwrap();

    assert_eq!(overlaid, expected);
    assert_eq!(report.actions.len(), 4);
    let paths: Vec<&String> = overlaid.paths.paths.keys().collect();
    assert_eq!(paths, ["/api/balances/", "/api/accounts/"]);
}

#[test]
fn an_overlay_that_breaks_the_document_is_an_error() {
    let spec: openapiv3::OpenAPI = serde_json::from_value(json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"description": "OK"}}}}}
    }))
    .unwrap();
    let err = overlay::apply_to_openapi(
        &spec,
        &overlay_with("  - target: $.paths['/a'].get\n    update: {parameters: {name: x}}\n"),
    )
    .unwrap_err();
    assert!(
        matches!(&err, OverlayError::Breaks { action, .. } if action.index == 0),
        "{err:?}"
    );
    // openapiv3 flattens extensions into `paths`, so the location stops there.
    assert!(err.to_string().contains("at `paths`"), "{err}");
    assert!(err.to_string().contains("expected a sequence"), "{err}");
}

/// A valid document with a referenced schema, a path parameter and two operations.
fn sound_document() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/links/{id}": {"get": {
                "operationId": "get_link",
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "OK", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/Link"}}}}}}},
            "/links": {"get": {"operationId": "list_links",
                "responses": {"200": {"description": "OK"}}}}
        },
        "components": {"schemas": {"Link": {"type": "object",
            "properties": {"id": {"type": "string"}}}}}
    })
}

/// Each way an overlay can leave a document that reads as typed OpenAPI but is not valid
/// fails, naming the action (here the second of three; the others are harmless) and the place.
#[test]
fn an_overlay_leaving_an_invalid_document_names_the_action() {
    let harmless = "  - target: $.info\n    update: {description: first}\n";
    let also_harmless = "  - target: $.info\n    update: {x-note: last}\n";
    for (breaking, expected) in [
        (
            "  - target: $.components.schemas.Link\n    remove: true\n",
            "`$ref: #/components/schemas/Link` points to nothing",
        ),
        (
            "  - target: $.paths\n    update: {'/users/{user}': {get: {operationId: u, responses: {'200': {description: OK}}}}}\n",
            "GET /users/{user}: path parameter `user` is not declared",
        ),
        (
            "  - target: $\n    update: {openapi: 9.9.9}\n",
            "`openapi: 9.9.9` is not 3.0.x",
        ),
        (
            "  - target: $.components.schemas.Link.properties.id\n    update: {type: objekt}\n",
            "at `/components/schemas/Link/properties/id`: `type: \"objekt\"`",
        ),
        (
            "  - target: $.paths['/links/{id}'].get.parameters[0]\n    update: {required: false}\n",
            "GET /links/{id}: path parameter `id` must be `required: true`",
        ),
        (
            "  - target: $.paths['/links'].get\n    update: {operationId: get_link}\n",
            "operationId `get_link` is used by both",
        ),
        (
            "  - target: $.paths\n    update: {'users': {get: {operationId: u, responses: {'200': {description: OK}}}}}\n",
            "path `users` does not start with `/`",
        ),
        (
            "  - target: $.paths\n    update: {'/users': {get: {operationId: u, responses: {}}}}\n",
            "GET /users: `responses` lists no response",
        ),
    ] {
        let text = overlay_with(&format!("{harmless}{breaking}{also_harmless}"));
        let mut doc = sound_document();
        let err = overlay::apply_to_document(&mut doc, &text).unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(&err, OverlayError::Breaks { action, .. } if action.index == 1),
            "{message}"
        );
        assert!(message.starts_with("actions[1] with target"), "{message}");
        assert!(message.contains(expected), "{message}\nexpected: {expected}");
    }
}

/// The action named is one after which the document turns invalid, not merely the last: a
/// later harmless action does not take the blame, and an invalid state repaired later is no
/// error at all.
#[test]
fn the_breaking_action_is_found_among_many() {
    let mut actions: String = (0..40)
        .map(|i| format!("  - target: $.info\n    update: {{x-n{i}: {i}}}\n"))
        .collect();
    actions.insert_str(
        actions.match_indices("  - ").nth(17).unwrap().0,
        "  - target: $.components.schemas.Link\n    remove: true\n",
    );
    let mut doc = sound_document();
    let err = overlay::apply_to_document(&mut doc, &overlay_with(&actions)).unwrap_err();
    assert!(
        matches!(&err, OverlayError::Breaks { action, .. } if action.index == 17),
        "{err}"
    );

    let repaired = concat!(
        "  - target: $.components.schemas.Link\n    remove: true\n",
        "  - target: $.components.schemas\n    update: {Link: {type: object}}\n",
    );
    let mut doc = sound_document();
    overlay::apply_to_document(&mut doc, &overlay_with(repaired)).unwrap();
}
