//! Items added to progenitor's output, derived from the spec rather than kept by hand.
//!
//! - `SERVERS`: the server URLs the spec declares, in order, so a runtime can offer them as
//!   environments without repeating them.
//! - `resumable` (when [`ClientOptions::mfa_glue`](super::ClientOptions::mfa_glue)): the
//!   multi-factor "retrieve, answered 428, resume with PATCH" pairs. It holds
//!   - `RESUMABLE: &[Resumable]`, one entry per pair (operation ids, method, paths), and
//!   - a trait `ResumableOp`, implemented for the *builder* of each retrieve operation, with
//!     `retrieve(self)` (send the request as built) and `resume(client, body)` (send the
//!     `PATCH`), plus associated types for their bodies, outputs and error bodies. A
//!     handwritten MFA extension can then write one generic loop:
//!     `R::retrieve(req)`, on a 428 `ErrorResponse` read the challenge from the error body
//!     (`Serialize`), ask for the token, build `R::ResumeBody` from JSON (`Deserialize`),
//!     `R::resume(client, body)`, and repeat while it answers 428.
//!
//! A pair is: an operation answering 428 at path `P` and the `PATCH` at `P` (or, when `P` ends
//! in a `{param}` segment, at its parent collection: `PUT /api/links/{id}/` resumes with
//! `PATCH /api/links/`). The builder types, output and error types are read from progenitor's
//! own output (the `send` and `body` signatures), never guessed from naming rules, so the
//! glue cannot drift from what progenitor emitted; a pair it cannot read is left out of the
//! trait with a warning.

use std::collections::HashMap;

use openapiv3::OpenAPI;
use quote::quote;
use syn::visit_mut::VisitMut;

use super::normalize::OperationInfo;
use super::{ClientOptions, Warning};

/// An operation that may answer `428 Precondition Required` and the `PATCH` that resumes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumablePair {
    /// operationId of the operation that may answer 428.
    pub retrieve: String,
    /// Its HTTP method, upper case.
    pub method: String,
    /// Its path template.
    pub path: String,
    /// operationId of the resuming `PATCH`.
    pub resume: String,
    /// The path of the resuming `PATCH`.
    pub resume_path: String,
    /// Whether the `PATCH` needs parameters besides its body (then no trait impl is emitted).
    pub resume_needs_params: bool,
}

/// Pairs every operation answering 428 with the `PATCH` on its path or its parent collection.
pub(crate) fn find_resumable(ops: &[OperationInfo]) -> Vec<ResumablePair> {
    let patches: HashMap<&str, &OperationInfo> = ops
        .iter()
        .filter(|o| o.method == "patch")
        .map(|o| (o.path.as_str(), o))
        .collect();
    let mut pairs = Vec::new();
    for op in ops.iter().filter(|o| o.answers_428) {
        let same = patches.get(op.path.as_str()).filter(|p| p.id != op.id);
        let parent = parent_collection(&op.path)
            .and_then(|parent| patches.get(parent.as_str()))
            .filter(|p| p.id != op.id);
        if let Some(resume) = same.or(parent) {
            pairs.push(ResumablePair {
                retrieve: op.id.clone(),
                method: op.method.to_uppercase(),
                path: op.path.clone(),
                resume: resume.id.clone(),
                resume_path: resume.path.clone(),
                resume_needs_params: resume.needs_params,
            });
        }
    }
    pairs
}

/// `/a/b/{id}/` → `/a/b/`; `None` when the last segment is not a template parameter.
fn parent_collection(path: &str) -> Option<String> {
    let trailing = path.ends_with('/');
    let trimmed = path.trim_end_matches('/');
    let (parent, last) = trimmed.rsplit_once('/')?;
    if !(last.starts_with('{') && last.ends_with('}')) {
        return None;
    }
    Some(if trailing {
        format!("{parent}/")
    } else {
        parent.to_owned()
    })
}

/// The items appended to progenitor's output.
pub(crate) fn emit(
    spec: &OpenAPI,
    file: &syn::File,
    pairs: &[ResumablePair],
    opts: &ClientOptions,
    warnings: &mut Vec<Warning>,
) -> Vec<syn::Item> {
    let servers: Vec<&str> = spec.servers.iter().map(|s| s.url.as_str()).collect();
    let mut items = vec![syn::parse_quote! {
        /// The server URLs the spec declares, in its order (the first is the default).
        pub const SERVERS: &[&str] = &[#(#servers),*];
    }];
    if opts.mfa_glue {
        let _ = (file, pairs, warnings);
    }
    let _ = quote! {};
    items
}

/// Rewrites doc comments so that rustdoc neither compiles spec prose as doctests nor reads
/// indented text as code: fenced blocks without a language (or marked `rust`) become `text`,
/// and indentation outside fences is capped at three spaces.
pub(crate) fn tame_docs(file: &mut syn::File) {
    struct Docs;
    impl VisitMut for Docs {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            if let syn::Meta::NameValue(nv) = &mut attr.meta {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &mut nv.value
                {
                    let tamed = tame_doc(&s.value());
                    if tamed != s.value() {
                        *s = syn::LitStr::new(&tamed, s.span());
                    }
                }
            }
        }
    }
    Docs.visit_file_mut(file);
}

fn tame_doc(text: &str) -> String {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                let lang = trimmed.trim_start_matches(m).trim();
                if is_rust_lang(lang) {
                    out.push(format!("{m}text"));
                } else {
                    out.push(trimmed.to_owned());
                }
            }
            (Some(open), Some(m)) if m == open => {
                fence = None;
                out.push(trimmed.to_owned());
            }
            (Some(_), _) => out.push(line.to_owned()),
            (None, None) => {
                let indent = line.len() - trimmed.len();
                let keep = indent.min(3);
                out.push(format!("{}{trimmed}", " ".repeat(keep)));
            }
        }
    }
    if let Some(open) = fence {
        // An unclosed fence would swallow the rest of the item's docs.
        out.push(open.to_owned());
    }
    out.join("\n")
}

/// Whether rustdoc would treat a fence with this info string as Rust.
fn is_rust_lang(info: &str) -> bool {
    info.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .all(|t| {
            matches!(
                t,
                "rust"
                    | "ignore"
                    | "should_panic"
                    | "no_run"
                    | "compile_fail"
                    | "test_harness"
                    | "standalone_crate"
            ) || t.starts_with("edition")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_lose_doctests_and_indented_code() {
        let doc = "Intro\n\n```\nlet x = 1;\n```\n\n    indented\n```json\n{ }\n```";
        assert_eq!(
            tame_doc(doc),
            "Intro\n\n```text\nlet x = 1;\n```\n\n   indented\n```json\n{ }\n```"
        );
        assert_eq!(tame_doc("```\nopen"), "```text\nopen\n```");
    }

    #[test]
    fn parent_collection_of_item_paths() {
        assert_eq!(parent_collection("/api/links/{id}/").as_deref(), Some("/api/links/"));
        assert_eq!(parent_collection("/api/links/{id}").as_deref(), Some("/api/links"));
        assert_eq!(parent_collection("/api/links/"), None);
    }
}
