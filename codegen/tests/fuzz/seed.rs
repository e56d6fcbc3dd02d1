//! The third generator: a small valid v2.1 collection with random subtrees replaced or
//! deleted.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

use super::generators::json_value;

/// A small, valid v2.1 collection touching most features: folders, inherited and own auth,
/// collection variables, path variables, query, headers, every body mode, saved responses.
pub(super) fn seed_collection() -> Value {
    json!({
        "info": {
            "name": "Seed API",
            "description": "For mutation.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
        "variable": [{"key": "baseUrl", "value": "https://api.example.com/v1"}],
        "item": [
            users_folder(),
            login_request(),
            upload_request(),
            search_request(),
        ]
    })
}

/// A folder with its own auth: a GET with a path variable, query, headers and saved
/// responses, and a PATCH without auth and with a JSON body.
fn users_folder() -> Value {
    json!({
        "name": "Users",
        "auth": {"type": "apikey", "apikey": [
            {"key": "key", "value": "X-Key"}, {"key": "in", "value": "header"}
        ]},
        "item": [
            {
                "name": "Get user",
                "request": {
                    "method": "GET",
                    "header": [{"key": "Accept", "value": "application/json"},
                               {"key": "X-Trace", "value": "<uuid>"}],
                    "url": {
                        "raw": "{{baseUrl}}/users/:id?expand=true",
                        "host": ["{{baseUrl}}"],
                        "path": ["users", ":id"],
                        "query": [{"key": "expand", "value": "true"},
                                  {"key": "page", "value": "<integer>", "disabled": true}],
                        "variable": [{"key": "id", "value": "<uuid>",
                                      "description": "The user."}]
                    }
                },
                "response": [
                    {
                        "name": "OK",
                        "code": 200,
                        "status": "OK",
                        "_postman_previewlanguage": "json",
                        "header": [{"key": "Content-Type", "value": "application/json"}],
                        "body": "{\"id\": \"b1\", \"name\": \"Ann\", \"age\": 31, \"tags\": [\"a\"], \"created\": \"2021-01-31T10:00:00Z\"}"
                    },
                    {
                        "name": "Not found",
                        "code": 404,
                        "_postman_previewlanguage": "json",
                        "body": "{\"detail\": \"not found\", \"code\": \"not_found\"}"
                    }
                ]
            },
            {
                "name": "Update user",
                "request": {
                    "method": "PATCH",
                    "auth": {"type": "noauth"},
                    "url": "{{baseUrl}}/users/{{userId}}",
                    "body": {"mode": "raw", "raw": "{\"name\": \"<string>\", \"age\": 1}",
                             "options": {"raw": {"language": "json"}}}
                },
                "response": [
                    {"name": "Updated", "code": 204, "body": ""}
                ]
            }
        ]
    })
}

/// A urlencoded form body without saved responses.
fn login_request() -> Value {
    json!({
        "name": "Login",
        "request": {
            "method": "POST",
            "url": "{{baseUrl}}/login",
            "body": {"mode": "urlencoded", "urlencoded": [
                {"key": "user", "value": "ann"}, {"key": "password", "value": "<string>"}
            ]}
        }
    })
}

/// A multipart body with a file and a non-ASCII text field, two path variables, a
/// top-level array response.
fn upload_request() -> Value {
    json!({
        "name": "Upload",
        "request": {
            "method": "POST",
            "url": "{{baseUrl}}/files/:fileId/parts/:part",
            "body": {"mode": "formdata", "formdata": [
                {"key": "file", "type": "file", "src": "a.png"},
                {"key": "note", "value": "é 🦀", "type": "text"}
            ]}
        },
        "response": [{"name": "Created", "code": 201,
                      "body": "[{\"id\": 1}, {\"id\": 2, \"extra\": null}]"}]
    })
}

/// A GraphQL body.
fn search_request() -> Value {
    json!({
        "name": "Search",
        "request": {
            "method": "POST",
            "url": "{{baseUrl}}/graphql",
            "body": {"mode": "graphql",
                     "graphql": {"query": "{ users { id } }", "variables": "{}"}}
        }
    })
}

/// JSON pointers of every node of `value`, the root (`""`) included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let escaped = k.replace('~', "~0").replace('/', "~1");
                pointers(v, format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Replaces (`Some`) or deletes (`None`) the node at `pointer`; deleting the root empties it.
fn mutate(doc: &mut Value, pointer: &str, replacement: Option<Value>) {
    let Some(replacement) = replacement else {
        let Some((parent, last)) = pointer.rsplit_once('/') else {
            *doc = Value::Null;
            return;
        };
        let last = last.replace("~1", "/").replace("~0", "~");
        match doc.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&last);
            }
            Some(Value::Array(list)) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < list.len() {
                        list.remove(i);
                    }
                }
            }
            _ => {}
        }
        return;
    };
    if let Some(node) = doc.pointer_mut(pointer) {
        *node = replacement;
    }
}

/// An object with `info` and `item` holding arbitrary JSON, so that arbitrary values get past
/// the collection check and reach the item walker.
pub(super) fn rooted_json() -> BoxedStrategy<Value> {
    (
        prop_oneof![
            Just(json!({"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"})),
            json_value(),
        ],
        prop::collection::vec(json_value(), 0..5),
    )
        .prop_map(|(info, item)| json!({"info": info, "item": item}))
        .boxed()
}

/// The seed collection with one to four subtrees replaced by arbitrary JSON or deleted.
pub(super) fn mutated_seed() -> BoxedStrategy<Value> {
    prop::collection::vec(
        (any::<Index>(), prop::option::weighted(0.7, json_value())),
        1..5,
    )
    .prop_map(|edits| {
        let mut doc = seed_collection();
        for (index, replacement) in edits {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            let pointer = index.get(&all).clone();
            mutate(&mut doc, &pointer, replacement);
        }
        doc
    })
    .boxed()
}
