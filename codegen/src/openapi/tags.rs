//! What an operation's folders and path name: its tag (the innermost folder), the
//! `x-tagGroups` of nested folders, and the resource and scope that name its components.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

/// The tag of a request in `folders`: its innermost folder that is not a path parameter
/// (`{id}`, `:id`).
pub(super) fn tag_of(folders: &[String]) -> Option<String> {
    folders
        .iter()
        .rev()
        .find(|f| !is_parameter_folder(f))
        .cloned()
}

/// The folders that hold tag folders, as Redocly's `x-tagGroups` (`[{name, tags}]`): a
/// top-level folder with the tags found under it, both sorted by name, since Postman's order
/// must not reach the document (shuffled items give the same spec). A tag seen under two
/// top-level folders belongs to the first by name, so that each operation has one group (the
/// client stage makes each group a Cargo feature). `None` when no tag folder is nested in
/// another, so a flat collection's document has no such key.
pub(super) fn tag_groups(folders: &[Vec<String>], tags: &BTreeSet<String>) -> Option<Value> {
    let mut tops: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut nested = false;
    for folders in folders {
        let Some(tag) = tag_of(folders) else { continue };
        let Some(tag) = tags.get(&tag) else { continue };
        let top = folders.iter().find(|f| !is_parameter_folder(f));
        let Some(top) = top else { continue };
        nested |= top != tag;
        tops.entry(tag).or_default().insert(top);
    }
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (tag, top) in tops {
        if let Some(first) = top.first() {
            groups.entry(first).or_default().push(tag);
        }
    }
    nested.then(|| {
        groups
            .into_iter()
            .map(|(name, tags)| json!({"name": name, "tags": tags}))
            .collect()
    })
}

/// A folder named like a path parameter (`{id}`, `:id`): never a tag or a group.
fn is_parameter_folder(folder: &str) -> bool {
    folder.starts_with('{') || folder.starts_with(':')
}

/// The resource a path is about: its last literal segment (`/api/balances/{id}/` → balances).
pub(super) fn entity_name(path: &str) -> String {
    path.split('/')
        .rfind(|s| !s.is_empty() && !s.contains('{'))
        .unwrap_or("root")
        .to_string()
}

/// The literal segments before the resource, which tell same-named resources of different
/// products apart (`/payments/br/transactions/{id}/` → `payments/br`; `/transactions/` → ``).
pub(super) fn scope_name(path: &str) -> String {
    let literal: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.contains('{'))
        .collect();
    literal[..literal.len().saturating_sub(1)].join("/")
}
