//! Lets optional collections read `null`: typify gives an optional array (or map) property a
//! plain `Vec<T>` with `#[serde(default)]`, which accepts a missing field but fails on `null`.
//! An example cannot prove that a field is never null (Belvo sends `"funds_data": null`), so
//! every such field of `mod types` also reads `null` as empty, through an added
//! `null_as_default` function. A list also leaves out `null` items (`null_items_skipped`): an
//! API may declare a whole object type nullable and list it (Belvo's `Account`, `Fee`), and a
//! `null` in a list carries no data, while failing on it would lose the whole answer.

/// Makes every `#[serde(default)]` field of the structs in `mod types` read `null` as its
/// default (an empty `Vec` or map), through a `null_as_default` function added to the module.
/// Fields typed `Option<_>` never get a bare `default` from typify, and required fields get no
/// `default` at all, so neither is touched.
pub(crate) fn accept_null_collections(file: &mut syn::File) {
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let (mut changed, mut lists) = (false, false);
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &mut s.fields else {
            continue;
        };
        for field in &mut fields.named {
            let list = super::builders::generic_args(&field.ty, "Vec").is_some();
            let reader = if list {
                "null_items_skipped"
            } else {
                "null_as_default"
            };
            for attr in &mut field.attrs {
                let added = add_null_as_default(attr, reader);
                changed |= added && !list;
                lists |= added && list;
            }
        }
    }
    if lists {
        items.push(syn::parse_quote! {
            /// Reads `null` as an empty list, and leaves out `null` items: a list of a type
            /// the API may send as `null` holds nothing where it does.
            fn null_items_skipped<'de, D, T>(
                deserializer: D,
            ) -> ::std::result::Result<::std::vec::Vec<T>, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::serde::Deserialize<'de>,
            {
                let items: ::std::option::Option<::std::vec::Vec<::std::option::Option<T>>> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(items.into_iter().flatten().flatten().collect())
            }
        });
    }
    if changed {
        items.push(syn::parse_quote! {
            /// Reads `null` as the type's default: a field that may be absent may also be null.
            fn null_as_default<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                D: ::serde::Deserializer<'de>,
                T: ::std::default::Default + ::serde::Deserialize<'de>,
            {
                let value: ::std::option::Option<T> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                Ok(value.unwrap_or_default())
            }
        });
    }
}

/// Adds `deserialize_with = "{reader}"` to a `#[serde(..)]` attribute holding a bare
/// `default` and no deserializer of its own; whether it did.
fn add_null_as_default(attr: &mut syn::Attribute, reader: &str) -> bool {
    use syn::punctuated::Punctuated;
    if !attr.path().is_ident("serde") {
        return false;
    }
    let Ok(metas) = attr.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
    else {
        return false;
    };
    let has = |name: &str| metas.iter().any(|m| m.path().is_ident(name));
    let bare_default = metas
        .iter()
        .any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("default")));
    if !bare_default || has("deserialize_with") || has("with") {
        return false;
    }
    let mut metas = metas;
    metas.push(syn::parse_quote!(deserialize_with = #reader));
    *attr = syn::parse_quote!(#[serde(#metas)]);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_as_default_goes_on_bare_defaults_only() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct A {
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub list: ::std::vec::Vec<B>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub opt: ::std::option::Option<B>,
                    #[serde(default = "defaults::a_n")]
                    pub n: i64,
                    pub required: B,
                }
            }
        };
        accept_null_collections(&mut file);
        let code = prettyplease::unparse(&file);
        // On the collection field only.
        let (_, after) = code
            .split_once("deserialize_with = \"null_items_skipped\"")
            .unwrap();
        assert!(
            after
                .trim_start_matches([')', ']', ' ', '\n'])
                .starts_with("pub list"),
            "{code}"
        );
        assert_eq!(code.matches("deserialize_with").count(), 1, "{code}");
        assert!(code.contains("fn null_items_skipped<'de, D, T>"));

        // Nothing to change, no helper.
        let mut plain: syn::File =
            syn::parse_quote! { pub mod types { pub struct C { pub x: i64 } } };
        accept_null_collections(&mut plain);
        assert!(!prettyplease::unparse(&plain).contains("null_as_default"));
    }
}
