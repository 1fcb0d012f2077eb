//! Follow: a centre follows another (ours or a peer's). Answered by [`super::accept`] or
//! [`super::reject`], withdrawn by [`super::undo`].

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::FollowType;
use activitypub_federation::traits::{Activity, Actor as _};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

use super::{Embedded, object_id};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::{Federation, FederationData, FederationError};
use crate::storage::centres::CentreRow;
use crate::storage::follows::{FollowRow, FollowState, FollowerRow};
use crate::storage::ids::CentreId;
use crate::storage::moves::CentreMove;
use crate::storage::now;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    #[serde(rename = "type")]
    pub kind: FollowType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: ObjectId<ApubCentre>,
}

impl Federation {
    /// Sends a Follow from a local centre, with the id the caller recorded for it.
    pub(crate) async fn send_follow(
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
        queue::enqueue(
            follow,
            &follower,
            vec![target.shared_inbox_or_inbox()],
            &data,
        )
        .await
    }
}

#[async_trait]
impl Activity for Follow {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, data: &Data<FederationData>) -> Result<(), FederationError> {
        verify_activity_origin(&self.id, self.actor.inner())?;
        if !self.object.is_local(data) {
            return Err(FederationError::BadRequest(format!(
                "{} is not an actor of this node",
                self.object.inner()
            )));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let follower = self.actor.dereference(data).await?;
        let target = self
            .object
            .dereference_local(data)
            .await
            .map_err(|_| FederationError::NotFound(self.object.inner().to_string()))?;
        if !target.row.local {
            return Err(FederationError::NotFound(self.object.inner().to_string()));
        }
        // A centre that moved takes no new followers: they are told no (a Reject, as
        // Mastodon answers a follow of a moved account) and follow the new actor instead.
        let moved = {
            let id = CentreId(target.row.id);
            data.db
                .run(move |conn| CentreMove::find(conn, id))
                .await?
                .and_then(|m| m.moved_to)
        };
        if let Some(new_actor) = moved {
            tracing::info!(
                "refusing {}'s follow of {}: it moved to {new_actor}",
                follower.id,
                target.id
            );
            let follow = Embedded {
                kind: FollowType::Follow,
                id: self.id.clone(),
                actor: follower.id.clone(),
                object: target.id.clone(),
            }
            .into_value();
            return super::reject::reject_follow(follow, &target, &follower, data).await;
        }
        let state = if data.policy.manual_approval {
            FollowState::Pending
        } else {
            FollowState::Accepted
        };
        let (centre_id, actor_id, activity_id) = (
            CentreId(target.row.id),
            CentreId(follower.row.id),
            self.id.to_string(),
        );
        let key = crate::storage::new_key();
        let row = data
            .db
            .write(move |conn| {
                FollowerRow::upsert(conn, &key, centre_id, actor_id, &activity_id, state, now())
            })
            .await?;
        if row.state == FollowState::Accepted {
            super::accept::accept_follower(&target, &follower, &row, data).await?;
        }
        Ok(())
    }
}

/// The Follow an Accept or Reject answers, which must be ours and addressed to its sender.
pub(super) async fn our_follow(
    object: &serde_json::Value,
    answered_by: &Url,
    data: &Data<FederationData>,
) -> Result<FollowRow, FederationError> {
    let follow_id = object_id(object)
        .ok_or_else(|| FederationError::BadRequest("the answered Follow has no id".into()))?;
    let key = follow_id.to_string();
    let follow = data
        .db
        .run(move |conn| FollowRow::find_by_activity(conn, &key))
        .await?
        .ok_or_else(|| {
            FederationError::BadRequest(format!("{follow_id} is not a Follow of ours"))
        })?;
    let target_id = follow.target_id;
    let target = data
        .db
        .run(move |conn| crate::storage::centres::CentreRow::find(conn, target_id))
        .await?;
    if target.actor_id != answered_by.as_str() {
        return Err(FederationError::Forbidden(format!(
            "{answered_by} cannot answer a Follow sent to {}",
            target.actor_id
        )));
    }
    Ok(follow)
}

/// Records the answer to one of our Follows; returns the follow.
pub(super) async fn record_answer(
    object: &serde_json::Value,
    answered_by: &Url,
    state: FollowState,
    data: &Data<FederationData>,
) -> Result<FollowRow, FederationError> {
    let follow = our_follow(object, answered_by, data).await?;
    let id = follow.id;
    data.db
        .write(move |conn| FollowRow::set_state(conn, id, state, now()))
        .await?;
    Ok(follow)
}
