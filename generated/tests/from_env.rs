//! `Client::from_env` against the real process environment. Alone in its own test binary (one
//! process, one test) because changing environment variables while other threads read them
//! is unsound.

use belvo::{Client, ConfigError};

#[test]
fn from_env_names_the_missing_variable() {
    let vars = [
        "BELVO_SECRET_ID",
        "BELVO_SECRET_PASSWORD",
        "BELVO_ENV",
        "BELVO_URL",
    ];
    for var in vars {
        std::env::remove_var(var);
    }
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(err, ConfigError::MissingVar("BELVO_SECRET_ID")),
        "{err}"
    );

    std::env::set_var("BELVO_SECRET_ID", "id-from-env");
    let err = Client::from_env().unwrap_err();
    assert_eq!(
        err.to_string(),
        "environment variable BELVO_SECRET_PASSWORD is not set"
    );

    std::env::set_var("BELVO_SECRET_PASSWORD", "password-from-env");
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, ConfigError::MissingEnvironment), "{err}");
    assert!(!format!("{err} {err:?}").contains("password-from-env"));

    std::env::set_var("BELVO_ENV", "development");
    let client = Client::from_env().unwrap();
    assert_eq!(
        belvo::ClientInfo::baseurl(&client),
        "https://development.belvo.com"
    );
    assert!(!format!("{client:?}").contains("password-from-env"));
    assert!(!format!("{client:?}").contains("id-from-env"));

    for var in vars {
        std::env::remove_var(var);
    }
}
