//! The one rule for which names hold secrets: a field, property or header whose name contains
//! one of [`SECRET_WORDS`] (in any case). The `Debug` of generated types (`glue::redact`) and
//! the decode errors of the emitted `decode` module (which receives this list as its own
//! `SECRET_WORDS`) both follow it, so no two lists can disagree.

/// Words whose presence in a name marks its value as a secret.
pub(crate) const SECRET_WORDS: &[&str] = &[
    "password",
    "secret",
    "token",
    "session",
    "private_key",
    "certificate",
    "credential",
    "api_key",
    "apikey",
    "authorization",
];

/// Whether a value named `name` may be a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| name.contains(w))
}

/// `const SECRET_WORDS: &[&str] = &[…];`, for the emitted `decode` module.
pub(crate) fn secret_words_item() -> syn::Item {
    let words = SECRET_WORDS.iter();
    syn::parse_quote! {
        /// Words whose presence in a name marks its value as a secret (the generator's list):
        /// such values are never shown by a decode error, nor by a generated type's `Debug`.
        pub const SECRET_WORDS: &[&str] = &[#(#words),*];
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn secret_names_are_found_in_any_case_and_inside_longer_names() {
        for name in [
            "password",
            "client_secret",
            "Session",
            "access_token",
            "X-Apikey",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        assert!(is_secret_name("x_apikey"));
        assert!(!is_secret_name("link") && !is_secret_name("institution"));
    }
}
