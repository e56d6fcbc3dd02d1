//! Rewrites progenitor's calls of `reqwest::Client::options`/`trace`, which do not exist, into
//! `request(Method::OPTIONS | TRACE, url)`.

use quote::quote;
use syn::visit_mut::VisitMut;

/// Rewrites progenitor's `client.options(url)` and `client.trace(url)` (it calls
/// `reqwest::Client::{method}` for every HTTP method, and reqwest has no shortcut for these
/// two) into `client.request(::reqwest::Method::OPTIONS, url)`, so such operations work
/// rather than fail to compile.
pub(crate) fn request_methods_without_shortcut(file: &mut syn::File) {
    struct Calls;
    impl VisitMut for Calls {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            let method = match call.method.to_string().as_str() {
                "options" => quote!(OPTIONS),
                "trace" => quote!(TRACE),
                _ => return,
            };
            let on_reqwest_client = matches!(
                &*call.receiver,
                syn::Expr::Field(f) if matches!(&f.member, syn::Member::Named(m) if m == "client")
            );
            if on_reqwest_client && call.args.len() == 1 && call.turbofish.is_none() {
                let url = &call.args[0];
                let args: syn::punctuated::Punctuated<syn::Expr, syn::Token![,]> =
                    syn::parse_quote!(::reqwest::Method::#method, #url);
                call.method = syn::Ident::new("request", call.method.span());
                call.args = args;
            }
        }
    }
    Calls.visit_file_mut(file);
}
