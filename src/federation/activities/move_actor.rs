//! Move: a centre moves to a new actor (a new domain). Sent by staff of the old centre to its
//! followers once the new actor lists the old one in `alsoKnownAs`; received from a centre our
//! centres follow: with the same check (Mastodon's rule: the target, fetched fresh from its
//! origin, must list the moving actor in `alsoKnownAs`), each of our centres that followed the
//! old actor follows the new one and leaves the old one.
//!
//! Entries' history: the old centre's entries stay as they are, attributed to the old actor,
//! which is linked to its new actor (`storage::moves`). They are not re-attributed: their ids
//! are on the old domain, an entry's author must be on its id's authority (what lets only its
//! origin edit or delete it), and the new actor could never send their updates. The new
//! actor's own entries come with the backfill of the new follow.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{FollowType, MoveType, UndoType};
use activitypub_federation::traits::{Activity, Actor as _, Object};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

use super::follow::Follow;
use super::undo::Undo;
use super::{Embedded, is_followed};
use crate::federation::audience::{Audience, reached};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::protocol::actor::Actor;
use crate::federation::protocol::public_collection;
use crate::federation::{Federation, FederationData, FederationError, activity_id};
use crate::storage::centres::CentreRow;
use crate::storage::follows::{FollowRow, FollowState};
use crate::storage::ids::CentreId;
use crate::storage::moves::CentreMove;
use crate::storage::{Conn, StorageError, new_key, now};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Move {
    #[serde(rename = "type")]
    pub kind: MoveType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    /// The moving actor: the actor itself.
    pub object: Url,
    /// The new actor.
    pub target: Url,
    #[serde(
        default,
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_one_or_many"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_one_or_many"
    )]
    pub cc: Vec<Url>,
}

/// Adds a local centre's `alsoKnownAs` and `movedTo` to its actor document (as fetched).
pub(crate) async fn add_move(
    document: &mut Actor,
    row: &CentreRow,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    if !row.local {
        return Ok(());
    }
    let id = CentreId(row.id);
    let moved = data.db.run(move |conn| CentreMove::find(conn, id)).await?;
    apply_move(document, moved);
    Ok(())
}

/// The same on a connection (an actor `Update` queued in a transaction).
pub(crate) fn add_move_in(
    conn: &mut Conn,
    document: &mut Actor,
    row: &CentreRow,
) -> Result<(), StorageError> {
    if row.local {
        apply_move(document, CentreMove::find(conn, CentreId(row.id))?);
    }
    Ok(())
}

fn apply_move(document: &mut Actor, moved: Option<CentreMove>) {
    if let Some(moved) = moved {
        document.also_known_as = moved
            .also_known_as
            .iter()
            .filter_map(|a| Url::parse(a).ok())
            .collect();
        document.moved_to = moved.moved_to.as_deref().and_then(|m| Url::parse(m).ok());
    }
}

/// The actor at `target`, fetched now from its origin (never a stored copy: its
/// `alsoKnownAs` may have just changed), checked as any fetched actor and stored, and whether
/// it lists `origin` in `alsoKnownAs`.
async fn fetch_target(
    target: &Url,
    origin: &Url,
    data: &Data<FederationData>,
) -> Result<ApubCentre, FederationError> {
    let json = fetch_object_http::<_, Actor>(target, data).await?.object;
    ApubCentre::verify(&json, target, data).await?;
    if !json.also_known_as.contains(origin) {
        return Err(FederationError::Forbidden(format!(
            "{target} does not list {origin} in alsoKnownAs"
        )));
    }
    ApubCentre::from_json(json, data).await
}

impl Federation {
    /// Moves a local centre to `target`: checks that `target` lists it in `alsoKnownAs`,
    /// records `movedTo`, and sends its followers an `Update` of its actor (now with
    /// `movedTo`), then `Move`, as Mastodon does. Returns the target's actor id.
    pub(crate) async fn move_centre(
        &self,
        centre: CentreRow,
        target: &Url,
    ) -> Result<String, FederationError> {
        let data = self.context();
        let centre = ApubCentre::new(centre)?;
        if crate::federation::objects::entry::is_local_id(target, &data) && target == &centre.id {
            return Err(FederationError::BadRequest("is this centre itself".into()));
        }
        crate::federation::checks::check_domain(&data, target).await?;
        let target = fetch_target(target, &centre.id, &data).await?;
        let activity = Move {
            kind: MoveType::Move,
            id: activity_id(&data.urls, "move"),
            actor: centre.id.clone().into(),
            object: centre.id.clone(),
            target: target.id.clone(),
            to: vec![centre.followers_url()],
            cc: vec![public_collection()],
        };
        let (centre_id, target_id, local) =
            (centre.row.id, target.id.to_string(), data.urls.authority());
        let moved_to = target_id.clone();
        let (row, urls, manual_approval) = (
            centre.row.clone(),
            data.urls.clone(),
            data.policy.manual_approval,
        );
        data.db
            .write(move |conn| {
                let id = CentreId(centre_id);
                let mut moved = CentreMove::find(conn, id)?.unwrap_or_default();
                moved.moved_to = Some(moved_to);
                CentreMove::save(conn, id, &moved, now())?;
                super::update_actor::queue(conn, &urls, &row, manual_approval)?;
                let (inboxes, _) = reached(conn, centre_id, Audience::Everyone)?;
                enqueue_in(
                    conn,
                    &activity.id,
                    centre_id,
                    activity.clone(),
                    &inboxes,
                    &local,
                )
            })
            .await?;
        data.wake.notify_one();
        Ok(target_id)
    }
}

#[async_trait]
impl Activity for Move {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<FederationData>) -> Result<(), FederationError> {
        verify_activity_origin(&self.id, self.actor.inner())?;
        if &self.object != self.actor.inner() {
            return Err(FederationError::Forbidden(format!(
                "{} cannot move {}: an actor moves only itself",
                self.actor.inner(),
                self.object
            )));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let origin = self.actor.dereference(data).await?;
        if !is_followed(origin.row.id, data).await? {
            tracing::info!(
                "ignoring move of {}: none of our centres follows it",
                origin.id
            );
            return Ok(());
        }
        let target = fetch_target(&self.target, &origin.id, data).await?;
        if target.row.local {
            return Err(FederationError::BadRequest(format!(
                "{} moves to a centre of this node",
                origin.id
            )));
        }
        refollow(&origin, &target, data).await
    }
}

/// Each of our centres that followed `origin` follows `target` instead (unless it already
/// does) and sends `origin` an Undo of its follow; `origin` is linked to `target`.
async fn refollow(
    origin: &ApubCentre,
    target: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let (origin_row, target_row) = (origin.row.clone(), target.row.clone());
    let (urls, local) = (data.urls.clone(), data.urls.authority());
    data.db
        .write(move |conn| {
            let origin_api = ApubCentre::new(origin_row.clone())
                .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
            let target_api = ApubCentre::new(target_row.clone())
                .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
            let follows: Vec<(FollowRow, CentreRow)> = FollowRow::list(conn)?
                .into_iter()
                .filter(|(f, _)| f.target_id == origin_row.id && f.state != FollowState::Rejected)
                .collect();
            for (old, _) in follows {
                let follower = CentreRow::find(conn, old.follower_id)?;
                let follower_id = Url::parse(&follower.actor_id)
                    .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?;
                let already =
                    FollowRow::find_between(conn, CentreId(follower.id), CentreId(target_row.id))?
                        .is_some_and(|f| f.state != FollowState::Rejected);
                if !already {
                    let key = new_key();
                    let follow_id = activity_id(&urls, &format!("follow/{key}"));
                    FollowRow::upsert_pending(
                        conn,
                        &key,
                        follow_id.as_str(),
                        CentreId(follower.id),
                        CentreId(target_row.id),
                        now(),
                    )?;
                    let follow = Follow {
                        kind: FollowType::Follow,
                        id: follow_id.clone(),
                        actor: follower_id.clone().into(),
                        object: target_api.id.clone().into(),
                    };
                    enqueue_in(
                        conn,
                        &follow_id,
                        follower.id,
                        follow,
                        &[target_api.shared_inbox_or_inbox()],
                        &local,
                    )?;
                }
                let undo = Undo {
                    kind: UndoType::Undo,
                    id: activity_id(&urls, "undo"),
                    actor: follower_id.clone().into(),
                    object: Embedded {
                        kind: FollowType::Follow,
                        id: Url::parse(&old.activity_id)
                            .map_err(|e| crate::storage::StorageError::Corrupt(e.to_string()))?,
                        actor: follower_id,
                        object: origin_api.id.clone(),
                    }
                    .into_value(),
                    to: vec![origin_api.id.clone()],
                    cc: Vec::new(),
                };
                let undo_id = undo.id.clone();
                enqueue_in(
                    conn,
                    &undo_id,
                    follower.id,
                    undo,
                    &[origin_api.shared_inbox_or_inbox()],
                    &local,
                )?;
                FollowRow::delete(conn, old.id)?;
            }
            let origin_id = CentreId(origin_row.id);
            let mut moved = CentreMove::find(conn, origin_id)?.unwrap_or_default();
            moved.moved_to = Some(target_row.actor_id.clone());
            CentreMove::save(conn, origin_id, &moved, now())
        })
        .await?;
    data.wake.notify_one();
    tracing::info!(
        "{} moved to {}: its followers here follow the new actor",
        origin.id,
        target.id
    );
    Ok(())
}
