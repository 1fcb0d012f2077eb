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
    let seen: i64 = received_activities::table
        .filter(received_activities::activity_id.eq(activity_id))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    match diesel::insert_into(received_activities::table)
        .values((
            received_activities::activity_id.eq(activity_id),
            received_activities::received_at.eq(now),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        // Delivered twice at the same moment: the other delivery won.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Forgets an activity id, so a delivery that failed half-way can be retried by its sender.
pub fn forget_received(conn: &mut Conn, activity_id: &str) -> Result<(), StorageError> {
    diesel::delete(
        received_activities::table.filter(received_activities::activity_id.eq(activity_id)),
    )
    .execute(conn)?;
    Ok(())
}

pub fn add_tombstone(conn: &mut Conn, ap_id: &str, now: NaiveDateTime) -> Result<(), StorageError> {
    if !is_tombstoned(conn, ap_id)? {
        diesel::insert_into(tombstones::table)
            .values((tombstones::ap_id.eq(ap_id), tombstones::deleted_at.eq(now)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn is_tombstoned(conn: &mut Conn, ap_id: &str) -> Result<bool, StorageError> {
    let n: i64 = tombstones::table
        .filter(tombstones::ap_id.eq(ap_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
