//! The one format every command prints `codegen` warnings in. A module of its own, not the
//! crate root's, because the commands call it and the root calls the commands: the root would
//! otherwise sit on a module cycle with every command that converts.

/// Prints warnings on stderr, one a line, in the one format of every command:
/// `warning[W122] GET /accounts/: message` (codes in `codegen::warning`).
pub fn print(warnings: &[codegen::Warning]) {
    for warning in warnings {
        eprintln!("{}", compact(&warning.to_string()));
    }
}

/// A warning on one line of readable length: a long list after its last `: ` (the
/// operations a rule touched) keeps its first three items and counts the rest.
fn compact(line: &str) -> String {
    const SHOWN: usize = 3;
    let Some((head, list)) = line.rsplit_once(": ") else {
        return line.to_owned();
    };
    let items: Vec<&str> = list.split("), ").collect();
    if items.len() <= SHOWN + 1 {
        return line.to_owned();
    }
    let shown = items[..SHOWN].join("), ");
    format!("{head}: {shown}) and {} more", items.len() - SHOWN)
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn long_operation_lists_are_counted_not_printed() {
        let line = "warning[W124] document: merged: a (400), b (401), c (400), d (500), e (428)";
        assert_eq!(
            compact(line),
            "warning[W124] document: merged: a (400), b (401), c (400) and 2 more"
        );
        let short = "warning[W124] document: merged: a (400), b (401)";
        assert_eq!(compact(short), short);
    }
}
