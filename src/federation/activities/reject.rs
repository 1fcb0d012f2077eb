//! Reject of a Follow: sent when staff refuse a pending follower, received when a centre we
//! asked to follow refuses us.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::RejectType;
use activitypub_federation::traits::{Activity, Actor as _};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::accept::answered_follow;
use super::follow::{our_follow, record_answer};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::{Federation, FederationData, FederationError, activity_id};
use crate::storage::centres::CentreRow;
use crate::storage::follows::{FollowState, FollowerRow};

/// Reject of a Follow: the Follow may come embedded or as its id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reject {
    #[serde(rename = "type")]
    pub kind: RejectType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Value,
}

impl Federation {
    /// Staff refused a pending follower.
    pub(crate) async fn refuse_follower(
        &self,
        target: CentreRow,
        follower: CentreRow,
        row: FollowerRow,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let (target, follower) = (ApubCentre::new(target)?, ApubCentre::new(follower)?);
        let follow = answered_follow(&row, &follower, &target)?;
        reject_follow(follow, &target, &follower, &data).await
    }
}

/// Sends `follower` a Reject of its `follow` (embedded) of our centre `target`.
pub(super) async fn reject_follow(
    follow: Value,
    target: &ApubCentre,
    follower: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let reject = Reject {
        kind: RejectType::Reject,
        id: activity_id(&data.urls, "reject"),
        actor: target.id.clone().into(),
        object: follow,
    };
    queue::enqueue(reject, target, vec![follower.shared_inbox_or_inbox()], data).await
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
        if crate::federation::relays::answered(&self.object, self.actor.inner(), data)
            .await?
            .is_some()
        {
            return Ok(());
        }
        our_follow(&self.object, self.actor.inner(), data)
            .await
            .map(|_| ())
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        use crate::federation::relays;
        if let Some(relay) = relays::answered(&self.object, self.actor.inner(), data).await? {
            return relays::record_answer(relay, FollowState::Rejected, data).await;
        }
        record_answer(
            &self.object,
            self.actor.inner(),
            FollowState::Rejected,
            data,
        )
        .await
        .map(|_| ())
    }
}
