//! `cargo xtask pull` on scratch git repositories (the project's pipeline files, with a bare
//! repository as `origin`), against Postman's and GitHub's APIs on loopback: a changed
//! collection is written with its spec and client and its pull request opened with the review
//! comment, then updated rather than duplicated; an unchanged one writes nothing and opens
//! nothing; refusals (401, 404, 429 to the end, a body that is not JSON, is cut short, is not
//! a collection or does not convert) change nothing and say why; 429 then 200 succeeds. The
//! API key appears in no output.

mod support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use support::{git, project_copy, tempdir, COLLECTION, PIPELINE};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_xtask");
const KEY: &str = "PMAK-secret-key-never-shown";
const TOKEN: &str = "ghs_secret-token-never-shown";
const UID: &str = "12345678-0a1b2c3d-4e5f";
const PULLS: &str = "/repos/acme/belvo-client/pulls";

/// A scratch checkout whose `origin` is a bare repository beside it.
fn scratch(name: &str) -> PathBuf {
    let dir = project_copy(&format!("pull-{name}"), &PIPELINE);
    let remote = tempdir(&format!("pull-{name}-origin"));
    git(&remote, &["init", "-q", "--bare"]);
    git(&dir, &["remote", "add", "origin", remote.to_str().unwrap()]);
    dir
}

fn remote_of(dir: &Path) -> PathBuf {
    PathBuf::from(git_out(dir, &["remote", "get-url", "origin"]))
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    text(&out.stdout).trim().to_owned()
}

/// Runs `xtask ARGS` in `dir` with `env` set and the caller's Postman and GitHub variables
/// cleared; `pull` retries a millisecond apart.
fn xtask(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args);
    if args.first() == Some(&"pull") {
        command.args(["--retry-base-ms", "1"]);
    }
    command.current_dir(dir).stdin(Stdio::null());
    for var in [
        "POSTMAN_API_KEY",
        "POSTMAN_API_URL",
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_EVENT_PATH",
        "GITHUB_API_URL",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().unwrap()
}

/// `xtask pull --postman UID ARGS` with the key, and GitHub's settings, pointing at `server`.
async fn pull(dir: &Path, server: &MockServer, args: &[&str]) -> Output {
    let (dir, uri) = (dir.to_path_buf(), server.uri());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut all = vec!["pull", "--postman", UID];
        all.extend(args.iter().map(String::as_str));
        let env = [
            ("POSTMAN_API_KEY", KEY),
            ("POSTMAN_API_URL", uri.as_str()),
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_REPOSITORY", "acme/belvo-client"),
            ("GITHUB_API_URL", uri.as_str()),
        ];
        xtask(&dir, &all, &env)
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn committed_collection() -> Value {
    let text = std::fs::read_to_string(support::repo_root().join(COLLECTION)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The collection without "List all owners", as Postman's API would answer it.
fn collection_without_a_request() -> Value {
    let mut collection = committed_collection();
    fn remove(node: &mut Value) -> bool {
        // `get_mut`: indexing a mutable object would add a null `item` to every request.
        let Some(items) = node.get_mut("item").and_then(Value::as_array_mut) else {
            return false;
        };
        if let Some(i) = items.iter().position(|i| i["name"] == "List all owners") {
            items.remove(i);
            return true;
        }
        items.iter_mut().any(remove)
    }
    assert!(remove(&mut collection));
    collection
}

/// Postman's API answering `collection` (wrapped, as it does) to the key.
async fn postman_serves(server: &MockServer, collection: &Value) {
    Mock::given(method("GET"))
        .and(path(format!("/collections/{UID}")))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"collection": collection})))
        .mount(server)
        .await;
}

/// No output holds the key or the token.
fn assert_no_secret(out: &Output) {
    for output in [text(&out.stdout), text(&out.stderr)] {
        assert!(!output.contains(KEY) && !output.contains(TOKEN), "{output}");
    }
}

fn assert_clean(dir: &Path) {
    assert_eq!(
        git_out(dir, &["status", "--porcelain"]),
        "",
        "files changed"
    );
}

/// A changed collection: the files are written and committed on `api-pull`, the branch is
/// pushed, and the pull request is opened with the review comment as its body and the next
/// version in its title; a second run updates that pull request and opens none.
#[tokio::test(flavor = "multi_thread")]
async fn a_changed_collection_opens_one_pull_request_then_updates_it() {
    let dir = scratch("changed");
    let base = git_out(&dir, &["symbolic-ref", "--short", "HEAD"]);
    let server = MockServer::start().await;
    postman_serves(&server, &collection_without_a_request()).await;
    Mock::given(method("GET"))
        .and(path(PULLS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(PULLS))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"number": 9})))
        .expect(1)
        .mount(&server)
        .await;
    let out = pull(&dir, &server, &["--open-pr"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("created pull request #9"));
    assert_no_secret(&out);
    server.verify().await;

    // The checkout is back on its branch, unchanged; the change is on `api-pull`, pushed.
    assert_eq!(git_out(&dir, &["symbolic-ref", "--short", "HEAD"]), base);
    assert_clean(&dir);
    let remote = remote_of(&dir);
    let base_commit = git_out(&dir, &["rev-parse", "HEAD"]);
    let changed = git_out(&remote, &["diff", "--name-only", &base_commit, "api-pull"]);
    for file in [
        COLLECTION,
        "spec/openapi.yaml",
        "generated/src/generated.rs",
    ] {
        assert!(
            changed.lines().any(|l| l == file),
            "{file} not in {changed}"
        );
    }

    // The request: the branch, the base, the version in the title, the review as body.
    let requests = server.received_requests().await.unwrap();
    let post = requests
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    let sent: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(sent["head"], "api-pull");
    assert_eq!(sent["base"], base.as_str());
    assert_eq!(
        sent["title"],
        "API update from Postman: belvo 0.1.0 → 0.2.0 (breaking)"
    );
    git(&dir, &["checkout", "-q", "api-pull"]);
    let review = xtask(&dir, &["review", &base], &[]);
    git(&dir, &["checkout", "-q", &base]);
    assert_eq!(sent["body"], text(&review.stdout));
    assert!(text(&review.stdout).contains("`api-removed`"));

    second_run_updates_the_open_pull_request(&dir, &server).await;
    std::fs::remove_dir_all(remote).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

/// A second run of the same change finds the open pull request of `api-pull` and updates it.
async fn second_run_updates_the_open_pull_request(dir: &Path, server: &MockServer) {
    server.reset().await;
    postman_serves(server, &collection_without_a_request()).await;
    let open = json!([{"number": 9, "state": "open", "head": {"ref": "api-pull"}}]);
    Mock::given(method("GET"))
        .and(path(PULLS))
        .respond_with(ResponseTemplate::new(200).set_body_json(open))
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{PULLS}/9")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"number": 9})))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(server)
        .await;
    let out = pull(dir, server, &["--open-pr"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("updated pull request #9"));
    assert_no_secret(&out);
    server.verify().await;
    let requests = server.received_requests().await.unwrap();
    let patch = requests.iter().find(|r| r.method.as_str() == "PATCH");
    let sent: Value = serde_json::from_slice(&patch.unwrap().body).unwrap();
    assert!(sent["title"].as_str().unwrap().contains("0.2.0 (breaking)"));
    assert!(sent["body"]
        .as_str()
        .unwrap()
        .starts_with("<!-- belvo-spec-review -->"));
    assert_clean(dir);
}

/// The committed collection, from Postman's API or a file: nothing written, no pull request.
#[tokio::test(flavor = "multi_thread")]
async fn an_unchanged_collection_writes_nothing_and_opens_nothing() {
    let dir = scratch("unchanged");
    let server = MockServer::start().await;
    postman_serves(&server, &committed_collection()).await;
    Mock::given(wiremock::matchers::path_regex("^/repos/"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let out = pull(&dir, &server, &["--open-pr"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing changed"));
    server.verify().await;
    assert_clean(&dir);
    assert_eq!(git_out(&remote_of(&dir), &["branch", "--list"]), "");

    let copy = dir.join("../pull-unchanged-copy.json");
    std::fs::copy(dir.join(COLLECTION), &copy).unwrap();
    let out = xtask(&dir, &["pull", "--from", copy.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_clean(&dir);
    std::fs::remove_file(copy).unwrap();
    std::fs::remove_dir_all(remote_of(&dir)).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

/// 429 with `Retry-After`, then the collection: the run waits, retries and succeeds.
#[tokio::test(flavor = "multi_thread")]
async fn too_many_requests_then_ok_is_retried() {
    let dir = scratch("retry");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    postman_serves(&server, &committed_collection()).await;
    let out = pull(&dir, &server, &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("retrying in 1s"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_clean(&dir);
    std::fs::remove_dir_all(remote_of(&dir)).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

/// A server that sends `Content-Length: 100000`, then a few bytes, then hangs up.
fn cut_short_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0; 4096];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                  Content-Length: 100000\r\n\r\n{\"collection\": {\"info\"",
            );
        }
    });
    format!("http://{address}")
}

/// Postman's refusals and bad answers, each with the words its error must contain.
fn refusals(committed: &str) -> Vec<(ResponseTemplate, &'static str)> {
    let unconvertible = json!({"collection": {
        "info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "Get user", "request": {"method": "GET",
            "url": {"raw": "https://x/u", "query": [{"key": 5}]}}}]
    }});
    let postman_error = |message: &str| json!({"error": {"name": "e", "message": message}});
    vec![
        (
            ResponseTemplate::new(401).set_body_json(postman_error(&format!("bad key {KEY}"))),
            "Postman refused the key in POSTMAN_API_KEY",
        ),
        (
            ResponseTemplate::new(404).set_body_json(postman_error("not found")),
            "Postman has no collection 12345678-0a1b2c3d-4e5f",
        ),
        (
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            "still 429 Too Many Requests after every retry",
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"),
            "is not JSON (line 1, column 1)",
        ),
        (
            ResponseTemplate::new(200).set_body_string(&committed[..committed.len() / 2]),
            "the body was cut short",
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!({"collections": []})),
            "is not a Postman collection",
        ),
        (
            ResponseTemplate::new(200).set_body_json(unconvertible),
            "does not convert; nothing was written",
        ),
    ]
}

/// Every refusal: exit 1, the reason in words, no file changed, no secret shown.
#[tokio::test(flavor = "multi_thread")]
async fn refusals_change_nothing_and_say_why() {
    let dir = scratch("refusals");
    let committed = serde_json::to_string(&json!({"collection": committed_collection()})).unwrap();
    let cases = refusals(&committed);
    for (response, expected) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(response)
            .mount(&server)
            .await;
        let out = pull(&dir, &server, &[]).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "{expected}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(expected),
            "{}",
            text(&out.stderr)
        );
        assert_no_secret(&out);
        assert_clean(&dir);
    }

    // A connection closed before its `Content-Length`, and a truncated file.
    let out = xtask(&dir, &["pull", "--from", &cut_short_server()], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("the body was cut short after"),
        "{}",
        text(&out.stderr)
    );
    let truncated = dir.join("../pull-truncated.json");
    std::fs::write(&truncated, &committed[..committed.len() / 3]).unwrap();
    let out = xtask(&dir, &["pull", "--from", truncated.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cut short"),
        "{}",
        text(&out.stderr)
    );
    assert_clean(&dir);

    // Without a key, or a source, the run says what it needs.
    let out = xtask(&dir, &["pull", "--postman", UID], &[]);
    assert!(text(&out.stderr).contains("--postman needs POSTMAN_API_KEY"));
    let out = xtask(&dir, &["pull"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no source to pull from"));
    // The scheduled workflow's form succeeds, saying there is nothing to pull.
    let out = xtask(&dir, &["pull", "--open-pr", "--skip-without-source"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing to pull"));
    assert_clean(&dir);
    std::fs::remove_file(truncated).unwrap();
    std::fs::remove_dir_all(remote_of(&dir)).unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}
