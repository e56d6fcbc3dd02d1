//! Rust identifiers as progenitor and typify derive them from spec names, so that the stage
//! can predict collisions (normalisation) and find what progenitor emitted (glue).

use heck::{ToPascalCase, ToSnakeCase};

/// Which identifier a name becomes: a method or field (`snake_case`) or a type (`PascalCase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// Methods, fields, modules.
    Snake,
    /// Types, builders.
    Pascal,
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
