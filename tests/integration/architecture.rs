//! The layering of `src/`: no module imports another that imports it back.
//! The graph is built from the code of every file (comments and its test
//! module left out): its `crate::` and `super::` paths, and a parent
//! module's uses of its children (`rollup::principals`, `pub use
//! classify::Category`). A path through a re-export leads to the module that
//! defines the item (`crate::clixml::Reader` is a use of
//! `clixml::reader::state`, not of `clixml`). The graph must be free of
//! cycles between files and between top-level modules (`analysis`,
//! `output`, …).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/analysis/mailbox.rs` → `["analysis", "mailbox"]`; `mod.rs` and
/// `lib.rs` name their folder.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The code of a file: without comment lines and without its test module.
fn code(text: &str) -> String {
    let body = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    body.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// Per module, the items it re-exports (`pub use x::{A, B as C}`) and the
/// path they come from, absolute.
type Reexports = BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>;

fn absolute(path: &str, me: &[String]) -> Vec<String> {
    let mut parts: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut out: Vec<String> = match parts.first() {
        Some(&"crate") => {
            parts.remove(0);
            Vec::new()
        }
        Some(&"super") => {
            let mut p = me.to_vec();
            while parts.first() == Some(&"super") {
                parts.remove(0);
                p.pop();
            }
            p
        }
        _ => me.to_vec(),
    };
    out.extend(parts.iter().map(|s| s.to_string()));
    out
}

fn reexports(text: &str, me: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for stmt in text.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = ["pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find_map(|p| stmt.strip_prefix(p))
        else {
            continue;
        };
        let rest: String = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        let (base, names) = match rest.split_once("::{") {
            Some((base, names)) => (base.to_string(), names.trim_end_matches('}').to_string()),
            None => match rest.rsplit_once("::") {
                Some((base, name)) => (base.to_string(), name.to_string()),
                None => continue,
            },
        };
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let (item, alias) = match name.split_once(" as ") {
                Some((i, a)) => (i.trim(), a.trim()),
                None => (name, name),
            };
            let mut path = absolute(&base, me);
            path.push(item.to_string());
            out.insert(alias.to_string(), path);
        }
    }
    out
}

/// Every module path a file refers to, resolved to the module that defines
/// what it names.
fn references(
    text: &str,
    me: &[String],
    known: &BTreeSet<Vec<String>>,
    reexported: &Reexports,
) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    // A parent's uses of its own children: `child::item`, not `x::child::`.
    for child in known.iter().filter(|k| k.len() == me.len() + 1 && k.starts_with(me)) {
        let name = format!("{}::", child[me.len()]);
        let used = text.match_indices(&name).any(|(at, _)| {
            !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
        });
        if used {
            out.insert(child.clone());
        }
    }
    let resolve = |mut path: Vec<String>| {
        for _ in 0..8 {
            let full = path.clone();
            while !path.is_empty() && !known.contains(&path) {
                path.pop();
            }
            // The first segment past the module: an item it may re-export.
            let item = full.get(path.len());
            match item.and_then(|i| reexported.get(&path).and_then(|r| r.get(i))) {
                Some(target) if target != &full => {
                    let mut next = target.clone();
                    next.extend(full[path.len() + 1..].iter().cloned());
                    path = next;
                }
                _ => return path,
            }
        }
        path
    };
    for (at, _) in text.match_indices("crate::").chain(text.match_indices("super::")) {
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::` in macros, `mrs_crate::`
        }
        let (start, is_super) =
            if text[at..].starts_with("super::") { (at + 7, true) } else { (at + 7, false) };
        let rest: String = text[start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let mut path: Vec<String> = if is_super {
            let mut p = me.to_vec();
            p.pop();
            p
        } else {
            Vec::new()
        };
        path.extend(rest.split("::").filter(|s| !s.is_empty()).map(str::to_string));
        let m = resolve(path);
        if !m.is_empty() && m != me {
            out.insert(m);
        }
    }
    out
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|s| s == n).unwrap();
                let mut cycle = stack[from..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if let Some(c) = visit(n, graph, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|f| (module_of(&src, f), std::fs::read_to_string(f).unwrap()))
        .collect();
    let known: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
    let reexported: Reexports =
        modules.iter().map(|(m, text)| (m.clone(), reexports(&code(text), m))).collect();
    let mut by_file: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut by_layer: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (me, text) in &modules {
        let name = me.join("::");
        let refs = references(&code(text), me, &known, &reexported);
        for r in &refs {
            by_file.entry(name.clone()).or_default().insert(r.join("::"));
            if let (Some(a), Some(b)) = (me.first(), r.first())
                && a != b
            {
                by_layer.entry(a.clone()).or_default().insert(b.clone());
            }
        }
    }
    assert!(by_layer.contains_key("output"), "the graph was built: {by_layer:?}");
    if let Some(c) = find_cycle(&by_layer) {
        panic!("top-level modules import each other: {}", c.join(" -> "));
    }
    if let Some(c) = find_cycle(&by_file) {
        panic!("files import each other: {}", c.join(" -> "));
    }
}
