//! What we build and send, and to whom. Every activity goes to the persistent queue
//! (`storage::delivery`), in the transaction of the change that caused it where there is one
//! (see [`outbox`]); the workers of `federation::delivery` send it.
//!
//! [`outbox`]: super::outbox

use std::collections::BTreeSet;
use std::fmt::Debug;

use activitypub_federation::config::Data;
use activitypub_federation::kinds::activity::{
    AcceptType, AnnounceType, CreateType, FollowType, RejectType, UndoType,
};
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::{Activity, Actor as _};
use serde::Serialize;
use serde_json::json;
use url::Url;

use super::objects::centre::ApubCentre;
use super::protocol::activities::{Accept, Announce, CreateOrUpdateType, Follow, Reject, Undo};
use super::protocol::context::context;
use super::protocol::public_collection;
use super::{Federation, FederationData, FederationError, activity_id, authority, outbox};
use crate::storage::centres::CentreRow;
use crate::storage::contacts::{ContactFilter, ContactRow};
use crate::storage::follows::FollowerRow;
use crate::storage::{Conn, StorageError, Window, delivery, now};

/// Who receives an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Nobody: drafts, withdrawn recommendations, `hidden` and `local` contacts.
    Nobody,
    /// Followers that are directory centres only (`network` contacts), addressed to them.
    DirectoryPeers,
    /// Every follower, and Public.
    Everyone,
}

/// `(host, inbox)` pairs for the queue: one per inbox, ours left out.
pub(crate) fn destinations(inboxes: &[Url], local_authority: &str) -> Vec<(String, String)> {
    let set: BTreeSet<(String, String)> = inboxes
        .iter()
        .filter(|i| authority(i) != local_authority)
        .map(|i| (authority(i), i.to_string()))
        .collect();
    set.into_iter().collect()
}

/// Serialises `activity` (with our `@context`) and queues it for each inbox, in `conn`'s
/// transaction.
pub(crate) fn enqueue_in<A: Serialize>(
    conn: &mut Conn,
    activity_id: &Url,
    actor_id: i64,
    activity: A,
    inboxes: &[Url],
    local_authority: &str,
) -> Result<(), StorageError> {
    let body = serde_json::to_string(&WithContext::new(activity, context()))?;
    delivery::enqueue(
        conn,
        activity_id.as_str(),
        actor_id,
        &body,
        &destinations(inboxes, local_authority),
        now(),
    )
}

/// Queues `activity` from `actor` for each inbox, and wakes the workers.
pub async fn deliver<A>(
    activity: A,
    actor: &ApubCentre,
    inboxes: Vec<Url>,
    data: &Data<FederationData>,
) -> Result<(), FederationError>
where
    A: Activity + Serialize + Debug + Send + Sync + 'static,
{
    if inboxes.is_empty() {
        return Ok(());
    }
    let id = activity.id().clone();
    let actor_id = actor.row.id;
    let local = data.urls.authority();
    data.db
        .write(move |conn| enqueue_in(conn, &id, actor_id, activity, &inboxes, &local))
        .await?;
    data.wake.notify_one();
    Ok(())
}

/// The inboxes of a centre's accepted followers that `audience` reaches.
pub async fn follower_inboxes(
    centre_id: i64,
    audience: Audience,
    data: &Data<FederationData>,
) -> Result<Vec<Url>, FederationError> {
    let (inboxes, _) = data
        .db
        .run(move |conn| outbox::audience(conn, centre_id, audience))
        .await?;
    Ok(inboxes)
}

/// Accepts a follower, then gives a trusted directory centre the `network` cards it may now
/// receive. In that order: a card arriving before the Accept would be dropped as coming from a
/// centre the follower does not follow yet.
pub async fn accept_follower(
    target: &ApubCentre,
    follower: &ApubCentre,
    row: &FollowerRow,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let inbox = vec![follower.shared_inbox_or_inbox()];
    let accept = Accept {
        kind: AcceptType::Accept,
        id: activity_id(&data.urls, "accept"),
        actor: target.id.clone().into(),
        object: json!({
            "type": "Follow",
            "id": row.activity_id,
            "actor": follower.id,
            "object": target.id,
        }),
    };
    let (accept_id, target_id) = (accept.id.clone(), target.row.id);
    let peer = follower.row.is_directory && row.trusted;
    let peer_actor = follower.id.clone();
    let (target_actor, urls, local) = (
        target.row.actor_id.clone(),
        data.urls.clone(),
        data.urls.authority(),
    );
    // One transaction, in order: the Accept first, then the cards (deliveries to one host
    // go out in the order they were queued).
    data.db
        .write(move |conn| {
            enqueue_in(conn, &accept_id, target_id, accept, &inbox, &local)?;
            if peer {
                network_cards_to(conn, &urls, &target_actor, &peer_actor, &inbox, true)?;
            }
            Ok(())
        })
        .await?;
    data.wake.notify_one();
    Ok(())
}

/// Sends a newly trusted follower the `network` cards of the centre it follows (Create), or,
/// trust withdrawn, has it delete them (Delete).
pub async fn network_cards_for(
    target: &ApubCentre,
    follower: &ApubCentre,
    trusted: bool,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
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

/// Queues a Create (or a Delete) of each `network` card of `centre_actor` for `inbox`, the
/// inbox of the directory centre `peer_actor` (a Delete is addressed to it alone, as the card
/// was).
fn network_cards_to(
    conn: &mut Conn,
    urls: &crate::domain::urls::NodeUrls,
    centre_actor: &str,
    peer_actor: &Url,
    inbox: &[Url],
    create: bool,
) -> Result<(), StorageError> {
    let filter = ContactFilter {
        origin: Some(centre_actor.to_owned()),
        visibilities: vec!["network".into()],
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
            outbox::entry_to(
                conn,
                urls,
                &card.ap_id,
                CreateOrUpdateType::Create(CreateType::Create),
                inbox,
            )?;
        } else {
            outbox::queue_delete(
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

pub async fn reject_follower(
    target: &ApubCentre,
    follower: &ApubCentre,
    row: &FollowerRow,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let reject = Reject {
        kind: RejectType::Reject,
        id: activity_id(&data.urls, "reject"),
        actor: target.id.clone().into(),
        object: json!({
            "type": "Follow",
            "id": row.activity_id,
            "actor": follower.id,
            "object": target.id,
        }),
    };
    deliver(reject, target, vec![follower.shared_inbox_or_inbox()], data).await
}

impl Federation {
    /// Wakes the delivery workers (after a transaction queued activities).
    pub fn wake(&self) {
        self.data().wake.notify_one();
    }

    /// Sends a Follow from a local centre; returns the Follow's id.
    pub async fn send_follow(
        &self,
        follower: CentreRow,
        target: CentreRow,
        follow_id: &Url,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let (follower, target) = (ApubCentre::new(follower)?, ApubCentre::new(target)?);
        let follow = Follow {
            kind: FollowType::Follow,
            id: follow_id.clone(),
            actor: follower.id.clone().into(),
            object: target.id.clone().into(),
        };
        deliver(
            follow,
            &follower,
            vec![target.shared_inbox_or_inbox()],
            &data,
        )
        .await
    }

    pub async fn send_unfollow(
        &self,
        follower: CentreRow,
        target: CentreRow,
        follow_id: &str,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let (follower, target) = (ApubCentre::new(follower)?, ApubCentre::new(target)?);
        let undo = Undo {
            kind: UndoType::Undo,
            id: activity_id(&data.urls, "undo"),
            actor: follower.id.clone().into(),
            object: json!({"type": "Follow", "id": follow_id, "actor": follower.id, "object": target.id}),
            to: vec![target.id.clone()],
            cc: Vec::new(),
        };
        deliver(undo, &follower, vec![target.shared_inbox_or_inbox()], &data).await
    }

    /// Gives a follower the `network` cards (trusted) or has it delete them (trust
    /// withdrawn).
    pub async fn follower_trust_changed(
        &self,
        target: CentreRow,
        follower: CentreRow,
        trusted: bool,
    ) -> Result<(), FederationError> {
        let data = self.context();
        network_cards_for(
            &ApubCentre::new(target)?,
            &ApubCentre::new(follower)?,
            trusted,
            &data,
        )
        .await
    }

    pub async fn approve_follower(
        &self,
        target: CentreRow,
        follower: CentreRow,
        row: FollowerRow,
    ) -> Result<(), FederationError> {
        let data = self.context();
        accept_follower(
            &ApubCentre::new(target)?,
            &ApubCentre::new(follower)?,
            &row,
            &data,
        )
        .await
    }

    pub async fn refuse_follower(
        &self,
        target: CentreRow,
        follower: CentreRow,
        row: FollowerRow,
    ) -> Result<(), FederationError> {
        let data = self.context();
        reject_follower(
            &ApubCentre::new(target)?,
            &ApubCentre::new(follower)?,
            &row,
            &data,
        )
        .await
    }

    /// Announces (endorses) `object` from a local centre to its followers and the object's
    /// author.
    pub async fn send_announce(
        &self,
        centre: CentreRow,
        object: &str,
        origin: CentreRow,
        announce_id: &Url,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let (actor, origin) = (ApubCentre::new(centre)?, ApubCentre::new(origin)?);
        let (to, cc, inboxes) = endorsement_audience(&actor, &origin, &data).await?;
        let announce = Announce {
            kind: AnnounceType::Announce,
            id: announce_id.clone(),
            actor: actor.id.clone().into(),
            object: json!(object),
            to,
            cc,
        };
        deliver(announce, &actor, inboxes, &data).await
    }

    pub async fn send_unannounce(
        &self,
        centre: CentreRow,
        object: &str,
        origin: CentreRow,
        announce_id: &str,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let (actor, origin) = (ApubCentre::new(centre)?, ApubCentre::new(origin)?);
        let (to, cc, inboxes) = endorsement_audience(&actor, &origin, &data).await?;
        let undo = Undo {
            kind: UndoType::Undo,
            id: activity_id(&data.urls, "undo"),
            actor: actor.id.clone().into(),
            object: json!({"type": "Announce", "id": announce_id, "actor": actor.id, "object": object}),
            to,
            cc,
        };
        deliver(undo, &actor, inboxes, &data).await
    }
}

/// An endorsement (and its undoing) goes to Public, the endorser's followers and the author.
async fn endorsement_audience(
    actor: &ApubCentre,
    origin: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<(Vec<Url>, Vec<Url>, Vec<Url>), FederationError> {
    let mut inboxes = follower_inboxes(actor.row.id, Audience::Everyone, data).await?;
    inboxes.push(origin.shared_inbox_or_inbox());
    Ok((
        vec![public_collection()],
        vec![actor.followers_url(), origin.id.clone()],
        inboxes,
    ))
}
