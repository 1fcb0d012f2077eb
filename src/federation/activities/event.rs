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
use super::create_or_update::receive_prepared;
use crate::domain::urls::NodeUrls;
use crate::federation::audience::{Audience, reached};
use crate::federation::checks::verify_authored;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::entry;
use crate::federation::objects::event::{self, ApubEvent};
use crate::federation::protocol::event::EventObject;
use crate::federation::{FederationData, FederationError, activity_id};
use crate::storage::{Conn, StorageError};

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
        // As for entries: applied once, only from a directory centre this node follows.
        let prepared = entry::Prepared::Event(Box::new(event::prepare(self.object)?));
        let kind = self.kind.relayed();
        receive_prepared(&self.id, kind, self.actor.inner(), prepared, data).await
    }
}
