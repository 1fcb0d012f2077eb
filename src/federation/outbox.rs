//! Activities about this node's own entries, built and queued *inside* the transaction that
//! changed the entry: a change is never stored without its activities, nor the reverse, even if
//! the node is killed in between.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{CreateType, DeleteType, UpdateType};
use serde_json::json;
use url::Url;

use super::activity_id;
use super::objects::centre::ApubCentre;
use super::objects::entry::{self, ApubEntry};
use super::outgoing::{Audience, enqueue_in};
use super::protocol::activities::{CreateOrUpdate, CreateOrUpdateType, Delete};
use super::protocol::public_collection;
use crate::domain::urls::NodeUrls;
use crate::storage::centres::CentreRow;
use crate::storage::follows::{ACCEPTED, FollowerRow};
use crate::storage::{Conn, StorageError, activities, moderation, now};

/// The followers of a centre that an audience reaches: their inboxes (shared ones where they
/// have them), and the actor ids of the trusted directory centres among them.
pub fn audience(
    conn: &mut Conn,
    centre_id: i64,
    audience: Audience,
) -> Result<(Vec<Url>, Vec<Url>), StorageError> {
    if audience == Audience::Nobody {
        return Ok((Vec::new(), Vec::new()));
    }
    let followers = FollowerRow::list(conn, Some(centre_id), Some(ACCEPTED))?;
    // A block ends the domain's follows; this keeps a follower whose domain got blocked by
    // another process sharing the database out as well, until the block's purge runs.
    let blocked = moderation::blocked_domains(conn)?;
    let mut inboxes = Vec::new();
    let mut directory_actors = Vec::new();
    for (follower, actor) in followers {
        if blocked
            .iter()
            .any(|d| moderation::rule_covers(d, &actor.domain))
        {
            continue;
        }
        // `network` cards (personal data) go only to directory centres staff trusted.
        let peer = actor.is_directory && follower.trusted;
        if audience == Audience::DirectoryPeers && !peer {
            continue;
        }
        if peer && let Ok(id) = Url::parse(&actor.actor_id) {
            directory_actors.push(id);
        }
        if let Ok(inbox) = Url::parse(
            actor
                .shared_inbox_url
                .as_deref()
                .unwrap_or(&actor.inbox_url),
        ) && !inboxes.contains(&inbox)
        {
            inboxes.push(inbox);
        }
    }
    Ok((inboxes, directory_actors))
}

/// A local entry changed: Create (it was reaching nobody) or Update for its audience now,
/// Delete for those who had it and may no longer.
pub fn entry_changed(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    before: Audience,
    after: Audience,
) -> Result<(), StorageError> {
    if before == Audience::Nobody && after == Audience::Nobody {
        return Ok(());
    }
    let Some(entry) = ApubEntry::load_in(conn, ap_id)? else {
        return Err(StorageError::NotFound);
    };
    let centre = entry.centre().clone();
    let (had, had_peers) = audience(conn, centre.id, before)?;
    let (has, _) = audience(conn, centre.id, after)?;
    if after != Audience::Nobody {
        let kind = if before == Audience::Nobody {
            CreateOrUpdateType::Create(CreateType::Create)
        } else {
            CreateOrUpdateType::Update(UpdateType::Update)
        };
        entry_to(conn, urls, ap_id, kind, &has)?;
    }
    let removed: Vec<Url> = had.into_iter().filter(|i| !has.contains(i)).collect();
    queue_delete(conn, urls, &centre, ap_id, &removed, before, had_peers)
}

/// A local entry was deleted: its audience gets a Delete, and its id answers 410 from now on.
pub fn entry_deleted(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    centre: &CentreRow,
    before: Audience,
) -> Result<(), StorageError> {
    activities::add_tombstone(conn, ap_id, now())?;
    let (had, had_peers) = audience(conn, centre.id, before)?;
    queue_delete(conn, urls, centre, ap_id, &had, before, had_peers)
}

/// Queues a Create or Update of a local entry for the given inboxes.
pub fn entry_to(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    kind: CreateOrUpdateType,
    inboxes: &[Url],
) -> Result<(), StorageError> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let Some(entry) = ApubEntry::load_in(conn, ap_id)? else {
        return Err(StorageError::NotFound);
    };
    let note = entry::note(conn, urls, &entry)?;
    let actor = ApubCentre::new(entry.centre().clone())
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let id = activity_id(
        urls,
        if matches!(kind, CreateOrUpdateType::Create(_)) {
            "create"
        } else {
            "update"
        },
    );
    let activity = CreateOrUpdate {
        id: id.clone(),
        kind,
        actor: actor.id.clone().into(),
        to: note.to.clone(),
        cc: note.cc.clone(),
        object: note,
    };
    enqueue_in(
        conn,
        &id,
        actor.row.id,
        activity,
        inboxes,
        &urls.authority(),
    )
}

pub(crate) fn queue_delete(
    conn: &mut Conn,
    urls: &NodeUrls,
    centre: &CentreRow,
    ap_id: &str,
    inboxes: &[Url],
    audience: Audience,
    directory_peers: Vec<Url>,
) -> Result<(), StorageError> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let actor =
        ApubCentre::new(centre.clone()).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let id = activity_id(urls, "delete");
    // Addressed as the entry was: a `network` card's Delete names the peer centres that had
    // it, never Public or the followers collection.
    let (to, cc) = if audience == Audience::DirectoryPeers {
        (directory_peers, Vec::new())
    } else {
        (vec![public_collection()], vec![actor.followers_url()])
    };
    let delete = Delete {
        kind: DeleteType::Delete,
        id: id.clone(),
        actor: ObjectId::from(actor.id.clone()),
        object: json!({"type": "Tombstone", "id": ap_id}),
        to,
        cc,
    };
    enqueue_in(conn, &id, centre.id, delete, inboxes, &urls.authority())
}
