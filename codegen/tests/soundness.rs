//! Soundness of the generated client on data the API may really send: for a collection that
//! has a truth spec (the API's published OpenAPI document), many bodies valid under the truth
//! schema of each operation and 2xx status are deserialised by the Rust types generated from
//! our conversion of the collection, through the client's own `check_response`. Every body
//! must be accepted (the README promises it), and every (operation, 2xx status) pair both
//! specs give a JSON body must be measured: a pair without a typed body fails the test instead
//! of dropping out of the figure.
//!
//! This is `../shared/tools/soundness.py` with the generated types in place of its Python
//! model of serde's rules. Bodies come from `soundness/bodies.rs`, seeded per operation and
//! status, so a failure reproduces. Settings, from the environment:
//! - `SOUNDNESS_BODIES`: bodies per operation and status (default 20, as soundness.py);
//! - `SOUNDNESS_SEED`: the seed (default 1).
//!
//! Each collection's client is written as a standalone crate with a `main.rs` that reads
//! `[{method, path, status, body}]` from stdin and prints one result per entry, built by
//! `support::build::build_binary` into the shared client-check target (dependencies are
//! compiled once; the first run takes a few minutes). The test is `#[ignore]`d as slow, and
//! `cargo xtask test` runs it:
//! `cargo test -p codegen --test soundness -- --ignored --nocapture` prints the figures.

#[path = "soundness/bodies.rs"]
mod bodies;
mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use bodies::{Generator, Rng};
use codegen::client::{generate, ClientOptions};
use serde_json::{json, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const FLOOR: f64 = 100.0;

/// A collection with the published spec it was made from (or that documents its API).
struct Subject {
    name: &'static str,
    collection: &'static str,
    truth: &'static str,
    /// Properties the truth spec itself gets wrong, never generated.
    ignored: &'static [&'static str],
}

const SUBJECTS: [Subject; 2] = [
    Subject {
        name: "belvo",
        collection: "belvo/belvo.postman_collection.json",
        truth: "belvo/openapi.yaml",
        // `format: string` and no type in Belvo's spec, with the schema itself as the example.
        ignored: &["last_income_description"],
    },
    Subject {
        name: "adyen-checkout-v71",
        collection: "corpus/real/adyen-CheckoutService-v71.json",
        truth: "adyen/CheckoutService-v71.openapi.json",
        ignored: &[],
    },
];

#[test]
#[ignore = "slow: builds two generated clients with cargo (~5 min the first time, ~1 min after a converter change)"]
fn generated_types_accept_bodies_valid_under_the_published_spec() {
    let shared = support::shared_dir();
    let per_status = env_number("SOUNDNESS_BODIES", 20);
    let seed = env_number("SOUNDNESS_SEED", 1);
    assert!(per_status > 0, "SOUNDNESS_BODIES must be at least 1");
    let mut below = Vec::new();
    for subject in &SUBJECTS {
        let start = Instant::now();
        let report = run(&shared, subject, per_status as usize, seed);
        eprintln!("{report}  ({:.1?})\n", start.elapsed());
        if report.accepted() < FLOOR || !report.untyped.is_empty() || report.pairs == 0 {
            below.push(report.to_string());
        }
    }
    assert!(
        below.is_empty(),
        "acceptance below {FLOOR} % or pairs not measured (reproduce with SOUNDNESS_SEED={seed} \
         SOUNDNESS_BODIES={per_status}):\n{}",
        below.join("\n")
    );
}

/// The measure can fail: a client whose types are narrower than the truth (an `integer` for a
/// `number`, formats the truth does not promise) rejects bodies, and the failures name the
/// operation and the offending value's path, while an operation typed as the truth passes.
#[test]
#[ignore = "slow: builds a generated client with cargo"]
fn narrower_types_than_the_truth_are_caught() {
    // 3.1 truth: a type list with null, no formats.
    let item = json!({"type": "object", "required": ["amount"], "properties": {
        "id": {"type": "string"},
        "amount": {"type": "number"},
        "at": {"type": ["string", "null"]},
        "tags": {"type": "array", "items": {"type": "string"}}}});
    let truth = json!({
        "openapi": "3.1.0",
        "info": {"title": "truth", "version": "1"},
        "paths": {
            "/narrow/{id}": {"get": {"responses": {"200": {"description": "OK", "content":
                {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}}},
            "/same/{id}": {"get": {"responses": {"200": {"description": "OK", "content":
                {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}}}},
        "components": {"schemas": {"Item": item}}});
    let param = json!([{"name": "item_id", "in": "path", "required": true,
                        "schema": {"type": "string"}}]);
    let ours = json!({
        "openapi": "3.0.3",
        "info": {"title": "ours", "version": "1"},
        "paths": {
            "/narrow/{item_id}": {"get": {"operationId": "get_narrow", "parameters": param,
                "responses": {"200": {"description": "OK", "content":
                    {"application/json": {"schema": {"$ref": "#/components/schemas/Narrow"}}}}}}},
            "/same/{item_id}": {"get": {"operationId": "get_same", "parameters": param,
                "responses": {"200": {"description": "OK", "content":
                    {"application/json": {"schema": {"$ref": "#/components/schemas/Same"}}}}}}}},
        "components": {"schemas": {
            "Narrow": {"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"},
                "amount": {"type": "integer"},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}}}},
            "Same": {"type": "object", "properties": {
                "id": {"type": "string"},
                "amount": {"type": "number"},
                "at": {"type": "string", "nullable": true},
                "tags": {"type": "array", "items": {"type": "string"}}}}}}});
    let sample = Sample {
        ignored: &[],
        per_status: 40,
        seed: 1,
    };
    let report = measure("control", &truth, &ours, &sample);
    eprintln!("{report}");
    assert_eq!((report.pairs, report.bodies), (2, 80), "{report}");
    assert_eq!(
        report.failing_pairs,
        ["GET /narrow/{item_id} 200"],
        "{report}"
    );
    assert!(report.accepted() < 75.0, "{report}");
    for path in ["amount", "id", "at"] {
        let expected = format!("does not fit the generated types at `{path}`");
        assert!(
            report.reasons.keys().any(|r| {
                r.starts_with("GET /narrow/{item_id} 200: `get_narrow`") && r.contains(&expected)
            }),
            "no failure of `get_narrow` says `{expected}`:\n{report}"
        );
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
        Err(_) => default,
    }
}

/// One body to check: where it goes, and the body.
struct Case {
    method: &'static str,
    /// The path template of our spec, as the client knows it.
    path: String,
    status: u16,
    body: Value,
}

/// What one collection gave.
#[derive(Default)]
struct Report {
    name: String,
    truth_operations: usize,
    matched_operations: usize,
    /// (operation, status) pairs checked, and those where every body passed.
    pairs: usize,
    pairs_always_ok: usize,
    failing_pairs: Vec<String>,
    /// Failures by kind: operation, status and the message's first line, values blanked.
    reasons: BTreeMap<String, usize>,
    /// Pairs both specs have but for which the client has no typed body.
    untyped: Vec<String>,
    bodies: usize,
    accepted_bodies: usize,
    /// `METHOD path status: message`, with the body, first ones only.
    failures: Vec<String>,
    failure_count: usize,
}

impl Report {
    fn accepted(&self) -> f64 {
        100.0 * self.accepted_bodies as f64 / self.bodies.max(1) as f64
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "soundness {}: accepted={:.2}% ({}/{} bodies), (operation, status) always ok {}/{}, \
             operations {} of the truth's {}",
            self.name,
            self.accepted(),
            self.accepted_bodies,
            self.bodies,
            self.pairs_always_ok,
            self.pairs,
            self.matched_operations,
            self.truth_operations,
        )?;
        if !self.untyped.is_empty() {
            writeln!(
                f,
                "  no typed body in the client for {} (operation, status): {}",
                self.untyped.len(),
                self.untyped.join(", ")
            )?;
        }
        if !self.failing_pairs.is_empty() {
            writeln!(f, "  failing: {}", self.failing_pairs.join(", "))?;
        }
        let mut reasons: Vec<_> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (reason, count) in reasons {
            writeln!(f, "  {count:5} × {reason}")?;
        }
        for failure in &self.failures {
            writeln!(f, "  FAIL {failure}")?;
        }
        if self.failure_count > self.failures.len() {
            writeln!(
                f,
                "  … and {} more failures",
                self.failure_count - self.failures.len()
            )?;
        }
        Ok(())
    }
}

/// Failures shown per collection, and per operation and status.
const SHOWN: usize = 20;
const SHOWN_PER_PAIR: usize = 3;

/// Converts the subject's collection and measures the client generated from it.
fn run(shared: &Path, subject: &Subject, per_status: usize, seed: u64) -> Report {
    let truth = read_document(&shared.join(subject.truth));
    let text = std::fs::read_to_string(shared.join(subject.collection)).unwrap();
    let conversion = codegen::convert(&text).unwrap();
    let sample = Sample {
        ignored: subject.ignored,
        per_status,
        seed,
    };
    measure(subject.name, &truth, &conversion.document, &sample)
}

/// How bodies are drawn.
struct Sample<'a> {
    /// Properties never generated.
    ignored: &'a [&'a str],
    per_status: usize,
    seed: u64,
}

/// Bodies valid under `truth`, checked by the client generated from `ours` (an OpenAPI 3.0
/// document as JSON) for every operation and 2xx status both have.
fn measure(name: &str, truth: &Value, ours: &Value, sample: &Sample) -> Report {
    let mut report = Report {
        name: name.to_owned(),
        ..Report::default()
    };
    let (cases, pairs) = sample_cases(truth, ours, sample, &mut report);
    assert!(
        !cases.is_empty(),
        "{name}: no operation and status in common with the truth spec"
    );

    let spec = serde_json::from_value(ours.clone()).expect("our spec reads as OpenAPI 3.0");
    let results = check(name, &spec, &cases);
    for (i, (first, label)) in pairs.iter().enumerate() {
        let end = pairs.get(i + 1).map_or(cases.len(), |p| p.0);
        tally_pair(
            &mut report,
            label,
            &cases[*first..end],
            &results[*first..end],
        );
    }
    assert!(
        report.pairs > 0,
        "{name}: the client has a typed body for no operation and status of the truth spec"
    );
    report
}

/// Bodies generated from the truth's schema for every operation and 2xx status both specs
/// describe with a JSON body, and each pair's first case index with its label, to attribute
/// results; counts the operations on the way.
fn sample_cases(
    truth: &Value,
    ours: &Value,
    sample: &Sample,
    report: &mut Report,
) -> (Vec<Case>, Vec<(usize, String)>) {
    let truth_ops = operations(truth);
    let our_ops = operations(ours);
    report.truth_operations = truth_ops.len();
    let mut cases = Vec::new();
    let mut pairs: Vec<(usize, String)> = Vec::new();
    for (key, (_, truth_op)) in &truth_ops {
        let Some((our_path, our_op)) = our_ops.get(key) else {
            continue;
        };
        report.matched_operations += 1;
        let ours_by_status = responses(ours, our_op);
        for (status, truth_response) in responses(truth, truth_op) {
            let Some(our_response) = ours_by_status.get(&status) else {
                continue;
            };
            let Ok(code) = status.parse::<u16>() else {
                continue;
            };
            if !(200..300).contains(&code) {
                continue;
            }
            let (Some(schema), Some(_)) = (json_schema(truth_response), json_schema(our_response))
            else {
                continue;
            };
            let label = format!("{} {our_path} {code}", key.0.to_uppercase());
            let rng = Rng::for_part(sample.seed, &label);
            let mut generator = Generator::new(truth, sample.ignored, rng);
            pairs.push((cases.len(), label));
            for _ in 0..sample.per_status {
                cases.push(Case {
                    method: key.0,
                    path: our_path.clone(),
                    status: code,
                    body: generator.body(schema),
                });
            }
        }
    }
    (cases, pairs)
}

/// One pair's results into `report`: untyped when the client has no typed body for it,
/// otherwise each body accepted or counted as a failure, a few of them shown.
fn tally_pair(report: &mut Report, label: &str, cases: &[Case], results: &[Value]) {
    if results.iter().all(Value::is_null) {
        report.untyped.push(label.to_owned());
        return;
    }
    report.pairs += 1;
    let mut failed = 0;
    for (case, result) in cases.iter().zip(results) {
        report.bodies += 1;
        if *result == Value::Bool(true) {
            report.accepted_bodies += 1;
            continue;
        }
        failed += 1;
        report.failure_count += 1;
        let message = result.as_str().map_or(result.to_string(), str::to_owned);
        *report.reasons.entry(reason(label, &message)).or_default() += 1;
        // A few per pair, so one bad operation does not hide the others.
        if failed <= SHOWN_PER_PAIR && report.failures.len() < SHOWN {
            let text = case.body.to_string();
            let mut body: String = text.chars().take(300).collect();
            if body.len() < text.len() {
                body.push('…');
            }
            let message = message.replace('\n', "\n    ");
            report
                .failures
                .push(format!("{label}: {message}\n    body: {body}"));
        }
    }
    if failed == 0 {
        report.pairs_always_ok += 1;
    } else {
        report.failing_pairs.push(label.to_owned());
    }
}

/// A failure's kind: `label` and the first line of `message` with numbers and quoted
/// strings blanked, as soundness.py counts them.
fn reason(label: &str, message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    let mut out = format!("{label}: ");
    let mut chars = line.chars().peekable();
    // Whether the previous character continues a word (`i64` keeps its digits).
    let mut in_word = false;
    while let Some(c) = chars.next() {
        let starts_number =
            c.is_ascii_digit() || (c == '-' && chars.peek().is_some_and(char::is_ascii_digit));
        if c == '"' {
            chars.by_ref().take_while(|c| *c != '"').for_each(drop);
            out.push_str("\"_\"");
        } else if starts_number && !in_word {
            while chars.next_if(|c| c.is_ascii_digit() || *c == '.').is_some() {}
            out.push('_');
        } else {
            out.push(c);
        }
        in_word = c.is_alphanumeric() || c == '_';
    }
    out
}

/// A JSON or YAML document as JSON.
fn read_document(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).unwrap()
    } else {
        yaml_serde::from_str(&text).unwrap()
    }
}

/// `(method, path shape)` → (path template, operation); parameter names do not matter, as in
/// fidelity.py and soundness.py.
fn operations(document: &Value) -> BTreeMap<(&'static str, String), (String, &Value)> {
    let mut out = BTreeMap::new();
    let paths = document["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let item = resolve(document, item);
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.insert((method, shape(path)), (path.clone(), op));
            }
        }
    }
    out
}

/// fidelity.py's `re.sub(r'\{[^}]*\}', '{}', path)`.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((_, tail)) = after.split_once('}') else {
            break;
        };
        out.push_str(before);
        out.push_str("{}");
        rest = tail;
    }
    out + rest
}

/// An operation's responses by status, `$ref`s followed.
fn responses<'d>(document: &'d Value, op: &'d Value) -> BTreeMap<String, &'d Value> {
    op.get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, response)| (status.clone(), resolve(document, response)))
        .collect()
}

/// The schema of a response's first JSON media type.
fn json_schema(response: &Value) -> Option<&Value> {
    let content = response.get("content")?.as_object()?;
    let (_, media) = content.iter().find(|(kind, _)| kind.contains("json"))?;
    media.get("schema")
}

fn resolve<'d>(document: &'d Value, mut node: &'d Value) -> &'d Value {
    for _ in 0..64 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference
                .strip_prefix('#')
                .and_then(|p| document.pointer(p))
            {
                Some(target) => node = target,
                None => return &Value::Null,
            },
            None => return node,
        }
    }
    &Value::Null
}

/// Runs every case through the generated client's `check_response`: `null` where the client
/// has no typed body, `true` when the body deserialises, else the client's message.
fn check(name: &str, spec: &openapiv3::OpenAPI, cases: &[Case]) -> Vec<Value> {
    let binary = build_checker(name, spec);
    let input: Vec<Value> = cases
        .iter()
        .map(|c| json!({"method": c.method, "path": c.path, "status": c.status, "body": c.body}))
        .collect();
    let mut child = Command::new(&binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
    let mut stdin = child.stdin.take().unwrap();
    let text = serde_json::to_vec(&input).unwrap();
    // Written from another thread, so a large input cannot deadlock against a full stdout.
    let writer = std::thread::spawn(move || stdin.write_all(&text));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "{} failed", binary.display());
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.len(), cases.len());
    results
}

/// `main.rs` of the checker: one result per entry of its stdin.
const CHECKER_MAIN: &str = r#"//! Reads `[{"method", "path", "status", "body"}]` from stdin and prints, per entry, `null`
//! (no typed body for that status), `true` (the body deserialises) or the client's message.

use std::io::Read;

use serde_json::Value;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).expect("reading stdin");
    let cases: Vec<Value> = serde_json::from_str(&input).expect("a JSON list of cases");
    let results: Vec<Value> = cases
        .iter()
        .map(|case| {
            let body = serde_json::to_vec(&case["body"]).expect("a JSON body");
            let status = case["status"].as_u64().expect("a status") as u16;
            let method = case["method"].as_str().expect("a method");
            let path = case["path"].as_str().expect("a path");
            match client::check_response(method, path, status, &body) {
                None => Value::Null,
                Some(Ok(())) => Value::Bool(true),
                Some(Err(message)) => Value::String(message),
            }
        })
        .collect();
    println!("{}", Value::Array(results));
}
"#;

/// Writes the client of `spec` as a crate with the checker as its binary, builds it and
/// returns the binary's path.
fn build_checker(name: &str, spec: &openapiv3::OpenAPI) -> PathBuf {
    let options = ClientOptions {
        response_checks: true,
        mfa_glue: false,
        ..ClientOptions::default()
    };
    let client = generate(spec, &options).unwrap();
    let package = format!("soundness-{name}");
    let main = CHECKER_MAIN.replace(
        "use serde_json::Value;",
        &format!(
            "use {} as client;\nuse serde_json::Value;",
            package.replace('-', "_")
        ),
    );
    support::build::build_binary(&package, name, &client.code, &main)
}

#[test]
fn path_shapes_ignore_parameter_names() {
    assert_eq!(shape("/api/accounts/{id}/"), "/api/accounts/{}/");
    assert_eq!(shape("/a/{x}/b/{y}.json"), "/a/{}/b/{}.json");
    assert_eq!(shape("/plain"), "/plain");
    assert_eq!(shape("/open/{x"), "/open/{x");
}
