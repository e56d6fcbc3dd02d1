//! The verdict on a schema change: which rule it falls under given the way its values travel
//! (a parameter, a request body, a response), and the one line of text that reports it.

use super::change::code;
use super::rules::{self as r, Rule};
use super::schema::{Difference, SchemaChange};
use crate::openapi_util::{is_json, mime};

/// How the generated client carries a body (the client stage's choice, `client::normalize`):
/// by its schema as JSON (any JSON media type, parameters ignored: `application/problem+json`
/// is `application/json` to it) or as a form; as bytes or text; or not at all (a request body
/// of another type is dropped). Two media types of one kind are the same to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClientMedia {
    Json,
    Form,
    Bytes,
    Text,
    Dropped,
}

impl ClientMedia {
    /// Whether the client encodes or decodes the body by its schema.
    pub(super) fn typed(self) -> bool {
        matches!(self, ClientMedia::Json | ClientMedia::Form)
    }
}

/// The kind of a body of `media` on `side`: responses other than JSON are read as bytes.
pub(super) fn client_media(media: &str, side: Side) -> ClientMedia {
    if is_json(media) {
        return ClientMedia::Json;
    }
    if side == Side::Response {
        return ClientMedia::Bytes;
    }
    match mime(media).as_str() {
        "application/x-www-form-urlencoded" => ClientMedia::Form,
        "application/octet-stream" => ClientMedia::Bytes,
        "text/plain" => ClientMedia::Text,
        _ => ClientMedia::Dropped,
    }
}

/// Which way a schema's values travel, which decides whether a change breaks the client.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Parameter,
    Request,
    Response,
}

/// The rule of a schema change seen from `side`.
pub(super) fn schema_rule(side: Side, change: &SchemaChange) -> Rule {
    use Difference::*;
    let (at_root, difference) = (change.path.is_empty(), &change.difference);
    // The server ignores a `readOnly` value in a request, so what it accepts there cannot
    // turn a request away; the Rust type still can, so type changes keep their rule.
    let server_check = matches!(
        difference,
        BoundTightened { .. } | PatternChanged { .. } | EnumValueRemoved(_)
    );
    if side == Side::Request && change.read_only && server_check {
        return r::REQUEST_PROPERTY_READ_ONLY_CONSTRAINT_CHANGED;
    }
    match (side, difference) {
        (Side::Parameter, TypeChanged { .. } | TypeRenamed { .. }) if at_root => {
            r::REQUEST_PARAMETER_TYPE_CHANGED
        }
        (Side::Parameter, FormatChanged { .. }) if at_root => r::REQUEST_PARAMETER_FORMAT_CHANGED,
        (Side::Parameter, EnumValueRemoved(_)) if at_root => {
            r::REQUEST_PARAMETER_ENUM_VALUE_REMOVED
        }
        (Side::Parameter, EnumValueAdded(_)) if at_root => r::REQUEST_PARAMETER_ENUM_VALUE_ADDED,
        (Side::Parameter | Side::Request, d) => match d {
            TypeChanged { .. } | TypeRenamed { .. } => r::REQUEST_PROPERTY_TYPE_CHANGED,
            FormatChanged { .. } => r::REQUEST_PROPERTY_FORMAT_CHANGED,
            BecameNullable => r::REQUEST_PROPERTY_BECAME_NULLABLE,
            BecameNotNullable => r::REQUEST_PROPERTY_BECAME_NOT_NULLABLE,
            EnumValueAdded(_) => r::REQUEST_PROPERTY_ENUM_VALUE_ADDED,
            EnumValueRemoved(_) => r::REQUEST_PROPERTY_ENUM_VALUE_REMOVED,
            PropertyAdded { required: true } => r::REQUEST_PROPERTY_ADDED_REQUIRED,
            PropertyAdded { required: false } => r::REQUEST_PROPERTY_ADDED,
            PropertyRemoved => r::REQUEST_PROPERTY_REMOVED,
            BecameRequired => r::REQUEST_PROPERTY_BECAME_REQUIRED,
            BecameOptional => r::REQUEST_PROPERTY_BECAME_OPTIONAL,
            VariantAdded { .. } => r::REQUEST_PROPERTY_VARIANT_ADDED,
            VariantRemoved { .. } => r::REQUEST_PROPERTY_VARIANT_REMOVED,
            EnumAdded => r::REQUEST_PROPERTY_ENUM_ADDED,
            EnumRemoved => r::REQUEST_PROPERTY_ENUM_REMOVED,
            BoundTightened { .. } => r::REQUEST_PROPERTY_BOUND_TIGHTENED,
            BoundRelaxed { .. } => r::REQUEST_PROPERTY_BOUND_RELAXED,
            PatternChanged { new: None, .. } => r::REQUEST_PROPERTY_PATTERN_REMOVED,
            PatternChanged {
                old,
                new: Some(new),
            } if relaxes(old.as_deref(), new) => r::REQUEST_PROPERTY_PATTERN_RELAXED,
            PatternChanged { .. } => r::REQUEST_PROPERTY_PATTERN_CHANGED,
            DiscriminatorChanged {
                old: Some(_),
                new: Some(_),
            } => r::REQUEST_PROPERTY_DISCRIMINATOR_CHANGED,
            DiscriminatorChanged { .. } => r::REQUEST_PROPERTY_DISCRIMINATOR_ADDED_OR_REMOVED,
            ItemsChanged { .. } => r::REQUEST_PROPERTY_TYPE_CHANGED,
        },
        (Side::Response, d) => match d {
            TypeChanged { .. } | TypeRenamed { .. } => r::RESPONSE_PROPERTY_TYPE_CHANGED,
            FormatChanged { .. } => r::RESPONSE_PROPERTY_FORMAT_CHANGED,
            BecameNullable => r::RESPONSE_PROPERTY_BECAME_NULLABLE,
            BecameNotNullable => r::RESPONSE_PROPERTY_BECAME_NOT_NULLABLE,
            EnumValueAdded(_) => r::RESPONSE_PROPERTY_ENUM_VALUE_ADDED,
            EnumValueRemoved(_) => r::RESPONSE_PROPERTY_ENUM_VALUE_REMOVED,
            PropertyAdded { .. } => r::RESPONSE_PROPERTY_ADDED,
            PropertyRemoved => r::RESPONSE_PROPERTY_REMOVED,
            BecameRequired => r::RESPONSE_PROPERTY_BECAME_REQUIRED,
            BecameOptional => r::RESPONSE_PROPERTY_BECAME_OPTIONAL,
            VariantAdded { .. } => r::RESPONSE_PROPERTY_VARIANT_ADDED,
            VariantRemoved { .. } => r::RESPONSE_PROPERTY_VARIANT_REMOVED,
            EnumAdded => r::RESPONSE_PROPERTY_ENUM_ADDED,
            EnumRemoved => r::RESPONSE_PROPERTY_ENUM_REMOVED,
            BoundTightened { .. } | BoundRelaxed { .. } => r::RESPONSE_PROPERTY_BOUND_CHANGED,
            PatternChanged { .. } => r::RESPONSE_PROPERTY_PATTERN_CHANGED,
            DiscriminatorChanged {
                old: Some(_),
                new: Some(_),
            } => r::RESPONSE_PROPERTY_DISCRIMINATOR_CHANGED,
            DiscriminatorChanged { .. } => r::RESPONSE_PROPERTY_DISCRIMINATOR_ADDED_OR_REMOVED,
            ItemsChanged { .. } => r::RESPONSE_PROPERTY_TYPE_CHANGED,
        },
    }
}

/// One line of text for a schema change, e.g. "`200` response property `results[].id` removed".
pub(super) fn describe(subject: &str, change: &SchemaChange) -> String {
    let what = if change.path.is_empty() {
        subject.to_owned()
    } else {
        format!("{subject} property {}", code(&change.path))
    };
    let none = |f: &Option<String>| match f.as_deref() {
        None => "(none)".to_owned(),
        Some("") => "(empty)".to_owned(),
        Some(text) => code(text),
    };
    match &change.difference {
        Difference::TypeChanged { old, new } => {
            format!("{what} type changed from {} to {}", rust(old), rust(new))
        }
        Difference::FormatChanged { old, new } => {
            format!("{what} format changed from {} to {}", none(old), none(new))
        }
        Difference::BecameNullable => format!("{what} became nullable"),
        Difference::BecameNotNullable => format!("{what} is no longer nullable"),
        Difference::EnumValueAdded(v) => format!("{what} gained enum value {}", code(v)),
        Difference::EnumValueRemoved(v) => format!("{what} lost enum value {}", code(v)),
        Difference::PropertyAdded { required: true } => format!("{what} added (required)"),
        Difference::PropertyAdded { required: false } => format!("{what} added"),
        Difference::PropertyRemoved => format!("{what} removed"),
        Difference::BecameRequired => format!("{what} became required"),
        Difference::BecameOptional => format!("{what} became optional"),
        Difference::VariantAdded { keyword, label } => {
            format!("{what} gained {keyword} variant {}", code(label))
        }
        Difference::VariantRemoved { keyword, label } => {
            format!("{what} lost {keyword} variant {}", code(label))
        }
        Difference::EnumAdded => format!("{what} became an enum"),
        Difference::EnumRemoved => format!("{what} is no longer an enum"),
        Difference::BoundTightened { keyword, old, new }
        | Difference::BoundRelaxed { keyword, old, new } => format!(
            "{what} {} changed from {} to {}",
            code(keyword),
            none(old),
            none(new)
        ),
        Difference::PatternChanged { old, new } => {
            format!("{what} pattern changed from {} to {}", none(old), none(new))
        }
        Difference::ItemsChanged { old, new } => {
            let element = |e: &Option<String>| {
                format!("Vec<{}>", e.as_deref().unwrap_or("serde_json::Value"))
            };
            let (old_items, new_items) = (element(old), element(new));
            let did = if new.is_none() { "lost" } else { "gained" };
            format!(
                "{what} {did} its `items` schema: the Rust element type changes from {} to {}",
                code(&old_items),
                code(&new_items)
            )
        }
        Difference::TypeRenamed { old, new } => {
            format!(
                "{what} moved into, out of or between `components`: the Rust type changes \
                 from {} to {}",
                rust(old),
                rust(new)
            )
        }
        Difference::DiscriminatorChanged { old, new } => {
            format!(
                "{what} discriminator changed from {} to {}",
                none(old),
                none(new)
            )
        }
    }
}

/// A type as a message shows it: in code, except "an inline type" (which typify names after
/// where the schema is written).
fn rust(t: &str) -> String {
    match t {
        "an inline type" => t.to_owned(),
        _ => code(t),
    }
}

/// Whether a request value's new `pattern` accepts everything the old one did: one that
/// matches any text (`''`, `.*`, `^.*$`), `.+` where the old one could not match the empty
/// text either (it was not empty and not starred), or an alternation with the old pattern as
/// one of its branches. Anything else may turn away a value the client sends today.
fn relaxes(old: Option<&str>, new: &str) -> bool {
    let bare = |p: &str| -> String {
        let p = p.strip_prefix('^').unwrap_or(p);
        p.strip_suffix('$').unwrap_or(p).to_owned()
    };
    let new = outer_group(&bare(new)).to_owned();
    if new.is_empty() || new == ".*" || new == "(.*)" {
        return true;
    }
    let Some(old) = old.map(|o| outer_group(&bare(o)).to_owned()) else {
        return false;
    };
    if new == ".+" || new == "(.+)" {
        return !old.is_empty() && !old.ends_with('*') && !old.ends_with('?');
    }
    // Branches split at top-level `|` only: a `|` inside a group or class belongs to it.
    let mut branches = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    let mut chars = new.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '|' if depth == 0 => {
                branches.push(&new[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    branches.push(&new[start..]);
    branches.len() > 1 && branches.iter().any(|b| outer_group(b) == old)
}

/// `p` without one group around all of it: `(a|b)` → `a|b`, but `(a)(b)` stays.
fn outer_group(p: &str) -> &str {
    let Some(inner) = p.strip_prefix('(').and_then(|p| p.strip_suffix(')')) else {
        return p;
    };
    let mut depth = 0i32;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '(' => depth += 1,
            // The first `(` closes inside: the outer parentheses are two groups.
            ')' if depth == 0 => return p,
            ')' => depth -= 1,
            _ => {}
        }
    }
    inner
}
