//! Undo of a Follow (unfollow) or of an Announce (endorsement withdrawn, or a network's
//! announce of a removed member's entry): sent by our centres, received from peers.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{AnnounceType, FollowType, UndoType};
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use activitypub_federation::traits::{Activity, Actor as _};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::announce::endorsement_audience;
use super::{Embedded, object_id, object_type};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue;
use crate::federation::groups::{is_remote_network, withdraw_in};
use crate::federation::objects::centre::ApubCentre;
use crate::federation::{Federation, FederationData, FederationError, activity_id};
use crate::storage::centres::CentreRow;
use crate::storage::endorsements::EndorsementRow;
use crate::storage::follows::FollowerRow;
use crate::storage::ids::CentreId;

/// Undo of a Follow or an Announce, embedded or by id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Undo {
    #[serde(rename = "type")]
    pub kind: UndoType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Value,
    #[serde(
        default,
        deserialize_with = "deserialize_one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "deserialize_one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<Url>,
}

impl Federation {
    /// A local centre stops following `target`: Undo of the Follow `follow_id`.
    pub(crate) async fn send_unfollow(
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
            object: Embedded {
                kind: FollowType::Follow,
                id: Url::parse(follow_id)?,
                actor: follower.id.clone(),
                object: target.id.clone(),
            }
            .into_value(),
            to: vec![target.id.clone()],
            cc: Vec::new(),
        };
        queue::enqueue(undo, &follower, vec![target.shared_inbox_or_inbox()], &data).await
    }

    /// A local centre withdraws its endorsement of `object` (by `origin`): Undo of the
    /// Announce `announce_id`, to the same audience as the Announce.
    pub(crate) async fn send_unannounce(
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
            object: Embedded {
                kind: AnnounceType::Announce,
                id: Url::parse(announce_id)?,
                actor: actor.id.clone(),
                object: Url::parse(object)?,
            }
            .into_value(),
            to,
            cc,
        };
        queue::enqueue(undo, &actor, inboxes, &data).await
    }
}

#[async_trait]
impl Activity for Undo {
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
        let undone = object_id(&self.object)
            .ok_or_else(|| FederationError::BadRequest("Undo names no object".into()))?;
        // One can only undo one's own activities.
        verify_activity_origin(&undone, self.actor.inner())?;
        if let Some(inner_actor) = self.object.get("actor").and_then(|a| a.as_str())
            && inner_actor != self.actor.inner().as_str()
        {
            return Err(FederationError::Forbidden(format!(
                "{} cannot undo an activity of {inner_actor}",
                self.actor.inner()
            )));
        }
        Ok(())
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let undone = object_id(&self.object)
            .ok_or_else(|| FederationError::BadRequest("Undo names no object".into()))?
            .to_string();
        let actor_id = self.actor.inner().to_string();
        let kind = object_type(&self.object).map(str::to_owned);
        let target = self
            .object
            .get("object")
            .and_then(|o| o.as_str())
            .map(str::to_owned);
        let urls = data.urls.clone();
        let queued = data
            .db
            .write(move |conn| {
                let Some(actor) = CentreRow::find_by_actor_id(conn, &actor_id)? else {
                    return Ok(false);
                };
                // A network withdrawing what it announced (a member was removed); our
                // networks that relayed it from that network withdraw it in turn.
                if kind.as_deref() == Some("Announce") && is_remote_network(&actor) {
                    if let Some(object) = &target {
                        return withdraw_in(conn, &urls, &actor, object);
                    }
                    return Ok(false);
                }
                // An endorsement, found by the Announce's id.
                if kind.as_deref() != Some("Follow")
                    && let Some(e) = EndorsementRow::find_by_activity(conn, &undone)?
                    && e.centre_id == actor.id
                {
                    EndorsementRow::delete(conn, e.id)?;
                    return Ok(false);
                }
                // A follow: by the followed actor named in the embedded Follow, or by the
                // Follow's id among the actor's follows of our centres.
                for follower in FollowerRow::by_actor(conn, actor.id)? {
                    let names_target = match &target {
                        Some(t) => CentreRow::find(conn, follower.centre_id)?.actor_id == *t,
                        None => follower.activity_id == undone,
                    };
                    if names_target || follower.activity_id == undone {
                        FollowerRow::remove(
                            conn,
                            CentreId(follower.centre_id),
                            CentreId(actor.id),
                        )?;
                    }
                }
                Ok(false)
            })
            .await?;
        if queued {
            data.wake.notify_one();
        }
        Ok(())
    }
}
