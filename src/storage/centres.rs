//! Centre rows: this node's centres (with their private keys) and, later, remote ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::recommendation::Status;

use super::groups::GROUP;
use super::schema::centres;
use super::{Conn, StorageError};
use crate::domain::secret::Secret;

impl std::fmt::Debug for NewCentreRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCentreRow")
            .field("actor_id", &self.actor_id)
            .field("local", &self.local)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

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
    /// Local centres only: the key that signs their activities.
    pub private_key: Option<Secret>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// `Organization` for centres; followers may be any actor type (`Person` on Mastodon).
    pub actor_type: String,
    /// The actor declares itself a Maillage directory centre.
    pub is_directory: bool,
    pub manually_approves: bool,
    pub outbox_url: Option<String>,
    pub last_refreshed_at: Option<NaiveDateTime>,
    /// Header image URL.
    pub header: Option<String>,
    /// How to reach the centre: an email address or a URL.
    pub contact: Option<String>,
}

/// (`Debug` is written by hand: it leaves the private key out.)
#[derive(Clone, Insertable)]
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
    pub actor_type: String,
    pub is_directory: bool,
    pub manually_approves: bool,
    pub outbox_url: Option<String>,
    pub last_refreshed_at: Option<NaiveDateTime>,
    /// Header image URL.
    pub header: Option<String>,
    /// How to reach the centre: an email address or a URL.
    pub contact: Option<String>,
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
    pub header: Option<String>,
    pub contact: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl CentreRow {
    /// The avatar to show and publish: the centre's own, else, for a centre of this node, the
    /// one the node draws for it (`web::avatar`), so that no profile is blank.
    pub(crate) fn avatar(&self) -> Option<String> {
        self.icon
            .clone()
            .or_else(|| self.local.then(|| format!("{}/avatar.png", self.actor_id)))
    }

    pub fn insert(conn: &mut Conn, row: &NewCentreRow) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(centres::table)
            .values(row)
            .returning(centres::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn find(conn: &mut Conn, id: i64) -> Result<Self, StorageError> {
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

    /// Creates or refreshes a remote actor from what it published about itself.
    pub fn upsert_remote(conn: &mut Conn, row: &NewCentreRow) -> Result<Self, StorageError> {
        match Self::find_by_actor_id(conn, &row.actor_id)? {
            Some(existing) => Ok(diesel::update(centres::table.find(existing.id))
                .set((
                    centres::username.eq(&row.username),
                    centres::name.eq(&row.name),
                    centres::summary.eq(&row.summary),
                    centres::website.eq(&row.website),
                    centres::region.eq(&row.region),
                    centres::icon.eq(&row.icon),
                    centres::header.eq(&row.header),
                    centres::public_key.eq(&row.public_key),
                    centres::inbox_url.eq(&row.inbox_url),
                    centres::shared_inbox_url.eq(&row.shared_inbox_url),
                    centres::actor_type.eq(&row.actor_type),
                    centres::is_directory.eq(row.is_directory),
                    centres::manually_approves.eq(row.manually_approves),
                    centres::outbox_url.eq(&row.outbox_url),
                    centres::updated_at.eq(row.updated_at),
                    centres::last_refreshed_at.eq(row.last_refreshed_at),
                ))
                .returning(centres::all_columns)
                .get_result(conn)?),
            None => Self::insert(conn, row),
        }
    }

    /// Gives a local centre a new key pair (its actor is refetched by peers when a signature
    /// with the new key fails against the old one).
    pub fn replace_keys(
        conn: &mut Conn,
        id: i64,
        public_key: &str,
        private_key: &str,
    ) -> Result<(), StorageError> {
        diesel::update(centres::table.find(id))
            .set((
                centres::public_key.eq(public_key),
                centres::private_key.eq(Some(private_key)),
                centres::updated_at.eq(super::now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// This node's centres, oldest first: the first one is the node's default centre.
    pub fn list_local(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::local.eq(true))
            .order(centres::id.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    /// Whether this actor is a network of centres (a `Group`), not a centre.
    pub(crate) fn is_network(&self) -> bool {
        self.actor_type == GROUP
    }

    /// This node's centres that are not networks, oldest first: those a visitor's help
    /// request may be routed to (a network has no staff answering requests).
    pub(crate) fn list_local_centres(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::local.eq(true))
            .filter(centres::actor_type.ne(GROUP))
            .order(centres::id.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    /// This node's centres and the remote directory centres it knows, networks left out (a
    /// network is listed with the networks: `list_networks`).
    pub(crate) fn list_all(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::is_directory.eq(true))
            .filter(centres::actor_type.ne(GROUP))
            .order((centres::local.desc(), centres::id.asc()))
            .select(Self::as_select())
            .load(conn)?)
    }

    /// The networks of centres this node hosts or knows (directory `Group`s), local first.
    pub(crate) fn list_networks(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::is_directory.eq(true))
            .filter(centres::actor_type.eq(GROUP))
            .order((centres::local.desc(), centres::id.asc()))
            .select(Self::as_select())
            .load(conn)?)
    }

    /// A directory centre by `username` and `domain` (host, with port if any).
    pub(crate) fn find_by_handle(
        conn: &mut Conn,
        username: &str,
        domain: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(centres::table
            .filter(centres::username.eq(username))
            .filter(centres::domain.eq(domain))
            .filter(centres::is_directory.eq(true))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// Per centre: how many published, unhidden recommendations it has and when the latest
    /// changed. Centres without any are absent.
    pub(crate) fn activity(
        conn: &mut Conn,
    ) -> Result<Vec<(i64, i64, Option<NaiveDateTime>)>, StorageError> {
        use super::schema::recommendations;
        use diesel::dsl::{count_star, max};
        Ok(recommendations::table
            .filter(recommendations::status.eq(Status::Published.as_str()))
            .filter(recommendations::hidden.eq(false))
            .group_by(recommendations::centre_id)
            .select((
                recommendations::centre_id,
                count_star(),
                max(recommendations::updated_at),
            ))
            .load(conn)?)
    }

    pub(crate) fn update_profile(
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

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "-----BEGIN PRIVATE KEY-----MIIEvQIBADAN";

    fn new_row() -> NewCentreRow {
        NewCentreRow {
            actor_id: "https://a.example/centres/main".into(),
            username: "main".into(),
            domain: "a.example".into(),
            name: "Centre".into(),
            summary: None,
            website: None,
            region: None,
            icon: None,
            local: true,
            public_key: "-----BEGIN PUBLIC KEY-----".into(),
            private_key: Some(KEY.into()),
            inbox_url: "https://a.example/centres/main/inbox".into(),
            shared_inbox_url: None,
            created_at: NaiveDateTime::default(),
            updated_at: NaiveDateTime::default(),
            actor_type: "Organization".into(),
            is_directory: true,
            manually_approves: false,
            outbox_url: None,
            last_refreshed_at: None,
            header: None,
            contact: None,
        }
    }

    #[test]
    fn debug_leaves_the_private_key_out() {
        let new = new_row();
        let printed = format!("{new:?}");
        assert!(!printed.contains("PRIVATE KEY"), "{printed}");
        assert!(printed.contains("a.example"), "{printed}");

        let row = CentreRow {
            id: 1,
            actor_id: new.actor_id,
            username: new.username,
            domain: new.domain,
            name: new.name,
            summary: None,
            website: None,
            region: None,
            icon: None,
            local: true,
            public_key: new.public_key,
            private_key: Some(Secret::new(KEY)),
            inbox_url: new.inbox_url,
            shared_inbox_url: None,
            created_at: new.created_at,
            updated_at: new.updated_at,
            actor_type: new.actor_type,
            is_directory: true,
            manually_approves: false,
            outbox_url: None,
            last_refreshed_at: None,
            header: None,
            contact: None,
        };
        let printed = format!("{row:?}");
        assert!(!printed.contains("PRIVATE KEY"), "{printed}");
        assert!(printed.contains("a.example"), "{printed}");
    }
}
