//! Delete: the owner removes an object; every copy goes, and a tombstone keeps it gone. Queued
//! when a local entry is deleted or stops reaching someone (see `federation::publish`),
//! received from the owners of the copies we hold.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::DeleteType;
use activitypub_federation::kinds::object::TombstoneType;
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use activitypub_federation::traits::Activity;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::object_id;
use crate::domain::urls::NodeUrls;
use crate::federation::audience::Audience;
use crate::federation::checks::{verify_activity_origin, verify_same_authority};
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::groups::{Relayed, RelayedKind, relay_in};
use crate::federation::objects::centre::ApubCentre;
use crate::federation::protocol::public_collection;
use crate::federation::{FederationData, FederationError, activity_id};
use crate::storage::centres::CentreRow;
use crate::storage::contacts::ContactRow;
use crate::storage::events::EventRow;
use crate::storage::places::PlaceRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::software::SoftwareRow;
use crate::storage::{Conn, StorageError, activities, now};

/// Delete of an object: its id, or a Tombstone (or the object) carrying it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", try_from = "DeleteWire")]
pub struct Delete {
    #[serde(rename = "type")]
    pub kind: DeleteType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Value,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
}

/// A Delete as some servers send it: GoToSocial leaves out the activity's `id`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteWire {
    #[serde(rename = "type")]
    kind: DeleteType,
    id: Option<Url>,
    actor: ObjectId<ApubCentre>,
    object: Value,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    cc: Vec<Url>,
}

impl TryFrom<DeleteWire> for Delete {
    type Error = String;

    fn try_from(wire: DeleteWire) -> Result<Self, String> {
        let id = match wire.id {
            Some(id) => id,
            None => implicit_delete_id(&wire.object).ok_or("a Delete names no object")?,
        };
        Ok(Self {
            kind: wire.kind,
            id,
            actor: wire.actor,
            object: wire.object,
            to: wire.to,
            cc: wire.cc,
        })
    }
}

/// The id given to a Delete that has none: its object's id with `#delete`, on the same
/// authority as the object, so origin checks still apply.
pub(crate) fn implicit_delete_id(object: &Value) -> Option<Url> {
    let mut id = object_id(object)?;
    id.set_fragment(Some("delete"));
    Some(id)
}

/// What stands at a deleted object's id: in a Delete we send, and served (410) at the id.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Tombstone {
    #[serde(rename = "type")]
    pub kind: TombstoneType,
    pub id: Url,
}

impl Tombstone {
    pub(crate) fn new(id: Url) -> Self {
        Self {
            kind: TombstoneType::Tombstone,
            id,
        }
    }
}

/// Queues a Delete of the local entry `ap_id` for `inboxes`, in `conn`'s transaction.
/// Addressed as the entry was: a `network` card's Delete names the peer centres that had it
/// (`directory_peers`), never Public or the followers collection.
pub(crate) fn queue_delete(
    conn: &mut Conn,
    urls: &NodeUrls,
    centre: &CentreRow,
    ap_id: &str,
    inboxes: &[Url],
    audience: Audience,
    directory_peers: Vec<Url>,
) -> Result<(), StorageError> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let actor =
        ApubCentre::new(centre.clone()).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let id = activity_id(urls, "delete");
    let (to, cc) = if audience == Audience::DirectoryPeers {
        (directory_peers, Vec::new())
    } else {
        (vec![public_collection()], vec![actor.followers_url()])
    };
    let object = Url::parse(ap_id).map_err(|e| StorageError::Corrupt(format!("{ap_id}: {e}")))?;
    let delete = Delete {
        kind: DeleteType::Delete,
        id: id.clone(),
        actor: ObjectId::from(actor.id.clone()),
        object: serde_json::to_value(Tombstone::new(object))?,
        to,
        cc,
    };
    enqueue_in(conn, &id, centre.id, delete, inboxes, &urls.authority())
}

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
        let urls = data.urls.clone();
        let (activity, object) = (self.id.clone(), target.clone());
        let removed = data
            .db
            .write(move |conn| {
                let removed = match remove_copy(conn, target.as_str(), Some(&actor))? {
                    Ok(removed) => removed,
                    Err(e) => return Ok(Err(e)),
                };
                // Remember it even if we never had it: its Create may still be on its way.
                activities::add_tombstone(conn, target.as_str(), now())?;
                // A member's entry gone: the networks of this node that relay it say so.
                if let Some(origin) = removed {
                    let relayed = Relayed {
                        kind: RelayedKind::Delete,
                        activity: activity.clone(),
                        origin,
                        object: object.clone(),
                    };
                    if relay_in(conn, &urls, origin, &relayed)? {
                        return Ok(Ok(true));
                    }
                }
                Ok(Ok(false))
            })
            .await??;
        if removed {
            data.wake.notify_one();
        }
        Ok(())
    }
}

/// Removes the copy held of `id` (a recommendation, a contact card, a place or an event),
/// checking, when `owner` is given, that it is that actor's; a local object is never removed.
/// Returns the copy's centre if it was a recommendation, a place or an event (what networks
/// relay), `None` if it was a contact card or nothing was held.
pub(crate) fn remove_copy(
    conn: &mut Conn,
    id: &str,
    owner: Option<&str>,
) -> Result<Result<Option<i64>, FederationError>, StorageError> {
    let refuse = |what: &str| Ok(Err(FederationError::Forbidden(format!("{id} {what}"))));
    let owned = |centre: &CentreRow| owner.is_none_or(|o| centre.actor_id == o);
    if let Some((rec, centre, software)) = RecommendationRow::find_by_ap_id(conn, id)? {
        if !owned(&centre) {
            return refuse("is not the sender's");
        }
        if rec.local {
            return refuse("is a local object");
        }
        RecommendationRow::delete(conn, rec.id)?;
        SoftwareRow::delete_if_unused(conn, software.id)?;
        return Ok(Ok(Some(centre.id)));
    }
    if let Some((row, centre)) = ContactRow::find_by_ap_id(conn, id)? {
        if !owned(&centre) || row.local {
            return refuse("is not the sender's");
        }
        ContactRow::delete(conn, row.id)?;
        return Ok(Ok(None));
    }
    if let Some((row, centre)) = PlaceRow::find_by_ap_id(conn, id)? {
        if !owned(&centre) || row.local {
            return refuse("is not the sender's");
        }
        PlaceRow::delete(conn, row.id)?;
        return Ok(Ok(Some(centre.id)));
    }
    if let Some((row, centre, _)) = EventRow::find_by_ap_id(conn, id)? {
        if !owned(&centre) || row.local {
            return refuse("is not the sender's");
        }
        EventRow::delete(conn, row.id)?;
        return Ok(Ok(Some(centre.id)));
    }
    Ok(Ok(None))
}
