//! What a collection states in words about the contract: which parameters and fields must be
//! sent, which values they take, what they mean.
//!
//! Evidence, read with the same rule as types: a statement is kept, nothing is guessed from a
//! sample. The statements exporters and people write:
//! - `(Required)` / `(Optional)` opening a parameter's or form field's description;
//! - `disabled: true` on a query parameter or form field (exporters write optional ones so);
//! - value lists in a description: `(This can only be one of A,B)`, `One of: a, b`,
//!   `Possible values: a, b`, `Allowed values: …`;
//! - Markdown field tables in a request's description (a column naming the field or
//!   parameter, and any of type, required, description). A table under a heading naming a
//!   response (`### Response 200`) documents the response body; under one naming parameters,
//!   the parameters; otherwise the request body. Nested fields are written as paths
//!   (`transactions[].amount` or `transactions.amount`).
//!
//! Where a statement contradicts the examples (a value outside a stated list, a required field
//! an example leaves out, a field the body does not have) a [`Code::ContractContradictsExample`]
//! warning says so; the statement is kept unless keeping it could refuse a valid call.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::warning::{Code, Location, Warning};

/// What one description (or one table row) states about a parameter or field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stated {
    /// `Some(true)` for `(Required)`, `Some(false)` for `(Optional)` or a disabled entry.
    pub required: Option<bool>,
    /// The values a stated list allows, in the order written.
    pub values: Vec<String>,
    /// The description without its `(Required)`/`(Optional)` marker.
    pub description: Option<String>,
    /// A format the table's type column names (`date`, `date-time`, `uuid`, …).
    pub format: Option<&'static str>,
}

impl Stated {
    /// What a parameter or form field's own description and `disabled` flag state. A
    /// disabled entry is optional whatever its text says (warned about by the caller).
    pub fn of_entry(description: Option<&str>, disabled: bool) -> Stated {
        let mut stated = description.map(read_description).unwrap_or_default();
        if disabled {
            stated.required = Some(false);
        }
        stated
    }

    /// `other` fills what `self` leaves unstated.
    fn or(mut self, other: &Stated) -> Stated {
        self.required = self.required.or(other.required);
        if self.values.is_empty() {
            self.values = other.values.clone();
        }
        if self.description.is_none() {
            self.description = other.description.clone();
        }
        self.format = self.format.or(other.format);
        self
    }
}

/// Reads the `(Required)`/`(Optional)` marker and a list of allowed values from a description.
pub fn read_description(text: &str) -> Stated {
    let trimmed = text.trim();
    let (required, rest) = marker(trimmed);
    let rest = rest.trim();
    Stated {
        required,
        values: allowed_values(rest),
        description: (!rest.is_empty()).then(|| rest.to_string()),
        format: None,
    }
}

/// `(Required)` or `(Optional)` at the start, in any case, with what follows.
fn marker(text: &str) -> (Option<bool>, &str) {
    for (word, required) in [("(required)", true), ("(optional)", false)] {
        if text.len() >= word.len()
            && text.is_char_boundary(word.len())
            && text[..word.len()].eq_ignore_ascii_case(word)
        {
            return (Some(required), &text[word.len()..]);
        }
    }
    (None, text)
}

/// Lead-ins of a value list, lower case; the list runs to the end of its sentence.
const LIST_LEADS: [&str; 6] = [
    "this can only be one of",
    "one of:",
    "possible values:",
    "possible values are",
    "allowed values:",
    "allowed values are",
];

fn allowed_values(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let Some((start, lead)) = LIST_LEADS
        .iter()
        .filter_map(|lead| lower.find(lead).map(|at| (at, *lead)))
        .min()
    else {
        return Vec::new();
    };
    let list = &text[start + lead.len()..];
    let end = list_end(list, start > 0 && text[..start].ends_with('('));
    list[..end]
        .split([',', '|'])
        .flat_map(|part| part.split(" or "))
        .map(|v| v.trim().trim_matches(['`', '"', '\'', '*']).trim())
        .filter(|v| !v.is_empty() && !v.contains(char::is_whitespace))
        .map(str::to_string)
        .collect()
}

/// Where a list ends: its closing parenthesis, a line break, or the end of its sentence.
fn list_end(list: &str, in_parens: bool) -> usize {
    let mut end = list.len();
    if in_parens {
        end = end.min(list.find(')').unwrap_or(list.len()));
    }
    end = end.min(list.find('\n').unwrap_or(list.len()));
    let sentence = list[..end]
        .match_indices(". ")
        .map(|(i, _)| i)
        .next()
        .unwrap_or(end);
    let end = end.min(sentence);
    list[..end].trim_end().trim_end_matches('.').len()
}

/// Field paths (dotted, array levels left out: `transactions.amount`) → what is stated.
pub type Fields = BTreeMap<String, Stated>;

/// The tables of one request's description, by what they document.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    /// Query, header and path parameters by name.
    pub parameters: Fields,
    /// The request body's fields.
    pub body: Fields,
    /// Response fields: those of a table naming a status, then those of one naming none
    /// (which documents every success response).
    pub responses: BTreeMap<Option<u16>, Fields>,
}

impl Tables {
    /// The fields documented for responses of `status`.
    pub fn response(&self, status: u16) -> Fields {
        let mut fields = self
            .responses
            .get(&Some(status))
            .cloned()
            .unwrap_or_default();
        if (200..300).contains(&status) {
            for (path, stated) in self.responses.get(&None).into_iter().flatten() {
                fields.entry(path.clone()).or_insert_with(|| stated.clone());
            }
        }
        fields
    }
}

/// What a table documents, read from the heading above it.
enum Scope {
    Parameters,
    Body,
    /// The statuses the heading names; none names every success.
    Response(Vec<u16>),
}

fn scope_of(heading: &str) -> Scope {
    let lower = heading.to_ascii_lowercase();
    if lower.contains("response") {
        let statuses = lower
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 3)
            .filter_map(|w| w.parse().ok())
            .collect();
        Scope::Response(statuses)
    } else if lower.contains("param") || lower.contains("query") || lower.contains("header") {
        Scope::Parameters
    } else {
        Scope::Body
    }
}

/// Columns of a field table, by their header.
struct Columns {
    name: usize,
    kind: Option<usize>,
    required: Option<usize>,
    description: Option<usize>,
}

impl Columns {
    fn of(header: &[String]) -> Option<Columns> {
        let find = |words: &[&str]| {
            header
                .iter()
                .position(|h| words.iter().any(|w| h.to_ascii_lowercase().contains(w)))
        };
        Some(Columns {
            name: find(&["field", "param", "name", "property", "key", "attribute"])?,
            kind: find(&["type"]),
            required: find(&["required", "mandatory"]),
            description: find(&["description", "meaning", "details", "notes"]),
        })
        .filter(|c| c.kind.is_some() || c.required.is_some() || c.description.is_some())
    }

    fn row(&self, cells: &[String]) -> Option<(String, Stated)> {
        let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(String::as_str);
        let path = field_path(cell(Some(self.name))?);
        if path.is_empty() {
            return None;
        }
        let mut stated = cell(self.description)
            .map(read_description)
            .unwrap_or_default();
        if let Some(required) = cell(self.required).and_then(yes_or_no) {
            stated.required = Some(required);
        }
        if let Some(kind) = cell(self.kind) {
            stated.format = format_named(kind);
            if stated.values.is_empty() {
                stated.values = allowed_values(kind);
            }
            if kind.to_ascii_lowercase().contains("required") && stated.required.is_none() {
                stated.required = Some(true);
            }
        }
        Some((path, stated))
    }
}

/// A table cell's path as a [`Fields`] key: code marks dropped, array levels left out.
pub fn field_path(cell: &str) -> String {
    cell.trim()
        .trim_matches(['`', '*'])
        .split('.')
        .map(|segment| {
            let segment = segment.trim().trim_matches(['`', '*']);
            match segment.find('[') {
                Some(at) => &segment[..at],
                None => segment,
            }
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

fn yes_or_no(cell: &str) -> Option<bool> {
    match cell
        .trim()
        .trim_matches(['`', '*'])
        .to_ascii_lowercase()
        .as_str()
    {
        "yes" | "y" | "true" | "required" | "✓" | "✔" | "x" | "mandatory" => Some(true),
        "no" | "n" | "false" | "optional" | "-" | "—" => Some(false),
        _ => None,
    }
}

/// The format a table's type cell names, for strings.
fn format_named(kind: &str) -> Option<&'static str> {
    let lower = kind.to_ascii_lowercase();
    [
        ("date-time", "date-time"),
        ("datetime", "date-time"),
        ("date", "date"),
        ("uuid", "uuid"),
        ("email", "email"),
        ("uri", "uri"),
        ("url", "uri"),
    ]
    .into_iter()
    .find(|(word, _)| lower.contains(word))
    .map(|(_, format)| format)
}

/// The field tables of a request's description.
pub fn read_tables(description: &str) -> Tables {
    let mut tables = Tables::default();
    let mut heading = String::new();
    let mut columns: Option<Columns> = None;
    let mut in_table = false;
    for line in description.lines().map(str::trim) {
        if !line.starts_with('|') {
            in_table = false;
            columns = None;
            if !line.is_empty() {
                heading = line.to_string();
            }
            continue;
        }
        let cells = table_cells(line);
        if !in_table {
            in_table = true;
            columns = Columns::of(&cells);
            continue;
        }
        if cells.iter().all(|c| c.chars().all(|ch| "-: ".contains(ch))) {
            continue;
        }
        let Some((path, stated)) = columns.as_ref().and_then(|c| c.row(&cells)) else {
            continue;
        };
        match scope_of(&heading) {
            Scope::Parameters => tables.parameters.entry(path).or_insert(stated),
            Scope::Body => tables.body.entry(path).or_insert(stated),
            Scope::Response(statuses) if statuses.is_empty() => {
                let fields = tables.responses.entry(None).or_default();
                fields.entry(path).or_insert(stated)
            }
            Scope::Response(statuses) => {
                for status in statuses {
                    let fields = tables.responses.entry(Some(status)).or_default();
                    fields.entry(path.clone()).or_insert_with(|| stated.clone());
                }
                continue;
            }
        };
    }
    tables
}

fn table_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// The statements about one body: a table's rows, then what the body's own entries (form
/// fields) state.
pub fn body_fields(tables: &Tables, entries: &Fields) -> Fields {
    let mut fields = tables.body.clone();
    for (path, stated) in entries {
        let merged = match fields.remove(path) {
            Some(row) => row.or(stated),
            None => stated.clone(),
        };
        fields.insert(path.clone(), merged);
    }
    fields
}

/// What two requests of one operation state together: a field is required only if both
/// state it, values are allowed if either allows them (a list only if both state one),
/// the first description wins.
pub fn both(first: Fields, second: &Fields) -> Fields {
    let mut out = Fields::new();
    for (path, mut stated) in first {
        let other = second.get(&path).cloned().unwrap_or_default();
        stated.required = match (stated.required, other.required) {
            (Some(true), Some(true)) => Some(true),
            (Some(false), _) | (_, Some(false)) => Some(false),
            _ => None,
        };
        if other.values.is_empty() {
            stated.values.clear();
        }
        for v in other.values {
            if !stated.values.is_empty() && !stated.values.contains(&v) {
                stated.values.push(v);
            }
        }
        stated.format = stated.format.filter(|f| other.format == Some(f));
        out.insert(path, stated);
    }
    for (path, stated) in second {
        out.entry(path.clone()).or_insert_with(|| Stated {
            required: None,
            values: Vec::new(),
            ..stated.clone()
        });
    }
    out
}

/// A parameter's statement: its own description and `disabled` flag, then a table row.
pub fn parameter(tables: &Tables, name: &str, own: Stated) -> Stated {
    match tables.parameters.get(name) {
        Some(row) => own.or(row),
        None => own,
    }
}

/// Warns where a body's statements contradict its example: a value outside a stated list
/// (the list is dropped: the collection's own request must stay expressible), a required field
/// it leaves out, a documented field it does not have.
pub fn check_example(
    fields: &mut Fields,
    example: &Value,
    item: &str,
    warnings: &mut Vec<Warning>,
) {
    for (path, stated) in fields.iter_mut() {
        let found = values_at(example, path);
        let warn = |message: String| {
            Warning::new(
                Code::ContractContradictsExample,
                Location::Item(item.to_string()),
                message,
            )
        };
        if found.is_empty() {
            let what = if stated.required == Some(true) {
                "is stated required, but the example leaves it out"
            } else {
                "is documented, but the example does not have it; left out"
            };
            warnings.push(warn(format!("body field `{path}` {what}")));
            continue;
        }
        for value in found {
            if let Some(text) = value.as_str().filter(|t| !t.starts_with('<')) {
                if !stated.values.is_empty() && !stated.values.iter().any(|v| v == text) {
                    warnings.push(warn(format!(
                        "body field `{path}`: the example's `{text}` is not one of the stated \
                         values ({}); left open",
                        stated.values.join(", ")
                    )));
                    stated.values.clear();
                }
            }
        }
    }
}

/// The values at a dotted path of `value`, through arrays at any level.
fn values_at<'a>(value: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut current = vec![value];
    for key in path.split('.') {
        let mut next = Vec::new();
        for v in current {
            collect_key(v, key, &mut next);
        }
        current = next;
    }
    current
}

fn collect_key<'a>(value: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match value {
        Value::Array(items) => items.iter().for_each(|i| collect_key(i, key, out)),
        Value::Object(map) => out.extend(map.get(key)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_lists_are_read_from_descriptions() {
        let s = read_description(
            "(Required) The kind of holder. (This can only be one of INDIVIDUAL,BUSINESS)",
        );
        assert_eq!(s.required, Some(true));
        assert_eq!(s.values, ["INDIVIDUAL", "BUSINESS"]);
        assert_eq!(
            s.description.as_deref(),
            Some("The kind of holder. (This can only be one of INDIVIDUAL,BUSINESS)")
        );
        let s =
            read_description("(optional) Language. One of: `es`, `pt` or `en`. Defaults to es.");
        assert_eq!(s.required, Some(false));
        assert_eq!(s.values, ["es", "pt", "en"]);
        let s = read_description("Possible values: asc, desc");
        assert_eq!(
            (s.required, s.values),
            (None, vec!["asc".into(), "desc".into()])
        );
        let s = read_description("A free text, one of many.");
        assert!(s.values.is_empty() && s.required.is_none());
    }

    #[test]
    fn disabled_entries_are_optional_whatever_they_say() {
        let s = Stated::of_entry(Some("(Required) Page size."), true);
        assert_eq!(s.required, Some(false));
    }

    #[test]
    fn tables_are_read_by_the_heading_above_them() {
        let tables = read_tables(
            "Retrieve things.\n\n### Request body\n| Field | Type | Required | Description |\n\
             |---|---|---|---|\n| `link` | string (uuid) | Yes | The link. |\n\
             | `transactions[].type` | string | yes | Direction. One of: INFLOW, OUTFLOW |\n\
             | `note` | string | No | Free text. |\n\n### Response 201\n\
             | Field | Description |\n|--|--|\n| `results[].id` | Its id. |\n\n### Error responses (400, 401)\n\
             | Field | Description |\n|-|-|\n| `code` | What failed. |\n\n\
             #### Query parameters\n| Parameter | Required | Description |\n|-|-|-|\n\
             | page_size | no | Items per page. |\n",
        );
        assert_eq!(tables.body["link"].required, Some(true));
        assert_eq!(tables.body["link"].format, Some("uuid"));
        assert_eq!(
            tables.body["transactions.type"].values,
            ["INFLOW", "OUTFLOW"]
        );
        assert_eq!(tables.body["note"].required, Some(false));
        assert_eq!(
            tables.responses[&Some(201)]["results.id"]
                .description
                .as_deref(),
            Some("Its id.")
        );
        assert_eq!(tables.parameters["page_size"].required, Some(false));
        assert!(tables.response(201).contains_key("results.id"));
        assert!(tables.response(200).is_empty());
        assert!(tables.response(400).contains_key("code"));
        assert!(tables.response(401).contains_key("code"));
    }

    #[test]
    fn contradictions_with_the_example_are_warned() {
        let tables = read_tables(
            "| field | required | description |\n|-|-|-|\n| a | yes | A. One of: x, y |\n\
             | b | yes | B. |\n",
        );
        let mut warnings = Vec::new();
        let mut fields = tables.body.clone();
        check_example(
            &mut fields,
            &serde_json::json!({"a": "z"}),
            "f/r",
            &mut warnings,
        );
        assert_eq!(warnings.len(), 2);
        assert!(
            fields["a"].values.is_empty(),
            "a contradicted list is dropped"
        );
        assert!(warnings
            .iter()
            .all(|w| w.code == Code::ContractContradictsExample));
    }
}
