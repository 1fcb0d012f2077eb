//! The layers hold: no module names one above it (`domain` <- `storage` <- `federation` <-
//! `directory` <- `state` <- `http`, `web` <- `startup`; `storage` <- `search` <- `directory`),
//! and `http` and `web` do not name each other. Read from the sources, outside test modules
//! (a test may start a whole node).

use std::path::Path;

/// What each module may name besides itself. `startup` and `cli` are on top and may name
/// anything; `config` and `failure` are cross-cutting.
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("storage", &["domain"]),
    ("search", &["domain", "storage"]),
    ("federation", &["domain", "storage", "failure"]),
    (
        "directory",
        &[
            "domain",
            "storage",
            "federation",
            "search",
            "config",
            "mail",
        ],
    ),
    ("state", &["domain", "directory", "config"]),
    (
        "http",
        &["domain", "directory", "state", "failure", "config"],
    ),
    (
        "web",
        &["domain", "directory", "state", "failure", "config"],
    ),
    ("failure", &[]),
    ("config", &["domain"]),
    ("telemetry", &["config"]),
    ("mail", &["config"]),
];

/// The source before its test modules, without comments.
fn code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]"
            && lines[i + 1..]
                .iter()
                .map(|l| l.trim_start())
                .find(|l| !l.starts_with("//") && !l.starts_with("#["))
                .is_some_and(|l| l.starts_with("mod "))
        {
            break;
        }
        if !trimmed.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The top-level modules a source names through `crate::`.
fn named(code: &str) -> Vec<String> {
    code.match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .collect()
}

fn files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            files(&entry.unwrap().path(), out);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_owned());
    }
}

#[test]
fn no_module_names_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut breaches = Vec::new();
    for (module, allowed) in ALLOWED {
        let mut sources = Vec::new();
        files(&src.join(module), &mut sources);
        files(&src.join(format!("{module}.rs")), &mut sources);
        assert!(!sources.is_empty(), "no sources for `{module}`");
        for path in sources {
            let text = std::fs::read_to_string(&path).unwrap();
            for name in named(&code(&text)) {
                if name != *module && !allowed.contains(&name.as_str()) {
                    breaches.push(format!(
                        "{} names crate::{name}",
                        path.strip_prefix(&src).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(breaches.is_empty(), "{breaches:#?}");
}

#[test]
fn the_guard_sees_a_breach_and_skips_tests_and_comments() {
    let source = "use crate::domain::Window;\n\
                  // crate::web in a comment\n\
                  fn f() { crate::http::x(); }\n\
                  #[cfg(test)]\n\
                  // a comment\n\
                  mod tests { use crate::startup; }\n";
    assert_eq!(named(&code(source)), ["domain", "http"]);
}
