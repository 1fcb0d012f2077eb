//! Backfill: when a follow is accepted, the follower reads the followed centre's outbox to its
//! end (a directory needs all of a centre's entries), in the background; pushed activities keep
//! it current afterwards. Outboxes that list their items inline, page through `first` and
//! `next` (URLs or embedded pages), or leave out `totalItems` are all read.
//!
//! A network's outbox lists its boosts of its members' entries: each entry is fetched from its
//! origin and stored with it as author (`federation::history`), never taken from the network.
//! What a local network backfills of a member, it passes on to its directory followers.
//!
//! Bounds against endless outboxes: at most `federation.backfill_pages` fetched pages (a high
//! safety cap), no page read twice, every page and item on the followed centre's authority.
//!
//! Progress (next page, items taken, pages read) is stored with the follow in the transaction
//! that stores the items: staff see it, and a node restarted mid-backfill resumes at the page
//! it stopped at ([`resume_unfinished`]). Numbered pages (`?page=N`, up to the outbox's `last`,
//! as this node's own outbox serves them) are fetched [`AHEAD`] at a time while earlier ones are
//! stored; items are stored [`BATCH`] or more at a time.

use std::collections::{HashSet, VecDeque};

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::traits::Object;
use serde_json::Value;
use url::Url;

use super::activities::announce::receive_announce;
use super::activities::object_id;
use super::checks::verify_same_authority;
use super::groups::is_remote_network;
use super::history;
use super::objects::centre::ApubCentre;
use super::objects::entry::{self, ApubEntry};
use super::objects::event::{self, ApubEvent};
use super::objects::place;
use super::protocol::collections::{PageRef, RemoteCollection};
use super::protocol::event::EventObject;
use super::protocol::note::Note;
use super::protocol::place::Place;
use super::{FederationData, FederationError};
use tokio::task::JoinHandle;

use crate::storage::centres::CentreRow;
use crate::storage::follows::{BackfillState, FollowRow};
use crate::storage::{groups, now};

/// Pages fetched ahead of need when their URLs can be predicted.
const AHEAD: usize = 8;
/// Items stored in one transaction (a batch closes at the end of a page).
const BATCH: usize = 500;
/// Times a failed page fetch is tried again.
const RETRIES: usize = 2;

/// Starts the backfill of a newly accepted follow in the background; a follow whose backfill
/// has started already (a repeated Accept) is left alone, unless it failed.
pub(crate) fn start(follow: FollowRow, target: ApubCentre, data: &Data<FederationData>) {
    if matches!(
        follow.backfill_state,
        Some(BackfillState::Running | BackfillState::Done)
    ) {
        return;
    }
    let backfills = data.backfills.clone();
    let data = data.reset_request_count();
    let run = async move {
        let id = follow.id;
        match data
            .db
            .write(move |conn| FollowRow::start_backfill(conn, id, now()))
            .await
        {
            Ok(follow) => drive(follow, target, data).await,
            Err(e) => tracing::warn!("backfill from {} not started: {e}", target.id),
        }
    };
    backfills.spawn(run);
}

/// Resumes the backfills a stopped node left running, each where it stopped; returns how many.
pub(crate) async fn resume_unfinished(
    data: &Data<FederationData>,
) -> Result<usize, FederationError> {
    let unfinished = data.db.run(FollowRow::unfinished_backfills).await?;
    let count = unfinished.len();
    for (follow, target) in unfinished {
        let target = ApubCentre::new(target)?;
        tracing::info!(
            "resuming the backfill from {} ({} item(s) taken so far)",
            target.id,
            follow.backfill_items
        );
        data.backfills
            .spawn(drive(follow, target, data.reset_request_count()));
    }
    Ok(count)
}

/// How a backfill run ended, short of an error.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ended {
    /// Read to the end (or to the cap).
    Done,
    /// The node is stopping: the next start resumes it.
    Stopped,
    /// Someone else (another process on the same database) moved it on: theirs to finish.
    TakenOver,
}

/// Runs a backfill and records how it ended.
async fn drive(follow: FollowRow, target: ApubCentre, data: Data<FederationData>) {
    let result = run(&follow, &target, &data).await;
    let error = match &result {
        Ok(Ended::Done) => None,
        Ok(Ended::Stopped) => {
            tracing::info!("backfill from {} paused: the node is stopping", target.id);
            return;
        }
        Ok(Ended::TakenOver) => {
            tracing::info!(
                "backfill from {}: run by another process on this database",
                target.id
            );
            return;
        }
        Err(e) => {
            tracing::warn!("backfill from {} failed: {e}", target.id);
            Some(e.to_string())
        }
    };
    let id = follow.id;
    let ended = data
        .db
        .write(move |conn| FollowRow::finish_backfill(conn, id, error.as_deref(), now()))
        .await;
    match ended {
        Ok(()) if result.is_ok() => tracing::info!("backfill from {} done", target.id),
        Ok(()) => {}
        Err(e) => tracing::warn!("backfill from {}: its end not recorded: {e}", target.id),
    }
}

/// Pages through the outbox from where the follow's backfill stands, storing as it goes.
#[tracing::instrument(
    name = "backfill",
    skip_all,
    fields(actor = %target.id, host = %crate::federation::authority(&target.id))
)]
pub(crate) async fn run(
    follow: &FollowRow,
    target: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<Ended, FederationError> {
    let Some(outbox) = target.row.outbox_url.as_deref() else {
        return Ok(Ended::Done);
    };
    let outbox = Url::parse(outbox)?;
    verify_same_authority(&outbox, &target.id)?;
    // Fetched on a resume too: its `last` page says how far pages may be fetched ahead.
    let outbox_data = data.reset_request_count();
    let fetched = fetch_object_http::<_, RemoteCollection>(&outbox, &outbox_data);
    let collection = tokio::select! {
        fetched = fetched => fetched?.object,
        () = data.backfills.stopped() => return Ok(Ended::Stopped),
    };
    let last = collection.last.as_ref().and_then(page_ref_url);
    // The outbox's own items (servers that list them inline) are a first page; then `first`
    // and each page's `next`, embedded or fetched. Only fetched pages count against the bound
    // (embedded ones came in the same, size-limited answer).
    let mut next = match follow.backfill_next.as_deref() {
        Some(resume_at) => Some(PageRef::Url(Url::parse(resume_at)?)),
        None => Some(PageRef::Page(Box::new(collection))),
    };
    let cap = u64::from(data.policy.backfill_pages);
    let mut progress = Progress {
        follow_id: follow.id,
        follower_id: follow.follower_id,
        recorded_next: follow.backfill_next.clone(),
        pages: u64::try_from(follow.backfill_pages).unwrap_or(0),
        unsaved_pages: 0,
        batch: Vec::new(),
        announced: 0,
    };
    let mut ahead = Ahead::default();
    let mut seen = HashSet::new();
    while let Some(reference) = next.take() {
        // What is read and not stored yet is read again at the next start.
        if data.backfills.stopping() {
            return Ok(Ended::Stopped);
        }
        // Each page gets its own budget of fetches (announced objects come from their origin).
        let page_data = data.reset_request_count();
        let page_url = match reference {
            // An embedded page that only names itself is fetched like a URL.
            PageRef::Page(page)
                if page.ordered_items.is_empty() && page.first.is_none() && page.next.is_none() =>
            {
                match page.id {
                    Some(id) if progress.pages > 0 || id != outbox => id,
                    _ => break,
                }
            }
            PageRef::Page(page) => {
                next = take_page(*page, target, &page_data, &mut progress).await?;
                if !progress.store_if_full(next.as_ref(), target, data).await? {
                    return Ok(Ended::TakenOver);
                }
                continue;
            }
            PageRef::Url(url) => url,
            PageRef::Other(_) => break,
        };
        verify_same_authority(&page_url, &target.id)?;
        if !seen.insert(page_url.clone()) {
            tracing::info!("backfill from {}: page {page_url} came again", target.id);
            break;
        }
        let fetched = match ahead.take(&page_url) {
            Some(fetched) => fetched,
            None => {
                if progress.pages >= cap {
                    tracing::info!(
                        "backfill from {} stopped after {} pages",
                        target.id,
                        progress.pages
                    );
                    break;
                }
                progress.count_page();
                tokio::spawn(fetch_page(
                    page_url.clone(),
                    page_data.reset_request_count(),
                ))
            }
        };
        // The pages after this one, if predictable, are fetched while this one is stored.
        if let Some(last) = &last {
            let mut predicted = ahead.last_url().unwrap_or(&page_url).clone();
            while ahead.len() < AHEAD && progress.pages < cap {
                let Some(following) = following_page(&predicted, last) else {
                    break;
                };
                progress.count_page();
                ahead.push(
                    following.clone(),
                    tokio::spawn(fetch_page(following.clone(), data.reset_request_count())),
                );
                predicted = following;
            }
        }
        let page = tokio::select! {
            page = fetched => page
                .map_err(|e| FederationError::Internal(format!("fetching {page_url}: {e}")))??,
            () = data.backfills.stopped() => return Ok(Ended::Stopped),
        };
        next = take_page(page, target, &page_data, &mut progress).await?;
        if !progress.store_if_full(next.as_ref(), target, data).await? {
            return Ok(Ended::TakenOver);
        }
    }
    if data.backfills.stopping() {
        return Ok(Ended::Stopped);
    }
    Ok(if progress.store(None, target, data).await? {
        Ended::Done
    } else {
        Ended::TakenOver
    })
}

/// Fetches one page; a failed fetch is tried again twice (after 1 s, then 2 s) before the
/// backfill gives up: a busy peer should not end a backfill of thousands of entries.
async fn fetch_page(
    url: Url,
    data: Data<FederationData>,
) -> Result<RemoteCollection, FederationError> {
    let mut wait = std::time::Duration::from_secs(1);
    for _ in 0..RETRIES {
        match fetch_object_http::<_, RemoteCollection>(&url, &data.reset_request_count()).await {
            Ok(fetched) => return Ok(fetched.object),
            Err(e) => tracing::info!("backfill: fetching {url} failed ({e}), trying again"),
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
    Ok(fetch_object_http::<_, RemoteCollection>(&url, &data)
        .await?
        .object)
}

/// Pages being fetched ahead, in order; aborted if the backfill stops (or the node does).
#[derive(Default)]
struct Ahead(VecDeque<(Url, JoinHandle<Result<RemoteCollection, FederationError>>)>);

impl Ahead {
    /// The fetch of `url` if it is the next one ahead; otherwise the pages ahead were
    /// predicted wrong (the outbox went elsewhere) and are dropped.
    fn take(&mut self, url: &Url) -> Option<JoinHandle<Result<RemoteCollection, FederationError>>> {
        if self.0.front().is_some_and(|(u, _)| u == url) {
            return self.0.pop_front().map(|(_, h)| h);
        }
        for (_, h) in self.0.drain(..) {
            h.abort();
        }
        None
    }

    fn push(&mut self, url: Url, fetch: JoinHandle<Result<RemoteCollection, FederationError>>) {
        self.0.push_back((url, fetch));
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn last_url(&self) -> Option<&Url> {
        self.0.back().map(|(u, _)| u)
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        for (_, h) in &self.0 {
            h.abort();
        }
    }
}

/// The URL of a `first`, `next` or `last` reference.
fn page_ref_url(reference: &PageRef) -> Option<Url> {
    match reference {
        PageRef::Url(url) => Some(url.clone()),
        PageRef::Page(page) => page.id.clone(),
        PageRef::Other(_) => None,
    }
}

/// The number of a numbered page (`page=N` in its query, once).
fn page_number(url: &Url) -> Option<u64> {
    let mut numbers = url.query_pairs().filter(|(k, _)| k == "page");
    let (_, n) = numbers.next()?;
    if numbers.next().is_some() {
        return None;
    }
    n.parse().ok()
}

/// `url` with its page number set to `n`.
fn with_page(url: &Url, n: u64) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "page" {
                n.to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

/// The page after numbered page `url`, if `last` is a page of the same numbering past it.
fn following_page(url: &Url, last: &Url) -> Option<Url> {
    let (n, end) = (page_number(url)?, page_number(last)?);
    if n >= end || with_page(last, n) != *url {
        return None;
    }
    Some(with_page(url, n + 1))
}

/// What a running backfill has read and not stored yet.
struct Progress {
    follow_id: i64,
    /// The follower: a local network passes on what it backfills of a member.
    follower_id: i64,
    /// Where the stored progress stands (as this run last recorded or found it).
    recorded_next: Option<String>,
    /// Pages fetched in all (since the backfill started, across restarts).
    pages: u64,
    /// Fetched since the last store.
    unsaved_pages: u64,
    batch: Vec<Item>,
    /// Endorsements taken in (stored at once) since the last store.
    announced: usize,
}

impl Progress {
    fn count_page(&mut self) {
        self.pages += 1;
        self.unsaved_pages += 1;
    }

    /// Stores the batch once it is large enough; `false` if another process runs this backfill.
    async fn store_if_full(
        &mut self,
        next: Option<&PageRef>,
        target: &ApubCentre,
        data: &Data<FederationData>,
    ) -> Result<bool, FederationError> {
        if self.batch.len() < BATCH {
            return Ok(true);
        }
        // An embedded next page cannot be named: a resume starts over from the outbox.
        let resume_at = next.and_then(|n| match n {
            PageRef::Url(url) => Some(url.to_string()),
            _ => None,
        });
        self.store(resume_at, target, data).await
    }

    /// Stores the batch, and where to resume, in one transaction; `false` (and nothing stored)
    /// if the stored progress moved since this run last recorded it: another process runs
    /// this backfill.
    async fn store(
        &mut self,
        resume_at: Option<String>,
        target: &ApubCentre,
        data: &Data<FederationData>,
    ) -> Result<bool, FederationError> {
        let batch = std::mem::take(&mut self.batch);
        let author = target.row.clone();
        let (id, announced, follower) = (self.follow_id, self.announced, self.follower_id);
        let pages = i64::try_from(self.unsaved_pages).unwrap_or(i64::MAX);
        let from = self.recorded_next.clone();
        let recorded = resume_at.clone();
        let urls = data.urls.clone();
        let stored = data
            .db
            .write(move |conn| {
                // The progress first: its row lock keeps a concurrent runner of this backfill
                // out until this one commits. The count of items is fixed after the items.
                if !FollowRow::advance_backfill(
                    conn,
                    id,
                    from.as_deref(),
                    resume_at.as_deref(),
                    pages,
                )? {
                    return Ok(None);
                }
                let mut outcomes = Vec::with_capacity(batch.len());
                // What a local network passes on: the entries stored, with their origin.
                let mut passed_on = Vec::new();
                for item in &batch {
                    let origin = item.origin.as_ref().unwrap_or(&author);
                    let outcome = entry::apply(conn, &item.prepared, origin)?;
                    if outcome.is_ok()
                        && let Some(entry) = history::relayable_id(&item.prepared)
                    {
                        if item.origin.is_some() {
                            // Brought by the network followed: withdrawn with it.
                            groups::record_entry(conn, author.id, entry.as_str(), now())?;
                        }
                        passed_on.push((entry.clone(), origin.id));
                    }
                    outcomes.push(outcome);
                }
                let taken = outcomes.iter().filter(|o| o.is_ok()).count() + announced;
                FollowRow::count_backfilled(conn, id, i64::try_from(taken).unwrap_or(i64::MAX))?;
                let queued = match history::relaying_network(conn, follower)? {
                    Some(network) if !passed_on.is_empty() => {
                        history::relay_history_in(conn, &urls, network, author.id, &passed_on)?
                    }
                    _ => false,
                };
                Ok(Some((outcomes, queued)))
            })
            .await?;
        let Some((outcomes, queued)) = stored else {
            return Ok(false);
        };
        if queued {
            data.wake.notify_one();
        }
        self.recorded_next = recorded;
        self.unsaved_pages = 0;
        self.announced = 0;
        for outcome in outcomes {
            match outcome {
                Ok(()) | Err(FederationError::Gone(_)) => {}
                Err(e) => tracing::info!("backfill: skipping an item of {}: {e}", target.id),
            }
        }
        Ok(true)
    }
}

/// Checks one page's items (one by one) into the batch and says where to go next: a
/// collection leads on with `first`, a page with `next`.
async fn take_page(
    page: RemoteCollection,
    target: &ApubCentre,
    page_data: &Data<FederationData>,
    progress: &mut Progress,
) -> Result<Option<PageRef>, FederationError> {
    let RemoteCollection {
        ordered_items,
        first,
        next,
        ..
    } = page;
    for item in ordered_items {
        match take(&item, target, page_data).await {
            Ok(Taken::Entry(entry)) => progress.batch.push(Item {
                prepared: *entry,
                origin: None,
            }),
            Ok(Taken::Relayed(entry, origin)) => progress.batch.push(Item {
                prepared: *entry,
                origin: Some(*origin),
            }),
            Ok(Taken::Announced) => progress.announced += 1,
            Ok(Taken::Nothing) => {}
            Err(e) => tracing::info!("backfill: skipping an item of {}: {e}", target.id),
        }
    }
    Ok(next.or(first))
}

/// An entry read and checked, to be stored with its batch.
struct Item {
    prepared: entry::Prepared,
    /// Its origin centre when a network's boost brought it; otherwise the followed centre.
    origin: Option<CentreRow>,
}

/// What became of one outbox item.
enum Taken {
    /// An entry, checked, to be stored with its batch.
    Entry(Box<entry::Prepared>),
    /// An entry a network relays, fetched from its origin (the centre given) and checked.
    Relayed(Box<entry::Prepared>, Box<CentreRow>),
    /// An endorsement, taken in at once.
    Announced,
    /// Something backfill does not read.
    Nothing,
}

/// One outbox item: a Create of the centre's own entry, place or event (checked and returned, to be
/// stored with the rest of its page), or an Announce: a network's boost of a member's entry
/// (fetched from its origin, checked and returned likewise), or an endorsement (taken in at
/// once).
async fn take(
    item: &Value,
    target: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<Taken, FederationError> {
    let object_type = item
        .get("object")
        .and_then(|o| o.get("type"))
        .and_then(Value::as_str);
    match item.get("type").and_then(Value::as_str) {
        Some("Create") if object_type == Some("Place") => {
            let object: Place =
                serde_json::from_value(item.get("object").cloned().unwrap_or_default())?;
            place::verify(&object, &target.id, data).await?;
            Ok(Taken::Entry(Box::new(entry::Prepared::Place(Box::new(
                place::prepare(object)?,
            )))))
        }
        Some("Create") if object_type == Some("Event") => {
            let object: EventObject =
                serde_json::from_value(item.get("object").cloned().unwrap_or_default())?;
            if object.attributed_to.inner() != &target.id {
                return Err(FederationError::Forbidden(
                    "an outbox item by someone else".into(),
                ));
            }
            ApubEvent::verify(&object, &target.id, data).await?;
            event::prepare(object)
                .map(|p| Taken::Entry(Box::new(entry::Prepared::Event(Box::new(p)))))
        }
        Some("Create") => {
            let note: Note =
                serde_json::from_value(item.get("object").cloned().unwrap_or_default())?;
            if note.attributed_to.inner() != &target.id {
                return Err(FederationError::Forbidden(
                    "an outbox item by someone else".into(),
                ));
            }
            ApubEntry::verify(&note, &target.id, data).await?;
            entry::prepare(note).map(|p| Taken::Entry(Box::new(p)))
        }
        Some("Announce") => {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Url::parse(s).ok())
                .ok_or_else(|| FederationError::BadRequest("an Announce without id".into()))?;
            verify_same_authority(&id, &target.id)?;
            if is_remote_network(&target.row) {
                let object = item.get("object").ok_or_else(|| {
                    FederationError::BadRequest("an Announce without object".into())
                })?;
                return Ok(match history::take_announced(object, data).await? {
                    Some((entry, origin)) => Taken::Relayed(Box::new(entry), Box::new(origin)),
                    None => Taken::Nothing,
                });
            }
            let object = item
                .get("object")
                .and_then(object_id)
                .ok_or_else(|| FederationError::BadRequest("an Announce without object".into()))?;
            receive_announce(&id, target, &object, data).await?;
            Ok(Taken::Announced)
        }
        _ => Ok(Taken::Nothing),
    }
}
