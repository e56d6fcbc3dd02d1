//! Each request prepared for grouping: its method ranked, its URL's `{{variables}}` resolved
//! or turned into path parameters (names spelled so any OpenAPI reader takes them), its
//! server, path shape and the field tables of its description.

use std::collections::{BTreeMap, HashSet};

use super::contract::{self, Tables};
use crate::error::ConvertError;
use crate::openapi_util::path_shape;
use crate::postman::Request;
use crate::warning::{Code, Location, Warning};

const METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

/// A request with its URL resolved against the collection variables.
pub(super) struct Prepared {
    /// Owned, so that a large collection's requests are freed group by group as their
    /// operations are built.
    pub(super) request: Request,
    /// OpenAPI path template, e.g. `/api/links/{id}/`.
    pub(super) path: String,
    /// The template with parameter names erased, to group `:id` and `:linkId` together.
    pub(super) path_shape: String,
    pub(super) path_params: Vec<String>,
    pub(super) server: String,
    /// The field tables of the request's description.
    pub(super) tables: Tables,
}

impl Prepared {
    pub(super) fn sort_key(&self) -> (&str, usize, &str, &[String]) {
        (
            &self.path_shape,
            method_rank(&self.request.method),
            &self.request.name,
            &self.request.folders,
        )
    }
}

pub(super) fn method_rank(method: &str) -> usize {
    METHODS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(method))
        .unwrap_or(METHODS.len())
}

pub(super) fn prepare(
    request: Request,
    variables: &BTreeMap<String, String>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Prepared>, ConvertError> {
    if method_rank(&request.method) == METHODS.len() {
        warnings.push(Warning::new(
            Code::UnsupportedMethod,
            Location::Item(request.item_path()),
            format!(
                "method `{}` has no OpenAPI equivalent; skipped",
                request.method
            ),
        ));
        return Ok(None);
    }
    let url = &request.url;
    let resolve = |text: &str, field: String| {
        template(text, variables).map_err(|message| ConvertError::Item {
            item: request.item_path(),
            field,
            message,
        })
    };
    let mut server = resolve(&url.host, "request.url.host".into())?.0;
    if !url.protocol.is_empty() && !server.is_empty() {
        let protocol = resolve(&url.protocol, "request.url.protocol".into())?.0;
        server = format!("{protocol}://{server}");
    }
    if let Some(port) = &url.port {
        server = format!("{server}:{port}");
    }
    let (path, path_params) = path_of(&request, &resolve, warnings)?;
    let path_shape = path_shape(&path);
    let tables = request
        .description
        .as_deref()
        .filter(|d| d.contains('|'))
        .map(contract::read_tables)
        .unwrap_or_default();
    Ok(Some(Prepared {
        request,
        path,
        path_shape,
        path_params,
        server,
        tables,
    }))
}

/// A request's path as an OpenAPI template, with its parameters in order of first use.
fn path_of(
    request: &Request,
    resolve: &impl Fn(&str, String) -> Result<(String, Vec<String>), ConvertError>,
    warnings: &mut Vec<Warning>,
) -> Result<(String, Vec<String>), ConvertError> {
    let url = &request.url;
    let mut segments = Vec::new();
    // Parameters in order of first use; the set keeps a path of many parameters linear.
    let mut path_params: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for (i, seg) in url.path.iter().enumerate() {
        let seg = match seg.strip_prefix(':').filter(|n| !n.is_empty()) {
            // Postman's `:name` is a variable whatever its characters, so it is named here,
            // not read again as a template (`:{}` would otherwise read as an empty `{{}}`).
            Some(name) if name.contains(['{', '}']) => format!("{{{}}}", parameter_name(name)),
            Some(name) => format!("{{{name}}}"),
            None => seg.clone(),
        };
        let (seg, names) = resolve(&seg, format!("request.url.path[{i}]"))?;
        for name in names {
            if seen.insert(name.clone()) {
                path_params.push(name);
            }
        }
        // A trailing empty segment is a trailing slash; others are doubled slashes, which
        // servers read as one, so the request may join another's operation: said.
        if !seg.is_empty() || i + 1 == url.path.len() {
            segments.push(seg);
        } else if i > 0 {
            warnings.push(Warning::new(
                Code::EmptyPathSegment,
                Location::Item(request.item_path()),
                format!(
                    "empty segment {} of the path dropped (a doubled `/`)",
                    i + 1
                ),
            ));
        }
    }
    let mut path = format!("/{}", segments.join("/"));
    if path.contains("//") {
        path = path.replace("//", "/");
    }
    Ok((path, path_params))
}

/// How many characters resolving `{{variables}}` may add to a URL part. Variables may name
/// each other, so without a bound a 1 MB collection (`a = {{a}}{{a}}…`) resolved into
/// gigabytes; no real URL comes near this.
const MAX_EXPANSION: usize = 64 * 1024;

/// Resolves `{{variables}}` with the collection's values (innermost first, so that
/// `{{a_{{b}}}}` works) and returns an OpenAPI template in which every unresolved variable,
/// and every `{name}` already there, is a `{parameter}`, with the parameters' names. An error
/// when resolving makes the text more than [`MAX_EXPANSION`] characters longer.
pub(super) fn template(
    text: &str,
    variables: &BTreeMap<String, String>,
) -> Result<(String, Vec<String>), String> {
    let mut s = text.to_string();
    // A variable may name itself, or two each other; Postman stops such loops, and so do we.
    let mut budget = 64;
    while let Some(end) = s.find("}}").filter(|_| budget > 0) {
        budget -= 1;
        let Some(start) = s[..end].rfind("{{") else {
            break;
        };
        let name = s[start + 2..end].trim();
        let replacement = match variables.get(name) {
            Some(value) => value.trim_end_matches('/').to_string(),
            None => format!("{OPEN}{name}{CLOSE}"),
        };
        if s.len() - (end + 2 - start) + replacement.len() > text.len() + MAX_EXPANSION {
            return Err(format!(
                "resolving the variable `{{{{{name}}}}}` makes the text more than \
                 {MAX_EXPANSION} characters longer than written (variables that expand into \
                 each other?)"
            ));
        }
        s.replace_range(start..end + 2, &replacement);
    }
    Ok(parameters_of(&s))
}

/// The template of a text whose unresolved variables are marked `OPEN name CLOSE` (and
/// `{name}` already), with the parameters' names; see [`template`].
fn parameters_of(s: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut names = Vec::new();
    // The opening brace(s) as written and the name read since, while inside a parameter, and
    // how many braces opened inside it (`{{a_{{b}}}}` unresolved), which close with it.
    let mut current: Option<(&str, String)> = None;
    let mut nested = 0;
    // The text since the parameter opened, as a path would hold it if it never closes.
    let mut since_open = String::new();
    for c in s.chars() {
        if current.is_some() {
            since_open.push_str(match c {
                OPEN => LITERAL_OPEN2,
                CLOSE => LITERAL_CLOSE2,
                '{' => LITERAL_OPEN,
                '}' => LITERAL_CLOSE,
                _ => "",
            });
            if !matches!(c, OPEN | CLOSE | '{' | '}') {
                since_open.push(c);
            }
        }
        match (c, current.as_mut()) {
            (CLOSE | '}', Some(_)) if nested > 0 => nested -= 1,
            (OPEN, None) => {
                current = Some((LITERAL_OPEN2, String::new()));
                since_open = LITERAL_OPEN2.to_owned();
            }
            ('{', None) => {
                current = Some((LITERAL_OPEN, String::new()));
                since_open = LITERAL_OPEN.to_owned();
            }
            (CLOSE | '}', Some((open, raw))) => {
                let name = parameter_name(raw);
                if name.is_empty() {
                    // `{}` and `{{}}` name nothing: they stay in the path as the encoded text
                    // a client sends, so the request keeps a path of its own.
                    out.push_str(open);
                    out.push_str(if c == CLOSE {
                        LITERAL_CLOSE2
                    } else {
                        LITERAL_CLOSE
                    });
                } else {
                    out.push('{');
                    out.push_str(&name);
                    out.push('}');
                    names.push(name);
                }
                current = None;
            }
            (OPEN | '{', Some(_)) => nested += 1,
            (_, Some((_, raw))) => raw.push(c),
            (CLOSE, None) => out.push_str(LITERAL_CLOSE2),
            ('}', None) => out.push_str(LITERAL_CLOSE),
            (_, None) => out.push(c),
        }
    }
    if current.is_some() {
        // An unclosed brace is text, not a parameter.
        out.push_str(&since_open);
    }
    (out, names)
}

/// Marks of an unresolved `{{variable}}` between [`template`]'s two passes: characters no
/// URL holds.
const OPEN: char = '\u{1}';

const CLOSE: char = '\u{2}';

/// Braces that open or close no parameter, as a client percent-encodes them in a path: a
/// template may not hold them bare, and dropping them would merge distinct paths.
const LITERAL_OPEN: &str = "%7B";

const LITERAL_CLOSE: &str = "%7D";

const LITERAL_OPEN2: &str = "%7B%7B";

const LITERAL_CLOSE2: &str = "%7D%7D";

/// A parameter name OpenAPI tools accept in a template: letters and digits of any script
/// (`用户id`), `_`, `-` and `.` are kept, white space is dropped, and any other character
/// (`🦀`, `/`, `:`) is written as its code point between underscores (`_1f980_`), so that no
/// variable loses its name and distinct names stay distinct.
pub(super) fn parameter_name(raw: &str) -> String {
    let mut name = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
            name.push(c);
        } else if !c.is_whitespace() {
            name.push_str(&format!("_{:x}_", u32::from(c)));
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_resolve_known_variables_and_turn_others_into_parameters() {
        let vars = BTreeMap::from([("v".to_string(), "v1".to_string())]);
        let t = |text: &str, vars: &BTreeMap<String, String>| template(text, vars).unwrap();
        assert_eq!(t("{{v}}", &vars), ("v1".into(), vec![]));
        assert_eq!(t("{{id}}", &vars), ("{id}".into(), vec!["id".into()]));
        assert_eq!(t("{id}", &vars), ("{id}".into(), vec!["id".into()]));
        assert_eq!(
            t("user-{{n a}}", &vars),
            ("user-{na}".into(), vec!["na".into()])
        );
        assert_eq!(
            t("{{hello_{{x}}}}", &vars),
            ("{hello_x}".into(), vec!["hello_x".into()])
        );
        let cycle = BTreeMap::from([
            ("a".to_string(), "{{b}}".to_string()),
            ("b".to_string(), "{{a}}".to_string()),
            ("self".to_string(), "x{{self}}".to_string()),
        ]);
        assert_eq!(t("{{a}}", &cycle).1, vec!["a".to_string()]);
        assert!(t("{{self}}", &cycle).0.starts_with("xxx"));
    }

    #[test]
    fn unicode_names_are_kept_and_other_characters_spelled_out() {
        let vars = BTreeMap::new();
        assert_eq!(
            template("{用户id}", &vars).unwrap(),
            ("{用户id}".into(), vec!["用户id".into()])
        );
        assert_eq!(parameter_name("🦀"), "_1f980_");
        assert_eq!(parameter_name("a/b"), "a_2f_b");
        assert_ne!(parameter_name("a🦀"), parameter_name("a🐍"));
    }

    #[test]
    fn expansion_is_bounded() {
        let vars = BTreeMap::from([("a".to_string(), "{{a}}".repeat(100_000))]);
        let err = template("{{a}}", &vars).unwrap_err();
        assert!(
            err.contains("`{{a}}`") && err.contains(&MAX_EXPANSION.to_string()),
            "{err}"
        );
        // A long value that does not grow is fine.
        let long = BTreeMap::from([("a".to_string(), "x".repeat(MAX_EXPANSION))]);
        assert_eq!(template("{{a}}", &long).unwrap().0.len(), MAX_EXPANSION);
    }
}
