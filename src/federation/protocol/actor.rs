//! Actor documents: our centres (`Organization`) and whoever follows them (a Mastodon `Person`,
//! another directory's `Organization`, a relay's `Service`...).

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::helpers::deserialize_skip_error;
use activitypub_federation::protocol::public_key::PublicKey;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::federation::objects::centre::ApubCentre;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: ObjectId<ApubCentre>,
    pub preferred_username: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub name: Option<String>,
    /// HTML.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub summary: Option<String>,
    /// The actor's web page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub url: Option<Url>,
    pub inbox: Url,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub outbox: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub followers: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub following: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub endpoints: Option<Endpoints>,
    pub public_key: PublicKey,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub icon: Option<Image>,
    /// The header image.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub image: Option<Image>,
    /// Profile fields (`PropertyValue`s), as Mastodon shows them.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "deserialize_skip_error"
    )]
    pub attachment: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "deserialize_skip_error")]
    pub manually_approves_followers: bool,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub discoverable: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub indexable: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub published: Option<DateTime<Utc>>,
    /// Present and true on Maillage directory centres (see FEDERATION.md). Peers count as
    /// directory centres only when their actor says so here.
    #[serde(
        rename = "maillage:directory",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub directory: Option<DirectoryCentre>,
    /// The other actors this one says it also is: a `Move` to it from one of them is taken
    /// (Mastodon's rule). Ids only; one or many.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "activitypub_federation::protocol::helpers::deserialize_one_or_many"
    )]
    pub also_known_as: Vec<Url>,
    /// Where the actor moved to.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub moved_to: Option<Url>,
}

/// What a directory centre says of itself beyond the ActivityStreams actor.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryCentre {
    /// The centre's own website (not its profile page).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub website: Option<Url>,
    /// ISO 3166 code of the area it serves.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub region: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub shared_inbox: Option<Url>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    #[serde(rename = "type", default = "image_type")]
    pub kind: String,
    pub url: Url,
}

fn image_type() -> String {
    "Image".into()
}
