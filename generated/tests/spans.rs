//! The spans and events of calls (feature `tracing`), captured by a small recording
//! `Subscriber` over real HTTP on loopback (wiremock): what each span holds (operation, method,
//! path template, status, attempts, retry delays, request id, MFA rounds, nesting) and what no
//! span or event holds (credentials, ids of the URL, query, bodies, MFA session and token).

#![cfg(feature = "tracing")]

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use belvo::mfa::{Challenge, Token};
use belvo::trace::{CALL_SPAN, MFA_RESUME_SPAN, MFA_SPAN};
use belvo::{Error, MfaExt};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;
use support::{client, fast_retries, mount_balances_challenge, BASIC, SECRET_ID, SECRET_PASSWORD};

const LINK: &str = "9a3c0a44-6a0a-4f1e-9d0b-5d8f7c1b2e77";
const SESSION: &str = "sess-6b1e2f9d";
const TOKEN: &str = "tok-889127";
const BODY_TEXT: &str = "Body text 51f0";

/// A span as recorded: name, fields, and the span it was opened in.
#[derive(Clone, Debug)]
struct SpanRecord {
    name: &'static str,
    fields: BTreeMap<String, String>,
    parent: Option<u64>,
}

/// An event as recorded: its fields (`message` included) and the span it happened in.
#[derive(Clone, Debug)]
struct EventRecord {
    fields: BTreeMap<String, String>,
    span: Option<u64>,
}

#[derive(Default)]
struct Recorded {
    spans: HashMap<u64, SpanRecord>,
    events: Vec<EventRecord>,
    /// The entered spans of each thread, innermost last.
    entered: HashMap<ThreadId, Vec<u64>>,
}

/// Records every span and event of the crate (target `belvo…`).
#[derive(Clone, Default)]
struct Recorder {
    next_id: Arc<AtomicU64>,
    recorded: Arc<Mutex<Recorded>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Recorder {
    fn current(&self, recorded: &Recorded) -> Option<u64> {
        recorded
            .entered
            .get(&std::thread::current().id())
            .and_then(|stack| stack.last().copied())
    }

    fn spans(&self) -> Vec<(u64, SpanRecord)> {
        let recorded = self.recorded.lock().unwrap();
        let mut spans: Vec<_> = recorded
            .spans
            .iter()
            .map(|(id, s)| (*id, s.clone()))
            .collect();
        spans.sort_by_key(|(id, _)| *id);
        spans
    }

    fn events(&self) -> Vec<EventRecord> {
        self.recorded.lock().unwrap().events.clone()
    }

    /// Every name and value recorded, as one text.
    fn everything(&self) -> String {
        format!("{:?} {:?}", self.spans(), self.events())
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("belvo")
    }

    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let mut recorded = self.recorded.lock().unwrap();
        let parent = match attrs.parent() {
            Some(parent) => Some(parent.into_u64()),
            None if attrs.is_contextual() => self.current(&recorded),
            None => None,
        };
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let name = attrs.metadata().name();
        recorded.spans.insert(
            id,
            SpanRecord {
                name,
                fields,
                parent,
            },
        );
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut recorded = self.recorded.lock().unwrap();
        if let Some(s) = recorded.spans.get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut s.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut recorded = self.recorded.lock().unwrap();
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let span = self.current(&recorded);
        recorded.events.push(EventRecord { fields, span });
    }

    fn enter(&self, span: &Id) {
        let mut recorded = self.recorded.lock().unwrap();
        let thread = std::thread::current().id();
        recorded
            .entered
            .entry(thread)
            .or_default()
            .push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut recorded = self.recorded.lock().unwrap();
        let thread = std::thread::current().id();
        if let Some(stack) = recorded.entered.get_mut(&thread) {
            if let Some(i) = stack.iter().rposition(|id| *id == span.into_u64()) {
                stack.remove(i);
            }
        }
    }
}

fn field<'s>(span: &'s SpanRecord, name: &str) -> Option<&'s str> {
    span.fields.get(name).map(String::as_str)
}

fn assert_nothing_secret(recorder: &Recorder) {
    let all = recorder.everything();
    for secret in [
        SECRET_ID,
        SECRET_PASSWORD,
        BASIC,
        &BASIC[6..],
        LINK,
        SESSION,
        TOKEN,
        BODY_TEXT,
        "127.0.0.1",
        "page_size",
    ] {
        assert!(!all.contains(secret), "`{secret}` recorded: {all}");
    }
}

#[tokio::test]
async fn a_retried_call_is_one_span_with_template_status_attempts_delays_and_request_id() {
    let server = MockServer::start().await;
    let link_path = format!("/api/links/{LINK}/");
    Mock::given(method("GET"))
        .and(path(link_path.as_str()))
        .respond_with(ResponseTemplate::new(503).set_body_string(BODY_TEXT))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let link = json!({"id": LINK, "institution": "erebor", "status": "valid"});
    Mock::given(method("GET"))
        .and(path(link_path.as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-77")
                .set_body_json(link),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/accounts/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"count": 0, "next": null, "previous": null, "results": []})),
        )
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let client = client(&server, fast_retries(3));
    client
        .get_a_links_details()
        .id(LINK.parse::<uuid::Uuid>().unwrap())
        .send()
        .await
        .unwrap();
    client
        .list_all_accounts()
        .link(LINK)
        .page_size(7)
        .send()
        .await
        .unwrap();

    let spans = recorder.spans();
    assert_eq!(spans.len(), 2, "{spans:?}");
    let (link_id, link_span) = &spans[0];
    assert_eq!(link_span.name, CALL_SPAN);
    assert_eq!(field(link_span, "operation"), Some("get_a_links_details"));
    assert_eq!(field(link_span, "method"), Some("GET"));
    assert_eq!(field(link_span, "path"), Some("/api/links/{id}/"));
    assert_eq!(field(link_span, "status"), Some("200"));
    assert_eq!(field(link_span, "attempts"), Some("2"));
    assert_eq!(field(link_span, "request_id"), Some("req-77"));
    let delays = field(link_span, "retry_delays_ms").unwrap();
    let delays: Vec<u64> = serde_json::from_str(delays).unwrap();
    assert_eq!(delays.len(), 1);
    assert!((5..=10).contains(&delays[0]), "{delays:?}");

    let events = recorder.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].span, Some(*link_id));
    assert_eq!(events[0].fields["message"], "retrying");
    assert_eq!(events[0].fields["attempt"], "1");
    assert_eq!(events[0].fields["reason"], "503 Service Unavailable");
    assert_eq!(events[0].fields["delay_ms"], delays[0].to_string());

    let (_, list_span) = &spans[1];
    assert_eq!(field(list_span, "path"), Some("/api/accounts/"));
    assert_eq!(field(list_span, "attempts"), Some("1"));
    // Nothing retried: no delays, and no request id was given.
    assert_eq!(field(list_span, "retry_delays_ms"), None);
    assert_eq!(field(list_span, "request_id"), None);
    assert_nothing_secret(&recorder);
}

#[tokio::test]
async fn an_error_answer_records_its_status_and_the_bodys_request_id_only() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([{
            "request_id": "r-400", "message": BODY_TEXT, "code": "invalid", "field": "link"
        }])))
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let err = client(&server, fast_retries(3))
        .retrieve_owners_for_a_link()
        .body_map(|b| b.link(LINK))
        .send()
        .await
        .map_err(Error::from)
        .unwrap_err();
    assert_eq!(err.request_id(), Some("r-400"));
    let spans = recorder.spans();
    assert_eq!(spans.len(), 1);
    let span = &spans[0].1;
    assert_eq!(field(span, "operation"), Some("retrieve_owners_for_a_link"));
    assert_eq!(field(span, "method"), Some("POST"));
    assert_eq!(field(span, "status"), Some("400"));
    assert_eq!(field(span, "attempts"), Some("1"));
    assert_eq!(field(span, "request_id"), Some("r-400"));
    assert!(recorder.events().is_empty());
    assert_nothing_secret(&recorder);
}

#[tokio::test]
async fn an_mfa_flow_is_a_span_with_its_rounds_around_its_calls() {
    let server = MockServer::start().await;
    mount_balances_challenge(&server, SESSION, LINK).await;
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let provider = |_: &Challenge| async { Ok::<_, String>(Token::new(TOKEN)) };
    client(&server, fast_retries(3))
        .retrieve_balances_for_a_link()
        .body_map(|b| {
            b.link(LINK)
                .date_from("2024-01-01".parse::<chrono::NaiveDate>().unwrap())
                .date_to("2024-01-31".parse::<chrono::NaiveDate>().unwrap())
        })
        .with_mfa(&provider)
        .await
        .unwrap();

    let spans = recorder.spans();
    let shape: Vec<(&str, Option<&str>, Option<&str>)> = spans
        .iter()
        .map(|(_, s)| (s.name, field(s, "operation"), field(s, "status")))
        .collect();
    assert_eq!(
        shape,
        [
            (MFA_SPAN, Some("retrieve_balances_for_a_link"), None),
            (CALL_SPAN, Some("retrieve_balances_for_a_link"), Some("428")),
            (MFA_RESUME_SPAN, Some("complete_a_balances_request"), None),
            (CALL_SPAN, Some("complete_a_balances_request"), Some("200")),
        ]
    );
    let ids: Vec<u64> = spans.iter().map(|(id, _)| *id).collect();
    let parents: Vec<Option<u64>> = spans.iter().map(|(_, s)| s.parent).collect();
    assert_eq!(parents, [None, Some(ids[0]), Some(ids[0]), Some(ids[2])]);
    assert_eq!(field(&spans[0].1, "rounds"), Some("1"));
    assert_eq!(field(&spans[1].1, "request_id"), Some("r-428"));
    assert_eq!(field(&spans[2].1, "round"), Some("1"));
    assert_nothing_secret(&recorder);
}
