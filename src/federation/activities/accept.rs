//! Accept of a Follow: sent when one of our centres takes a follower (at once, or once staff
//! approved it), received when a centre we asked to follow takes us (then backfill starts).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{AcceptType, FollowType};
use activitypub_federation::traits::{Activity, Actor as _, Object};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::Embedded;
use super::follow::{our_follow, record_answer};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::{
    Federation, FederationData, FederationError, activity_id, backfill, publish, relays,
};
use crate::storage::centres::CentreRow;
use crate::storage::follows::{FollowState, FollowerRow};

/// Accept of a Follow: the Follow may come embedded or as its id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Accept {
    #[serde(rename = "type")]
    pub kind: AcceptType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Value,
}

/// The Follow `row` records, from `follower` to `target`, embedded in the answer to it.
pub(super) fn answered_follow(
    row: &FollowerRow,
    follower: &ApubCentre,
    target: &ApubCentre,
) -> Result<Value, FederationError> {
    Ok(Embedded {
        kind: FollowType::Follow,
        id: Url::parse(&row.activity_id)?,
        actor: follower.id.clone(),
        object: target.id.clone(),
    }
    .into_value())
}

/// Accepts a follower, then gives a trusted directory centre the `network` cards it may now
/// receive. In that order: a card arriving before the Accept would be dropped as coming from a
/// centre the follower does not follow yet.
pub(crate) async fn accept_follower(
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
        object: answered_follow(row, follower, target)?,
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
                publish::network_cards_to(conn, &urls, &target_actor, &peer_actor, &inbox, true)?;
            }
            Ok(())
        })
        .await?;
    data.wake.notify_one();
    Ok(())
}

impl Federation {
    /// Staff approved a pending follower.
    pub(crate) async fn approve_follower(
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
        if relays::answered(&self.object, self.actor.inner(), data)
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
        if let Some(relay) = relays::answered(&self.object, self.actor.inner(), data).await? {
            return relays::record_answer(relay, FollowState::Accepted, data).await;
        }
        let follow = record_answer(
            &self.object,
            self.actor.inner(),
            FollowState::Accepted,
            data,
        )
        .await?;
        let target = ApubCentre::read_from_id(self.actor.inner().clone(), data)
            .await?
            .ok_or_else(|| FederationError::NotFound(self.actor.inner().to_string()))?;
        // Everything published before the follow, once; pushed activities from now on.
        backfill::start(follow, target, data);
        Ok(())
    }
}
