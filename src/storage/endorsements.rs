//! Endorsements: a centre re-sharing a recommendation (an ActivityPub Announce).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ids::{CentreId, RecommendationId};
use super::schema::{centres, endorsements};
use super::{Conn, StorageError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = endorsements)]
pub(crate) struct EndorsementRow {
    pub id: i64,
    pub key: String,
    pub activity_id: String,
    pub centre_id: i64,
    pub recommendation_id: i64,
    pub created_at: NaiveDateTime,
}

impl EndorsementRow {
    /// Records an endorsement; an existing one by the same centre is kept as it is.
    pub(crate) fn insert_if_new(
        conn: &mut Conn,
        key: &str,
        activity_id: &str,
        centre_id: CentreId,
        recommendation_id: RecommendationId,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        if let Some(existing) = endorsements::table
            .filter(endorsements::centre_id.eq(centre_id.0))
            .filter(endorsements::recommendation_id.eq(recommendation_id.0))
            .select(Self::as_select())
            .first(conn)
            .optional()?
        {
            return Ok(existing);
        }
        Ok(diesel::insert_into(endorsements::table)
            .values((
                endorsements::key.eq(key),
                endorsements::activity_id.eq(activity_id),
                endorsements::centre_id.eq(centre_id.0),
                endorsements::recommendation_id.eq(recommendation_id.0),
                endorsements::created_at.eq(now),
            ))
            .returning(endorsements::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn find_by_key(conn: &mut Conn, key: &str) -> Result<Option<Self>, StorageError> {
        Ok(endorsements::table
            .filter(endorsements::key.eq(key))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_activity(
        conn: &mut Conn,
        activity_id: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(endorsements::table
            .filter(endorsements::activity_id.eq(activity_id))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(endorsements::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// Endorsements made by a centre, oldest first.
    pub(crate) fn by_centre(conn: &mut Conn, centre_id: i64) -> Result<Vec<Self>, StorageError> {
        Ok(endorsements::table
            .filter(endorsements::centre_id.eq(centre_id))
            .order(endorsements::id.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    /// The actor ids of the centres endorsing each recommendation.
    pub(crate) fn endorsers_of(
        conn: &mut Conn,
        recommendation_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<String>>, StorageError> {
        let rows: Vec<(i64, String)> = endorsements::table
            .inner_join(centres::table.on(centres::id.eq(endorsements::centre_id)))
            .filter(endorsements::recommendation_id.eq_any(recommendation_ids))
            .order(endorsements::id.asc())
            .select((endorsements::recommendation_id, centres::actor_id))
            .load(conn)?;
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, actor) in rows {
            out.entry(id).or_default().push(actor);
        }
        Ok(out)
    }
}
