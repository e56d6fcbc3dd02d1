//! HTTP status codes and their reason phrases, both ways: a spec's response descriptions, and
//! the code of a saved response that Postman stored as text only (`"status": "Not Found"`).

/// The standard reason phrases (RFC 9110 and the common extensions).
const REASONS: &[(u16, &str)] = &[
    (100, "Continue"),
    (101, "Switching Protocols"),
    (200, "OK"),
    (201, "Created"),
    (202, "Accepted"),
    (203, "Non-Authoritative Information"),
    (204, "No Content"),
    (205, "Reset Content"),
    (206, "Partial Content"),
    (207, "Multi-Status"),
    (300, "Multiple Choices"),
    (301, "Moved Permanently"),
    (302, "Found"),
    (303, "See Other"),
    (304, "Not Modified"),
    (307, "Temporary Redirect"),
    (308, "Permanent Redirect"),
    (400, "Bad Request"),
    (401, "Unauthorized"),
    (402, "Payment Required"),
    (403, "Forbidden"),
    (404, "Not Found"),
    (405, "Method Not Allowed"),
    (406, "Not Acceptable"),
    (407, "Proxy Authentication Required"),
    (408, "Request Timeout"),
    (409, "Conflict"),
    (410, "Gone"),
    (411, "Length Required"),
    (412, "Precondition Failed"),
    (413, "Content Too Large"),
    (414, "URI Too Long"),
    (415, "Unsupported Media Type"),
    (416, "Range Not Satisfiable"),
    (417, "Expectation Failed"),
    (418, "I'm a teapot"),
    (421, "Misdirected Request"),
    (422, "Unprocessable Entity"),
    (423, "Locked"),
    (424, "Failed Dependency"),
    (425, "Too Early"),
    (426, "Upgrade Required"),
    (428, "Precondition Required"),
    (429, "Too Many Requests"),
    (431, "Request Header Fields Too Large"),
    (451, "Unavailable For Legal Reasons"),
    (500, "Internal Server Error"),
    (501, "Not Implemented"),
    (502, "Bad Gateway"),
    (503, "Service Unavailable"),
    (504, "Gateway Timeout"),
    (505, "HTTP Version Not Supported"),
    (507, "Insufficient Storage"),
    (511, "Network Authentication Required"),
];

/// Other spellings Postman users and servers write for a standard phrase.
const ALIASES: &[(u16, &str)] = &[
    (200, "Ok"),
    (200, "Success"),
    (413, "Payload Too Large"),
    (422, "Unprocessable Content"),
];

/// The reason phrase of `code`, or its class for codes without one.
pub fn reason(code: u16) -> &'static str {
    if let Some((_, phrase)) = REASONS.iter().find(|(c, _)| *c == code) {
        return phrase;
    }
    match code {
        c if c < 200 => "Informational",
        c if c < 300 => "Success",
        c if c < 400 => "Redirection",
        c if c < 500 => "Client Error",
        _ => "Server Error",
    }
}

/// The code a status line or reason phrase names: `"Not Found"`, `"404 Not Found"`,
/// `"not found"`. `None` for anything else.
pub fn from_status_text(text: &str) -> Option<u16> {
    let text = text.trim();
    if let Some(code) = leading_code(text) {
        return Some(code);
    }
    REASONS
        .iter()
        .chain(ALIASES)
        .find(|(_, phrase)| phrase.eq_ignore_ascii_case(text))
        .map(|(code, _)| *code)
}

/// The code an example's name shows: a leading code (`"201 created"`, `"404: missing"`), or a
/// reason phrase the name starts with (`"Not Found (unknown id)"`, `"Ok (when save_data=false)"`).
/// The longest phrase wins. Informational and redirection phrases are not read from names:
/// `"Found 3 accounts"` names a search, not a 302.
pub fn from_example_name(name: &str) -> Option<u16> {
    let name = name.trim();
    if let Some(code) = leading_code(name) {
        return Some(code);
    }
    let lower = name.to_ascii_lowercase();
    REASONS
        .iter()
        .chain(ALIASES)
        .filter(|(code, phrase)| {
            let phrase = phrase.to_ascii_lowercase();
            !matches!(code / 100, 1 | 3)
                && lower.starts_with(&phrase)
                && !lower[phrase.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        })
        .max_by_key(|(_, phrase)| phrase.len())
        .map(|(code, _)| *code)
}

/// A three-digit status code at the start of `text`, standing alone.
fn leading_code(text: &str) -> Option<u16> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    let rest = &text[digits.len()..];
    if digits.len() != 3 || rest.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    digits.parse().ok().filter(|c| (100..=599).contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_text_and_names_give_codes() {
        for (text, code) in [
            ("OK", Some(200)),
            ("Not Found", Some(404)),
            ("not found", Some(404)),
            ("404 Not Found", Some(404)),
            ("Precondition Required", Some(428)),
            ("Whatever", None),
            ("", None),
        ] {
            assert_eq!(from_status_text(text), code, "{text:?}");
        }
        for (name, code) in [
            ("Ok (when save_data=false)", Some(200)),
            ("Not Found (unknown id)", Some(404)),
            ("Found 3 accounts", None),
            ("201 created", Some(201)),
            ("404: missing", Some(404)),
            ("Created", Some(201)),
            ("Okay then", None),
            ("1234 items", None),
            ("List accounts", None),
        ] {
            assert_eq!(from_example_name(name), code, "{name:?}");
        }
    }

    #[test]
    fn every_code_reads_back_from_its_phrase() {
        for (code, phrase) in REASONS {
            assert_eq!(reason(*code), *phrase);
            assert_eq!(from_status_text(phrase), Some(*code));
        }
        assert_eq!(reason(299), "Success");
    }
}
