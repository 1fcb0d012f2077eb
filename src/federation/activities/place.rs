//! Create and Update of mediation places (a `Place`): queued when a local place is created,
//! imported or edited, listed in our outboxes, and received from the centres we follow. A
//! deleted place goes out as the entries' `Delete` (`delete.rs`). Places are public: they go
//! to every follower.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{CreateType, UpdateType};
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use activitypub_federation::traits::Activity;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use super::create_or_update::{CreateOrUpdateType, receive_prepared};
use crate::domain::urls::NodeUrls;
use crate::federation::audience::{Audience, reached};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::entry::Prepared;
use crate::federation::objects::place;
use crate::federation::protocol::place::Place;
use crate::federation::publish;
use crate::federation::{FederationData, FederationError, activity_id};
use crate::storage::centres::CentreRow;
use crate::storage::places::PlaceRow;
use crate::storage::{Conn, StorageError};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrUpdatePlace {
    #[serde(rename = "type")]
    pub kind: CreateOrUpdateType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Place,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
    /// Given in outbox listings (the place's creation), not in pushed activities.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub published: Option<DateTime<Utc>>,
}

impl CreateOrUpdatePlace {
    fn of(id: Url, kind: CreateOrUpdateType, object: Place) -> Self {
        Self {
            id,
            kind,
            actor: object.attributed_to.clone().into(),
            to: object.to.clone(),
            cc: object.cc.clone(),
            published: None,
            object,
        }
    }

    /// The Create of one local place, as its centre's outbox lists it: a stable id (the
    /// place's, with `#create`) and the place's creation date.
    pub(crate) fn in_outbox(conn: &mut Conn, ap_id: &str) -> Result<Self, StorageError> {
        let (row, centre) = PlaceRow::find_by_ap_id(conn, ap_id)?.ok_or(StorageError::NotFound)?;
        let object = place::object(&row, &centre)?;
        let id = Url::parse(&format!("{ap_id}#create"))
            .map_err(|e| StorageError::Corrupt(format!("{ap_id}: {e}")))?;
        Ok(Self {
            published: object.published,
            ..Self::of(id, CreateOrUpdateType::Create(CreateType::Create), object)
        })
    }
}

/// A local place was created (`created`) or edited: its centre's followers get a Create or an
/// Update, queued in `conn`'s transaction.
pub(crate) fn place_changed(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    created: bool,
) -> Result<(), StorageError> {
    let (row, centre) = PlaceRow::find_by_ap_id(conn, ap_id)?.ok_or(StorageError::NotFound)?;
    let (inboxes, _) = reached(conn, centre.id, Audience::Everyone)?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let (kind, name) = if created {
        (CreateOrUpdateType::Create(CreateType::Create), "create")
    } else {
        (CreateOrUpdateType::Update(UpdateType::Update), "update")
    };
    let id = activity_id(urls, name);
    let activity = CreateOrUpdatePlace::of(id.clone(), kind, place::object(&row, &centre)?);
    enqueue_in(conn, &id, centre.id, activity, &inboxes, &urls.authority())
}

/// A local place was deleted: its followers get a Delete, and its id answers 410 from now on.
pub(crate) fn place_deleted(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    centre: &CentreRow,
) -> Result<(), StorageError> {
    publish::entry_deleted(conn, urls, ap_id, centre, Audience::Everyone)
}

#[async_trait]
impl Activity for CreateOrUpdatePlace {
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
        place::verify(&self.object, self.actor.inner(), data).await
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let prepared = Prepared::Place(Box::new(place::prepare(self.object)?));
        let kind = self.kind.relayed();
        receive_prepared(&self.id, kind, self.actor.inner(), prepared, data).await
    }
}
