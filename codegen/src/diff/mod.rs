//! What changed between two versions of an OpenAPI document, with the changes that break a
//! user of the generated client flagged: as Markdown ready for a pull request, as JSON for
//! tools ([`Report::to_json`]), or as GitHub workflow annotations at the changed line of the
//! new spec ([`Report::to_github`], lines found by [`YamlLines`]).
//!
//! ```no_run
//! # fn load(_: &str) -> openapiv3::OpenAPI { unimplemented!() }
//! let report = codegen::diff::diff(&load("old.yaml"), &load("new.yaml"));
//! print!("{}", report.to_markdown());
//! if report.has_breaking() { std::process::exit(1) }
//! ```
//!
//! Operations are matched by method and path template (parameter names in the template are
//! ignored, so renaming `{id}` to `{link_id}` shows up as a parameter change). `$ref`s to
//! `components/{schemas,parameters,requestBodies,responses,securitySchemes}` are followed;
//! recursive schemas are compared once per pair of components. Schemas are compared field by
//! field (properties, array `items`, `additionalProperties`, `allOf` folded into one object,
//! `oneOf`/`anyOf` variants matched by component name or else by position), and each change
//! names its field path: `results[].account.balance` (`[]` is an array item, `{}` a map value,
//! `<Name>` a `oneOf`/`anyOf` variant).
//!
//! # What "breaking" means here
//!
//! A change is **breaking** when code written against the old generated client can stop
//! compiling or start failing against the new API: the server rejects what the client sends,
//! the client cannot decode what the server answers, or a method, setter or field the caller
//! uses disappears or changes type. The checks follow [oasdiff]'s, adjusted for a progenitor
//! client with builder-style calls:
//!
//! - removing a request parameter, body or property is breaking (oasdiff only warns): the
//!   builder setter the caller uses disappears, and the server may reject the value anyway;
//! - a response property that gains `nullable` or loses `required` is breaking (the client may
//!   get nothing where it expected a value); the reverse narrows what the server promises and
//!   is not, even though the generated field may lose its `Option`;
//! - a new enum value or `oneOf` variant in a response is breaking (generated enums are
//!   closed); in a request it is not, and a removed one is breaking only there;
//! - type and format changes are breaking in both directions: the generated Rust type changes
//!   (`uuid::Uuid` → `String`, `i64` → `f64`);
//! - progenitor gives an operation a single success type, so a new `2xx` response is breaking
//!   unless its body is one the existing success responses already return; `default` counts
//!   as an error response;
//! - a component schema removed (or renamed) removes a generated type, so it is breaking even
//!   when no operation uses it any more.
//!
//! # Rust impact
//!
//! [`compare_clients`] reads two generated clients (`generated.rs` texts) with syn and lists
//! which method of `Client`, builder or setter (by the type it takes), `send` result, type,
//! field or enum variant appears, disappears or changes type; [`Report::attach_rust`] puts
//! each under the changes of its operation or component, so a reviewer reads
//! "`types::Balance::statement` removed" under the `response-property-removed` that causes
//! it. A spec change that the client does not see (a new error status, a `description`) gets
//! no Rust line; a client difference no change explains is listed in [`Report::rust_other`].
//!
//! # Versions
//!
//! [`Report::next_version`] says how the generated crate's version moves: a breaking change
//! bumps the minor version while below 1.0 (Cargo treats `0.x` minors as incompatible) and the
//! major one from 1.0; any other change bumps the patch version; no change keeps it.
//!
//! # Rules
//!
//! | Rule id | Breaking | Fires when |
//! |---|---|---|
//! | `api-added` | no | an operation (method + path) appears |
//! | `api-removed` | yes | an operation disappears |
//! | `api-operation-id-changed` | yes | the operationId changes: the generated method is renamed |
//! | `api-deprecated` | no | an operation becomes `deprecated` |
//! | `api-security-added` | yes | credentials become necessary where none were |
//! | `api-security-removed` | no | credentials are no longer necessary |
//! | `api-security-alternative-added` | no | a new way to authenticate is accepted |
//! | `api-security-alternative-removed` | yes | a way to authenticate is no longer accepted |
//! | `api-security-scope-added` | yes | an OAuth scope is asked for where it was not: a token granted before may lack it |
//! | `api-security-scope-removed` | no | an OAuth scope is no longer asked for (a token with more scopes still works) |
//! | `request-parameter-added-required` | yes | a new required parameter |
//! | `request-parameter-added` | no | a new optional parameter |
//! | `request-parameter-removed` | yes | a parameter disappears (its setter goes with it) |
//! | `request-parameter-became-required` | yes | an optional parameter becomes required |
//! | `request-parameter-became-optional` | no | a required parameter becomes optional |
//! | `request-parameter-location-changed` | yes | a parameter moves between query, header, path and cookie |
//! | `request-parameter-type-changed` | yes | † a parameter's type changes |
//! | `request-parameter-format-changed` | yes | † a parameter's format changes |
//! | `request-parameter-enum-value-removed` | yes | a parameter no longer accepts an enum value |
//! | `request-parameter-enum-value-added` | no | a parameter accepts a new enum value |
//! | `request-parameter-style-changed` | yes | a parameter's `style` or `explode` changes: the client writes the value in another form |
//! | `request-body-added-required` | yes | a required request body appears |
//! | `request-body-added` | no | an optional request body appears |
//! | `request-body-removed` | yes | the request body disappears |
//! | `request-body-became-required` | yes | the request body becomes required |
//! | `request-body-became-optional` | no | the request body becomes optional |
//! | `request-body-media-type-changed` | yes | the body changes kind as the client sends it: JSON (any JSON media type, parameters ignored: `application/vnd.x+json; charset=utf-8` is `application/json`), form, bytes, text, or one the client stage drops (XML, multipart) |
//! | `request-property-added-required` | yes | a new required property in a request body or parameter |
//! | `request-property-added` | no | a new optional property in a request |
//! | `request-property-removed` | yes | a request property disappears |
//! | `request-property-became-required` | yes | † a request property becomes required |
//! | `request-property-became-optional` | no | a request property becomes optional |
//! | `request-property-type-changed` | yes | † a request value's type changes, an array gains or loses its `items` (`Vec<Item>` ↔ `Vec<serde_json::Value>`), a JSON body gains or loses its schema (`serde_json::Value` ↔ the schema's type), or its schema moves into, out of or between `components` (typify names a component's type after it and an inline one after where it is written: an inline enum becoming `$ref: UserRole` renames the Rust type) |
//! | `request-property-format-changed` | yes | † a request value's format changes |
//! | `request-property-became-nullable` | no | a request value may now be null |
//! | `request-property-became-not-nullable` | yes | a request value may no longer be null |
//! | `request-property-enum-value-removed` | yes | a request value no longer accepts an enum value |
//! | `request-property-enum-value-added` | no | a request value accepts a new enum value |
//! | `request-property-variant-removed` | yes | a request `oneOf`/`anyOf` loses a variant |
//! | `request-property-variant-added` | no | a request `oneOf`/`anyOf` gains a variant |
//! | `request-property-enum-added` | yes | † a request value becomes an enum (the server rejects other values; the Rust type becomes an enum) |
//! | `request-property-enum-removed` | yes | a request value is no longer an enum (the generated enum becomes `String`) |
//! | `request-property-bound-tightened` | yes | `maximum`, `minimum`, `maxLength`, `minLength`, `maxItems`, `minItems`, `maxProperties` or `minProperties` of a request value allows fewer values, or appears |
//! | `request-property-bound-relaxed` | no | such a bound allows more values, or disappears |
//! | `request-property-pattern-changed` | yes | a request value's `pattern` appears or changes |
//! | `request-property-pattern-removed` | no | a request value's `pattern` disappears |
//! | `request-property-pattern-relaxed` | no | a request value's `pattern` becomes one that allows any value (`''`, `.*`, `^.*$`, `.+` where the old one required a character) or an alternation with the old one as a branch |
//! | `request-property-read-only-constraint-changed` | no | a bound, `pattern` or enum value of a `readOnly` request value changes: the server ignores what a client sends there |
//! | `request-property-discriminator-changed` | yes | a request `oneOf`'s discriminator property or mapping changes (the tag the client writes) |
//! | `request-property-discriminator-added-or-removed` | no | a request `oneOf` gains or loses its discriminator (progenitor 0.15 ignores `discriminator`: the generated type is the same) |
//! | `response-success-status-added` | no | a new 2xx whose body is one the operation already returns |
//! | `response-success-status-added-new-type` | yes | a new 2xx with another body: the generated return type changes |
//! | `response-success-status-removed` | yes | a 2xx response disappears |
//! | `response-error-status-added` | no | a new non-2xx response (or `default`) |
//! | `response-error-status-removed` | no | a non-2xx response disappears |
//! | `response-body-added` | no | a response without a body gets one |
//! | `response-body-removed` | yes | a response loses its body |
//! | `response-media-type-changed` | yes | a response changes kind as the client reads it: JSON (any JSON media type, parameters ignored) or bytes (every other type; what a body read as bytes holds is not compared) |
//! | `response-property-added` | no | a new response property |
//! | `response-property-removed` | yes | a response property disappears |
//! | `response-property-became-optional` | yes | † a required response property becomes optional |
//! | `response-property-became-required` | no | an optional response property becomes required |
//! | `response-property-type-changed` | yes | † a response value's type changes, an array gains or loses its `items`, or its schema moves into, out of or between `components` (as above) |
//! | `response-property-format-changed` | yes | † a response value's format changes |
//! | `response-property-became-nullable` | yes | † a response value may now be null |
//! | `response-property-became-not-nullable` | no | a response value is no longer null |
//! | `response-property-enum-value-added` | yes | a response value may carry a new enum value |
//! | `response-property-enum-value-removed` | no | a response value no longer carries an enum value |
//! | `response-property-variant-added` | yes | a response `oneOf`/`anyOf` gains a variant |
//! | `response-property-variant-removed` | no | a response `oneOf`/`anyOf` loses a variant |
//! | `response-property-enum-added` | yes | † a response value becomes an enum (the Rust type changes, and values outside it fail to decode) |
//! | `response-property-enum-removed` | yes | a response value is no longer an enum (the generated enum becomes `String`) |
//! | `response-property-bound-changed` | no | a response value's bound changes (the client stage drops validation keywords, so no bound is enforced on what it reads) |
//! | `response-property-pattern-changed` | no | a response value's `pattern` changes (not enforced by the client, as above) |
//! | `response-property-discriminator-changed` | yes | a response `oneOf`'s discriminator changes (the tag the client reads) |
//! | `response-property-discriminator-added-or-removed` | no | a response `oneOf` gains or loses its discriminator (as above) |
//! | `server-added` | no | a server URL appears (the client takes its base URL as an argument) |
//! | `server-removed` | no | a server URL disappears |
//! | `security-scheme-added` | no | a security scheme appears |
//! | `security-scheme-removed` | yes | a security scheme that a requirement names disappears |
//! | `security-scheme-removed-unused` | no | a security scheme that no requirement names disappears |
//! | `security-scheme-changed` | yes | a scheme sends its credential differently (type, location, name, HTTP scheme, OAuth2 token URLs; not `authorizationUrl`, which the user's browser visits) |
//! | `component-schema-added` | no | a schema appears in `components` |
//! | `component-schema-removed` | yes | a schema leaves `components` (its generated type goes with it) |
//!
//! The `*-property-*` rules apply at any depth, including the body itself (path `""`, shown as
//! the body) and inside parameter schemas. The document's own `security` is compared under the
//! `api-security-*` rules in the document group; an operation's only when it overrides it.
//!
//! Pathological documents (`$ref` graphs deep or diamond-shaped enough to make the number of
//! field paths explode) are compared up to a fixed amount of work per schema, then left.
//!
//! # oasdiff checks judged not applicable
//!
//! Of oasdiff's breaking checks, these cannot break a user of the generated client, or are
//! covered by a rule above under another id:
//!
//! - response headers (added, removed, became optional): progenitor's `ResponseValue` exposes
//!   headers as an untyped map, so no generated item depends on them;
//! - `exclusiveMinimum`/`exclusiveMaximum` and `multipleOf`: not compared; in requests they
//!   tighten like the bounds above, in responses the client enforces none;
//! - `readOnly`/`writeOnly`, default values, examples, descriptions, summaries, tags,
//!   `x-extensible-enum`, stability and sunset extensions: none changes what the client sends,
//!   accepts or names (the client is generated with merged, untagged methods);
//! - callbacks, links, webhooks: progenitor generates nothing for them;
//! - `servers` and request parameter defaults: the client takes its base URL as an argument
//!   and sends only what the caller sets (the server rules are reported, not breaking);
//! - path parameters renamed: operations are matched with parameter names erased, so a rename
//!   shows as a parameter removed and one added (both under their own rules);
//! - security scopes: compared scheme by scheme within an alternative
//!   (`api-security-scope-*`): a scope no longer asked for changes nothing for a caller whose
//!   token has it.
//!
//! Also not compared: an operation's `$ref` path items to other files.
//!
//! [oasdiff]: https://github.com/oasdiff/oasdiff/blob/main/BREAKING-CHANGES-EXAMPLES.md
//! [cargo-semver-checks]: https://github.com/obi1kenobi/cargo-semver-checks
//!
//! # Checked against cargo-semver-checks
//!
//! `cargo xtask semver-judge` generates the two clients of every rule fixture of
//! `tests/rust_impact.rs` as crates and has [cargo-semver-checks] (pinned, see
//! `xtask/src/semver_judge.rs`) compare them: its verdict is "breaking" when a lint that needs
//! a major release fails. Rules whose description starts with † (table above) change a field's or a setter
//! argument's type, which cargo-semver-checks does not compare: it sees nothing there (or
//! only a new type), so it misses these breaking changes (seen on the fixtures below; the
//! marked rules without a fixture change a type the same way). Where it is stricter than we
//! are (a field added), the table says why. The
//! table below is written by `cargo xtask semver-judge --write` from a real run (the command
//! fails on a disagreement without an explanation), and `xtask/tests/semver_judge.rs` checks
//! rows of each kind against a new run.
//!
#![doc = include_str!("semver-judge.md")]
#![doc = include_str!("oasdiff-err.md")]

mod change;
mod difference;
mod lines;
mod parts;
mod read;
pub mod rules;
mod rust;
mod schema;
mod security;
mod verdict;
mod version;
mod walk;

use std::fmt::Write as _;

use openapiv3::OpenAPI;
use serde_json::{json, Value};

use change::code;
pub use change::RustChange;
pub use change::{Change, Scope, State};
pub use lines::YamlLines;
pub use read::{read, ParseError, Read};
pub use rules::Rule;
pub use rust::compare as compare_clients;
pub use version::{Bump, Version};

/// Reads an OpenAPI 3.0 document from YAML or JSON text, strictly ([`read`] is lenient).
pub fn parse(text: &str) -> Result<OpenAPI, ParseError> {
    let doc = crate::read_openapi(crate::OpenApiSource::Text(text))
        .map_err(|err| ParseError::Syntax(err.0))?;
    if !crate::openapi_util::is_openapi_3_0(&doc.openapi) {
        return Err(ParseError::Version(doc.openapi));
    }
    Ok(doc)
}

/// Compares two documents.
pub fn diff(old: &OpenAPI, new: &OpenAPI) -> Report {
    let mut walk = walk::Walk::new(old, new);
    walk.document();
    walk.operations();
    let groups = walk
        .groups
        .into_iter()
        .map(|(scope, mut changes)| {
            // Breaking first, then in the order of the rules table (operation, parameters,
            // request, responses), then by text: stable whatever the key order of the inputs.
            let rank = |rule: &Rule| rules::ALL.iter().position(|r| r == rule);
            changes.sort_by_cached_key(|c| (!c.rule.breaking, rank(&c.rule), c.message.clone()));
            changes.dedup();
            Group { scope, changes }
        })
        .collect();
    Report {
        groups,
        rust_other: Vec::new(),
    }
}

/// The changes between two documents, grouped by where they apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Document-level group first, then operations by path and method; no empty group.
    pub groups: Vec<Group>,
    /// Differences of the generated Rust client that no change accounts for (once attached,
    /// [`Report::attach_rust`]).
    pub rust_other: Vec<RustChange>,
}

/// The changes of one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Where the changes apply.
    pub scope: Scope,
    /// Breaking changes first, then the others, each part sorted by message.
    pub changes: Vec<Change>,
}

impl Report {
    /// Attaches each Rust API difference to the spec changes it comes from (an operation's
    /// method and builder to the changes of that operation, a type's fields and variants to
    /// the changes whose element is in that component); what matches no change is kept in
    /// [`Report::rust_other`].
    pub fn attach_rust(&mut self, changes: Vec<RustChange>) {
        let mut matched = vec![false; changes.len()];
        for group in &mut self.groups {
            for change in &mut group.changes {
                // The items a change may touch depend on it alone: found once, not per item.
                let targets = rust::targets(&group.scope, change);
                for (rust, matched) in changes.iter().zip(&mut matched) {
                    if rust::concerns(&targets, &rust.item) {
                        change.rust.push(rust.clone());
                        *matched = true;
                    }
                }
            }
        }
        self.rust_other = changes
            .into_iter()
            .zip(matched)
            .filter_map(|(rust, matched)| (!matched).then_some(rust))
            .collect();
    }

    /// The bump this report needs from `current`, and the version it gives.
    pub fn next_version(&self, current: Version) -> (Bump, Version) {
        let bump = current.bump_for(!self.is_empty(), self.has_breaking());
        (bump, current.bumped(bump))
    }

    /// Whether any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.changes().any(|(_, change)| change.rule.breaking)
    }

    /// Whether the documents are the same as far as the rules can tell.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Every change with its scope, in report order.
    pub fn changes(&self) -> impl Iterator<Item = (&Scope, &Change)> {
        self.groups.iter().flat_map(|group| {
            group
                .changes
                .iter()
                .map(move |change| (&group.scope, change))
        })
    }

    /// The report as Markdown: a heading, a summary line, then one section per group with one
    /// bullet per change.
    pub fn to_markdown(&self) -> String {
        let (breaking, other) = self.counts();
        let mut out = String::from("## API changes\n\n");
        if self.is_empty() {
            out.push_str("No changes.\n");
            return out;
        }
        let plural =
            |n: usize, what: &str| format!("{n} {what} change{}", if n == 1 { "" } else { "s" });
        // `write!` to a String cannot fail.
        let _ = writeln!(
            out,
            "{}, {}.",
            plural(breaking, "breaking"),
            plural(other, "other")
        );
        for group in &self.groups {
            out.push('\n');
            match &group.scope {
                Scope::Document => out.push_str("### Document\n"),
                Scope::Operation {
                    path,
                    method,
                    operation_id,
                } => {
                    let _ = write!(out, "### {}", code(&format!("{method} {path}")));
                    if let Some(id) = operation_id {
                        let _ = write!(out, " ({})", code(id));
                    }
                    out.push('\n');
                }
            }
            out.push('\n');
            for change in &group.changes {
                let flag = if change.rule.breaking {
                    "**breaking** "
                } else {
                    ""
                };
                let _ = writeln!(out, "- {flag}`{}`: {}", change.rule.id, change.message);
                if !change.rust.is_empty() {
                    let rust: Vec<String> = change.rust.iter().map(RustChange::describe).collect();
                    let _ = writeln!(out, "  - Rust: {}", rust.join("; "));
                }
            }
        }
        if !self.rust_other.is_empty() {
            out.push_str("\n### Other changes of the generated Rust client\n\n");
            for rust in &self.rust_other {
                let _ = writeln!(out, "- {}", rust.describe());
            }
        }
        out
    }
}

/// Version of the JSON form; bumped when a field changes meaning or disappears.
pub const JSON_FORMAT: &str = "spec-diff/1";

impl Report {
    fn counts(&self) -> (usize, usize) {
        let breaking = self.changes().filter(|(_, c)| c.rule.breaking).count();
        (breaking, self.changes().count() - breaking)
    }

    /// The report as JSON, for tools: `{"format", "breaking", "other", "changes": [...]}`, each
    /// change `{"rule", "breaking", "scope", "message", "old", "new"}` where `scope` is
    /// `{"kind": "document"}` or `{"kind": "operation", "method", "path", "operation_id"}`,
    /// `message` is the Markdown line, and `old`/`new` are `{"pointer", "present", "value"}`
    /// ([`State`]): where the element is in each document as an RFC 6901 JSON pointer (or,
    /// `present` false, the place that would hold it), and its value there for a change of one
    /// value (else `null`); `rust` lists what the change does to the generated client, when
    /// attached ([`Report::attach_rust`]; `rust_other` the client differences no change
    /// accounts for), each `{"item", "old", "new"}`. Changes in report order.
    pub fn to_json(&self) -> Value {
        let state =
            |s: &State| json!({"pointer": s.pointer, "present": s.present, "value": s.value});
        let changes: Vec<Value> = self
            .changes()
            .map(|(scope, change)| {
                let scope = match scope {
                    Scope::Document => json!({"kind": "document"}),
                    Scope::Operation {
                        path,
                        method,
                        operation_id,
                    } => json!({
                        "kind": "operation",
                        "method": method,
                        "path": path,
                        "operation_id": operation_id,
                    }),
                };
                json!({
                    "rule": change.rule.id,
                    "breaking": change.rule.breaking,
                    "scope": scope,
                    "message": change.message,
                    "old": state(&change.old),
                    "new": state(&change.new),
                    "rust": change.rust.iter().map(rust_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let (breaking, other) = self.counts();
        json!({
            "format": JSON_FORMAT,
            "breaking": breaking,
            "other": other,
            "changes": changes,
            "rust_other": self.rust_other.iter().map(rust_json).collect::<Vec<_>>(),
        })
    }

    /// The report as GitHub Actions workflow commands, one line per change:
    /// `::error` for a breaking change, `::notice` for another, at `file` and the line of the
    /// changed element in `new` (the new spec's text). An element the new spec no longer has
    /// is annotated at its nearest ancestor there (GitHub shows annotations on the new file
    /// only), and the message names its line in `old`.
    pub fn to_github(&self, file: &str, old: &YamlLines, new: &YamlLines) -> String {
        let mut out = String::new();
        for (scope, change) in self.changes() {
            let level = if change.rule.breaking {
                "error"
            } else {
                "notice"
            };
            let mut message = match scope {
                Scope::Document => String::new(),
                Scope::Operation {
                    path,
                    method,
                    operation_id,
                } => {
                    let id = operation_id.as_deref().map(|id| format!(" ({id})"));
                    format!("{method} {path}{}: ", id.unwrap_or_default())
                }
            };
            message.push_str(&change.message);
            if !change.new.present {
                if let Some(line) = old.line(&change.old.pointer) {
                    let _ = write!(message, " (line {line} of the base spec)");
                }
            }
            let line = new.line(&change.new.pointer).unwrap_or(1);
            let _ = writeln!(
                out,
                "::{level} file={},line={line},title={}::{}",
                github_property(file),
                github_property(change.rule.id),
                github_data(&message)
            );
        }
        out
    }
}

/// A Rust API difference as JSON: `{"item", "old", "new"}` (types or signatures, `null` on
/// the side that lacks the item).
fn rust_json(rust: &RustChange) -> Value {
    json!({"item": rust.item, "old": rust.old, "new": rust.new})
}

/// A workflow command's message, escaped as the runner reads it back.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value (`file=`, `title=`): also `:` and `,` escaped.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn workflow_command_text_is_escaped() {
        assert_eq!(super::github_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(super::github_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("id"), "`id`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("x\ny"), "`x y`");
    }
}
