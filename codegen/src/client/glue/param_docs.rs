//! Documents each builder method that sets a parameter with the parameter's description, and
//! says when the parameter is required, so the builder's rustdoc tells a caller what the API
//! wants (progenitor lists parameters only in the operation method's doc).

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr};

use super::builders::Builder;
use crate::client::identifiers::{rust_name, Case};

/// Adds a doc comment to every parameter setter of every operation's builder.
pub(crate) fn document_parameters(spec: &OpenAPI, file: &mut syn::File) {
    let docs = parameter_docs(spec, file);
    let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(setters) = builders_ident(&block.self_ty).and_then(|ty| docs.get(&ty)) else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let name = f.sig.ident.to_string();
            if let Some(doc) = setters.get(name.trim_end_matches('_')) {
                f.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            }
        }
    }
}

/// Builder type → setter name → doc text, for every operation whose builder is found.
fn parameter_docs(spec: &OpenAPI, file: &syn::File) -> HashMap<String, HashMap<String, String>> {
    let mut docs = HashMap::new();
    for item in spec.paths.paths.values() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            let Some(builder) = op
                .operation_id
                .as_deref()
                .and_then(|id| Builder::find(file, id).ok())
            else {
                continue;
            };
            let setters: HashMap<String, String> = op
                .parameters
                .iter()
                .filter_map(|p| p.as_item())
                .map(|p| p.parameter_data_ref())
                .map(|data| (rust_name(&data.name, Case::Snake), setter_doc(data)))
                .filter(|(_, doc)| !doc.is_empty())
                .collect();
            docs.insert(builder.ty.to_string(), setters);
        }
    }
    docs
}

fn setter_doc(data: &openapiv3::ParameterData) -> String {
    let mut doc = data.description.clone().unwrap_or_default();
    if data.required {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str("Required: `send()` fails, before anything is sent, when it is not set.");
    }
    doc
}

fn builders_ident(ty: &syn::Type) -> Option<String> {
    super::builders::last_ident(ty).map(|i| i.to_string())
}
