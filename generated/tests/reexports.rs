//! The crate names its re-exports of the generated module instead of globbing them (so that
//! rustdoc shows the runtime's `belvo::Error`, not progenitor's): every public item of the
//! module but that `Error` must still be re-exported, or a regeneration that adds one would
//! hide it.

#[test]
fn every_public_item_of_the_generated_module_is_reexported() {
    let generated = include_str!("../src/generated.rs");
    let lib = include_str!("../src/lib.rs");
    let reexports: String = lib
        .split("pub use generated::")
        .skip(1)
        .map(|rest| &rest[..rest.find(';').unwrap_or(rest.len())])
        .collect();
    let mut names = Vec::new();
    for line in generated.lines().filter(|l| l.starts_with("pub ")) {
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        match words.as_slice() {
            ["pub", "use", "progenitor_client", items @ ..] => names.extend(items.iter().copied()),
            ["pub", "mod" | "struct" | "enum" | "const" | "fn" | "trait" | "type", name, ..] => {
                names.push(*name)
            }
            _ => panic!("a public item this test cannot read: {line}"),
        }
    }
    assert!(
        names.contains(&"Client") && names.contains(&"types"),
        "{names:?}"
    );
    for name in names.into_iter().filter(|n| *n != "Error") {
        let listed = reexports
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| w == name);
        assert!(
            listed,
            "`{name}` of generated.rs is not re-exported by lib.rs"
        );
    }
}
