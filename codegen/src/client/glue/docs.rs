//! Rewrites every doc comment of the generated file into text rustc and rustdoc accept: no bare
//! carriage return or bidirectional control, no spec prose compiled as a doctest, no indented
//! text read as code.

use syn::visit_mut::VisitMut;

use crate::client::text::{comment_text, Lines};

/// Rewrites doc comments so that rustc accepts them ([`comment_text`]: no bare carriage
/// return, no bidirectional control) and rustdoc neither compiles spec prose as doctests nor
/// reads indented text as code: fenced blocks without a language (or marked `rust`) become
/// `text`, and indentation outside fences is capped at three spaces. Every doc attribute of
/// the file passes here, so this is where description, title and name text is made safe.
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
    let text = comment_text(text, Lines::Many);
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

/// Whether rustdoc would compile a fence with this info string as a doctest.
fn is_rust_lang(info: &str) -> bool {
    let mut tokens = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty());
    !info.contains("ignore")
        && tokens.all(|t| {
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
}
