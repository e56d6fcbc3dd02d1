//! Runs each example as a user would, `cargo run -p examples --example NAME` with `1234` on
//! stdin and no Belvo credentials (so against its embedded mock), and checks that it exits 0
//! and prints what it is about.
//!
//! Through `cargo run` rather than a path under `target/`: examples have no
//! `CARGO_BIN_EXE_*`, and a binary found by path may be stale when only this test was built.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

fn run_example(name: &str, stdin: &str) -> String {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "examples", "--example", name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // Whatever the developer's shell holds, the examples must take the mock.
        .env_remove("BELVO_SECRET_ID")
        .env_remove("BELVO_SECRET_PASSWORD")
        .env_remove("BELVO_ENV")
        .env_remove("BELVO_URL")
        .env_remove("BELVO_LINK_ID")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    let out = child.wait_with_output().expect("the example finishes");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{name} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{name}: ran in {:.1?}", started.elapsed());
    stdout
}

fn assert_lines(name: &str, stdout: &str, expected: &[&str]) {
    for line in expected {
        assert!(
            stdout.lines().any(|l| l.trim_start().starts_with(line)),
            "{name}: no line starting with {line:?} in:\n{stdout}"
        );
    }
}

#[test]
fn mfa_resume_runs_against_its_mock() {
    let stdout = run_example("mfa_resume", "1234\n");
    assert_lines(
        "mfa_resume",
        &stdout,
        &[
            "No BELVO_SECRET_ID/BELVO_SECRET_PASSWORD: using an embedded mock",
            "Token required (round 1): Enter the code your bank sent you",
            "Retrieved 2 balances (HTTP 201)",
            "Cuenta Perfiles",
        ],
    );
}

#[test]
fn list_accounts_walks_every_page_of_its_mock() {
    let stdout = run_example("list_accounts", "");
    assert_lines(
        "list_accounts",
        &stdout,
        &[
            "page 1: 2 accounts",
            "page 2: 2 accounts",
            "page 3: 1 accounts",
            "Account 5",
            "5 accounts in 3 pages",
        ],
    );
}

#[test]
fn trace_call_prints_the_spans_of_one_call() {
    let stdout = run_example("trace_call", "");
    assert_lines("trace_call", &stdout, &["Retrieved 2 balances"]);
    let spans: Vec<&str> = stdout.lines().filter(|l| l.contains("close")).collect();
    let expected = [
        r#"belvo.call{operation="retrieve_balances_for_a_link" method="POST" path="/api/balances/" attempts=1 status=428 request_id="8c7b283c6efa449c9c028a16b5c249fa"}"#,
        r#"belvo.mfa.resume{operation="complete_a_balances_request" round=1}:belvo.call{operation="complete_a_balances_request" method="PATCH" path="/api/balances/" attempts=1 status=201}"#,
        r#"belvo.mfa{operation="retrieve_balances_for_a_link" rounds=1}: close"#,
    ];
    for span in expected {
        assert!(
            spans.iter().any(|l| l.contains(span)),
            "no span {span} in:\n{stdout}"
        );
    }
    // The mock's link and session, and its address, are in no span.
    for secret in ["30cb4806", "2675b703", "127.0.0.1", "Basic"] {
        assert!(
            !spans.iter().any(|l| l.contains(secret)),
            "{secret} in:\n{stdout}"
        );
    }
}
