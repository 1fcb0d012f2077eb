//! What we build and send, and to whom. Delivery here is in memory, with a few retries per
//! inbox, one task per inbox so a slow peer holds up nobody else; a persistent queue replaces
//! it later (see FEDERATION.md).

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::time::Duration;

use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::Data;
use activitypub_federation::kinds::activity::{
    AcceptType, AnnounceType, CreateType, DeleteType, FollowType, RejectType, UndoType, UpdateType,
};
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::{Activity, Actor as _, Object};
use serde::Serialize;
use serde_json::json;
use url::Url;

use super::objects::centre::ApubCentre;
use super::objects::entry::ApubEntry;
use super::protocol::activities::{
    Accept, Announce, CreateOrUpdate, CreateOrUpdateType, Delete, Follow, Reject, Undo,
};
use super::protocol::context::context;
use super::protocol::public_collection;
use super::{Federation, FederationData, FederationError, activity_id};
use crate::storage::centres::CentreRow;
use crate::storage::contacts::{ContactFilter, ContactRow};
use crate::storage::follows::{ACCEPTED, FollowerRow};
use crate::storage::{Window, activities, now};

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

/// Delays before each attempt at one inbox.
const RETRY_DELAYS: [u64; 4] = [0, 2, 10, 60];

/// Signs and sends `activity` from `actor` to each inbox (one shared inbox per host when the
/// peers have one). In the background for a server; awaited for a command that exits next.
pub async fn deliver<A>(
    activity: A,
    actor: &ApubCentre,
    inboxes: Vec<Url>,
    data: &Data<FederationData>,
) -> Result<(), FederationError>
where
    A: Activity + Serialize + Debug + Send + Sync + 'static,
{
    let tasks = prepare(activity, actor, inboxes, data).await?;
    if data.background_delivery {
        tokio::spawn(send_all(tasks, data.reset_request_count()));
    } else {
        send_all(tasks, data.reset_request_count()).await;
    }
    Ok(())
}

async fn prepare<A>(
    activity: A,
    actor: &ApubCentre,
    inboxes: Vec<Url>,
    data: &Data<FederationData>,
) -> Result<Vec<SendActivityTask>, FederationError>
where
    A: Activity + Serialize + Debug + Send + Sync + 'static,
{
    if inboxes.is_empty() {
        return Ok(Vec::new());
    }
    let activity = WithContext::new(activity, context());
    Ok(SendActivityTask::prepare(&activity, actor, inboxes, data).await?)
}

/// Sends to every inbox at once (one task each: a slow peer holds up nobody else), retrying
/// each a few times; returns when all are delivered or given up.
async fn send_all(tasks: Vec<SendActivityTask>, data: Data<FederationData>) {
    let mut running = tokio::task::JoinSet::new();
    for task in tasks {
        let data = data.reset_request_count();
        running.spawn(async move {
            for (attempt, delay) in RETRY_DELAYS.iter().enumerate() {
                tokio::time::sleep(Duration::from_secs(*delay)).await;
                match task.sign_and_send(&data).await {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::warn!("delivery of {task} failed (attempt {}): {e}", attempt + 1)
                    }
                }
            }
            tracing::error!("giving up on {task}");
        });
    }
    while running.join_next().await.is_some() {}
}

/// The inboxes of a centre's accepted followers (shared inboxes where they have them).
pub async fn follower_inboxes(
    centre_id: i64,
    audience: Audience,
    data: &Data<FederationData>,
) -> Result<Vec<Url>, FederationError> {
    if audience == Audience::Nobody {
        return Ok(Vec::new());
    }
    let followers = data
        .db
        .run(move |conn| FollowerRow::list(conn, Some(centre_id), Some(ACCEPTED)))
        .await?;
    let inboxes: BTreeSet<Url> = followers
        .into_iter()
        .filter(|(_, actor)| audience == Audience::Everyone || actor.is_directory)
        .filter_map(|(_, actor)| {
            Url::parse(
                actor
                    .shared_inbox_url
                    .as_deref()
                    .unwrap_or(&actor.inbox_url),
            )
            .ok()
        })
        .collect();
    Ok(inboxes.into_iter().collect())
}

/// Accepts a follower, then gives a directory centre the `network` cards it may now receive.
/// In that order: a card arriving before the Accept would be dropped as coming from a centre
/// the follower does not follow yet.
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
    let mut batches = vec![prepare(accept, target, inbox.clone(), data).await?];
    if follower.row.is_directory {
        let filter = ContactFilter {
            origin: Some(target.row.actor_id.clone()),
            visibilities: vec!["network".into()],
            ..Default::default()
        };
        let cards = data
            .db
            .run(move |conn| {
                ContactRow::list(
                    conn,
                    &filter,
                    Window {
                        offset: 0,
                        limit: 10_000,
                    },
                )
            })
            .await?;
        for (card, _) in cards.rows {
            let id = Url::parse(&card.ap_id)?;
            if let Some(entry) = ApubEntry::load(&id, data).await? {
                let (activity, actor) =
                    entry_activity(entry, CreateOrUpdateType::Create(CreateType::Create), data)
                        .await?;
                batches.push(prepare(activity, &actor, inbox.clone(), data).await?);
            }
        }
    }
    let background = data.background_delivery;
    let data = data.reset_request_count();
    let in_order = async move {
        for batch in batches {
            send_all(batch, data.reset_request_count()).await;
        }
    };
    if background {
        tokio::spawn(in_order);
    } else {
        in_order.await;
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

async fn entry_activity(
    entry: ApubEntry,
    kind: CreateOrUpdateType,
    data: &Data<FederationData>,
) -> Result<(CreateOrUpdate, ApubCentre), FederationError> {
    let actor = ApubCentre::new(entry.centre().clone())?;
    let note = entry.into_json(data).await?;
    let activity = CreateOrUpdate {
        id: activity_id(
            &data.urls,
            if matches!(kind, CreateOrUpdateType::Create(_)) {
                "create"
            } else {
                "update"
            },
        ),
        kind,
        actor: actor.id.clone().into(),
        to: note.to.clone(),
        cc: note.cc.clone(),
        object: note,
    };
    Ok((activity, actor))
}

async fn send_entry(
    entry: ApubEntry,
    kind: CreateOrUpdateType,
    inboxes: Vec<Url>,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let (activity, actor) = entry_activity(entry, kind, data).await?;
    deliver(activity, &actor, inboxes, data).await
}

impl Federation {
    /// An entry of a local centre changed: Create or Update for its audience now, Delete for
    /// those who had it and may no longer (a card back to `hidden`, consent withdrawn, a
    /// recommendation withdrawn).
    pub async fn entry_changed(
        &self,
        ap_id: &str,
        before: Audience,
        after: Audience,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let id = Url::parse(ap_id)?;
        let Some(entry) = ApubEntry::load(&id, &data).await? else {
            return Err(FederationError::NotFound(ap_id.to_owned()));
        };
        let centre_id = entry.centre().id;
        let had = follower_inboxes(centre_id, before, &data).await?;
        let has = follower_inboxes(centre_id, after, &data).await?;
        let removed: Vec<Url> = had.iter().filter(|i| !has.contains(i)).cloned().collect();
        let actor = ApubCentre::new(entry.centre().clone())?;
        if after != Audience::Nobody {
            let kind = if before == Audience::Nobody {
                CreateOrUpdateType::Create(CreateType::Create)
            } else {
                CreateOrUpdateType::Update(UpdateType::Update)
            };
            send_entry(entry, kind, has, &data).await?;
        }
        send_delete(&actor, &id, removed, &data).await
    }

    /// An entry of a local centre was deleted: its audience gets a Delete, and its id answers
    /// 410 Gone from now on.
    pub async fn entry_deleted(
        &self,
        ap_id: &str,
        centre: CentreRow,
        before: Audience,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let id = Url::parse(ap_id)?;
        let key = ap_id.to_owned();
        data.db
            .write(move |conn| activities::add_tombstone(conn, &key, now()))
            .await?;
        let inboxes = follower_inboxes(centre.id, before, &data).await?;
        let actor = ApubCentre::new(centre)?;
        send_delete(&actor, &id, inboxes, &data).await
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

async fn send_delete(
    actor: &ApubCentre,
    id: &Url,
    inboxes: Vec<Url>,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let delete = Delete {
        kind: DeleteType::Delete,
        id: activity_id(&data.urls, "delete"),
        actor: actor.id.clone().into(),
        object: json!({"type": "Tombstone", "id": id}),
        to: vec![public_collection()],
        cc: vec![actor.followers_url()],
    };
    deliver(delete, actor, inboxes, data).await
}
