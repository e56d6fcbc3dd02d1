//! The GitHub REST API calls of `cargo xtask review --post`: find the pull request's comment
//! that carries a marker, update it, or create it. The token is sent only as a sensitive
//! header and never appears in an error or a log line.

use anyhow::{anyhow, bail, Context, Result};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use serde_json::{json, Value};

/// Where to post: API base URL, `owner/name`, pull request number, and the token.
pub struct Target {
    pub api: String,
    pub repo: String,
    pub pull: u64,
    token: String,
}

impl Target {
    /// From the workflow's environment: `GITHUB_TOKEN`, `GITHUB_REPOSITORY`, `GITHUB_API_URL`
    /// (default `https://api.github.com`); the pull request number from the event file.
    pub fn from_env(pull: Option<u64>) -> Result<Self> {
        let token = std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| anyhow!("--post needs GITHUB_TOKEN in the environment"))?;
        let repo = std::env::var("GITHUB_REPOSITORY").unwrap_or_default();
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        if !matches!(repo.split_once('/'), Some((o, n)) if valid(o) && valid(n)) {
            bail!("--post needs GITHUB_REPOSITORY as `owner/name` (found {repo:?})");
        }
        let pull = pull.ok_or_else(|| {
            anyhow!(
                "--post needs a pull request: GITHUB_EVENT_PATH must name a pull_request \
                 event's file (with `pull_request.number`)"
            )
        })?;
        let api = std::env::var("GITHUB_API_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "https://api.github.com".into());
        Ok(Target {
            api: api.trim_end_matches('/').to_owned(),
            repo,
            pull,
            token,
        })
    }
}

/// What `upsert_comment` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Action::Created => "created",
            Action::Updated => "updated",
        })
    }
}

/// Updates the pull request's first comment whose body starts with `marker` to `body`, or
/// creates one.
pub fn upsert_comment(target: &Target, marker: &str, body: &str) -> Result<Action> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the HTTP runtime")?;
    runtime.block_on(async {
        let client = client(target)?;
        let (api, repo, pull) = (&target.api, &target.repo, target.pull);
        let existing = find_comment(&client, target, marker).await?;
        let payload = json!({ "body": body });
        match existing {
            Some(id) => {
                let url = format!("{api}/repos/{repo}/issues/comments/{id}");
                send(client.patch(&url).json(&payload), "updating the comment").await?;
                Ok(Action::Updated)
            }
            None => {
                let url = format!("{api}/repos/{repo}/issues/{pull}/comments");
                send(client.post(&url).json(&payload), "creating the comment").await?;
                Ok(Action::Created)
            }
        }
    })
}

fn client(target: &Target) -> Result<reqwest::Client> {
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", target.token))
        .map_err(|_| anyhow!("GITHUB_TOKEN holds characters a header cannot carry"))?;
    auth.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, auth);
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("application/vnd.github+json"),
    );
    headers.insert(USER_AGENT, HeaderValue::from_static("belvo-xtask-review"));
    headers.insert(
        "X-GitHub-Api-Version",
        HeaderValue::from_static("2022-11-28"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .context("building the HTTP client")
}

/// The id of the first comment (page by page, 100 a page) whose body starts with `marker`.
async fn find_comment(
    client: &reqwest::Client,
    target: &Target,
    marker: &str,
) -> Result<Option<u64>> {
    // A pull request with more than 100 pages of comments is not one a bot should scan.
    for page in 1..=100 {
        let url = format!(
            "{}/repos/{}/issues/{}/comments?per_page=100&page={page}",
            target.api, target.repo, target.pull
        );
        let comments = send(client.get(&url), "listing the comments").await?;
        let Some(comments) = comments.as_array() else {
            bail!("listing the comments: the answer is not a JSON list");
        };
        let found = comments.iter().find(|c| {
            c["body"]
                .as_str()
                .is_some_and(|b| b.trim_start().starts_with(marker))
        });
        if let Some(comment) = found {
            let id = comment["id"].as_u64();
            return id
                .map(Some)
                .ok_or_else(|| anyhow!("listing the comments: a comment without an id"));
        }
        if comments.len() < 100 {
            return Ok(None);
        }
    }
    Ok(None)
}

/// Sends a request; a non-2xx answer is an error with its status and GitHub's message (never
/// the request's headers).
async fn send(request: reqwest::RequestBuilder, what: &str) -> Result<Value> {
    let response = request
        .send()
        .await
        .map_err(|e| anyhow!("{what}: {}", e.without_url()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| anyhow!("{what}: reading the answer: {}", e.without_url()))?;
    if !status.is_success() {
        let message = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| text.chars().take(200).collect());
        bail!("{what}: GitHub answered {status}: {message}");
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).with_context(|| format!("{what}: the answer is not JSON"))
}
