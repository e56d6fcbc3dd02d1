//! Request bodies that carry credentials print `<redacted>` for them, in the types, their
//! builders and the operation builders that hold them, so a logged request never leaks one.

use belvo::{types, Client, Credentials, Environment};

#[test]
fn credential_fields_are_redacted_in_debug() {
    let body = types::RegisterANewLinkBody::try_from(
        types::builder::RegisterANewLinkBody::default()
            .institution("erebor_mx_retail")
            .username("bnk100")
            .password(Some("hunter2-password".to_string())),
    )
    .unwrap();
    let printed = format!("{body:?}");
    assert!(!printed.contains("hunter2-password"), "{printed}");
    assert!(
        printed.contains("<redacted>") && printed.contains("bnk100"),
        "{printed}"
    );

    let resume = types::CompleteRequestBody::builder().token(Some("otp-991234".to_string()));
    assert!(!format!("{resume:?}").contains("otp-991234"));

    let client = Client::connect(
        Environment::Custom("http://127.0.0.1:9".into()),
        Credentials::new("id", "secret"),
    );
    let request = client.register_a_new_link().body(body);
    let printed = format!("{request:?}");
    assert!(!printed.contains("hunter2-password"), "{printed}");
}
