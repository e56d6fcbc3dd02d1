//! `cargo xtask pull [--postman UID | --from URL|FILE] [--open-pr]`: the collection fetched
//! from where the API is published, written to `spec/belvo.postman_collection.json` with what
//! `regen` writes from it, and with `--open-pr` a pull request of the change.
//!
//! The source is the command line's, else `spec/source.toml`'s (`postman` before `from`).
//! The body must be a Postman collection that converts: it is converted, and the spec, the
//! client and the manifest computed, before anything is written, and then the changed files
//! are written all or none ([`files::write_all`]). A failed fetch, an answer that is not a
//! collection or does not convert leaves every file as it was and exits non-zero.

mod fetch;
mod format;
mod pr;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::files::{self, Mode};
use crate::regen::COLLECTION;
use fetch::Source;

/// The committed choice of source, relative to the project root.
pub const SOURCE_FILE: &str = "spec/source.toml";

/// Arguments of `cargo xtask pull`.
#[derive(clap::Args)]
pub struct Args {
    /// Fetch the collection with this UID through Postman's API (key from POSTMAN_API_KEY;
    /// API base from POSTMAN_API_URL, default `https://api.getpostman.com`).
    #[arg(long, value_name = "UID", conflicts_with = "from")]
    postman: Option<String>,
    /// Read the collection from an HTTP(S) URL or a local file.
    #[arg(long, value_name = "URL|FILE")]
    from: Option<String>,
    /// When a file changed: commit the change on branch `api-pull`, push it to `origin` and
    /// open its pull request, or update the one already open (GITHUB_TOKEN,
    /// GITHUB_REPOSITORY, GITHUB_API_URL), with the review comment as its body.
    #[arg(long)]
    open_pr: bool,
    /// With no source on the command line nor in spec/source.toml, say so and succeed
    /// instead of failing: the scheduled workflow of a checkout that has not chosen its
    /// source yet does nothing.
    #[arg(long)]
    skip_without_source: bool,
    /// The first retry's wait in milliseconds, doubled for each next one (a server's
    /// `Retry-After` replaces it).
    #[arg(long, value_name = "MS", default_value_t = 2000, hide = true)]
    retry_base_ms: u64,
}

pub fn run(args: Args) -> Result<()> {
    let root = files::project_root()?;
    let Some(source) = source(&root, &args)? else {
        if args.skip_without_source {
            eprintln!("pull: {NO_SOURCE}; nothing to pull");
            return Ok(());
        }
        bail!("{NO_SOURCE}: pass --postman UID or --from URL|FILE, or set one there");
    };
    // What `--open-pr` needs is checked before the fetch, so a misconfigured workflow fails
    // before it spends the API's rate limit.
    let github = args.open_pr.then(|| pr::Prepared::new(&root)).transpose()?;
    let retry = fetch::Retry {
        attempts: 4,
        base: Duration::from_millis(args.retry_base_ms),
        max_wait: Duration::from_secs(120),
    };
    let fetched = fetch::fetch(&source, retry)?;
    let changed = update(&root, fetched)?;
    if changed.is_empty() {
        eprintln!("pull: the collection is as committed; nothing changed");
        return Ok(());
    }
    for path in &changed {
        eprintln!("wrote {}", relative(&root, path).display());
    }
    match github {
        Some(github) => github.open(&root, &changed),
        None => Ok(()),
    }
}

/// Checks the fetched body, converts it, and writes the collection and the outputs that
/// differ from the committed ones, all or none; the paths written.
fn update(root: &Path, fetched: fetch::Fetched) -> Result<Vec<PathBuf>> {
    let what = fetched.what;
    let text = files::decode(fetched.bytes, &what)?;
    let collection = format::collection(&text, &what)?;
    let path = root.join(COLLECTION);
    let committed = files::read_optional(&path)?;
    let text = format::render(collection, committed.as_deref());
    let outputs = crate::regen::outputs_from(root, &text, &what, Mode::Write)
        .with_context(|| format!("{what} does not convert; nothing was written"))?;
    let changed: Vec<(PathBuf, String)> = std::iter::once((path, text))
        .chain(outputs)
        .filter(|(path, contents)| files::stale_diff(path, contents).is_some())
        .collect();
    files::write_all(&changed)?;
    Ok(changed.into_iter().map(|(path, _)| path).collect())
}

fn relative<'a>(root: &Path, path: &'a Path) -> &'a Path {
    path.strip_prefix(root).unwrap_or(path)
}

const NO_SOURCE: &str =
    "no source to pull from: spec/source.toml sets neither `postman` (a collection UID) nor `from`";

/// The command line's source, else the committed file's, if either sets one.
fn source(root: &Path, args: &Args) -> Result<Option<Source>> {
    if let Some(uid) = &args.postman {
        fetch::check_uid(uid)?;
        return Ok(Some(Source::Postman(uid.clone())));
    }
    if let Some(from) = &args.from {
        return Ok(Some(location(from, Path::new("."))));
    }
    let path = root.join(SOURCE_FILE);
    let text = files::read_optional(&path)?.unwrap_or_default();
    committed_source(&text, root).with_context(|| format!("reading {SOURCE_FILE}"))
}

/// The source `spec/source.toml` sets: `postman = "UID"`, else `from = "URL or FILE"` (a
/// file relative to the checkout). Any other key is refused, so a misspelt one is not
/// silently ignored.
fn committed_source(text: &str, root: &Path) -> Result<Option<Source>> {
    let doc: toml_edit::DocumentMut = text.parse().context("not TOML")?;
    let mut found = (None, None);
    for (key, item) in doc.iter() {
        let value = item
            .as_str()
            .with_context(|| format!("`{key}` must be a string"))?;
        match key {
            "postman" => found.0 = Some(value.to_owned()),
            "from" => found.1 = Some(value.to_owned()),
            _ => bail!("unknown key `{key}` (expected `postman` or `from`)"),
        }
    }
    match found {
        (Some(uid), _) => {
            fetch::check_uid(&uid)?;
            Ok(Some(Source::Postman(uid)))
        }
        (None, Some(from)) => Ok(Some(location(&from, root))),
        (None, None) => Ok(None),
    }
}

/// An HTTP(S) URL, or else a file (relative to `base`).
fn location(from: &str, base: &Path) -> Source {
    let lower = from.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Source::Url(from.to_owned())
    } else {
        Source::File(base.join(from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_source_prefers_postman_and_refuses_unknown_keys() {
        let root = Path::new("/checkout");
        let both = "postman = \"1-abc\"\nfrom = \"https://example.com/c.json\"\n";
        assert_eq!(
            committed_source(both, root).unwrap(),
            Some(Source::Postman("1-abc".into()))
        );
        assert_eq!(
            committed_source("from = \"spec/c.json\"", root).unwrap(),
            Some(Source::File(root.join("spec/c.json")))
        );
        assert_eq!(committed_source("# nothing set\n", root).unwrap(), None);
        let err = committed_source("postmann = \"x\"", root).unwrap_err();
        assert!(err.to_string().contains("unknown key `postmann`"));
        assert!(committed_source("postman = \"../x\"", root).is_err());
    }
}
