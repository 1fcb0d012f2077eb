//! The activities, one file each: the wire struct, how we build and send it, and how we
//! verify and apply it when it arrives (the shape of Lemmy's `activities/following/follow.rs`).
//!
//! | file                  | activity                                                     |
//! |-----------------------|--------------------------------------------------------------|
//! | `follow.rs`           | Follow: a centre follows another                             |
//! | `accept.rs`           | Accept of a Follow (then the `network` cards for a trusted peer) |
//! | `reject.rs`           | Reject of a Follow                                            |
//! | `undo.rs`             | Undo of a Follow (unfollow) or of an Announce                |
//! | `help_message.rs`     | Create of a direct message (a `Note`): help requests, replies |
//! | `create_or_update.rs` | Create and Update of a directory entry (a `Note`)            |
//! | `update_actor.rs`     | Update of an actor: a centre's profile changed               |
//! | `place.rs`            | Create and Update of a mediation place (a `Place`)           |
//! | `event.rs`            | Create and Update of a workshop or permanence (an `Event`)   |
//! | `delete.rs`           | Delete of an entry, a place or an event (a `Tombstone`)      |
//! | `announce.rs`         | Announce: a directory centre endorses a recommendation       |
//! | `move_actor.rs`       | Move: a centre moves to a new actor (new domain)             |
//!
//! Sending never goes to the network directly: activities are put on the persistent queue
//! ([`crate::federation::delivery::queue`]). Receiving: each activity checks its origins in
//! `verify` ([`crate::federation::checks`]) and applies the directory's rules in `receive`,
//! writing through `storage`.

pub(crate) mod accept;
pub(crate) mod announce;
pub(crate) mod create_or_update;
pub(crate) mod delete;
pub(crate) mod event;
pub(crate) mod follow;
pub(crate) mod help_message;
pub(crate) mod move_actor;
pub(crate) mod place;
pub(crate) mod reject;
pub(crate) mod undo;
pub(crate) mod update_actor;

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::{FederationData, FederationError};
use crate::storage::{activities, delivery, now};

pub use accept::Accept;
pub use announce::Announce;
pub use create_or_update::{CreateOrUpdate, CreateOrUpdateType};
pub use delete::{Delete, Tombstone};
pub use event::CreateOrUpdateEvent;
pub use follow::Follow;
pub use help_message::CreateMessage;
pub use move_actor::Move;
pub use place::CreateOrUpdatePlace;
pub use reject::Reject;
pub use undo::Undo;
pub use update_actor::UpdateActor;

/// Every activity the inboxes take. Types not listed are acknowledged and ignored.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum InboxActivity {
    Follow(Follow),
    Accept(Accept),
    Reject(Reject),
    Undo(Undo),
    /// Before entries: a Note that mentions someone and is no directory entry.
    CreateMessage(Box<CreateMessage>),
    CreateOrUpdate(Box<CreateOrUpdate>),
    /// After entries: an Update whose object is not a directory entry.
    UpdateActor(Box<UpdateActor>),
    CreateOrUpdatePlace(Box<CreateOrUpdatePlace>),
    /// Tried after `CreateOrUpdate`, whose object must be a Note.
    CreateOrUpdateEvent(Box<CreateOrUpdateEvent>),
    Delete(Delete),
    Announce(Announce),
    Move(Move),
}

macro_rules! each {
    ($self:expr, $a:ident => $body:expr) => {
        match $self {
            InboxActivity::Follow($a) => $body,
            InboxActivity::Accept($a) => $body,
            InboxActivity::Reject($a) => $body,
            InboxActivity::Undo($a) => $body,
            InboxActivity::CreateMessage($a) => $body,
            InboxActivity::CreateOrUpdate($a) => $body,
            InboxActivity::UpdateActor($a) => $body,
            InboxActivity::CreateOrUpdatePlace($a) => $body,
            InboxActivity::CreateOrUpdateEvent($a) => $body,
            InboxActivity::Delete($a) => $body,
            InboxActivity::Announce($a) => $body,
            InboxActivity::Move($a) => $body,
        }
    };
}

/// The library calls `receive` only once the signature is verified and `verify` passed: that
/// is where an activity id is recorded as received (applied once). Recorded earlier, a forged
/// copy of a real activity, refused afterwards, could have the real one dropped as a
/// duplicate while it was being checked. Creates and Updates record it in the transaction
/// that stores their object (see `create_or_update`).
#[async_trait::async_trait]
impl Activity for InboxActivity {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        each!(self, a => a.id())
    }

    fn actor(&self) -> &Url {
        each!(self, a => a.actor())
    }

    async fn verify(&self, data: &Data<FederationData>) -> Result<(), FederationError> {
        each!(self, a => a.verify(data).await)
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        // Creates and Updates of entries, places and events record their id in the
        // transaction that stores their object.
        match self {
            Self::CreateOrUpdate(a) => return a.receive(data).await,
            Self::CreateOrUpdatePlace(a) => return a.receive(data).await,
            Self::CreateOrUpdateEvent(a) => return a.receive(data).await,
            _ => {}
        }
        let id = self.id().to_string();
        let host = crate::federation::authority(self.actor());
        let (recorded, revived) = {
            let id = id.clone();
            data.db
                .write_grouped(move |conn| {
                    let now = now();
                    let recorded = activities::record_received(conn, &id, now)?;
                    // Its server is up: what we had queued for it may go now.
                    let revived = delivery::is_waiting(conn, &host, now)?
                        && delivery::revive(conn, &host, now)?;
                    Ok((recorded, revived))
                })
                .await?
        };
        if revived {
            data.wake.notify_one();
        }
        if !recorded {
            return Ok(());
        }
        let outcome = each!(self, a => a.receive(data).await);
        if outcome.is_err() {
            // Not applied: let the sender's retry be applied.
            data.db
                .write(move |conn| activities::forget_received(conn, &id))
                .await?;
        }
        outcome
    }
}

/// The `type`s of [`InboxActivity`].
pub const HANDLED_TYPES: &[&str] = &[
    "Follow", "Accept", "Reject", "Undo", "Create", "Update", "Delete", "Announce", "Move",
];

/// Whether one of our centres follows `actor` (accepted).
async fn is_followed(
    actor_row_id: i64,
    data: &Data<FederationData>,
) -> Result<bool, FederationError> {
    Ok(data
        .db
        .run(move |conn| crate::storage::follows::FollowRow::is_followed(conn, actor_row_id))
        .await?)
}

/// An earlier activity named inside another: the Follow an Accept, a Reject or an Undo
/// answers, the Announce an Undo withdraws. Sent embedded, as Mastodon does; received as a
/// bare `Value`, since servers send it embedded or as its id.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Embedded<K> {
    #[serde(rename = "type")]
    pub kind: K,
    pub id: Url,
    pub actor: Url,
    pub object: Url,
}

impl<K: Serialize> Embedded<K> {
    pub(crate) fn into_value(self) -> Value {
        serde_json::to_value(self).expect("an activity reference serialises")
    }
}

/// The `id` of an object given embedded or as a bare id.
pub(crate) fn object_id(object: &Value) -> Option<Url> {
    match object {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(map) => map
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

/// The `type` of an embedded object, if it is embedded.
pub(crate) fn object_type(object: &Value) -> Option<&str> {
    object.get("type").and_then(Value::as_str)
}
