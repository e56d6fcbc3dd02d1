//! Replaces the derived `Debug` of every generated struct with a credential field
//! (`password`, `token`, `private_key`, …) by a hand-built one that prints `<redacted>` for it,
//! so a logged request body or builder never shows a secret.

use quote::quote;

use crate::client::secrets::is_secret_name;

/// Gives every struct with a credential field (`password`, `token`, …), in every module of
/// the generated file, a `Debug` that prints `<redacted>` for those fields instead of the
/// derived one, so printing a request body or its builder never leaks a secret.
pub(crate) fn redact_secrets_in_debug(file: &mut syn::File) {
    redact_in_items(&mut file.items);
}

fn redact_in_items(items: &mut Vec<syn::Item>) {
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = m.content.as_mut() {
                    redact_in_items(inner);
                }
            }
            syn::Item::Struct(s) => impls.extend(redacting_debug(s)),
            _ => {}
        }
    }
    items.extend(impls);
}

fn redacting_debug(s: &mut syn::ItemStruct) -> Option<syn::Item> {
    let syn::Fields::Named(fields) = &s.fields else {
        return None;
    };
    let is_secret = |f: &syn::Field| {
        f.ident
            .as_ref()
            .is_some_and(|i| is_secret_name(i.to_string().trim_start_matches("r#")))
    };
    if !fields.named.iter().any(is_secret) || !remove_derive(&mut s.attrs, "Debug") {
        return None;
    }
    let entries = fields.named.iter().map(|f| {
        let ident = f.ident.as_ref().expect("named fields have names");
        let name = ident.to_string();
        let name = name.trim_start_matches("r#");
        if is_secret(f) {
            quote! { .field(#name, &"<redacted>") }
        } else {
            quote! { .field(#name, &self.#ident) }
        }
    });
    let ident = &s.ident;
    let label = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = s.generics.split_for_impl();
    Some(syn::parse_quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    })
}

/// Removes `name` from the struct's `#[derive(..)]` lists; whether it was there.
fn remove_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    use syn::punctuated::Punctuated;
    let mut removed = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Punctuated<syn::Path, syn::Token![,]> = paths
            .iter()
            .filter(|p| {
                let is_it = p.segments.last().is_some_and(|s| s.ident == name);
                removed |= is_it;
                !is_it
            })
            .cloned()
            .collect();
        *attr = syn::parse_quote!(#[derive(#kept)]);
    }
    removed
}
