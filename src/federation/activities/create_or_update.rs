//! Create and Update of directory entries, from the centres we follow.

use activitypub_federation::config::Data;
use activitypub_federation::traits::{Activity, Object};
use async_trait::async_trait;
use url::Url;

use crate::federation::objects::entry::{self, ApubEntry};
use crate::federation::objects::verify_same_authority;
use crate::federation::protocol::activities::CreateOrUpdate;
use crate::federation::{FederationData, FederationError};

use super::{is_followed, verify_activity_origin};

#[async_trait]
impl Activity for CreateOrUpdate {
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
        // Only the author creates or edits its objects.
        if self.object.attributed_to.inner() != self.actor.inner() {
            return Err(FederationError::Forbidden(format!(
                "{} is attributed to {}, not to {}",
                self.object.id.inner(),
                self.object.attributed_to.inner(),
                self.actor.inner()
            )));
        }
        verify_same_authority(self.object.id.inner(), self.actor.inner())?;
        ApubEntry::verify(&self.object, self.actor.inner(), data).await
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let actor = self.actor.dereference(data).await?;
        // The directory takes in what the centres it follows publish, nothing else.
        if !actor.row.is_directory || !is_followed(actor.row.id, data).await? {
            tracing::info!(
                "ignoring {} from {}: not a directory centre this node follows",
                self.id,
                self.actor.inner()
            );
            return Ok(());
        }
        // Verified already: the author is the actor. Store without reading it back.
        let prepared = entry::prepare(self.object)?;
        let author = actor.row.clone();
        let stored = data
            .db
            .write(move |conn| entry::apply(conn, &prepared, &author))
            .await?;
        match stored {
            Ok(()) => Ok(()),
            // A deleted object stays deleted: a late or replayed Create is dropped.
            Err(FederationError::Gone(id)) => {
                tracing::info!("ignoring {} of {id}, which was deleted", self.id);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}
