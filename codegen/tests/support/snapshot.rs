//! The one snapshot convention of the workspace's tests: the expected text is a file beside
//! the test's fixtures, compared byte for byte; `UPDATE_EXPECT=1 cargo test …` rewrites every
//! snapshot the run reaches, and the diff is reviewed like any other change.

use std::path::Path;

/// Fails unless `actual` is the text of the snapshot at `path` (written instead when
/// `UPDATE_EXPECT` is set), naming the first line that differs.
pub fn assert_snapshot(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return;
    }
    let first = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    panic!(
        "{} is stale from line {}:\n  expected: {:?}\n  actual:   {:?}\n\
         rerun with UPDATE_EXPECT=1 and review the diff",
        path.display(),
        first + 1,
        expected.lines().nth(first).unwrap_or("(end)"),
        actual.lines().nth(first).unwrap_or("(end)"),
    );
}
