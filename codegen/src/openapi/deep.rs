//! JSON nested deeper than serde_json reads (128 levels), read with its subtrees below level
//! 100 cut, and examples deeper than the shapes look, whose schema is any JSON (`W013`).

use serde_json::Value;

use crate::postman::Request;
use crate::warning::{Code, Location, Warning};

/// Parses a JSON example, tolerating the `{{variable}}` tokens Postman users leave unquoted.
pub(super) fn parse_json(text: &str) -> Option<Value> {
    if let Some(v) = parse_deep(text) {
        return Some(v);
    }
    if !text.contains("{{") {
        return None;
    }
    let mut quoted = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with("{{") {
            if let Some(end) = rest.find("}}") {
                quoted.push('"');
                quoted.push_str(&rest[..end + 2]);
                quoted.push('"');
                rest = &rest[end + 2..];
                continue;
            }
        }
        match c {
            '"' if !escaped => in_string = !in_string,
            _ => {}
        }
        escaped = c == '\\' && !escaped;
        quoted.push(c);
        rest = &rest[c.len_utf8()..];
    }
    parse_deep(&quoted)
}

/// Where a body nested deeper than serde_json reads (128 levels) is cut: below it every
/// subtree is `null`. Deeper than the shapes look ([`crate::infer::MAX_DEPTH`]) and than
/// examples are kept ([`MAX_EXAMPLE_DEPTH`]), so the cut changes neither schema nor example:
/// such a body gets the same schema and warning as one just within the parser's limit,
/// instead of being taken for text.
const CUT_DEPTH: usize = 100;

const _: () = assert!(crate::infer::MAX_DEPTH < CUT_DEPTH && MAX_EXAMPLE_DEPTH < CUT_DEPTH);

/// `serde_json::from_str`, reading a document nested past the parser's limit with its deepest
/// part cut at [`CUT_DEPTH`].
fn parse_deep(text: &str) -> Option<Value> {
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            serde_json::from_str(&cut_deep(text, CUT_DEPTH)).ok()
        }
        Err(_) => None,
    }
}

/// The JSON text with every array or object that opens deeper than `max` levels replaced by
/// `null`, in one pass. Only whole subtrees between ASCII brackets go, so the text stays UTF-8;
/// text that is not JSON stays not JSON.
fn cut_deep(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    // Depth inside the subtree being skipped, when one is.
    let mut skipping = 0usize;
    let mut kept_from = 0;
    for (at, byte) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' if skipping > 0 => skipping += 1,
            b']' | b'}' if skipping > 0 => {
                skipping -= 1;
                if skipping == 0 {
                    kept_from = at + 1;
                }
            }
            b'[' | b'{' if depth == max => {
                out.push_str(&text[kept_from..at]);
                out.push_str("null");
                skipping = 1;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if skipping == 0 {
        out.push_str(&text[kept_from..]);
    }
    out
}

/// Examples nested deeper than this are left out: the spec puts them about ten levels down,
/// and YAML readers stop at 128.
pub(super) const MAX_EXAMPLE_DEPTH: usize = 64;

/// Warns when `example` nests deeper than inference looks: below
/// [`crate::infer::MAX_DEPTH`] levels its schema is any JSON.
pub(super) fn warn_if_cut(
    example: &Value,
    request: &Request,
    what: &str,
    warnings: &mut Vec<Warning>,
) {
    if depth(example) > crate::infer::MAX_DEPTH {
        warnings.push(shape_cut(request, what));
    }
}

pub(super) fn shape_cut(request: &Request, what: &str) -> Warning {
    Warning::new(
        Code::ShapeTooDeep,
        Location::Item(request.item_path()),
        format!(
            "{what} nests deeper than {} levels; below that its schema is any JSON",
            crate::infer::MAX_DEPTH
        ),
    )
}

pub(super) fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_json_is_cut_not_refused() {
        let deep = format!(r#"{}"x\"[{{":1{}"#, "[".repeat(300), "]".repeat(300));
        assert!(serde_json::from_str::<Value>(&deep).is_err());
        let value = parse_json(&deep).expect("read with its deepest part cut");
        assert_eq!(depth(&value), CUT_DEPTH);
        // Brackets inside strings are text; the cut leaves valid JSON around them.
        assert_eq!(cut_deep(r#"[["[\"]",{"a":[1]}]]"#, 1), r#"[null]"#);
        assert_eq!(cut_deep(r#"["[\"]",{"a":[1]}]"#, 1), r#"["[\"]",null]"#);
        assert_eq!(cut_deep("[1]", 1), "[1]");
    }
}
