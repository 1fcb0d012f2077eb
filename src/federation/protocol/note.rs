//! Directory entries on the wire: a `Note` whose HTML `content` reads well in Mastodon, with
//! one nested structured object that directory peers read (`maillage:recommendation` or
//! `maillage:contact`). No `summary`: Mastodon shows it as a content warning.

use std::collections::BTreeMap;

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::NoteType;
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::domain::contact::Area;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::entry::ApubEntry;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(rename = "type")]
    pub kind: NoteType,
    pub id: ObjectId<ApubEntry>,
    pub attributed_to: ObjectId<ApubCentre>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
    #[serde(default)]
    pub content: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub content_map: Option<BTreeMap<String, String>>,
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
    pub tag: Vec<Value>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "deserialize_skip_error"
    )]
    pub attachment: Vec<Value>,
    #[serde(
        rename = "maillage:recommendation",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub recommendation: Option<RecommendationExt>,
    #[serde(
        rename = "maillage:contact",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact: Option<ContactExt>,
}

/// A recommendation, in schema.org terms where they exist.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecommendationExt {
    pub item_reviewed: SoftwareExt,
    /// Category id from the shared taxonomy.
    pub category: String,
    /// Names of the proprietary products it replaces (Maillage term).
    pub replaces: Vec<String>,
    /// The one-paragraph summary.
    pub review_body: String,
    /// The longer rationale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub in_language: String,
    /// `recommended`, `usable` or `avoid` (Maillage term).
    pub level: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spatial_coverage: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<String>,
    /// Where it is offered as a service (Maillage term).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosting: Vec<HostingExt>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftwareExt {
    pub name: String,
    /// The homepage.
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_repository: Option<String>,
    /// SPDX expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Wikidata entity URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct HostingExt {
    pub name: String,
    pub url: String,
    /// Who runs the service (Maillage term).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderExt>,
}

/// A hosting provider as offers carry it. The receiver files it under its own record of the
/// same website, or makes one; it never changes an existing record.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ProviderExt {
    pub name: String,
    /// The provider's website.
    pub url: String,
    /// `association`, `cooperative`, `company` or `public-body` (Maillage term).
    pub kind: String,
    /// Member of the CHATONS collective (Maillage term).
    #[serde(default)]
    pub chatons: bool,
    /// ISO 3166-1 alpha-2 code (schema.org term).
    #[serde(
        default,
        rename = "addressCountry",
        skip_serializing_if = "Option::is_none"
    )]
    pub country: Option<String>,
}

/// A mediator contact card, limited to what the person consented to publish.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactExt {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_served: Option<Area>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knows_about: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knows_language: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The contact form's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<String>,
    /// `network` (peer directory centres' staff only) or `public`.
    pub visibility: String,
}
