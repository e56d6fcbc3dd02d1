//! Which group keeps a contested name: the one whose scope covers the most operations of the
//! collection (then the shorter scope, then text order); the others are qualified by their
//! scope's last segment, then by the whole scope.

use std::collections::{BTreeMap, HashMap};

use super::nodes::Components;
use crate::naming;

impl Components {
    /// How many operations the collection has under each scope (its own and deeper ones): a
    /// scope that covers more is the more general, and keeps a contested name.
    fn coverage(&self) -> HashMap<&str, usize> {
        let mut coverage: HashMap<&str, usize> = HashMap::new();
        for (scope, n) in &self.operations {
            *coverage.entry("").or_default() += n;
            let ends = scope.match_indices('/').map(|(i, _)| i);
            for end in ends.chain([scope.len()]).filter(|e| *e > 0) {
                *coverage.entry(&scope[..end]).or_default() += n;
            }
        }
        coverage
    }

    /// Each group's rank for the names it wants: its members' best scope (see
    /// [`scope_rank`]), and, per first name, the best rank of any group wanting it.
    pub(super) fn ranks(&self, groups: &BTreeMap<usize, Vec<usize>>) -> Ranks {
        let coverage = self.coverage();
        let mut ranks = Ranks::default();
        for (root, members) in groups {
            let rank = members
                .iter()
                .map(|m| scope_rank(&coverage, &self.nodes[*m].scope))
                .min()
                .unwrap_or_default();
            if let Some(name) = self.nodes[members[0]].names.first() {
                let best = ranks.best.entry(name.clone()).or_insert(rank.clone());
                if rank < *best {
                    *best = rank.clone();
                }
            }
            ranks.of_group.insert(*root, rank);
        }
        ranks
    }

    /// Names qualified by the group's scope (`PaymentsTransaction`: its last segment, then all
    /// of it), when another group wanting the same name has a better scope; none otherwise.
    pub(super) fn qualified(
        &self,
        ranks: &Ranks,
        root: usize,
        preferred: &[String],
    ) -> Vec<String> {
        let (Some(name), Some(rank)) = (preferred.first(), ranks.of_group.get(&root)) else {
            return Vec::new();
        };
        let scope = rank.2.as_str();
        if scope.is_empty() || ranks.best.get(name).is_none_or(|best| best >= rank) {
            return Vec::new();
        }
        let last = scope.rsplit('/').next().unwrap_or(scope);
        let mut names = vec![format!("{}{name}", naming::type_name(last))];
        if last != scope {
            names.push(format!("{}{name}", naming::type_name(scope)));
        }
        names
    }
}

/// A scope's standing for a contested name, best first: more operations covered, then
/// fewer characters, then text order.
type Rank = (std::cmp::Reverse<usize>, usize, String);

fn scope_rank(coverage: &HashMap<&str, usize>, scope: &str) -> Rank {
    let covered = coverage.get(scope).copied().unwrap_or_default();
    (std::cmp::Reverse(covered), scope.len(), scope.to_owned())
}

/// Each group's [`Rank`], and the best rank per name.
#[derive(Default)]
pub(super) struct Ranks {
    of_group: BTreeMap<usize, Rank>,
    best: HashMap<String, Rank>,
}
