//! Every collection of the shared corpus converts to a document that is valid OpenAPI 3.0
//! (`codegen::validate`), reads back as itself and keeps the client-facing invariants (every
//! parameter example a value of its schema's type among them), or is refused with a message;
//! none panics. The committed spec keeps the same promises.

mod support;

use std::path::{Path, PathBuf};

fn collections(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collections(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
#[cfg_attr(no_shared, ignore = "../shared is absent")]
fn every_corpus_collection_converts_or_is_refused_clearly() {
    let shared = support::shared_dir();
    let mut files = Vec::new();
    collections(&shared.join("corpus"), &mut files);
    files.push(shared.join("belvo/belvo.postman_collection.json"));
    assert!(
        files.len() > 50,
        "corpus looks incomplete: {} files",
        files.len()
    );

    let (mut converted, mut refused) = (0, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let outcome = std::panic::catch_unwind(|| codegen::convert(&text));
        let Ok(result) = outcome else {
            panic!("{} made the converter panic", file.display());
        };
        match result {
            Ok(conversion) => {
                codegen::validate::validate(&conversion.document)
                    .unwrap_or_else(|e| panic!("{}: not valid OpenAPI: {e}", file.display()));
                let misfits = support::parameter_example_misfits(&conversion.document);
                assert!(misfits.is_empty(), "{}: {misfits:#?}", file.display());
                let yaml = codegen::to_yaml(&conversion.document);
                let back: serde_json::Value = yaml_serde::from_str(&yaml)
                    .unwrap_or_else(|e| panic!("{}: YAML does not read back: {e}", file.display()));
                assert!(
                    back == conversion.document,
                    "{}: YAML reads back as another document",
                    file.display()
                );
                let back: openapiv3::OpenAPI = serde_json::from_value(back).unwrap();
                assert_eq!(back.openapi, "3.0.3");
                let problems = support::invariant_violations(&back);
                assert!(problems.is_empty(), "{}: {problems:?}", file.display());
                converted += 1;
            }
            Err(err) => {
                assert!(
                    !matches!(err, codegen::ConvertError::Internal(_)),
                    "{}: {err}",
                    file.display()
                );
                refused.push(format!("{}: {err}", file.display()));
            }
        }
    }
    eprintln!(
        "converted {converted} collections; refused {}:",
        refused.len()
    );
    for r in &refused {
        eprintln!("  {r}");
    }
    // Only the OpenAPI file that sits in the corpus beside its collection is refused.
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("not a Postman collection"));
}

/// The committed spec, overlay applied, is valid and its parameter examples fit their schemas.
#[test]
fn committed_spec_is_valid_and_its_examples_fit() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml"))
            .unwrap();
    let document: serde_json::Value = codegen::from_yaml(&text).unwrap();
    codegen::validate::validate(&document).unwrap();
    let misfits = support::parameter_example_misfits(&document);
    assert!(misfits.is_empty(), "{misfits:#?}");
}
