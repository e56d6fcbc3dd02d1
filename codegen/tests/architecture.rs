//! The shape of `codegen/src`: modules depend one way.
//!
//! Every source file is parsed with syn and every path that names another module of the crate
//! (`crate::…`, `super::…`, `self::…`, or a child module's name) becomes an edge of a module
//! graph; a cycle in that graph fails the test with the modules on it and the paths that make
//! each edge. Paths inside `quote!`/`parse_quote!` are emitted code, not imports, and
//! `#[cfg(test)]` items are left out (a test module may reach anywhere). A path through a
//! re-export (`pub use`) counts as a path to the module that defines the item.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;

/// A module, as the path of segments below `crate` (`[]` is `lib.rs`).
type Module = Vec<String>;

struct Source {
    module: Module,
    tokens: TokenStream,
}

fn src_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn module_of(file: &Path, root: &Path) -> Module {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut module: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
        module.pop();
    }
    module
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.meta.to_token_stream().to_string().contains("test"))
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Use(u) => &u.attrs,
        syn::Item::Impl(i) => &i.attrs,
        _ => &[],
    }
}

fn sources() -> Vec<Source> {
    let root = src_dir();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            let mut parsed =
                syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            parsed.items.retain(|item| !is_cfg_test(item_attrs(item)));
            parsed.attrs.clear();
            Source {
                module: module_of(file, &root),
                tokens: parsed.into_token_stream(),
            }
        })
        .collect()
}

/// Macros whose bodies are code the generator emits, not code of this crate.
const QUOTING: [&str; 3] = ["quote", "parse_quote", "quote_spanned"];

/// Every path of `tokens` that may name a module, as written (`super::glue::rust_name`), with
/// braced `use` groups expanded; macro bodies of `quote!`-like macros skipped.
fn written_paths(tokens: TokenStream, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Ident(_) => {
                let start = i;
                let mut path: Vec<String> = prefix.to_vec();
                while let TokenTree::Ident(id) = &trees[i] {
                    path.push(id.to_string());
                    let colons = matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':')
                        && matches!(trees.get(i + 2), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                    if !colons {
                        break;
                    }
                    match trees.get(i + 3) {
                        Some(TokenTree::Ident(_)) => i += 3,
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                            for part in split_commas(g.stream()) {
                                written_paths(part, &path, out);
                            }
                            i += 3;
                            break;
                        }
                        _ => break,
                    }
                }
                let is_macro =
                    matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                if is_macro && QUOTING.contains(&path.last().unwrap().as_str()) {
                    i += 3; // last segment, `!`, the body: emitted code
                    continue;
                }
                if path.len() > 1 || start != i || !prefix.is_empty() {
                    out.push(path);
                }
                i += 1;
            }
            TokenTree::Group(g) => {
                written_paths(g.stream(), &[], out);
                i += 1;
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => i += 1,
        }
    }
}

fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut parts = vec![TokenStream::new()];
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(TokenStream::new()),
            _ => parts.last_mut().unwrap().extend([tree]),
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// `written` as an absolute path from `crate`, seen from `from`; `None` for paths into other
/// crates or to local names.
fn absolute(from: &Module, written: &[String], modules: &BTreeSet<Module>) -> Option<Vec<String>> {
    let mut base: Vec<String> = from.clone();
    let mut rest = written;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) => {
            // A child module's name, written without `self::`.
            let mut child = from.clone();
            child.push(first.to_owned());
            if !modules.contains(&child) {
                return None;
            }
        }
        None => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

struct Graph {
    modules: BTreeSet<Module>,
    /// Per module, what each name its `use` items bring in stands for (absolute paths).
    imports: BTreeMap<Module, BTreeMap<String, Vec<String>>>,
    /// Per module, every absolute path it writes.
    paths: BTreeMap<Module, Vec<Vec<String>>>,
}

impl Graph {
    fn build() -> Graph {
        let sources = sources();
        let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
        let mut imports = BTreeMap::new();
        let mut paths = BTreeMap::new();
        for source in &sources {
            let mut written = Vec::new();
            written_paths(source.tokens.clone(), &[], &mut written);
            let resolved: Vec<Vec<String>> = written
                .iter()
                .filter_map(|p| absolute(&source.module, p, &modules))
                .collect();
            let file: syn::File = syn::parse2(source.tokens.clone()).unwrap();
            let mut names = BTreeMap::new();
            for item in &file.items {
                if let syn::Item::Use(u) = item {
                    use_names(&u.tree, &mut Vec::new(), &mut |name, path| {
                        if let Some(path) = absolute(&source.module, &path, &modules) {
                            names.insert(name, path);
                        }
                    });
                }
            }
            imports.insert(source.module.clone(), names);
            paths.insert(source.module.clone(), resolved);
        }
        Graph {
            modules,
            imports,
            paths,
        }
    }

    /// The module that defines what `path` names: its longest module prefix, followed through
    /// re-exports of that module.
    fn target(&self, path: &[String], depth: usize) -> Module {
        let len = (0..=path.len())
            .rev()
            .find(|&n| self.modules.contains(&path[..n]))
            .unwrap_or(0);
        let module = path[..len].to_vec();
        if depth < 8 {
            if let Some(next) = path.get(len) {
                if let Some(through) = self.imports.get(&module).and_then(|m| m.get(next)) {
                    let mut through = through.clone();
                    through.extend(path[len + 1..].iter().cloned());
                    return self.target(&through, depth + 1);
                }
            }
        }
        module
    }

    /// Edges `from → to`, each with the paths that make it.
    fn edges(&self) -> BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>> {
        let mut edges: BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>> = BTreeMap::new();
        for (from, paths) in &self.paths {
            for path in paths {
                let to = self.target(path, 0);
                if &to != from {
                    edges
                        .entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_default()
                        .insert(path.join("::"));
                }
            }
        }
        edges
    }
}

fn use_names(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    f: &mut impl FnMut(String, Vec<String>),
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_names(&p.tree, prefix, f);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut path = prefix.clone();
            path.push(n.ident.to_string());
            f(n.ident.to_string(), path);
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            f(r.rename.to_string(), path);
        }
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                use_names(tree, prefix, f);
            }
        }
        syn::UseTree::Glob(_) => {}
    }
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// The strongly connected components with more than one module (Tarjan's algorithm).
fn cycles(
    edges: &BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>>,
    modules: &BTreeSet<Module>,
) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on_stack: BTreeSet<Module>,
        out: Vec<Vec<Module>>,
    }
    fn visit(s: &mut State, v: &Module) {
        let n = s.index.len();
        s.index.insert(v.clone(), n);
        s.low.insert(v.clone(), n);
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        let targets: Vec<Module> = s
            .edges
            .get(v)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for w in &targets {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(&w);
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for m in modules {
        if !state.index.contains_key(m) {
            visit(&mut state, m);
        }
    }
    state.out
}

#[test]
fn codegen_modules_depend_one_way() {
    let graph = Graph::build();
    let edges = graph.edges();
    let found = cycles(&edges, &graph.modules);
    let report: Vec<String> = found
        .iter()
        .map(|component| {
            let mut lines = vec![format!(
                "cycle among {}:",
                component.iter().map(name).collect::<Vec<_>>().join(", ")
            )];
            for from in component {
                for (to, paths) in &edges[from] {
                    if component.contains(to) {
                        lines.push(format!(
                            "  {} → {} ({})",
                            name(from),
                            name(to),
                            paths.iter().cloned().collect::<Vec<_>>().join(", ")
                        ));
                    }
                }
            }
            lines.join("\n")
        })
        .collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The walker itself: it must see each kind of path the crate writes, or the test above could
/// pass by seeing nothing.
#[test]
fn the_import_walker_sees_every_kind_of_path() {
    let graph = Graph::build();
    let edges = graph.edges();
    let has = |from: &[&str], to: &[&str]| {
        let from: Module = from.iter().map(|s| s.to_string()).collect();
        let to: Module = to.iter().map(|s| s.to_string()).collect();
        edges.get(&from).is_some_and(|m| m.contains_key(&to))
    };
    // `use crate::…`, and re-exports through the root (`crate::from_yaml` is
    // `read_yaml::from_yaml`).
    assert!(has(&["openapi", "bodies"], &["infer"]));
    assert!(has(&["openapi"], &["warning"]));
    assert!(has(&["overlay", "read"], &["read_yaml"]));
    // A child's name without `self::` (`components::Components` in openapi/mod.rs, re-exported
    // from `components/nodes.rs`).
    assert!(has(&["openapi"], &["openapi", "components", "nodes"]));
    // `super::sibling` from a file below `client/`.
    assert!(has(&["client", "normalize"], &["client", "error"]));
    // Emitted code inside `quote!` is not an import: glue/emit.rs emits
    // `super::resumable::…` and `use super::{builder, …}`, which would name `client::glue`.
    assert!(!has(&["client", "glue", "emit"], &["client", "glue"]));
    assert!(has(&["client", "glue", "emit"], &["client", "resumable"]));

    // And the cycle finder finds a cycle of three.
    let m = |s: &str| -> Module { vec![s.to_owned()] };
    let mut toy: BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>> = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        toy.entry(m(a)).or_default().insert(m(b), BTreeSet::new());
    }
    let modules: BTreeSet<Module> = ["a", "b", "c", "d"].into_iter().map(m).collect();
    assert_eq!(cycles(&toy, &modules), vec![vec![m("a"), m("b"), m("c")]]);
}

/// The longest a handwritten function may be, in source lines from `fn` to its closing brace.
const MAX_FN_LINES: usize = 80;

/// The trees whose functions are handwritten: codegen, xtask and the runtime crate (its
/// `generated.rs` is progenitor's output).
fn handwritten_files() -> Vec<PathBuf> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "codegen/src",
        "codegen/tests",
        "codegen/benches",
        "xtask/src",
        "generated/src",
    ] {
        let dir = workspace.join(dir);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
    }
    files.retain(|f| !f.ends_with("generated/src/generated.rs"));
    files.sort();
    files
}

/// Every function with a body in `items` (free, in `impl`s, trait defaults, nested modules
/// and inside other functions) as `(path, lines)`. Macro bodies are opaque to syn, so functions
/// inside `quote!` (emitted code) are not seen.
fn function_lengths(items: &[syn::Item], prefix: &str, out: &mut Vec<(String, usize)>) {
    fn lines(from: proc_macro2::Span, to: proc_macro2::Span) -> usize {
        to.end().line - from.start().line + 1
    }
    fn body(block: &syn::Block, path: &str, out: &mut Vec<(String, usize)>) {
        let nested: Vec<syn::Item> = block
            .stmts
            .iter()
            .filter_map(|s| match s {
                syn::Stmt::Item(item) => Some(item.clone()),
                _ => None,
            })
            .collect();
        function_lengths(&nested, path, out);
    }
    for item in items {
        match item {
            syn::Item::Fn(f) => {
                let path = format!("{prefix}{}", f.sig.ident);
                let span = lines(f.sig.fn_token.span, f.block.brace_token.span.close());
                out.push((path.clone(), span));
                body(&f.block, &format!("{path}::"), out);
            }
            syn::Item::Impl(i) => {
                let ty = i.self_ty.to_token_stream().to_string().replace(' ', "");
                for item in &i.items {
                    if let syn::ImplItem::Fn(f) = item {
                        let path = format!("{prefix}{ty}::{}", f.sig.ident);
                        let span = lines(f.sig.fn_token.span, f.block.brace_token.span.close());
                        out.push((path.clone(), span));
                        body(&f.block, &format!("{path}::"), out);
                    }
                }
            }
            syn::Item::Trait(t) => {
                for item in &t.items {
                    if let syn::TraitItem::Fn(syn::TraitItemFn {
                        sig,
                        default: Some(block),
                        ..
                    }) = item
                    {
                        let path = format!("{prefix}{}::{}", t.ident, sig.ident);
                        out.push((
                            path,
                            lines(sig.fn_token.span, block.brace_token.span.close()),
                        ));
                    }
                }
            }
            syn::Item::Mod(syn::ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) => function_lengths(items, &format!("{prefix}{ident}::"), out),
            _ => {}
        }
    }
}

/// Functions longer than [`MAX_FN_LINES`] as `file: path (lines)`, longest first.
fn long_functions(files: &[PathBuf]) -> Vec<String> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut lengths = Vec::new();
        function_lengths(&parsed.items, "", &mut lengths);
        let rel = file
            .strip_prefix(&workspace)
            .unwrap_or(file)
            .display()
            .to_string();
        for (path, lines) in lengths {
            if lines > MAX_FN_LINES {
                found.push((lines, format!("{rel}: {path} ({lines} lines)")));
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().map(|(_, line)| line).collect()
}

#[test]
fn no_handwritten_function_is_longer_than_80_lines() {
    let long = long_functions(&handwritten_files());
    assert!(
        long.is_empty(),
        "{} functions longer than {MAX_FN_LINES} lines (split them by meaning):\n{}",
        long.len(),
        long.join("\n")
    );
}

/// The measure itself, on a file written for it: a long function is found wherever it sits,
/// a function inside `quote!` is not (the function holding the `quote!` is), and lines are counted from `fn` to the closing brace.
#[test]
fn the_function_measure_sees_every_kind_of_function() {
    let long_body = "    let _x = 1;\n".repeat(MAX_FN_LINES - 1);
    let short_body = "    let _x = 1;\n".repeat(MAX_FN_LINES - 2);
    let text = format!(
        "fn free() {{\n{long_body}}}\n\
         fn exact() {{\n{short_body}}}\n\
         impl S {{ fn method(&self) {{\n{long_body}}} }}\n\
         trait T {{ fn provided(&self) {{\n{long_body}}} }}\n\
         mod m {{ fn outer() {{ fn inner() {{\n{long_body}}} }} }}\n\
         fn emits() -> TokenStream {{ quote! {{ fn emitted() {{\n{long_body}}} }} }}\n"
    );
    let dir = std::env::temp_dir().join(format!("fn-measure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("toy.rs");
    std::fs::write(&file, text).unwrap();
    let found = long_functions(std::slice::from_ref(&file));
    std::fs::remove_dir_all(&dir).unwrap();
    let names: Vec<&str> = found
        .iter()
        .map(|l| l.split(": ").nth(1).unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "S::method",
            "T::provided",
            "emits",
            "free",
            "m::outer",
            "m::outer::inner"
        ],
        "{found:#?}"
    );
    // `emits` is long for the lines of its template; `emitted` is no function of this crate.
    assert!(!found.iter().any(|l| l.contains("emitted")), "{found:#?}");
    assert!(
        found.iter().any(|l| l.ends_with("free (81 lines)")),
        "{found:#?}"
    );
}
