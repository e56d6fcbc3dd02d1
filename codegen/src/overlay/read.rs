//! Reading an overlay: unknown fields refused (a typo such as `udpate`), the version checked,
//! and every action required to `update` or `remove`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{Overlay, OverlayError};

impl Overlay {
    /// Parses and validates an overlay document (YAML or JSON).
    pub fn parse(yaml: &str) -> Result<Self, OverlayError> {
        let overlay: Overlay = crate::from_yaml(yaml).map_err(|err| OverlayError::Yaml {
            message: err.message,
            line: err.line,
            column: err.column,
        })?;
        overlay.validate()?;
        Ok(overlay)
    }

    fn validate(&self) -> Result<(), OverlayError> {
        let version_ok = self
            .overlay
            .strip_prefix("1.0.")
            .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()));
        if !version_ok {
            return Err(OverlayError::Invalid(format!(
                "`overlay: {}` is not a supported version (expected 1.0.x)",
                self.overlay
            )));
        }
        if self.actions.is_empty() {
            return Err(OverlayError::Invalid(
                "`actions` must contain at least one action".into(),
            ));
        }
        unknown_fields("the overlay object", &self.extensions)?;
        unknown_fields("`info`", &self.info.extensions)?;
        for (index, action) in self.actions.iter().enumerate() {
            unknown_fields(&format!("actions[{index}]"), &action.extensions)?;
        }
        Ok(())
    }
}

/// Fields of an overlay object that are neither defined by the spec nor `x-` extensions are
/// most likely typos, which would otherwise make an action silently do less than intended.
fn unknown_fields(what: &str, extensions: &BTreeMap<String, Value>) -> Result<(), OverlayError> {
    match extensions.keys().find(|key| !key.starts_with("x-")) {
        Some(key) => Err(OverlayError::Invalid(format!(
            "{what} has an unknown field `{key}` (extensions must start with `x-`)"
        ))),
        None => Ok(()),
    }
}
