//! API tokens, stored as SHA-256 hashes: a stolen database does not hand out admin access.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::api_tokens;
use super::{Conn, StorageError};
use crate::domain::secret::Secret;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
#[expect(
    dead_code,
    reason = "a row holds its whole table row; not every column is read"
)]
pub(crate) struct TokenRow {
    pub id: i64,
    /// A secret all the same: whoever reads it may look for the token that hashes to it.
    pub token_hash: Secret,
    pub label: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl TokenRow {
    pub(crate) fn insert(
        conn: &mut Conn,
        token_hash: &str,
        label: &str,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::token_hash.eq(token_hash),
                api_tokens::label.eq(label),
                api_tokens::created_at.eq(now),
            ))
            .returning(api_tokens::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn find_active(
        conn: &mut Conn,
        token_hash: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null())
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn list(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(api_tokens::table
            .order(api_tokens::id.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    /// Revokes the token with this id or this hash; returns how many were revoked.
    pub(crate) fn revoke(
        conn: &mut Conn,
        id: Option<i64>,
        token_hash: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<usize, StorageError> {
        let target = api_tokens::table
            .filter(api_tokens::revoked_at.is_null())
            .filter(
                api_tokens::id
                    .eq(id.unwrap_or(-1))
                    .or(api_tokens::token_hash.eq(token_hash.unwrap_or(""))),
            );
        Ok(diesel::update(target)
            .set(api_tokens::revoked_at.eq(now))
            .execute(conn)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_the_hash_out() {
        let row = TokenRow {
            id: 1,
            token_hash: Secret::new("ba7816bf8f01cfea414140de5dae2223b0"),
            label: "ci".into(),
            created_at: NaiveDateTime::default(),
            revoked_at: None,
        };
        let printed = format!("{row:?}");
        assert!(!printed.contains("ba7816bf"), "{printed}");
        assert!(printed.contains("ci"), "{printed}");
    }
}
