//! Undo of a Follow (unfollow) or of an Announce (endorsement withdrawn).

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use async_trait::async_trait;
use url::Url;

use crate::federation::protocol::activities::{Undo, object_id, object_type};
use crate::federation::{FederationData, FederationError};
use crate::storage::centres::CentreRow;
use crate::storage::endorsements::EndorsementRow;
use crate::storage::follows::FollowerRow;

use super::verify_activity_origin;

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
        data.db
            .write(move |conn| {
                let Some(actor) = CentreRow::find_by_actor_id(conn, &actor_id)? else {
                    return Ok(());
                };
                // An endorsement, found by the Announce's id.
                if kind.as_deref() != Some("Follow")
                    && let Some(e) = EndorsementRow::find_by_activity(conn, &undone)?
                    && e.centre_id == actor.id
                {
                    EndorsementRow::delete(conn, e.id)?;
                    return Ok(());
                }
                // A follow: by the followed actor named in the embedded Follow, or by the
                // Follow's id among the actor's follows of our centres.
                for follower in FollowerRow::by_actor(conn, actor.id)? {
                    let names_target = match &target {
                        Some(t) => CentreRow::find(conn, follower.centre_id)?.actor_id == *t,
                        None => follower.activity_id == undone,
                    };
                    if names_target || follower.activity_id == undone {
                        FollowerRow::remove(conn, follower.centre_id, actor.id)?;
                    }
                }
                Ok(())
            })
            .await?;
        Ok(())
    }
}
