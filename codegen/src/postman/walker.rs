//! The walker's state (the requests typed so far and the warnings) and the JSON field readers
//! the walk and the typing of items share.

use serde_json::Value;

use super::model::Request;
use crate::warning::{Code, Location, Warning};

pub(super) struct Walker {
    pub(super) warnings: Vec<Warning>,
    pub(super) requests: Vec<Request>,
}

impl Walker {
    pub(super) fn warn(&mut self, code: Code, at: Location, message: impl Into<String>) {
        self.warnings.push(Warning::new(code, at, message));
    }
}

pub(super) fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Strings as they are, numbers and booleans as their JSON text.
pub(super) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}
