//! Recommendation rows, with the centre that authored them and the software they recommend.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::product;
use crate::domain::provider::HostedOffer;
use crate::domain::recommendation::{Level, RecommendationDraft, Status};
use crate::domain::text::fold;

use super::centres::CentreRow;
use super::ids::{CentreId, RecommendationId, SoftwareId};
use super::schema::{centres, products, recommendation_products, recommendations, software};
use super::software::SoftwareRow;
use super::{Conn, Page, StorageError, Window, products as product_links};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = recommendations)]
pub struct RecommendationRow {
    pub id: i64,
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub software_id: i64,
    pub category: String,
    pub summary: String,
    pub rationale: Option<String>,
    pub language: String,
    pub level: Level,
    pub region: Option<String>,
    /// JSON array of strings.
    pub audience: String,
    /// JSON array of offers `{name, url, provider}` (`HostedOffer`, the provider's card kept
    /// fresh by `providers::refresh_offers`).
    pub hosting: String,
    pub status: Status,
    pub local: bool,
    pub hidden: bool,
    pub search_text: String,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// For copies received from peers: the `updated` their author gave, which orders edits.
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The editable columns, shared by insert and update.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = recommendations, treat_none_as_null = true)]
pub struct RecommendationFields {
    pub software_id: i64,
    pub category: String,
    pub summary: String,
    pub rationale: Option<String>,
    pub language: String,
    pub level: String,
    pub region: Option<String>,
    pub audience: String,
    pub hosting: String,
    pub status: String,
    pub search_text: String,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The columns fixed at creation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = recommendations)]
pub struct RecommendationIdentity {
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub local: bool,
    pub created_at: NaiveDateTime,
}

/// A recommendation with its author and its software.
pub type RecommendationRecord = (RecommendationRow, CentreRow, SoftwareRow);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Most recently updated first.
    #[default]
    Recent,
    /// By software name.
    Name,
}

#[derive(Debug, Clone, Default)]
pub struct RecommendationFilter {
    /// Folded words that must all appear in the search text.
    pub words: Vec<String>,
    pub category: Option<String>,
    /// Folded canonical name of a replaced product.
    pub product_key: Option<String>,
    /// Actor id of the authoring centre.
    pub origin: Option<String>,
    pub status: Option<Status>,
    pub software_id: Option<i64>,
    /// ISO 3166 code; a country also matches its subdivisions.
    pub region: Option<String>,
    /// Key of a provider record that runs one of its offers.
    pub provider_key: Option<String>,
    /// Only what the public may see: published and not hidden by moderation.
    pub public_only: bool,
    pub order: Order,
}

/// Applies a filter to a (boxed) joined query; a macro because the boxed query's type is long.
macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &RecommendationFilter = $filter;
        let mut query = recommendations::table
            .inner_join(centres::table)
            .inner_join(software::table)
            .into_boxed();
        for word in &filter.words {
            query = query.filter(recommendations::search_text.like(format!("%{word}%")));
        }
        if let Some(category) = &filter.category {
            query = query.filter(recommendations::category.eq(category.clone()));
        }
        if let Some(product_key) = &filter.product_key {
            let ids = recommendation_products::table
                .inner_join(products::table)
                .filter(products::match_key.eq(product_key.clone()))
                .select(recommendation_products::recommendation_id);
            query = query.filter(recommendations::id.eq_any(ids));
        }
        if let Some(origin) = &filter.origin {
            query = query.filter(centres::actor_id.eq(origin.clone()));
        }
        if let Some(status) = &filter.status {
            query = query.filter(recommendations::status.eq(status.as_str()));
        }
        if let Some(software_id) = filter.software_id {
            query = query.filter(recommendations::software_id.eq(software_id));
        }
        if let Some(region) = &filter.region {
            query = query.filter(
                recommendations::region
                    .eq(region.clone())
                    .or(recommendations::region.like(format!("{region}-%"))),
            );
        }
        if let Some(key) = &filter.provider_key {
            query =
                query.filter(recommendations::hosting.like(super::providers::offer_pattern(key)));
        }
        if filter.public_only {
            query = query
                .filter(recommendations::status.eq(Status::Published.as_str()))
                .filter(recommendations::hidden.eq(false));
        }
        query
    }};
}

/// A centre's public recommendations (published, not hidden): the leading columns of the
/// `recommendations_outbox` index.
macro_rules! public_of_centre {
    ($centre_id:expr) => {
        recommendations::table
            .filter(recommendations::centre_id.eq($centre_id))
            .filter(recommendations::status.eq(Status::Published.as_str()))
            .filter(recommendations::hidden.eq(false))
    };
}

impl RecommendationRow {
    pub fn insert(
        conn: &mut Conn,
        identity: &RecommendationIdentity,
        fields: &RecommendationFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(recommendations::table)
            .values((identity, fields))
            .returning(recommendations::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn update(
        conn: &mut Conn,
        id: i64,
        fields: &RecommendationFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(recommendations::table.find(id))
            .set(fields)
            .returning(recommendations::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(recommendations::table.find(id)).execute(conn)?;
        Ok(())
    }

    pub(crate) fn find_by_key(
        conn: &mut Conn,
        key: &str,
    ) -> Result<Option<RecommendationRecord>, StorageError> {
        Ok(recommendations::table
            .inner_join(centres::table)
            .inner_join(software::table)
            .filter(recommendations::key.eq(key))
            .select((
                Self::as_select(),
                CentreRow::as_select(),
                SoftwareRow::as_select(),
            ))
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_ap_id(
        conn: &mut Conn,
        ap_id: &str,
    ) -> Result<Option<RecommendationRecord>, StorageError> {
        Ok(recommendations::table
            .inner_join(centres::table)
            .inner_join(software::table)
            .filter(recommendations::ap_id.eq(ap_id))
            .select((
                Self::as_select(),
                CentreRow::as_select(),
                SoftwareRow::as_select(),
            ))
            .first(conn)
            .optional()?)
    }

    /// A local centre's public recommendations, as its outbox counts them. Read from the
    /// `recommendations_outbox` index alone: neither the count nor the rows a page skips
    /// touch the table (with the joins of [`Self::list`], every page of a 10,000-entry outbox
    /// looked up every row twice: half of a follower's backfill time).
    pub(crate) fn count_public_of_centre(
        conn: &mut Conn,
        centre_id: i64,
    ) -> Result<i64, StorageError> {
        Ok(public_of_centre!(centre_id).count().get_result(conn)?)
    }

    /// The ap_ids of a window of a local centre's public recommendations, in outbox order
    /// (newest first; see [`Self::count_public_of_centre`]).
    pub(crate) fn public_ap_ids_of_centre(
        conn: &mut Conn,
        centre_id: i64,
        window: Window,
    ) -> Result<Vec<String>, StorageError> {
        Ok(public_of_centre!(centre_id)
            .select(recommendations::ap_id)
            .order((
                recommendations::updated_at.desc(),
                recommendations::id.desc(),
            ))
            .offset(window.offset)
            .limit(window.limit)
            .load(conn)?)
    }

    pub(crate) fn ap_id_of(conn: &mut Conn, id: i64) -> Result<Option<String>, StorageError> {
        Ok(recommendations::table
            .find(id)
            .select(recommendations::ap_id)
            .first(conn)
            .optional()?)
    }

    /// The recommendation of this centre for this software in this category, if any.
    pub(crate) fn find_same(
        conn: &mut Conn,
        centre_id: CentreId,
        software_id: SoftwareId,
        category: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(recommendations::table
            .filter(recommendations::centre_id.eq(centre_id.0))
            .filter(recommendations::software_id.eq(software_id.0))
            .filter(recommendations::category.eq(category))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn list(
        conn: &mut Conn,
        filter: &RecommendationFilter,
        window: Window,
    ) -> Result<Page<RecommendationRecord>, StorageError> {
        let total: i64 = filtered!(filter).count().get_result(conn)?;
        let query = filtered!(filter)
            .select((
                Self::as_select(),
                CentreRow::as_select(),
                SoftwareRow::as_select(),
            ))
            .offset(window.offset)
            .limit(window.limit);
        let rows = match filter.order {
            Order::Recent => query
                .order((
                    recommendations::updated_at.desc(),
                    recommendations::id.desc(),
                ))
                .load(conn)?,
            Order::Name => query
                .order((software::name.asc(), recommendations::id.asc()))
                .load(conn)?,
        };
        Ok(Page { total, rows })
    }

    /// Published, unhidden recommendations per category.
    pub(crate) fn count_published_by_category(
        conn: &mut Conn,
    ) -> Result<Vec<(String, i64)>, StorageError> {
        Ok(recommendations::table
            .filter(recommendations::status.eq(Status::Published.as_str()))
            .filter(recommendations::hidden.eq(false))
            .group_by(recommendations::category)
            .select((
                recommendations::category,
                diesel::dsl::count(recommendations::id),
            ))
            .load(conn)?)
    }
}

/// The stored columns of a validated recommendation. `remote_updated_at` is the author's
/// `updated` for copies received from peers, None for this node's own.
pub(crate) fn fields(
    draft: &RecommendationDraft,
    centre: &CentreRow,
    software: &SoftwareRow,
    offers: &[HostedOffer],
    published_before: Option<NaiveDateTime>,
    remote_updated_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<RecommendationFields, StorageError> {
    let published_at = match draft.status {
        Status::Published => Some(published_before.unwrap_or(now)),
        _ => published_before,
    };
    Ok(RecommendationFields {
        software_id: software.id,
        category: draft.category.id.to_owned(),
        summary: draft.summary.clone(),
        rationale: draft.rationale.clone(),
        language: draft.language.clone(),
        level: draft.level.as_str().to_owned(),
        region: draft.region.clone(),
        audience: serde_json::to_string(&draft.audience)?,
        hosting: serde_json::to_string(offers)?,
        status: draft.status.as_str().to_owned(),
        search_text: search_text(draft, centre, software),
        published_at,
        updated_at: now,
        remote_updated_at,
    })
}

/// Everything a person might type to find this recommendation, folded: the software, every
/// name of every replaced product, the category in both languages, the texts.
fn search_text(draft: &RecommendationDraft, centre: &CentreRow, software: &SoftwareRow) -> String {
    let mut parts: Vec<&str> = vec![&software.name, &software.slug];
    for name in &draft.replaces {
        parts.extend(product::known_names(name));
    }
    parts.extend([draft.category.id, draft.category.fr, draft.category.en]);
    parts.push(&draft.summary);
    if let Some(r) = &draft.rationale {
        parts.push(r);
    }
    parts.extend(draft.audience.iter().map(String::as_str));
    parts.extend(draft.hosting.iter().map(|h| h.name.as_str()));
    if let Some(region) = &draft.region {
        parts.push(region);
    }
    parts.push(&centre.name);
    format!(" {} ", fold(&parts.join(" | ")))
}

/// Links a recommendation to the products it replaces, creating new products.
pub(crate) fn link_products(
    conn: &mut Conn,
    recommendation_id: i64,
    draft: &RecommendationDraft,
) -> Result<(), StorageError> {
    // Most edits leave the replaced products as they were: then there is nothing to write.
    let current = product_links::names_of(conn, recommendation_id)?;
    if current == draft.replaces {
        return Ok(());
    }
    let ids = draft
        .replaces
        .iter()
        .map(|name| product_links::ensure(conn, name, &fold(name)))
        .collect::<Result<Vec<_>, _>>()?;
    product_links::set_for_recommendation(conn, RecommendationId(recommendation_id), &ids)
}
