//! The full-text index of the directory: derived data, the only module that names tantivy.
//!
//! It holds one document per software (gathering every centre's recommendation of it), per
//! contact card and per centre: a search result is one of those, so a software recommended by
//! ten centres is one result and facet counts add up to the total. It is rebuilt from the
//! database when missing or stale and fed from the database's change feed (rows that triggers
//! append to `search_changes`), so each web process keeps an index of its own and sees every
//! write, whoever made it. It answers with keys (kind and row id), counts, facets, the closest
//! known words when nothing matched, suggestions as one types, and the mediators who know a
//! software; the directory loads the records and decides how they are shown. It reads through
//! `storage` and never calls `directory` or `federation`.
//!
//! - `lexicon/`: intent phrases, synonyms and needs, gendered forms of roles (reviewed data);
//! - `analysis`: the analyzers (folding, role forms, French and English stemming);
//! - `schema`: the fields;
//! - `documents`: records to documents;
//! - `understand`: a query's words to the concepts that must match;
//! - `query`: concepts and filters to a tantivy query, ranking, "did you mean";
//! - `facets`: counting facet values over the whole matching set;
//! - `suggest`: products, software and categories by prefix;
//! - `feed`: which documents a batch of changes touches, and how far the watermark moves;
//! - `index`: opening (disk or RAM), rebuilding, catching up, committing.

mod analysis;
mod documents;
mod facets;
mod feed;
mod index;
mod lexicon;
mod query;
mod schema;
mod suggest;
mod understand;

use std::collections::BTreeMap;

pub use index::SearchIndex;
pub use suggest::{Suggestion, SuggestionKind};

/// The kinds of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A software, with every centre's recommendation of it.
    Software,
    Contact,
    Centre,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Software, Kind::Contact, Kind::Centre];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Software => "software",
            Kind::Contact => "contact",
            Kind::Centre => "centre",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A search, its filters already resolved to the values the index holds.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// What the person typed.
    pub words: String,
    pub kind: Option<Kind>,
    /// Category id.
    pub category: Option<String>,
    /// Canonical name of a replaced product.
    pub replaces: Option<String>,
    /// Actor id of a centre.
    pub origin: Option<String>,
    pub license: Option<String>,
    /// ISO 3166 code; a country also matches its subdivisions.
    pub region: Option<String>,
    pub audience: Option<String>,
    /// Only the documents the public may see (else the ones staff see).
    pub public_only: bool,
    pub offset: usize,
    pub limit: usize,
}

/// What matched: the total, one page of keys in rank order, and facet counts.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub total: u64,
    /// Kind and row id of each hit of the page.
    pub hits: Vec<(Kind, i64)>,
    /// Facet name -> (value, count), most frequent first.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
    /// When nothing matched: the same search with each unknown word replaced by the closest
    /// word the index holds, if that finds something.
    pub did_you_mean: Option<String>,
}

/// What a query asks for, as the index reads it: one list per concept, each holding the ways
/// it may match (the words typed first, then the lexicon's alternatives), each a list of
/// folded words that must all match. For baselines and tools that search the same text by
/// other means (`benches/search.rs` gives it to SQLite FTS5).
pub fn query_alternatives(words: &str) -> Vec<Vec<Vec<String>>> {
    let concepts = understand::understand(&mut analysis::Analyzers::default(), words);
    concepts
        .iter()
        .map(|c| {
            std::iter::once(&c.words)
                .chain(&c.alternatives)
                .chain(&c.related)
                .map(|words| {
                    understand::Concept::required(words)
                        .into_iter()
                        .map(str::to_owned)
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Storage(#[from] crate::storage::StorageError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
    #[error("search index task: {0}")]
    Task(String),
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(error: tantivy::directory::error::OpenDirectoryError) -> Self {
        Self::Index(error.into())
    }
}
