//! Workshops and permanences on the wire: an ActivityStreams `Event` shaped like Mobilizon's
//! (`name`, `startTime`, `endTime`, a `location` Place with a schema.org `PostalAddress`,
//! `url`, `attributedTo`), with a plain-text `summary` (the time, the place and the
//! description: what Mastodon shows under the event's name, since it turns an Event into a
//! status made of `name`, `summary` and `url`), an HTML `content`, the booking and online
//! links as `attachment` Links, and `maillage:event` holding the description and links for
//! directory peers, so that a copy is the event as its author wrote it.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::{EventType, PlaceType};
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::event::ApubEvent;
use crate::federation::protocol::place::PostalAddress;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventObject {
    #[serde(rename = "type")]
    pub kind: EventType,
    pub id: ObjectId<ApubEvent>,
    pub attributed_to: ObjectId<ApubCentre>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
    pub name: String,
    /// Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// HTML.
    #[serde(default)]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    pub start_time: DateTime<FixedOffset>,
    pub end_time: DateTime<FixedOffset>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub location: Option<PlaceObject>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub url: Option<Url>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "deserialize_skip_error"
    )]
    pub attachment: Vec<Value>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub published: Option<DateTime<Utc>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub updated: Option<DateTime<Utc>>,
    #[serde(
        rename = "maillage:event",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub event: Option<EventExt>,
}

/// Where: an ActivityStreams Place, as Mobilizon writes it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceObject {
    #[serde(rename = "type")]
    pub kind: PlaceType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Url>,
    pub name: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub address: Option<PostalAddress>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub latitude: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub longitude: Option<f64>,
}

/// `maillage:event`: what the author wrote, for directory peers.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventExt {
    /// Plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
}
