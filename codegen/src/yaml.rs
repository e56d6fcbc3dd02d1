//! YAML text of a JSON document, written directly: block style, keys in document order, and
//! every scalar written so that YAML 1.1 and YAML 1.2 readers alike read it back as the same
//! JSON value.
//!
//! Readers still on YAML 1.1 (PyYAML, js-yaml's default schema, hence many validators and mock
//! servers) read plain `2021-01-31`, `yes` or `1e5` differently from YAML 1.2, and some fail on
//! an impossible date such as `7841-14-03`, which Postman's faker writes. So a string is
//! written plain only when it cannot be read as anything else in either version; otherwise it
//! is quoted. Multi-line text becomes a literal block (`|`), which keeps description diffs
//! line by line. A general YAML emitter would do the same work through an event stream; this
//! one writes the ~1 MB specs several times faster, which the conversion benchmark needs.

use std::fmt::Write;

use serde_json::{Map, Value};

/// YAML readers stop looking for the `:` of an implicit key after 1024 characters.
const MAX_IMPLICIT_KEY: usize = 1000;

/// Indentation of a nested mapping, and of a literal block's lines, relative to its parent.
const STEP: usize = 2;

/// The YAML text of `document`, ending in a newline.
pub fn to_string(document: &Value) -> String {
    let mut out = String::with_capacity(1 << 16);
    match document {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => sequence(&mut out, items, 0, false),
        scalar => {
            // A top-level scalar has no parent to indent literal lines under; quote it.
            match scalar {
                Value::String(s) => double_quoted(&mut out, s),
                other => inline(&mut out, other),
            }
            out.push('\n');
        }
    }
    out
}

/// Entries of a mapping at `indent`; the first one already has its line started when
/// `inline_first` (after a sequence's `- `).
fn mapping(out: &mut String, map: &Map<String, Value>, indent: usize, inline_first: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        let start = out.len();
        if is_plain_safe(key) {
            out.push_str(key);
        } else {
            quoted(out, key);
        }
        // Longer keys, as written (escapes included), must be explicit: `? key`, `: value`.
        if out.len() - start > MAX_IMPLICIT_KEY {
            out.truncate(start);
            out.push_str("? ");
            double_quoted(out, key);
            out.push('\n');
            pad(out, indent);
        }
        out.push(':');
        node(out, value, indent, true);
    }
}

/// Items of a sequence at `indent`, the first one inline when `inline_first`.
fn sequence(out: &mut String, items: &[Value], indent: usize, inline_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        out.push('-');
        node(out, item, indent, false);
    }
}

/// A value after `key:` (`after_key`) or after `-`, where `indent` is the key's or the dash's
/// column. Writes through the end of the value's last line.
fn node(out: &mut String, value: &Value, indent: usize, after_key: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            if after_key {
                out.push('\n');
                mapping(out, map, indent + STEP, false);
            } else {
                out.push(' ');
                mapping(out, map, indent + STEP, true);
            }
        }
        // A sequence under a key sits at the key's column, as most YAML writers do.
        Value::Array(items) if !items.is_empty() => {
            if after_key {
                out.push('\n');
                sequence(out, items, indent, false);
            } else {
                out.push(' ');
                sequence(out, items, indent + STEP, true);
            }
        }
        Value::String(s) if is_literal_safe(s) => literal(out, s, indent + STEP),
        scalar => {
            out.push(' ');
            inline(out, scalar);
            out.push('\n');
        }
    }
}

/// A scalar, or an empty collection, on the current line.
fn inline(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => number(out, n),
        Value::String(s) if is_plain_safe(s) => out.push_str(s),
        Value::String(s) => quoted(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Integers as they are; floats with a `.` in the mantissa and a signed exponent, the only
/// spelling YAML 1.1 reads as a float (`1e5` is a string there).
fn number(out: &mut String, n: &serde_json::Number) {
    if !n.is_f64() {
        let _ = write!(out, "{n}");
        return;
    }
    let text = n.to_string();
    match text.split_once(['e', 'E']) {
        None if text.contains('.') => out.push_str(&text),
        None => {
            out.push_str(&text);
            out.push_str(".0");
        }
        Some((mantissa, exponent)) => {
            out.push_str(mantissa);
            if !mantissa.contains('.') {
                out.push_str(".0");
            }
            out.push('e');
            if !exponent.starts_with(['-', '+']) {
                out.push('+');
            }
            out.push_str(exponent);
        }
    }
}

fn pad(out: &mut String, mut indent: usize) {
    const SPACES: &str = "                                                                ";
    while indent > SPACES.len() {
        out.push_str(SPACES);
        indent -= SPACES.len();
    }
    out.push_str(&SPACES[..indent]);
}

/// Words that YAML 1.1 or 1.2 resolve to null, a boolean, a special float, or a merge or
/// value key, when plain.
const RESERVED: [&str; 40] = [
    "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y",
    "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", ".inf",
    ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN",
    "<<", "=",
];

/// Whether `s` reads back as this same string when written plain, in YAML 1.1 and 1.2, as a
/// key or a value in block context. Deliberately strict: anything that could start a number,
/// date or time is quoted, as is anything with an indicator where it would mean one.
fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if first.is_ascii_digit()
        || matches!(
            first,
            b'-' | b'?'
                | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
                | b'+'
                | b'.'
                | b' '
        )
        || bytes.last() == Some(&b' ')
        || bytes.last() == Some(&b':')
        || (bytes.len() <= 5 && RESERVED.contains(&s))
    {
        return false;
    }
    // One table lookup per byte; only the rare bytes that matter are looked at further.
    let mut ascii = true;
    for (i, &b) in bytes.iter().enumerate() {
        match BYTE_CLASS[b as usize] {
            ORDINARY => {}
            // `: ` starts a value and ` #` a comment.
            COLON if bytes.get(i + 1) == Some(&b' ') => return false,
            SPACE if bytes.get(i + 1) == Some(&b'#') => return false,
            CONTROL => return false,
            NON_ASCII => ascii = false,
            _ => {}
        }
    }
    ascii || s.chars().all(is_printable)
}

const ORDINARY: u8 = 0;
const COLON: u8 = 1;
const SPACE: u8 = 2;
const CONTROL: u8 = 3;
const NON_ASCII: u8 = 4;

/// What each byte can mean inside a plain scalar.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [ORDINARY; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b':' => COLON,
            b' ' => SPACE,
            0..=0x1F | 0x7F => CONTROL,
            0x80..=0xFF => NON_ASCII,
            _ => ORDINARY,
        };
        b += 1;
    }
    table
};

/// Characters YAML allows unescaped, less those YAML 1.1 reads as line breaks (NEL, LS, PS)
/// and the byte-order mark.
fn is_printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Whether `s` can be a literal block: more than one line, nothing that needs escaping, and
/// a first line that does not start with white space (its indentation would be taken for the
/// block's) nor lines of white space alone (which YAML may fold into the indentation).
fn is_literal_safe(s: &str) -> bool {
    s.contains('\n')
        && s.chars().all(|c| c == '\n' || c == '\t' || is_printable(c))
        && s.split('\n')
            .all(|line| line.is_empty() || !line.trim_start_matches([' ', '\t']).is_empty())
        && s.split('\n')
            .find(|line| !line.is_empty())
            .is_some_and(|line| !line.starts_with([' ', '\t']))
}

/// A literal block whose lines are at `indent`. Chomping keeps the exact number of final
/// newlines: `|-` none, `|` one, `|+` more.
fn literal(out: &mut String, s: &str, indent: usize) {
    let body = s.trim_end_matches('\n');
    let chomp = match s.len() - body.len() {
        0 => "-",
        1 => "",
        _ => "+",
    };
    out.push_str(" |");
    out.push_str(chomp);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
    // Kept final newlines beyond the one that ends the last line.
    for _ in 1..s.len() - body.len() {
        out.push('\n');
    }
}

/// Single quotes when nothing needs escaping, else double quotes.
fn quoted(out: &mut String, s: &str) {
    if s.chars().all(is_printable) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        double_quoted(out, s);
    }
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_printable(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: &Value) -> String {
        let yaml = to_string(v);
        let back: Value = yaml_serde::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        assert_eq!(&back, v, "{yaml}");
        yaml
    }

    #[test]
    fn dates_numbers_and_yaml11_words_are_quoted_outside_block_text() {
        let v = json!({
            "date_from": "7841-14-03",
            "list": ["2021-01-01T00:00:00Z", "no", "plain", "1e5", ".inf", "12:30"],
            "text": "line one\nday: 2021-01-01\n",
            "n": 2021,
            "2021-02-03": {"nested": "on"},
            "200": {"description": "OK"},
        });
        let yaml = round_trip(&v);
        assert!(yaml.contains("date_from: '7841-14-03'"), "{yaml}");
        assert!(yaml.contains("- '2021-01-01T00:00:00Z'"), "{yaml}");
        assert!(yaml.contains("- 'no'"), "{yaml}");
        assert!(yaml.contains("- '1e5'"), "{yaml}");
        assert!(
            yaml.contains("text: |\n  line one\n  day: 2021-01-01\n"),
            "{yaml}"
        );
        assert!(yaml.contains("'n': 2021"), "{yaml}");
        assert!(yaml.contains("'2021-02-03':\n  nested: 'on'"), "{yaml}");
        assert!(yaml.contains("'200':\n  description: OK"), "{yaml}");
    }

    #[test]
    fn structure_is_block_style_with_compact_sequences() {
        let v = json!({
            "paths": {"/a/{id}/": {"get": {"tags": ["x"], "parameters": [
                {"name": "id", "in": "path"}, {"name": "q", "in": "query"}]}}},
            "nested": [[1, 2], [], {}, [{"a": {"b": [true, null]}}]],
            "empty": {},
        });
        let yaml = round_trip(&v);
        assert!(yaml.starts_with("paths:\n  /a/{id}/:\n    get:\n      tags:\n      - x\n"));
        assert!(yaml.contains("      parameters:\n      - name: id\n        in: path\n"));
        assert!(
            yaml.contains("nested:\n- - 1\n  - 2\n- []\n- {}\n- - a:\n"),
            "{yaml}"
        );
        assert!(yaml.ends_with("empty: {}\n"), "{yaml}");
    }

    #[test]
    fn awkward_strings_round_trip() {
        let long = "long key ".repeat(200);
        let escaped = "\0".repeat(200);
        for s in [
            "",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "a#b",
            "x:",
            "- x",
            "'q'",
            "\"dq\"",
            "tab\there",
            "cr\r\nlf",
            "\n",
            "\n\n",
            "a\n",
            "a\n\n",
            "\nlead",
            "  indented\nnext",
            "a\n  \nb",
            "nel\u{85}x",
            "ls\u{2028}x",
            "bom\u{FEFF}",
            "bell\u{7}",
            "~",
            "null",
            "<<",
            "=",
            "0x1F",
            "0o17",
            "1_000",
            "190:20:30",
            "+1",
            ".5",
            "-.inf",
            "Yes",
            "日本語",
            "emoji 🎉",
            "{{baseUrl}}/x",
            "[a]",
            "*alias",
            "&anchor",
            "!tag",
            "%dir",
            "@at",
            "`tick",
            "---",
            "...",
            "a\n---\nb",
            "a\n...\nb",
            long.as_str(),
            escaped.as_str(),
        ] {
            round_trip(&json!({ s: s, "list": [s, {s: [s]}] }));
        }
    }

    #[test]
    fn floats_keep_their_type_in_yaml11() {
        let yaml = round_trip(&json!([1.5, 1e20, 1e-7, -2.5e300, 0.0, 3]));
        for line in yaml.lines() {
            let n = line.trim_start_matches("- ");
            assert!(n == "3" || n.contains('.'), "{n} in {yaml}");
            if let Some((_, exp)) = n.split_once('e') {
                assert!(exp.starts_with(['+', '-']), "{n}");
            }
        }
    }
}
