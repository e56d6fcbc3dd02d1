//! Getting the collection's bytes: from Postman's API (`GET {base}/collections/{uid}` with the
//! `X-API-Key` header), any HTTP(S) URL, or a file. 429 and 5xx answers, refused connections
//! and timeouts are retried with exponential backoff, a `Retry-After` in seconds taking the
//! backoff's place. The key travels only in a sensitive header, is wiped from any text of an
//! answer quoted in an error, and has no `Debug`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use reqwest::header::{HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::StatusCode;

/// Postman's API, unless `POSTMAN_API_URL` names another (a test server, a proxy).
const POSTMAN_API: &str = "https://api.getpostman.com";
/// Postman collections are megabytes; a body far larger is not one.
const MAX_BODY: usize = 256 << 20;

/// Where the collection comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A collection UID, read through Postman's API.
    Postman(String),
    /// An HTTP(S) URL.
    Url(String),
    /// A local file.
    File(PathBuf),
}

/// How failed requests are retried.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Requests sent at most, the first included.
    pub attempts: u32,
    /// The wait before the first retry, doubled before each next one.
    pub base: Duration,
    /// The longest `Retry-After` honoured; a server asking for more fails the run at once.
    pub max_wait: Duration,
}

/// The Postman API key. Its only way out is the sensitive header.
struct ApiKey(String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// A fetched body, and the words that name its origin in messages.
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub what: String,
}

/// Fetches `source`. Errors say what failed and why, and never contain the API key.
pub fn fetch(source: &Source, retry: Retry) -> Result<Fetched> {
    match source {
        Source::File(path) => Ok(Fetched {
            bytes: std::fs::read(path).with_context(|| format!("reading {}", path.display()))?,
            what: path.display().to_string(),
        }),
        Source::Url(url) => {
            let what = shown_url(url)?;
            let bytes = get(url, None, &what, retry, &|status, _| generic(status))?;
            Ok(Fetched { bytes, what })
        }
        Source::Postman(uid) => {
            let key = std::env::var("POSTMAN_API_KEY")
                .ok()
                .filter(|k| !k.trim().is_empty())
                .map(ApiKey)
                .ok_or_else(|| {
                    anyhow!(
                        "--postman needs POSTMAN_API_KEY in the environment (a Postman API key \
                         that can read collection {uid})"
                    )
                })?;
            let base = std::env::var("POSTMAN_API_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| POSTMAN_API.into());
            let url = format!("{}/collections/{uid}", base.trim_end_matches('/'));
            let what = format!("Postman's answer for collection {uid}");
            let explain = |status, message: &str| postman_error(status, uid, message);
            let bytes = get(&url, Some(&key), &what, retry, &explain)?;
            Ok(Fetched { bytes, what })
        }
    }
}

/// Checks a Postman collection UID (`12345678-1234abcd-…`), which becomes part of a URL path.
pub fn check_uid(uid: &str) -> Result<()> {
    let valid = !uid.is_empty()
        && uid.len() <= 200
        && uid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        bail!("`{uid}` is not a Postman collection UID (letters, digits, `-` and `_` only)");
    }
    Ok(())
}

/// The URL as messages show it: without credentials or query, which may hold a token.
fn shown_url(url: &str) -> Result<String> {
    let mut parsed =
        reqwest::Url::parse(url).map_err(|e| anyhow!("`--from`: not a usable URL: {e}"))?;
    let _ = parsed.set_username("");
    let _ = parsed.set_password(None);
    parsed.set_query(None);
    parsed.set_fragment(None);
    Ok(parsed.to_string())
}

/// What a refusal from Postman's API means for this run.
fn postman_error(status: StatusCode, uid: &str, message: &str) -> String {
    let why = match status.as_u16() {
        401 => "Postman refused the key in POSTMAN_API_KEY (invalid, expired or revoked)".into(),
        403 => format!("the key in POSTMAN_API_KEY may not read collection {uid}"),
        404 => format!("Postman has no collection {uid} that the key in POSTMAN_API_KEY can read"),
        429 => {
            "Postman's rate limit: still 429 Too Many Requests after every retry; try later".into()
        }
        _ => generic(status),
    };
    match message {
        "" => format!("{why} ({status})"),
        _ => format!("{why} ({status}: {message})"),
    }
}

fn generic(status: StatusCode) -> String {
    match status.as_u16() {
        429 => "still 429 Too Many Requests after every retry".into(),
        s if s >= 500 => "the server kept failing after every retry".into(),
        _ => "the server refused the request".into(),
    }
}

/// `GET url` with retries; the body of the first 2xx answer. `explain` turns a final
/// refusal (status, the answer's message) into the error's words.
fn get(
    url: &str,
    key: Option<&ApiKey>,
    what: &str,
    retry: Retry,
    explain: &dyn Fn(StatusCode, &str) -> String,
) -> Result<Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the HTTP runtime")?;
    runtime.block_on(async {
        let client = client(key)?;
        let mut attempt = 1;
        loop {
            let last = attempt >= retry.attempts.max(1);
            let response = match client.get(url).send().await {
                Ok(response) => response,
                Err(e) if !last && (e.is_connect() || e.is_timeout()) => {
                    tokio::time::sleep(backoff(retry, attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(e) => bail!("fetching {what}: {}", e.without_url()),
            };
            let status = response.status();
            let transient = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            if transient && !last {
                let wait = retry_after(&response).unwrap_or_else(|| backoff(retry, attempt));
                if wait > retry.max_wait {
                    bail!(
                        "fetching {what}: {status}, and the server asks to wait {} s before \
                         retrying (more than {} s); try later",
                        wait.as_secs(),
                        retry.max_wait.as_secs()
                    );
                }
                eprintln!("pull: {status} from the server; retrying in {wait:?}");
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            let body = read_body(response, what).await?;
            if !status.is_success() {
                let message = message(&body, key);
                bail!("fetching {what}: {}", explain(status, &message));
            }
            return Ok(body);
        }
    })
}

fn client(key: Option<&ApiKey>) -> Result<reqwest::Client> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(USER_AGENT, HeaderValue::from_static("belvo-xtask-pull"));
    if let Some(ApiKey(key)) = key {
        let mut value = HeaderValue::from_str(key.trim())
            .map_err(|_| anyhow!("POSTMAN_API_KEY holds characters a header cannot carry"))?;
        value.set_sensitive(true);
        headers.insert("X-API-Key", value);
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(120))
        .build()
        .context("building the HTTP client")
}

/// The whole body; an error when the connection ends before it does (a `Content-Length` not
/// reached), or when it is larger than any collection.
async fn read_body(mut response: reqwest::Response, what: &str) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let chunk = response.chunk().await.map_err(|e| {
            anyhow!(
                "fetching {what}: the body was cut short after {} bytes ({})",
                body.len(),
                e.without_url()
            )
        })?;
        let Some(chunk) = chunk else {
            return Ok(body);
        };
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            bail!("fetching {what}: the body is larger than {MAX_BODY} bytes");
        }
    }
}

/// The wait before retry number `attempt` (1 for the first): base × 2^(attempt − 1).
fn backoff(retry: Retry, attempt: u32) -> Duration {
    retry
        .base
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
}

/// `Retry-After` in seconds (the HTTP-date form falls back to the backoff).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A refusal's message: Postman's `error.message`, another API's `message`, or the start of
/// the text; the key wiped from it in case a server echoes it.
fn message(body: &[u8], key: Option<&ApiKey>) -> String {
    let text = String::from_utf8_lossy(body);
    let json: Option<serde_json::Value> = serde_json::from_str(&text).ok();
    let message = json
        .as_ref()
        .and_then(|v| v["error"]["message"].as_str().or(v["message"].as_str()))
        .map(str::to_owned)
        .unwrap_or_else(|| text.chars().take(200).collect());
    let message = message.trim().to_owned();
    match key {
        Some(ApiKey(key)) if !key.trim().is_empty() => message.replace(key.trim(), "<redacted>"),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_shows() {
        let key = ApiKey("PMAK-secret".into());
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        let body = br#"{"error": {"message": "key PMAK-secret is invalid"}}"#;
        assert_eq!(message(body, Some(&key)), "key <redacted> is invalid");
    }

    #[test]
    fn urls_are_shown_without_credentials_or_query() {
        let shown = shown_url("https://u:p@example.com/c.json?access_key=s#x").unwrap();
        assert_eq!(shown, "https://example.com/c.json");
    }

    #[test]
    fn uids_are_checked_and_backoff_doubles() {
        assert!(check_uid("12345678-1234abcd-ef").is_ok());
        for bad in ["", "../x", "a/b", "a?b"] {
            assert!(check_uid(bad).is_err(), "{bad}");
        }
        let retry = Retry {
            attempts: 4,
            base: Duration::from_millis(10),
            max_wait: Duration::from_secs(1),
        };
        assert_eq!(backoff(retry, 1), Duration::from_millis(10));
        assert_eq!(backoff(retry, 3), Duration::from_millis(40));
    }
}
