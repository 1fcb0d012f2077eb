//! Create and Update of directory entries, from the centres we follow.

use activitypub_federation::config::Data;
use activitypub_federation::traits::{Activity, Object};
use async_trait::async_trait;
use url::Url;

use crate::federation::objects::entry::{self, ApubEntry};
use crate::federation::objects::verify_same_authority;
use crate::federation::protocol::activities::CreateOrUpdate;
use crate::federation::{FederationData, FederationError, authority};
use crate::storage::centres::CentreRow;
use crate::storage::follows::FollowRow;
use crate::storage::{activities, delivery, now};

use super::verify_activity_origin;

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
        // Verified already: the author is the actor. One transaction records the activity id
        // (applied once), revives the sender's host if deliveries to it were waiting, checks
        // that this node follows it, and stores the object.
        let prepared = entry::prepare(self.object)?;
        let (activity, actor_id) = (self.id.to_string(), self.actor.inner().to_string());
        let host = authority(self.actor.inner());
        let outcome = data
            .db
            .write_grouped(move |conn| {
                let now = now();
                if !activities::record_received(conn, &activity, now)? {
                    return Ok(Outcome::Duplicate);
                }
                let revived =
                    delivery::is_waiting(conn, &host, now)? && delivery::revive(conn, &host, now)?;
                let Some(actor) = CentreRow::find_by_actor_id(conn, &actor_id)? else {
                    return Ok(Outcome::Ignored(revived));
                };
                // The directory takes in what the centres it follows publish, nothing else.
                if !actor.is_directory || !FollowRow::is_followed(conn, actor.id)? {
                    return Ok(Outcome::Ignored(revived));
                }
                Ok(Outcome::Applied(
                    entry::apply(conn, &prepared, &actor)?,
                    revived,
                ))
            })
            .await?;
        match outcome {
            Outcome::Duplicate => Ok(()),
            Outcome::Ignored(revived) => {
                wake_if(revived, data);
                tracing::info!(
                    "ignoring {}: not from a directory centre this node follows",
                    self.id
                );
                Ok(())
            }
            Outcome::Applied(stored, revived) => {
                wake_if(revived, data);
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
    }
}

enum Outcome {
    Duplicate,
    Ignored(bool),
    Applied(Result<(), FederationError>, bool),
}

fn wake_if(revived: bool, data: &Data<FederationData>) {
    if revived {
        data.wake.notify_one();
    }
}
