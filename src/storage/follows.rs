//! Who follows whom: our centres' follows of remote centres, and remote actors following ours.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::centres::CentreRow;
use super::ids::CentreId;
use super::schema::{centres, followers, follows};
use super::{Conn, StorageError};

pub use crate::domain::follow::FollowState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = follows)]
pub struct FollowRow {
    pub id: i64,
    pub key: String,
    /// The id of the Follow activity we sent.
    pub activity_id: String,
    pub follower_id: i64,
    pub target_id: i64,
    pub state: FollowState,
    pub backfilled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = followers)]
pub struct FollowerRow {
    pub id: i64,
    pub key: String,
    pub centre_id: i64,
    pub actor_id: i64,
    /// The id of the Follow activity the actor sent (our Accept or Reject names it).
    pub activity_id: String,
    pub state: FollowState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Staff trust this follower (a directory centre) with `network` contact cards.
    pub trusted: bool,
}

impl FollowRow {
    /// Records a follow (or renews one that was rejected or undone), pending acceptance.
    pub(crate) fn upsert_pending(
        conn: &mut Conn,
        key: &str,
        activity_id: &str,
        follower_id: CentreId,
        target_id: CentreId,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        diesel::delete(
            follows::table
                .filter(follows::follower_id.eq(follower_id.0))
                .filter(follows::target_id.eq(target_id.0)),
        )
        .execute(conn)?;
        Ok(diesel::insert_into(follows::table)
            .values((
                follows::key.eq(key),
                follows::activity_id.eq(activity_id),
                follows::follower_id.eq(follower_id.0),
                follows::target_id.eq(target_id.0),
                follows::state.eq(FollowState::Pending.as_str()),
                follows::created_at.eq(now),
                follows::updated_at.eq(now),
            ))
            .returning(follows::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn find_by_key(
        conn: &mut Conn,
        key: &str,
    ) -> Result<Option<(Self, CentreRow)>, StorageError> {
        Ok(follows::table
            .inner_join(centres::table.on(centres::id.eq(follows::target_id)))
            .filter(follows::key.eq(key))
            .select((Self::as_select(), CentreRow::as_select()))
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_activity(
        conn: &mut Conn,
        activity_id: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(follows::table
            .filter(follows::activity_id.eq(activity_id))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// The follow of `follower_id` (local) towards `target_id`, if any.
    pub(crate) fn find_between(
        conn: &mut Conn,
        follower_id: CentreId,
        target_id: CentreId,
    ) -> Result<Option<Self>, StorageError> {
        Ok(follows::table
            .filter(follows::follower_id.eq(follower_id.0))
            .filter(follows::target_id.eq(target_id.0))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn set_state(
        conn: &mut Conn,
        id: i64,
        state: FollowState,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        diesel::update(follows::table.find(id))
            .set((
                follows::state.eq(state.as_str()),
                follows::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub(crate) fn mark_backfilled(
        conn: &mut Conn,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        diesel::update(follows::table.find(id))
            .set(follows::backfilled_at.eq(now))
            .execute(conn)?;
        Ok(())
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(follows::table.find(id)).execute(conn)?;
        Ok(())
    }

    /// Our follows with their targets, newest first.
    pub(crate) fn list(conn: &mut Conn) -> Result<Vec<(Self, CentreRow)>, StorageError> {
        Ok(follows::table
            .inner_join(centres::table.on(centres::id.eq(follows::target_id)))
            .order(follows::id.desc())
            .select((Self::as_select(), CentreRow::as_select()))
            .load(conn)?)
    }

    /// Whether any of our centres follows `actor_id` with an accepted follow.
    pub(crate) fn is_followed(conn: &mut Conn, actor_id: i64) -> Result<bool, StorageError> {
        let n: i64 = follows::table
            .filter(follows::target_id.eq(actor_id))
            .filter(follows::state.eq(FollowState::Accepted.as_str()))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }
}

impl FollowerRow {
    /// Records (or renews) a follower of a local centre in `state`. A renewed follow keeps the
    /// trust staff gave it; a new one is not trusted.
    pub fn upsert(
        conn: &mut Conn,
        key: &str,
        centre_id: CentreId,
        actor_id: CentreId,
        activity_id: &str,
        state: FollowState,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        let existing = followers::table
            .filter(followers::centre_id.eq(centre_id.0))
            .filter(followers::actor_id.eq(actor_id.0));
        let trusted = existing
            .select(followers::trusted)
            .first::<bool>(conn)
            .optional()?
            .unwrap_or(false);
        diesel::delete(existing).execute(conn)?;
        Ok(diesel::insert_into(followers::table)
            .values((
                followers::trusted.eq(trusted),
                followers::key.eq(key),
                followers::centre_id.eq(centre_id.0),
                followers::actor_id.eq(actor_id.0),
                followers::activity_id.eq(activity_id),
                followers::state.eq(state.as_str()),
                followers::created_at.eq(now),
                followers::updated_at.eq(now),
            ))
            .returning(followers::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn find_by_key(
        conn: &mut Conn,
        key: &str,
    ) -> Result<Option<(Self, CentreRow)>, StorageError> {
        Ok(followers::table
            .inner_join(centres::table.on(centres::id.eq(followers::actor_id)))
            .filter(followers::key.eq(key))
            .select((Self::as_select(), CentreRow::as_select()))
            .first(conn)
            .optional()?)
    }

    pub(crate) fn set_state(
        conn: &mut Conn,
        id: i64,
        state: FollowState,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        diesel::update(followers::table.find(id))
            .set((
                followers::state.eq(state.as_str()),
                followers::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Trusts (or stops trusting) a follower with `network` contact cards.
    pub(crate) fn set_trusted(conn: &mut Conn, id: i64, trusted: bool) -> Result<(), StorageError> {
        diesel::update(followers::table.find(id))
            .set(followers::trusted.eq(trusted))
            .execute(conn)?;
        Ok(())
    }

    /// Removes `actor_id` from the followers of `centre_id`; returns whether it was one.
    pub(crate) fn remove(
        conn: &mut Conn,
        centre_id: CentreId,
        actor_id: CentreId,
    ) -> Result<bool, StorageError> {
        let n = diesel::delete(
            followers::table
                .filter(followers::centre_id.eq(centre_id.0))
                .filter(followers::actor_id.eq(actor_id.0)),
        )
        .execute(conn)?;
        Ok(n > 0)
    }

    /// Removes every follower whose inbox (or shared inbox) is `inbox`: it answered 410 Gone.
    pub(crate) fn remove_by_inbox(conn: &mut Conn, inbox: &str) -> Result<(), StorageError> {
        let actors = centres::table
            .filter(
                centres::inbox_url
                    .eq(inbox)
                    .or(centres::shared_inbox_url.eq(inbox)),
            )
            .select(centres::id);
        diesel::delete(followers::table.filter(followers::actor_id.eq_any(actors)))
            .execute(conn)?;
        Ok(())
    }

    /// Every follow of our centres by one actor.
    pub(crate) fn by_actor(conn: &mut Conn, actor_id: i64) -> Result<Vec<Self>, StorageError> {
        Ok(followers::table
            .filter(followers::actor_id.eq(actor_id))
            .select(Self::as_select())
            .load(conn)?)
    }

    /// The followers of a local centre (all states, or only `state`), with their actors.
    pub(crate) fn list(
        conn: &mut Conn,
        centre_id: Option<i64>,
        state: Option<FollowState>,
    ) -> Result<Vec<(Self, CentreRow)>, StorageError> {
        let mut query = followers::table
            .inner_join(centres::table.on(centres::id.eq(followers::actor_id)))
            .select((Self::as_select(), CentreRow::as_select()))
            .order(followers::id.asc())
            .into_boxed();
        if let Some(centre_id) = centre_id {
            query = query.filter(followers::centre_id.eq(centre_id));
        }
        if let Some(state) = state {
            query = query.filter(followers::state.eq(state.as_str()));
        }
        Ok(query.load(conn)?)
    }
}
