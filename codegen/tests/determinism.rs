//! The same collection gives the same bytes, whatever the order of its items and saved
//! responses, so a spec diff in review shows only real API changes.

mod support;

use serde_json::Value;

/// A small deterministic generator, so a failure can be replayed from its seed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

/// Shuffles every `item` and `response` array of the collection, at every depth.
fn shuffle(value: &mut Value, rng: &mut Lcg) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if let ("item" | "response", Value::Array(list)) = (key.as_str(), &mut *child) {
                    for i in (1..list.len()).rev() {
                        list.swap(i, rng.next(i + 1));
                    }
                }
                shuffle(child, rng);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|v| shuffle(v, rng)),
        _ => {}
    }
}

fn yaml_of(text: &str) -> String {
    codegen::to_yaml(&codegen::convert(text).unwrap().document)
}

#[test]
fn converting_twice_gives_identical_bytes() {
    let text = include_str!("../../spec/belvo.postman_collection.json");
    assert_eq!(yaml_of(text), yaml_of(text));
}

#[test]
#[cfg_attr(no_shared, ignore = "../shared is absent")]
fn shuffled_items_and_responses_give_the_same_spec() {
    let shared = support::shared_dir();
    let text = std::fs::read_to_string(shared.join("belvo/belvo.postman_collection.json")).unwrap();
    let expected = yaml_of(&text);
    for seed in [1, 2, 3] {
        let mut collection: Value = serde_json::from_str(&text).unwrap();
        shuffle(&mut collection, &mut Lcg(seed));
        let shuffled = serde_json::to_string(&collection).unwrap();
        assert_ne!(shuffled, text);
        assert!(
            yaml_of(&shuffled) == expected,
            "seed {seed} changed the spec"
        );
    }
}
