//! Random JSON bodies valid under an OpenAPI schema (3.0 or 3.1, as a `serde_json::Value`
//! document), the kinds of bodies `../shared/tools/soundness.py` makes: `$ref` resolved,
//! `allOf` merged, one `oneOf`/`anyOf` alternative at random, `nullable` or a `null` in a type
//! list gives `null` sometimes, enums, optional properties present with p = 0.8 (required
//! always), arrays of 0–3 items (never `null` items), integers, numbers with and without a
//! fraction, valid `date-time`/`date`/`uuid`/`email` strings and any other string content
//! (`x7`), and a depth limit. `additionalProperties` gives no extra keys, as in soundness.py.
//!
//! The PRNG is our own splitmix64, so the bodies of a seed never change with a crate's
//! version and a failure reproduces from the seed alone.

use serde_json::{Map, Value};

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast and good enough to pick test values.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A generator for one part of a run (e.g. an operation and status), so that its bodies
    /// depend on the seed and the part only, not on what was generated before it.
    pub fn for_part(seed: u64, part: &str) -> Self {
        // FNV-1a of the part, mixed with the seed.
        let hash = part.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        Self(seed ^ hash)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `lo..=hi` (the tiny modulo bias does not matter here).
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    pub fn pick<'v, T>(&mut self, items: &'v [T]) -> &'v T {
        &items[self.int(0, items.len() as i64 - 1) as usize]
    }
}

/// Deeper than this, a value is `null` (recursive schemas), as in soundness.py.
const MAX_DEPTH: usize = 12;
/// Probability of `null` where the schema allows it, and of an optional property being present.
const P_NULL: f64 = 0.3;
const P_PRESENT: f64 = 0.8;

/// Generates values for the schemas of one OpenAPI document.
pub struct Generator<'a> {
    document: &'a Value,
    /// Property names never generated (where the truth spec itself is wrong).
    ignored: &'a [&'a str],
    pub rng: Rng,
}

impl<'a> Generator<'a> {
    pub fn new(document: &'a Value, ignored: &'a [&'a str], rng: Rng) -> Self {
        Self {
            document,
            ignored,
            rng,
        }
    }

    /// A body: any value of `schema` but `null` (a response body is never null).
    pub fn body(&mut self, schema: &Value) -> Value {
        loop {
            let value = self.value(schema, 0);
            if !value.is_null() {
                return value;
            }
        }
    }

    /// `schema` with `$ref`s followed (siblings of a `$ref` are ignored, as in soundness.py);
    /// a cycle of references or a dangling one gives the empty schema.
    fn resolve<'s>(&self, mut schema: &'s Value) -> &'s Value
    where
        'a: 's,
    {
        static EMPTY: Value = Value::Null;
        let mut hops = 0;
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            hops += 1;
            match reference
                .strip_prefix('#')
                .map(|p| self.document.pointer(p))
            {
                Some(Some(target)) if hops < 64 => schema = target,
                _ => return &EMPTY,
            }
        }
        schema
    }

    fn value(&mut self, schema: &Value, depth: usize) -> Value {
        let s = self.resolve(schema);
        for key in ["oneOf", "anyOf"] {
            if let Some(alternatives) = s.get(key).and_then(Value::as_array) {
                if !alternatives.is_empty() {
                    let chosen = self.rng.pick(alternatives);
                    return self.value(chosen, depth + 1);
                }
            }
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            if !parts.is_empty() {
                return self.all_of(s, parts, depth);
            }
        }
        let mut typ = s.get("type").cloned();
        if let Some(types) = typ.as_ref().and_then(Value::as_array) {
            let nullable = types.iter().any(|t| t == "null");
            let first = types.iter().find(|t| *t != "null").cloned();
            if nullable && self.rng.chance(P_NULL) {
                return Value::Null;
            }
            typ = first;
        }
        let typ = typ.as_ref().and_then(Value::as_str);
        if s.get("nullable") == Some(&Value::Bool(true)) && self.rng.chance(P_NULL) {
            return Value::Null;
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            // A spec's enum can contradict its own type: keep the values that fit it.
            let fitting: Vec<&Value> = values.iter().filter(|v| fits(typ, v)).collect();
            if !fitting.is_empty() {
                return (*self.rng.pick(&fitting)).clone();
            }
        }
        let typ = typ.unwrap_or(if s.get("properties").is_some() {
            "object"
        } else if s.get("items").is_some() {
            "array"
        } else {
            "string"
        });
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        match typ {
            "object" => self.object(s, depth),
            "array" => {
                let items = s.get("items").unwrap_or(&Value::Null);
                let n = self.rng.int(0, 3);
                // List items are never null: no real API sends `[null]`.
                let values = (0..n).map(|_| self.value(items, depth + 1));
                Value::Array(values.filter(|v| !v.is_null()).collect())
            }
            "integer" => self.rng.int(-5, 100_000).into(),
            "number" => self.number(),
            "boolean" => self.rng.chance(0.5).into(),
            _ => self.string(s),
        }
    }

    /// An object: every required property, each other one with probability `P_PRESENT`,
    /// ignored names never.
    fn object(&mut self, s: &Value, depth: usize) -> Value {
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = s.get("properties").and_then(Value::as_object) {
            for (name, sub) in properties {
                if self.ignored.contains(&name.as_str()) {
                    continue;
                }
                if required.contains(&name.as_str()) || self.rng.chance(P_PRESENT) {
                    let v = self.value(sub, depth + 1);
                    out.insert(name.clone(), v);
                }
            }
        }
        Value::Object(out)
    }

    /// A number: half the time an integer, else a float with two decimals.
    fn number(&mut self) -> Value {
        if self.rng.chance(0.5) {
            self.rng.int(0, 1000).into()
        } else {
            // Two decimals; a whole result stays a float (`12.0`), as in Python.
            let x = -1000.0 + 2000.0 * self.rng.unit();
            ((x * 100.0).round() / 100.0).into()
        }
    }

    /// A string, in the schema's format when it is one of the common ones.
    fn string(&mut self, s: &Value) -> Value {
        match s.get("format").and_then(Value::as_str) {
            Some("date-time") => "2024-05-01T12:34:56.789Z".into(),
            Some("date") => "2024-05-01".into(),
            Some("uuid") => "0d3ffb69-f83b-456e-ad8e-208d0998d71d".into(),
            Some("email") => "a@b.co".into(),
            _ => format!("x{}", self.rng.int(0, 9)).into(),
        }
    }

    /// `allOf`: objects are generated part by part and their properties merged; anything else
    /// (an `allOf` of scalars, or of schemas without properties) is one value of the merged
    /// schema.
    fn all_of(&mut self, s: &Value, parts: &[Value], depth: usize) -> Value {
        let resolved: Vec<&Value> = parts.iter().map(|p| self.resolve(p)).collect();
        let is_object = s.get("type").is_none_or(|t| t == "object");
        let has_object_part = resolved
            .iter()
            .any(|p| p.get("properties").is_some() || p.get("type") == Some(&"object".into()));
        if !is_object || !has_object_part {
            let mut merged = Map::new();
            for part in resolved {
                if let Some(object) = part.as_object() {
                    merged.extend(object.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            if let Some(object) = s.as_object() {
                let own = object.iter().filter(|(k, _)| *k != "allOf");
                merged.extend(own.map(|(k, v)| (k.clone(), v.clone())));
            }
            return self.value(&Value::Object(merged), depth + 1);
        }
        let mut out = Map::new();
        for part in parts {
            if let Value::Object(object) = self.value(part, depth + 1) {
                out.extend(object);
            }
        }
        Value::Object(out)
    }
}

/// Whether an enum value fits the schema's type (any value when there is none).
fn fits(typ: Option<&str>, value: &Value) -> bool {
    match typ {
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Many bodies of `schema` (in `document` at `#/components/schemas/Root`).
    fn bodies(document: &Value, seed: u64, n: usize) -> Vec<Value> {
        let root = json!({"$ref": "#/components/schemas/Root"});
        let mut g = Generator::new(document, &[], Rng::new(seed));
        (0..n).map(|_| g.body(&root)).collect()
    }

    fn document(root: Value, others: Value) -> Value {
        let mut schemas = others.as_object().cloned().unwrap_or_default();
        schemas.insert("Root".into(), root);
        json!({"components": {"schemas": schemas}})
    }

    #[test]
    fn same_seed_same_bodies_other_seed_other_bodies() {
        let doc = document(
            json!({"type": "object", "properties": {
                "a": {"type": "integer"}, "b": {"type": "string", "nullable": true},
                "c": {"type": "array", "items": {"type": "number"}}}}),
            json!({}),
        );
        assert_eq!(bodies(&doc, 7, 50), bodies(&doc, 7, 50));
        assert_ne!(bodies(&doc, 7, 50), bodies(&doc, 8, 50));
        // A part's stream depends on the part's name, not on the order parts are visited in.
        let mut a = Rng::for_part(1, "get /x 200");
        let mut b = Rng::for_part(1, "get /x 201");
        assert_ne!(a.next_u64(), b.next_u64());
        assert_eq!(
            Rng::for_part(1, "get /x 200").next_u64(),
            Rng::for_part(1, "get /x 200").next_u64()
        );
    }

    #[test]
    fn rng_ranges_are_inclusive_and_covered() {
        let mut rng = Rng::new(3);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            let n = rng.int(0, 3);
            assert!((0..=3).contains(&n));
            seen[n as usize] = true;
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!(seen, [true; 4]);
    }

    /// Every body of an object with required, optional, nullable (3.0 and 3.1 forms),
    /// formatted, enum and array properties has exactly the values those allow, and over many
    /// bodies each allowed variant shows up.
    #[test]
    fn object_bodies_follow_the_schema() {
        let doc = document(
            json!({"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "at": {"type": "string", "format": "date-time"},
                "day": {"type": "string", "format": "date"},
                "mail": {"type": "string", "format": "email"},
                "note": {"type": "string", "nullable": true},
                "note31": {"type": ["string", "null"]},
                "count": {"type": "integer"},
                "amount": {"type": "number"},
                "flag": {"type": "boolean"},
                "kind": {"type": "string", "enum": ["A", "B", 3]},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}}),
            json!({"Tag": {"type": "object", "nullable": true, "properties": {"t": {"type": "string"}}}}),
        );
        let all = bodies(&doc, 1, 400);
        let mut seen = std::collections::BTreeSet::new();
        for body in &all {
            let o = body.as_object().expect("an object");
            assert_eq!(o["id"], "0d3ffb69-f83b-456e-ad8e-208d0998d71d");
            for (k, v) in o {
                let variant = match (k.as_str(), v) {
                    ("id", _) => "id",
                    ("at", v) if v == "2024-05-01T12:34:56.789Z" => "at",
                    ("day", v) if v == "2024-05-01" => "day",
                    ("mail", v) if v == "a@b.co" => "mail",
                    ("note" | "note31", Value::Null) => "note null",
                    ("note" | "note31", Value::String(s)) if is_any_string(s) => "note string",
                    ("count", v) if v.is_i64() && (-5..=100_000).contains(&v.as_i64().unwrap()) => {
                        "count"
                    }
                    ("amount", v) if v.is_f64() => "amount fraction",
                    ("amount", v) if v.is_i64() => "amount whole",
                    ("flag", Value::Bool(_)) => "flag",
                    ("kind", v) if v == "A" || v == "B" => "kind",
                    ("tags", Value::Array(items)) => {
                        assert!(items.len() <= 3, "{body}");
                        for item in items {
                            let t = item.as_object().expect("tag items are never null");
                            assert!(t.get("t").is_none_or(|t| t.is_string()), "{body}");
                        }
                        if items.is_empty() {
                            "tags empty"
                        } else {
                            "tags"
                        }
                    }
                    _ => panic!("unexpected {k}: {v} in {body}"),
                };
                seen.insert(variant);
            }
        }
        let expected = [
            "amount fraction",
            "amount whole",
            "at",
            "count",
            "day",
            "flag",
            "id",
            "kind",
            "mail",
            "note null",
            "note string",
            "tags",
            "tags empty",
        ];
        assert_eq!(seen, expected.into_iter().collect());
        // Optional properties are present about 80 % of the time.
        let present = all.iter().filter(|b| b.get("count").is_some()).count();
        assert!((280..=360).contains(&present), "{present}");
    }

    fn is_any_string(s: &str) -> bool {
        s.len() == 2 && s.starts_with('x') && s.as_bytes()[1].is_ascii_digit()
    }

    #[test]
    fn alternatives_all_of_and_recursion() {
        let doc = document(
            json!({"type": "object", "required": ["pick", "both", "node", "scalar"], "properties": {
                "pick": {"oneOf": [{"type": "integer"}, {"$ref": "#/components/schemas/Tag"}]},
                "any": {"anyOf": [{"type": "boolean"}]},
                "both": {"allOf": [
                    {"$ref": "#/components/schemas/Tag"},
                    {"type": "object", "required": ["u"], "properties": {"u": {"type": "integer"}}}]},
                "scalar": {"allOf": [{"type": "string"}, {"format": "date"}]},
                "node": {"$ref": "#/components/schemas/Node"}}}),
            json!({
                "Tag": {"type": "object", "required": ["t"], "properties": {"t": {"type": "string"}}},
                "Node": {"type": "object", "required": ["next"],
                         "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}),
        );
        let (mut ints, mut tags) = (0, 0);
        for body in bodies(&doc, 5, 200) {
            match &body["pick"] {
                Value::Number(n) if n.is_i64() => ints += 1,
                Value::Object(o) if o["t"].is_string() => tags += 1,
                other => panic!("pick: {other}"),
            }
            assert!(body.get("any").is_none_or(Value::is_boolean), "{body}");
            assert!(
                body["both"]["t"].is_string() && body["both"]["u"].is_i64(),
                "{body}"
            );
            assert_eq!(body["scalar"], "2024-05-01");
            // The depth limit ends the recursion with a null.
            let mut node = &body["node"];
            let mut levels = 0;
            while !node.is_null() {
                node = &node["next"];
                levels += 1;
            }
            assert_eq!(levels, MAX_DEPTH, "{body}");
        }
        assert!(ints > 50 && tags > 50, "{ints} {tags}");
    }

    #[test]
    fn ignored_properties_are_never_generated() {
        let doc = document(
            json!({"type": "object", "required": ["bad"],
                   "properties": {"bad": {"format": "string"}, "good": {"type": "integer"}}}),
            json!({}),
        );
        let root = json!({"$ref": "#/components/schemas/Root"});
        let mut g = Generator::new(&doc, &["bad"], Rng::new(1));
        for _ in 0..50 {
            assert!(g.body(&root).get("bad").is_none());
        }
    }
}
