//! A network's history: what it relayed before someone followed it, and what a member published
//! before it was admitted (`federation::groups` relays only what comes after).
//!
//! - A network's outbox lists its boosts of its current members' entries
//!   (`federation::collections`); the backfill of a follow of a network
//!   (`federation::backfill`) reads them with [`take_announced`]: each entry is fetched from its
//!   **origin** and checked as a live Announce's is, and stored with the origin as author.
//! - When a member accepts the network's Follow, the network backfills the member's outbox; what
//!   it stores of it, [`relay_history_in`] records as relayed (so the outbox lists it, and
//!   removing the member withdraws it) and announces **only to the network's followers that are
//!   directory centres**: Maillage nodes need every entry, while Mastodon and its kin would show
//!   each old entry as a fresh boost. Lemmy does the same for a community's history: it never
//!   pushes old posts, a new instance reads the community's outbox.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use serde_json::Value;
use url::Url;

use super::activities::Announce;
use super::audience::{Audience, reached};
use super::delivery::queue::enqueue_in;
use super::groups::{announced, checked};
use super::objects::centre::ApubCentre;
use super::objects::entry::{Prepared, is_local_id};
use super::{FederationData, FederationError, activity_id};
use crate::domain::urls::NodeUrls;
use crate::storage::centres::CentreRow;
use crate::storage::groups::{GROUP, GroupAnnounceRow, NewAnnounce};
use crate::storage::{Conn, StorageError, now};

/// The entry an Announce of a network's outbox names, fetched from its origin and checked as a
/// live Announce's entry is (`groups::checked`), with its origin centre. `None`: nothing to
/// store (one of this node's own entries, or gone at its origin).
pub(crate) async fn take_announced(
    object: &Value,
    data: &Data<FederationData>,
) -> Result<Option<(Prepared, CentreRow)>, FederationError> {
    let (_, _, entry) = announced(object)?;
    if is_local_id(&entry, data) {
        return Ok(None);
    }
    // Each entry gets its own budget of fetches (the object, its author, what it names).
    let data = data.reset_request_count();
    let fetched = match fetch_object_http::<_, Value>(&entry, &data).await {
        Ok(fetched) => fetched.object,
        Err(activitypub_federation::error::Error::ObjectDeleted(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let (prepared, origin) = checked(fetched, &entry, &data).await?;
    Ok(Some((prepared, origin.row)))
}

/// The id of an entry a network passes on: a recommendation, a place or a workshop, never a
/// contact card.
pub(crate) fn relayable_id(prepared: &Prepared) -> Option<&Url> {
    match prepared {
        Prepared::Recommendation { id, .. } => Some(id),
        Prepared::Contact { .. } => None,
        Prepared::Place(place) => Some(&place.id),
        Prepared::Event(event) => Some(&event.id),
    }
}

/// The follower of a follow, if it is a local network: its backfill of a member is history to
/// pass on.
pub(crate) fn relaying_network(
    conn: &mut Conn,
    follower_id: i64,
) -> Result<Option<CentreRow>, StorageError> {
    let follower = CentreRow::find(conn, follower_id)?;
    Ok((follower.local && follower.actor_type == GROUP).then_some(follower))
}

/// Passes on, in `conn`'s transaction, what local `network` took in by backfilling `via` (a
/// member it was admitted, or a member network): `entries` as `(entry id, origin centre)`. Each
/// is recorded as relayed by the network, once whichever way it came (an entry the network
/// relayed live already is left alone), and announced, as the network's boost, to its
/// followers that are directory centres only. Whether anything was queued.
pub(crate) fn relay_history_in(
    conn: &mut Conn,
    urls: &NodeUrls,
    network: CentreRow,
    via: i64,
    entries: &[(Url, i64)],
) -> Result<bool, StorageError> {
    if entries.is_empty() {
        return Ok(false);
    }
    let (inboxes, _) = reached(conn, network.id, Audience::Directories)?;
    let actor = ApubCentre::new(network).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let mut queued = false;
    for (entry, origin) in entries {
        if *origin == actor.row.id {
            continue;
        }
        let id = activity_id(urls, "announce");
        // Recorded as the Create is when relayed live: by the entry's id.
        let new = NewAnnounce {
            network_id: actor.row.id,
            member_id: via,
            activity_id: entry.as_str(),
            object_id: entry.as_str(),
            announce_id: id.as_str(),
        };
        if !GroupAnnounceRow::record(conn, &new, now())? || inboxes.is_empty() {
            continue;
        }
        let announce = Announce::public(id.clone(), &actor, Value::String(entry.to_string()));
        enqueue_in(
            conn,
            &id,
            actor.row.id,
            announce,
            &inboxes,
            &urls.authority(),
        )?;
        queued = true;
    }
    Ok(queued)
}
