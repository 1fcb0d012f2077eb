//! What a change on this node sends, and to whom: a local entry created, edited, re-addressed
//! or deleted, a follower trusted or no longer. Each function queues the activities (built by
//! `activities::*`) inside the caller's transaction, so a change is never stored without them.

use activitypub_federation::kinds::activity::{CreateType, UpdateType};
use url::Url;

use super::activities::CreateOrUpdateType;
use super::activities::create_or_update::queue_entry;
use super::activities::delete::queue_delete;
pub(crate) use super::activities::place::{place_changed, place_deleted};
use super::audience::{Audience, reached};
use super::objects::centre::ApubCentre;
use super::objects::entry::ApubEntry;
use super::{Federation, FederationError};
use crate::domain::contact::Visibility;
use crate::domain::urls::NodeUrls;
use crate::storage::centres::CentreRow;
use crate::storage::contacts::{ContactFilter, ContactRow};
use crate::storage::{Conn, StorageError, Window, activities, now};

/// A local entry changed: Create (it was reaching nobody) or Update for its audience now,
/// Delete for those who had it and may no longer.
pub(crate) fn entry_changed(
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
    let (mut had, had_peers) = reached(conn, centre.id, before)?;
    let (mut has, _) = reached(conn, centre.id, after)?;
    // A public recommendation also reaches the relays that accepted us, as Mastodon sends
    // a public post's Create, Update and Delete to its relays (`StatusReachFinder`): the
    // relays forward the edit or deletion to their subscribers (see `relays.rs`).
    if matches!(
        entry.entry,
        super::objects::entry::Entry::Recommendation { .. }
    ) {
        relays_reached(conn, before, &mut had)?;
        relays_reached(conn, after, &mut has)?;
    }
    if after != Audience::Nobody {
        let kind = if before == Audience::Nobody {
            CreateOrUpdateType::Create(CreateType::Create)
        } else {
            CreateOrUpdateType::Update(UpdateType::Update)
        };
        queue_entry(conn, urls, ap_id, kind, &has)?;
    }
    let removed: Vec<Url> = had.into_iter().filter(|i| !has.contains(i)).collect();
    queue_delete(conn, urls, &centre, ap_id, &removed, before, had_peers)
}

/// A local centre's profile changed: an Update of its actor to its followers.
pub(crate) fn profile_changed(
    conn: &mut Conn,
    urls: &NodeUrls,
    centre: &CentreRow,
    manual_approval: bool,
) -> Result<(), StorageError> {
    super::activities::update_actor::queue(conn, urls, centre, manual_approval)
}

/// A local entry was deleted: its audience gets a Delete, and its id answers 410 from now on.
pub(crate) fn entry_deleted(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    centre: &CentreRow,
    before: Audience,
) -> Result<(), StorageError> {
    activities::add_tombstone(conn, ap_id, now())?;
    let (had, had_peers) = reached(conn, centre.id, before)?;
    queue_delete(conn, urls, centre, ap_id, &had, before, had_peers)
}

/// A local recommendation was deleted: as [`entry_deleted`], and the relays that accepted us
/// get the Delete too if it was public (they had its Create).
pub(crate) fn recommendation_deleted(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    centre: &CentreRow,
    before: Audience,
) -> Result<(), StorageError> {
    activities::add_tombstone(conn, ap_id, now())?;
    let (mut had, had_peers) = reached(conn, centre.id, before)?;
    relays_reached(conn, before, &mut had)?;
    queue_delete(conn, urls, centre, ap_id, &had, before, had_peers)
}

/// Adds the inboxes of the relays that accepted us to `inboxes` if `audience` is public.
fn relays_reached(
    conn: &mut Conn,
    audience: Audience,
    inboxes: &mut Vec<Url>,
) -> Result<(), StorageError> {
    if audience == Audience::Everyone {
        for relay in super::relays::relay_inboxes(conn)? {
            if !inboxes.contains(&relay) {
                inboxes.push(relay);
            }
        }
    }
    Ok(())
}

/// A local workshop or permanence was created (`created`) or edited: every follower of its
/// centre gets a Create or an Update. Its deletion is [`entry_deleted`]'s, with
/// [`Audience::Everyone`].
pub(crate) use super::activities::event::event_changed;

/// Queues a Create (or a Delete) of each `network` card of `centre_actor` for `inbox`, the
/// inbox of the directory centre `peer_actor` (a Delete is addressed to it alone, as the card
/// was).
pub(crate) fn network_cards_to(
    conn: &mut Conn,
    urls: &NodeUrls,
    centre_actor: &str,
    peer_actor: &Url,
    inbox: &[Url],
    create: bool,
) -> Result<(), StorageError> {
    let filter = ContactFilter {
        origin: Some(centre_actor.to_owned()),
        visibilities: vec![Visibility::Network],
        ..Default::default()
    };
    let cards = ContactRow::list(
        conn,
        &filter,
        Window {
            offset: 0,
            limit: 10_000,
        },
    )?;
    for (card, centre) in cards.rows {
        if create {
            queue_entry(
                conn,
                urls,
                &card.ap_id,
                CreateOrUpdateType::Create(CreateType::Create),
                inbox,
            )?;
        } else {
            queue_delete(
                conn,
                urls,
                &centre,
                &card.ap_id,
                inbox,
                Audience::DirectoryPeers,
                vec![peer_actor.clone()],
            )?;
        }
    }
    Ok(())
}

impl Federation {
    /// Wakes the delivery workers (after a transaction queued activities).
    pub(crate) fn wake(&self) {
        self.data().wake.notify_one();
    }

    /// Gives a follower the `network` cards (trusted) or has it delete them (trust
    /// withdrawn).
    pub(crate) async fn follower_trust_changed(
        &self,
        target: CentreRow,
        follower: CentreRow,
        trusted: bool,
    ) -> Result<(), FederationError> {
        use activitypub_federation::traits::Actor as _;
        let data = self.context();
        let (target, follower) = (ApubCentre::new(target)?, ApubCentre::new(follower)?);
        let inbox = vec![follower.shared_inbox_or_inbox()];
        let (target_actor, urls) = (target.row.actor_id.clone(), data.urls.clone());
        let peer_actor = follower.id.clone();
        data.db
            .write(move |conn| {
                network_cards_to(conn, &urls, &target_actor, &peer_actor, &inbox, trusted)
            })
            .await?;
        data.wake.notify_one();
        Ok(())
    }
}
