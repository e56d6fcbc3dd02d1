//! MFA-pair discovery: which operations may answer `428 Precondition Required` (a
//! multi-factor challenge) and which `PATCH` resumes each, read from the *normalised* spec (so
//! the operationIds are the final ones progenitor sees). `generate` calls `find_resumable`
//! after normalisation; the glue emits the pairs as the `resumable` module.
//!
//! A pair is: an operation answering 428 at path `P` and the `PATCH` at `P` or, when `P` ends
//! in a `{param}` segment, at its parent collection; a `PATCH` that needs no parameter besides
//! its body is preferred, so `PUT /api/links/{id}/` resumes with `PATCH /api/links/`.

use std::collections::HashMap;

use openapiv3::{OpenAPI, ReferenceOr, StatusCode};

/// An operation that may answer `428 Precondition Required` and the `PATCH` that resumes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResumablePair {
    /// operationId of the operation that may answer 428.
    pub retrieve: String,
    /// Its HTTP method, upper case.
    pub method: String,
    /// Its path template.
    pub path: String,
    /// operationId of the resuming `PATCH`.
    pub resume: String,
    /// The path of the resuming `PATCH`.
    pub resume_path: String,
    /// Whether the `PATCH` needs parameters besides its body (then no trait impl is emitted).
    pub resume_needs_params: bool,
}

/// What pairing needs to know of an operation of the normalised spec.
struct OperationInfo<'a> {
    id: String,
    method: &'a str,
    path: String,
    /// The document lists a 428 response.
    answers_428: bool,
    /// Some parameter must be given (a path parameter, a required query or header).
    needs_params: bool,
}

/// Pairs every operation of the normalised `spec` answering 428 with the `PATCH` on its path
/// or its parent collection.
pub(crate) fn find_resumable(spec: &OpenAPI) -> Vec<ResumablePair> {
    let ops: Vec<OperationInfo> = spec
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| {
            item.iter().map(|(method, op)| OperationInfo {
                id: op.operation_id.clone().unwrap_or_default(),
                method,
                path: path.clone(),
                answers_428: op.responses.responses.contains_key(&StatusCode::Code(428)),
                needs_params: op.parameters.iter().any(|p| match p {
                    ReferenceOr::Item(p) => p.parameter_data_ref().required,
                    ReferenceOr::Reference { .. } => true,
                }),
            })
        })
        .collect();
    let patches: HashMap<&str, &OperationInfo> = ops
        .iter()
        .filter(|o| o.method == "patch")
        .map(|o| (o.path.as_str(), o))
        .collect();
    let mut pairs = Vec::new();
    for op in ops.iter().filter(|o| o.answers_428) {
        let same = patches.get(op.path.as_str()).copied();
        let parent = parent_collection(&op.path).and_then(|p| patches.get(p.as_str()).copied());
        let candidates: Vec<&OperationInfo> = [same, parent]
            .into_iter()
            .flatten()
            .filter(|p| p.id != op.id)
            .collect();
        // A resume is sent with only a body (session, token, link): prefer a PATCH that needs
        // nothing else.
        let chosen = candidates
            .iter()
            .find(|p| !p.needs_params)
            .or(candidates.first())
            .copied();
        if let Some(resume) = chosen {
            pairs.push(ResumablePair {
                retrieve: op.id.clone(),
                method: op.method.to_uppercase(),
                path: op.path.clone(),
                resume: resume.id.clone(),
                resume_path: resume.path.clone(),
                resume_needs_params: resume.needs_params,
            });
        }
    }
    pairs
}

/// `/a/b/{id}/` → `/a/b/`; `None` when the last segment is not a template parameter.
fn parent_collection(path: &str) -> Option<String> {
    let trailing = path.ends_with('/');
    let trimmed = path.trim_end_matches('/');
    let (parent, last) = trimmed.rsplit_once('/')?;
    if !(last.starts_with('{') && last.ends_with('}')) {
        return None;
    }
    Some(if trailing {
        format!("{parent}/")
    } else {
        parent.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_collection_of_item_paths() {
        assert_eq!(
            parent_collection("/api/links/{id}/").as_deref(),
            Some("/api/links/")
        );
        assert_eq!(
            parent_collection("/api/links/{id}").as_deref(),
            Some("/api/links")
        );
        assert_eq!(parent_collection("/api/links/"), None);
    }
}
