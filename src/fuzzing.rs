//! Property-based fuzzing on stable Rust (proptest): real documents, mutated. The seeds are the
//! fediverse fixtures of `tests/fixtures/fediverse/` (what Mastodon, GoToSocial, Misskey, Lemmy
//! and others really send), a Maillage `Create` of each entry kind, the sample directory and an
//! export made from it; each case replaces, removes or garbles a few parts of one seed, at any
//! depth, with hostile values (huge strings, odd URLs, wrong types, deep nesting).
//!
//! The targets are in `federation::inbox` (parsing and triage of what the inbox receives) and
//! `directory::import` (the import parsers). CI runs 256 cases per target (under a minute in all);
//! a longer run:
//!
//! ```sh
//! MAILLAGE_FUZZ_CASES=100000 cargo test --release --lib fuzz
//! ```

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Value, json};

/// How many cases each target runs: `MAILLAGE_FUZZ_CASES`, else 256.
pub fn config() -> Config {
    let cases = std::env::var("MAILLAGE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        // Failures are reported with their input; nothing is written to the source tree.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Every JSON document under `tests/fixtures/fediverse/`.
pub fn fediverse_fixtures() -> Vec<Value> {
    fn walk(dir: &Path, out: &mut Vec<Value>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json")
                && let Ok(text) = std::fs::read_to_string(&path)
                && let Ok(value) = serde_json::from_str(&text)
            {
                out.push(value);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fediverse"),
        &mut out,
    );
    assert!(out.len() > 40, "the fediverse fixtures are missing");
    out
}

/// A Maillage Create of a recommendation and one of a contact card, as peers send them.
pub fn maillage_activities() -> Vec<Value> {
    let note = |ext: (&str, Value)| {
        let mut note = json!({
            "type": "Note", "id": "https://a.example/recommendations/k1",
            "attributedTo": "https://a.example/centres/loire",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "content": "<p><strong>Nextcloud</strong></p>",
            "published": "2026-05-20T10:00:00Z", "updated": "2026-05-21T10:00:00Z",
        });
        note[ext.0] = ext.1;
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams",
                         {"maillage": "https://w3id.org/maillage/ns#"}],
            "type": "Create", "id": "https://a.example/activities/create/1",
            "actor": "https://a.example/centres/loire", "object": note,
        })
    };
    vec![
        note((
            "maillage:recommendation",
            json!({
                "itemReviewed": {"name": "Nextcloud", "url": "https://nextcloud.com",
                                 "codeRepository": "https://github.com/nextcloud/server",
                                 "license": "AGPL-3.0-or-later",
                                 "sameAs": "https://www.wikidata.org/wiki/Q25874683"},
                "category": "files", "replaces": ["Google Drive", "Dropbox"],
                "reviewBody": "Des fichiers partagés, chez un hébergeur de confiance.",
                "description": "Pourquoi", "inLanguage": "fr", "level": "recommended",
                "spatialCoverage": "FR-ARA", "audience": ["associations"],
                "hosting": [{"name": "Zaclys", "url": "https://www.zaclys.com"}],
            }),
        )),
        note((
            "maillage:contact",
            json!({
                "name": "Camille Exemple", "jobTitle": "médiatrice",
                "areaServed": {"country": "FR", "region": "FR-ARA", "department": "42"},
                "knowsAbout": ["Nextcloud"], "knowsLanguage": ["fr"],
                "email": "camille@example.org", "telephone": "+33 4 00 00 00 00",
                "url": "https://example.org", "contactPoint": "https://example.org/contact",
                "visibility": "network",
            }),
        )),
    ]
}

/// Values an attacker would try where a document expects something else.
fn hostile_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec![
            "",
            "https://evil.example/x",
            "http://127.0.0.1/inbox",
            "http://[::1]:8080/",
            "http://169.254.169.254/latest/meta-data",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://localhost.:8081/centres/x",
            "=HYPERLINK(\"https://evil.example\")",
            "Create",
            "Note",
            "Delete",
            "Announce",
            "Tombstone",
            "network",
            "public",
            "2026-13-45T99:99:99Z",
            "FR-ZZZ",
            "files",
            "\u{0}\u{202e}\u{feff}",
        ])
        .prop_map(|s| json!(s)),
        (1usize..200_000).prop_map(|n| json!("x".repeat(n))),
    ]
}

fn hostile_value() -> impl Strategy<Value = Value> {
    hostile_leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "id",
                    "type",
                    "actor",
                    "object",
                    "to",
                    "cc",
                    "attributedTo",
                    "name",
                    "url",
                    "href",
                    "content",
                    "updated",
                    "maillage:recommendation",
                    "maillage:contact",
                    "visibility",
                    "itemReviewed",
                    "hosting",
                ])
                .prop_map(str::to_owned),
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(Value),
    Remove,
    /// Wraps the value in an array (servers send one-or-many).
    Wrap,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => hostile_value().prop_map(Edit::Replace),
        2 => Just(Edit::Remove),
        1 => Just(Edit::Wrap),
    ]
}

/// Every JSON pointer inside `value`.
fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{here}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{here}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

fn apply(mut doc: Value, edits: &[(usize, Edit)]) -> Value {
    for (at, edit) in edits {
        let mut all = Vec::new();
        pointers(&doc, String::new(), &mut all);
        if all.is_empty() {
            continue;
        }
        let pointer = &all[at % all.len()];
        match edit {
            Edit::Replace(v) => {
                if let Some(slot) = doc.pointer_mut(pointer) {
                    *slot = v.clone();
                }
            }
            Edit::Wrap => {
                if let Some(slot) = doc.pointer_mut(pointer) {
                    *slot = json!([slot.take()]);
                }
            }
            Edit::Remove => {
                let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
                match doc.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    doc
}

/// One of `seeds`, with one to four edits.
pub fn mutated(seeds: Vec<Value>) -> impl Strategy<Value = Value> {
    (
        prop::sample::select(seeds),
        prop::collection::vec((any::<usize>(), edit()), 1..5),
    )
        .prop_map(|(seed, edits)| apply(seed, &edits))
}

/// The text of one of `seeds`, cut short, or with bytes flipped or inserted: what a broken or
/// hostile sender puts on the wire.
pub fn garbled(seeds: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(seeds),
        prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8),
    )
        .prop_map(|(seed, edits)| {
            let mut bytes = seed.into_bytes();
            for (at, byte, how) in edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at % bytes.len();
                match how {
                    0 => bytes.truncate(i),
                    1 => bytes[i] = byte,
                    _ => bytes.insert(i, byte),
                }
            }
            bytes
        })
}
