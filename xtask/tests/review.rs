//! `cargo xtask review BASE` on scratch git repositories (the project's pipeline files, a base
//! commit and a pull-request commit): the comment body (snapshot), "no API changes", stale
//! outputs, breaking changes accepted by flag or label, and `--post` against a GitHub API on
//! loopback (the first run creates the comment, the second updates it; the token never shows).

#[path = "../../codegen/tests/support/snapshot.rs"]
mod snapshot;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use support::{git, project_copy, repo_root, COLLECTION, PIPELINE};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BIN: &str = env!("CARGO_BIN_EXE_xtask");
const TOKEN: &str = "ghs_secret-token-never-shown";

/// A fresh git repository holding the project's pipeline files, committed as the base.
fn scratch(name: &str) -> PathBuf {
    project_copy(&format!("review-{name}"), &PIPELINE)
}

/// Runs `xtask ARGS` in `dir` with `env` set and the GitHub variables of the caller cleared.
fn xtask(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(dir).stdin(Stdio::null());
    for var in [
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

/// The folder called `name`, at any depth of the collection's folders.
fn folder<'a>(node: &'a mut Value, name: &str) -> &'a mut Value {
    fn path(node: &Value, name: &str) -> Option<Vec<usize>> {
        let items = node["item"].as_array()?;
        items.iter().enumerate().find_map(|(i, item)| {
            if item["name"] == name && item.get("item").is_some() {
                return Some(vec![i]);
            }
            let mut rest = path(item, name)?;
            rest.insert(0, i);
            Some(rest)
        })
    }
    let steps = path(node, name).unwrap_or_else(|| panic!("no folder `{name}`"));
    steps.into_iter().fold(node, |node, i| &mut node["item"][i])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The pull request: one operation removed from the collection (breaking, when `breaking`),
/// one query parameter added (not), then `regen` and a commit, as a contributor would.
fn pull_request_commit(dir: &Path, breaking: bool) {
    let path = dir.join(COLLECTION);
    let mut collection: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    if breaking {
        let items = folder(&mut collection, "owners")["item"]
            .as_array_mut()
            .unwrap();
        let list = items.iter().position(|i| i["name"] == "List all owners");
        items.remove(list.unwrap());
    }
    folder(&mut collection, "accounts")["item"][0]["request"]["url"]["query"]
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "review_filter", "value": "<string>"}));
    std::fs::write(&path, serde_json::to_string_pretty(&collection).unwrap()).unwrap();
    let out = xtask(dir, &["regen"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    git(dir, &["commit", "-qam", "pull request"]);
}

fn event_file(dir: &Path, labels: &[&str]) -> PathBuf {
    let labels: Vec<Value> = labels.iter().map(|l| json!({"name": l})).collect();
    let event = json!({"pull_request": {"number": 7, "labels": labels}});
    let path = dir.join("event.json");
    std::fs::write(&path, event.to_string()).unwrap();
    path
}

/// Base and pull request: the comment body is the snapshot; the breaking change fails the run
/// with what to do, unless the flag or the label accepts it.
#[test]
fn review_of_a_pull_request_prints_the_comment() {
    let dir = scratch("pr");
    pull_request_commit(&dir, true);
    let out = xtask(&dir, &["review", "HEAD~1"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    let expected = repo_root().join("xtask/tests/fixtures/review/comment.expected.md");
    snapshot::assert_snapshot(&expected, &body);
    assert!(body.starts_with("<!-- belvo-spec-review -->\n"), "{body}");
    assert!(body.contains("`api-removed`") && body.contains("`request-parameter-added`"));
    let err = text(&out.stderr);
    assert!(
        err.contains("add the label `api-breaking-accepted`"),
        "{err}"
    );

    let out = xtask(&dir, &["review", "HEAD~1", "--accept-breaking"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Breaking changes accepted"));

    for (labels, accepted) in [
        (&["api-breaking-accepted"][..], true),
        (&["other"][..], false),
    ] {
        let event = event_file(&dir, labels);
        let env = [("GITHUB_EVENT_PATH", event.to_str().unwrap())];
        let out = xtask(&dir, &["review", "HEAD~1"], &env);
        assert_eq!(
            out.status.success(),
            accepted,
            "{labels:?}: {}",
            text(&out.stderr)
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// The collection unchanged: "no API changes", exit 0.
#[test]
fn review_without_changes_says_so() {
    let dir = scratch("same");
    std::fs::write(dir.join("README.md"), "another change\n").unwrap();
    git(&dir, &["add", "README.md"]);
    git(&dir, &["commit", "-qm", "docs only"]);
    let out = xtask(&dir, &["review", "HEAD~1"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let body = text(&out.stdout);
    assert!(body.contains("no API changes"), "{body}");
    assert!(body.starts_with("<!-- belvo-spec-review -->\n"), "{body}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A collection changed without `regen`: the review fails before comparing anything, and says
/// which command fixes it.
#[test]
fn review_of_stale_outputs_fails_with_the_fix() {
    let dir = scratch("stale");
    let path = dir.join(COLLECTION);
    let collection = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        collection.replacen("List all owners", "List every owner", 1),
    )
    .unwrap();
    let out = xtask(&dir, &["review", "HEAD"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("run `cargo xtask regen`"), "{err}");
    assert!(out.stdout.is_empty(), "no comment for stale outputs");
    std::fs::remove_dir_all(dir).unwrap();
}

/// `--post`: the first run creates the comment, the second finds it by its marker and updates
/// it; the token is sent as a bearer header and appears in no output, even on failure.
#[tokio::test(flavor = "multi_thread")]
async fn post_creates_then_updates_one_comment() {
    let dir = scratch("post");
    pull_request_commit(&dir, true);
    let post = Posting::new(&dir).await;
    let body = first_post_creates_the_comment(&post).await;
    second_post_updates_it(&post, &body).await;
    refused_post_says_why_without_the_token(&post).await;
    // Without a token or a repository, `--post` says what it needs.
    let out = xtask(
        &dir,
        &["review", "HEAD~1", "--post", "--accept-breaking"],
        &[],
    );
    assert!(text(&out.stderr).contains("--post needs GITHUB_TOKEN"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The pull request's comments on the loopback GitHub API.
const COMMENTS: &str = "/repos/acme/belvo-client/issues/7/comments";

/// `review --post` of one scratch repository against a loopback GitHub API, with the
/// variables of a pull request labelled `api-breaking-accepted`.
struct Posting {
    dir: PathBuf,
    server: MockServer,
    env: Vec<(String, String)>,
    bearer: String,
}

impl Posting {
    async fn new(dir: &Path) -> Posting {
        let server = MockServer::start().await;
        let event = event_file(dir, &["api-breaking-accepted"]);
        let env = [
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_REPOSITORY", "acme/belvo-client"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("GITHUB_API_URL", server.uri().as_str()),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        Posting {
            dir: dir.to_path_buf(),
            server,
            env,
            bearer: format!("Bearer {TOKEN}"),
        }
    }

    /// Runs `review HEAD~1 --post` off the async runtime, which serves the mock meanwhile.
    async fn run(&self) -> Output {
        let dir = self.dir.clone();
        let env = self.env.clone();
        tokio::task::spawn_blocking(move || {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            xtask(&dir, &["review", "HEAD~1", "--post"], &env)
        })
        .await
        .unwrap()
    }
}

/// First run: no comment yet, so one is created; returns its body.
async fn first_post_creates_the_comment(post: &Posting) -> String {
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .and(query_param("page", "1"))
        .and(header("authorization", post.bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "body": "LGTM"}
        ])))
        .expect(1)
        .mount(&post.server)
        .await;
    Mock::given(method("POST"))
        .and(path(COMMENTS))
        .and(header("authorization", post.bearer.as_str()))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 42})))
        .expect(1)
        .mount(&post.server)
        .await;
    let out = post.run().await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("created the review comment on pull request #7"));
    let body = text(&out.stdout);
    let posted: Vec<Value> = post
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(posted, [json!({"body": body})]);
    post.server.verify().await;
    body
}

/// Second run: the comment with the marker is found and updated, none is added.
async fn second_post_updates_it(post: &Posting, body: &str) {
    post.server.reset().await;
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "body": "LGTM"},
            {"id": 42, "body": body}
        ])))
        .mount(&post.server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/belvo-client/issues/comments/42"))
        .and(header("authorization", post.bearer.as_str()))
        .and(body_json(json!({"body": body})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 42})))
        .expect(1)
        .mount(&post.server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&post.server)
        .await;
    let out = post.run().await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("updated the review comment"));
    post.server.verify().await;
    for output in [text(&out.stdout), text(&out.stderr)] {
        assert!(!output.contains(TOKEN));
    }
}

/// GitHub refuses: the error says what and why, never the token.
async fn refused_post_says_why_without_the_token(post: &Posting) {
    post.server.reset().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"})),
        )
        .mount(&post.server)
        .await;
    let out = post.run().await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("listing the comments: GitHub answered 401 Unauthorized: Bad credentials"),
        "{err}"
    );
    assert!(!err.contains(TOKEN) && !text(&out.stdout).contains(TOKEN));
}

/// `release BASE`: the version at BASE moved by the report (minor for a breaking change below
/// 1.0, patch otherwise), written to the manifest, and the changelog entry put first; a second
/// run, or one with nothing changed, is refused and writes nothing.
#[test]
fn release_writes_the_version_and_the_changelog_entry() {
    for (breaking, next) in [(true, "0.2.0"), (false, "0.1.1")] {
        let dir = scratch(&format!("release-{breaking}"));
        pull_request_commit(&dir, breaking);
        let out = xtask(&dir, &["release", "HEAD~1"], &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let manifest = std::fs::read_to_string(dir.join("generated/Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("\nversion = \"{next}\"\n")),
            "{manifest}"
        );
        // The lock file follows, so a `cargo build --locked` of the release passes.
        let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
        assert!(
            lock.contains(&format!("name = \"belvo\"\nversion = \"{next}\"\n")),
            "the lock's belvo entry is not {next}"
        );
        let changelog = std::fs::read_to_string(dir.join("generated/CHANGELOG.md")).unwrap();
        let new_entry = changelog.find(&format!("\n## {next}\n")).expect(&changelog);
        let old_entry = changelog.find("\n## 0.1.0\n").unwrap();
        assert!(new_entry < old_entry, "{changelog}");
        let entry = &changelog[new_entry..old_entry];
        assert!(entry.contains("API changes since `HEAD~1`: "), "{entry}");
        assert!(
            entry.contains("#### `GET /api/accounts/` (`list_all_accounts`)"),
            "{entry}"
        );
        assert_eq!(
            entry.contains("**breaking** `api-removed`"),
            breaking,
            "{entry}"
        );
        assert!(changelog.starts_with("# Changelog\n\nChanges of the `belvo` crate"));

        let out = xtask(&dir, &["release", "HEAD~1"], &[]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains(&format!("already has an entry `## {next}`")));
        assert_eq!(
            std::fs::read_to_string(dir.join("generated/Cargo.toml")).unwrap(),
            manifest
        );

        let out = xtask(&dir, &["release", "HEAD"], &[]);
        assert!(
            text(&out.stderr).contains("nothing to release"),
            "{}",
            text(&out.stderr)
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// A changelog that cannot be read (not UTF-8) stops `release` with an error naming it, and
/// nothing is written: it is never taken for an empty file, whose rewrite would drop every
/// earlier entry.
#[test]
fn release_refuses_an_unreadable_changelog() {
    let dir = scratch("release-unreadable");
    pull_request_commit(&dir, false);
    let changelog = dir.join("generated/CHANGELOG.md");
    let bytes = b"# Changelog\n\n## 0.1.0\n\xff\xfe not UTF-8\n".to_vec();
    std::fs::write(&changelog, &bytes).unwrap();
    let manifest = std::fs::read(dir.join("generated/Cargo.toml")).unwrap();
    let out = xtask(&dir, &["release", "HEAD~1"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("CHANGELOG.md"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&changelog).unwrap(), bytes);
    assert_eq!(
        std::fs::read(dir.join("generated/Cargo.toml")).unwrap(),
        manifest
    );
    std::fs::remove_dir_all(dir).unwrap();
}
