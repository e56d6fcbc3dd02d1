//! JSON examples → shapes: what every example of a body says about its type.
//!
//! Evidence comes in two strengths. A type placeholder (`"<uuid>"`, `"<integer>"`), which
//! Postman's exporter writes where the source spec had a type, is a contract: it is kept as
//! precise as it is. A concrete value is one sample, a guess: it shows its JSON type and
//! nothing more. A uuid-, date- or URL-looking string gives no format, since the API may send
//! `acc_9f3` or `2024-05-01 12:00` next time; a whole number gives an integer marked as a guess
//! ([`JsonType::Integer::guessed`]), which the client reads as any number. Every example of one
//! value is merged into one [`Shape`] by least upper bound: union of properties,
//! integer ∪ number = number, uuid ∪ string = string, `null` → nullable.

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
    pub kind: JsonType,
    /// A `null` was seen.
    pub nullable: bool,
}

/// The JSON type the examples of a value show (with the format they name), or the several
/// types they disagree on.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum JsonType {
    /// Only `null`, or nothing at all, was seen.
    #[default]
    Unknown,
    Boolean,
    Integer {
        format: Format,
        /// Only whole sample values showed it; no placeholder did. The spec still says
        /// `integer` (what every example is), marked with [`GUESS_EXTENSION`], and the client
        /// reads it as any number, so a later `24.29` cannot fail a call.
        guessed: bool,
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

/// The extension that marks a schema whose `integer` rests on sample values only.
pub const GUESS_EXTENSION: &str = "x-from-examples";

/// A format and how sure we are of it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Format {
    /// Nothing known (a whole `{{variable}}`): does not veto another example.
    #[default]
    Unknown,
    /// A placeholder named it.
    Known(&'static str),
    /// A placeholder without a format (`"<string>"`), a sample value, or examples that
    /// disagree: any text.
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
    pub fn of(kind: JsonType) -> Shape {
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
                kind: JsonType::Unknown,
                nullable: true,
            },
            Value::Bool(_) => Shape::of(JsonType::Boolean),
            Value::Number(n) if n.is_f64() => Shape::of(JsonType::Number {
                format: Format::Unknown,
            }),
            Value::Number(_) => Shape::of(JsonType::Integer {
                format: Format::Unknown,
                guessed: true,
            }),
            Value::String(s) => Shape::of(from_string(s)),
            Value::Array(items) => {
                let item = items
                    .iter()
                    .map(|v| Shape::from_example_at(v, depth + 1))
                    .reduce(Shape::merge)
                    .unwrap_or_default();
                Shape::of(JsonType::Array(Box::new(item)))
            }
            Value::Object(map) => Shape::of(JsonType::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Shape::from_example_at(v, depth + 1)))
                    .collect(),
            )),
        }
    }

    /// The shape of a query, path or form value, which is always text on the wire.
    pub fn from_text(text: &str) -> Shape {
        let kind = from_string(text);
        if !matches!(kind, JsonType::String { .. }) || text.starts_with('<') {
            return Shape::of(kind);
        }
        let t = text.trim();
        let kind = if t.parse::<i64>().is_ok() && !t.starts_with('+') {
            JsonType::Integer {
                format: Format::Unknown,
                guessed: true,
            }
        } else if t.parse::<f64>().is_ok()
            && t.contains('.')
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        {
            JsonType::Number {
                format: Format::Unknown,
            }
        } else if t == "true" || t == "false" {
            JsonType::Boolean
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
        matches!(self.kind, JsonType::Object(_))
    }
}

fn merge_kind(a: JsonType, b: JsonType) -> JsonType {
    use JsonType::*;
    match (a, b) {
        (Unknown, k) | (k, Unknown) => k,
        (Boolean, Boolean) => Boolean,
        // A contract that says integer outweighs samples that agree with it.
        (
            Integer {
                format: a,
                guessed: ga,
            },
            Integer {
                format: b,
                guessed: gb,
            },
        ) => Integer {
            format: a.merge(b),
            guessed: ga && gb,
        },
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
fn kind_rank(kind: &JsonType) -> u8 {
    match kind {
        JsonType::Unknown => 0,
        JsonType::Boolean => 1,
        JsonType::Integer { .. } | JsonType::Number { .. } => 2,
        JsonType::String { .. } => 3,
        JsonType::Array(_) => 4,
        JsonType::Object(_) => 5,
        JsonType::OneOf(_) => 6,
    }
}

/// A string example: a placeholder names its type; a whole `{{variable}}` says only that it
/// is a string; any other value is one sample of text, whatever it looks like.
fn from_string(s: &str) -> JsonType {
    if let Some(kind) = placeholder(s) {
        return kind;
    }
    let format = if s.starts_with("{{") && s.ends_with("}}") {
        Format::Unknown
    } else {
        Format::None
    };
    JsonType::String { format }
}

/// Postman's type placeholders, as its OpenAPI importer writes them.
fn placeholder(s: &str) -> Option<JsonType> {
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    let string = |format| JsonType::String { format };
    Some(match inner {
        "string" => string(Format::None),
        "uuid" => string(Format::Known("uuid")),
        "dateTime" | "date-time" => string(Format::Known("date-time")),
        "date" => string(Format::Known("date")),
        "email" => string(Format::Known("email")),
        "uri" | "url" => string(Format::Known("uri")),
        "byte" => string(Format::Known("byte")),
        "binary" => string(Format::Known("binary")),
        "password" => string(Format::Known("password")),
        "integer" => JsonType::Integer {
            format: Format::Unknown,
            guessed: false,
        },
        "long" => JsonType::Integer {
            format: Format::Known("int64"),
            guessed: false,
        },
        "number" => JsonType::Number {
            format: Format::Unknown,
        },
        "float" => JsonType::Number {
            format: Format::Known("float"),
        },
        "double" => JsonType::Number {
            format: Format::Known("double"),
        },
        "boolean" => JsonType::Boolean,
        "object" => JsonType::Object(Properties::default()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(shape: &Shape) -> &Properties {
        match &shape.kind {
            JsonType::Object(p) => p,
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
            JsonType::String {
                format: Format::Known("uuid")
            }
        );
        assert_eq!(
            p["balance"].kind,
            JsonType::Number {
                format: Format::Unknown
            }
        );
        assert_eq!(
            p["count"].kind,
            JsonType::Integer {
                format: Format::Unknown,
                guessed: false
            }
        );
        assert_eq!(
            p["at"].kind,
            JsonType::String {
                format: Format::Known("date-time")
            }
        );
        assert_eq!(p["ok"].kind, JsonType::Boolean);
        assert_eq!(
            p["mail"].kind,
            JsonType::String {
                format: Format::Known("email")
            }
        );
        assert_eq!(
            p["day"].kind,
            JsonType::String {
                format: Format::Known("date")
            }
        );
    }

    #[test]
    fn sample_values_give_no_format() {
        for sample in [
            "683005d6-f45c-4adb-b289-f1a12f50f80c",
            "2021-03-04T12:00:00.000Z",
            "2021-03-04",
            "a@b.co",
            "https://belvo.com/x",
            "eu tempor adipisicing",
        ] {
            assert_eq!(
                Shape::from_example(&json!(sample)).kind,
                JsonType::String {
                    format: Format::None
                },
                "{sample}"
            );
        }
    }

    #[test]
    fn whole_samples_are_guessed_integers_and_placeholders_outweigh_them() {
        let guess = Shape::from_example(&json!(100));
        assert_eq!(
            guess.kind,
            JsonType::Integer {
                format: Format::Unknown,
                guessed: true
            }
        );
        let contract = Shape::from_example(&json!("<integer>"));
        assert_eq!(
            guess.clone().merge(contract).kind,
            JsonType::Integer {
                format: Format::Unknown,
                guessed: false
            }
        );
        let fraction = Shape::from_example(&json!(24.29));
        assert!(matches!(
            guess.merge(fraction).kind,
            JsonType::Number { .. }
        ));
    }

    #[test]
    fn merging_unions_properties_widens_numbers_and_records_null() {
        let a = Shape::from_example(&json!([{"a": 1, "b": null}, {"a": 2.5, "c": "x"}]));
        let JsonType::Array(item) = a.kind else {
            panic!()
        };
        let p = object(&item);
        assert_eq!(p.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(
            p["a"].kind,
            JsonType::Number {
                format: Format::Unknown
            }
        );
        assert!(p["b"].nullable);
        assert!(!p["c"].nullable);
    }

    /// Least upper bound: a format survives only where every example names it.
    #[test]
    fn a_format_survives_only_where_every_example_names_it() {
        let uuid = || Shape::from_example(&json!("<uuid>"));
        for other in [
            "<string>",
            "eu tempor adipisicing",
            "CHECKING",
            "<dateTime>",
        ] {
            assert_eq!(
                uuid().merge(Shape::from_example(&json!(other))).kind,
                JsonType::String {
                    format: Format::None
                },
                "{other}"
            );
        }
        assert_eq!(
            uuid().merge(uuid()).kind,
            JsonType::String {
                format: Format::Known("uuid")
            }
        );
        // A `{{variable}}` says nothing about the format, so it does not veto one.
        assert_eq!(
            uuid()
                .merge(Shape::from_example(&json!("{{link_id}}")))
                .kind,
            JsonType::String {
                format: Format::Known("uuid")
            }
        );
    }

    #[test]
    fn disagreeing_kinds_become_alternatives() {
        let s = Shape::from_example(&json!("x")).merge(Shape::from_example(&json!({"k": 1})));
        let JsonType::OneOf(alts) = s.kind else {
            panic!()
        };
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
        while let JsonType::Array(item) = shape.kind {
            shape = *item;
            levels += 1;
        }
        assert_eq!(levels, MAX_DEPTH + 1);
        assert_eq!(shape.kind, JsonType::Unknown);
    }

    #[test]
    fn text_values_guess_scalars() {
        assert!(matches!(
            Shape::from_text("100").kind,
            JsonType::Integer { .. }
        ));
        assert!(matches!(Shape::from_text("true").kind, JsonType::Boolean));
        assert!(matches!(
            Shape::from_text("<uuid>").kind,
            JsonType::String {
                format: Format::Known("uuid")
            }
        ));
        assert!(matches!(
            Shape::from_text("abc").kind,
            JsonType::String { .. }
        ));
    }
}
