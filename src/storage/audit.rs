//! The audit log: one row per change staff made (issue 12), newest first when read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::{Conn, StorageError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub(crate) struct AuditRow {
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub kind: String,
    pub object_key: String,
    pub title: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditRow {
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub kind: String,
    pub object_key: String,
    pub title: String,
}

impl AuditRow {
    pub(crate) fn insert(conn: &mut Conn, row: &NewAuditRow) -> Result<(), StorageError> {
        diesel::insert_into(audit_log::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// A page of the log, newest first, and the number of entries.
    pub(crate) fn page(
        conn: &mut Conn,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Self>, i64), StorageError> {
        let rows = audit_log::table
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .offset(offset)
            .limit(limit)
            .select(Self::as_select())
            .load(conn)?;
        let total = audit_log::table.count().get_result(conn)?;
        Ok((rows, total))
    }
}
