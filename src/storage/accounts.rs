//! Admin accounts and their login sessions (session tokens stored as SHA-256 hashes).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{accounts, login_failures, sessions};
use super::{Conn, StorageError};
use crate::domain::secret::Secret;
use crate::domain::staff::Role;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub password_hash: Secret,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
    pub role: Role,
}

/// Why an account change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffChange {
    Done,
    /// No account of that name.
    Unknown,
    /// It would leave the node without an administrator.
    LastAdministrator,
    /// An account of that name exists already.
    Taken,
}

impl AccountRow {
    /// Creates the account, or replaces the password of an existing one of that name.
    /// Returns whether it was new.
    pub(crate) fn upsert(
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

    /// Creates an account with a role; refuses a name already taken.
    pub(crate) fn insert(
        conn: &mut Conn,
        name: &str,
        password_hash: &str,
        role: Role,
        now: NaiveDateTime,
    ) -> Result<StaffChange, StorageError> {
        if Self::find_by_name(conn, name)?.is_some() {
            return Ok(StaffChange::Taken);
        }
        diesel::insert_into(accounts::table)
            .values((
                accounts::name.eq(name),
                accounts::password_hash.eq(password_hash),
                accounts::created_at.eq(now),
                accounts::role.eq(role.as_str()),
            ))
            .execute(conn)?;
        Ok(StaffChange::Done)
    }

    /// Sets the password of account `id` and closes its sessions, except `keep` (the session
    /// of the person changing their own password).
    pub(crate) fn set_password(
        conn: &mut Conn,
        id: i64,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<(), StorageError> {
        diesel::update(accounts::table.find(id))
            .set(accounts::password_hash.eq(password_hash))
            .execute(conn)?;
        let sessions_of = sessions::table.filter(sessions::account_id.eq(id));
        match keep {
            Some(token_hash) => {
                diesel::delete(sessions_of.filter(sessions::token_hash.ne(token_hash)))
                    .execute(conn)?
            }
            None => diesel::delete(sessions_of).execute(conn)?,
        };
        Ok(())
    }

    /// Gives account `name` the role `role`, or deletes it (`role` None) with its sessions;
    /// never leaves the node without an administrator. On PostgreSQL the administrators' rows
    /// are locked first, so two administrators demoting each other at once cannot both
    /// succeed (on SQLite the write transaction already holds the whole database).
    pub(crate) fn change_staff(
        conn: &mut Conn,
        name: &str,
        role: Option<Role>,
    ) -> Result<StaffChange, StorageError> {
        let administrators = accounts::table
            .filter(accounts::role.eq(Role::Administrator.as_str()))
            .select(accounts::id);
        let ids: Vec<i64> = match conn {
            Conn::Postgresql(c) => administrators.for_update().load(c)?,
            Conn::Sqlite(c) => administrators.load(c)?,
        };
        let Some(account) = Self::find_by_name(conn, name)? else {
            return Ok(StaffChange::Unknown);
        };
        let stays_administrator = role == Some(Role::Administrator);
        if ids == [account.id] && !stays_administrator {
            return Ok(StaffChange::LastAdministrator);
        }
        match role {
            Some(role) => {
                diesel::update(accounts::table.find(account.id))
                    .set(accounts::role.eq(role.as_str()))
                    .execute(conn)?;
            }
            None => {
                diesel::delete(sessions::table.filter(sessions::account_id.eq(account.id)))
                    .execute(conn)?;
                diesel::delete(accounts::table.find(account.id)).execute(conn)?;
            }
        }
        Ok(StaffChange::Done)
    }

    pub fn find_by_name(conn: &mut Conn, name: &str) -> Result<Option<Self>, StorageError> {
        Ok(accounts::table
            .filter(accounts::name.eq(name))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn list(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(accounts::table
            .order(accounts::name.asc())
            .select(Self::as_select())
            .load(conn)?)
    }
}

/// Opens a session for the account; deletes expired sessions on the way.
pub(crate) fn open_session(
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
pub(crate) fn session_account(
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

pub(crate) fn close_session(conn: &mut Conn, token_hash: &str) -> Result<(), StorageError> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)?;
    Ok(())
}

/// The count of failed logins under each key after one more attempt, counted atomically.
///
/// The address key comes first: once it is over `address_limit`, nothing else is counted (a
/// flood from one address cannot fill the table with names). Each key's count restarts from one
/// when its last failure is older than `window_start`. On PostgreSQL each upsert locks its
/// row until the transaction ends, on SQLite the write transaction holds the database: either
/// way concurrent attempts are counted one after the other, like sequential ones, and an
/// attempt knows its rank before the password is checked.
pub(crate) fn count_login_attempt(
    conn: &mut Conn,
    address_key: &str,
    other_keys: &[String],
    address_limit: i64,
    now: NaiveDateTime,
    window_start: NaiveDateTime,
) -> Result<(i64, Vec<i64>), StorageError> {
    diesel::delete(login_failures::table.filter(login_failures::last_failure_at.lt(window_start)))
        .execute(conn)?;
    let address = count_one(conn, address_key, now, window_start)?;
    if address > address_limit {
        return Ok((address, Vec::new()));
    }
    let others = other_keys
        .iter()
        .map(|key| count_one(conn, key, now, window_start))
        .collect::<Result<_, _>>()?;
    Ok((address, others))
}

/// One more attempt under `key` (another rate, such as help requests per address, counted in
/// the same table and window as logins): the count within the window, this one included.
pub(crate) fn count_attempt(
    conn: &mut Conn,
    key: &str,
    now: NaiveDateTime,
    window_start: NaiveDateTime,
) -> Result<i64, StorageError> {
    diesel::delete(login_failures::table.filter(login_failures::last_failure_at.lt(window_start)))
        .execute(conn)?;
    count_one(conn, key, now, window_start)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    failures: i64,
}

/// One key's count plus one, in one statement (`INSERT … ON CONFLICT … RETURNING`).
fn count_one(
    conn: &mut Conn,
    key: &str,
    now: NaiveDateTime,
    window_start: NaiveDateTime,
) -> Result<i64, StorageError> {
    use diesel::sql_types::{Text, Timestamp};
    const SQLITE: &str = "INSERT INTO login_failures (key, failures, last_failure_at) VALUES (?, 1, ?) \
         ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN login_failures.last_failure_at < ? THEN 1 \
                         ELSE login_failures.failures + 1 END, \
         last_failure_at = excluded.last_failure_at \
         RETURNING failures";
    const POSTGRES: &str = "INSERT INTO login_failures (key, failures, last_failure_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 \
                         ELSE login_failures.failures + 1 END, \
         last_failure_at = excluded.last_failure_at \
         RETURNING failures";
    let count: Count = match conn {
        Conn::Sqlite(c) => diesel::sql_query(SQLITE)
            .bind::<Text, _>(key)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(window_start)
            .get_result(c)?,
        Conn::Postgresql(c) => diesel::sql_query(POSTGRES)
            .bind::<Text, _>(key)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(window_start)
            .get_result(c)?,
    };
    Ok(count.failures)
}

/// A login succeeded: its attempt does not count against the address or the account, and the
/// failures of this account from this address are forgotten.
pub(crate) fn forgive_login(
    conn: &mut Conn,
    decremented: &[String],
    forgotten: &str,
) -> Result<(), StorageError> {
    diesel::update(
        login_failures::table
            .filter(login_failures::key.eq_any(decremented))
            .filter(login_failures::failures.gt(0)),
    )
    .set(login_failures::failures.eq(login_failures::failures - 1))
    .execute(conn)?;
    diesel::delete(login_failures::table.filter(login_failures::key.eq(forgotten)))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_the_password_hash_out() {
        let row = AccountRow {
            id: 1,
            name: "camille".into(),
            password_hash: Secret::new("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            created_at: NaiveDateTime::default(),
            last_login_at: None,
            role: Role::Editor,
        };
        let printed = format!("{row:?}");
        assert!(!printed.contains("argon2id"), "{printed}");
        assert!(printed.contains("camille"), "{printed}");
    }
}
