//! Generated inputs for `cargo xtask bench --scale`: collections far larger than any real one,
//! to show how conversion time and memory grow with size.
//!
//! - `shared-shape-N`: N requests of distinct paths whose saved responses share one JSON
//!   shape (the case that was once quadratic: every request's body joined one component).
//! - `belvo-xN`: the Belvo collection's requests replicated to N, each copy in its own folder
//!   `copyK` under paths prefixed `/vK` (so none merge), as real APIs' versioned copies look.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Value};

/// Request counts of the shared-shape inputs: 200k against 50k shows whether time is linear.
pub const SHARED_SHAPE_SIZES: [usize; 2] = [50_000, 200_000];
/// Request count of the replicated Belvo collection.
pub const BELVO_COPIES: usize = 10_000;

/// Writes every scale input into `dir`; their paths, smallest first. Each is written item by
/// item, so the benchmark's own peak memory, a floor under what it can read of its children's
/// (`ru_maxrss`), stays far below the converters'.
pub fn write(dir: &Path, belvo: &Path) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for n in SHARED_SHAPE_SIZES {
        let path = dir.join(format!("shared-shape-{n}.json"));
        let info = json!({"name": format!("shared shape {n}"), "schema": SCHEMA});
        write_collection(&path, &info, (0..n).map(shared_shape_item))?;
        paths.push(path);
    }
    let text = crate::files::read(belvo)?;
    let collection: Value =
        serde_json::from_str(&text).with_context(|| format!("reading {}", belvo.display()))?;
    let path = dir.join(format!("belvo-x{BELVO_COPIES}.json"));
    write_collection(
        &path,
        &collection["info"],
        replicas(&collection, BELVO_COPIES),
    )?;
    paths.push(path);
    Ok(paths)
}

const SCHEMA: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

/// Writes `{"info": info, "item": [items…]}` to `path`, one item at a time.
fn write_collection(path: &Path, info: &Value, items: impl Iterator<Item = Value>) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::new(file);
    let write = || -> std::io::Result<()> {
        write!(out, "{{\"info\":")?;
        serde_json::to_writer(&mut out, info)?;
        write!(out, ",\"item\":[")?;
        for (i, item) in items.enumerate() {
            if i > 0 {
                write!(out, ",")?;
            }
            serde_json::to_writer(&mut out, &item)?;
        }
        write!(out, "]}}")?;
        out.flush()
    };
    write().with_context(|| format!("writing {}", path.display()))
}

/// Request `i` of a shared-shape input: a GET of its own path with one saved 200, whose body
/// has the same shape in every request.
fn shared_shape_item(i: usize) -> Value {
    let body = r#"{"id":"9f1c2a","name":"Item","amount":12.5,"tags":["x"],"owner":{"id":"u1","email":"owner@example.com"}}"#;
    json!({"name": format!("Get thing {i}"),
           "request": {"method": "GET", "url": {
               "raw": format!("https://api.example.com/r{i}/things"),
               "protocol": "https", "host": ["api", "example", "com"],
               "path": [format!("r{i}"), "things"]}},
           "response": [{"name": "ok", "code": 200, "status": "OK", "body": body,
                         "header": [{"key": "Content-Type", "value": "application/json"}]}]})
}

/// The folders of `collection` with its requests repeated until there are `n`: copy K in
/// folder `copyK`, its paths under `/vK`. One folder is built at a time.
fn replicas(collection: &Value, n: usize) -> impl Iterator<Item = Value> {
    let mut requests = Vec::new();
    collect_requests(&collection["item"], &mut requests);
    let per_copy = requests.len().max(1);
    (0..n.div_ceil(per_copy)).map(move |k| {
        let copies: Vec<Value> = requests
            .iter()
            .take(n - k * per_copy)
            .map(|r| copy(r, k))
            .collect();
        json!({"name": format!("copy{k}"), "item": copies})
    })
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
        let folders: Vec<Value> = replicas(&c, 5).collect();
        assert_eq!(folders.len(), 3);
        assert_eq!(folders[2]["item"].as_array().unwrap().len(), 1);
        assert_eq!(folders[1]["item"][0]["request"]["url"]["path"][0], "v1");
        assert_eq!(
            folders[1]["item"][1]["request"]["url"],
            "https://h/v1/api/b"
        );
        assert_eq!(folders[1]["item"][1]["name"], "b 1");
    }

    #[test]
    fn written_collections_read_back_whole() {
        let path = std::env::temp_dir().join(format!("bench-inputs-{}.json", std::process::id()));
        write_collection(&path, &json!({"name": "t"}), (0..3).map(shared_shape_item)).unwrap();
        let back: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(back["item"].as_array().unwrap().len(), 3);
        assert_eq!(back["item"][2]["request"]["url"]["path"][0], "r2");
    }
}
