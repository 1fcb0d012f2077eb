//! Centre rows: this node's centres (with their private keys) and, later, remote ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::centres;
use super::{Conn, StorageError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = centres)]
pub struct CentreRow {
    pub id: i64,
    pub actor_id: String,
    pub username: String,
    pub domain: String,
    pub name: String,
    pub summary: Option<String>,
    pub website: Option<String>,
    pub region: Option<String>,
    pub icon: Option<String>,
    pub local: bool,
    pub public_key: String,
    pub private_key: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = centres)]
pub struct NewCentreRow {
    pub actor_id: String,
    pub username: String,
    pub domain: String,
    pub name: String,
    pub summary: Option<String>,
    pub website: Option<String>,
    pub region: Option<String>,
    pub icon: Option<String>,
    pub local: bool,
    pub public_key: String,
    pub private_key: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The editable profile; `None` clears a field.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = centres, treat_none_as_null = true)]
pub struct CentreProfileChanges {
    pub name: String,
    pub summary: Option<String>,
    pub website: Option<String>,
    pub region: Option<String>,
    pub icon: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl CentreRow {
    pub fn insert(conn: &mut Conn, row: &NewCentreRow) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(centres::table)
            .values(row)
            .returning(centres::all_columns)
            .get_result(conn)?)
    }

    pub fn find(conn: &mut Conn, id: i64) -> Result<Self, StorageError> {
        Ok(centres::table
            .find(id)
            .select(Self::as_select())
            .first(conn)?)
    }

    pub fn find_local(conn: &mut Conn, username: &str) -> Result<Option<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::local.eq(true))
            .filter(centres::username.eq(username))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub fn find_by_actor_id(conn: &mut Conn, actor_id: &str) -> Result<Option<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::actor_id.eq(actor_id))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// This node's centres, oldest first: the first one is the node's default centre.
    pub fn list_local(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::local.eq(true))
            .order(centres::id.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    pub fn list_all(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(centres::table
            .order((centres::local.desc(), centres::id.asc()))
            .select(Self::as_select())
            .load(conn)?)
    }

    pub fn update_profile(
        conn: &mut Conn,
        id: i64,
        changes: &CentreProfileChanges,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(centres::table.find(id))
            .set(changes)
            .returning(centres::all_columns)
            .get_result(conn)?)
    }
}
