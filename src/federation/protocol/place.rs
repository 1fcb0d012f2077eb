//! Mediation places on the wire: an ActivityStreams `Place` shaped as Mobilizon shapes an
//! event's location (`name`, a schema.org `PostalAddress` in `address`), with `latitude` and
//! `longitude`, and every field of the national schema "Lieux de médiation numérique" in one
//! nested structured object, `maillage:place`, which directory peers read.

use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

/// `"type": "Place"`, and nothing else.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum PlaceType {
    #[default]
    Place,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    #[serde(rename = "type")]
    pub kind: PlaceType,
    pub id: Url,
    pub attributed_to: Url,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
    #[serde(default)]
    pub name: String,
    /// Degrees; Pixelfed writes them as strings, which are read too.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coordinate"
    )]
    pub latitude: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "coordinate"
    )]
    pub longitude: Option<f64>,
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
    pub url: Option<Url>,
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
    /// The national schema's fields, by their schema names (`nom`, `code_postal`, `services`…;
    /// the schema's `id` is `source_id`). Kept as JSON here: the domain validates it.
    #[serde(
        rename = "maillage:place",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub place: Option<Value>,
}

/// schema.org's `PostalAddress`, as Mobilizon sends it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(rename = "type", default = "postal_address")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
}

fn postal_address() -> String {
    "PostalAddress".into()
}

/// A number, or a string holding one; anything else is an error (a Place with a coordinate
/// that is not a number is refused, not read as having none).
fn coordinate<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    use serde::de::Error;
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .map(Some)
            .ok_or_else(|| D::Error::custom("a coordinate out of range")),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("`{s}` is not a coordinate"))),
        Some(other) => Err(D::Error::custom(format!("{other} is not a coordinate"))),
    }
}
