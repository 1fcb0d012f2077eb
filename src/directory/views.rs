//! What the directory shows of its records: the JSON of the API and of the exports.
//! Built from storage rows; contact views apply visibility and consent here, in one place.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::contact::{self, Area, Consent, Visibility};
use crate::domain::provider::HostedOffer;
use crate::storage::centres::CentreRow;
use crate::storage::contacts::ContactRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::software::SoftwareRow;

use super::Access;

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SoftwareView {
    /// Stable identifier on this node (`nextcloud`).
    pub slug: String,
    pub name: String,
    pub homepage: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// SPDX expression, absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
}

impl From<&SoftwareRow> for SoftwareView {
    fn from(row: &SoftwareRow) -> Self {
        Self {
            slug: row.slug.clone(),
            name: row.name.clone(),
            homepage: row.homepage.clone(),
            repository: row.repository.clone(),
            license: row.license.clone(),
            wikidata: row.wikidata.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecommendationView {
    /// Always `recommendation`.
    pub kind: String,
    /// Absolute URL on the authoring node; its ActivityPub id.
    pub id: String,
    /// This node's key for it (its page is `/recommendations/{key}`); not in the JSON, where
    /// the id is the identity.
    #[serde(skip)]
    pub key: String,
    /// Hidden by this node's moderators (only staff ever see it then).
    #[serde(skip)]
    pub hidden: bool,
    /// Actor id of the centre that wrote it.
    pub origin: String,
    pub origin_name: String,
    /// Whether this node's own centre wrote it (false for copies received from peers).
    pub local: bool,
    pub software: SoftwareView,
    pub replaces: Vec<String>,
    pub category: String,
    pub summary: String,
    pub language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    pub level: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub hosting: Vec<HostedOffer>,
    pub audience: Vec<String>,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    pub updated: DateTime<Utc>,
    /// Actor ids of the centres that endorse (re-share) it.
    #[serde(default)]
    pub endorsed_by: Vec<String>,
}

impl RecommendationView {
    pub(crate) fn build(
        rec: &RecommendationRow,
        centre: &CentreRow,
        software: &SoftwareRow,
        replaces: Vec<String>,
        endorsed_by: Vec<String>,
    ) -> Self {
        Self {
            kind: "recommendation".into(),
            id: rec.ap_id.clone(),
            key: rec.key.clone(),
            hidden: rec.hidden,
            origin: centre.actor_id.clone(),
            origin_name: centre.name.clone(),
            local: rec.local,
            software: software.into(),
            replaces,
            category: rec.category.clone(),
            summary: rec.summary.clone(),
            language: rec.language.clone(),
            rationale: rec.rationale.clone(),
            level: rec.level.as_str().to_owned(),
            region: rec.region.clone(),
            // Written by us from validated values; an unreadable value shows as empty
            // rather than hiding the whole recommendation.
            hosting: serde_json::from_str(&rec.hosting).unwrap_or_default(),
            audience: serde_json::from_str(&rec.audience).unwrap_or_default(),
            status: rec.status.as_str().to_owned(),
            published: rec.published_at.map(utc),
            updated: utc(rec.updated_at),
            endorsed_by,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContactView {
    /// Always `contact`.
    pub kind: String,
    pub id: String,
    /// This node's key for it (its page is `/contacts/{key}`).
    #[serde(skip)]
    pub key: String,
    /// Hidden by this node's moderators.
    #[serde(skip)]
    pub hidden: bool,
    pub origin: String,
    pub origin_name: String,
    pub local: bool,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub skills: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub languages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_form: Option<String>,
    /// Shown to staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Shown to staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    pub updated: DateTime<Utc>,
}

impl ContactView {
    /// Staff see the whole card; everyone else sees only the fields the person consented to.
    pub(crate) fn build(row: &ContactRow, centre: &CentreRow, access: Access) -> Self {
        let consent: Option<Consent> = row
            .consent
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok());
        let staff = access == Access::Staff;
        let shown = |term: &str| staff || contact::allows(consent.as_ref(), term);
        let area: Area = serde_json::from_str(&row.area).unwrap_or_default();
        let list = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
        Self {
            kind: "contact".into(),
            id: row.ap_id.clone(),
            key: row.key.clone(),
            hidden: row.hidden,
            origin: centre.actor_id.clone(),
            origin_name: centre.name.clone(),
            local: row.local,
            name: row.name.clone(),
            role: row.role.clone().filter(|_| shown("role")),
            area: Some(area).filter(|a| shown("area") && *a != Area::default()),
            skills: if shown("skills") {
                list(&row.skills)
            } else {
                Vec::new()
            },
            languages: if shown("languages") {
                list(&row.languages)
            } else {
                Vec::new()
            },
            email: row.email.clone().filter(|_| shown("email")),
            phone: row.phone.clone().filter(|_| shown("phone")),
            website: row.website.clone().filter(|_| shown("website")),
            contact_form: row.contact_form.clone().filter(|_| shown("contact_form")),
            visibility: staff.then_some(row.visibility),
            consent: if staff { consent } else { None },
            updated: utc(row.updated_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CentreView {
    /// The actor id.
    pub id: String,
    pub username: String,
    /// `@username@domain`.
    pub handle: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub local: bool,
    pub updated: DateTime<Utc>,
}

impl From<&CentreRow> for CentreView {
    fn from(row: &CentreRow) -> Self {
        Self {
            id: row.actor_id.clone(),
            username: row.username.clone(),
            handle: format!("@{}@{}", row.username, row.domain),
            name: row.name.clone(),
            summary: row.summary.clone(),
            website: row.website.clone(),
            region: row.region.clone(),
            icon: row.avatar(),
            header: row.header.clone(),
            contact: row.contact.clone(),
            local: row.local,
            updated: utc(row.updated_at),
        }
    }
}

/// A centre among those recommending a software.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CentreRef {
    /// The actor id.
    pub id: String,
    pub name: String,
    /// One of this node's centres.
    pub local: bool,
    /// It endorses another centre's recommendation rather than writing its own.
    pub endorses: bool,
}

/// A mediator who knows a software: enough to name them and open their card.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediatorRef {
    /// The contact card's id.
    pub id: String,
    /// This node's key for it (its page is `/contacts/{key}`).
    #[serde(skip)]
    pub key: String,
    pub name: String,
    /// Shown when the person consented to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub origin_name: String,
}

impl From<&ContactView> for MediatorRef {
    fn from(c: &ContactView) -> Self {
        Self {
            id: c.id.clone(),
            key: c.key.clone(),
            name: c.name.clone(),
            role: c.role.clone(),
            origin_name: c.origin_name.clone(),
        }
    }
}

/// A software as a search shows it: one card gathering every centre's recommendation of it,
/// however many centres recommend it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SoftwareCard {
    /// Always `software`.
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub homepage: String,
    /// SPDX expression, absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Canonical names of the products it replaces, over every recommendation.
    pub replaces: Vec<String>,
    /// Category ids it is recommended under.
    pub categories: Vec<String>,
    /// How many distinct centres recommend it (authors and endorsers).
    pub centres: u64,
    /// Those centres: this node's first, then by distance of their region to the node's (or
    /// to the `region` searched), then by name.
    pub recommended_by: Vec<CentreRef>,
    /// Each centre's own recommendation of it (level, summary, reason, hosting), in the order
    /// of `recommended_by`.
    pub recommendations: Vec<RecommendationView>,
    /// Where it is offered as a service, over every recommendation (one entry per address).
    pub hosting: Vec<HostedOffer>,
    /// Mediators who know it (at most three), the most recently updated first.
    pub mediators: Vec<MediatorRef>,
}

/// A centre as a search shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CentreCard {
    /// Always `centre`.
    pub kind: String,
    #[serde(flatten)]
    pub centre: CentreView,
}

/// A search result: a software (with every centre's recommendation of it), a mediator's
/// contact card or a centre, told apart by `kind`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SearchHit {
    Software(SoftwareCard),
    Contact(ContactView),
    Centre(CentreCard),
}

/// `{"total", "results"}`: the shape of every listing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Listing<T> {
    pub total: i64,
    pub results: Vec<T>,
}

impl<T> Listing<T> {
    /// A listing of all of `results`, with its count.
    pub fn of(results: Vec<T>) -> Self {
        Self {
            total: i64::try_from(results.len()).unwrap_or(i64::MAX),
            results,
        }
    }
}
