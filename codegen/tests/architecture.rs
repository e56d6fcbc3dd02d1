//! The shape of every crate of the workspace: modules depend one way, functions stay short.
//!
//! Every crate root of every workspace member (library, binary, build script, each test, bench
//! and example target) is walked through its `mod` items, and every handwritten file it reaches
//! is parsed with syn. Every path that names another module of the same crate (`crate::…`,
//! `super::…`, `self::…`, or a child module's name) becomes an edge of that crate's module
//! graph; a cycle in that graph fails the test with the modules on it and the paths that make
//! each edge. Paths inside `quote!`/`parse_quote!` are emitted code, not imports, and
//! `#[cfg(test)]` items are left out (a test module may reach anywhere). A path through a
//! re-export (`pub use`) counts as a path to the module that defines the item. Inline modules
//! (`mod imp { … }`) are modules of their own, so their `super::` means what rustc reads.
//!
//! The same files are measured for function length. `generated/src/generated.rs` is
//! progenitor's output: it is a module of the graph (paths into it resolve), but neither its
//! paths nor its functions are read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;

/// A module, as the path of segments below `crate` (`[]` is the crate root).
type Module = Vec<String>;

struct Source {
    module: Module,
    /// The module of the file this module's text is in: itself, or for an inline module
    /// (`mod imp { … }`) the file's. Edges are between files: a file may reach into the
    /// inline modules it holds and they into it, as one unit of reading.
    file: Module,
    tokens: TokenStream,
}

/// The file the generator writes; everything else in the workspace is handwritten.
const GENERATED: &str = "generated/src/generated.rs";

/// The workspace root, canonical so that files reached through `#[path = "../…"]` and the
/// same files reached directly have one name.
fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// The workspace members, as the root `Cargo.toml` lists them, so that a new member is walked
/// without editing this test.
fn members() -> Vec<String> {
    let manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("members"))
        .expect("a `members = [...]` line in the workspace Cargo.toml");
    let members: Vec<String> = line
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(!members.is_empty(), "no members read from {line:?}");
    members
}

/// Every crate root of every member: `src/lib.rs`, `src/main.rs`, `build.rs`, and each file
/// directly under `src/bin`, `tests`, `benches` and `examples` (Cargo's auto-discovered
/// targets).
fn crate_roots() -> Vec<PathBuf> {
    let workspace = workspace();
    let mut roots = Vec::new();
    for member in members() {
        let dir = workspace.join(&member);
        for file in ["src/lib.rs", "src/main.rs", "build.rs"] {
            if dir.join(file).is_file() {
                roots.push(dir.join(file));
            }
        }
        for targets in ["src/bin", "tests", "benches", "examples"] {
            let Ok(entries) = std::fs::read_dir(dir.join(targets)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "rs") {
                    roots.push(path);
                }
            }
        }
    }
    roots.sort();
    roots
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

/// One crate: its root file, its modules (each with the tokens it holds) and the files read.
struct Crate {
    root: PathBuf,
    sources: Vec<Source>,
    files: Vec<PathBuf>,
}

impl Crate {
    fn read(root: &Path) -> Crate {
        let mut modules = Modules::new();
        let mut files = Vec::new();
        let dir = root.parent().unwrap().to_path_buf();
        read_module(root, Vec::new(), &dir, &mut modules, &mut files);
        Crate {
            root: root.canonicalize().unwrap(),
            sources: modules
                .into_iter()
                .map(|(module, (file, tokens))| Source {
                    module,
                    file,
                    tokens,
                })
                .collect(),
            files,
        }
    }

    /// The root as a workspace-relative path, to name the crate in reports.
    fn name(&self) -> String {
        relative(&self.root)
    }
}

fn relative(file: &Path) -> String {
    file.strip_prefix(workspace())
        .unwrap_or(file)
        .display()
        .to_string()
}

/// Per module, the module of its file and its tokens.
type Modules = BTreeMap<Module, (Module, TokenStream)>;

/// Reads `file` as `module`, whose child modules' files live in `dir`, and every module it
/// declares.
fn read_module(
    file: &Path,
    module: Module,
    dir: &Path,
    modules: &mut Modules,
    files: &mut Vec<PathBuf>,
) {
    if file.ends_with(GENERATED) {
        modules.insert(module.clone(), (module, TokenStream::new()));
        return;
    }
    files.push(file.canonicalize().unwrap());
    let text = std::fs::read_to_string(file).unwrap();
    files.extend(included(file, &text));
    let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    module_items(
        file,
        parsed.items,
        (module.clone(), module),
        dir,
        modules,
        files,
    );
}

/// Files every declared module, inline or not, as a module of its own, and the rest of
/// `items` as the tokens of `module` (two inline modules of one name, one per `cfg`, are one
/// module).
fn module_items(
    file: &Path,
    items: Vec<syn::Item>,
    (module, file_module): (Module, Module),
    dir: &Path,
    modules: &mut Modules,
    files: &mut Vec<PathBuf>,
) {
    let mut kept = TokenStream::new();
    for item in items {
        if is_cfg_test(item_attrs(&item)) {
            continue;
        }
        let syn::Item::Mod(m) = item else {
            item.to_tokens(&mut kept);
            continue;
        };
        let mut child = module.clone();
        child.push(m.ident.to_string());
        let child_dir = dir.join(m.ident.to_string());
        match (m.content, path_attr(&m.attrs)) {
            (Some((_, items)), _) => {
                let inline = (child, file_module.clone());
                module_items(file, items, inline, &child_dir, modules, files)
            }
            (None, Some(path)) => {
                // `#[path]` is relative to the declaring file's directory; the file it names
                // is read as a `mod.rs` would be.
                let target = file.parent().unwrap().join(path);
                let target_dir = target.parent().unwrap().to_path_buf();
                read_module(&target, child, &target_dir, modules, files);
            }
            (None, None) => {
                let flat = dir.join(format!("{}.rs", m.ident));
                let (target, target_dir) = if flat.is_file() {
                    (flat, child_dir)
                } else {
                    (child_dir.join("mod.rs"), child_dir)
                };
                read_module(&target, child, &target_dir, modules, files);
            }
        }
    }
    modules
        .entry(module)
        .or_insert_with(|| (file_module, TokenStream::new()))
        .1
        .extend(kept);
}

/// Rust files `text` pastes as text (`include_str!("decode_template.rs")`, `include!(…)`):
/// handwritten code of no module, measured with the rest.
fn included(file: &Path, text: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for opening in ["include_str!(\"", "include!(\""] {
        for (at, _) in text.match_indices(opening) {
            let rest = &text[at + opening.len()..];
            let name = &rest[..rest.find('"').unwrap()];
            let Ok(target) = file.parent().unwrap().join(name).canonicalize() else {
                continue;
            };
            if name.ends_with(".rs") && !target.ends_with(GENERATED) {
                found.push(target);
            }
        }
    }
    found
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn all_crates() -> Vec<Crate> {
    crate_roots().iter().map(|root| Crate::read(root)).collect()
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
                let mut grouped = false;
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
                            // The prefix of a group is no path of its own: its parts are.
                            grouped = true;
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
                if !grouped && (path.len() > 1 || start != i || !prefix.is_empty()) {
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
    /// Per module, the module of its file ([`Source::file`]).
    files: BTreeMap<Module, Module>,
    /// Per module, what each name its `use` items bring in stands for: an absolute path, or
    /// `None` for a name from another crate (`pub use progenitor_client::Error as …`), which
    /// a path through it leaves.
    imports: BTreeMap<Module, BTreeMap<String, Option<Vec<String>>>>,
    /// Per module, every absolute path it writes.
    paths: BTreeMap<Module, Vec<Vec<String>>>,
}

impl Graph {
    fn build(sources: &[Source]) -> Graph {
        let modules: BTreeSet<Module> = sources.iter().map(|s| s.module.clone()).collect();
        let mut imports = BTreeMap::new();
        let mut paths = BTreeMap::new();
        for source in sources {
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
                        names.insert(name, absolute(&source.module, &path, &modules));
                    });
                }
            }
            imports.insert(source.module.clone(), names);
            paths.insert(source.module.clone(), resolved);
        }
        Graph {
            modules,
            files: sources
                .iter()
                .map(|s| (s.module.clone(), s.file.clone()))
                .collect(),
            imports,
            paths,
        }
    }

    /// The module that defines what `path` names: its longest module prefix, followed through
    /// re-exports of that module; `None` when they lead out of the crate.
    fn target(&self, path: &[String], depth: usize) -> Option<Module> {
        let len = (0..=path.len())
            .rev()
            .find(|&n| self.modules.contains(&path[..n]))
            .unwrap_or(0);
        let module = path[..len].to_vec();
        if depth < 8 {
            if let Some(next) = path.get(len) {
                if let Some(through) = self.imports.get(&module).and_then(|m| m.get(next)) {
                    let mut through = through.clone()?;
                    through.extend(path[len + 1..].iter().cloned());
                    return self.target(&through, depth + 1);
                }
            }
        }
        Some(module)
    }

    /// Edges `from → to` between the modules of files, each with the paths that make it.
    fn edges(&self) -> BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>> {
        let mut edges: BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>> = BTreeMap::new();
        for (from, paths) in &self.paths {
            let from = &self.files[from];
            for path in paths {
                let Some(to) = self.target(path, 0) else {
                    continue;
                };
                let to = self.files[&to].clone();
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

/// The cycles of one crate's module graph, each as the modules on it and the edges between
/// them with the paths that make each edge.
fn cycle_report(krate: &Crate) -> Vec<String> {
    let graph = Graph::build(&krate.sources);
    let edges = graph.edges();
    let files: BTreeSet<Module> = graph.files.values().cloned().collect();
    cycles(&edges, &files)
        .iter()
        .map(|component| {
            let mut lines = vec![format!(
                "{}: cycle among {}:",
                krate.name(),
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
        .collect()
}

#[test]
fn modules_depend_one_way_in_every_crate() {
    let report: Vec<String> = all_crates().iter().flat_map(cycle_report).collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The crate walk itself: every Rust file of every member is reached from some crate root
/// (a file no root reaches would escape both checks), and the crates the issue names are
/// among the roots.
#[test]
fn every_rust_file_of_the_workspace_is_walked() {
    let crates = all_crates();
    let walked: BTreeSet<String> = crates
        .iter()
        .flat_map(|c| c.files.iter().map(|f| relative(f)))
        .collect();
    let mut present = Vec::new();
    for member in members() {
        rust_files_outside_builds(&workspace().join(member), &mut present);
    }
    let missed: BTreeSet<String> = present
        .iter()
        .map(|f| relative(f))
        .filter(|f| !walked.contains(f) && f != GENERATED)
        .collect();
    assert!(
        missed.is_empty(),
        "files no crate root reaches: {missed:#?}"
    );
    let roots: BTreeSet<String> = crates.iter().map(Crate::name).collect();
    for root in [
        "codegen/src/lib.rs",
        "codegen/build.rs",
        "codegen/benches/stages.rs",
        "codegen/tests/architecture.rs",
        "xtask/src/main.rs",
        "xtask/build.rs",
        "xtask/tests/review.rs",
        "generated/src/lib.rs",
        "generated/tests/mfa.rs",
        "examples/src/lib.rs",
        "examples/build.rs",
        "examples/examples/trace_call.rs",
        "examples/tests/prism.rs",
        "examples/banking-tour/src/main.rs",
    ] {
        assert!(
            roots.contains(root),
            "{root} is not a crate root: {roots:#?}"
        );
    }
    // Files reached only through `mod` items: a test's `support`, a `#[path]` module, a
    // nested `pull/` module of xtask.
    for file in [
        "codegen/tests/support/build.rs",
        "codegen/tests/soundness/bodies.rs",
        "xtask/src/pull/fetch.rs",
        "generated/src/mfa/provider.rs",
        "examples/tests/support/mod.rs",
    ] {
        assert!(walked.contains(file), "{file} is not walked");
    }
}

/// Rust files below `dir`, leaving out build output and npm packages (neither is source of
/// this workspace).
fn rust_files_outside_builds(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let skipped = path
            .file_name()
            .is_some_and(|n| n == "target" || n == "node_modules");
        if path.is_dir() && !skipped {
            rust_files_outside_builds(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The walker itself: it must see each kind of path the crate writes, or the test above could
/// pass by seeing nothing.
#[test]
fn the_import_walker_sees_every_kind_of_path() {
    let codegen = Crate::read(&workspace().join("codegen/src/lib.rs"));
    let graph = Graph::build(&codegen.sources);
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

    // The other crates are walked the same way: xtask's commands reach their shared modules
    // (`crate::plan::Plan` from review, `crate::review::review` from release).
    let xtask = Crate::read(&workspace().join("xtask/src/main.rs"));
    let xtask = Graph::build(&xtask.sources).edges();
    let edge = |edges: &BTreeMap<Module, BTreeMap<Module, BTreeSet<String>>>, from, to| {
        let module = |s: &str| -> Module {
            match s {
                "crate" => Vec::new(),
                s => s.split("::").map(str::to_owned).collect(),
            }
        };
        edges
            .get(&module(from))
            .is_some_and(|m| m.contains_key(&module(to)))
    };
    assert!(edge(&xtask, "review", "plan"));
    assert!(edge(&xtask, "release", "review"));
    // In the runtime crate, `trace.rs`'s inline `mod imp` reads `super::Attempts` as trace's,
    // and is part of trace.rs: no edge leaves it for `crate`, none joins it to its file.
    // `crate::OperationError` is progenitor_client's (a `pub use` of another crate): no edge
    // to the root.
    let runtime = Crate::read(&workspace().join("generated/src/lib.rs"));
    let runtime = Graph::build(&runtime.sources).edges();
    assert!(edge(&runtime, "runtime", "trace"));
    assert!(!runtime.contains_key(&vec!["trace".to_owned(), "imp".to_owned()]));
    assert!(edge(&runtime, "crate", "error"));
    assert!(!edge(&runtime, "trace", "crate"));
    assert!(!edge(&runtime, "error", "crate"));

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

/// Every handwritten file of the workspace: the files the crate walk reads (it skips
/// [`GENERATED`]), each once (a `#[path]` module may belong to two crates).
fn handwritten_files() -> Vec<PathBuf> {
    let files: BTreeSet<PathBuf> = all_crates().into_iter().flat_map(|c| c.files).collect();
    files.into_iter().collect()
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
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut lengths = Vec::new();
        function_lengths(&parsed.items, "", &mut lengths);
        let rel = relative(file);
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
