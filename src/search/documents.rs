//! Records to documents: one per software (gathering every centre's recommendation of it), per
//! contact card and per centre. A search result is a document, so a software recommended by
//! ten centres is one result.
//!
//! Visibility is decided here, with the rules the listings use: the public sees published
//! recommendations not hidden by moderation, and the contact cards whose visibility shows them
//! on this node (only the fields their consent allows); staff see everything. A software whose
//! recommendations are not all public has two documents: the public one, made of the public
//! recommendations, and the staff one, made of all of them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::Field;

use crate::domain::category::Category;
use crate::domain::contact::{self, Area, Consent};
use crate::domain::product;
use crate::domain::recommendation::Status;
use crate::domain::text::fold;
use crate::storage::centres::CentreRow;
use crate::storage::contacts::ContactRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::search::RecommendationSource;
use crate::storage::software::SoftwareRow;

use super::Kind;
use super::schema::Fields;

/// What deletes a record's documents: `software:12`.
pub(super) fn uid(kind: Kind, id: i64) -> String {
    format!("{}:{id}", kind.as_str())
}

/// Among equal scores: software, then contacts, then centres, oldest row first (the sort is
/// descending).
fn tiebreak(kind: Kind, id: i64) -> u64 {
    let kind_rank: u64 = match kind {
        Kind::Software => 0,
        Kind::Contact => 1,
        Kind::Centre => 2,
    };
    let id = u64::try_from(id).unwrap_or_default() & ((1 << 48) - 1);
    u64::MAX - ((kind_rank << 48) | id)
}

/// Whether the public may see a recommendation.
pub(super) fn recommendation_is_public(row: &RecommendationRow) -> bool {
    row.status == Status::Published && !row.hidden
}

/// Whether the public may see a contact card on this node.
pub(super) fn contact_is_public(row: &ContactRow) -> bool {
    row.visibility.is_public_here() && !row.hidden
}

/// Who finds a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    public: bool,
    staff: bool,
}

/// A document under construction.
struct Builder<'a> {
    fields: &'a Fields,
    doc: TantivyDocument,
    topics: Vec<String>,
    text: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(fields: &'a Fields, kind: Kind, id: i64, seen: Seen) -> Self {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.uid, uid(kind, id));
        doc.add_u64(fields.db_id, u64::try_from(id).unwrap_or_default());
        doc.add_text(fields.kind, kind.as_str());
        doc.add_u64(fields.public, u64::from(seen.public));
        doc.add_u64(fields.staff, u64::from(seen.staff));
        doc.add_u64(fields.tiebreak, tiebreak(kind, id));
        Self {
            fields,
            doc,
            topics: Vec::new(),
            text: Vec::new(),
        }
    }

    fn name(&mut self, value: &str) {
        if !value.trim().is_empty() {
            self.doc.add_text(self.fields.names, value);
        }
    }

    fn product(&mut self, value: &str) {
        if !value.trim().is_empty() {
            self.doc.add_text(self.fields.products, value);
        }
    }

    fn topic(&mut self, value: &str) {
        if !value.trim().is_empty() {
            self.topics.push(value.to_owned());
        }
    }

    fn text(&mut self, value: &str) {
        if !value.trim().is_empty() {
            self.text.push(value.to_owned());
        }
    }

    fn value(&mut self, field: Field, value: &str) {
        if !value.trim().is_empty() {
            self.doc.add_text(field, value);
        }
    }

    fn region(&mut self, code: &str) {
        let code = code.trim().to_uppercase();
        if code.is_empty() {
            return;
        }
        self.doc.add_text(self.fields.region, &code);
        self.doc.add_text(self.fields.region_match, &code);
        if let Some((country, _)) = code.split_once('-') {
            self.doc.add_text(self.fields.region_match, country);
        }
    }

    fn finish(mut self, centres: u64, updated: i64) -> TantivyDocument {
        let f = self.fields;
        for (parts, fields) in [
            (&self.topics, [f.topics, f.topics_fr, f.topics_en]),
            (&self.text, [f.text, f.text_fr, f.text_en]),
        ] {
            // Separate values stay separate words: "Zoom" then "Teams" is not "ZoomTeams".
            let joined = parts.join(" \n ");
            for field in fields {
                self.doc.add_text(field, &joined);
            }
        }
        self.doc.add_u64(f.centres, centres);
        self.doc.add_i64(f.updated, updated);
        self.doc
    }
}

/// Adds replaced products: each canonical name once as a facet value, and every name each is
/// known by (and the name as written) to the `products` field, so that "hangouts" finds Google
/// Meet's alternatives.
fn add_products<'n>(b: &mut Builder<'_>, names: impl IntoIterator<Item = &'n String>) {
    let mut canonical = BTreeSet::new();
    for name in names {
        let name = name.trim();
        let known = product::canonical_name(name);
        if known != name {
            b.product(name);
        }
        canonical.insert(known);
    }
    for name in &canonical {
        b.value(b.fields.replaces, name);
        for known in product::known_names(name) {
            b.product(known);
        }
    }
}

fn add_category(b: &mut Builder<'_>, id: &str) {
    b.value(b.fields.category, id);
    b.topic(id);
    if let Some(category) = Category::find(id) {
        b.topic(category.fr);
        b.topic(category.en);
    }
}

fn list(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn hosting_names(json: &str) -> Vec<String> {
    serde_json::from_str::<Vec<crate::domain::recommendation::Hosting>>(json)
        .unwrap_or_default()
        .into_iter()
        .map(|h| h.name)
        .collect()
}

/// What a software document keeps for suggestions (stored, not searched).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Card {
    pub name: String,
    pub slug: String,
    /// Canonical names of the products it replaces.
    pub products: Vec<String>,
    /// Category ids.
    pub categories: Vec<String>,
    /// How many centres recommend it.
    pub centres: u64,
}

/// How many distinct centres recommend a software among these recommendations: their authors
/// and the centres endorsing them.
pub(super) fn centre_count(recs: &[&RecommendationSource]) -> u64 {
    let mut centres = BTreeSet::new();
    for src in recs {
        centres.insert(src.centre.actor_id.as_str());
        centres.extend(src.endorsed_by.iter().map(String::as_str));
    }
    u64::try_from(centres.len()).unwrap_or(u64::MAX)
}

/// The documents of a software: none when nothing recommends it; one when the public sees all
/// its recommendations (or none of them); else one for the public and one for staff.
pub(super) fn software(
    fields: &Fields,
    row: &SoftwareRow,
    recs: &[&RecommendationSource],
) -> Vec<TantivyDocument> {
    let public: Vec<&RecommendationSource> = recs
        .iter()
        .copied()
        .filter(|r| recommendation_is_public(&r.row))
        .collect();
    if recs.is_empty() {
        Vec::new()
    } else if public.len() == recs.len() {
        let seen = Seen {
            public: true,
            staff: true,
        };
        vec![software_document(fields, row, recs, seen)]
    } else if public.is_empty() {
        let seen = Seen {
            public: false,
            staff: true,
        };
        vec![software_document(fields, row, recs, seen)]
    } else {
        let public_seen = Seen {
            public: true,
            staff: false,
        };
        let staff_seen = Seen {
            public: false,
            staff: true,
        };
        vec![
            software_document(fields, row, &public, public_seen),
            software_document(fields, row, recs, staff_seen),
        ]
    }
}

fn software_document(
    fields: &Fields,
    row: &SoftwareRow,
    recs: &[&RecommendationSource],
    seen: Seen,
) -> TantivyDocument {
    let mut b = Builder::new(fields, Kind::Software, row.id, seen);
    b.name(&row.name);
    b.name(&row.slug);
    b.value(fields.knows, &fold(&row.name));
    if let Some(license) = &row.license {
        b.value(fields.license, license);
        b.text(license);
    }
    let mut products = BTreeSet::new();
    let mut categories = BTreeSet::new();
    let mut origins = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let mut audiences = BTreeSet::new();
    let mut updated = row.updated_at;
    for src in recs {
        products.extend(src.replaces.iter().cloned());
        categories.insert(src.row.category.clone());
        origins.insert(src.centre.actor_id.clone());
        origins.extend(src.endorsed_by.iter().cloned());
        regions.extend(src.row.region.clone());
        audiences.extend(list(&src.row.audience));
        updated = updated.max(src.row.updated_at);
        b.text(&src.row.summary);
        b.text(src.row.rationale.as_deref().unwrap_or_default());
        for host in hosting_names(&src.row.hosting) {
            b.text(&host);
        }
    }
    add_products(&mut b, &products);
    for category in &categories {
        add_category(&mut b, category);
    }
    for origin in &origins {
        b.value(fields.origin, origin);
    }
    for region in &regions {
        b.region(region);
        b.text(region);
    }
    for audience in &audiences {
        b.value(fields.audience, audience);
        b.topic(audience);
    }
    let centres = centre_count(recs);
    let card = Card {
        name: row.name.clone(),
        slug: row.slug.clone(),
        products: products
            .iter()
            .map(|p| product::canonical_name(p))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        categories: categories.into_iter().collect(),
        centres,
    };
    if let Ok(card) = serde_json::to_string(&card) {
        b.doc.add_text(fields.card, card);
    }
    b.finish(centres, updated.and_utc().timestamp())
}

/// The document of a contact card. A card the public sees holds only the fields its consent
/// allows, so that a public search cannot find a card by what it does not show.
pub(super) fn contact(fields: &Fields, row: &ContactRow) -> TantivyDocument {
    let public = contact_is_public(row);
    let consent: Option<Consent> = row
        .consent
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok());
    let shown = |term: &str| !public || contact::allows(consent.as_ref(), term);
    let seen = Seen {
        public,
        staff: true,
    };
    let mut b = Builder::new(fields, Kind::Contact, row.id, seen);
    b.name(&row.name);
    if shown("role") {
        b.topic(row.role.as_deref().unwrap_or_default());
    }
    if shown("skills") {
        for skill in list(&row.skills) {
            b.topic(&skill);
            b.value(fields.knows, &fold(&skill));
        }
    }
    if shown("languages") {
        for language in list(&row.languages) {
            b.text(&language);
        }
    }
    if shown("area") {
        let area: Area = serde_json::from_str(&row.area).unwrap_or_default();
        match (&area.region, &area.country) {
            (Some(region), _) => b.region(region),
            (None, Some(country)) => b.region(country),
            (None, None) => {}
        }
        for part in [&area.country, &area.region, &area.department, &area.label]
            .into_iter()
            .flatten()
        {
            b.text(part);
        }
    }
    b.finish(0, row.updated_at.and_utc().timestamp())
}

/// Whether a centre has a document: directory centres do (this node's and the ones it knows
/// as directories); a Mastodon account following a centre does not.
pub(super) fn centre_is_indexed(row: &CentreRow) -> bool {
    row.is_directory
}

/// The document of a centre: found by its name, and the `origin` facet leads to its entries.
pub(super) fn centre(fields: &Fields, row: &CentreRow) -> TantivyDocument {
    let seen = Seen {
        public: true,
        staff: true,
    };
    let mut b = Builder::new(fields, Kind::Centre, row.id, seen);
    b.name(&row.name);
    b.name(&row.username);
    b.text(row.summary.as_deref().unwrap_or_default());
    b.text(&row.domain);
    b.value(fields.origin, &row.actor_id);
    if let Some(region) = &row.region {
        b.region(region);
        b.text(region);
    }
    b.finish(0, row.updated_at.and_utc().timestamp())
}

/// A public software document with these names, replaced products and text, for tests of
/// matching and ranking that need no database.
#[cfg(test)]
pub(super) fn for_test(
    fields: &Fields,
    id: i64,
    names: &[&str],
    replaces: &[&str],
    text: &str,
    centres: u64,
) -> TantivyDocument {
    let seen = Seen {
        public: true,
        staff: true,
    };
    let mut b = Builder::new(fields, Kind::Software, id, seen);
    for name in names {
        b.name(name);
    }
    let replaces: Vec<String> = replaces.iter().map(|r| (*r).to_owned()).collect();
    add_products(&mut b, &replaces);
    b.text(text);
    b.finish(centres, chrono::Utc::now().timestamp())
}

/// A public contact document, for tests of roles.
#[cfg(test)]
pub(super) fn contact_for_test(
    fields: &Fields,
    id: i64,
    name: &str,
    role: &str,
) -> TantivyDocument {
    let seen = Seen {
        public: true,
        staff: true,
    };
    let mut b = Builder::new(fields, Kind::Contact, id, seen);
    b.name(name);
    b.topic(role);
    b.finish(0, chrono::Utc::now().timestamp())
}
