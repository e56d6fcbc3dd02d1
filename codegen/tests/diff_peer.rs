//! The diff judged against a peer's test suite: oasdiff's checker tests each load a base and a
//! revision spec and assert which checks fire at which level. Given a checkout of oasdiff
//! (`OASDIFF_DIR`) and a list of the pairs those tests load (`PEER_PAIRS`: one pair a line,
//! `base<TAB>revision`, paths relative to the checkout), this prints, for each pair, what the
//! lenient reader made of both files and which of our rules fired, one JSON object a line, so
//! that the verdicts can be set beside oasdiff's levels. Nothing of oasdiff is kept here.
//!
//! `OASDIFF_DIR=… PEER_PAIRS=… cargo test -p codegen --test diff_peer -- --ignored --nocapture`
//! Without the variables the test returns at once.

use std::path::Path;

use codegen::diff;
use serde_json::json;

#[test]
#[ignore = "needs OASDIFF_DIR and PEER_PAIRS"]
fn peer_pairs() {
    let (Some(dir), Some(pairs)) = (
        std::env::var_os("OASDIFF_DIR"),
        std::env::var_os("PEER_PAIRS"),
    ) else {
        return;
    };
    let pairs = std::fs::read_to_string(&pairs).expect("PEER_PAIRS is readable");
    for line in pairs.lines().filter(|l| !l.trim().is_empty()) {
        let (base, revision) = line.split_once('\t').expect("base<TAB>revision");
        let read = |file: &str| -> Result<diff::Read, String> {
            let text = std::fs::read_to_string(Path::new(&dir).join(file))
                .map_err(|e| format!("{file}: {e}"))?;
            diff::read(&text).map_err(|e| format!("{file}: {e}"))
        };
        let result = match (read(base), read(revision)) {
            (Ok(old), Ok(new)) => {
                let report = diff::diff(&old.document, &new.document);
                let rules = |breaking: bool| -> Vec<&str> {
                    let all = report.changes().map(|(_, c)| c.rule);
                    all.filter(|r| r.breaking == breaking)
                        .map(|r| r.id)
                        .collect()
                };
                json!({
                    "status": "ok",
                    "tolerated": old.tolerated.len() + new.tolerated.len(),
                    "breaking": rules(true),
                    "other": rules(false),
                })
            }
            (Err(e), _) | (_, Err(e)) => json!({"status": "refused", "error": e}),
        };
        let mut result = result;
        result["base"] = json!(base);
        result["revision"] = json!(revision);
        println!("PEER {result}");
    }
}
