//! JSON examples → shapes: what every example of a body says about its type.
//!
//! Postman's exports hold type placeholders (`"<uuid>"`, `"<number>"`) where a spec had a type,
//! and concrete values elsewhere. A placeholder is read as the type it names; a concrete string
//! gives a format only when it matches one. Every example of one body is merged into one
//! [`Shape`]: union of properties, integer+number → number, `null` → nullable.

use indexmap::IndexMap;
use serde_json::Value;

/// Nesting depth past which an example value is typed as any JSON value.
pub const MAX_DEPTH: usize = 24;

/// An object's properties in the order they were first seen. Hashed with foldhash: examples
/// are hashed property by property, and SipHash's cost showed in profiles.
pub type Properties = IndexMap<String, Shape, foldhash::fast::RandomState>;

/// What the examples say about one value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shape {
    pub kind: Kind,
    /// A `null` was seen.
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Kind {
    /// Only `null`, or nothing at all, was seen.
    #[default]
    Unknown,
    Boolean,
    Integer {
        format: Format,
    },
    Number {
        format: Format,
    },
    String {
        format: Format,
    },
    Array(Box<Shape>),
    /// Properties in the order they were first seen.
    Object(Properties),
    /// Examples disagree on the kind (say a string here and an object there).
    OneOf(Vec<Shape>),
}

/// A format and how sure we are of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Format {
    /// Nothing known yet (a bare `"<string>"`, lorem ipsum): does not veto another example.
    #[default]
    Unknown,
    Known(&'static str),
    /// Examples showed values with no format, or with different ones.
    None,
}

impl Format {
    fn merge(self, other: Format) -> Format {
        match (self, other) {
            (Format::Unknown, f) | (f, Format::Unknown) => f,
            (Format::Known(a), Format::Known(b)) if a == b => Format::Known(a),
            _ => Format::None,
        }
    }

    pub fn known(&self) -> Option<&'static str> {
        match self {
            Format::Known(f) => Some(f),
            _ => None,
        }
    }
}

impl Shape {
    pub fn of(kind: Kind) -> Shape {
        Shape {
            kind,
            nullable: false,
        }
    }

    /// The shape of one example value.
    pub fn from_example(value: &Value) -> Shape {
        Shape::from_example_at(value, 0)
    }

    fn from_example_at(value: &Value, depth: usize) -> Shape {
        // Deeper than any real API nests; past it a value is typed as any JSON, which keeps
        // every later stage (and the YAML reader) within its recursion limits.
        if depth > MAX_DEPTH {
            return Shape::default();
        }
        match value {
            Value::Null => Shape {
                kind: Kind::Unknown,
                nullable: true,
            },
            Value::Bool(_) => Shape::of(Kind::Boolean),
            Value::Number(n) if n.is_f64() => Shape::of(Kind::Number {
                format: Format::Unknown,
            }),
            Value::Number(_) => Shape::of(Kind::Integer {
                format: Format::Unknown,
            }),
            Value::String(s) => Shape::of(from_string(s)),
            Value::Array(items) => {
                let item = items
                    .iter()
                    .map(|v| Shape::from_example_at(v, depth + 1))
                    .reduce(Shape::merge)
                    .unwrap_or_default();
                Shape::of(Kind::Array(Box::new(item)))
            }
            Value::Object(map) => Shape::of(Kind::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Shape::from_example_at(v, depth + 1)))
                    .collect(),
            )),
        }
    }

    /// The shape of a query, path or form value, which is always text on the wire.
    pub fn from_text(text: &str) -> Shape {
        let kind = from_string(text);
        if !matches!(kind, Kind::String { .. }) || text.starts_with('<') {
            return Shape::of(kind);
        }
        let t = text.trim();
        let kind = if t.parse::<i64>().is_ok() && !t.starts_with('+') {
            Kind::Integer {
                format: Format::Unknown,
            }
        } else if t.parse::<f64>().is_ok()
            && t.contains('.')
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        {
            Kind::Number {
                format: Format::Unknown,
            }
        } else if t == "true" || t == "false" {
            Kind::Boolean
        } else {
            kind
        };
        Shape::of(kind)
    }

    /// Merges what two examples of the same value say.
    pub fn merge(self, other: Shape) -> Shape {
        let nullable = self.nullable || other.nullable;
        let kind = merge_kind(self.kind, other.kind);
        Shape { kind, nullable }
    }

    pub fn is_object(&self) -> bool {
        matches!(self.kind, Kind::Object(_))
    }
}

fn merge_kind(a: Kind, b: Kind) -> Kind {
    use Kind::*;
    match (a, b) {
        (Unknown, k) | (k, Unknown) => k,
        (Boolean, Boolean) => Boolean,
        (Integer { format: a }, Integer { format: b }) => Integer { format: a.merge(b) },
        (Number { format: a }, Number { format: b }) => Number { format: a.merge(b) },
        (Integer { .. }, Number { format }) | (Number { format }, Integer { .. }) => {
            Number { format }
        }
        (String { format: a }, String { format: b }) => String { format: a.merge(b) },
        (Array(a), Array(b)) => Array(Box::new(a.merge(*b))),
        (Object(mut a), Object(b)) => {
            for (key, shape) in b {
                match a.get_mut(&key) {
                    Some(existing) => *existing = std::mem::take(existing).merge(shape),
                    None => {
                        a.insert(key, shape);
                    }
                }
            }
            Object(a)
        }
        (OneOf(mut alts), OneOf(more)) => {
            for alt in more {
                add_alternative(&mut alts, alt);
            }
            OneOf(alts)
        }
        (OneOf(mut alts), other) | (other, OneOf(mut alts)) => {
            add_alternative(&mut alts, Shape::of(other));
            OneOf(alts)
        }
        (a, b) => {
            let mut alts = vec![Shape::of(a)];
            add_alternative(&mut alts, Shape::of(b));
            OneOf(alts)
        }
    }
}

/// Adds `shape` to the alternatives, merged into the one of the same kind if there is one.
fn add_alternative(alts: &mut Vec<Shape>, shape: Shape) {
    let rank = kind_rank(&shape.kind);
    if let Some(existing) = alts.iter_mut().find(|a| kind_rank(&a.kind) == rank) {
        *existing = std::mem::take(existing).merge(shape);
    } else {
        alts.push(shape);
        alts.sort_by_key(|a| kind_rank(&a.kind));
    }
}

/// Kinds that merge into each other share a rank; OneOf keeps one alternative per rank.
fn kind_rank(kind: &Kind) -> u8 {
    match kind {
        Kind::Unknown => 0,
        Kind::Boolean => 1,
        Kind::Integer { .. } | Kind::Number { .. } => 2,
        Kind::String { .. } => 3,
        Kind::Array(_) => 4,
        Kind::Object(_) => 5,
        Kind::OneOf(_) => 6,
    }
}

/// A string example: a placeholder names its type; a concrete value may show a format; a
/// whole `{{variable}}` says only that it is a string.
fn from_string(s: &str) -> Kind {
    if let Some(kind) = placeholder(s) {
        return kind;
    }
    if s.starts_with("{{") && s.ends_with("}}") {
        return Kind::String {
            format: Format::Unknown,
        };
    }
    let format = match detect_format(s) {
        Some(f) => Format::Known(f),
        None if looks_like_free_text(s) => Format::Unknown,
        None => Format::None,
    };
    Kind::String { format }
}

/// Postman's type placeholders, as its OpenAPI importer writes them.
fn placeholder(s: &str) -> Option<Kind> {
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    let string = |format| Kind::String { format };
    Some(match inner {
        "string" => string(Format::Unknown),
        "uuid" => string(Format::Known("uuid")),
        "dateTime" | "date-time" => string(Format::Known("date-time")),
        "date" => string(Format::Known("date")),
        "email" => string(Format::Known("email")),
        "uri" | "url" => string(Format::Known("uri")),
        "byte" => string(Format::Known("byte")),
        "binary" => string(Format::Known("binary")),
        "password" => string(Format::Known("password")),
        "integer" => Kind::Integer {
            format: Format::Unknown,
        },
        "long" => Kind::Integer {
            format: Format::Known("int64"),
        },
        "number" => Kind::Number {
            format: Format::Unknown,
        },
        "float" => Kind::Number {
            format: Format::Known("float"),
        },
        "double" => Kind::Number {
            format: Format::Known("double"),
        },
        "boolean" => Kind::Boolean,
        "object" => Kind::Object(Properties::default()),
        _ => return None,
    })
}

/// Formats recognised in concrete values.
pub fn detect_format(s: &str) -> Option<&'static str> {
    if is_uuid(s) {
        Some("uuid")
    } else if is_date(s) {
        Some("date")
    } else if s.len() > 10 && s.is_char_boundary(10) && is_date(&s[..10]) && is_time(&s[10..]) {
        Some("date-time")
    } else if is_email(s) {
        Some("email")
    } else if (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(' ') {
        Some("uri")
    } else {
        None
    }
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `YYYY-MM-DD` with a plausible month and day (Postman's faker writes `7841-14-03`, which
/// is still meant as a date, so only the layout is checked for the year).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// `THH:MM[:SS[.frac]][Z|±HH:MM]`
fn is_time(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('T').or_else(|| s.strip_prefix(' ')) else {
        return false;
    };
    let b = rest.as_bytes();
    b.len() >= 5
        && b[2] == b':'
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[3..5].iter().all(u8::is_ascii_digit)
        && rest[5..]
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | 'Z' | '+' | '-'))
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !s.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// Lorem ipsum and other prose: lowercase words separated by spaces. Says nothing about a
/// format, so it must not veto one seen in another example.
fn looks_like_free_text(s: &str) -> bool {
    s.contains(' ')
        && s.chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == ',' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(shape: &Shape) -> &Properties {
        match &shape.kind {
            Kind::Object(p) => p,
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn placeholders_are_types_not_values() {
        let s = Shape::from_example(&json!({
            "id": "<uuid>", "balance": "<number>", "count": "<integer>", "at": "<dateTime>",
            "ok": "<boolean>", "name": "<string>", "mail": "<email>", "day": "<date>"
        }));
        let p = object(&s);
        assert_eq!(
            p["id"].kind,
            Kind::String {
                format: Format::Known("uuid")
            }
        );
        assert_eq!(
            p["balance"].kind,
            Kind::Number {
                format: Format::Unknown
            }
        );
        assert_eq!(
            p["count"].kind,
            Kind::Integer {
                format: Format::Unknown
            }
        );
        assert_eq!(
            p["at"].kind,
            Kind::String {
                format: Format::Known("date-time")
            }
        );
        assert_eq!(p["ok"].kind, Kind::Boolean);
        assert_eq!(
            p["mail"].kind,
            Kind::String {
                format: Format::Known("email")
            }
        );
        assert_eq!(
            p["day"].kind,
            Kind::String {
                format: Format::Known("date")
            }
        );
    }

    #[test]
    fn concrete_values_show_formats() {
        assert_eq!(
            detect_format("683005d6-f45c-4adb-b289-f1a12f50f80c"),
            Some("uuid")
        );
        assert_eq!(detect_format("2021-03-04T12:00:00.000Z"), Some("date-time"));
        assert_eq!(detect_format("2021-03-04"), Some("date"));
        assert_eq!(detect_format("a@b.co"), Some("email"));
        assert_eq!(detect_format("https://belvo.com/x"), Some("uri"));
        assert_eq!(detect_format("hello"), None);
        assert_eq!(detect_format("Twitter 政治"), None);
    }

    #[test]
    fn merging_unions_properties_widens_numbers_and_records_null() {
        let a = Shape::from_example(&json!([{"a": 1, "b": null}, {"a": 2.5, "c": "x"}]));
        let Kind::Array(item) = a.kind else { panic!() };
        let p = object(&item);
        assert_eq!(p.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(
            p["a"].kind,
            Kind::Number {
                format: Format::Unknown
            }
        );
        assert!(p["b"].nullable);
        assert!(!p["c"].nullable);
    }

    #[test]
    fn lorem_does_not_veto_a_format_but_a_plain_word_does() {
        let dt = Shape::from_example(&json!("<dateTime>"));
        let lorem = Shape::from_example(&json!("eu tempor adipisicing"));
        assert_eq!(
            dt.clone().merge(lorem).kind,
            Kind::String {
                format: Format::Known("date-time")
            }
        );
        let word = Shape::from_example(&json!("CHECKING"));
        assert_eq!(
            dt.merge(word).kind,
            Kind::String {
                format: Format::None
            }
        );
    }

    #[test]
    fn disagreeing_kinds_become_alternatives() {
        let s = Shape::from_example(&json!("x")).merge(Shape::from_example(&json!({"k": 1})));
        let Kind::OneOf(alts) = s.kind else { panic!() };
        assert_eq!(alts.len(), 2);
    }

    #[test]
    fn nesting_past_the_limit_is_any_value() {
        let mut deep = json!(1);
        for _ in 0..100 {
            deep = json!([deep]);
        }
        let mut shape = Shape::from_example(&deep);
        let mut levels = 0;
        while let Kind::Array(item) = shape.kind {
            shape = *item;
            levels += 1;
        }
        assert_eq!(levels, MAX_DEPTH + 1);
        assert_eq!(shape.kind, Kind::Unknown);
    }

    #[test]
    fn text_values_guess_scalars() {
        assert!(matches!(Shape::from_text("100").kind, Kind::Integer { .. }));
        assert!(matches!(Shape::from_text("true").kind, Kind::Boolean));
        assert!(matches!(
            Shape::from_text("<uuid>").kind,
            Kind::String {
                format: Format::Known("uuid")
            }
        ));
        assert!(matches!(Shape::from_text("abc").kind, Kind::String { .. }));
    }
}
