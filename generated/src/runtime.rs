//! How a [`Client`] is configured and how it talks to Belvo: environments, credentials,
//! timeouts, default headers, construction from the process environment, and the
//! `ClientHooks` that progenitor calls around every request (basic auth, default headers and
//! the call's [`RequestOptions`](crate::RequestOptions) in `pre`; retries in `exec`).
//!
//! Secrets never reach a `Debug` or `Display` output: [`Credentials`], [`RequestDefaults`],
//! [`ClientBuilder`] and therefore `Client` print `<redacted>` in their place (and only the
//! names of default headers, whose values may be keys too), and the `Authorization` header
//! is marked sensitive.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderValue, AUTHORIZATION, USER_AGENT};

use crate::error::ConfigError;
use crate::headers::HeaderSet;
use crate::retry::RetryPolicy;
use crate::trace::{Attempts, CallSpan};
use crate::{Client, OperationError};

/// Environment variable holding the secret key ID.
pub const SECRET_ID_VAR: &str = "BELVO_SECRET_ID";
/// Environment variable holding the secret key password.
pub const SECRET_PASSWORD_VAR: &str = "BELVO_SECRET_PASSWORD";
/// Environment variable naming the environment: `sandbox`, `development` or `production`.
pub const ENV_VAR: &str = "BELVO_ENV";
/// Environment variable holding a base URL (a mock, a proxy), instead of [`ENV_VAR`].
pub const URL_VAR: &str = "BELVO_URL";

/// Default total time allowed for one HTTP attempt. Belvo retrieves (`POST /api/…/`) fetch
/// from the institution while the caller waits, and can take tens of seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The `User-Agent` a client sends unless told otherwise: this crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A Belvo environment, or any URL (a mock, a proxy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Environment {
    /// `https://sandbox.belvo.com`: fake institutions and data, for development.
    Sandbox,
    /// `https://development.belvo.com`: real institutions, limited links.
    Development,
    /// `https://api.belvo.com`.
    Production,
    /// Any base URL, e.g. a local mock server.
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

/// Parses the values accepted in `BELVO_ENV`: `sandbox`, `development`, `production`
/// (case-insensitive, surrounding blanks ignored).
impl FromStr for Environment {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Environment::Sandbox),
            "development" => Ok(Environment::Development),
            "production" => Ok(Environment::Production),
            _ => Err(ConfigError::UnknownEnvironment(s.to_owned())),
        }
    }
}

/// A Belvo secret key pair. `Debug` shows neither part.
#[derive(Clone)]
pub struct Credentials {
    secret_id: String,
    secret_password: String,
}

impl Credentials {
    /// The secret key ID and password from Belvo's dashboard.
    pub fn new(secret_id: impl Into<String>, secret_password: impl Into<String>) -> Self {
        Credentials {
            secret_id: secret_id.into(),
            secret_password: secret_password.into(),
        }
    }

    /// The secret key ID, e.g. to say which key a client uses.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The `Authorization: Basic …` value, marked sensitive so that `http`'s `Debug` and
    /// HTTP/2 header compression treat it as a secret.
    fn authorization(&self) -> HeaderValue {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.secret_id, self.secret_password));
        // "Basic " and the base64 alphabet are visible ASCII, so every input gives a valid
        // header value: this cannot fail.
        let mut value = HeaderValue::try_from(format!("Basic {token}"))
            .expect("`Basic ` followed by base64 is a valid header value");
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &"<redacted>")
            .field("secret_password", &"<redacted>")
            .finish()
    }
}

/// What a [`Client`] applies to every request unless a call says otherwise: the
/// `Authorization` value, the default headers, the timeout and the retry policy. It is the
/// generated client's inner value: the generated `Client::new(base_url, defaults)` and
/// `Client::new_with_client(base_url, reqwest_client, defaults)` take one; build it with
/// [`RequestDefaults::new`] (or let [`ClientBuilder`] do it).
#[derive(Clone)]
pub struct RequestDefaults {
    authorization: HeaderValue,
    headers: HeaderSet,
    /// Per attempt; `None` leaves the reqwest client's own.
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

impl RequestDefaults {
    /// Authentication with `credentials`, retries as `retry` says, the default `User-Agent`
    /// ([`DEFAULT_USER_AGENT`]), and the reqwest client's own timeouts.
    pub fn new(credentials: &Credentials, retry: RetryPolicy) -> Self {
        RequestDefaults {
            authorization: credentials.authorization(),
            headers: default_headers(),
            timeout: None,
            retry,
        }
    }

    /// The retry policy of the client.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
}

/// What every client sends unless told otherwise: `User-Agent: belvo/<version>`.
fn default_headers() -> HeaderSet {
    let mut headers = HeaderSet::default();
    headers.insert(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT));
    headers
}

impl fmt::Debug for RequestDefaults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestDefaults")
            .field("authorization", &"<redacted>")
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

/// Settings of a [`Client`]: where, who, how long to wait, how to retry, which headers to
/// send with every request.
///
/// ```no_run
/// use std::time::Duration;
/// use belvo::{Client, Credentials, Environment, RetryPolicy};
///
/// let client = Client::builder(Environment::Sandbox, Credentials::new("id", "password"))
///     .timeout(Duration::from_secs(120))
///     .retry(RetryPolicy::default().max_attempts(5))
///     .build()?;
/// # Ok::<(), belvo::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    environment: Environment,
    credentials: Credentials,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    headers: HeaderSet,
    http: Option<OwnHttpClient>,
}

/// The caller's own `reqwest::Client`. `Debug` does not show it: its default headers may
/// hold keys of other services.
#[derive(Clone)]
struct OwnHttpClient(reqwest::Client);

impl fmt::Debug for OwnHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<the caller's reqwest::Client>")
    }
}

impl ClientBuilder {
    /// Defaults: [`DEFAULT_TIMEOUT`], [`DEFAULT_CONNECT_TIMEOUT`], [`RetryPolicy::default`],
    /// `User-Agent:` [`DEFAULT_USER_AGENT`].
    pub fn new(environment: Environment, credentials: Credentials) -> Self {
        ClientBuilder {
            environment,
            credentials,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            headers: default_headers(),
            http: None,
        }
    }

    /// Settings from the process environment: `BELVO_SECRET_ID`, `BELVO_SECRET_PASSWORD`, and
    /// either `BELVO_ENV` (`sandbox`, `development`, `production`) or `BELVO_URL`. An empty
    /// variable counts as unset. Setting both `BELVO_ENV` and `BELVO_URL` is an error rather
    /// than a silent choice, since the wrong one could send production keys elsewhere.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(|name| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::NotUnicode(name)),
        })
    }

    /// As [`from_env`](Self::from_env), reading each variable through `lookup` (a secrets
    /// store, a config file, a test's map) instead of the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Self::from_source(|name| Ok(lookup(name)))
    }

    fn from_source(
        get: impl Fn(&'static str) -> Result<Option<String>, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let get = |name| Ok(get(name)?.filter(|v: &String| !v.is_empty()));
        let secret_id = get(SECRET_ID_VAR)?.ok_or(ConfigError::MissingVar(SECRET_ID_VAR))?;
        let secret_password =
            get(SECRET_PASSWORD_VAR)?.ok_or(ConfigError::MissingVar(SECRET_PASSWORD_VAR))?;
        let environment = match (get(ENV_VAR)?, get(URL_VAR)?) {
            (Some(_), Some(_)) => return Err(ConfigError::EnvironmentAndUrl),
            (Some(name), None) => name.parse()?,
            (None, Some(url)) => Environment::Custom(url),
            (None, None) => return Err(ConfigError::MissingEnvironment),
        };
        Ok(Self::new(
            environment,
            Credentials::new(secret_id, secret_password),
        ))
    }

    /// Total time allowed for one attempt of a request, from connecting to the end of the
    /// body. Each retry gets the full time again. It also applies on a
    /// [`reqwest_client`](Self::reqwest_client) of your own, over that client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to open a connection. Not applied to a
    /// [`reqwest_client`](Self::reqwest_client) of your own: reqwest sets it per client
    /// only, so that client's own connect timeout holds.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How failed requests are retried; [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends `name: value` with every request that does not set that header itself (a
    /// call's [`RequestOptions::header`](crate::RequestOptions::header) wins). A name or
    /// value that is not a valid header makes [`build`](Self::build) fail with
    /// [`ConfigError::InvalidHeader`].
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The `User-Agent` to send instead of [`DEFAULT_USER_AGENT`], e.g. your service's name
    /// followed by it.
    pub fn user_agent(self, value: &str) -> Self {
        self.default_header(USER_AGENT.as_str(), value)
    }

    /// Sends through `client`, your own `reqwest::Client` (its proxy, TLS roots, connection
    /// pool and default headers), instead of one built here. The client still adds its
    /// authentication, default headers (a header of the same name set on `client` loses,
    /// `User-Agent` included), [`timeout`](Self::timeout) and retries.
    ///
    /// ```no_run
    /// use belvo::{Client, Credentials, Environment};
    ///
    /// let http = reqwest::Client::builder()
    ///     .proxy(reqwest::Proxy::https("http://egress.internal:3128")?)
    ///     .build()?;
    /// let client = Client::builder(Environment::Sandbox, Credentials::new("id", "password"))
    ///     .reqwest_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(OwnHttpClient(client));
        self
    }

    /// The client. Fails when the base URL is not an absolute `http(s)` URL or when the TLS
    /// backend cannot be initialised.
    pub fn build(self) -> Result<Client, ConfigError> {
        if let Some(name) = self.headers.invalid() {
            return Err(ConfigError::InvalidHeader {
                name: name.to_owned(),
            });
        }
        let parsed = reqwest::Url::parse(self.environment.base_url()).map_err(|e| {
            ConfigError::InvalidUrl {
                reason: e.to_string(),
            }
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ConfigError::InvalidUrl {
                reason: format!(
                    "the scheme must be http or https, not `{}`",
                    parsed.scheme()
                ),
            });
        }
        let http = match &self.http {
            Some(own) => own.0.clone(),
            None => self.http_client()?,
        };
        Ok(self.into_client(http))
    }

    fn http_client(&self) -> Result<reqwest::Client, ConfigError> {
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(ConfigError::Http)
    }

    fn into_client(self, http: reqwest::Client) -> Client {
        let defaults = RequestDefaults {
            headers: self.headers,
            timeout: Some(self.timeout),
            ..RequestDefaults::new(&self.credentials, self.retry)
        };
        Client::new_with_client(self.environment.base_url(), http, defaults)
    }
}

impl Client {
    /// A client for `environment` that authenticates with `credentials`, with the default
    /// timeouts and retry policy.
    ///
    /// # Panics
    /// When the TLS backend cannot be initialised, as `reqwest::Client::new` does. Use
    /// [`Client::builder`] to get that, and an invalid custom URL, as an error instead.
    pub fn connect(environment: Environment, credentials: Credentials) -> Self {
        let builder = ClientBuilder::new(environment, credentials);
        // The URL is not checked here: a bad one makes each request fail with
        // `InvalidRequest`, which is no reason to panic.
        match builder.http_client() {
            Ok(http) => builder.into_client(http),
            Err(e) => panic!("{e}"),
        }
    }

    /// Settings for a client, to change timeouts or the retry policy before
    /// [`build`](ClientBuilder::build).
    pub fn builder(environment: Environment, credentials: Credentials) -> ClientBuilder {
        ClientBuilder::new(environment, credentials)
    }

    /// A client configured from the process environment; see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self, ConfigError> {
        ClientBuilder::from_env()?.build()
    }
}

impl ClientHooks<RequestDefaults> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), OperationError<E>> {
        let defaults = self.inner();
        defaults.headers.fill(request.headers_mut());
        if defaults.timeout.is_some() {
            *request.timeout_mut() = defaults.timeout;
        }
        request
            .headers_mut()
            .insert(AUTHORIZATION, defaults.authorization.clone());
        // The call's own options last: they override the defaults.
        if let Some(options) = crate::options::current() {
            options
                .apply(request)
                .map_err(OperationError::InvalidRequest)?;
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let defaults = &self.inner().retry;
        let options = crate::options::current();
        let (policy, safe_to_repeat) = match &options {
            Some(options) => (options.retry_policy(defaults), options.is_safe_to_repeat()),
            None => (defaults, false),
        };
        let span = CallSpan::new(info.operation_id, &request);
        let mut attempts = Attempts::default();
        let result = span
            .run(async {
                let response = crate::retry::execute(
                    self.client(),
                    policy,
                    safe_to_repeat,
                    request,
                    &mut attempts,
                )
                .await?;
                // Error bodies are read here, while reading is async, so that converting an
                // undocumented status into `belvo::Error` (a sync `From`) still has the body.
                crate::error::buffer_error_body(response).await
            })
            .await;
        span.finish(&attempts, &result);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_names_parse() {
        assert_eq!(
            " Sandbox ".parse::<Environment>().ok(),
            Some(Environment::Sandbox)
        );
        assert_eq!(
            "production".parse::<Environment>().ok(),
            Some(Environment::Production)
        );
        assert!(matches!(
            "prod".parse::<Environment>(),
            Err(ConfigError::UnknownEnvironment(v)) if v == "prod"
        ));
        assert_eq!(
            Environment::Custom("http://localhost:4010/".into()).base_url(),
            "http://localhost:4010"
        );
    }

    #[test]
    fn authorization_is_basic_and_sensitive() {
        let value = Credentials::new("id", "pw").authorization();
        assert_eq!(value.to_str().unwrap(), "Basic aWQ6cHc=");
        assert!(value.is_sensitive());
    }

    #[test]
    fn builder_refuses_bad_urls() {
        let creds = Credentials::new("id", "pw");
        for url in ["not a url", "ftp://example.com", "/relative"] {
            let built = Client::builder(Environment::Custom(url.into()), creds.clone()).build();
            assert!(
                matches!(built, Err(ConfigError::InvalidUrl { .. })),
                "{url}"
            );
        }
    }
}
