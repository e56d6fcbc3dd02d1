//! Component schemas defined in terms of themselves, which typify cannot emit.
//!
//! A schema that *is* another one (a `$ref`, an `allOf` part, a `oneOf`/`anyOf` alternative) is
//! merged or aliased by typify without indirection. When such links lead back to where they
//! started (`A: {$ref: A}`, `A: {allOf: [{$ref: B}, …]}` with `B: {allOf: [{$ref: A}]}`),
//! typify either emits `struct A(Box<A>)` with a `From` impl that conflicts with std's (E0119)
//! or recurses until the stack overflows, which aborts the process. A reference through a
//! property, array items or map values is fine: typify boxes it.
//!
//! [`break_alias_cycles`] cuts each such cycle at the link that closes it, with a warning: a
//! `$ref` standing for the whole schema becomes `{}` (any JSON), an `allOf`/`oneOf`/`anyOf`
//! entry is removed. For `allOf` this changes nothing a value can be (a schema that must also
//! match itself adds no constraint); a `oneOf` alternative that is the schema itself adds no
//! value either.

use indexmap::IndexMap;
use serde_json::Value;

use crate::openapi_util::component_name;
use crate::warning::{Code, Location, Warning};

/// A step from a schema to a sub-schema it stands for: an index into `allOf`/`oneOf`/`anyOf`.
type Step = (&'static str, usize);

/// Cuts every cycle of `$ref`/`allOf`/`oneOf`/`anyOf` links among `schemas` (see the module
/// documentation); returns one warning per link cut.
pub(crate) fn break_alias_cycles(schemas: &mut IndexMap<String, Value>) -> Vec<Warning> {
    let mut notes = Vec::new();
    // Each pass cuts the first cycle found; a spec without cycles takes one pass.
    while let Some((from, steps, to)) = first_back_link(schemas) {
        let Some(schema) = schemas.get_mut(&from) else {
            break;
        };
        cut(schema, &steps);
        let message = if from == to {
            "refers to itself without a property between; that reference was removed".to_owned()
        } else {
            format!(
                "refers back to itself through `{to}` without a property between; its \
                 reference to `{to}` was removed"
            )
        };
        notes.push(Warning::new(
            Code::AliasCycleBroken,
            Location::Component(from),
            message,
        ));
    }
    notes
}

/// The links of `schema`: where a `$ref` stands for it, and the component it names.
fn links(schema: &Value, steps: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, String)>) {
    let Some(obj) = schema.as_object() else {
        return;
    };
    if let Some(name) = obj
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| component_name(r, "schemas"))
    {
        out.push((steps.clone(), name.into_owned()));
        return;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = obj.get(key).and_then(Value::as_array) {
            for (i, part) in parts.iter().enumerate() {
                steps.push((key, i));
                links(part, steps, out);
                steps.pop();
            }
        }
    }
}

/// The first link, in document order, that closes a cycle: `(schema, where in it, target)`.
fn first_back_link(schemas: &IndexMap<String, Value>) -> Option<(String, Vec<Step>, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; schemas.len()];
    let out_links = |i: usize| {
        let mut out = Vec::new();
        links(&schemas[i], &mut Vec::new(), &mut out);
        out
    };
    for root in 0..schemas.len() {
        if state[root] != State::New {
            continue;
        }
        // Iterative depth-first search: (schema, its links, next link to follow).
        let mut stack = vec![(root, out_links(root), 0)];
        state[root] = State::OnPath;
        while let Some(top) = stack.last_mut() {
            let node = top.0;
            let link = top.1.get(top.2).cloned();
            top.2 += 1;
            let Some((steps, target)) = link else {
                state[node] = State::Done;
                stack.pop();
                continue;
            };
            let Some(t) = schemas.get_index_of(&target) else {
                continue;
            };
            match state[t] {
                State::OnPath => {
                    let from = schemas.get_index(node).map(|(k, _)| k.clone())?;
                    return Some((from, steps, target));
                }
                State::New => {
                    state[t] = State::OnPath;
                    let next_links = out_links(t);
                    stack.push((t, next_links, 0));
                }
                State::Done => {}
            }
        }
    }
    None
}

/// Removes the link at `steps` in `schema`.
fn cut(schema: &mut Value, steps: &[Step]) {
    let Some(((key, index), parents)) = steps.split_last() else {
        // The schema itself is the `$ref`: it stands for nothing else, so any JSON.
        let description = schema.get("description").cloned();
        *schema = serde_json::json!({});
        if let Some(d) = description {
            schema["description"] = d;
        }
        return;
    };
    let mut parent = schema;
    for (k, i) in parents {
        parent = &mut parent[*k][*i];
    }
    if let Some(obj) = parent.as_object_mut() {
        if let Some(Value::Array(parts)) = obj.get_mut(*key) {
            if *index < parts.len() {
                parts.remove(*index);
            }
            if parts.is_empty() {
                obj.remove(*key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas(list: &[(&str, Value)]) -> IndexMap<String, Value> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    fn r(name: &str) -> Value {
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    #[test]
    fn self_and_mutual_aliases_are_cut() {
        let mut s = schemas(&[
            ("A", r("A")),
            ("B", json!({"allOf": [r("C"), {"type": "object"}]})),
            ("C", json!({"allOf": [{"allOf": [r("B")]}]})),
            ("D", json!({"oneOf": [r("D"), {"type": "string"}]})),
        ]);
        let notes = break_alias_cycles(&mut s);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert_eq!(s["A"], json!({}));
        assert_eq!(s["B"], json!({"allOf": [r("C"), {"type": "object"}]}));
        assert_eq!(s["C"], json!({"allOf": [{}]}));
        assert_eq!(s["D"], json!({"oneOf": [{"type": "string"}]}));
        assert!(first_back_link(&s).is_none());
    }

    #[test]
    fn references_through_properties_and_items_stay() {
        let original = schemas(&[
            ("A", json!({"properties": {"next": r("A")}})),
            ("B", json!({"type": "array", "items": r("B")})),
            ("C", json!({"allOf": [r("A")]})),
        ]);
        let mut s = original.clone();
        assert!(break_alias_cycles(&mut s).is_empty());
        assert_eq!(s, original);
    }
}
