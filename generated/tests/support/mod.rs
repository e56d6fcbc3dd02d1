//! What the loopback tests of the runtime share: test credentials, fast retries, a client
//! on a wiremock server.

#![allow(dead_code)] // each test file uses part of it

use std::time::Duration;

use belvo::{Client, Credentials, Environment, RetryPolicy};
use wiremock::MockServer;

pub const SECRET_ID: &str = "secret-id-7f3a";
pub const SECRET_PASSWORD: &str = "secret-password-c91e";
/// `Basic base64("secret-id-7f3a:secret-password-c91e")`.
pub const BASIC: &str = "Basic c2VjcmV0LWlkLTdmM2E6c2VjcmV0LXBhc3N3b3JkLWM5MWU=";

pub fn credentials() -> Credentials {
    Credentials::new(SECRET_ID, SECRET_PASSWORD)
}

/// Retries fast enough for tests: 10 ms, then 20 ms, …
pub fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_secs(5))
}

pub fn client(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder(Environment::Custom(server.uri()), credentials())
        .retry(retry)
        .build()
        .unwrap()
}

/// A loopback port nothing listens on (it was free a moment ago): connecting is refused.
pub fn refusing_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
