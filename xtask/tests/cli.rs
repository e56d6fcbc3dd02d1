//! The command layer's promises, tested on the built `xtask` binary in real processes: which
//! checkout it works on, `check` and `regen` on a copy of the project, `diff` against git
//! revisions, writes that are all or none, `-o` through symlinks and special files, standard
//! output errors, `client --out`/`--name`, and how inputs are read.

use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;
use support::{git, project_copy, repo_root, tempdir};

const BIN: &str = env!("CARGO_BIN_EXE_xtask");

/// Runs `xtask ARGS` in `dir`.
fn xtask(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts a clean failure (exit 1, no panic) whose message contains every one of `parts`.
fn assert_fails(out: &Output, parts: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for part in parts {
        assert!(err.contains(part), "`{part}` not in: {err}");
    }
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

const PIPELINE: [&str; 5] = [
    "spec/belvo.postman_collection.json",
    "spec/overlay.yaml",
    "spec/openapi.yaml",
    "generated/src/generated.rs",
    // Its product features are an output of `regen` too.
    "generated/Cargo.toml",
];

/// A checkout reduced to what `regen`, `check` and `diff` read and write, as a git repository
/// with one commit.
fn copy_of_pipeline(name: &str) -> PathBuf {
    project_copy(name, &PIPELINE)
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The project's spec with the first of its paths removed (a breaking change).
fn spec_without_first_path(root: &Path) -> String {
    let mut spec: serde_json::Value = yaml_serde::from_str(&read(&root.join(PIPELINE[2]))).unwrap();
    let paths = spec["paths"].as_object_mut().unwrap();
    let first = paths.keys().next().unwrap().clone();
    paths.remove(&first);
    yaml_serde::to_string(&spec).unwrap()
}

/// Cause 1: the checkout is the one around the current directory, whichever clone the binary
/// was built from; outside any checkout, every command that needs one says so.
#[test]
fn the_checkout_is_found_at_run_time() {
    let copy = copy_of_pipeline("root");
    std::fs::write(copy.join(PIPELINE[2]), spec_without_first_path(&copy)).unwrap();
    let ours = read(&repo_root().join(PIPELINE[2]));

    // From a subdirectory, and from inside a crate that has its own `[workspace]` table.
    let nested = copy.join("spec/client");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(nested.join("Cargo.toml"), "[package]\n[workspace]\n").unwrap();
    for dir in [copy.join("spec"), nested.clone()] {
        let out = xtask(&dir, &["check"]);
        assert_fails(&out, &[&copy.join(PIPELINE[2]).display().to_string()]);
    }
    let out = xtask(&nested, &["diff", "--fail-on-breaking"]);
    assert_fails(&out, &["breaking changes"]);
    assert_ok(&xtask(&nested, &["regen"]));
    assert_eq!(read(&copy.join(PIPELINE[2])), ours);
    assert_ok(&xtask(&copy, &["check"]));
    assert_eq!(
        read(&repo_root().join(PIPELINE[2])),
        ours,
        "this checkout untouched"
    );

    let outside = tempdir("outside");
    for args in [
        &["regen"][..],
        &["check"],
        &["diff"],
        &["diff", "HEAD"],
        &["test"],
    ] {
        assert_fails(&xtask(&outside, args), &["is not inside a checkout"]);
    }
    std::fs::remove_dir_all(copy).unwrap();
}

/// `check` on a stale output: non-zero, the diff, and the command that fixes it.
#[test]
fn check_on_stale_outputs_shows_the_diff_and_the_fix() {
    let copy = copy_of_pipeline("check");
    assert_ok(&xtask(&copy, &["check"]));
    for output in &PIPELINE[2..4] {
        let path = copy.join(output);
        let committed = read(&path);
        std::fs::write(&path, committed.replacen('\n', "\nstale line\n", 1)).unwrap();
        let out = xtask(&copy, &["check"]);
        assert_fails(
            &out,
            &[
                &format!("{output} is stale; run `cargo xtask regen`"),
                "\n-stale line\n",
            ],
        );
        assert!(read(&path).contains("stale line"), "check writes nothing");
        std::fs::write(&path, committed).unwrap();
    }
    std::fs::remove_dir_all(copy).unwrap();
}

/// `check` fails on a product features table that does not match the spec, and on a manifest
/// that does not parse, naming the line; it writes nothing.
#[test]
fn check_on_stale_product_features() {
    let copy = copy_of_pipeline("check-features");
    let path = copy.join(PIPELINE[4]);
    let committed = read(&path);
    assert!(
        committed.contains("\nbanking = [\"core\"]\n"),
        "{committed}"
    );
    std::fs::write(
        &path,
        committed.replace("\nbanking = [\"core\"]\n", "\nbanking = [\"fiscal\"]\n"),
    )
    .unwrap();
    let out = xtask(&copy, &["check"]);
    assert_fails(
        &out,
        &[
            "generated/Cargo.toml is stale; run `cargo xtask regen`",
            "\n-banking = [\"fiscal\"]\n",
        ],
    );
    std::fs::write(&path, committed.replacen('\n', "\nstale line\n", 1)).unwrap();
    assert_fails(
        &xtask(&copy, &["check"]),
        &["generated/Cargo.toml", "line 2, column"],
    );
    assert!(read(&path).contains("stale line"), "check writes nothing");
    std::fs::remove_dir_all(copy).unwrap();
}

/// `regen` writes the spec and the client all or none: when the client cannot be written,
/// the stale spec stays as it was and no temporary file is left.
#[test]
fn regen_writes_every_output_or_none() {
    let copy = copy_of_pipeline("regen");
    let spec = copy.join(PIPELINE[2]);
    let stale = spec_without_first_path(&copy);
    std::fs::write(&spec, &stale).unwrap();
    let client = copy.join(PIPELINE[3]);
    std::fs::remove_file(&client).unwrap();
    std::fs::create_dir_all(client.join("in-the-way")).unwrap();
    assert_fails(&xtask(&copy, &["regen"]), &["generated.rs is a directory"]);
    assert_eq!(read(&spec), stale);
    assert_eq!(
        listing(&copy.join("spec")),
        [
            "belvo.postman_collection.json",
            "openapi.yaml",
            "overlay.yaml"
        ]
    );
    std::fs::remove_dir_all(copy).unwrap();
}

/// `diff` against the committed spec and a named revision, with and without
/// `--fail-on-breaking`; a range or an unknown revision is refused in the user's terms.
#[test]
fn diff_against_git_revisions() {
    let copy = copy_of_pipeline("diff");
    let spec = copy.join(PIPELINE[2]);
    let committed = read(&spec);
    // A change that breaks nothing: exit 0 even with --fail-on-breaking. The working tree's
    // file also carries a BOM, which is read as the text it precedes.
    std::fs::write(&spec, format!("\u{FEFF}{committed}")).unwrap();
    let out = xtask(&copy, &["diff", "--fail-on-breaking"]);
    assert_ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "## API changes\n\nNo changes.\n"
    );

    std::fs::write(&spec, &committed).unwrap();
    std::fs::write(&spec, spec_without_first_path(&copy)).unwrap();
    git(&copy, &["commit", "-qam", "breaking"]);
    std::fs::write(&spec, &committed).unwrap();
    // Against HEAD the path comes back (not breaking); against HEAD~1 nothing changed.
    let out = xtask(&copy, &["diff", "--fail-on-breaking"]);
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("added"));
    assert_ok(&xtask(&copy, &["diff", "HEAD~1", "--fail-on-breaking"]));
    // The other way round it is breaking: exit 1 with --fail-on-breaking, 0 without.
    std::fs::write(&spec, spec_without_first_path(&copy)).unwrap();
    let out = xtask(&copy, &["diff", "HEAD~1", "--fail-on-breaking"]);
    assert_fails(&out, &["breaking changes from spec/openapi.yaml at HEAD~1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("**breaking**"));
    assert_ok(&xtask(&copy, &["diff", "HEAD~1"]));

    for range in ["HEAD~1..HEAD", "HEAD...main"] {
        let out = xtask(&copy, &["diff", range]);
        assert_fails(&out, &["is a range, but BASE is one git revision"]);
    }
    assert_fails(&xtask(&copy, &["diff", "no-such-rev"]), &["cannot read"]);
    std::fs::remove_dir_all(copy).unwrap();
}

/// `diff` of specs a strict OpenAPI 3.0 reader refuses: what was tolerated is listed under
/// the report ("Read leniently", each line naming the spec and where), the changes are still
/// judged; a construct that cannot be lowered is refused naming it and where it is.
#[test]
fn diff_lists_what_was_read_leniently() {
    let dir = tempdir("diff-lenient");
    let old = "openapi: 3.0.3\ninfo:\n  title: t\npaths:\n  /a:\n    get:\n      \
               operationId: GetA\n      responses:\n        '200':\n          content:\n";
    let new = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '2'\npaths:\n  /a:\n    get:\n      \
               operationId: GetA\n";
    std::fs::write(dir.join("old.yaml"), old).unwrap();
    std::fs::write(dir.join("new.yaml"), new).unwrap();
    let out = xtask(&dir, &["diff", "old.yaml", "new.yaml"]);
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "### Read leniently",
        "- old.yaml: `/info` has no `version`: read as empty",
        "- old.yaml: `/paths/~1a/get/responses/200` has no `description`: read as empty",
        "- old.yaml: `/paths/~1a/get/responses/200/content` is empty: read as none",
        "- new.yaml: `/paths/~1a/get` has no `responses`: read as none",
        "`response-success-status-removed`",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    let strict = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\n";
    std::fs::write(dir.join("strict.yaml"), strict).unwrap();
    let out = xtask(&dir, &["diff", "strict.yaml", "strict.yaml"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Read leniently"));
    let refused = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\ncomponents:\n  \
                   schemas:\n    S:\n      if:\n        type: string\n";
    std::fs::write(dir.join("refused.yaml"), refused).unwrap();
    let out = xtask(&dir, &["diff", "strict.yaml", "refused.yaml"]);
    assert_fails(
        &out,
        &["refused.yaml", "`if` at `/components/schemas/S/if`"],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// `diff --format`: JSON is the library's documented form (the same as its snapshot), GitHub
/// annotations name the spec file and the line of the change, an unknown format is refused.
#[test]
fn diff_formats() {
    let fixtures = repo_root().join("codegen/tests/fixtures/diff");
    let (old, new) = (
        fixtures.join("base.yaml"),
        fixtures.join("snapshot.new.yaml"),
    );
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = xtask(&repo_root(), &["diff", old, new, "--format", "json"]);
    assert_ok(&out);
    let expected = read(&fixtures.join("snapshot.expected.json"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    let out = xtask(&repo_root(), &["diff", old, new, "--format", "markdown"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        read(&fixtures.join("snapshot.expected.md"))
    );
    let out = xtask(&repo_root(), &["diff", old, new, "--format", "html"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(stderr(&out).contains("[possible values: markdown, json, github]"));

    // Against HEAD, with the first path gone from the working tree: one error per operation
    // of that path, on the new spec's `paths:` line, naming the path's line at HEAD.
    let copy = copy_of_pipeline("diff-github");
    let spec = copy.join(PIPELINE[2]);
    let committed = read(&spec);
    let first_path = committed
        .lines()
        .position(|l| l.starts_with("  /"))
        .unwrap();
    std::fs::write(&spec, spec_without_first_path(&copy)).unwrap();
    let out = xtask(&copy, &["diff", "--format", "github"]);
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let paths_line = read(&spec).lines().position(|l| l == "paths:").unwrap() + 1;
    let removed: Vec<&str> = text.lines().filter(|l| l.contains("api-removed")).collect();
    assert!(!removed.is_empty(), "{text}");
    for line in removed {
        let prefix =
            format!("::error file=spec/openapi.yaml,line={paths_line},title=api-removed::");
        assert!(line.starts_with(&prefix), "{line}");
        assert!(line.contains("of the base spec)"), "{line}");
    }
    let first_op = first_path + 2;
    assert!(
        text.contains(&format!("(line {first_op} of the base spec)")),
        "{text}"
    );
    std::fs::remove_dir_all(copy).unwrap();
}

const TINY: &str = r#"{"info": {"name": "tiny", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "Get thing", "request": {"method": "GET", "url": "https://api.example.com/things/1"}}]}"#;

/// `-o` through a symlink writes its target and leaves the link; a FIFO and a device are
/// written in place, never replaced; `/dev/stdout` reaches standard output.
#[test]
fn output_through_symlinks_and_special_files() {
    let dir = tempdir("output");
    std::fs::write(dir.join("tiny.json"), TINY).unwrap();
    let expected = String::from_utf8(xtask(&dir, &["convert", "tiny.json"]).stdout).unwrap();
    assert!(expected.starts_with("openapi:"), "{expected}");

    std::fs::create_dir(dir.join("real")).unwrap();
    std::fs::write(dir.join("real/spec.yaml"), "old").unwrap();
    std::os::unix::fs::symlink("real/spec.yaml", dir.join("relative")).unwrap();
    std::os::unix::fs::symlink(dir.join("relative"), dir.join("absolute")).unwrap();
    std::os::unix::fs::symlink("real/new.yaml", dir.join("dangling")).unwrap();
    for (link, target) in [
        ("relative", "real/spec.yaml"),
        ("absolute", "real/spec.yaml"),
        ("dangling", "real/new.yaml"),
    ] {
        std::fs::write(dir.join("real/spec.yaml"), "old").unwrap();
        assert_ok(&xtask(&dir, &["convert", "tiny.json", "-o", link]));
        assert!(dir.join(link).symlink_metadata().unwrap().is_symlink());
        assert_eq!(read(&dir.join(target)), expected, "{link}");
    }
    assert_eq!(
        listing(&dir.join("real")),
        ["new.yaml", "spec.yaml"],
        "no temporary file left"
    );

    let fifo = dir.join("fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let reader = std::thread::spawn({
        let fifo = fifo.clone();
        move || read(&fifo)
    });
    assert_ok(&xtask(&dir, &["convert", "tiny.json", "-o", "fifo"]));
    assert_eq!(reader.join().unwrap(), expected);
    assert!(fifo.metadata().unwrap().file_type().is_fifo());

    assert_ok(&xtask(&dir, &["convert", "tiny.json", "-o", "/dev/null"]));
    assert!(Path::new("/dev/null")
        .metadata()
        .unwrap()
        .file_type()
        .is_char_device());

    let out = xtask(&dir, &["convert", "tiny.json", "-o", "/dev/stdout"]);
    assert_ok(&out);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);

    assert_fails(
        &xtask(&dir, &["convert", "tiny.json", "-o", "real"]),
        &["real is a directory"],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// Standard output: a reader that stops early ends the output quietly (exit 0, no panic); a
/// full disk and a closed stdout are errors, for every command that prints.
#[test]
fn stdout_errors_are_errors_and_a_closed_pipe_is_quiet() {
    let collection = repo_root().join(PIPELINE[0]);
    let collection = collection.to_str().unwrap();
    let old = repo_root().join("codegen/tests/fixtures/diff/base.yaml");
    let new = repo_root().join("codegen/tests/fixtures/diff/snapshot.new.yaml");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    // Belvo's spec is far larger than a pipe's buffer, so the writer meets the closed pipe.
    let mut child = Command::new(BIN)
        .args(["convert", collection])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");

    for args in [&["convert", collection][..], &["diff", old, new]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(BIN).args(args).stdout(full).output().unwrap();
        assert_fails(
            &out,
            &["writing to standard output: No space left on device"],
        );

        let out = Command::new("sh")
            .args(["-c", "exec \"$0\" \"$@\" >&-", BIN])
            .args(args)
            .output()
            .unwrap();
        assert_fails(&out, &["standard output is closed"]);
    }
}

/// `client --out`: a new, empty or previously written directory is written; a directory
/// holding anything else is refused unless `--force`; a failure half-way leaves the crate's
/// files as they were.
#[test]
fn client_out_never_clobbers() {
    let dir = tempdir("client");
    std::fs::write(dir.join("tiny.json"), TINY).unwrap();
    client_out_writes_new_empty_and_its_own_directories(&dir);
    client_out_refuses_other_directories_unless_forced(&dir);
    client_out_failing_half_way_keeps_the_files(&dir);
    client_out_refuses_a_name_that_is_no_crate_name(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A new directory, an empty one, and one written before (written again, with the new name).
fn client_out_writes_new_empty_and_its_own_directories(dir: &Path) {
    assert_ok(&xtask(dir, &["client", "tiny.json", "--out", "new"]));
    assert!(read(&dir.join("new/Cargo.toml")).contains("name = \"tiny\""));
    std::fs::create_dir(dir.join("empty")).unwrap();
    assert_ok(&xtask(dir, &["client", "tiny.json", "--out", "empty"]));
    let out = xtask(
        dir,
        &["client", "tiny.json", "--out", "new", "--name", "again"],
    );
    assert_ok(&out);
    assert!(read(&dir.join("new/Cargo.toml")).contains("name = \"again\""));
}

/// Hand-written crates, and a directory with anything else in it: refused without `--force`,
/// untouched; a file is no directory; `--force` writes beside what is there.
fn client_out_refuses_other_directories_unless_forced(dir: &Path) {
    let own = dir.join("own");
    std::fs::create_dir_all(own.join("src")).unwrap();
    std::fs::write(own.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    std::fs::write(own.join("src/lib.rs"), "// mine\n").unwrap();
    let other = dir.join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    for out_dir in ["own", "other"] {
        let out = xtask(dir, &["client", "tiny.json", "--out", out_dir]);
        assert_fails(
            &out,
            &["is not empty and is not a crate written by", "--force"],
        );
    }
    assert_eq!(
        read(&own.join("Cargo.toml")),
        "[package]\nname = \"mine\"\n"
    );
    assert_eq!(read(&own.join("src/lib.rs")), "// mine\n");
    assert!(!other.join("Cargo.toml").exists());
    assert_fails(
        &xtask(dir, &["client", "tiny.json", "--out", "tiny.json"]),
        &["is not a directory"],
    );
    assert_ok(&xtask(
        dir,
        &["client", "tiny.json", "--out", "other", "--force"],
    ));
    assert!(read(&other.join("Cargo.toml")).starts_with("# @generated"));
    assert_eq!(read(&other.join("notes.txt")), "mine");
}

/// The last file cannot be written: the first two stay as they were.
fn client_out_failing_half_way_keeps_the_files(dir: &Path) {
    let files = ["Cargo.toml", "src/lib.rs", "src/generated.rs"];
    let before: Vec<String> = files[..2]
        .iter()
        .map(|f| read(&dir.join("new").join(f)))
        .collect();
    std::fs::remove_file(dir.join("new/src/generated.rs")).unwrap();
    std::fs::create_dir_all(dir.join("new/src/generated.rs/x")).unwrap();
    let out = xtask(
        dir,
        &["client", "tiny.json", "--out", "new", "--name", "third"],
    );
    assert_fails(&out, &["generated.rs is a directory"]);
    let after: Vec<String> = files[..2]
        .iter()
        .map(|f| read(&dir.join("new").join(f)))
        .collect();
    assert_eq!(before, after);
}

/// A name that is not a crate name: refused with the rule, nothing written.
fn client_out_refuses_a_name_that_is_no_crate_name(dir: &Path) {
    let out = xtask(
        dir,
        &[
            "client",
            "tiny.json",
            "--out",
            "named",
            "--name",
            "my.client",
        ],
    );
    assert_fails(
        &out,
        &["--name `my.client`: `.` is not allowed; a crate name is"],
    );
    assert!(!dir.join("named").exists());
}

/// Every input is read the same way: a BOM is accepted, an empty file is called empty, and
/// bytes that are not UTF-8 are located.
#[test]
fn inputs_with_a_bom_empty_or_not_utf8() {
    let dir = tempdir("inputs");
    let bom = |text: &str| format!("\u{FEFF}{text}");
    std::fs::write(dir.join("tiny.json"), bom(TINY)).unwrap();
    let overlay = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n- target: $.info\n  update: {title: renamed}\n";
    std::fs::write(dir.join("overlay.yaml"), bom(overlay)).unwrap();
    let out = xtask(
        &dir,
        &[
            "convert",
            "tiny.json",
            "--overlay",
            "overlay.yaml",
            "-o",
            "spec.yaml",
        ],
    );
    assert_ok(&out);
    let spec = read(&dir.join("spec.yaml"));
    assert!(spec.contains("title: renamed"), "{spec}");
    std::fs::write(dir.join("bom.yaml"), bom(&spec)).unwrap();
    assert_ok(&xtask(&dir, &["diff", "spec.yaml", "bom.yaml"]));
    assert_ok(&xtask(&dir, &["diff", "bom.yaml", "spec.yaml"]));
    assert_ok(&xtask(&dir, &["client", "bom.yaml", "--out", "from-yaml"]));
    assert_ok(&xtask(&dir, &["client", "tiny.json", "--out", "from-json"]));

    std::fs::write(dir.join("empty.json"), "").unwrap();
    std::fs::write(dir.join("bad.yaml"), b"openapi: 3.0.3\ninfo: \xFF\n").unwrap();
    for (file, message) in [
        ("empty.json", "empty.json is empty"),
        (
            "bad.yaml",
            "bad.yaml is not UTF-8 text: byte 0xFF at byte offset 21 (line 2, column 7)",
        ),
    ] {
        for args in [
            &["convert", file][..],
            &["convert", "tiny.json", "--overlay", file],
            &["client", file, "--out", "x"],
            &["diff", file, "spec.yaml"],
            &["diff", "spec.yaml", file],
        ] {
            assert_fails(&xtask(&dir, args), &[message]);
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A body that is not JSON (a converter warning) and a multipart upload (a client-stage one).
const WARNS: &str = r#"{"info": {"name": "warns", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [
  {"name": "Bad", "request": {"method": "POST", "url": "https://api.example.com/bad",
   "body": {"mode": "raw", "raw": "{", "options": {"raw": {"language": "json"}}}}},
  {"name": "Upload", "request": {"method": "POST", "url": "https://api.example.com/upload",
   "body": {"mode": "formdata", "formdata": [{"key": "f", "value": "v", "type": "text"}]}}}]}"#;

/// Every command prints warnings in one format, `warning[CODE] LOCATION: message`, whichever
/// stage raised them.
#[test]
fn warnings_have_one_format_in_every_command() {
    let dir = tempdir("warnings");
    std::fs::write(dir.join("warns.json"), WARNS).unwrap();
    let convert = xtask(&dir, &["convert", "warns.json"]);
    let client = xtask(&dir, &["client", "warns.json", "--out", "c"]);
    for (out, expected) in [
        (&convert, &["warning[W009] item `Bad`: "][..]),
        (
            &client,
            &["warning[W009] item `Bad`: ", "warning[W120] POST /upload: "][..],
        ),
    ] {
        assert_ok(out);
        let err = stderr(out);
        let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning")).collect();
        assert_eq!(warnings.len(), expected.len(), "{err}");
        for (line, start) in warnings.iter().zip(expected) {
            assert!(line.starts_with(start), "`{start}` does not start: {err}");
        }
    }
}
