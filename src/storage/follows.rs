//! Who follows whom: our centres' follows of remote centres, and remote actors following ours.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::centres::CentreRow;
use super::ids::CentreId;
use super::schema::{centres, followers, follows};
use super::{Conn, StorageError};

pub use crate::domain::follow::{BackfillState, FollowState};

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
    /// When the backfill ended (read to its end, or failed).
    pub backfilled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// `None` until the follow is accepted and its backfill starts.
    pub backfill_state: Option<BackfillState>,
    /// The next outbox page to read (`None`: the outbox itself, from its start).
    pub backfill_next: Option<String>,
    /// Items of the outbox taken in so far, and pages fetched.
    pub backfill_items: i64,
    pub backfill_pages: i64,
    /// Why the backfill failed.
    pub backfill_error: Option<String>,
    pub backfill_started_at: Option<NaiveDateTime>,
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

    /// Starts the backfill of a follow from the outbox's beginning (again, if it had run).
    pub(crate) fn start_backfill(
        conn: &mut Conn,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(follows::table.find(id))
            .set((
                follows::backfill_state.eq(Some(BackfillState::Running.as_str())),
                follows::backfill_next.eq(None::<String>),
                follows::backfill_items.eq(0),
                follows::backfill_pages.eq(0),
                follows::backfill_error.eq(None::<String>),
                follows::backfill_started_at.eq(Some(now)),
                follows::backfilled_at.eq(None::<NaiveDateTime>),
            ))
            .returning(follows::all_columns)
            .get_result(conn)?)
    }

    /// Records the progress of a running backfill: `pages` more read, and where to go on from
    /// (the items taken in are counted by [`Self::count_backfilled`]). Called in the
    /// transaction that stores the items, so that a
    /// restart neither loses nor repeats them. `from` is where the caller last recorded the
    /// backfill to stand: if it moved since (another process, a replica or a restarted node,
    /// runs the same backfill), nothing is recorded and the answer is `false`: the caller is
    /// not the one running it and must stop. Called first in its transaction: on PostgreSQL the
    /// row lock it takes makes a concurrent runner wait here, then see the move.
    pub(crate) fn advance_backfill(
        conn: &mut Conn,
        id: i64,
        from: Option<&str>,
        next: Option<&str>,
        pages: i64,
    ) -> Result<bool, StorageError> {
        let running = follows::table
            .find(id)
            .filter(follows::backfill_state.eq(BackfillState::Running.as_str()));
        let changes = (
            follows::backfill_next.eq(next),
            follows::backfill_pages.eq(follows::backfill_pages + pages),
        );
        let updated = match from {
            Some(from) => diesel::update(running.filter(follows::backfill_next.eq(from)))
                .set(changes)
                .execute(conn)?,
            None => diesel::update(running.filter(follows::backfill_next.is_null()))
                .set(changes)
                .execute(conn)?,
        };
        Ok(updated == 1)
    }

    /// Adds `items` taken in to a backfill's count (after [`Self::advance_backfill`], in its
    /// transaction).
    pub(crate) fn count_backfilled(
        conn: &mut Conn,
        id: i64,
        items: i64,
    ) -> Result<(), StorageError> {
        diesel::update(follows::table.find(id))
            .set(follows::backfill_items.eq(follows::backfill_items + items))
            .execute(conn)?;
        Ok(())
    }

    /// Ends a backfill: `done`, or `failed` with the reason.
    pub(crate) fn finish_backfill(
        conn: &mut Conn,
        id: i64,
        error: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        let state = if error.is_some() {
            BackfillState::Failed
        } else {
            BackfillState::Done
        };
        diesel::update(follows::table.find(id))
            .set((
                follows::backfill_state.eq(Some(state.as_str())),
                follows::backfill_next.eq(None::<String>),
                follows::backfill_error.eq(error),
                follows::backfilled_at.eq(Some(now)),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Accepted follows whose backfill is still running (a node stopped during it), with
    /// their targets: the node resumes them when it starts.
    pub(crate) fn unfinished_backfills(
        conn: &mut Conn,
    ) -> Result<Vec<(Self, CentreRow)>, StorageError> {
        Ok(follows::table
            .inner_join(centres::table.on(centres::id.eq(follows::target_id)))
            .filter(follows::state.eq(FollowState::Accepted.as_str()))
            .filter(follows::backfill_state.eq(BackfillState::Running.as_str()))
            .order(follows::id.asc())
            .select((Self::as_select(), CentreRow::as_select()))
            .load(conn)?)
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
