//! Software rows: one record per software, however many centres recommend it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::recommendation::Status;

use crate::domain::software::SoftwareSpec;
use crate::domain::text;

use super::schema::{recommendations, software};
use super::{Conn, Page, StorageError, Window};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = software)]
pub struct SoftwareRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub homepage: String,
    pub homepage_key: String,
    pub repository: Option<String>,
    pub repository_key: Option<String>,
    pub license: Option<String>,
    pub wikidata: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What is known of a software from one description, in storage terms.
#[derive(Debug, Clone)]
pub struct SoftwareFacts {
    pub name: String,
    pub homepage: String,
    pub homepage_key: String,
    pub repository: Option<String>,
    pub repository_key: Option<String>,
    pub license: Option<String>,
    pub wikidata: Option<String>,
}

impl SoftwareRow {
    /// Serialises writers that match and create software until the transaction ends.
    /// Without it two PostgreSQL transactions can both miss "Nextcloud" and both create it.
    /// Readers are not blocked. On SQLite, `BEGIN IMMEDIATE` serialises writers already.
    pub(crate) fn lock_for_matching(conn: &mut Conn) -> Result<(), StorageError> {
        use diesel::connection::SimpleConnection;
        if let Conn::Postgresql(pg) = conn {
            pg.batch_execute("LOCK TABLE software IN SHARE ROW EXCLUSIVE MODE")?;
        }
        Ok(())
    }

    /// Keeps the record from being deleted (`delete_if_unused` elsewhere) until this
    /// transaction ends; `false` if it is gone already. PostgreSQL only: on SQLite, writing
    /// transactions are serialised already.
    fn keep_until_commit(conn: &mut Conn, id: i64) -> Result<bool, StorageError> {
        if let Conn::Postgresql(pg) = conn {
            let found = diesel::sql_query("SELECT id FROM software WHERE id = $1 FOR KEY SHARE")
                .bind::<diesel::sql_types::BigInt, _>(id)
                .execute(pg)?;
            return Ok(found == 1);
        }
        Ok(true)
    }

    pub(crate) fn find_by_slug(conn: &mut Conn, slug: &str) -> Result<Option<Self>, StorageError> {
        Ok(software::table
            .filter(software::slug.eq(slug))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// The record this description is about, if any: same Wikidata id, else same repository,
    /// else same homepage — never one whose stronger key contradicts the description's
    /// (Nextcloud's server and desktop share a homepage but not a repository).
    pub(crate) fn find_match(
        conn: &mut Conn,
        facts: &SoftwareFacts,
    ) -> Result<Option<Self>, StorageError> {
        let mut query = software::table
            .select(Self::as_select())
            .filter(software::homepage_key.eq(&facts.homepage_key))
            .into_boxed();
        if let Some(w) = &facts.wikidata {
            query = query.or_filter(software::wikidata.eq(w));
        }
        if let Some(r) = &facts.repository_key {
            query = query.or_filter(software::repository_key.eq(r));
        }
        let candidates: Vec<Self> = query.order(software::id.asc()).load(conn)?;
        let conflicts = |mine: &Option<String>, theirs: &Option<String>| matches!((mine, theirs), (Some(a), Some(b)) if a != b);
        let by_wikidata = candidates
            .iter()
            .find(|c| facts.wikidata.is_some() && c.wikidata == facts.wikidata);
        let by_repository = || {
            candidates.iter().find(|c| {
                facts.repository_key.is_some()
                    && c.repository_key == facts.repository_key
                    && !conflicts(&facts.wikidata, &c.wikidata)
            })
        };
        let by_homepage = || {
            candidates.iter().find(|c| {
                c.homepage_key == facts.homepage_key
                    && !conflicts(&facts.wikidata, &c.wikidata)
                    && !conflicts(&facts.repository_key, &c.repository_key)
            })
        };
        Ok(by_wikidata
            .or_else(by_repository)
            .or_else(by_homepage)
            .cloned())
    }

    pub fn insert(
        conn: &mut Conn,
        slug: &str,
        facts: &SoftwareFacts,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(software::table)
            .values((
                software::slug.eq(slug),
                software::name.eq(&facts.name),
                software::homepage.eq(&facts.homepage),
                software::homepage_key.eq(&facts.homepage_key),
                software::repository.eq(&facts.repository),
                software::repository_key.eq(&facts.repository_key),
                software::license.eq(&facts.license),
                software::wikidata.eq(&facts.wikidata),
                software::created_at.eq(now),
                software::updated_at.eq(now),
            ))
            .returning(software::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn update(
        conn: &mut Conn,
        id: i64,
        facts: &SoftwareFacts,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(software::table.find(id))
            .set((
                software::name.eq(&facts.name),
                software::homepage.eq(&facts.homepage),
                software::homepage_key.eq(&facts.homepage_key),
                software::repository.eq(&facts.repository),
                software::repository_key.eq(&facts.repository_key),
                software::license.eq(&facts.license),
                software::wikidata.eq(&facts.wikidata),
                software::updated_at.eq(now),
            ))
            .returning(software::all_columns)
            .get_result(conn)?)
    }

    /// Removes the record if no recommendation refers to it any more.
    pub(crate) fn delete_if_unused(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        let used: i64 = recommendations::table
            .filter(recommendations::software_id.eq(id))
            .count()
            .get_result(conn)?;
        if used == 0 {
            diesel::delete(software::table.find(id)).execute(conn)?;
        }
        Ok(())
    }

    pub(crate) fn slug_taken(conn: &mut Conn, slug: &str) -> Result<bool, StorageError> {
        Ok(Self::find_by_slug(conn, slug)?.is_some())
    }

    /// Software with at least one published, visible recommendation, by name, with the
    /// number of centres recommending each.
    pub(crate) fn list_recommended(
        conn: &mut Conn,
        window: Window,
    ) -> Result<Page<(Self, i64)>, StorageError> {
        let visible = recommendations::table
            .filter(recommendations::status.eq(Status::Published.as_str()))
            .filter(recommendations::hidden.eq(false))
            .select(recommendations::software_id);
        let total: i64 = software::table
            .filter(software::id.eq_any(visible))
            .count()
            .get_result(conn)?;
        let rows: Vec<Self> = software::table
            .filter(software::id.eq_any(visible))
            .order((software::name.asc(), software::id.asc()))
            .offset(window.offset)
            .limit(window.limit)
            .select(Self::as_select())
            .load(conn)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let counts: Vec<(i64, i64)> = recommendations::table
            .filter(recommendations::software_id.eq_any(&ids))
            .filter(recommendations::status.eq(Status::Published.as_str()))
            .filter(recommendations::hidden.eq(false))
            .group_by(recommendations::software_id)
            .select((
                recommendations::software_id,
                diesel::dsl::count(recommendations::centre_id).aggregate_distinct(),
            ))
            .load(conn)?;
        let rows = rows
            .into_iter()
            .map(|row| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == row.id)
                    .map_or(0, |(_, n)| *n);
                (row, n)
            })
            .collect();
        Ok(Page { total, rows })
    }
}

impl SoftwareRow {
    pub(crate) fn count(conn: &mut Conn) -> Result<i64, StorageError> {
        Ok(software::table.count().get_result(conn)?)
    }
}

/// Finds the record this description is about, or creates it. `authoritative` descriptions
/// (from this node's own centres) update the record's facts; others only fill in what is
/// missing, so a peer cannot rewrite what local staff entered.
pub(crate) fn upsert(
    conn: &mut Conn,
    spec: &SoftwareSpec,
    authoritative: bool,
    now: NaiveDateTime,
) -> Result<SoftwareRow, StorageError> {
    let keys = spec.match_keys();
    let facts = SoftwareFacts {
        name: spec.name.clone(),
        homepage: spec.homepage.to_string(),
        homepage_key: keys.homepage,
        repository: spec.repository.as_ref().map(ToString::to_string),
        repository_key: keys.repository,
        license: spec.license.as_ref().map(ToString::to_string),
        wikidata: keys.wikidata,
    };
    // Most writes name software already known and change nothing in it (an edit of a
    // recommendation, a peer's Update, a backfilled copy): linking to it needs no table lock,
    // only the record kept until this transaction ends. The lock made every Update on a
    // PostgreSQL inbox wait for the one before it.
    if let Some(existing) = SoftwareRow::find_match(conn, &facts)?
        && unchanged(&existing, &merge(&existing, &facts, authoritative))
        && SoftwareRow::keep_until_commit(conn, existing.id)?
    {
        return Ok(existing);
    }
    SoftwareRow::lock_for_matching(conn)?;
    match SoftwareRow::find_match(conn, &facts)? {
        Some(existing) => {
            let merged = merge(&existing, &facts, authoritative);
            if unchanged(&existing, &merged) {
                Ok(existing)
            } else {
                SoftwareRow::update(conn, existing.id, &merged, now)
            }
        }
        None => {
            let base = match text::slug(&facts.name) {
                s if s.is_empty() => "software".to_owned(),
                s => s,
            };
            let mut slug = base.clone();
            let mut n = 2;
            while SoftwareRow::slug_taken(conn, &slug)? {
                slug = format!("{base}-{n}");
                n += 1;
            }
            SoftwareRow::insert(conn, &slug, &facts, now)
        }
    }
}

/// What a record becomes when a description of it is written: an authoritative one (this
/// node's staff) replaces its facts and fills in the keys it lacks; a peer's only fills in.
fn merge(existing: &SoftwareRow, facts: &SoftwareFacts, authoritative: bool) -> SoftwareFacts {
    if authoritative {
        let facts = facts.clone();
        SoftwareFacts {
            repository: facts.repository.or(existing.repository.clone()),
            repository_key: facts.repository_key.or(existing.repository_key.clone()),
            license: facts.license.or(existing.license.clone()),
            wikidata: facts.wikidata.or(existing.wikidata.clone()),
            ..facts
        }
    } else {
        SoftwareFacts {
            name: existing.name.clone(),
            homepage: existing.homepage.clone(),
            homepage_key: existing.homepage_key.clone(),
            repository: existing.repository.clone().or(facts.repository.clone()),
            repository_key: existing
                .repository_key
                .clone()
                .or(facts.repository_key.clone()),
            license: existing.license.clone().or(facts.license.clone()),
            wikidata: existing.wikidata.clone().or(facts.wikidata.clone()),
        }
    }
}

fn unchanged(row: &SoftwareRow, facts: &SoftwareFacts) -> bool {
    row.name == facts.name
        && row.homepage == facts.homepage
        && row.repository == facts.repository
        && row.license == facts.license
        && row.wikidata == facts.wikidata
}
