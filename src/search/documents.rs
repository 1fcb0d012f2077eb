//! Records to documents. Visibility is decided here, once per document, with the rules the
//! listings use: the public sees published recommendations not hidden by moderation and the
//! contact cards whose visibility shows them on this node (and only the fields their consent
//! allows); staff see everything.

use std::collections::BTreeSet;

use tantivy::TantivyDocument;
use tantivy::schema::Field;

use crate::domain::category::Category;
use crate::domain::contact::{self, Area, Consent, Visibility};
use crate::domain::product;
use crate::storage::centres::CentreRow;
use crate::storage::contacts::ContactRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::search::RecommendationSource;
use crate::storage::software::SoftwareRow;

use super::Kind;
use super::schema::Fields;

/// What deletes a document: `recommendation:12`.
pub fn uid(kind: Kind, id: i64) -> String {
    format!("{}:{id}", kind.as_str())
}

/// Among equal scores: recommendations, then software, then contacts, oldest row first
/// (the sort is descending).
fn tiebreak(kind: Kind, id: i64) -> u64 {
    let kind_rank: u64 = match kind {
        Kind::Recommendation => 0,
        Kind::Software => 1,
        Kind::Contact => 2,
    };
    let id = u64::try_from(id).unwrap_or_default() & ((1 << 48) - 1);
    u64::MAX - ((kind_rank << 48) | id)
}

/// Whether the public may see a recommendation.
pub fn recommendation_is_public(row: &RecommendationRow) -> bool {
    row.status == "published" && !row.hidden
}

/// Whether the public may see a contact card on this node.
pub fn contact_is_public(row: &ContactRow) -> bool {
    Visibility::from_stored(&row.visibility).is_public_here() && !row.hidden
}

/// A document under construction: text goes to the text fields, values to facets.
struct Builder<'a> {
    fields: &'a Fields,
    doc: TantivyDocument,
    text: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(fields: &'a Fields, kind: Kind, id: i64, public: bool) -> Self {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.uid, uid(kind, id));
        doc.add_u64(fields.db_id, u64::try_from(id).unwrap_or_default());
        doc.add_text(fields.kind, kind.as_str());
        doc.add_u64(fields.public, u64::from(public));
        doc.add_u64(fields.tiebreak, tiebreak(kind, id));
        Self {
            fields,
            doc,
            text: Vec::new(),
        }
    }

    /// A name: weighted most, and searchable like any text.
    fn name(&mut self, value: &str) {
        self.doc.add_text(self.fields.names, value);
        self.text(value);
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
        let text = self.text.join(" \n ");
        self.doc.add_text(self.fields.plain, &text);
        self.doc.add_text(self.fields.french, &text);
        self.doc.add_text(self.fields.english, &text);
        self.doc.add_u64(self.fields.centres, centres);
        self.doc.add_i64(self.fields.updated, updated);
        self.doc
    }
}

/// Adds replaced products: each canonical name once as a facet value, and every name each is
/// known by (and the name as written) as text, so that "hangouts" finds Google Meet's
/// alternatives.
fn add_products<'n>(b: &mut Builder<'_>, names: impl IntoIterator<Item = &'n String>) {
    let mut canonical = BTreeSet::new();
    for name in names {
        let name = name.trim();
        let known = product::canonical_name(name);
        if known != name {
            b.name(name);
        }
        canonical.insert(known);
    }
    for name in &canonical {
        b.value(b.fields.replaces, name);
        for known in product::known_names(name) {
            b.name(known);
        }
    }
}

fn add_category(b: &mut Builder<'_>, id: &str) {
    b.value(b.fields.category, id);
    b.text(id);
    if let Some(category) = Category::find(id) {
        b.text(category.fr);
        b.text(category.en);
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

/// The document of a recommendation; `centres` is its software's count.
pub fn recommendation(
    fields: &Fields,
    src: &RecommendationSource,
    centres: u64,
) -> TantivyDocument {
    let rec = &src.row;
    let mut b = Builder::new(
        fields,
        Kind::Recommendation,
        rec.id,
        recommendation_is_public(rec),
    );
    b.name(&src.software.name);
    b.name(&src.software.slug);
    add_products(&mut b, &src.replaces);
    add_category(&mut b, &rec.category);
    b.text(&rec.summary);
    b.text(rec.rationale.as_deref().unwrap_or_default());
    for audience in list(&rec.audience) {
        b.value(fields.audience, &audience);
        b.text(&audience);
    }
    for host in hosting_names(&rec.hosting) {
        b.text(&host);
    }
    if let Some(region) = &rec.region {
        b.region(region);
        b.text(region);
    }
    b.text(&src.centre.name);
    b.value(fields.origin, &src.centre.actor_id);
    if let Some(license) = &src.software.license {
        b.value(fields.license, license);
    }
    b.finish(centres, rec.updated_at.and_utc().timestamp())
}

/// The document of a contact card. A card the public sees holds only the fields its consent
/// allows, so that a public search cannot find a card by what it does not show.
pub fn contact(fields: &Fields, row: &ContactRow, centre: &CentreRow) -> TantivyDocument {
    let public = contact_is_public(row);
    let consent: Option<Consent> = row
        .consent
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok());
    let shown = |term: &str| !public || contact::allows(consent.as_ref(), term);
    let mut b = Builder::new(fields, Kind::Contact, row.id, public);
    b.name(&row.name);
    if shown("role") {
        b.text(row.role.as_deref().unwrap_or_default());
    }
    if shown("skills") {
        for skill in list(&row.skills) {
            b.text(&skill);
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
    b.text(&centre.name);
    b.value(fields.origin, &centre.actor_id);
    b.finish(0, row.updated_at.and_utc().timestamp())
}

/// How many distinct centres recommend a software: the authors of its recommendations and the
/// centres endorsing them. Counts what the public sees when there is any, so that ranking never
/// reveals a draft; otherwise everything (such a software is shown to staff only).
pub fn centre_count(recs: &[&RecommendationSource]) -> u64 {
    let shown = shown_recommendations(recs);
    let mut centres = BTreeSet::new();
    for src in shown {
        centres.insert(src.centre.actor_id.as_str());
        centres.extend(src.endorsed_by.iter().map(String::as_str));
    }
    u64::try_from(centres.len()).unwrap_or(u64::MAX)
}

/// The recommendations a software's document is made of: the public ones if there are any.
fn shown_recommendations<'a>(recs: &[&'a RecommendationSource]) -> Vec<&'a RecommendationSource> {
    let public: Vec<_> = recs
        .iter()
        .copied()
        .filter(|r| recommendation_is_public(&r.row))
        .collect();
    if public.is_empty() {
        recs.to_vec()
    } else {
        public
    }
}

/// The document of a software, made of its recommendations; None when nothing recommends it.
pub fn software(
    fields: &Fields,
    row: &SoftwareRow,
    recs: &[&RecommendationSource],
) -> Option<TantivyDocument> {
    if recs.is_empty() {
        return None;
    }
    let shown = shown_recommendations(recs);
    let public = shown.iter().any(|r| recommendation_is_public(&r.row));
    let mut b = Builder::new(fields, Kind::Software, row.id, public);
    b.name(&row.name);
    b.name(&row.slug);
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
    for src in &shown {
        products.extend(src.replaces.iter().cloned());
        categories.insert(src.row.category.clone());
        origins.insert(src.centre.actor_id.clone());
        regions.extend(src.row.region.clone());
        audiences.extend(list(&src.row.audience));
        updated = updated.max(src.row.updated_at);
        b.text(&src.row.summary);
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
    }
    for audience in &audiences {
        b.value(fields.audience, audience);
        b.text(audience);
    }
    Some(b.finish(centre_count(recs), updated.and_utc().timestamp()))
}

/// A public recommendation document with these names, replaced products and text, for tests
/// of matching and ranking that need no database.
#[cfg(test)]
pub(super) fn for_test(
    fields: &Fields,
    id: i64,
    names: &[&str],
    replaces: &[&str],
    text: &str,
    centres: u64,
) -> TantivyDocument {
    let mut b = Builder::new(fields, Kind::Recommendation, id, true);
    for name in names {
        b.name(name);
    }
    let replaces: Vec<String> = replaces.iter().map(|r| (*r).to_owned()).collect();
    add_products(&mut b, &replaces);
    b.text(text);
    b.finish(centres, chrono::Utc::now().timestamp())
}
