//! The full-text index of the directory: derived data, the only module that names tantivy.
//!
//! It holds one document per recommendation, per contact card and per software, rebuilt from
//! the database when missing or stale and fed from the database's change feed (rows that
//! triggers append to `search_changes`), so each web process keeps an index of its own and sees
//! every write, whoever made it. It answers with keys (kind and row id), counts and facets; the
//! directory loads the records and decides how they are shown. It reads through `storage` and
//! never calls `directory` or `federation`.
//!
//! - `schema`: fields and analyzers (folding, French and English stemming);
//! - `documents`: records to documents;
//! - `feed`: which documents a batch of changes touches, and how far the watermark moves;
//! - `index`: opening (disk or RAM), rebuilding, catching up, committing;
//! - `query`: words and filters to a tantivy query, ranking;
//! - `facets`: counting facet values over the whole matching set.

mod documents;
mod facets;
mod feed;
mod index;
mod query;
mod schema;

use std::collections::BTreeMap;

pub use index::SearchIndex;

/// The three kinds of documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Recommendation,
    Contact,
    Software,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Recommendation, Kind::Contact, Kind::Software];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Recommendation => "recommendation",
            Kind::Contact => "contact",
            Kind::Software => "software",
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
    /// Only the documents the public may see.
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
