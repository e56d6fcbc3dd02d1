//! The line of each node of a block-style YAML document, by JSON pointer, so that a change can
//! be shown where it is in `spec/openapi.yaml` (GitHub annotations).
//!
//! It reads the block YAML that `crate::yaml` writes (and block YAML in general): mapping keys
//! plain or quoted, compact sequences (`- ` at the indentation of their key, or deeper), a
//! mapping started on a `- ` line, literal blocks, flow collections only as leaf values. A
//! document in another style (flow mappings over several lines, JSON) gives fewer lines; a
//! pointer then falls back to its nearest ancestor that was found, at worst line 1.

use std::collections::HashMap;

use super::schema::pointer_join;

/// Pointer → 1-based line, for one document's text.
#[derive(Debug, Default)]
pub struct YamlLines {
    lines: HashMap<String, usize>,
}

/// One open node on the way down to the current line.
struct Frame {
    /// Column of the key or of the `-`.
    column: usize,
    pointer: String,
    /// For a sequence item, its index (the next `-` at this column is the one after).
    item: Option<usize>,
}

impl YamlLines {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut lines = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        // Inside a literal or folded block: lines indented deeper than this column are text.
        let mut block_of: Option<usize> = None;
        for (number, line) in text.lines().enumerate() {
            let number = number + 1;
            let content = line.trim_start_matches(' ');
            let column = line.len() - content.len();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if let Some(owner) = block_of {
                if column > owner {
                    continue;
                }
                block_of = None;
            }
            if content == "---" || content.starts_with("--- ") {
                continue;
            }
            let mut column = column;
            let mut rest = content;
            // Sequence items, possibly several on one line (`- - a`), then perhaps a key.
            while rest == "-" || rest.starts_with("- ") {
                // A `-` at a column belongs to the key at that column or to an item there.
                let mut index = 0;
                while let Some(top) = stack.last() {
                    if top.column > column || (top.column == column && top.item.is_some()) {
                        let popped = stack.pop().expect("not empty");
                        if popped.column == column {
                            index = popped.item.map_or(0, |i| i + 1);
                        }
                    } else {
                        break;
                    }
                }
                let parent = stack.last().map_or("", |f| f.pointer.as_str());
                let pointer = pointer_join(parent, &[&index.to_string()]);
                lines.entry(pointer.clone()).or_insert(number);
                stack.push(Frame {
                    column,
                    pointer,
                    item: Some(index),
                });
                let after = rest[1..].trim_start_matches(' ');
                column += rest.len() - after.len();
                rest = after;
            }
            let Some((key, value)) = split_key(rest) else {
                continue;
            };
            while stack.last().is_some_and(|top| top.column >= column) {
                stack.pop();
            }
            let parent = stack.last().map_or("", |f| f.pointer.as_str());
            let pointer = pointer_join(parent, &[&key]);
            lines.entry(pointer.clone()).or_insert(number);
            let value = value.trim();
            if value.starts_with('|') || value.starts_with('>') {
                block_of = Some(column);
            }
            stack.push(Frame {
                column,
                pointer,
                item: None,
            });
        }
        YamlLines { lines }
    }

    /// The line of the node at `pointer`, or of its nearest ancestor found; `None` only when no
    /// ancestor is (an empty or non-block document).
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut pointer = pointer;
        loop {
            if let Some(&line) = self.lines.get(pointer) {
                return Some(line);
            }
            pointer = &pointer[..pointer.rfind('/')?];
        }
    }

    /// Whether the node at `pointer` itself was found.
    pub fn has(&self, pointer: &str) -> bool {
        self.lines.contains_key(pointer)
    }
}

/// A mapping entry's key (unquoted) and the text after its `:`; `None` for a line that is not
/// one (a scalar item, an explicit `?` key, a continuation).
fn split_key(text: &str) -> Option<(String, &str)> {
    match text.chars().next()? {
        '\'' => {
            let mut key = String::new();
            let mut chars = text.char_indices().skip(1).peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().is_some_and(|&(_, c)| c == '\'') {
                        chars.next();
                        key.push('\'');
                        continue;
                    }
                    return text[i + 1..].strip_prefix(':').map(|rest| (key, rest));
                }
                key.push(c);
            }
            None
        }
        '"' => {
            let end = closing_double_quote(text)?;
            let key = unescape_double(&text[1..end])?;
            text[end + 1..].strip_prefix(':').map(|rest| (key, rest))
        }
        '?' | '{' | '[' => None,
        _ => {
            // A plain key ends at the first `: ` (or a `:` ending the line).
            let end = text
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| text[i + 1..].is_empty() || text[i + 1..].starts_with(' '))?;
            Some((text[..end].trim_end().to_owned(), &text[end + 1..]))
        }
    }
}

fn closing_double_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

/// The escapes `crate::yaml` writes in double quotes (and YAML's other common ones).
fn unescape_double(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| -> Option<char> {
            let digits: String = chars.by_ref().take(n).collect();
            char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
        };
        out.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            other => other,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::YamlLines;
    use serde_json::json;

    /// Every node of a document written by `crate::yaml` is found at the line where it starts.
    #[test]
    fn every_node_written_by_the_yaml_writer_is_found() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/api/a/{id}/": {"get": {
                    "description": "two\nlines: not a key",
                    "parameters": [
                        {"name": "id", "in": "path"},
                        {"name": "q", "schema": {"type": "string", "enum": ["a", "b"]}}
                    ],
                    "responses": {"200": {"description": "OK"}, "default": {}}
                }}
            },
            "x": [[1, 2], [], {"k: v": {"yes": 1, "it's": {"\u{7}": true}}}]
        });
        let text = crate::yaml::to_string(&doc);
        let lines = YamlLines::new(&text);
        let numbered: Vec<&str> = text.lines().collect();
        let check = |pointer: &str, starts: &str| {
            let line = lines.line(pointer).unwrap_or_else(|| panic!("{pointer}"));
            assert!(lines.has(pointer), "{pointer} not found:\n{text}");
            let at = numbered[line - 1].trim_start();
            assert!(
                at.starts_with(starts),
                "{pointer}: line {line} is {at:?}\n{text}"
            );
        };
        check("/openapi", "openapi:");
        check("/paths/~1api~1a~1{id}~1", "/api/a/{id}/:");
        check("/paths/~1api~1a~1{id}~1/get/description", "description: |");
        check("/paths/~1api~1a~1{id}~1/get/parameters/0", "- name: id");
        check("/paths/~1api~1a~1{id}~1/get/parameters/1/name", "- name: q");
        check("/paths/~1api~1a~1{id}~1/get/parameters/0/in", "in: path");
        check(
            "/paths/~1api~1a~1{id}~1/get/parameters/1/schema/enum/1",
            "- b",
        );
        check("/paths/~1api~1a~1{id}~1/get/responses/200", "'200':");
        check("/paths/~1api~1a~1{id}~1/get/responses/default", "default:");
        check("/x/0/1", "- 2");
        check("/x/1", "- []");
        check("/x/2/k: v/yes", "'yes':");
        check("/x/2/k: v/it's/\u{7}", "\"\\u0007\":");
    }

    #[test]
    fn a_missing_node_falls_back_to_its_nearest_ancestor() {
        let lines = YamlLines::new("a:\n  b:\n    c: 1\n  d: 2\n");
        assert_eq!(lines.line("/a/b/c"), Some(3));
        assert_eq!(lines.line("/a/b/gone/deeper"), Some(2));
        assert_eq!(lines.line("/a/d"), Some(4));
        assert_eq!(lines.line("/nothing"), None);
        assert!(!lines.has("/a/b/gone"));
    }
}
