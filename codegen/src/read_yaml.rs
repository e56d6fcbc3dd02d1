//! Reading YAML input (overlays, OpenAPI documents) with a nesting limit checked before the
//! parser runs.
//!
//! libyaml, under `yaml_serde`, keeps one pending key per open flow collection and revisits
//! them all at every token, so `{a: {a: …` nested 100,000 deep (a few hundred kilobytes) took
//! 50 s before `yaml_serde`'s own limit of 128 levels, which applies only after the whole text
//! is parsed, could refuse it. A linear scan refuses such text first. Block nesting costs the
//! parser nothing extra, and a document nested past 128 levels by any means is refused by
//! `yaml_serde` anyway, so the limit refuses nothing that could have been read.

use std::fmt;

use serde::de::DeserializeOwned;

/// Flow collections (`[`, `{`) nested deeper than this are refused: `yaml_serde` reads no
/// document nested deeper than 128 levels.
pub const MAX_NESTING: usize = 128;

/// Why a YAML text could not be read, with the position when known (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong; `yaml_serde`'s messages repeat the position.
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// Parses YAML (or JSON) text into `T`, refusing flow collections nested deeper than
/// [`MAX_NESTING`] before the parser sees them.
pub fn from_yaml<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if let Err((line, column)) = check_nesting(text) {
        return Err(YamlError {
            message: format!(
                "collections nested deeper than {MAX_NESTING} levels at line {line} column \
                 {column}; refused before parsing"
            ),
            line: Some(line),
            column: Some(column),
        });
    }
    yaml_serde::from_str(text).map_err(|err| {
        let location = err.location();
        YamlError {
            message: err.to_string(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
        }
    })
}

/// The line and column (1-based) of the first `[` or `{` that opens a flow collection deeper
/// than [`MAX_NESTING`]. Brackets inside quoted scalars, comments, block scalars (`|`, `>`)
/// and plain scalars of block context are text, not collections. An approximation of YAML's
/// grammar that may only miss nesting, never invent it: a miss is still refused by
/// `yaml_serde`, just later.
fn check_nesting(text: &str) -> Result<(), (usize, usize)> {
    let mut scanner = Scanner::default();
    for (index, line) in text.split('\n').enumerate() {
        scanner.line(line).map_err(|column| (index + 1, column))?;
    }
    Ok(())
}

/// What carries over from one line to the next.
#[derive(Default)]
struct Scanner {
    /// Flow collections open.
    flow: usize,
    /// The quote that opened the quoted scalar we are in.
    quote: Option<char>,
    /// The last character in a double-quoted scalar was a `\`.
    escaped: bool,
    /// Lines indented deeper than this belong to a block scalar.
    block_scalar: Option<usize>,
}

/// Where a line stands in block context.
struct BlockPosition {
    /// In block context a node may start at the first character of a line, and after
    /// `- `, `? ` or `: `.
    node_start: bool,
    /// Column of the last key or `-`/`?` indicator: a block scalar's lines are indented
    /// deeper than it.
    owner: usize,
    /// Inside an anchor or tag (`&a`, `!!str`), which comes before a node.
    property: bool,
}

impl Scanner {
    /// Scans one line; `Err` holds the column of a collection opened too deep.
    fn line(&mut self, line: &str) -> Result<(), usize> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(owner) = self.block_scalar {
            if line.trim().is_empty() || indent > owner {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let mut block = BlockPosition {
            node_start: true,
            owner: indent,
            property: false,
        };
        let mut prev: Option<char> = None;
        // The last character that is not white space, where a flow-context quote may follow.
        let mut prev_token: Option<char> = None;
        let mut column = 0;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            column += 1;
            let next = chars.peek().copied();
            let after_space = prev.is_none_or(char::is_whitespace);
            let after_token = prev_token;
            prev = Some(c);
            if !c.is_whitespace() {
                prev_token = Some(c);
            }
            if self.quote.is_some() {
                if self.quoted(c, next) {
                    chars.next(); // `''` is a quote inside a single-quoted scalar.
                    column += 1;
                }
                continue;
            }
            if c == '#' && after_space {
                break;
            }
            if self.flow > 0 {
                if self.in_flow(c, after_space, after_token) {
                    return Err(column);
                }
                continue;
            }
            if block.property {
                block.property = !c.is_whitespace();
                continue;
            }
            if c.is_whitespace() {
                continue;
            }
            if self.in_block(&mut block, c, next, column) {
                break;
            }
        }
        Ok(())
    }

    /// A character of a quoted scalar; true when it and the next are `''`, which stays in
    /// a single-quoted scalar (the caller skips the second).
    fn quoted(&mut self, c: char, next: Option<char>) -> bool {
        let Some(q) = self.quote else {
            return false;
        };
        if self.escaped {
            self.escaped = false;
        } else if q == '"' && c == '\\' {
            self.escaped = true;
        } else if c == q {
            if q == '\'' && next == Some('\'') {
                return true;
            }
            self.quote = None;
        }
        false
    }

    /// A character in a flow collection; true when it opens one deeper than [`MAX_NESTING`].
    fn in_flow(&mut self, c: char, after_space: bool, after_token: Option<char>) -> bool {
        match c {
            '[' | '{' => {
                self.flow += 1;
                return self.flow > MAX_NESTING;
            }
            ']' | '}' => self.flow -= 1,
            '"' | '\'' if after_space || matches!(after_token, Some('[' | '{' | ',' | ':')) => {
                self.quote = Some(c);
            }
            _ => {}
        }
        false
    }

    /// A character of block context that is not white space; true when the rest of the
    /// line is a block scalar's header.
    fn in_block(
        &mut self,
        block: &mut BlockPosition,
        c: char,
        next: Option<char>,
        column: usize,
    ) -> bool {
        let indicator = next.is_none_or(char::is_whitespace);
        if block.node_start {
            match c {
                '[' | '{' => {
                    self.flow = 1;
                    block.node_start = false;
                }
                '"' | '\'' => {
                    self.quote = Some(c);
                    block.owner = column - 1;
                    block.node_start = false;
                }
                '|' | '>' => {
                    self.block_scalar = Some(block.owner);
                    return true;
                }
                '-' | '?' | ':' if indicator => block.owner = column - 1,
                '&' | '!' => block.property = true,
                _ => {
                    block.owner = column - 1;
                    block.node_start = false;
                }
            }
        } else if c == ':' && indicator {
            block.node_start = true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, n: usize) -> String {
        format!("{}1{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn deep_flow_collections_are_refused_with_their_position() {
        for (open, close) in [("[", "]"), ("{a: ", "}"), ("{", "}")] {
            let text = format!("x:\n  y: {}", nested(open, close, 100_000));
            let err = from_yaml::<serde_json::Value>(&text).unwrap_err();
            assert_eq!(err.line, Some(2), "{open}");
            assert!(err.message.contains("128"), "{err}");
        }
        // Within the limit, the parser decides (and reads it).
        let ok = format!("x: {}", nested("[", "]", 100));
        assert!(from_yaml::<serde_json::Value>(&ok).is_ok());
    }

    #[test]
    fn brackets_in_text_are_not_nesting() {
        let brackets = "[{".repeat(200);
        let text = format!(
            "a: '{brackets}'\nb: \"{brackets}\\\"\"\nc: see {brackets}\nd: |\n  {brackets}\n  more\n\
             e: # {brackets}\n  - >-\n    {brackets}\nf: 'it''s {brackets}'\n- k: |\n    {brackets}\n"
        );
        assert_eq!(check_nesting(&text), Ok(()));
        // A sibling after a block scalar is read again.
        let after = format!("- k: |\n    text\n  j: {}", "[".repeat(200));
        assert_eq!(check_nesting(&after), Err((3, 6 + MAX_NESTING)));
    }

    #[test]
    fn real_documents_pass() {
        let text =
            "openapi: 3.0.3\npaths:\n  /a:\n    get: {responses: {'200': {description: x}}}\n";
        assert!(from_yaml::<serde_json::Value>(text).is_ok());
    }
}
