//! How the generated client talks to Belvo: environments, credentials, and the hooks
//! progenitor calls around every request.

use std::fmt;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use crate::Client;

/// A Belvo environment, or any URL (a mock, a proxy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    Sandbox,
    Development,
    Production,
    Custom(String),
}

impl Environment {
    /// Base URL of the environment, without a trailing slash.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => "https://sandbox.belvo.com",
            Environment::Development => "https://development.belvo.com",
            Environment::Production => "https://api.belvo.com",
            Environment::Custom(url) => url.trim_end_matches('/'),
        }
    }
}

/// A Belvo secret key pair. `Debug` never shows the password.
#[derive(Clone)]
pub struct Credentials {
    secret_id: String,
    secret_password: String,
}

impl Credentials {
    pub fn new(secret_id: impl Into<String>, secret_password: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_password: secret_password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_password", &"<redacted>")
            .finish()
    }
}

/// What every request of a [`Client`] needs besides its URL.
#[derive(Clone, Debug)]
pub struct Inner {
    credentials: Credentials,
}

impl Client {
    /// A client for `environment` that authenticates with `credentials`.
    pub fn connect(environment: Environment, credentials: Credentials) -> Self {
        Client::new(environment.base_url(), Inner { credentials })
    }
}

impl ClientHooks<Inner> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let credentials = &self.inner().credentials;
        let value = basic_auth(&credentials.secret_id, &credentials.secret_password);
        request
            .headers_mut()
            .insert(reqwest::header::AUTHORIZATION, value);
        Ok(())
    }
}

fn basic_auth(user: &str, password: &str) -> reqwest::header::HeaderValue {
    use base64::Engine;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut value = reqwest::header::HeaderValue::from_str(&format!("Basic {token}"))
        .expect("base64 is a valid header value");
    value.set_sensitive(true);
    value
}
