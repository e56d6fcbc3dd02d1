//! The challenge a `428 token_required` answer carries, the token that answers it, and how
//! both are read from and written to the wire.
//!
//! Reading is lenient on purpose: Belvo sends the 428 body as a one-element list, the
//! collection shows an object, and the fields may be missing or oddly typed. Whatever the
//! server sends, reading never panics; a body without a `session` cannot be resumed and is
//! reported as such.

use std::fmt;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::resumable::{Resumable, RESUMABLE};

/// The retrieve/resume pair a [`Challenge`] belongs to, by the Rust method names of the
/// generated client (as in [`Resumable`]). Owned strings, so a stored challenge can be read
/// back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// The operation that was answered 428, e.g. `retrieve_balances_for_a_link`.
    pub retrieve: String,
    /// The `PATCH` that resumes it, e.g. `complete_a_balances_request`.
    pub resume: String,
    /// Path of the resuming `PATCH`, e.g. `/api/balances/`.
    pub resume_path: String,
}

impl Operation {
    /// The generated pair this operation names, if the client still has it.
    pub fn pair(&self) -> Option<&'static Resumable> {
        RESUMABLE
            .iter()
            .find(|p| p.retrieve == self.retrieve && p.resume == self.resume)
    }
}

impl From<Resumable> for Operation {
    fn from(pair: Resumable) -> Self {
        Operation {
            retrieve: pair.retrieve.to_owned(),
            resume: pair.resume.to_owned(),
            resume_path: pair.resume_path.to_owned(),
        }
    }
}

/// What the institution says about the token it wants (`token_generation_data`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenGeneration {
    /// Text to show the user, e.g. "Enter the code sent to your phone".
    pub instructions: Option<String>,
    /// The kind of token, e.g. `numeric`, `qr`, `alphanumeric`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Data to show the user to generate the token (a QR payload, a challenge code).
    pub value: Option<String>,
    /// Whether the user must type a token. When `false`, the resume is sent without one,
    /// once the user has confirmed on their device. Absent means `true`.
    pub expects_user_input: bool,
}

impl Default for TokenGeneration {
    fn default() -> Self {
        TokenGeneration {
            instructions: None,
            kind: None,
            value: None,
            expects_user_input: true,
        }
    }
}

/// A multi-factor challenge: a request was paused by the institution and can be resumed
/// with a token before [`expires_at`](Challenge::expires_at).
///
/// It serialises to JSON (the deadline as an RFC 3339 UTC timestamp), so it can be stored and
/// resumed later by another process with a fresh client; only `operation` and `session` are
/// required when reading one back. `Debug` does not show the session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Challenge {
    /// The operations this challenge belongs to.
    pub operation: Operation,
    /// The paused session; sent back in the resume.
    pub session: String,
    /// The link the session belongs to; sent back in the resume.
    #[serde(default)]
    pub link: Option<String>,
    /// When the session stops being resumable: `expiry` seconds after the 428 was received.
    /// `None` when the server gave no expiry.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// What the institution asks for.
    #[serde(default)]
    pub token_generation_data: TokenGeneration,
    /// 1 for the challenge of the first request, 2 for one answered to the first resume, ….
    #[serde(default)]
    pub round: u32,
    /// Sent as `save_data` in the resume when set; taken from the request's body.
    #[serde(default)]
    pub save_data: Option<bool>,
    /// The error code, normally `token_required`.
    #[serde(default)]
    pub code: Option<String>,
    /// The server's message.
    #[serde(default)]
    pub message: Option<String>,
    /// The server's request id, for Belvo support.
    #[serde(default)]
    pub request_id: Option<String>,
}

impl Challenge {
    /// Whether the deadline has passed (never, without one).
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| now() >= at)
    }

    /// Time left before the deadline: `None` without a deadline, zero once it has passed.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_at
            .map(|at| (at - now()).to_std().unwrap_or(Duration::ZERO))
    }

    /// Whether the user must type a token (see [`TokenGeneration::expects_user_input`]).
    pub fn expects_user_input(&self) -> bool {
        self.token_generation_data.expects_user_input
    }

    /// The JSON body of the resume: `{session, link, token, save_data}`, absent parts left out.
    pub(crate) fn resume_body(&self, token: Option<&Token>) -> Value {
        let mut body = Map::new();
        body.insert("session".into(), Value::String(self.session.clone()));
        if let Some(link) = &self.link {
            body.insert("link".into(), Value::String(link.clone()));
        }
        if let Some(token) = token {
            body.insert("token".into(), Value::String(token.0.clone()));
        }
        if let Some(save) = self.save_data {
            body.insert("save_data".into(), Value::Bool(save));
        }
        Value::Object(body)
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("operation", &self.operation)
            .field("session", &"<redacted>")
            .field("link", &self.link)
            .field("expires_at", &self.expires_at)
            .field("token_generation_data", &self.token_generation_data)
            .field("round", &self.round)
            .field("save_data", &self.save_data)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// A one-time token that answers a [`Challenge`]. `Debug` never shows it, and it has no
/// `Display` or `Serialize`, so it does not end up in logs or stored challenges by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token as the user typed it.
    pub fn new(token: impl Into<String>) -> Self {
        Token(token.into())
    }

    /// The token itself, for sending it somewhere else on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl From<String> for Token {
    fn from(token: String) -> Self {
        Token(token)
    }
}

impl From<&str> for Token {
    fn from(token: &str) -> Self {
        Token(token.to_owned())
    }
}

/// About a hundred years: longer expiries are read as this one.
const MAX_EXPIRY_SECS: i64 = 100 * 366 * 24 * 3600;

pub(crate) fn now() -> DateTime<Utc> {
    DateTime::from(SystemTime::now())
}

/// The challenge object of a 428 body: the body itself, or the first object of a list that has
/// a `session` (else the first object).
fn challenge_object(body: &Value) -> Option<&Map<String, Value>> {
    match body {
        Value::Object(o) => Some(o),
        Value::Array(items) => {
            let objects = || items.iter().filter_map(Value::as_object);
            objects()
                .find(|o| o.contains_key("session"))
                .or_else(|| objects().next())
        }
        _ => None,
    }
}

/// Whether a body of unknown status is a challenge: it names `token_required` or carries a
/// session. Used when progenitor could not decode the body, so the status is unknown.
pub(crate) fn looks_like_challenge(body: &Value) -> bool {
    challenge_object(body).is_some_and(|o| {
        o.get("code").and_then(Value::as_str) == Some("token_required")
            || o.get("session").and_then(Value::as_str).is_some()
    })
}

/// Reads a challenge from a 428 body received at `received_at`. `Err` says why it cannot be
/// resumed, without quoting the body (it holds the session).
pub(crate) fn parse(
    body: &Value,
    operation: Operation,
    round: u32,
    received_at: DateTime<Utc>,
) -> Result<Challenge, String> {
    let o = challenge_object(body).ok_or_else(|| match body {
        Value::Array(a) if a.is_empty() => "the 428 body is an empty list".to_owned(),
        _ => "the 428 body is neither an object nor a list of objects".to_owned(),
    })?;
    let session = o
        .get("session")
        .and_then(text)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| "the 428 body has no session to resume".to_owned())?;
    let expires_at = o.get("expiry").and_then(seconds).and_then(|secs| {
        // Clamped, so that the deadline is a date every RFC 3339 reader can read back.
        let secs = secs.clamp(-MAX_EXPIRY_SECS, MAX_EXPIRY_SECS);
        received_at.checked_add_signed(TimeDelta::try_seconds(secs)?)
    });
    let tgd = o.get("token_generation_data").and_then(Value::as_object);
    let field = |name: &str| tgd.and_then(|t| t.get(name)).and_then(text);
    let token_generation_data = TokenGeneration {
        instructions: field("instructions"),
        kind: field("type"),
        value: field("value"),
        expects_user_input: tgd
            .and_then(|t| t.get("expects_user_input"))
            .and_then(flag)
            .unwrap_or(true),
    };
    Ok(Challenge {
        operation,
        session,
        link: o.get("link").and_then(text),
        expires_at,
        token_generation_data,
        round,
        save_data: None,
        code: o.get("code").and_then(text),
        message: o.get("message").and_then(text),
        request_id: o.get("request_id").and_then(text),
    })
}

/// A string, or the JSON text of a number (ids are sometimes sent as numbers).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whole seconds from an integer, a float or a numeric string.
fn seconds(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(saturating_secs)),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| s.trim().parse::<f64>().ok().map(saturating_secs)),
        _ => None,
    }
}

fn saturating_secs(f: f64) -> i64 {
    // `as` saturates and maps NaN to 0.
    f.floor() as i64
}

fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op() -> Operation {
        Operation {
            retrieve: "r".into(),
            resume: "p".into(),
            resume_path: "/p/".into(),
        }
    }

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    #[test]
    fn reads_objects_and_lists() {
        let obj = json!({"code": "token_required", "session": "s1", "expiry": 60, "link": "l",
            "token_generation_data": {"instructions": "type it", "type": "numeric",
            "value": "x", "expects_user_input": false}});
        for body in [obj.clone(), json!([obj])] {
            let c = parse(&body, op(), 1, at()).unwrap();
            assert_eq!(c.session, "s1");
            assert_eq!(c.link.as_deref(), Some("l"));
            assert_eq!(c.expires_at, Some(at() + TimeDelta::seconds(60)));
            assert_eq!(c.token_generation_data.kind.as_deref(), Some("numeric"));
            assert!(!c.expects_user_input());
            assert!(looks_like_challenge(&body));
        }
    }

    #[test]
    fn odd_values_never_panic() {
        for expiry in [
            json!(i64::MAX),
            json!(i64::MIN),
            json!(1e300),
            json!(-1e300),
            json!("12"),
            json!("soon"),
            json!(null),
            json!([1]),
        ] {
            let _ = parse(&json!({"session": "s", "expiry": expiry}), op(), 1, at()).unwrap();
        }
        for body in [
            json!(null),
            json!([]),
            json!([1, 2]),
            json!("x"),
            json!({}),
            json!({"session": ""}),
            json!({"session": 5, "token_generation_data": 3}),
        ] {
            let _ = parse(&body, op(), 1, at());
            let _ = looks_like_challenge(&body);
        }
        let past = parse(&json!({"session": "s", "expiry": -5}), op(), 1, at()).unwrap();
        assert!(past.is_expired());
        assert_eq!(past.expires_in(), Some(Duration::ZERO));
    }

    #[test]
    fn resume_body_leaves_out_what_is_absent() {
        let mut c = parse(&json!({"session": "s"}), op(), 1, at()).unwrap();
        assert_eq!(c.resume_body(None), json!({"session": "s"}));
        c.link = Some("l".into());
        c.save_data = Some(false);
        assert_eq!(
            c.resume_body(Some(&Token::new("t"))),
            json!({"session": "s", "link": "l", "token": "t", "save_data": false})
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let c = parse(&json!({"session": "sekrit"}), op(), 1, at()).unwrap();
        assert!(!format!("{c:?}").contains("sekrit"));
        assert_eq!(format!("{:?}", Token::new("1234")), "Token(<redacted>)");
    }
}
