//! Generated inputs for `cargo xtask bench --scale`: collections far larger than any real one,
//! to show how conversion time and memory grow with size.
//!
//! - `shared-shape-N`: N requests of distinct paths whose saved responses share one JSON
//!   shape (the case that was once quadratic: every request's body joined one component).
//! - `belvo-xN`: the Belvo collection's requests replicated to N, each copy in its own folder
//!   `copyK` under paths prefixed `/vK` (so none merge), as real APIs' versioned copies look.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Value};

/// Request counts of the shared-shape inputs: 200k against 50k shows whether time is linear.
pub const SHARED_SHAPE_SIZES: [usize; 2] = [50_000, 200_000];
/// Request count of the replicated Belvo collection.
pub const BELVO_COPIES: usize = 10_000;

/// Writes every scale input into `dir`; their paths, smallest first.
pub fn write(dir: &Path, belvo: &Path) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for n in SHARED_SHAPE_SIZES {
        let path = dir.join(format!("shared-shape-{n}.json"));
        write_json(&path, &shared_shape(n))?;
        paths.push(path);
    }
    let text = crate::files::read(belvo)?;
    let collection: Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", belvo.display()))?;
    let path = dir.join(format!("belvo-x{BELVO_COPIES}.json"));
    write_json(&path, &replicated(collection, BELVO_COPIES))?;
    paths.push(path);
    Ok(paths)
}

fn write_json(path: &Path, value: &Value) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), value)
        .with_context(|| format!("writing {}", path.display()))
}

/// `n` GET requests of distinct paths with one saved 200 each, all of one shape.
pub fn shared_shape(n: usize) -> Value {
    let body = json!({"id": "9f1c2a", "name": "Item", "amount": 12.5, "tags": ["x"],
                      "owner": {"id": "u1", "email": "owner@example.com"}})
    .to_string();
    let items: Vec<Value> = (0..n)
        .map(|i| {
            json!({"name": format!("Get thing {i}"),
                   "request": {"method": "GET", "url": {
                       "raw": format!("https://api.example.com/r{i}/things"),
                       "protocol": "https", "host": ["api", "example", "com"],
                       "path": [format!("r{i}"), "things"]}},
                   "response": [{"name": "ok", "code": 200, "status": "OK", "body": body,
                                 "header": [{"key": "Content-Type", "value": "application/json"}]}]})
        })
        .collect();
    json!({"info": {"name": format!("shared shape {n}"),
                    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
           "item": items})
}

/// `collection` with its requests repeated until there are `n`, copy K in folder `copyK`
/// with its paths under `/vK`.
pub fn replicated(mut collection: Value, n: usize) -> Value {
    let mut requests = Vec::new();
    collect_requests(&collection["item"], &mut requests);
    let mut folders = Vec::new();
    let mut made = 0;
    while made < n && !requests.is_empty() {
        let k = folders.len();
        let copies: Vec<Value> = requests.iter().take(n - made).map(|r| copy(r, k)).collect();
        made += copies.len();
        folders.push(json!({"name": format!("copy{k}"), "item": copies}));
    }
    collection["item"] = Value::Array(folders);
    collection
}

fn collect_requests(items: &Value, out: &mut Vec<Value>) {
    for item in items.as_array().into_iter().flatten() {
        if item.get("item").is_some() {
            collect_requests(&item["item"], out);
        } else if item.get("request").is_some() {
            out.push(item.clone());
        }
    }
}

/// Request item `r` as copy `k`: named apart, its path under `/vK`.
fn copy(r: &Value, k: usize) -> Value {
    let mut r = r.clone();
    let name = r["name"].as_str().unwrap_or_default().to_owned();
    r["name"] = json!(format!("{name} {k}"));
    let url = &mut r["request"]["url"];
    if let Some(path) = url.get_mut("path").and_then(Value::as_array_mut) {
        path.insert(0, json!(format!("v{k}")));
        if let Some(url) = url.as_object_mut() {
            url.remove("raw");
        }
    } else if let Some(raw) = url.as_str() {
        *url = json!(raw.replace("/api/", &format!("/v{k}/api/")));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_distinct_requests_in_folders() {
        let c = json!({"info": {}, "item": [{"name": "F", "item": [
            {"name": "a", "request": {"url": {"path": ["api", "a"], "raw": "x"}}},
            {"name": "b", "request": {"url": "https://h/api/b"}}]}]});
        let r = replicated(c, 5);
        let folders = r["item"].as_array().unwrap();
        assert_eq!(folders.len(), 3);
        assert_eq!(folders[2]["item"].as_array().unwrap().len(), 1);
        assert_eq!(folders[1]["item"][0]["request"]["url"]["path"][0], "v1");
        assert_eq!(
            folders[1]["item"][1]["request"]["url"],
            "https://h/v1/api/b"
        );
        assert_eq!(folders[1]["item"][1]["name"], "b 1");
        assert_eq!(shared_shape(3)["item"].as_array().unwrap().len(), 3);
    }
}
