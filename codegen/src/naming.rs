//! Names a person would give: operationIds from request names, component names from where a
//! shape sits (path, property, status), made unique in a stable way.

use std::collections::{BTreeSet, HashMap};

use heck::{ToPascalCase, ToSnakeCase};

/// `snake_case` identifier from a request name, never empty and never starting with a digit.
pub fn operation_id(name: &str) -> String {
    let keep = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    identifier(name, |s| s.to_snake_case(), keep, ("operation", "op_"))
}

/// `PascalCase` type name, never empty and never starting with a digit.
pub fn type_name(words: &str) -> String {
    identifier(
        words,
        |s| s.to_pascal_case(),
        char::is_ascii_alphanumeric,
        ("Object", "T"),
    )
}

/// `text` in a case, with only the characters `keep` accepts; `empty` when none is left and
/// `prefix` before a leading digit. Apostrophes go first, so "a link's details" is
/// `a_links_details`, not `a_link_s_details`.
fn identifier(
    text: &str,
    case: impl Fn(&str) -> String,
    keep: impl Fn(&char) -> bool,
    (empty, prefix): (&str, &str),
) -> String {
    let id: String = case(&text.replace(['\'', '\u{2019}'], ""))
        .chars()
        .filter(keep)
        .collect();
    match id.chars().next() {
        None => empty.into(),
        Some(c) if c.is_ascii_digit() => format!("{prefix}{id}"),
        Some(_) => id,
    }
}

/// English singular of a plural noun, for the items of a collection endpoint
/// (`balances` → `balance`, `recurring-expenses` → `recurring-expense`, `tax-status` stays).
pub fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let cut = |n: usize| word[..word.len() - n].to_string();
    if lower.ends_with("ies") && word.len() > 4 {
        format!("{}y", cut(3))
    } else if ["sses", "shes", "ches", "xes", "zzes", "uses"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        cut(2)
    } else if lower.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| lower.ends_with(s))
        && word.len() > 3
    {
        cut(1)
    } else {
        word.to_string()
    }
}

/// Hands out names that have not been used yet, trying candidates in order and then numbering
/// the first one. Callers visit shapes in a canonical order, so the same input always gets the
/// same names.
#[derive(Default)]
pub struct Namer {
    taken: BTreeSet<String>,
    /// Per base, the last number handed out: every lower number was taken when it was passed
    /// and names are never freed, so the search resumes there. Searching from 2 each time made
    /// n requests whose examples share a name cost n² (20,000 took over a minute).
    numbered: HashMap<String, usize>,
}

impl Namer {
    /// Marks a name as used, returning false if it was already.
    pub fn reserve(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_string())
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// The first free candidate, or the first candidate with the lowest free number appended.
    pub fn unique(&mut self, candidates: &[String]) -> String {
        for c in candidates {
            if self.reserve(c) {
                return c.clone();
            }
        }
        let base = candidates.first().map(String::as_str).unwrap_or("Object");
        let from = self.numbered.get(base).map_or(2, |n| n + 1);
        let (n, name) = (from..)
            .map(|n| (n, format!("{base}{n}")))
            .find(|(_, name)| self.reserve(name))
            .expect("an unused number exists");
        self.numbered.insert(base.to_owned(), n);
        name
    }
}

/// The words that all names share at their start and at their end, e.g.
/// `CompleteABalancesRequestBody` and `CompleteAnAccountsRequestBody` → `CompleteRequestBody`.
/// Used to name one shape that several operations share.
pub fn common_name(names: &[String]) -> Option<String> {
    let split: Vec<Vec<String>> = names.iter().map(|n| pascal_words(n)).collect();
    let first = split.first()?;
    let prefix = (0..first.len())
        .take_while(|&i| split.iter().all(|w| w.get(i) == first.get(i)))
        .count();
    let suffix = (0..first.len() - prefix)
        .take_while(|&i| {
            split.iter().all(|w| {
                w.len() > i + prefix && w.get(w.len() - 1 - i) == first.get(first.len() - 1 - i)
            })
        })
        .count();
    let mut words: Vec<&str> = first[..prefix].iter().map(String::as_str).collect();
    words.extend(first[first.len() - suffix..].iter().map(String::as_str));
    let name = words.concat();
    (!name.is_empty() && words.len() >= 2 || words.iter().any(|w| w.len() > 3)).then_some(name)
}

fn pascal_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_are_snake_case_identifiers() {
        assert_eq!(operation_id("Get a link's details"), "get_a_links_details");
        assert_eq!(operation_id("List all balances"), "list_all_balances");
        assert_eq!(operation_id("2FA / verify"), "op_2fa_verify");
        assert_eq!(operation_id("???"), "operation");
    }

    #[test]
    fn singulars() {
        for (p, s) in [
            ("balances", "balance"),
            ("accounts", "account"),
            ("recurring-expenses", "recurring-expense"),
            ("tax-status", "tax-status"),
            ("addresses", "address"),
            ("categories", "category"),
            ("interest_rates", "interest_rate"),
            ("data", "data"),
        ] {
            assert_eq!(singular(p), s);
        }
    }

    #[test]
    fn shared_names_keep_common_words() {
        let names = [
            "CompleteABalancesRequestBody".to_string(),
            "CompleteAnAccountsRequestBody".to_string(),
        ];
        assert_eq!(common_name(&names).as_deref(), Some("CompleteRequestBody"));
        assert_eq!(common_name(&["Foo".into(), "Bar".into()]), None);
    }

    #[test]
    fn namer_numbers_after_candidates() {
        let mut n = Namer::default();
        assert_eq!(n.unique(&["Balance".into()]), "Balance");
        assert_eq!(
            n.unique(&["Balance".into(), "BalanceDetail".into()]),
            "BalanceDetail"
        );
        assert_eq!(n.unique(&["Balance".into()]), "Balance2");
    }
}
