//! Rust identifiers as progenitor and typify derive them from spec names, so that the stage
//! can predict collisions (normalisation) and find what progenitor emitted (glue).

use std::collections::HashSet;

use heck::{ToPascalCase, ToSnakeCase};

/// Which identifier a name becomes: a method or field (`snake_case`) or a type (`PascalCase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// Methods, fields, modules.
    Snake,
    /// Types, builders.
    Pascal,
}

/// Whether typify can name each of a string enum's values as a distinct variant. It tries the
/// plain identifiers, then again with `_` and other non-identifier characters spelled `X`
/// (`a-b` → `AXb`), and panics when both collide (`a-b`/`a_b`/`a b`, `self`/`Self`).
pub(crate) fn enum_variants_distinct(values: &[&str]) -> bool {
    let variant = |value: &str| match value {
        // typify's own spellings of these two.
        "+1" => "Plus1".to_owned(),
        "-1" => "Minus1".to_owned(),
        _ => rust_name(value, Case::Pascal),
    };
    let distinct = |names: Vec<String>| names.iter().collect::<HashSet<_>>().len() == names.len();
    distinct(values.iter().map(|v| variant(v)).collect())
        || distinct(
            values
                .iter()
                .map(|v| {
                    variant(&v.replace(|c| c == '_' || !unicode_ident::is_xid_continue(c), "X"))
                })
                .collect(),
        )
}

/// The identifier typify derives from `name` (its `sanitize`, without the `_` it appends to
/// keywords), so two names give one Rust name exactly when they collide in generated code.
pub(crate) fn rust_name(name: &str, case: Case) -> String {
    let cleaned: String = name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if unicode_ident::is_xid_continue(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let (out, prefix) = match case {
        Case::Pascal => (cleaned.to_pascal_case(), "X"),
        Case::Snake => (cleaned.to_snake_case(), "x"),
    };
    match out.chars().next() {
        None => prefix.to_owned(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    }
}
