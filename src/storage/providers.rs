//! Hosting provider rows, and the copies of their cards kept in recommendations' offers.
//!
//! An offer stores its provider's card (see the migration) so that every reader of a
//! recommendation has it without a join; [`refresh_offers`] rewrites those copies when the
//! record changes, in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::provider::{
    HostedOffer, ProviderCard, ProviderChoice, ProviderInput, ProviderKind, ProviderSpec,
};
use crate::domain::recommendation::{Status, ValidHosting};
use crate::domain::text;

use super::schema::{providers, recommendations};
use super::{Conn, Page, StorageError, Window};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = providers)]
pub struct ProviderRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub website: String,
    pub website_key: String,
    pub kind: String,
    pub chatons: bool,
    pub country: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns a description sets.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = providers, treat_none_as_null = true)]
struct ProviderFacts {
    name: String,
    website: String,
    website_key: String,
    kind: String,
    chatons: bool,
    country: Option<String>,
}

impl From<&ProviderSpec> for ProviderFacts {
    fn from(spec: &ProviderSpec) -> Self {
        Self {
            name: spec.name.clone(),
            website: spec.website.to_string(),
            website_key: spec.match_key(),
            kind: spec.kind.as_str().to_owned(),
            chatons: spec.chatons,
            country: spec.country.clone(),
        }
    }
}

/// A recommendation whose offers name a provider, as [`refresh_offers`] found it.
#[derive(Debug, Clone)]
pub struct OfferingRecommendation {
    pub ap_id: String,
    pub local: bool,
    pub status: Status,
}

impl ProviderRow {
    pub(crate) fn kind(&self) -> ProviderKind {
        ProviderKind::from_stored(&self.kind)
    }

    pub(crate) fn card(&self) -> ProviderCard {
        ProviderCard {
            key: self.key.clone(),
            name: self.name.clone(),
            website: self.website.clone(),
            kind: self.kind(),
            chatons: self.chatons,
            country: self.country.clone(),
        }
    }

    pub(crate) fn input(&self) -> ProviderInput {
        ProviderInput {
            name: self.name.clone(),
            website: self.website.clone(),
            kind: self.kind(),
            chatons: self.chatons,
            country: self.country.clone(),
        }
    }

    pub(crate) fn find_by_key(conn: &mut Conn, key: &str) -> Result<Option<Self>, StorageError> {
        Ok(providers::table
            .filter(providers::key.eq(key))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_website(
        conn: &mut Conn,
        spec: &ProviderSpec,
    ) -> Result<Option<Self>, StorageError> {
        Ok(providers::table
            .filter(providers::website_key.eq(spec.match_key()))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// One page of providers whose name or website holds every word, by name.
    pub(crate) fn list(
        conn: &mut Conn,
        words: &[String],
        window: Window,
    ) -> Result<Page<Self>, StorageError> {
        let filtered = || {
            let mut query = providers::table.into_boxed();
            for word in words {
                let pattern = format!("%{word}%");
                query = query.filter(
                    providers::key
                        .like(pattern.clone())
                        .or(providers::website_key.like(pattern)),
                );
            }
            query
        };
        let total: i64 = filtered().count().get_result(conn)?;
        let rows = filtered()
            .select(Self::as_select())
            .order((providers::name.asc(), providers::id.asc()))
            .offset(window.offset)
            .limit(window.limit)
            .load(conn)?;
        Ok(Page { total, rows })
    }

    /// A new record with a key made from its name (`framasoft`, `framasoft-2`).
    pub(crate) fn insert(
        conn: &mut Conn,
        spec: &ProviderSpec,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        let base = match text::slug(&spec.name) {
            s if s.is_empty() => "provider".to_owned(),
            s => s.chars().take(80).collect(),
        };
        let mut key = base.clone();
        let mut n = 2;
        while Self::find_by_key(conn, &key)?.is_some() {
            key = format!("{base}-{n}");
            n += 1;
        }
        Ok(diesel::insert_into(providers::table)
            .values((
                providers::key.eq(&key),
                ProviderFacts::from(spec),
                providers::created_at.eq(now),
                providers::updated_at.eq(now),
            ))
            .returning(providers::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn update(
        conn: &mut Conn,
        id: i64,
        spec: &ProviderSpec,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(providers::table.find(id))
            .set((ProviderFacts::from(spec), providers::updated_at.eq(now)))
            .returning(providers::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(providers::table.find(id)).execute(conn)?;
        Ok(())
    }
}

/// The record an offer names. A description finds the record with its website, or creates
/// it; it never changes an existing record (a peer must not rename or "un-CHATONS" a provider
/// of this node, and staff change a record on its own page). A key that names no record
/// (deleted meanwhile) gives none. Callers write software first, whose lock serialises the
/// writers that may create the same provider on PostgreSQL.
pub(crate) fn resolve(
    conn: &mut Conn,
    choice: &ProviderChoice,
    now: NaiveDateTime,
) -> Result<Option<ProviderRow>, StorageError> {
    match choice {
        ProviderChoice::Key(key) => ProviderRow::find_by_key(conn, key),
        ProviderChoice::Described(spec) => match ProviderRow::find_by_website(conn, spec)? {
            Some(row) => Ok(Some(row)),
            None => ProviderRow::insert(conn, spec, now).map(Some),
        },
    }
}

/// A recommendation's offers as stored: each with its provider's card.
pub(crate) fn offers(
    conn: &mut Conn,
    hosting: &[ValidHosting],
    now: NaiveDateTime,
) -> Result<Vec<HostedOffer>, StorageError> {
    hosting
        .iter()
        .map(|h| {
            let provider = match &h.provider {
                Some(choice) => resolve(conn, choice, now)?.map(|row| row.card()),
                None => None,
            };
            Ok(HostedOffer {
                name: h.name.clone(),
                url: h.url.to_string(),
                provider,
            })
        })
        .collect()
}

/// The LIKE pattern of the offers that name the provider `key`. Cards are stored as
/// `{"key":"…",…}` by serde_json (no spaces), so a pattern finds them; a key that is not made
/// of lower-case letters, digits and dashes (the only characters keys have, none of them
/// special to LIKE) gives a pattern that matches nothing.
pub(crate) fn offer_pattern(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        format!("%\"key\":\"{key}\"%")
    } else {
        "\"key\":\"\"".to_owned()
    }
}

/// A recommendation's id, ActivityPub id, offers (JSON), locality and status.
type Offering = (i64, String, String, bool, Status);

/// The recommendations whose offers name the provider `key`.
fn offering(conn: &mut Conn, key: &str) -> Result<Vec<Offering>, StorageError> {
    Ok(recommendations::table
        .filter(recommendations::hosting.like(offer_pattern(key)))
        .select((
            recommendations::id,
            recommendations::ap_id,
            recommendations::hosting,
            recommendations::local,
            recommendations::status,
        ))
        .load(conn)?)
}

/// How many recommendations offer a service of this provider.
pub(crate) fn offer_count(conn: &mut Conn, key: &str) -> Result<usize, StorageError> {
    let count: i64 = recommendations::table
        .filter(recommendations::hosting.like(offer_pattern(key)))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(count).unwrap_or(0))
}

/// How many recommendations offer a service of each provider, by key, read in one pass (a
/// listing of providers asks for all of them at once).
pub(crate) fn offer_counts(
    conn: &mut Conn,
) -> Result<std::collections::HashMap<String, usize>, StorageError> {
    let offered: Vec<String> = recommendations::table
        .filter(recommendations::hosting.like("%\"key\":\"%"))
        .select(recommendations::hosting)
        .load(conn)?;
    let mut counts = std::collections::HashMap::new();
    for hosting in offered {
        let offers: Vec<HostedOffer> = serde_json::from_str(&hosting)?;
        let mut keys: Vec<String> = offers
            .into_iter()
            .filter_map(|o| o.provider)
            .map(|p| p.key)
            .collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            *counts.entry(key).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

/// Rewrites the card of `row` in every offer that names it, and returns the recommendations
/// changed. This node's own ones are stamped as edited now (their `updated` orders the edit on
/// peers); copies received from peers keep their author's time.
pub(crate) fn refresh_offers(
    conn: &mut Conn,
    row: &ProviderRow,
) -> Result<Vec<OfferingRecommendation>, StorageError> {
    let card = row.card();
    let mut changed = Vec::new();
    for (id, ap_id, hosting, local, status) in offering(conn, &row.key)? {
        let mut offers: Vec<HostedOffer> = serde_json::from_str(&hosting)?;
        for offer in &mut offers {
            if offer.provider.as_ref().is_some_and(|p| p.key == row.key) {
                offer.provider = Some(card.clone());
            }
        }
        let hosting = serde_json::to_string(&offers)?;
        let target = recommendations::table.find(id);
        if local {
            diesel::update(target)
                .set((
                    recommendations::hosting.eq(hosting),
                    recommendations::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?;
        } else {
            diesel::update(target)
                .set(recommendations::hosting.eq(hosting))
                .execute(conn)?;
        }
        changed.push(OfferingRecommendation {
            ap_id,
            local,
            status,
        });
    }
    Ok(changed)
}

/// Every record, by name (for pickers and exports; a node knows tens or hundreds).
pub(crate) fn all(conn: &mut Conn) -> Result<Vec<ProviderRow>, StorageError> {
    Ok(providers::table
        .select(ProviderRow::as_select())
        .order((providers::name.asc(), providers::id.asc()))
        .load(conn)?)
}
