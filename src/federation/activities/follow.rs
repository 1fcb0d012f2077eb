//! Follow, Accept, Reject: following and being followed.

use activitypub_federation::config::Data;
use activitypub_federation::traits::{Activity, Object};
use async_trait::async_trait;
use url::Url;

use crate::federation::objects::centre::ApubCentre;
use crate::federation::protocol::activities::{Accept, Follow, Reject, object_id};
use crate::federation::{FederationData, FederationError, backfill, outgoing};
use crate::storage::follows::{ACCEPTED, FollowRow, FollowerRow, PENDING, REJECTED};
use crate::storage::now;

use super::verify_activity_origin;

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
        let state = if data.policy.manual_approval {
            PENDING
        } else {
            ACCEPTED
        };
        let (centre_id, actor_id, activity_id) =
            (target.row.id, follower.row.id, self.id.to_string());
        let key = uuid::Uuid::new_v4().simple().to_string();
        let row = data
            .db
            .write(move |conn| {
                FollowerRow::upsert(conn, &key, centre_id, actor_id, &activity_id, state, now())
            })
            .await?;
        if row.state == ACCEPTED {
            outgoing::accept_follower(&target, &follower, &row, data).await?;
        }
        Ok(())
    }
}

/// The Follow an Accept or Reject answers, which must be ours and addressed to its sender.
async fn our_follow(
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
async fn record_answer(
    object: &serde_json::Value,
    answered_by: &Url,
    state: &'static str,
    data: &Data<FederationData>,
) -> Result<FollowRow, FederationError> {
    let follow = our_follow(object, answered_by, data).await?;
    let id = follow.id;
    data.db
        .write(move |conn| FollowRow::set_state(conn, id, state, now()))
        .await?;
    Ok(follow)
}

#[async_trait]
impl Activity for Accept {
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
        our_follow(&self.object, self.actor.inner(), data)
            .await
            .map(|_| ())
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let follow = record_answer(&self.object, self.actor.inner(), ACCEPTED, data).await?;
        let target = ApubCentre::read_from_id(self.actor.inner().clone(), data)
            .await?
            .ok_or_else(|| FederationError::NotFound(self.actor.inner().to_string()))?;
        // Everything published before the follow, once; pushed activities from now on.
        backfill::start(follow, target, data);
        Ok(())
    }
}

#[async_trait]
impl Activity for Reject {
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
        our_follow(&self.object, self.actor.inner(), data)
            .await
            .map(|_| ())
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        record_answer(&self.object, self.actor.inner(), REJECTED, data)
            .await
            .map(|_| ())
    }
}
