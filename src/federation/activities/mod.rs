//! What we receive, and how it is applied. Each activity checks its origins in `verify` (on the
//! whole authority, host and port: the library compares hosts only) and applies the
//! directory's rules in `receive`, writing through `storage`.

mod announce;
mod create_or_update;
mod delete;
mod follow;
mod undo;

use activitypub_federation::config::Data;
use activitypub_federation::traits::Activity;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::federation::objects::verify_same_authority;
use crate::federation::protocol::activities::{
    Accept, Announce, CreateOrUpdate, Delete, Follow, Reject, Undo,
};
use crate::federation::{FederationData, FederationError};
use crate::storage::{activities, delivery, now};

pub use announce::receive_announce;

/// Every activity the inboxes take. Types not listed are acknowledged and ignored.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum InboxActivity {
    Follow(Follow),
    Accept(Accept),
    Reject(Reject),
    Undo(Undo),
    CreateOrUpdate(Box<CreateOrUpdate>),
    Delete(Delete),
    Announce(Announce),
}

macro_rules! each {
    ($self:expr, $a:ident => $body:expr) => {
        match $self {
            InboxActivity::Follow($a) => $body,
            InboxActivity::Accept($a) => $body,
            InboxActivity::Reject($a) => $body,
            InboxActivity::Undo($a) => $body,
            InboxActivity::CreateOrUpdate($a) => $body,
            InboxActivity::Delete($a) => $body,
            InboxActivity::Announce($a) => $body,
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
        if let Self::CreateOrUpdate(a) = self {
            return a.receive(data).await;
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
    "Follow", "Accept", "Reject", "Undo", "Create", "Update", "Delete", "Announce",
];

/// An activity's id is on its actor's authority (host and port).
fn verify_activity_origin(id: &Url, actor: &Url) -> Result<(), FederationError> {
    verify_same_authority(id, actor)
}

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
