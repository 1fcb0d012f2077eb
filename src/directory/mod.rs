//! The use cases of the directory: publishing recommendations and contact cards, managing
//! centres and tokens, searching, importing and exporting. Callers (HTTP, CLI) come here;
//! this module decides who sees what and calls `storage`.

pub mod accounts;
pub mod audit;
mod error;
pub mod views;

pub mod centres;
pub mod contacts;
pub mod delivery;
pub mod events;
pub mod export;
pub mod federating;
pub mod groups;
pub mod help;
pub mod import;
pub mod lieux;
pub mod media;
pub mod moderation;
pub mod moves;
pub mod places;
pub mod providers;
pub mod recommendations;
pub mod relays;
pub mod search;
pub mod software;
pub mod tags;
pub mod tokens;

use std::path::PathBuf;
use std::sync::Arc;

pub use error::DirectoryError;

use crate::domain::urls::NodeUrls;
use crate::federation::Federation;
use crate::search::SearchIndex;
use crate::storage::Database;

/// Who is asking. Staff (a valid bearer token) see everything the node holds; the public sees
/// published recommendations and the contacts whose visibility allows it here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Staff,
}

/// The directory of one node: its database, the URLs it mints, its federation. Cheap to clone.
#[derive(Clone)]
pub struct Directory {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    urls: NodeUrls,
    bootstrap_token: Option<String>,
    federation: Federation,
    search: SearchSettings,
    help: help::HelpPolicy,
    /// `<data_dir>/media`: the images uploaded for profiles.
    media_dir: PathBuf,
    /// Opened at the first search (a serving node opens it at start), so that CLI commands
    /// that never search do not build it.
    index: tokio::sync::OnceCell<Arc<SearchIndex>>,
}

/// Where the search index lives and how large a page of results may be.
#[derive(Debug, Clone)]
pub struct SearchSettings {
    /// `<data_dir>/search-index`; None keeps the index in memory.
    pub index_dir: Option<PathBuf>,
    pub max_page_size: u32,
}

impl Directory {
    pub(crate) fn new(
        db: Database,
        urls: NodeUrls,
        bootstrap_token: Option<String>,
        federation: Federation,
        search: SearchSettings,
        help: help::HelpPolicy,
        media_dir: PathBuf,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                urls,
                bootstrap_token,
                federation,
                search,
                help,
                media_dir,
                index: tokio::sync::OnceCell::new(),
            }),
        }
    }

    /// The search index, opened (and rebuilt if needed) on first use.
    pub(crate) async fn search_index(&self) -> Result<&Arc<SearchIndex>, DirectoryError> {
        let inner = &self.inner;
        Ok(inner
            .index
            .get_or_try_init(|| SearchIndex::open(inner.db.clone(), inner.search.index_dir.clone()))
            .await?)
    }

    pub(crate) fn max_page_size(&self) -> u32 {
        self.inner.search.max_page_size
    }

    pub(crate) fn federation(&self) -> &Federation {
        &self.inner.federation
    }

    pub(crate) fn db(&self) -> &Database {
        &self.inner.db
    }

    pub(crate) fn urls(&self) -> &NodeUrls {
        &self.inner.urls
    }
}

pub(crate) use crate::storage::now;

pub(crate) use crate::storage::new_key;

impl Directory {
    /// Whether the database answers.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn check_database(&self) -> Result<(), DirectoryError> {
        self.db().run(crate::storage::ping).await?;
        Ok(())
    }
}
