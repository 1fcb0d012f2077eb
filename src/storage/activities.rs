//! What federation remembers of activities: ids already applied, and deleted object ids.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{received_activities, tombstones};
use super::{Conn, StorageError};

/// Records an activity id; false when it was recorded already (a duplicate delivery).
pub fn record_received(
    conn: &mut Conn,
    activity_id: &str,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    // ON CONFLICT DO NOTHING, not a unique violation: on PostgreSQL an error would abort the
    // transaction this may run in (the one that applies the activity).
    let values = (
        received_activities::activity_id.eq(activity_id),
        received_activities::received_at.eq(now),
    );
    let inserted = match conn {
        Conn::Sqlite(c) => diesel::insert_into(received_activities::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
        Conn::Postgresql(c) => diesel::insert_into(received_activities::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(inserted == 1)
}

/// Forgets an activity id, so a delivery that failed half-way can be retried by its sender.
pub(crate) fn forget_received(conn: &mut Conn, activity_id: &str) -> Result<(), StorageError> {
    diesel::delete(
        received_activities::table.filter(received_activities::activity_id.eq(activity_id)),
    )
    .execute(conn)?;
    Ok(())
}

pub(crate) fn add_tombstone(
    conn: &mut Conn,
    ap_id: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    if !is_tombstoned(conn, ap_id)? {
        diesel::insert_into(tombstones::table)
            .values((tombstones::ap_id.eq(ap_id), tombstones::deleted_at.eq(now)))
            .execute(conn)?;
    }
    Ok(())
}

pub(crate) fn is_tombstoned(conn: &mut Conn, ap_id: &str) -> Result<bool, StorageError> {
    let n: i64 = tombstones::table
        .filter(tombstones::ap_id.eq(ap_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
