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

/// Every generated struct with a field whose name holds a secret word (the generator's one
/// list, `decode::SECRET_WORDS`) prints `<redacted>` for it: checked over the whole generated
/// source, so a new body with a `session` or `api_key` cannot slip through.
#[test]
fn every_secret_named_field_is_redacted() {
    let source = include_str!("../src/generated.rs");
    let secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        belvo::decode::SECRET_WORDS.iter().any(|w| name.contains(w))
    };
    let mut checked = 0;
    for chunk in source.split("pub struct ").skip(1) {
        let name: String = chunk
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // A struct's fields end at its first closing brace: none of them holds a brace.
        let Some((head, rest)) = chunk.split_once('{') else {
            continue;
        };
        if head.contains(';') {
            continue;
        }
        let fields = rest
            .lines()
            .take_while(|l| l.trim() != "}")
            .filter_map(|l| {
                let l = l.trim().strip_prefix("pub ")?;
                l.split_once(':')
                    .map(|(f, _)| f.trim().trim_start_matches("r#").to_owned())
            });
        for field in fields.filter(|f| secret(f)) {
            let redacted = format!(".field(\"{field}\", &\"<redacted>\")");
            let debug = format!("impl ::std::fmt::Debug for {name} ");
            let shown = source.split(&debug).skip(1).any(|imp| {
                let body = imp.split(".finish()").next().unwrap_or("");
                body.contains(&redacted)
            });
            assert!(shown, "`{name}.{field}` is not redacted in its Debug");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} secret fields found");
}
