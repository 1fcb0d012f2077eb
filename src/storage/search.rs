//! What the search index reads from the database: the change feed that triggers fill
//! (migration `search_changes`), and the records its documents are built from. The index itself
//! lives in `crate::search`; this file only answers its questions in SQL.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::centres::CentreRow;
use super::contacts::{ContactRecord, ContactRow};
use super::recommendations::RecommendationRow;
use super::schema::{
    centres, contacts, endorsements, products, recommendation_products, recommendations,
    search_changes, software,
};
use super::software::SoftwareRow;
use super::{Conn, StorageError};

/// The change kinds the triggers write.
pub(crate) const RECOMMENDATION: &str = "recommendation";
pub(crate) const CONTACT: &str = "contact";
pub(crate) const SOFTWARE: &str = "software";
/// The centre's own search document (name, summary, region).
pub(crate) const CENTRE: &str = "centre";
/// Every entry of the centre (its actor id, which they are filed under, changed).
pub(crate) const CENTRE_ENTRIES: &str = "centre_entries";

/// `eq_any` binds one parameter per value; PostgreSQL takes at most 65,535 per statement.
const CHUNK: usize = 1_000;

/// One row of the change feed: the row `key` (its id) of table `kind` changed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = search_changes)]
pub(crate) struct Change {
    pub seq: i64,
    pub kind: String,
    pub key: String,
    pub changed_at: NaiveDateTime,
}

/// The newest seq of the feed, 0 when it is empty.
pub(crate) fn latest_seq(conn: &mut Conn) -> Result<i64, StorageError> {
    let max: Option<i64> = search_changes::table
        .select(diesel::dsl::max(search_changes::seq))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// The oldest seq still kept (older ones were pruned), None when the feed is empty.
pub(crate) fn oldest_seq(conn: &mut Conn) -> Result<Option<i64>, StorageError> {
    Ok(search_changes::table
        .select(diesel::dsl::min(search_changes::seq))
        .first(conn)?)
}

/// At most `limit` changes after `seq`, oldest first.
pub(crate) fn changes_after(
    conn: &mut Conn,
    seq: i64,
    limit: i64,
) -> Result<Vec<Change>, StorageError> {
    Ok(search_changes::table
        .filter(search_changes::seq.gt(seq))
        .order(search_changes::seq.asc())
        .limit(limit)
        .select(Change::as_select())
        .load(conn)?)
}

/// Forgets the changes made before `before`; returns how many went. The newest change is
/// always kept: `max(seq)` is how an index tells how far the feed has gone.
pub(crate) fn prune_changes(conn: &mut Conn, before: NaiveDateTime) -> Result<usize, StorageError> {
    let latest = latest_seq(conn)?;
    Ok(diesel::delete(
        search_changes::table
            .filter(search_changes::changed_at.lt(before))
            .filter(search_changes::seq.lt(latest)),
    )
    .execute(conn)?)
}

/// A recommendation with everything its document and its search hit show.
#[derive(Debug, Clone)]
pub(crate) struct RecommendationSource {
    pub row: RecommendationRow,
    pub centre: CentreRow,
    pub software: SoftwareRow,
    /// Names of the replaced products, in order.
    pub replaces: Vec<String>,
    /// Actor ids of the centres endorsing it.
    pub endorsed_by: Vec<String>,
}

/// Which rows to load: all of them (a rebuild), or some ids (a catch-up, a page of hits).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Selection<'a> {
    All,
    Ids(&'a [i64]),
}

/// Recommendations by id, or all of them.
pub(crate) fn recommendations(
    conn: &mut Conn,
    which: Selection<'_>,
) -> Result<Vec<RecommendationSource>, StorageError> {
    load_recommendations(conn, which, By::Id)
}

/// Every recommendation of these software records.
pub(crate) fn recommendations_of_software(
    conn: &mut Conn,
    software_ids: &[i64],
) -> Result<Vec<RecommendationSource>, StorageError> {
    load_recommendations(conn, Selection::Ids(software_ids), By::Software)
}

/// What the ids of a selection are ids of.
#[derive(Clone, Copy)]
enum By {
    Id,
    Software,
}

type RecommendationRecord = (RecommendationRow, CentreRow, SoftwareRow);

fn load_recommendations(
    conn: &mut Conn,
    which: Selection<'_>,
    by: By,
) -> Result<Vec<RecommendationSource>, StorageError> {
    let query = || {
        recommendations::table
            .inner_join(centres::table)
            .inner_join(software::table)
            .order(recommendations::id.asc())
            .select((
                RecommendationRow::as_select(),
                CentreRow::as_select(),
                SoftwareRow::as_select(),
            ))
    };
    let mut records: Vec<RecommendationRecord> = Vec::new();
    match which {
        Selection::All => records = query().load(conn)?,
        Selection::Ids(ids) => {
            for chunk in ids.chunks(CHUNK) {
                let chunk = chunk.to_vec();
                records.extend(match by {
                    By::Id => query()
                        .filter(recommendations::id.eq_any(chunk))
                        .load::<RecommendationRecord>(conn)?,
                    By::Software => query()
                        .filter(recommendations::software_id.eq_any(chunk))
                        .load::<RecommendationRecord>(conn)?,
                });
            }
        }
    }
    let ids: Vec<i64> = records.iter().map(|(r, _, _)| r.id).collect();
    let (mut replaces, mut endorsed_by) = match which {
        // One pass over the link tables beats a hundred chunks of `IN (...)`.
        Selection::All => (all_product_names(conn)?, all_endorsers(conn)?),
        Selection::Ids(_) => {
            let mut names = HashMap::new();
            let mut endorsers = HashMap::new();
            for chunk in ids.chunks(CHUNK) {
                names.extend(super::products::names_for(conn, chunk)?);
                endorsers.extend(super::endorsements::EndorsementRow::endorsers_of(
                    conn, chunk,
                )?);
            }
            (names, endorsers)
        }
    };
    Ok(records
        .into_iter()
        .map(|(row, centre, software)| RecommendationSource {
            replaces: replaces.remove(&row.id).unwrap_or_default(),
            endorsed_by: endorsed_by.remove(&row.id).unwrap_or_default(),
            row,
            centre,
            software,
        })
        .collect())
}

fn all_product_names(conn: &mut Conn) -> Result<HashMap<i64, Vec<String>>, StorageError> {
    let rows: Vec<(i64, String)> = recommendation_products::table
        .inner_join(products::table)
        .order((
            recommendation_products::recommendation_id,
            recommendation_products::position,
        ))
        .select((recommendation_products::recommendation_id, products::name))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, name) in rows {
        out.entry(id).or_default().push(name);
    }
    Ok(out)
}

fn all_endorsers(conn: &mut Conn) -> Result<HashMap<i64, Vec<String>>, StorageError> {
    let rows: Vec<(i64, String)> = endorsements::table
        .inner_join(centres::table.on(centres::id.eq(endorsements::centre_id)))
        .order(endorsements::id.asc())
        .select((endorsements::recommendation_id, centres::actor_id))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, actor) in rows {
        out.entry(id).or_default().push(actor);
    }
    Ok(out)
}

/// Contact cards by id, or all of them, with their centre.
pub(crate) fn contacts(
    conn: &mut Conn,
    which: Selection<'_>,
) -> Result<Vec<ContactRecord>, StorageError> {
    let query = || {
        contacts::table
            .inner_join(centres::table)
            .order(contacts::id.asc())
            .select((ContactRow::as_select(), CentreRow::as_select()))
    };
    match which {
        Selection::All => Ok(query().load(conn)?),
        Selection::Ids(ids) => {
            let mut out = Vec::new();
            for chunk in ids.chunks(CHUNK) {
                out.extend(
                    query()
                        .filter(contacts::id.eq_any(chunk.to_vec()))
                        .load::<ContactRecord>(conn)?,
                );
            }
            Ok(out)
        }
    }
}

/// Software records by id, or all of them.
pub(crate) fn software(
    conn: &mut Conn,
    which: Selection<'_>,
) -> Result<Vec<SoftwareRow>, StorageError> {
    match which {
        Selection::All => Ok(software::table
            .order(software::id.asc())
            .select(SoftwareRow::as_select())
            .load(conn)?),
        Selection::Ids(ids) => {
            let mut out = Vec::new();
            for chunk in ids.chunks(CHUNK) {
                out.extend(
                    software::table
                        .filter(software::id.eq_any(chunk.to_vec()))
                        .order(software::id.asc())
                        .select(SoftwareRow::as_select())
                        .load::<SoftwareRow>(conn)?,
                );
            }
            Ok(out)
        }
    }
}

/// Centres by id, or all of them.
pub(crate) fn centres(
    conn: &mut Conn,
    which: Selection<'_>,
) -> Result<Vec<CentreRow>, StorageError> {
    match which {
        Selection::All => Ok(centres::table
            .order(centres::id.asc())
            .select(CentreRow::as_select())
            .load(conn)?),
        Selection::Ids(ids) => {
            let mut out = Vec::new();
            for chunk in ids.chunks(CHUNK) {
                out.extend(
                    centres::table
                        .filter(centres::id.eq_any(chunk.to_vec()))
                        .order(centres::id.asc())
                        .select(CentreRow::as_select())
                        .load::<CentreRow>(conn)?,
                );
            }
            Ok(out)
        }
    }
}

/// The ids of the recommendations and contacts these centres wrote.
pub(crate) fn entries_of_centres(
    conn: &mut Conn,
    centre_ids: &[i64],
) -> Result<(Vec<i64>, Vec<i64>), StorageError> {
    let mut recs = Vec::new();
    let mut cards = Vec::new();
    for chunk in centre_ids.chunks(CHUNK) {
        recs.extend(
            recommendations::table
                .filter(recommendations::centre_id.eq_any(chunk.to_vec()))
                .select(recommendations::id)
                .load::<i64>(conn)?,
        );
        cards.extend(
            contacts::table
                .filter(contacts::centre_id.eq_any(chunk.to_vec()))
                .select(contacts::id)
                .load::<i64>(conn)?,
        );
    }
    Ok((recs, cards))
}

/// Display names of centres by actor id (the labels of the `origin` facet).
pub(crate) fn centre_names(
    conn: &mut Conn,
    actor_ids: &BTreeSet<String>,
) -> Result<HashMap<String, String>, StorageError> {
    let ids: Vec<String> = actor_ids.iter().cloned().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(String, String)> = centres::table
            .filter(centres::actor_id.eq_any(chunk.to_vec()))
            .select((centres::actor_id, centres::name))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}
