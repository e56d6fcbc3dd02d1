//! Object shapes → named components.
//!
//! Every object shape found in a body becomes a node with the names its context suggests
//! (`Balance` for the items of `/api/balances/`, `TokenGenerationData` for that property).
//! Nodes are then grouped: nodes that want the same name and share most of their properties
//! are one type seen through different examples (a `null` here, an extra field there), and are
//! merged; nodes with identical shapes are one component whatever their names. Each group gets
//! one name, unique, chosen from its members in a canonical order so the same collection
//! always gives the same names.
//!
//! Every node also has a scope: the literal path segments before its operation's resource
//! (`api` for `/api/transactions/`, `payments` for `/payments/transactions/`). Same-named
//! nodes of different scopes whose fields conflict (one field of different kinds: a number
//! here, a string there) are different resources, not variants of one: they stay apart, and
//! the one whose scope covers fewer operations of the collection is qualified by its scope
//! (`PaymentsTransaction`), so the plain name stays with the main product's resource when a
//! collection grows by another.

mod merge;
mod names;
mod nodes;
mod schemas;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::naming::{self, Namer};
pub use nodes::{Components, Context};
use schemas::replace_pending;

impl Components {
    /// Names every group and returns the `components/schemas` map; `document` has its
    /// pending references replaced by `$ref`s.
    pub fn finish(mut self, document: &mut Value) -> Map<String, Value> {
        self.widen_fractional_names();
        self.merge_same_name();
        let mut built = self.merge_identical();
        let groups = self.members();
        let ranks = self.ranks(&groups);

        let mut namer = Namer::default();
        let mut names: BTreeMap<usize, String> = BTreeMap::new();
        let mut order: Vec<(bool, usize)> = groups
            .iter()
            .map(|(root, members)| (!members.iter().any(|m| self.nodes[*m].from_body), *root))
            .collect();
        order.sort();
        for (_, root) in order {
            let members = &groups[&root];
            let mut preferred: Vec<String> = Vec::new();
            for m in members {
                if let Some(first) = self.nodes[*m].names.first() {
                    if !preferred.contains(first) {
                        preferred.push(first.clone());
                    }
                }
            }
            let mut candidates = self.qualified(&ranks, root, &preferred);
            if preferred.len() > 1 {
                candidates.extend(naming::common_name(&preferred));
            }
            candidates.extend(preferred);
            candidates.extend(self.nodes[members[0]].names.iter().skip(1).cloned());
            names.insert(root, namer.unique(&candidates));
        }

        let mut schemas = Map::new();
        let mut ordered: Vec<(&String, usize)> = names.iter().map(|(r, n)| (n, *r)).collect();
        ordered.sort();
        for (name, root) in ordered {
            let schema = match built.remove(&root) {
                Some(schema) => schema,
                None => self.group_schema(&groups[&root]),
            };
            schemas.insert(name.clone(), schema);
        }
        let mut resolve = |id: usize| {
            let root = self.find(id);
            format!("#/components/schemas/{}", names[&root])
        };
        for schema in schemas.values_mut() {
            replace_pending(schema, &mut resolve);
        }
        replace_pending(document, &mut resolve);
        schemas
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::infer::Shape;

    fn ctx(name: &str) -> Context {
        Context::named(vec![name.to_string()])
    }

    #[test]
    fn variants_of_one_type_merge_and_identical_shapes_share() {
        let mut c = Components::default();
        let a = Shape::from_example(
            &json!({"id": "<uuid>", "category": null, "account": {"name": "<string>"}}),
        );
        let b = Shape::from_example(
            &json!({"id": "<uuid>", "category": "X", "extra": 1, "account": {"name": "<string>"}}),
        );
        let err = Shape::from_example(&json!({"code": "<string>", "message": "<string>"}));
        let mut doc = json!({
            "a": c.schema(&a, &ctx("Balance")),
            "b": c.schema(&b, &ctx("Balance")),
            "e1": c.schema(&err, &ctx("Error")),
            "e2": c.schema(&err, &ctx("Error")),
        });
        let schemas = c.finish(&mut doc);
        assert_eq!(
            schemas.keys().collect::<Vec<_>>(),
            ["Account", "Balance", "Error"]
        );
        assert_eq!(doc["a"], doc["b"]);
        assert_eq!(doc["e1"]["$ref"], "#/components/schemas/Error");
        let balance = &schemas["Balance"]["properties"];
        assert_eq!(balance["category"]["nullable"], true);
        assert_eq!(balance["account"]["$ref"], "#/components/schemas/Account");
        assert!(balance.get("extra").is_some());
    }

    #[test]
    fn different_shapes_wanting_one_name_get_distinct_names() {
        let mut c = Components::default();
        let a = Shape::from_example(&json!({"a": 1, "b": 2}));
        let b = Shape::from_example(&json!({"x": 1, "y": 2, "z": 3}));
        let mut doc = json!([
            c.schema(&a, &ctx("Thing")),
            c.schema(
                &b,
                &Context::named(vec!["Thing".into(), "OtherThing".into()])
            ),
        ]);
        let schemas = c.finish(&mut doc);
        assert_eq!(schemas.keys().collect::<Vec<_>>(), ["OtherThing", "Thing"]);
    }

    #[test]
    fn array_items_are_named_in_the_singular() {
        let mut c = Components::default();
        let s = Shape::from_example(&json!({"interest_rates": [{"rate": 1.5}]}));
        let mut doc = c.schema(&s, &ctx("Loan"));
        let schemas = c.finish(&mut doc);
        assert!(schemas.contains_key("InterestRate"), "{schemas:?}");
    }
}
