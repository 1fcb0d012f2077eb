//! The database: connections, migrations and every query. The only module that names diesel.
//!
//! Both backends sit behind one runtime [`AnyConnection`]: SQLite (bundled, the embedded default)
//! and PostgreSQL. Queries are plain functions taking `&mut Conn`; callers run them on the
//! blocking pool through [`Database::run`] so no database call ever blocks the async runtime.

mod connection;
mod error;
pub mod schema;

pub mod accounts;
pub mod activities;
pub(crate) mod audit;
pub mod centres;
pub mod contacts;
pub(crate) mod delivery;
pub(crate) mod endorsements;
pub mod events;
pub mod follows;
mod group_commit;
pub(crate) mod groups;
pub mod help_requests;
pub mod ids;
pub(crate) mod instance;
pub(crate) mod moderation;
pub(crate) mod moves;
pub mod places;
pub mod products;
pub mod providers;
pub mod recommendations;
pub(crate) mod relays;
pub(crate) mod search;
mod secret;
pub mod software;
mod stored;
pub(crate) mod tokens;

pub(crate) use connection::again_on_conflict;
pub use connection::{AnyConnection as Conn, Backend, Database, DatabaseUrl};
pub use error::StorageError;

/// The current time as stored: UTC without a zone (the type both backends share), to the
/// microsecond, since PostgreSQL keeps no more and both backends must answer the same.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// One page of a listing: the rows and how many match in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub total: i64,
    pub rows: Vec<T>,
}

/// A new object key: the last segment of the object's id, 32 hex digits. Random so that ids
/// reveal nothing about how many objects a node holds. The one key generator of the node.
pub(crate) fn new_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Listings take a window (a pure type: the edges build it from a request's paging).
pub use crate::domain::Window;

/// A trivial query, for health checks.
pub(crate) fn ping(conn: &mut Conn) -> Result<(), StorageError> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SELECT 1")?;
    Ok(())
}
