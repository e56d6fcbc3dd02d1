//! YAML text of a spec that every common YAML reader takes as written.
//!
//! The serializer writes YAML 1.2, where `2021-01-31` and `yes` are plain strings. Readers
//! still on YAML 1.1 (PyYAML, js-yaml's default schema, hence many validators and mock
//! servers) read them as a timestamp and a boolean, and some fail on an impossible date such
//! as `7841-14-03`, which Postman's faker writes. Such scalars are quoted here.

/// Serializes `value` and quotes the plain scalars a YAML 1.1 reader would not keep as text.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, yaml_serde::Error> {
    let text = yaml_serde::to_string(value)?;
    let mut out = String::with_capacity(text.len() + 64);
    // Indentation of the line that opened a block scalar (`key: |-`); deeper lines are text.
    let mut block: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(open) = block {
            if line.trim().is_empty() || indent > open {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block = None;
        }
        let (indent_text, key, value) = split_line(line);
        if value.starts_with('|') || value.starts_with('>') {
            block = Some(indent);
        }
        out.push_str(indent_text);
        if let Some(key) = key {
            push_scalar(&mut out, key);
            out.push(':');
            if !value.is_empty() {
                out.push(' ');
            }
        }
        push_scalar(&mut out, value);
        out.push('\n');
    }
    Ok(out)
}

/// Splits a line into its indentation (with any `- ` markers), its mapping key if it has a
/// plain one, and its value. A plain scalar cannot contain `": "` nor end in `:`, so the first
/// `": "`, or a final `:`, ends a key.
fn split_line(line: &str) -> (&str, Option<&str>, &str) {
    let mut start = line.len() - line.trim_start().len();
    while line[start..].starts_with("- ") {
        start += 2;
    }
    let (head, rest) = line.split_at(start);
    if rest.starts_with(['\'', '"']) {
        return (head, None, rest);
    }
    if let Some(colon) = rest.find(": ") {
        return (head, Some(&rest[..colon]), &rest[colon + 2..]);
    }
    match rest.strip_suffix(':') {
        Some(key) => (head, Some(key), ""),
        None => (head, None, rest),
    }
}

fn push_scalar(out: &mut String, scalar: &str) {
    if needs_quotes(scalar) {
        out.push('\'');
        out.push_str(scalar);
        out.push('\'');
    } else {
        out.push_str(scalar);
    }
}

fn needs_quotes(value: &str) -> bool {
    const YAML11_BOOLEANS: [&str; 16] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF",
    ];
    YAML11_BOOLEANS.contains(&value) || looks_like_timestamp(value)
}

/// `YYYY-M-D` optionally followed by a time, as YAML 1.1's timestamp type reads it.
fn looks_like_timestamp(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5].is_ascii_digit()
        && value[5..].chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '-' | ':' | '.' | 'T' | 't' | 'Z' | '+' | ' ')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_and_yaml11_booleans_are_quoted_outside_block_text() {
        let v = json!({
            "date_from": "7841-14-03",
            "list": ["2021-01-01T00:00:00Z", "no", "plain"],
            "text": "line one\nday: 2021-01-01\n",
            "n": 2021,
            "2021-02-03": {"nested": "on"},
        });
        let yaml = to_string(&v).unwrap();
        assert!(yaml.contains("date_from: '7841-14-03'"), "{yaml}");
        assert!(yaml.contains("- '2021-01-01T00:00:00Z'"), "{yaml}");
        assert!(yaml.contains("- 'no'"), "{yaml}");
        assert!(yaml.contains("  day: 2021-01-01\n"), "{yaml}");
        assert!(yaml.contains("'n': 2021"), "{yaml}");
        assert!(yaml.contains("'2021-02-03':\n  nested: 'on'"), "{yaml}");
        let back: serde_json::Value = yaml_serde::from_str(&yaml).unwrap();
        assert_eq!(back, v);
    }
}
