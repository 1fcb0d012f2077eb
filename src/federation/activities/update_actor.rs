//! Update of an actor: sent to a centre's followers whenever its profile changes (name,
//! description, website, region, icon, header, contact), as Mastodon does on every profile save,
//! so that other servers show the change at once instead of after their next refetch (a day or
//! more); and received from the actors we know, whose stored profile it refreshes.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::UpdateType;
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use activitypub_federation::traits::{Activity, Object};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::domain::urls::NodeUrls;
use crate::federation::audience::{Audience, reached};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::protocol::actor::Actor;
use crate::federation::protocol::public_collection;
use crate::federation::{FederationData, FederationError, activity_id};
use crate::storage::centres::CentreRow;
use crate::storage::{Conn, StorageError};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateActor {
    #[serde(rename = "type")]
    pub kind: UpdateType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Actor,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
}

/// Queues an Update of the local centre `row`'s actor for every follower, in `conn`'s
/// transaction (the profile is never saved without it).
pub(crate) fn queue(
    conn: &mut Conn,
    urls: &NodeUrls,
    row: &CentreRow,
    manual_approval: bool,
) -> Result<(), StorageError> {
    let (inboxes, _) = reached(conn, row.id, Audience::Everyone)?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let corrupt = |e: FederationError| StorageError::Corrupt(e.to_string());
    let actor = ApubCentre::new(row.clone()).map_err(corrupt)?;
    let mut document = actor.document(urls, manual_approval).map_err(corrupt)?;
    super::move_actor::add_move_in(conn, &mut document, row)?;
    let id = activity_id(urls, "update");
    let update = UpdateActor {
        kind: UpdateType::Update,
        id: id.clone(),
        actor: ObjectId::from(actor.id.clone()),
        to: vec![public_collection()],
        cc: vec![actor.followers_url()],
        object: document,
    };
    enqueue_in(conn, &id, row.id, update, &inboxes, &urls.authority())
}

#[async_trait]
impl Activity for UpdateActor {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    /// Only an actor updates itself, with a document that passes the checks of a fetched one.
    async fn verify(&self, data: &Data<FederationData>) -> Result<(), FederationError> {
        verify_activity_origin(&self.id, self.actor.inner())?;
        if self.object.id.inner() != self.actor.inner() {
            return Err(FederationError::Forbidden(format!(
                "{} cannot update the actor {}",
                self.actor.inner(),
                self.object.id.inner()
            )));
        }
        ApubCentre::verify(&self.object, self.actor.inner(), data).await
    }

    /// Refreshes an actor we already hold (a centre we follow, a follower); an Update of an
    /// actor we never met stores nothing (anyone may send one).
    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let id = self.actor.inner().to_string();
        let known = data
            .db
            .run(move |conn| CentreRow::find_by_actor_id(conn, &id))
            .await?;
        match known {
            Some(row) if row.local => Err(FederationError::Forbidden(format!(
                "{} is a local actor",
                row.actor_id
            ))),
            Some(_) => ApubCentre::from_json(self.object, data).await.map(|_| ()),
            None => Ok(()),
        }
    }
}
