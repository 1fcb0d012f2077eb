//! Delete: the owner removes an object; every copy goes, and a tombstone keeps it gone.

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use async_trait::async_trait;
use url::Url;

use crate::federation::objects::verify_same_authority;
use crate::federation::protocol::activities::{Delete, object_id};
use crate::federation::{FederationData, FederationError};
use crate::storage::contacts::ContactRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::software::SoftwareRow;
use crate::storage::{activities, now};

use super::verify_activity_origin;

#[async_trait]
impl Activity for Delete {
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
        let target = object_id(&self.object)
            .ok_or_else(|| FederationError::BadRequest("Delete names no object".into()))?;
        // Only objects of the actor's own server can be its to delete.
        verify_same_authority(&target, self.actor.inner())
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let target = object_id(&self.object)
            .ok_or_else(|| FederationError::BadRequest("Delete names no object".into()))?;
        if target == *self.actor.inner() {
            // An account deleting itself (Mastodon sends these to everyone): nothing of the
            // directory's, unless it is a centre we hold copies of.
            return Ok(());
        }
        let actor = self.actor.inner().to_string();
        data.db
            .write(move |conn| {
                let id = target.as_str();
                if let Some((rec, centre, software)) = RecommendationRow::find_by_ap_id(conn, id)? {
                    if centre.actor_id != actor {
                        return Ok(Err(FederationError::Forbidden(format!(
                            "{id} is not {actor}'s"
                        ))));
                    }
                    if rec.local {
                        return Ok(Err(FederationError::Forbidden(format!(
                            "{id} is a local object"
                        ))));
                    }
                    RecommendationRow::delete(conn, rec.id)?;
                    SoftwareRow::delete_if_unused(conn, software.id)?;
                } else if let Some((row, centre)) = ContactRow::find_by_ap_id(conn, id)? {
                    if centre.actor_id != actor || row.local {
                        return Ok(Err(FederationError::Forbidden(format!(
                            "{id} is not {actor}'s"
                        ))));
                    }
                    ContactRow::delete(conn, row.id)?;
                }
                // Remember it even if we never had it: its Create may still be on its way.
                activities::add_tombstone(conn, id, now())?;
                Ok(Ok(()))
            })
            .await?
    }
}
