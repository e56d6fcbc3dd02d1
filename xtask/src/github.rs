//! The GitHub REST API calls of `cargo xtask review --post` (find the pull request's comment
//! that carries a marker, update it, or create it) and of `cargo xtask pull --open-pr` (find
//! the open pull request of a branch, update it, or open it). The token is sent only as a
//! sensitive header and never appears in an error or a log line.

use anyhow::{anyhow, bail, Context, Result};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use serde_json::{json, Value};

/// A repository on GitHub's REST API: API base URL, `owner/name`, and the token. No `Debug`,
/// so the token cannot reach a log line by formatting.
pub struct Repo {
    pub api: String,
    pub name: String,
    token: String,
}

impl Repo {
    /// From the workflow's environment: `GITHUB_TOKEN`, `GITHUB_REPOSITORY`, `GITHUB_API_URL`
    /// (default `https://api.github.com`). `flag` is the option that needs them, for errors.
    pub fn from_env(flag: &str) -> Result<Self> {
        let token = std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| anyhow!("{flag} needs GITHUB_TOKEN in the environment"))?;
        let name = std::env::var("GITHUB_REPOSITORY").unwrap_or_default();
        let valid = |part: &str| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        if !matches!(name.split_once('/'), Some((o, n)) if valid(o) && valid(n)) {
            bail!("{flag} needs GITHUB_REPOSITORY as `owner/name` (found {name:?})");
        }
        let api = std::env::var("GITHUB_API_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "https://api.github.com".into());
        Ok(Repo {
            api: api.trim_end_matches('/').to_owned(),
            name,
            token,
        })
    }

    /// The repository's owner (the part before the slash, checked by `from_env`).
    fn owner(&self) -> &str {
        self.name.split_once('/').map_or("", |(owner, _)| owner)
    }
}

/// Where to post a comment: the repository and the pull request number.
pub struct Target {
    pub repo: Repo,
    pub pull: u64,
}

impl Target {
    /// [`Repo::from_env`], and the pull request number from the event file.
    pub fn from_env(pull: Option<u64>) -> Result<Self> {
        let repo = Repo::from_env("--post")?;
        let pull = pull.ok_or_else(|| {
            anyhow!(
                "--post needs a pull request: GITHUB_EVENT_PATH must name a pull_request \
                 event's file (with `pull_request.number`)"
            )
        })?;
        Ok(Target { repo, pull })
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
    block_on(async {
        let client = client(&target.repo)?;
        let (api, repo, pull) = (&target.repo.api, &target.repo.name, target.pull);
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

/// Runs one batch of API calls on a runtime of its own (the commands are synchronous).
fn block_on<T>(calls: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the HTTP runtime")?
        .block_on(calls)
}

fn client(repo: &Repo) -> Result<reqwest::Client> {
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", repo.token))
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
            target.repo.api, target.repo.name, target.pull
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

/// A pull request to open, or to update when one from `head` is already open.
pub struct PullRequest<'a> {
    /// The branch with the changes.
    pub head: &'a str,
    /// The branch they are to be merged into.
    pub base: &'a str,
    pub title: &'a str,
    pub body: &'a str,
}

/// Updates the title and body of the open pull request from `pr.head`, or opens one; its
/// number and what was done. One branch has at most one open pull request, so a second run
/// never adds another.
pub fn upsert_pull(repo: &Repo, pr: &PullRequest) -> Result<(Action, u64)> {
    block_on(async {
        let client = client(repo)?;
        let (api, name) = (&repo.api, &repo.name);
        let url = format!(
            "{api}/repos/{name}/pulls?state=open&head={}:{}&per_page=100",
            repo.owner(),
            pr.head
        );
        let open = send(client.get(&url), "listing the open pull requests").await?;
        let Some(open) = open.as_array() else {
            bail!("listing the open pull requests: the answer is not a JSON list");
        };
        // The filter is GitHub's; checked here too, since a pull request of another branch
        // must never be overwritten.
        let existing = open
            .iter()
            .find(|p| p["head"]["ref"] == pr.head && p["state"] != "closed")
            .and_then(|p| p["number"].as_u64());
        if let Some(number) = existing {
            let url = format!("{api}/repos/{name}/pulls/{number}");
            let payload = json!({ "title": pr.title, "body": pr.body });
            send(
                client.patch(&url).json(&payload),
                "updating the pull request",
            )
            .await?;
            return Ok((Action::Updated, number));
        }
        let url = format!("{api}/repos/{name}/pulls");
        let payload = json!({
            "title": pr.title, "body": pr.body, "head": pr.head, "base": pr.base,
        });
        let created = send(client.post(&url).json(&payload), "opening the pull request").await?;
        let number = created["number"]
            .as_u64()
            .ok_or_else(|| anyhow!("opening the pull request: the answer has no number"))?;
        Ok((Action::Created, number))
    })
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
