//! Create and Update of directory entries (a `Note`): queued when a local entry starts
//! reaching someone or changes (see `federation::publish`), listed in our outboxes, and
//! received from the centres we follow.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{CreateType, UpdateType};
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use activitypub_federation::traits::{Activity, Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::domain::urls::NodeUrls;
use crate::federation::checks::verify_authored;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::groups::{Relayed, RelayedKind, relay_by};
use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::entry::{self, ApubEntry};
use crate::federation::protocol::note::Note;
use crate::federation::{FederationData, FederationError, activity_id, authority};
use crate::storage::centres::CentreRow;
use crate::storage::groups;
use crate::storage::{Conn, StorageError, activities, delivery, now};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum CreateOrUpdateType {
    Create(CreateType),
    Update(UpdateType),
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrUpdate {
    #[serde(rename = "type")]
    pub kind: CreateOrUpdateType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Note,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
    /// Given in outbox listings (the entry's publication), not in pushed activities.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub published: Option<DateTime<Utc>>,
}

impl CreateOrUpdate {
    /// The activity for `note` (of one of our entries), addressed as the note is.
    fn of(id: Url, kind: CreateOrUpdateType, note: Note) -> Self {
        Self {
            id,
            kind,
            actor: note.attributed_to.inner().clone().into(),
            to: note.to.clone(),
            cc: note.cc.clone(),
            published: None,
            object: note,
        }
    }

    /// The Create of one local entry, as its centre's outbox lists it: a stable id (the
    /// entry's, with `#create`) and the entry's publication date.
    pub(crate) fn in_outbox(
        conn: &mut Conn,
        urls: &NodeUrls,
        ap_id: &str,
    ) -> Result<Self, StorageError> {
        let entry = ApubEntry::load_in(conn, ap_id)?.ok_or(StorageError::NotFound)?;
        let note = entry::note(conn, urls, &entry)?;
        let id = Url::parse(&format!("{ap_id}#create"))
            .map_err(|e| StorageError::Corrupt(format!("{ap_id}: {e}")))?;
        let published = note.published;
        Ok(Self {
            published,
            ..Self::of(id, CreateOrUpdateType::Create(CreateType::Create), note)
        })
    }
}

/// Queues a Create or Update of a local entry for the given inboxes, in `conn`'s transaction.
pub(crate) fn queue_entry(
    conn: &mut Conn,
    urls: &NodeUrls,
    ap_id: &str,
    kind: CreateOrUpdateType,
    inboxes: &[Url],
) -> Result<(), StorageError> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let Some(entry) = ApubEntry::load_in(conn, ap_id)? else {
        return Err(StorageError::NotFound);
    };
    let note = entry::note(conn, urls, &entry)?;
    let id = activity_id(
        urls,
        if matches!(kind, CreateOrUpdateType::Create(_)) {
            "create"
        } else {
            "update"
        },
    );
    let activity = CreateOrUpdate::of(id.clone(), kind, note);
    enqueue_in(
        conn,
        &id,
        entry.centre().id,
        activity,
        inboxes,
        &urls.authority(),
    )
}

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
        verify_authored(
            &self.id,
            self.actor.inner(),
            self.object.id.inner(),
            self.object.attributed_to.inner(),
        )?;
        ApubEntry::verify(&self.object, self.actor.inner(), data).await
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let prepared = entry::prepare(self.object)?;
        let kind = self.kind.relayed();
        receive_prepared(&self.id, kind, self.actor.inner(), prepared, data).await
    }
}

/// Stores a received, verified object (its author is the actor). One transaction records the
/// activity id (applied once), revives the sender's host if deliveries to it were waiting,
/// checks that this node follows it, and stores the object; the networks of this node that have
/// the actor as a member relay it (a recommendation, a place or an event) to their followers.
pub(crate) async fn receive_prepared(
    activity_id: &Url,
    kind: RelayedKind,
    actor: &Url,
    prepared: entry::Prepared,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let (activity, actor_id) = (activity_id.to_string(), actor.to_string());
    let host = authority(actor);
    let (urls, relayed_id) = (data.urls.clone(), activity_id.clone());
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
            let followers = groups::accepted_followers(conn, actor.id)?;
            if !actor.is_directory || followers.is_empty() {
                return Ok(Outcome::Ignored(revived));
            }
            let stored = entry::apply(conn, &prepared, &actor)?;
            let networks = groups::networks_among(followers);
            let relayed = match (&stored, relayable(&prepared)) {
                (Ok(()), Some(object)) => relay_by(
                    conn,
                    &urls,
                    actor.id,
                    &Relayed {
                        kind,
                        activity: relayed_id,
                        origin: actor.id,
                        object,
                    },
                    networks,
                )?,
                _ => false,
            };
            Ok(Outcome::Applied(stored, revived || relayed))
        })
        .await?;
    match outcome {
        Outcome::Duplicate => Ok(()),
        Outcome::Ignored(revived) => {
            wake_if(revived, data);
            tracing::info!("ignoring {activity_id}: not from a directory centre this node follows");
            Ok(())
        }
        Outcome::Applied(stored, revived) => {
            wake_if(revived, data);
            match stored {
                Ok(()) => Ok(()),
                // A deleted object stays deleted: a late or replayed Create is dropped.
                Err(FederationError::Gone(id)) => {
                    tracing::info!("ignoring {activity_id} of {id}, which was deleted");
                    Ok(())
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// The id of what networks relay: recommendations, places and events, never contact cards.
fn relayable(prepared: &entry::Prepared) -> Option<Url> {
    match prepared {
        entry::Prepared::Recommendation { id, .. } => Some(id.clone()),
        entry::Prepared::Contact { .. } => None,
        entry::Prepared::Place(place) => Some(place.id.clone()),
        entry::Prepared::Event(event) => Some(event.id.clone()),
    }
}

impl CreateOrUpdateType {
    /// As a network relays it.
    pub(crate) fn relayed(&self) -> RelayedKind {
        match self {
            Self::Create(_) => RelayedKind::Create,
            Self::Update(_) => RelayedKind::Update,
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
