//! Applying the actions in order: each selected node updated (the spec's deep merge) or
//! removed, the result validated, and, when it is not valid, the first action after which it
//! turned invalid found by bisection.

use serde_json::Value;
use serde_json_path::JsonPath;

use super::model::{Action, ActionOutcome, ActionRef, Overlay, OverlayError, OverlayReport};
use super::target::{locate, pointer, Step};

impl Overlay {
    /// Applies the actions in order to `doc`.
    pub fn apply(&self, doc: &mut Value) -> Result<OverlayReport, OverlayError> {
        self.apply_first(self.actions.len(), doc)
    }

    /// `result`, what the actions made of `original`, as typed OpenAPI; when it is not valid,
    /// an error naming an action after which the document is invalid while it was valid before.
    /// That action is found by bisection over prefixes of the actions (each prefix re-applied
    /// to a copy of `original`), so the cost is a few applications, not one check per action.
    pub(super) fn check_result(
        &self,
        original: &Value,
        result: &Value,
    ) -> Result<openapiv3::OpenAPI, OverlayError> {
        let problem = match crate::validate::validate(result) {
            Ok(spec) => return Ok(spec),
            Err(problem) => problem,
        };
        if let Err(before) = crate::validate::validate(original) {
            return Err(OverlayError::NotOpenApi(format!(
                "{before} (already before the overlay)"
            )));
        }
        // Invariant: the first `valid` actions leave a valid document, the first `invalid`
        // do not, and `problem` is what is wrong after the first `invalid`.
        let (mut valid, mut invalid, mut problem) = (0, self.actions.len(), problem);
        while invalid - valid > 1 {
            let middle = valid + (invalid - valid) / 2;
            let mut doc = original.clone();
            self.apply_first(middle, &mut doc)?;
            match crate::validate::validate(&doc) {
                Ok(_) => valid = middle,
                Err(found) => (invalid, problem) = (middle, found),
            }
        }
        let action = &self.actions[invalid - 1];
        Err(OverlayError::Breaks {
            action: ActionRef {
                index: invalid - 1,
                description: action.description.clone(),
                target: action.target.clone(),
            },
            problem,
        })
    }

    /// Applies the first `count` actions in order to `doc`.
    fn apply_first(&self, count: usize, doc: &mut Value) -> Result<OverlayReport, OverlayError> {
        let mut outcomes = Vec::with_capacity(count);
        for (index, action) in self.actions.iter().take(count).enumerate() {
            let action_ref = ActionRef {
                index,
                description: action.description.clone(),
                target: action.target.clone(),
            };
            let matched = apply_action(doc, action, &action_ref)?;
            outcomes.push(ActionOutcome {
                action: action_ref,
                matched,
            });
        }
        Ok(OverlayReport { actions: outcomes })
    }
}

fn apply_action(doc: &mut Value, action: &Action, id: &ActionRef) -> Result<usize, OverlayError> {
    let path = JsonPath::parse(&action.target).map_err(|err| OverlayError::InvalidTarget {
        action: id.clone(),
        message: err.to_string(),
    })?;
    if !action.remove && action.update.is_none() {
        return Err(OverlayError::NoEffect { action: id.clone() });
    }
    let locations =
        locate(&path, &action.target, doc).map_err(|message| OverlayError::TooCostly {
            action: id.clone(),
            message,
        })?;
    if locations.is_empty() {
        return Err(OverlayError::NoMatch { action: id.clone() });
    }

    if action.remove {
        // Deepest and highest-index locations first: removing an array element shifts the
        // indices after it, and removing a node before its descendants would orphan them.
        for location in locations.iter().rev() {
            let Some((last, parent)) = location.split_last() else {
                return Err(OverlayError::RemoveRoot { action: id.clone() });
            };
            // A location can vanish when an ancestor selected by the same query went first.
            match (node_mut(doc, parent), last) {
                (Some(Value::Object(map)), Step::Key(key)) => {
                    // `retain` keeps the order of the other keys whether or not serde_json's
                    // `preserve_order` is on (`remove` would swap the last key into place).
                    map.retain(|k, _| k != key);
                }
                (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                    items.remove(*index);
                }
                _ => {}
            }
        }
    } else if let Some(update) = &action.update {
        // Merging never removes keys nor shifts array elements, so every location found above
        // stays valid while the others are updated.
        for location in &locations {
            if let Some(node) = node_mut(doc, location) {
                merge(node, update, &mut pointer(location)).map_err(
                    |(pointer, node, update)| OverlayError::Incompatible {
                        action: id.clone(),
                        pointer,
                        node,
                        update,
                    },
                )?;
            }
        }
    }
    Ok(locations.len())
}

fn node_mut<'a>(doc: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    location
        .iter()
        .try_fold(doc, |node, step| match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key),
            (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
            _ => None,
        })
}

/// Merges `update` into `node` following the Overlay rules; on a mismatch returns the JSON
/// Pointer of the node and the two kinds. `at` is the pointer of `node`, extended while
/// recursing.
pub(super) fn merge(
    node: &mut Value,
    update: &Value,
    at: &mut String,
) -> Result<(), (String, &'static str, &'static str)> {
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => {
            for (key, value) in update {
                match node.get_mut(key) {
                    Some(existing) => {
                        let len = at.len();
                        crate::openapi_util::push_pointer_segment(at, key);
                        merge(existing, value, at)?;
                        at.truncate(len);
                    }
                    None => {
                        node.insert(key.clone(), value.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Array(node), Value::Array(update)) => {
            node.extend(update.iter().cloned());
            Ok(())
        }
        (Value::Array(node), update) => {
            node.push(update.clone());
            Ok(())
        }
        (node, update) if is_primitive(node) && is_primitive(update) => {
            *node = update.clone();
            Ok(())
        }
        (node, update) => Err((at.clone(), kind(node), kind(update))),
    }
}

fn is_primitive(value: &Value) -> bool {
    !matches!(value, Value::Object(_) | Value::Array(_))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_follows_the_overlay_rules() {
        let mut node = json!({"a": {"b": 1, "c": [1]}, "d": "x"});
        let update = json!({"a": {"b": 2, "c": [2, 3], "e": true}, "d": "y", "f": null});
        merge(&mut node, &update, &mut String::new()).unwrap();
        assert_eq!(
            node,
            json!({"a": {"b": 2, "c": [1, 2, 3], "e": true}, "d": "y", "f": null})
        );
    }

    #[test]
    fn merge_refuses_an_object_onto_a_string_and_says_where() {
        let mut node = json!({"a": {"b": "x"}});
        let err = merge(
            &mut node,
            &json!({"a": {"b": {"c": 1}}}),
            &mut String::new(),
        );
        assert_eq!(err, Err(("/a/b".to_owned(), "a string", "an object")));
    }
}
