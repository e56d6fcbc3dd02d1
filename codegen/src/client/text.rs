//! Input text (titles, descriptions, names, file names) as it may appear in a Rust comment.
//!
//! Text from the input reaches generated code in two ways only: as a string literal, which
//! `quote` escapes, and as comment text: the `@generated` header, the `//!` line of a
//! standalone crate's `lib.rs`, and every doc attribute, which prettyplease prints as `///` or
//! `/** */` comments. [`comment_text`] is the one function all comment text goes through.
//! Identifiers are progenitor's and typify's sanitised names, never raw input.
//!
//! What it guards against:
//! - a line break in one-line comment text, which would end the comment and make the rest of
//!   the text code (a collection file named `x\nfn injected() {}\n.json`);
//! - a bare carriage return, which rustc rejects in doc comments;
//! - Unicode bidirectional controls, which rustc denies in comments (they can make code read
//!   differently from what it is), and other control characters, written as `\u{..}` escapes.

use std::borrow::Cow;

/// Where comment text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// A `//` or `//!` line: every line break becomes a space.
    One,
    /// A doc attribute, which may span lines: `\r\n` and a lone `\r` become `\n`.
    Many,
}

/// The bidirectional formatting characters rustc's `text_direction_codepoint_in_comment` lint
/// (deny by default) reports.
const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// `text` made safe as the content of a Rust comment of kind `lines`; borrowed when nothing
/// needed changing (the usual case).
pub fn comment_text(text: &str, lines: Lines) -> Cow<'_, str> {
    let needs_change = |c: char| {
        (c.is_control() && c != '\t' && (c != '\n' || lines == Lines::One))
            || BIDI.contains(&c)
            || (lines == Lines::One && matches!(c, '\u{2028}' | '\u{2029}'))
    };
    if !text.contains(needs_change) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if lines == Lines::One { ' ' } else { '\n' });
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' if lines == Lines::One => out.push(' '),
            c if needs_change(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_cannot_end_a_one_line_comment() {
        for text in [
            "a\nfn x() {}",
            "a\rfn x() {}",
            "a\r\nfn x() {}",
            "a\u{2028}b",
        ] {
            let out = comment_text(text, Lines::One);
            assert!(!out.contains(['\n', '\r', '\u{2028}']), "{out:?}");
        }
        assert_eq!(comment_text("a\r\nb\rc\nd", Lines::One), "a b c d");
    }

    #[test]
    fn docs_keep_lines_but_lose_carriage_returns_and_controls() {
        assert_eq!(comment_text("a\r\nb\rc\nd", Lines::Many), "a\nb\nc\nd");
        assert_eq!(
            comment_text("x\u{202E}y\u{0}z\tw", Lines::Many),
            "x\\u{202e}y\\u{0}z\tw"
        );
        assert!(matches!(
            comment_text("plain `text` */ é 🦀", Lines::Many),
            Cow::Borrowed(_)
        ));
    }
}
