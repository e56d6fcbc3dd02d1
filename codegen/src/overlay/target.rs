//! JSONPath targets: a query is evaluated in steps (split before each `..` and each union),
//! each on the distinct nodes the last one selected, so `$..*..*..*` costs the document's size
//! per step instead of multiplying, with a cap on nodes selected; each node is located by its
//! path, for a JSON pointer and a normalized path.

use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};

/// One step of a location inside the document, owned so that the document can be mutated
/// after the query that found it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// How many nodes a target may select, counted with repeats, on the way to its result.
/// Each step of [`locate`] is bounded by the document (its nodes times its depth); this caps
/// the whole, far above any real correction (Belvo's largest target selects a few hundred).
const MAX_SELECTED: usize = 2_000_000;

/// The distinct locations `target` (parsed as `path`) selects in `doc`, sorted.
///
/// RFC 9535 keeps duplicates: `$..*..*` selects each node once per ancestor, and each further
/// `..*` multiplies again (on Belvo's spec, `$..*..*..*..*` took 53 s and 5.9 GB in
/// `serde_json_path`). The query is therefore evaluated in steps: split before each descendant
/// segment (`..`) and each union (`[a,b]`), each step applied to the distinct nodes the
/// previous one selected. Whatever the query, the result is the same set of nodes; only the
/// repeats, which the overlay ignores anyway, are gone.
pub(super) fn locate(path: &JsonPath, target: &str, doc: &Value) -> Result<Vec<Vec<Step>>, String> {
    let Some(steps) = query_steps(target) else {
        // The split failed on a query the parser accepted: evaluate it whole.
        return collect_locations(path, doc, &[], &mut 0);
    };
    let mut selected = 0;
    let mut current: Vec<Vec<Step>> = vec![Vec::new()];
    for step in steps {
        let absolute = has_absolute_query(step);
        let relative = if absolute {
            None
        } else {
            Some(JsonPath::parse(&format!("${step}")).map_err(|e| e.to_string())?)
        };
        let mut next = Vec::new();
        for location in &current {
            let found = match &relative {
                // `@` and the selectors only see the node and below: evaluate on it.
                Some(query) => match node_ref(doc, location) {
                    Some(node) => collect_locations(query, node, location, &mut selected)?,
                    None => Vec::new(),
                },
                // A filter that reads from `$` needs the whole document as root.
                None => {
                    let query = format!("{}{step}", normalized_path(location));
                    let query = JsonPath::parse(&query).map_err(|e| e.to_string())?;
                    collect_locations(&query, doc, &[], &mut selected)?
                }
            };
            next.extend(found);
        }
        next.sort();
        next.dedup();
        current = next;
    }
    Ok(current)
}

/// The locations `path` selects in `node` (which sits at `prefix`), each once, sorted;
/// `selected` counts them with repeats, up to [`MAX_SELECTED`].
fn collect_locations(
    path: &JsonPath,
    node: &Value,
    prefix: &[Step],
    selected: &mut usize,
) -> Result<Vec<Vec<Step>>, String> {
    let mut found = Vec::new();
    for location in path.query_located(node).locations() {
        *selected += 1;
        if *selected > MAX_SELECTED {
            return Err(format!(
                "the target selects more than {MAX_SELECTED} nodes (counting each time a node \
                 is selected again); write a narrower target"
            ));
        }
        let mut steps = prefix.to_vec();
        steps.extend(location.iter().map(|step| match step {
            PathElement::Name(name) => Step::Key((*name).to_owned()),
            PathElement::Index(index) => Step::Index(*index),
        }));
        found.push(steps);
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The target's segments grouped into steps that cannot select a node twice from distinct
/// nodes: a new step starts at each descendant segment and each bracket with more than one
/// selector. `None` when the text does not split as expected.
fn query_steps(target: &str) -> Option<Vec<&str>> {
    let rest = target.trim().strip_prefix('$')?;
    let bytes = rest.as_bytes();
    let (mut steps, mut step_start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let descendant = rest[i..].starts_with("..");
        i += match bytes[i] {
            b'.' if descendant => 2,
            b'.' => 1,
            b'[' => 0,
            _ => return None,
        };
        let union = if bytes.get(i) == Some(&b'[') {
            let (end, union) = bracket_end(rest, i)?;
            i = end;
            union
        } else {
            while i < bytes.len()
                && !matches!(bytes[i], b'.' | b'[')
                && !bytes[i].is_ascii_whitespace()
            {
                i += 1;
            }
            false
        };
        if (descendant || union) && start > step_start {
            steps.push(&rest[step_start..start]);
            step_start = start;
        }
    }
    if step_start < rest.len() {
        steps.push(&rest[step_start..]);
    }
    Some(steps)
}

/// The index just after the `]` that closes the `[` at `open`, and whether the bracket holds
/// more than one selector (a `,` at its top level). Quoted names and nested brackets are
/// skipped.
fn bracket_end(text: &str, open: usize) -> Option<(usize, bool)> {
    let (mut depth, mut quote, mut escaped, mut union) = (0usize, None, false, false);
    for (at, byte) in text.bytes().enumerate().skip(open) {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == q {
                quote = None;
            }
            continue;
        }
        match byte {
            b'\'' | b'"' => quote = Some(byte),
            b'[' | b'(' => depth += 1,
            b')' => depth = depth.checked_sub(1)?,
            b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((at + 1, union));
                }
            }
            b',' if depth == 1 => union = true,
            _ => {}
        }
    }
    None
}

/// Whether a step holds a query from the root (`$`) inside a filter, outside quoted names.
fn has_absolute_query(step: &str) -> bool {
    let (mut quote, mut escaped) = (None, false);
    for byte in step.bytes() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if byte == b'\\' => escaped = true,
            Some(q) if byte == q => quote = None,
            Some(_) => {}
            None if byte == b'\'' || byte == b'"' => quote = Some(byte),
            None if byte == b'$' => return true,
            None => {}
        }
    }
    false
}

/// A location as an RFC 9535 normalized path (`$['paths']['/a'][0]`).
fn normalized_path(location: &[Step]) -> String {
    let mut out = String::from("$");
    for step in location {
        match step {
            Step::Index(index) => out.push_str(&format!("[{index}]")),
            Step::Key(key) => {
                out.push_str("['");
                for c in key.chars() {
                    match c {
                        '\'' => out.push_str("\\'"),
                        '\\' => out.push_str("\\\\"),
                        c if u32::from(c) < 0x20 => {
                            out.push_str(&format!("\\u{:04x}", u32::from(c)))
                        }
                        c => out.push(c),
                    }
                }
                out.push_str("']");
            }
        }
    }
    out
}

fn node_ref<'a>(doc: &'a Value, location: &[Step]) -> Option<&'a Value> {
    location
        .iter()
        .try_fold(doc, |node, step| match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get(key),
            (Value::Array(items), Step::Index(index)) => items.get(*index),
            _ => None,
        })
}

/// RFC 6901 JSON Pointer of a location, for error messages.
pub(super) fn pointer(location: &[Step]) -> String {
    location
        .iter()
        .map(|step| match step {
            Step::Key(key) => {
                let mut segment = String::new();
                crate::openapi_util::push_pointer_segment(&mut segment, key);
                segment
            }
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointer_escapes_slash_and_tilde() {
        let location = [Step::Key("/a~b".into()), Step::Index(2)];
        assert_eq!(pointer(&location), "/~1a~0b/2");
    }

    /// Evaluating in steps selects exactly the nodes the query selects, repeats aside.
    #[test]
    fn stepwise_evaluation_selects_what_the_query_does() {
        let doc: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/overlay/spec.json")).unwrap();
        for target in [
            "$",
            "$..*",
            "$..*..*",
            "$..*[*]..*",
            "$.paths[*][*]",
            "$.paths.*.*.responses['200','200', '201']",
            "$..[?@.name]",
            "$..[?@.name == 'a,b]' || @.in == \"q[u]ery\"]",
            "$..parameters[0,0,1,-1]",
            "$..properties..type",
            "$.paths[?@.get]..[?@ == $.info.title]",
            "$..[?length(@) > 2]..[0:2]",
        ] {
            let path = JsonPath::parse(target).unwrap();
            let mut whole: Vec<Vec<Step>> = collect_locations(&path, &doc, &[], &mut 0).unwrap();
            whole.sort();
            whole.dedup();
            assert_eq!(locate(&path, target, &doc).unwrap(), whole, "{target}");
        }
        assert_eq!(
            query_steps("$.a..b['c','d'][?@.x == ']'].e"),
            Some(vec![".a", "..b", "['c','d'][?@.x == ']'].e"])
        );
    }

    #[test]
    fn normalized_paths_read_back() {
        let doc = json!({"a'b\\c\n": [{"d": 1}]});
        let location = vec![
            Step::Key("a'b\\c\n".into()),
            Step::Index(0),
            Step::Key("d".into()),
        ];
        let path = JsonPath::parse(&normalized_path(&location)).unwrap();
        assert_eq!(path.query(&doc).exactly_one().unwrap(), &json!(1));
    }
}
