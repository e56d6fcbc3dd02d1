//! Property tests of [`codegen::convert`] on generated input: it must never panic, and whatever
//! spec it returns must serialise, read back as OpenAPI, name each operation once, declare every
//! `{param}` of its path templates, and come out byte-identical when converted again.
//!
//! Three generators feed the same checks:
//! - arbitrary JSON whose keys lean toward Postman's (`info`, `item`, `request`, `url`, …) and
//!   whose strings toward what collections hold (`{{var}}`, `:id`, `<uuid>`, unicode, empty);
//! - collections built item by item, each field sometimes swapped for arbitrary JSON, which
//!   reach deep into the converter where the first generator is mostly refused early;
//! - a small valid v2.1 collection with random subtrees replaced or deleted;
//!
//! and arbitrary text (including the seed cut short) must be refused without a panic. Fixed
//! tests add deep nesting, which the generators keep shallow.
//!
//! Each property runs 256 cases by default (about 10 s in all in a debug build). To search
//! longer (100,000 cases took under 7 minutes in release on 2 cores, after an 8-minute build):
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test -p codegen --test fuzz --release
//! ```
//!
//! A failure is shrunk to a minimal input and its seed saved in `fuzz.proptest-regressions`
//! beside this file, which is replayed first on every run: commit that file with the fix.
//!
//! The converter bugs it found are fixed and kept in `fuzz/regressions.rs` as regression
//! tests with their minimal inputs; the seed that found the first is in the regressions file.
//! The generators, the seed collection, the memory budget and the inputs of reported sizes
//! are in `fuzz/` beside this file.

#[path = "fuzz/budget.rs"]
mod budget;
#[path = "fuzz/generators.rs"]
mod generators;
#[path = "fuzz/regressions.rs"]
mod regressions;
#[path = "fuzz/seed.rs"]
mod seed;
#[path = "fuzz/sizes.rs"]
mod sizes;
mod support;

use std::collections::BTreeSet;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{json, Value};

use budget::{measured, memory_budget};
use generators::{json_value, postman_like};
use seed::{mutated_seed, rooted_json, seed_collection};

/// The `{name}`s of a path template.
fn template_params(path: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.insert(after[..close].to_string());
        rest = &after[close + 1..];
    }
    names
}

/// Names of the path parameters in `params`, following `#/components/parameters/…` refs.
fn declared_path_params(spec: &OpenAPI, params: &[ReferenceOr<Parameter>]) -> BTreeSet<String> {
    params
        .iter()
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                match spec.components.as_ref()?.parameters.get(name)? {
                    ReferenceOr::Item(p) => Some(p),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        })
        .filter_map(|p| match p {
            Parameter::Path { parameter_data, .. } => Some(parameter_data.name.clone()),
            _ => None,
        })
        .collect()
}

/// The start of a long text, for failure messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 3000;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}\n… ({} bytes in all)", &text[..at], text.len()),
        None => text.to_string(),
    }
}

/// How long one conversion of generated input may take; they take milliseconds.
const CONVERT_TIMEOUT: Duration = Duration::from_secs(10);

/// `codegen::convert` on a thread of its own, so that a hang fails the case instead of stalling
/// the suite, within [`CONVERT_TIMEOUT`] and [`memory_budget`]. A hung thread is left behind,
/// to die with the process; a panic is passed on.
fn convert_in_time(
    input: &str,
) -> Result<Result<codegen::Conversion, codegen::ConvertError>, TestCaseError> {
    convert_within(input, CONVERT_TIMEOUT)
}

/// [`convert_in_time`] with another time limit.
fn convert_within(
    input: &str,
    timeout: Duration,
) -> Result<Result<codegen::Conversion, codegen::ConvertError>, TestCaseError> {
    let (done, result) = mpsc::channel();
    let owned = input.to_string();
    let worker = thread::spawn(move || {
        let (conversion, cost) = measured(|| codegen::convert(&owned));
        let _ = done.send((conversion, cost.peak_bytes));
    });
    match result.recv_timeout(timeout) {
        Ok((conversion, peak)) => {
            let budget = memory_budget(input.len());
            if peak > budget {
                return Err(TestCaseError::fail(format!(
                    "codegen::convert held {peak} bytes for {} bytes of input (budget {budget})",
                    input.len()
                )));
            }
            Ok(conversion)
        }
        Err(RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!(
            "codegen::convert did not finish within {timeout:?}"
        ))),
        // The sender was dropped without sending: the conversion panicked.
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => Err(TestCaseError::fail(
                "conversion thread ended without a result",
            )),
        },
    }
}

/// Every property the converter promises for one input.
fn check(input: &str) -> Result<(), TestCaseError> {
    check_with(input, false)
}

/// [`check`] for an input the converter must accept: a regression test's fix that turned into
/// a refusal fails.
fn check_accepted(input: &str) -> Result<(), TestCaseError> {
    check_with(input, true)
}

fn check_with(input: &str, must_accept: bool) -> Result<(), TestCaseError> {
    // A panic here fails the case; proptest catches it and shrinks the input.
    let first = match convert_in_time(input)? {
        Ok(first) => first,
        Err(e) if must_accept => return Err(TestCaseError::fail(format!("refused: {e}"))),
        // Refusing bad input with an error is the right outcome.
        Err(_) => return Ok(()),
    };
    codegen::validate::validate(&first.document)
        .map_err(|e| TestCaseError::fail(format!("not valid OpenAPI: {e}")))?;
    let yaml = codegen::to_yaml(&first.document);
    let back: serde_json::Value = yaml_serde::from_str(&yaml)
        .map_err(|e| TestCaseError::fail(format!("YAML does not read back: {e}")))?;
    prop_assert!(
        back == first.document,
        "YAML reads back as another document\n{}",
        excerpt(&yaml)
    );
    let back: OpenAPI = match serde_json::from_value(back) {
        Ok(back) => back,
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "YAML does not read back as OpenAPI: {e}\n{}",
                excerpt(&yaml)
            )))
        }
    };

    let mut operation_ids = BTreeSet::new();
    for (path, item) in &back.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let wanted = template_params(path);
        for (method, op) in item.iter() {
            if let Some(id) = &op.operation_id {
                prop_assert!(
                    operation_ids.insert(id.clone()),
                    "operationId `{id}` used twice (again on {method} {path})"
                );
            }
            let mut declared = declared_path_params(&back, &item.parameters);
            declared.extend(declared_path_params(&back, &op.parameters));
            for name in &wanted {
                prop_assert!(
                    declared.contains(name),
                    "{method} {path}: path parameter `{name}` not declared (declared: {declared:?})"
                );
            }
        }
    }

    let misfits = support::parameter_example_misfits(&first.document);
    prop_assert!(misfits.is_empty(), "{misfits:?}");

    let again = convert_in_time(input)?
        .map_err(|e| TestCaseError::fail(format!("second conversion failed: {e}")))?;
    let yaml_again = codegen::to_yaml(&again.document);
    prop_assert!(yaml == yaml_again, "converting twice gave different YAML");
    Ok(())
}

fn config() -> ProptestConfig {
    // `ProptestConfig::default()` reads PROPTEST_CASES (default 256).
    ProptestConfig {
        // Shrinking a deep JSON tree can take long; bound it so a failure reports promptly.
        max_shrink_iters: 4096,
        // A hang costs CONVERT_TIMEOUT per shrink step: give up shrinking after two minutes.
        max_shrink_time: 120_000,
        // `fuzz.proptest-regressions` beside this file. The default (`SourceParallel`) finds
        // the same path but first looks for a lib.rs, and warns on every run that it has none.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_json(value in prop_oneof![json_value(), rooted_json()]) {
        check(&value.to_string())?;
    }

    /// The YAML writer on its own: any JSON value, tricky strings and keys included, reads
    /// back as itself.
    #[test]
    fn yaml_reads_back_as_written(value in json_value()) {
        let yaml = codegen::to_yaml(&value);
        let back: Value = yaml_serde::from_str(&yaml)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", excerpt(&yaml))))?;
        prop_assert!(back == value, "read back as another value\n{}", excerpt(&yaml));
    }

    #[test]
    fn postman_shaped(value in postman_like()) {
        check(&value.to_string())?;
    }

    #[test]
    fn mutated_collection(value in mutated_seed()) {
        check(&value.to_string())?;
    }

    /// Not JSON at all, or JSON cut short: must be an error, never a panic.
    #[test]
    fn arbitrary_text(text in prop_oneof![
        any::<String>(),
        (any::<Index>()).prop_map(|i| {
            let full = seed_collection().to_string();
            let cut = i.index(full.len());
            full.char_indices().map(|(at, _)| at).take_while(|&at| at <= cut).last()
                .map_or(String::new(), |at| full[..at].to_string())
        }),
    ]) {
        check(&text)?;
    }
}

/// The seed converts: the mutation tests start from something the converter accepts.
#[test]
fn seed_converts() {
    let seed = seed_collection().to_string();
    let conversion = codegen::convert(&seed).expect("the seed collection converts");
    assert!(conversion.spec().unwrap().paths.paths.len() >= 4);
    check(&seed).expect("the seed collection satisfies every property");
}

/// Guards the generators themselves: if a change made them produce only refused input, every
/// property would pass vacuously.
#[test]
fn generators_reach_operations() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    for (label, strategy) in [
        ("postman_like", postman_like()),
        ("mutated_seed", mutated_seed()),
    ] {
        let mut runner = TestRunner::deterministic();
        let mut with_operations = 0;
        for _ in 0..200 {
            let value = strategy
                .new_tree(&mut runner)
                .expect("generators never reject")
                .current();
            if codegen::convert(&value.to_string())
                .is_ok_and(|c| c.spec().is_ok_and(|s| s.operations().count() > 0))
            {
                with_operations += 1;
            }
        }
        // Measured at about 40% for both; a quarter leaves room for generator tweaks.
        assert!(
            with_operations >= 50,
            "{label}: only {with_operations}/200 inputs converted to a spec with operations"
        );
    }
}

/// A collection with one POST whose request body and saved response are both `body`.
fn with_body(body: &str) -> String {
    json!({
        "info": {"name": "deep", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "a",
            "request": {"method": "POST", "url": "https://h/x",
                        "body": {"mode": "raw", "raw": body, "options": {"raw": {"language": "json"}}}},
            "response": [{"name": "ok", "code": 200, "_postman_previewlanguage": "json", "body": body}]
        }]
    })
    .to_string()
}

/// Deep nesting in bodies and folders, on a test thread's 2 MiB stack: no stack overflow,
/// which no `catch_unwind` could report.
#[test]
fn deep_nesting() {
    check_accepted(&with_body(&format!(
        "{}1{}",
        r#"{"a":"#.repeat(100),
        "}".repeat(100)
    )))
    .unwrap();
    check_accepted(&with_body(&format!(
        "{}1{}",
        "[".repeat(40),
        "]".repeat(40)
    )))
    .unwrap();

    let mut item = json!({"name": "leaf", "request": {"method": "GET", "url": "https://h/y"}});
    for i in 0..100 {
        item = json!({"name": format!("folder {i}"), "item": [item]});
    }
    // `json!` builds the value directly, without the parser's depth limit of 128. Folders
    // 100 deep are over 200 JSON levels, past that limit: a refusal is a right answer here,
    // a stack overflow is not.
    let collection = json!({"info": {"name": "deep", "schema": "v2.1"}, "item": [item]});
    check(&collection.to_string()).unwrap();
}
