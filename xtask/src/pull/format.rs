//! A fetched body made into the committed collection file: read as JSON, checked to be a
//! Postman collection (Postman's API wraps it in `{"collection": …}`), and written with the
//! committed file's key order and indentation, so an API that did not change gives the same
//! bytes and one that did changes only its own lines.

use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

/// The collection in `text` (`what` names where it came from): JSON whose top level, or whose
/// `collection` member, has Postman's `info.schema` and an `item` list.
pub fn collection(text: &str, what: &str) -> Result<Value> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let at = format!("line {}, column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Eof => anyhow!(
                "{what} ends before its JSON does ({at}): the body was cut short (a truncated \
                 download or file?)"
            ),
            _ => anyhow!("{what} is not JSON ({at}): {e}"),
        }
    })?;
    let value = match value {
        Value::Object(mut map) if !map.contains_key("item") && map.contains_key("collection") => {
            map.shift_remove("collection").unwrap_or(Value::Null)
        }
        other => other,
    };
    let schema = value["info"]["schema"].as_str().unwrap_or_default();
    if !value.is_object() || !schema.contains("collection") {
        bail!(
            "{what} is not a Postman collection: it has no `info.schema` naming Postman's \
             collection format (nor a `collection` holding one)"
        );
    }
    if !value["item"].is_array() {
        bail!("{what} is not a Postman collection: it has no `item` list");
    }
    Ok(value)
}

/// `collection` as text in the committed file's form: objects' keys in the order the
/// committed file has them (new keys after, in the fetched order; a new list element takes
/// the order of the element at its position), its indentation, and its final newline. Without a committed file: two spaces and a final newline.
pub fn render(mut collection: Value, committed: Option<&str>) -> String {
    let old = committed.and_then(|text| serde_json::from_str::<Value>(text).ok());
    if let Some(old) = &old {
        align(&mut collection, old);
    }
    let indent = committed.map_or_else(|| "  ".to_owned(), indentation);
    // A `Value` always serialises. Pretty JSON escapes newlines inside strings, so the
    // leading spaces of each line are indentation only, two per level.
    let pretty = serde_json::to_string_pretty(&collection).unwrap_or_default();
    let mut text = String::with_capacity(pretty.len());
    for line in pretty.lines() {
        let body = line.trim_start_matches(' ');
        let depth = (line.len() - body.len()) / 2;
        text.push_str(&indent.repeat(depth));
        text.push_str(body);
        text.push('\n');
    }
    text.pop();
    if committed.is_none_or(|c| c.ends_with('\n')) {
        text.push('\n');
    }
    text
}

/// The unit of indentation of a pretty-printed JSON text: the leading blanks of its first
/// indented line (two spaces when none is).
fn indentation(text: &str) -> String {
    text.lines()
        .map(|line| {
            let rest = line.trim_start_matches([' ', '\t']);
            &line[..line.len() - rest.len()]
        })
        .find(|blanks| !blanks.is_empty())
        .unwrap_or("  ")
        .to_owned()
}

/// Puts `new`'s keys in `old`'s order, at every depth. List elements are paired by their
/// `name` (Postman's items, variables, headers, query parameters), or else by position, so
/// an item added or removed upstream does not move the keys of those after it.
fn align(new: &mut Value, old: &Value) {
    match (new, old) {
        (Value::Object(new), Value::Object(old)) => {
            let mut rest = std::mem::take(new);
            let mut ordered = Map::new();
            for (key, old_value) in old {
                if let Some((key, mut value)) = rest.shift_remove_entry(key) {
                    align(&mut value, old_value);
                    ordered.insert(key, value);
                }
            }
            ordered.extend(rest);
            *new = ordered;
        }
        (Value::Array(new), Value::Array(old)) => {
            let mut by_name: std::collections::HashMap<&str, Vec<&Value>> = Default::default();
            for element in old.iter().rev() {
                if let Some(name) = element["name"].as_str() {
                    by_name.entry(name).or_default().push(element);
                }
            }
            for (i, element) in new.iter_mut().enumerate() {
                let named = element["name"]
                    .as_str()
                    .and_then(|name| by_name.get_mut(name))
                    .and_then(Vec::pop);
                if let Some(counterpart) = named.or_else(|| old.get(i)) {
                    align(element, counterpart);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_committed_order_and_indentation() {
        let committed = "{\n    \"info\": {\n        \"schema\": \"collection/v2.1\",\n        \
                         \"name\": \"A\"\n    },\n    \"item\": [\n        {\n            \
                         \"name\": \"b\",\n            \"request\": \"GET /b\"\n        }\n    \
                         ]\n}\n";
        let fetched = r#"{"collection": {"item": [{"request": "GET /a", "name": "a"},
            {"request": "GET /b", "name": "b"}], "info": {"name": "A", "schema":
            "collection/v2.1"}}}"#;
        let value = collection(fetched, "the answer").unwrap();
        let text = render(value, Some(committed));
        let expected = "{\n    \"info\": {\n        \"schema\": \"collection/v2.1\",\n        \
                        \"name\": \"A\"\n    },\n    \"item\": [\n        {\n            \
                        \"name\": \"a\",\n            \"request\": \"GET /a\"\n        },\n        \
                        {\n            \"name\": \"b\",\n            \"request\": \"GET /b\"\n        \
                        }\n    ]\n}\n";
        assert_eq!(text, expected);
        // The committed text itself comes back byte for byte.
        let same = collection(committed, "the file").unwrap();
        assert_eq!(render(same, Some(committed)), committed);
    }

    #[test]
    fn what_is_not_a_collection_is_refused_with_why() {
        let err = |text: &str| collection(text, "the answer").unwrap_err().to_string();
        assert!(err(r#"{"info": {"schema": "collection"}, "item": ["#).contains("cut short"));
        assert!(err("<html>busy</html>").contains("is not JSON (line 1, column 1)"));
        assert!(err(r#"{"error": {"name": "x"}}"#).contains("not a Postman collection"));
        assert!(err(r#"{"info": {"schema": "collection"}}"#).contains("no `item` list"));
        assert!(err("[1, 2]").contains("not a Postman collection"));
    }
}
