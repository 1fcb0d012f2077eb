//! Backfill: when a follow is accepted, the follower pages once through the followed centre's
//! outbox (a bounded number of pages) and takes in what it published before; pushed activities
//! keep it current afterwards. Outboxes that list their items inline, page through `first` and
//! `next` (URLs or embedded pages), or leave out `totalItems` are all read.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::traits::Object;
use serde_json::Value;
use url::Url;

use super::activities::announce::receive_announce;
use super::activities::object_id;
use super::checks::verify_same_authority;
use super::objects::centre::ApubCentre;
use super::objects::entry::{self, ApubEntry};
use super::objects::event::{self, ApubEvent};
use super::objects::place;
use super::protocol::collections::{PageRef, RemoteCollection};
use super::protocol::event::EventObject;
use super::protocol::note::Note;
use super::protocol::place::Place;
use super::{FederationData, FederationError};
use crate::storage::follows::FollowRow;
use crate::storage::now;

/// Starts the backfill of a newly accepted follow in the background.
pub(crate) fn start(follow: FollowRow, target: ApubCentre, data: &Data<FederationData>) {
    let data = data.reset_request_count();
    let run = async move {
        match run(&follow, &target, &data).await {
            Ok(n) => tracing::info!("backfilled {n} item(s) from {}", target.id),
            Err(e) => tracing::warn!("backfill from {} failed: {e}", target.id),
        }
    };
    tokio::spawn(run);
}

/// Pages through the outbox; returns how many items were taken in.
#[tracing::instrument(
    name = "backfill",
    skip_all,
    fields(actor = %target.id, host = %crate::federation::authority(&target.id))
)]
pub(crate) async fn run(
    follow: &FollowRow,
    target: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<usize, FederationError> {
    let Some(outbox) = target.row.outbox_url.as_deref() else {
        return Ok(0);
    };
    let outbox = Url::parse(outbox)?;
    verify_same_authority(&outbox, &target.id)?;
    let collection = fetch_object_http::<_, RemoteCollection>(&outbox, &data.reset_request_count())
        .await?
        .object;
    // The outbox's own items (servers that list them inline) are a first page; then `first`
    // and each page's `next`, embedded or fetched. Only fetched pages count against the bound
    // (embedded ones came in the same, size-limited answer).
    let mut next = Some(PageRef::Page(Box::new(collection)));
    let mut taken = 0;
    let mut pages = 0;
    while let Some(reference) = next.take() {
        // Each page gets its own budget of fetches (announced objects come from their origin).
        let page_data = data.reset_request_count();
        let page_url = match reference {
            // An embedded page that only names itself is fetched like a URL.
            PageRef::Page(page)
                if page.ordered_items.is_empty() && page.first.is_none() && page.next.is_none() =>
            {
                match page.id {
                    Some(id) if pages > 0 || id != outbox => id,
                    _ => break,
                }
            }
            PageRef::Page(page) => {
                next = take_page(*page, target, &page_data, &mut taken).await?;
                continue;
            }
            PageRef::Url(url) => url,
            PageRef::Other(_) => break,
        };
        if pages >= data.policy.backfill_pages {
            tracing::info!("backfill from {} stopped after {pages} pages", target.id);
            break;
        }
        pages += 1;
        verify_same_authority(&page_url, &target.id)?;
        let page = fetch_object_http::<_, RemoteCollection>(&page_url, &page_data)
            .await?
            .object;
        next = take_page(page, target, &page_data, &mut taken).await?;
    }
    let id = follow.id;
    data.db
        .write(move |conn| FollowRow::mark_backfilled(conn, id, now()))
        .await?;
    Ok(taken)
}

/// Takes in one page's items (checked one by one, stored in one transaction) and says where
/// to go next: a collection leads on with `first`, a page with `next`.
async fn take_page(
    page: RemoteCollection,
    target: &ApubCentre,
    page_data: &Data<FederationData>,
    taken: &mut usize,
) -> Result<Option<PageRef>, FederationError> {
    let RemoteCollection {
        ordered_items,
        first,
        next,
        ..
    } = page;
    let mut prepared = Vec::new();
    for item in ordered_items {
        match take(&item, target, page_data).await {
            Ok(Some(entry)) => prepared.push(entry),
            Ok(None) => {}
            Err(e) => tracing::info!("backfill: skipping an item of {}: {e}", target.id),
        }
    }
    if prepared.is_empty() {
        return Ok(next.or(first));
    }
    let author = target.row.clone();
    let outcomes = page_data
        .db
        .write(move |conn| {
            prepared
                .iter()
                .map(|p| entry::apply(conn, p, &author))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    for outcome in outcomes {
        match outcome {
            Ok(()) => *taken += 1,
            Err(FederationError::Gone(_)) => {}
            Err(e) => tracing::info!("backfill: skipping an item of {}: {e}", target.id),
        }
    }
    Ok(next.or(first))
}

/// One outbox item: a Create of the centre's own entry, place or event (checked and returned, to be
/// stored with the rest of its page), or an Announce (an endorsement, taken in at once).
async fn take(
    item: &Value,
    target: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<Option<entry::Prepared>, FederationError> {
    let object_type = item
        .get("object")
        .and_then(|o| o.get("type"))
        .and_then(Value::as_str);
    match item.get("type").and_then(Value::as_str) {
        Some("Create") if object_type == Some("Place") => {
            let object: Place =
                serde_json::from_value(item.get("object").cloned().unwrap_or_default())?;
            place::verify(&object, &target.id, data).await?;
            Ok(Some(entry::Prepared::Place(Box::new(place::prepare(
                object,
            )?))))
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
            event::prepare(object).map(|p| Some(entry::Prepared::Event(Box::new(p))))
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
            entry::prepare(note).map(Some)
        }
        Some("Announce") => {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Url::parse(s).ok())
                .ok_or_else(|| FederationError::BadRequest("an Announce without id".into()))?;
            verify_same_authority(&id, &target.id)?;
            let object = item
                .get("object")
                .and_then(object_id)
                .ok_or_else(|| FederationError::BadRequest("an Announce without object".into()))?;
            receive_announce(&id, target, &object, data).await?;
            Ok(None)
        }
        _ => Ok(None),
    }
}
