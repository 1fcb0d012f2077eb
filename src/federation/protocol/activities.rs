//! Activities on the wire. Each one we receive is also an [`Activity`] of the library, whose
//! `verify` and `receive` live in `federation::activities`.
//!
//! [`Activity`]: activitypub_federation::traits::Activity

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::{
    AcceptType, AnnounceType, CreateType, DeleteType, FollowType, RejectType, UndoType, UpdateType,
};
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::objects::centre::ApubCentre;

use super::note::Note;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    #[serde(rename = "type")]
    pub kind: FollowType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: ObjectId<ApubCentre>,
}

/// Accept or Reject of a Follow: the Follow may come embedded or as its id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Accept {
    #[serde(rename = "type")]
    pub kind: AcceptType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Value,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reject {
    #[serde(rename = "type")]
    pub kind: RejectType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Value,
}

/// Undo of a Follow or an Announce, embedded or by id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Undo {
    #[serde(rename = "type")]
    pub kind: UndoType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: Value,
    #[serde(
        default,
        deserialize_with = "deserialize_one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "deserialize_one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<Url>,
}

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
}

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
pub fn implicit_delete_id(object: &Value) -> Option<Url> {
    let mut id = object_id(object)?;
    id.set_fragment(Some("delete"));
    Some(id)
}

/// A re-share. From a directory centre we follow, an endorsement; from anyone else (a Mastodon
/// boost), nothing the directory takes in.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Announce {
    #[serde(rename = "type")]
    pub kind: AnnounceType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    /// The announced object's id (or the object, whose id alone we trust).
    pub object: Value,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
}

/// The `id` of an object given embedded or as a bare id.
pub fn object_id(object: &Value) -> Option<Url> {
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
pub fn object_type(object: &Value) -> Option<&str> {
    object.get("type").and_then(Value::as_str)
}
