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

pub use announce::receive_announce;

/// Every activity the inboxes take. Types not listed are acknowledged and ignored.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
#[enum_delegate::implement(Activity)]
pub enum InboxActivity {
    Follow(Follow),
    Accept(Accept),
    Reject(Reject),
    Undo(Undo),
    CreateOrUpdate(Box<CreateOrUpdate>),
    Delete(Delete),
    Announce(Announce),
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
