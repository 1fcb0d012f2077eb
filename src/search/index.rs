//! Opening the index (on disk, or in RAM when the directory is taken), rebuilding it from the
//! database, catching up with the change feed, and answering searches.
//!
//! The tantivy commit payload holds the schema version, the fingerprint of the role forms the
//! analyzers apply and the watermark (the last change seq applied), so a restart reopens the
//! index and only applies what changed since. A missing, unreadable or other-version index, or
//! one whose watermark the feed no longer covers (pruned, or a database that was replaced), is
//! rebuilt from the database.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::directory::{INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::{
    Directory as _, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

use crate::storage::centres::CentreRow;
use crate::storage::contacts::ContactRecord;
use crate::storage::search::{self as feed_rows, RecommendationSource, Selection};
use crate::storage::software::SoftwareRow;
use crate::storage::{Conn, Database, StorageError};

use super::analysis::{Analyzers, register as register_analyzers};
use super::feed::{Affected, advance};
use super::lexicon::roles_fingerprint;
use super::schema::{Fields, SCHEMA_VERSION};
use super::suggest::{Suggestion, Suggestions};
use super::understand::{typed_words, understand};
use super::{Found, Kind, Request, SearchError, documents, query};

/// Memory of the one indexing thread; tantivy's minimum is 15 MB. Freed at each commit; at
/// its minimum an idle node was no smaller (docs/benchmarks.md, "idle memory").
const WRITER_MEMORY: usize = 32_000_000;
/// Changes read per round of a catch-up.
const BATCH: i64 = 5_000;
/// Further behind than this, rebuilding is cheaper than replaying.
const REPLAY_AT_MOST: i64 = 50_000;
/// Changes older than this are pruned from the feed; an index further behind rebuilds.
const KEEP_CHANGES: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// How often a process prunes the feed.
const PRUNE_EVERY: Duration = Duration::from_secs(3_600);
/// A progress line every this many documents during a rebuild.
const PROGRESS_EVERY: usize = 20_000;

/// What a commit records beside the documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Payload {
    schema: u32,
    /// What the analyzers read role forms from (see `lexicon::roles_fingerprint`): terms
    /// indexed with other forms would no longer match the queries.
    roles: String,
    watermark: i64,
}

/// The index of one process. Searches run on a fresh searcher; one catch-up at a time writes.
pub struct SearchIndex {
    db: Database,
    fields: Fields,
    reader: IndexReader,
    writer: Arc<Mutex<IndexWriter>>,
    /// Serialises catch-ups and rebuilds; holds the watermark.
    progress: tokio::sync::Mutex<Progress>,
    /// The highest seq applied, possibly past a gap: with the watermark, lets a search skip
    /// the catch-up after one `SELECT max(seq)`.
    applied: AtomicI64,
    watermark: AtomicI64,
    persistent: bool,
    last_prune: Mutex<Option<Instant>>,
    /// The suggestions of one generation of the index, rebuilt after it changes.
    suggestions: Mutex<Option<(u64, Arc<Suggestions>)>>,
}

#[derive(Debug, Clone, Copy)]
struct Progress {
    watermark: i64,
    applied: i64,
}

/// The records a batch of documents is built from, and the documents to delete first.
#[derive(Default)]
struct Sources {
    recommendations: Vec<RecommendationSource>,
    software: Vec<SoftwareRow>,
    contacts: Vec<ContactRecord>,
    centres: Vec<CentreRow>,
    delete: BTreeSet<(Kind, i64)>,
}

impl SearchIndex {
    /// Opens the index kept in `dir` (created if needed), or one in RAM when `dir` is None or
    /// another process holds it, then brings it up to date with the database.
    pub async fn open(db: Database, dir: Option<PathBuf>) -> Result<Arc<Self>, SearchError> {
        let (schema, fields) = Fields::schema();
        let opened = tokio::task::spawn_blocking(move || open_blocking(dir.as_deref(), schema))
            .await
            .map_err(|e| SearchError::Task(e.to_string()))??;
        let Opened {
            index,
            writer,
            payload,
            persistent,
        } = opened;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = Arc::new(Self {
            db,
            fields,
            reader,
            writer: Arc::new(Mutex::new(writer)),
            progress: tokio::sync::Mutex::new(Progress {
                watermark: 0,
                applied: 0,
            }),
            applied: AtomicI64::new(-1),
            watermark: AtomicI64::new(-1),
            persistent,
            last_prune: Mutex::new(None),
            suggestions: Mutex::new(None),
        });
        let (latest, oldest) = this
            .db
            .run(|conn| Ok((feed_rows::latest_seq(conn)?, feed_rows::oldest_seq(conn)?)))
            .await?;
        let reason = match &payload {
            None => Some("no index yet".to_owned()),
            Some(p) if p.schema != SCHEMA_VERSION => {
                Some(format!("schema {} became {SCHEMA_VERSION}", p.schema))
            }
            Some(p) if p.roles != roles_fingerprint() => {
                Some("the role forms of src/search/lexicon/roles.toml changed".to_owned())
            }
            Some(p) => stale(p.watermark, latest, oldest),
        };
        {
            let mut progress = this.progress.lock().await;
            match (reason, payload) {
                (None, Some(p)) => {
                    progress.watermark = p.watermark;
                    progress.applied = p.watermark;
                    this.publish(*progress);
                }
                (reason, _) => {
                    this.rebuild(&mut progress, reason.as_deref().unwrap_or("stale"))
                        .await?;
                }
            }
        }
        this.catch_up().await?;
        Ok(this)
    }

    /// Whether the index lives on disk (false: in RAM, rebuilt at every start).
    pub fn is_persistent(&self) -> bool {
        self.persistent
    }

    /// How many documents and segments the index holds now (for benchmarks and logs).
    pub fn size(&self) -> (u64, usize) {
        let searcher = self.reader.searcher();
        (searcher.num_docs(), searcher.segment_readers().len())
    }

    /// Answers a search from an index that holds every change committed before it started.
    /// When nothing matches, says which search with the closest known words would.
    pub async fn search(&self, request: Request) -> Result<Found, SearchError> {
        // The usual case takes one trip to the blocking pool: the feed's `max(seq)` shows the
        // index is current, and the query runs at once on the same thread.
        let known = (
            self.watermark.load(Ordering::Acquire),
            self.applied.load(Ordering::Acquire),
        );
        let reader = self.reader.clone();
        let fields = self.fields.clone();
        let asked = request.clone();
        let answered = self
            .db
            .run(move |conn| {
                let latest = feed_rows::latest_seq(conn)?;
                Ok((latest == known.0 && latest == known.1)
                    .then(|| answer(&reader.searcher(), &fields, asked)))
            })
            .await?;
        if let Some(found) = answered {
            return found;
        }
        self.catch_up().await?;
        let searcher = self.reader.searcher();
        let fields = self.fields.clone();
        tokio::task::spawn_blocking(move || answer(&searcher, &fields, request))
            .await
            .map_err(|e| SearchError::Task(e.to_string()))?
    }

    /// Up to `limit` products, software and categories with a word starting with `typed`,
    /// among what the public can find.
    pub async fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        self.catch_up().await?;
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let cached = self
            .suggestions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|(g, _)| *g == generation)
            .map(|(_, s)| s.clone());
        let suggestions = match cached {
            Some(suggestions) => suggestions,
            None => {
                let fields = self.fields.clone();
                let read =
                    tokio::task::spawn_blocking(move || Suggestions::read(&searcher, &fields))
                        .await
                        .map_err(|e| SearchError::Task(e.to_string()))??;
                let read = Arc::new(read);
                *self.suggestions.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((generation, read.clone()));
                read
            }
        };
        Ok(suggestions.find(typed, limit))
    }

    /// Up to `per_software` contact cards (row ids) of people who know each of these software
    /// (folded names), as the public or staff may find them.
    pub async fn knowing(
        &self,
        software: Vec<String>,
        public_only: bool,
        per_software: usize,
    ) -> Result<HashMap<String, Vec<i64>>, SearchError> {
        let searcher = self.reader.searcher();
        let fields = self.fields.clone();
        tokio::task::spawn_blocking(move || {
            query::knowing(&searcher, &fields, &software, public_only, per_software)
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?
    }

    /// Catches up, and prunes old changes from the feed once in a while. For a background
    /// task, so that an idle process stays current too.
    pub async fn refresh(&self) -> Result<(), SearchError> {
        self.catch_up().await?;
        let due = {
            let mut last = self.last_prune.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|t| t.elapsed() >= PRUNE_EVERY);
            if due {
                *last = Some(Instant::now());
            }
            due
        };
        if due {
            let before = crate::storage::now() - KEEP_CHANGES;
            let pruned = self
                .db
                .run(move |conn| feed_rows::prune_changes(conn, before))
                .await?;
            if pruned > 0 {
                tracing::debug!("search index: pruned {pruned} old changes from the feed");
            }
        }
        Ok(())
    }

    /// Applies the changes committed since the watermark. One `SELECT max(seq)` when there
    /// are none.
    pub async fn catch_up(&self) -> Result<(), SearchError> {
        let latest = self.db.run(feed_rows::latest_seq).await?;
        if latest == self.watermark.load(Ordering::Acquire)
            && latest == self.applied.load(Ordering::Acquire)
        {
            return Ok(());
        }
        let mut progress = self.progress.lock().await;
        loop {
            let mark = progress.watermark;
            let (changes, latest, oldest) = self
                .db
                .run(move |conn| {
                    Ok((
                        feed_rows::changes_after(conn, mark, BATCH)?,
                        feed_rows::latest_seq(conn)?,
                        feed_rows::oldest_seq(conn)?,
                    ))
                })
                .await?;
            if let Some(reason) = stale(mark, latest, oldest) {
                return self.rebuild(&mut progress, &reason).await;
            }
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            let next = Progress {
                watermark: advance(mark, &changes, crate::storage::now()),
                applied: progress.applied.max(last),
            };
            let affected = Affected::of(&changes);
            let sources = self
                .db
                .run(move |conn| load_affected(conn, affected))
                .await?;
            self.write(sources, false, next.watermark).await?;
            *progress = next;
            self.publish(next);
            // A full batch may have more behind it; a watermark held by a young gap may not
            // move however often we look.
            if i64::try_from(changes.len()).unwrap_or(i64::MAX) < BATCH || next.watermark == mark {
                break;
            }
        }
        Ok(())
    }

    fn publish(&self, progress: Progress) {
        self.watermark.store(progress.watermark, Ordering::Release);
        self.applied.store(progress.applied, Ordering::Release);
    }

    /// Replaces every document with ones built from the database.
    async fn rebuild(&self, progress: &mut Progress, reason: &str) -> Result<(), SearchError> {
        tracing::info!("search index: rebuilding from the database ({reason})");
        let started = Instant::now();
        // The watermark is read before the rows: a change made while they load is applied
        // again by the next catch-up, never lost.
        let (watermark, sources) = self
            .db
            .run(|conn| {
                let watermark = feed_rows::latest_seq(conn)?;
                Ok((watermark, load_all(conn)?))
            })
            .await?;
        let count = self.write(sources, true, watermark).await?;
        *progress = Progress {
            watermark,
            applied: watermark,
        };
        self.publish(*progress);
        tracing::info!(
            "search index: {count} documents indexed in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    /// Deletes and adds documents, commits with the watermark, and makes them searchable.
    /// On the blocking pool: indexing is CPU work and a commit waits for the disk.
    async fn write(
        &self,
        sources: Sources,
        everything: bool,
        watermark: i64,
    ) -> Result<usize, SearchError> {
        let writer = self.writer.clone();
        let fields = self.fields.clone();
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let mut writer = writer.lock().unwrap_or_else(|e| e.into_inner());
            let result = write_blocking(&mut writer, &fields, sources, everything, watermark);
            if result.is_err() {
                // Leave nothing half-written for the next commit. tantivy panics here when
                // the failure took its directory lock away (the directory was deleted under
                // a running node): the index then stays as it was, searches keep working,
                // and the next start rebuilds it.
                let rollback = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    writer.rollback()
                }));
                if !matches!(rollback, Ok(Ok(_))) {
                    tracing::error!(
                        "search index: cannot roll back a failed write; it is rebuilt at the next start"
                    );
                }
            }
            let count = result?;
            reader.reload()?;
            Ok(count)
        })
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?
    }
}

/// Runs a search on one state of the index; when nothing matches, tries the closest known
/// words and keeps them if they find something.
fn answer(searcher: &Searcher, fields: &Fields, request: Request) -> Result<Found, SearchError> {
    let mut analyzers = Analyzers::default();
    let query = query::build(fields, &mut analyzers, &request);
    let mut found = query::run(searcher, &*query, &request)?;
    if found.total == 0 {
        let concepts = understand(&mut analyzers, &request.words);
        let typed = typed_words(&concepts);
        if let Some(closest) = query::closest_words(searcher, fields, &typed)? {
            let words = closest.join(" ");
            let retry = Request {
                words: words.clone(),
                offset: 0,
                limit: 1,
                ..request
            };
            let query = query::build(fields, &mut analyzers, &retry);
            if query::run(searcher, &*query, &retry)?.total > 0 {
                found.did_you_mean = Some(words);
            }
        }
    }
    Ok(found)
}

/// Why an index at `watermark` cannot be brought up to date from the feed, if it cannot.
fn stale(watermark: i64, latest: i64, oldest: Option<i64>) -> Option<String> {
    if watermark > latest {
        return Some("the database is not the one indexed".into());
    }
    if oldest.is_some_and(|oldest| oldest > watermark + 1) {
        return Some("changes since the last update were pruned".into());
    }
    if latest - watermark > REPLAY_AT_MOST {
        return Some(format!("{} changes behind", latest - watermark));
    }
    None
}

fn write_blocking(
    writer: &mut IndexWriter,
    fields: &Fields,
    sources: Sources,
    everything: bool,
    watermark: i64,
) -> Result<usize, SearchError> {
    if everything {
        writer.delete_all_documents()?;
    } else {
        // Every document of a record goes by its uid (a software may have two).
        for (kind, id) in &sources.delete {
            writer.delete_term(Term::from_field_text(
                fields.uid,
                &documents::uid(*kind, *id),
            ));
        }
    }
    let mut count = 0;
    for doc in build_documents(fields, &sources) {
        writer.add_document(doc)?;
        count += 1;
        if everything && count % PROGRESS_EVERY == 0 {
            tracing::info!("search index: {count} documents indexed");
        }
    }
    let payload = serde_json::to_string(&Payload {
        schema: SCHEMA_VERSION,
        roles: roles_fingerprint(),
        watermark,
    })
    .map_err(|e| SearchError::Task(e.to_string()))?;
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&payload);
    commit.commit()?;
    Ok(count)
}

/// Every document the sources make: each software's (from its recommendations), each contact
/// card's, each directory centre's.
fn build_documents<'a>(
    fields: &'a Fields,
    sources: &'a Sources,
) -> impl Iterator<Item = TantivyDocument> + 'a {
    let mut by_software: HashMap<i64, Vec<&RecommendationSource>> = HashMap::new();
    for rec in &sources.recommendations {
        by_software.entry(rec.software.id).or_default().push(rec);
    }
    let software = sources.software.iter().flat_map(move |row| {
        let recs = by_software
            .get(&row.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        documents::software(fields, row, recs)
    });
    let contacts = sources
        .contacts
        .iter()
        .map(move |(row, _)| documents::contact(fields, row));
    let centres = sources
        .centres
        .iter()
        .filter(|row| documents::centre_is_indexed(row))
        .map(move |row| documents::centre(fields, row));
    software.chain(contacts).chain(centres)
}

fn load_all(conn: &mut Conn) -> Result<Sources, StorageError> {
    Ok(Sources {
        recommendations: feed_rows::recommendations(conn, Selection::All)?,
        software: feed_rows::software(conn, Selection::All)?,
        contacts: feed_rows::contacts(conn, Selection::All)?,
        centres: feed_rows::centres(conn, Selection::All)?,
        delete: BTreeSet::new(),
    })
}

/// The records behind the documents some changes touch. A recommendation's change touches its
/// software's document; a centre's change its own document, and every entry of it when its
/// actor id changed (entries are filed under it).
fn load_affected(conn: &mut Conn, mut affected: Affected) -> Result<Sources, StorageError> {
    let moved: Vec<i64> = affected.centre_entries.iter().copied().collect();
    let (recs, cards) = feed_rows::entries_of_centres(conn, &moved)?;
    affected.recommendations.extend(recs);
    affected.contacts.extend(cards);

    let ids: Vec<i64> = affected.recommendations.iter().copied().collect();
    let changed = feed_rows::recommendations(conn, Selection::Ids(&ids))?;
    affected
        .software
        .extend(changed.iter().map(|r| r.software.id));
    let software_ids: Vec<i64> = affected.software.iter().copied().collect();
    let recommendations = feed_rows::recommendations_of_software(conn, &software_ids)?;
    let software = feed_rows::software(conn, Selection::Ids(&software_ids))?;
    let contact_ids: Vec<i64> = affected.contacts.iter().copied().collect();
    let contacts = feed_rows::contacts(conn, Selection::Ids(&contact_ids))?;
    let centre_ids: Vec<i64> = affected.centres.iter().copied().collect();
    let centres = feed_rows::centres(conn, Selection::Ids(&centre_ids))?;

    let mut delete = BTreeSet::new();
    delete.extend(software_ids.iter().map(|id| (Kind::Software, *id)));
    delete.extend(contact_ids.iter().map(|id| (Kind::Contact, *id)));
    delete.extend(centre_ids.iter().map(|id| (Kind::Centre, *id)));
    Ok(Sources {
        recommendations,
        software,
        contacts,
        centres,
        delete,
    })
}

/// One indexing thread and one merging thread (tantivy's default is four): the index of a
/// directory is small, and an idle thread still holds its stack.
fn writer_options() -> tantivy::indexer::IndexWriterOptions {
    tantivy::indexer::IndexWriterOptions::builder()
        .memory_budget_per_thread(WRITER_MEMORY)
        .num_worker_threads(1)
        .num_merge_threads(1)
        .build()
}

struct Opened {
    index: Index,
    writer: IndexWriter,
    payload: Option<Payload>,
    persistent: bool,
}

fn open_blocking(
    dir: Option<&Path>,
    schema: tantivy::schema::Schema,
) -> Result<Opened, SearchError> {
    if let Some(dir) = dir {
        match open_on_disk(dir, schema.clone()) {
            Ok(Some(opened)) => return Ok(opened),
            Ok(None) => tracing::warn!(
                "search index: {} is in use by another process; this one keeps its index in \
                 memory (rebuilt at each start)",
                dir.display()
            ),
            Err(e) => tracing::warn!(
                "search index: cannot use {} ({e}); keeping the index in memory",
                dir.display()
            ),
        }
    }
    let index = Index::create_in_ram(schema);
    register_analyzers(&index);
    let writer = index.writer_with_options(writer_options())?;
    Ok(Opened {
        index,
        writer,
        payload: None,
        persistent: false,
    })
}

/// The index in `dir`, or None when another process writes it. An index that cannot be read
/// or has another schema is wiped, but only while holding its writer lock, so that a
/// process never wipes the index another one is writing.
fn open_on_disk(
    dir: &Path,
    schema: tantivy::schema::Schema,
) -> Result<Option<Opened>, SearchError> {
    std::fs::create_dir_all(dir)?;
    let directory = MmapDirectory::open(dir)?;
    let lock = match directory.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(lock) => lock,
        Err(LockError::LockBusy) => return Ok(None),
        Err(e) => return Err(TantivyError::LockFailure(e, None).into()),
    };
    let existing = if Index::exists(&directory).unwrap_or(false) {
        match readable(directory.clone(), &schema) {
            Ok(found) => Some(found),
            Err(e) => {
                tracing::warn!(
                    "search index: {} is unreadable ({e}); rebuilding",
                    dir.display()
                );
                None
            }
        }
    } else {
        None
    };
    if existing.is_none() {
        wipe(dir)?;
    }
    drop(lock);
    let (index, payload) = match existing {
        Some(found) => found,
        None => (
            Index::create(MmapDirectory::open(dir)?, schema, Default::default())?,
            None,
        ),
    };
    register_analyzers(&index);
    let writer = match index.writer_with_options(writer_options()) {
        Ok(writer) => writer,
        // Another process took it between our check and now.
        Err(TantivyError::LockFailure(LockError::LockBusy, _)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(Some(Opened {
        index,
        writer,
        payload,
        persistent: true,
    }))
}

/// An existing index with our schema whose segments open, and its payload.
fn readable(
    directory: MmapDirectory,
    schema: &tantivy::schema::Schema,
) -> Result<(Index, Option<Payload>), SearchError> {
    let index = Index::open(directory)?;
    if index.schema() != *schema {
        return Err(SearchError::Task("another schema".into()));
    }
    // Opening a searcher opens every segment: a damaged file fails here, not at a search.
    index.reader()?.searcher();
    let payload = index
        .load_metas()?
        .payload
        .and_then(|p| serde_json::from_str(&p).ok());
    Ok((index, payload))
}

/// Removes an index's files, keeping tantivy's lock files (one of which we hold).
fn wipe(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(".tantivy-") {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(path)?;
        } else {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_is_stale_when_the_feed_no_longer_covers_it() {
        assert_eq!(stale(10, 12, Some(1)), None);
        assert_eq!(stale(10, 10, None), None);
        assert!(stale(10, 5, Some(1)).is_some(), "another database");
        assert!(stale(10, 30, Some(20)).is_some(), "pruned");
        assert_eq!(stale(10, 30, Some(11)), None);
        assert!(
            stale(0, REPLAY_AT_MOST + 1, Some(1)).is_some(),
            "far behind"
        );
    }
}
