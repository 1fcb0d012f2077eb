//! Create and Update of workshops and permanences (an `Event`): queued when a local event is
//! created or edited (Delete goes through `delete.rs`, as for entries), listed in the centre's
//! outbox, received from the directory centres we follow.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{CreateType, UpdateType};
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use activitypub_federation::traits::{Activity, Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use super::CreateOrUpdateType;
use crate::domain::urls::NodeUrls;
use crate::federation::audience::{Audience, reached};
use crate::federation::checks::verify_authored;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::event::{self, ApubEvent};
use crate::federation::protocol::event::EventObject;
use crate::federation::{FederationData, FederationError, activity_id, authority};
use crate::storage::centres::CentreRow;
use crate::storage::follows::FollowRow;
use crate::storage::{Conn, StorageError, activities, delivery, now};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrUpdateEvent {
    #[serde(rename = "type")]
    pub kind: CreateOrUpdateType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: EventObject,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
    /// Given in outbox listings (the event's publication), not in pushed activities.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub published: Option<DateTime<Utc>>,
}

impl CreateOrUpdateEvent {
    fn of(id: Url, kind: CreateOrUpdateType, object: EventObject) -> Self {
        Self {
            id,
            kind,
            actor: object.attributed_to.inner().clone().into(),
            to: object.to.clone(),
            cc: object.cc.clone(),
            published: None,
            object,
        }
    }

    /// The Create of one local event, as its centre's outbox lists it: a stable id (the
    /// event's, with `#create`) and its publication date.
    pub(crate) fn in_outbox(conn: &mut Conn, ap_id: &str) -> Result<Self, StorageError> {
        let event = ApubEvent::load_in(conn, ap_id)?.ok_or(StorageError::NotFound)?;
        let object = event.to_object()?;
        let id = Url::parse(&format!("{ap_id}#create"))
            .map_err(|e| StorageError::Corrupt(format!("{ap_id}: {e}")))?;
        Ok(Self {
            published: object.published,
            ..Self::of(id, CreateOrUpdateType::Create(CreateType::Create), object)
        })
    }
}

/// A local event was created (`created`) or edited: its Create or Update is queued for every
/// follower of its centre, in `conn`'s transaction.
pub(crate) fn event_changed(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    created: bool,
) -> Result<(), StorageError> {
    let event = ApubEvent::load_in(conn, ap_id)?.ok_or(StorageError::NotFound)?;
    let (inboxes, _) = reached(conn, event.centre.id, Audience::Everyone)?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let (kind, name) = if created {
        (CreateOrUpdateType::Create(CreateType::Create), "create")
    } else {
        (CreateOrUpdateType::Update(UpdateType::Update), "update")
    };
    let id = activity_id(urls, name);
    let activity = CreateOrUpdateEvent::of(id.clone(), kind, event.to_object()?);
    enqueue_in(
        conn,
        &id,
        event.centre.id,
        activity,
        &inboxes,
        &urls.authority(),
    )
}

#[async_trait]
impl Activity for CreateOrUpdateEvent {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, data: &Data<FederationData>) -> Result<(), FederationError> {
        verify_authored(
            &self.id,
            self.actor.inner(),
            self.object.id.inner(),
            self.object.attributed_to.inner(),
        )?;
        ApubEvent::verify(&self.object, self.actor.inner(), data).await
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        // As for entries: one transaction records the activity id (applied once), revives the
        // sender's host if deliveries to it were waiting, checks that this node follows it,
        // and stores the event.
        let prepared = event::prepare(self.object)?;
        let (activity, actor_id) = (self.id.to_string(), self.actor.inner().to_string());
        let host = authority(self.actor.inner());
        let (stored, revived) = data
            .db
            .write_grouped(move |conn| {
                let now = now();
                if !activities::record_received(conn, &activity, now)? {
                    return Ok((None, false));
                }
                let revived =
                    delivery::is_waiting(conn, &host, now)? && delivery::revive(conn, &host, now)?;
                let Some(actor) = CentreRow::find_by_actor_id(conn, &actor_id)? else {
                    return Ok((Some(Ok(false)), revived));
                };
                // The directory takes in what the centres it follows publish, nothing else.
                if !actor.is_directory || !FollowRow::is_followed(conn, actor.id)? {
                    return Ok((Some(Ok(false)), revived));
                }
                Ok((
                    Some(event::apply(conn, &prepared, &actor)?.map(|()| true)),
                    revived,
                ))
            })
            .await?;
        if revived {
            data.wake.notify_one();
        }
        match stored {
            // Already applied.
            None | Some(Ok(true)) => Ok(()),
            Some(Ok(false)) => {
                tracing::info!(
                    "ignoring {}: not from a directory centre this node follows",
                    self.id
                );
                Ok(())
            }
            // A deleted event stays deleted: a late or replayed Create is dropped.
            Some(Err(FederationError::Gone(id))) => {
                tracing::info!("ignoring {} of {id}, which was deleted", self.id);
                Ok(())
            }
            Some(Err(e)) => Err(e),
        }
    }
}
