//! Typed mocks (when [`ClientOptions::mock_module`](crate::client::ClientOptions::mock_module)
//! names a handwritten module): one method per operation on that module's `MockServer`,
//! returning its `Expect<'_, T>` for the operation's HTTP method, path template and success
//! status, where `T` is the success type progenitor gave the operation. So a test writes
//! `server.list_all_accounts().respond(page).await` with a typed page, and an operation added
//! to the spec gets its mock by regenerating alone.
//!
//! The methods are emitted behind `cfg(feature = "mock")`, in a module `mock_operations`, so a
//! crate without that feature compiles none of it. The module must provide
//! `Expect::new(&MockServer, method: &'static str, path: &'static str, status: u16)`. Types
//! are read from progenitor's own output ([`Builder`]); an operation whose builder cannot be
//! read gets no mock method, with a warning.

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};
use quote::quote;

use super::builders::Builder;
use crate::client::identifiers::{rust_name, Case};
use crate::client::normalize::STATUS_VARIANTS;
use crate::openapi_util::component_name;
use crate::warning::{Code, Location, Warning};

/// The crate feature the typed mock is compiled under.
pub(crate) const FEATURE: &str = "mock";

/// Appends `mod mock_operations` with the `impl MockServer` of every operation.
pub(crate) fn emit_mock_methods(
    spec: &OpenAPI,
    file: &mut syn::File,
    module: &syn::Path,
    warnings: &mut Vec<Warning>,
) {
    let mut methods = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            let builder = match Builder::find(file, id) {
                Ok(b) => b,
                Err(e) => {
                    warnings.push(Warning::new(
                        Code::MockMethodMissing,
                        Location::operation(method, path),
                        format!("no typed mock: {e}"),
                    ));
                    continue;
                }
            };
            let name = rust_name(id, Case::Snake);
            let ident = syn::parse_str::<syn::Ident>(&name).unwrap_or_else(|_| {
                syn::Ident::new(&format!("{name}_"), proc_macro2::Span::call_site())
            });
            let verb = method.to_ascii_uppercase();
            let status = success_status(op);
            let output = &builder.output;
            let doc = format!("Mocks `{id}`: `{verb} {path}`, answered {status} by `respond`.");
            // A body of several statuses (`glue::status_variants`) answers its variant's.
            let status_of =
                has_status_variants(spec, op).then(|| quote!(.status_of(#output::status)));
            methods.push(quote! {
                #[doc = #doc]
                pub fn #ident(&self) -> #module::Expect<'_, #output> {
                    #module::Expect::new(self, #verb, #path, #status) #status_of
                }
            });
        }
    }
    file.items.push(syn::parse_quote! {
        /// One typed mock per operation on the mock server (feature `mock`); generated from
        /// the spec with the client.
        #[cfg(feature = #FEATURE)]
        pub mod mock_operations {
            #[allow(unused_imports)]
            use super::{types, ByteStream};

            impl #module::MockServer {
                #(#methods)*
            }
        }
    });
}

/// The first 2xx status the operation documents (a `2XX` range counts as 200); 200 when it
/// documents none.
fn success_status(op: &openapiv3::Operation) -> u16 {
    op.responses
        .responses
        .keys()
        .find_map(|code| match code {
            StatusCode::Code(c) if (200..300).contains(c) => Some(*c),
            StatusCode::Range(2) => Some(200),
            _ => None,
        })
        .unwrap_or(200)
}

/// Whether the operation's success body is an enum of one variant per status.
fn has_status_variants(spec: &OpenAPI, op: &openapiv3::Operation) -> bool {
    let reference = op
        .responses
        .responses
        .iter()
        .find_map(|(code, r)| match (code, r) {
            (StatusCode::Code(200..=299), ReferenceOr::Item(r)) => r
                .content
                .get("application/json")
                .and_then(|m| m.schema.as_ref())
                .and_then(|s| match s {
                    ReferenceOr::Reference { reference } => Some(reference.as_str()),
                    ReferenceOr::Item(_) => None,
                }),
            _ => None,
        });
    let component = reference
        .and_then(|r| component_name(r, "schemas"))
        .and_then(|name| spec.components.as_ref()?.schemas.get(name.as_ref()));
    matches!(component, Some(ReferenceOr::Item(s))
        if s.schema_data.extensions.contains_key(STATUS_VARIANTS))
}

#[cfg(test)]
mod tests {
    use crate::client::{generate, ClientOptions};

    fn spec() -> openapiv3::OpenAPI {
        serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/things/{id}/": {
                    "get": {"operationId": "get_thing", "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
                    ], "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/Thing"}}}}}},
                    "delete": {"operationId": "type", "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
                    ], "responses": {"204": {"description": "gone"}}}
                },
                "/things/": {"post": {"operationId": "make_thing",
                    "responses": {"201": {"description": "made", "content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}
            },
            "components": {"schemas": {"Thing": {"type": "object",
                "properties": {"name": {"type": "string"}}}}}
        }))
        .unwrap()
    }

    #[test]
    fn one_typed_method_per_operation_only_when_asked() {
        let with = ClientOptions {
            mock_module: Some("crate::mock".into()),
            ..ClientOptions::default()
        };
        let code = generate(&spec(), &with).unwrap().code;
        assert!(code.contains("#[cfg(feature = \"mock\")]\npub mod mock_operations"));
        for (method, output, call) in [
            (
                "get_thing",
                "types::Thing",
                r#""GET", "/things/{id}/", 200u16"#,
            ),
            (
                "make_thing",
                "types::Thing",
                r#""POST", "/things/", 201u16"#,
            ),
            // A keyword operation id gets progenitor's `_` suffix; no body type is `()`.
            ("type_", "()", r#""DELETE", "/things/{id}/", 204u16"#),
        ] {
            let sig = format!("pub fn {method}(&self) -> crate::mock::Expect<'_, {output}>");
            assert!(code.contains(&sig), "{sig}\n{code}");
            assert!(
                code.contains(&format!("Expect::new(self, {call})")),
                "{call}"
            );
        }
        let without = generate(&spec(), &ClientOptions::default()).unwrap().code;
        assert!(!without.contains("mock_operations"));
    }
}
