//! Admin accounts and their login sessions (session tokens stored as SHA-256 hashes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{accounts, sessions};
use super::{Conn, StorageError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

impl AccountRow {
    /// Creates the account, or replaces the password of an existing one of that name.
    /// Returns whether it was new.
    pub fn upsert(
        conn: &mut Conn,
        name: &str,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        let updated = diesel::update(accounts::table.filter(accounts::name.eq(name)))
            .set(accounts::password_hash.eq(password_hash))
            .execute(conn)?;
        if updated > 0 {
            // A new password ends the sessions opened with the old one.
            let ids = accounts::table
                .filter(accounts::name.eq(name))
                .select(accounts::id);
            diesel::delete(sessions::table.filter(sessions::account_id.eq_any(ids)))
                .execute(conn)?;
            return Ok(false);
        }
        diesel::insert_into(accounts::table)
            .values((
                accounts::name.eq(name),
                accounts::password_hash.eq(password_hash),
                accounts::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
    }

    pub fn find_by_name(conn: &mut Conn, name: &str) -> Result<Option<Self>, StorageError> {
        Ok(accounts::table
            .filter(accounts::name.eq(name))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn list(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(accounts::table
            .order(accounts::name.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    pub fn count(conn: &mut Conn) -> Result<i64, StorageError> {
        Ok(accounts::table.count().get_result(conn)?)
    }
}

/// Opens a session for the account; deletes expired sessions on the way.
pub fn open_session(
    conn: &mut Conn,
    account_id: i64,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::account_id.eq(account_id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    diesel::update(accounts::table.find(account_id))
        .set(accounts::last_login_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// The account of a live session.
pub fn session_account(
    conn: &mut Conn,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<AccountRow>, StorageError> {
    Ok(sessions::table
        .inner_join(accounts::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn close_session(conn: &mut Conn, token_hash: &str) -> Result<(), StorageError> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)?;
    Ok(())
}
