//! Implements a page trait (when `ClientOptions::page_trait` names one) for every struct of
//! `mod types` with `next: Option<String>` and `results: Vec<T>`, read from progenitor's
//! output, so a new list endpoint in the spec gets pagination without anyone keeping a list.

use super::builders::{generic_args, last_ident};

/// Adds `impl #page_trait for X` inside `mod types` for every page struct `X` there (fields
/// `next: Option<String>` and `results: Vec<T>`). The impls sit inside the module so that `T`
/// is spelled exactly as progenitor spelled it, whatever its path.
pub(crate) fn implement_page_trait(file: &mut syn::File, page_trait: &syn::Path) {
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let impls: Vec<syn::Item> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => page_item_type(s).map(|item_ty| (&s.ident, item_ty)),
            _ => None,
        })
        .map(|(name, item_ty)| {
            syn::parse_quote! {
                impl #page_trait for #name {
                    type Item = #item_ty;
                    fn next_page(&self) -> ::std::option::Option<&str> {
                        self.next.as_deref()
                    }
                    fn into_items(self) -> ::std::vec::Vec<Self::Item> {
                        self.results
                    }
                }
            }
        })
        .collect();
    items.extend(impls);
}

/// `T` when `s` is a page: a struct with `next: Option<String>` and `results: Vec<T>`.
fn page_item_type(s: &syn::ItemStruct) -> Option<syn::Type> {
    let syn::Fields::Named(fields) = &s.fields else {
        return None;
    };
    let field = |name: &str| {
        fields
            .named
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == name))
            .map(|f| &f.ty)
    };
    let next = generic_args(field("next")?, "Option")?;
    if next.len() != 1 || last_ident(next[0]).is_none_or(|i| i != "String") {
        return None;
    }
    match generic_args(field("results")?, "Vec")?[..] {
        [item] => Some(item.clone()),
        _ => None,
    }
}
