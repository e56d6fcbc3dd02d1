//! Shared parts of the runnable examples in `examples/examples/`: where to connect (a real
//! Belvo environment when credentials are set, else an embedded mock) and the mocks.

pub mod mock;

use belvo::{Client, Credentials, Environment};

/// A client for a real Belvo environment, from the variables the runtime reads:
/// `BELVO_SECRET_ID` and `BELVO_SECRET_PASSWORD`, then `BELVO_URL` or `BELVO_ENV` (`sandbox`,
/// the default, `development`, `production`); `BELVO_LINK_ID` names a link to work on.
pub struct Belvo {
    /// The client.
    pub client: Client,
    /// Where it sends requests.
    pub base_url: String,
    /// `BELVO_LINK_ID`, when set.
    pub link: Option<uuid::Uuid>,
}

impl Belvo {
    /// `Ok(None)` when no credentials are set (run against the mock instead).
    pub fn from_env() -> Result<Option<Belvo>, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let (Some(id), Some(password)) = (var("BELVO_SECRET_ID"), var("BELVO_SECRET_PASSWORD"))
        else {
            return Ok(None);
        };
        let environment = match (var("BELVO_URL"), var("BELVO_ENV")) {
            (Some(_), Some(_)) => return Err("set BELVO_URL or BELVO_ENV, not both".into()),
            (Some(url), None) => Environment::Custom(url),
            (None, env) => match env.as_deref().map(|e| e.trim().to_ascii_lowercase()) {
                None => Environment::Sandbox,
                Some(e) if e == "sandbox" => Environment::Sandbox,
                Some(e) if e == "development" => Environment::Development,
                Some(e) if e == "production" => Environment::Production,
                Some(e) => {
                    return Err(format!(
                        "BELVO_ENV={e}: expected sandbox, development or production"
                    ))
                }
            },
        };
        let link = var("BELVO_LINK_ID")
            .map(|l| l.trim().parse().map_err(|e| format!("BELVO_LINK_ID: {e}")))
            .transpose()?;
        Ok(Some(Belvo {
            base_url: environment.base_url().to_owned(),
            client: Client::connect(environment, Credentials::new(id, password)),
            link,
        }))
    }
}

/// A client for the embedded mock at `uri` (it checks no credentials).
pub fn mock_client(uri: &str) -> Client {
    Client::connect(
        Environment::Custom(uri.to_owned()),
        Credentials::new("demo-id", "demo-password"),
    )
}

/// Prints an error and its sources, one per line.
pub fn report(error: &dyn std::error::Error) {
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(e) = source {
        eprintln!("  caused by: {e}");
        source = e.source();
    }
}
