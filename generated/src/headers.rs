//! A set of headers given by name and value as the caller wrote them, shared by the client's
//! defaults ([`ClientBuilder::default_header`](crate::ClientBuilder::default_header)) and
//! per-call options ([`RequestOptions::header`](crate::RequestOptions::header)).
//!
//! A name or value that is not a valid header is not dropped: the first one is kept, by name
//! only (a header value may be a key), for the caller to report when the client is built or
//! the request sent. `Debug` shows names, never values.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

#[derive(Clone, Default)]
pub(crate) struct HeaderSet {
    map: HeaderMap,
    /// The name of the first header given that is not a valid one.
    invalid: Option<String>,
}

impl HeaderSet {
    /// Sets `name: value`, replacing an earlier value of that name.
    pub(crate) fn insert<N, V>(&mut self, name: N, value: V)
    where
        N: TryInto<HeaderName> + AsRef<str>,
        V: TryInto<HeaderValue>,
    {
        let shown = name.as_ref().to_owned();
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.map.insert(name, value);
            }
            _ => {
                self.invalid.get_or_insert(shown);
            }
        }
    }

    /// The name of the first header that could not be used.
    pub(crate) fn invalid(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    /// Adds each header that `request` lacks (defaults).
    pub(crate) fn fill(&self, request: &mut HeaderMap) {
        for (name, value) in &self.map {
            if !request.contains_key(name) {
                request.insert(name, value.clone());
            }
        }
    }

    /// Sets each header on `request`, replacing what it had (options).
    pub(crate) fn apply(&self, request: &mut HeaderMap) {
        for (name, value) in &self.map {
            request.insert(name, value.clone());
        }
    }
}

impl fmt::Debug for HeaderSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderSet")
            .field("names", &self.map.keys().collect::<Vec<_>>())
            .field("invalid", &self.invalid)
            .finish()
    }
}
