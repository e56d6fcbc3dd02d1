//! The collection's JSON read without the parts that are never read: items' scripts and the
//! request saved with each example (a third of a typical export), so they can neither fail an
//! item nor cost memory.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Where a value sits in a collection, for [`Pruned`].
#[derive(Clone, Copy)]
pub(super) enum Level {
    Root,
    Items,
    Item,
    Responses,
    Response,
    /// Anywhere else: an ordinary `Value`.
    Other,
}

/// Reads a collection into a `Value` without the parts that are never read: items' `event`
/// scripts and saved responses' `originalRequest`. The latter is a third of a typical export's
/// text and most of its objects. Being never built, neither can fail an item either. Anything
/// outside the item tree's structure is read as serde_json reads it.
pub(super) struct Pruned(pub(super) Level);

impl<'de> DeserializeSeed<'de> for Pruned {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self.0 {
            Level::Other => Value::deserialize(deserializer),
            _ => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Pruned {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let element = match self.0 {
            Level::Items => Level::Item,
            Level::Responses => Level::Response,
            _ => Level::Other,
        };
        let mut out = Vec::new();
        while let Some(value) = seq.next_element_seed(Pruned(element))? {
            out.push(value);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let level = match (self.0, key.as_str()) {
                (Level::Item, "event") | (Level::Response, "originalRequest") => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                (Level::Root, "collection") => Level::Root,
                (Level::Root | Level::Item, "item") => Level::Items,
                (Level::Item, "response") => Level::Responses,
                _ => Level::Other,
            };
            let value = map.next_value_seed(Pruned(level))?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}
