//! The relays this node subscribes to (Mastodon/LitePub relays): the relay actor, its inbox,
//! the Follow our instance actor sent it and where that Follow stands.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::relays;
use super::{Conn, StorageError};

pub use crate::domain::follow::FollowState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = relays)]
pub struct RelayRow {
    pub id: i64,
    pub key: String,
    /// The relay actor's id (`https://relay.example/actor`).
    pub actor_id: String,
    /// Where our Follow and our public recommendations go.
    pub inbox_url: String,
    /// The id of the Follow our instance actor sent (the relay's Accept names it).
    pub follow_activity: String,
    pub state: FollowState,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The Follows sent (or tried) so far.
    pub attempts: i32,
    /// When the Follow goes again if the relay has still not answered; none once it did.
    pub next_attempt_at: Option<NaiveDateTime>,
    /// Why the last Follow did not reach the relay; none when it did.
    pub last_error: Option<String>,
}

impl RelayRow {
    /// Records a subscription to the relay `actor_id`, pending its answer; a former one to
    /// the same relay is replaced (a new Follow, a new id).
    pub(crate) fn subscribe(
        conn: &mut Conn,
        key: &str,
        actor_id: &str,
        inbox_url: &str,
        follow_activity: &str,
        now: NaiveDateTime,
    ) -> Result<Self, StorageError> {
        diesel::delete(relays::table.filter(relays::actor_id.eq(actor_id))).execute(conn)?;
        Ok(diesel::insert_into(relays::table)
            .values((
                relays::key.eq(key),
                relays::actor_id.eq(actor_id),
                relays::inbox_url.eq(inbox_url),
                relays::follow_activity.eq(follow_activity),
                relays::state.eq(FollowState::Pending.as_str()),
                relays::created_at.eq(now),
                relays::updated_at.eq(now),
            ))
            .returning(relays::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn list(conn: &mut Conn) -> Result<Vec<Self>, StorageError> {
        Ok(relays::table
            .order(relays::id.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    pub(crate) fn find(conn: &mut Conn, id: i64) -> Result<Option<Self>, StorageError> {
        Ok(relays::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_key(conn: &mut Conn, key: &str) -> Result<Option<Self>, StorageError> {
        Ok(relays::table
            .filter(relays::key.eq(key))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_follow(
        conn: &mut Conn,
        follow_activity: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(relays::table
            .filter(relays::follow_activity.eq(follow_activity))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// The subscription to the relay `actor_id`, if it is accepted.
    pub(crate) fn find_accepted(
        conn: &mut Conn,
        actor_id: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(relays::table
            .filter(relays::actor_id.eq(actor_id))
            .filter(relays::state.eq(FollowState::Accepted.as_str()))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// The inboxes of the relays that accepted us: where public recommendations go.
    pub(crate) fn accepted_inboxes(conn: &mut Conn) -> Result<Vec<String>, StorageError> {
        Ok(relays::table
            .filter(relays::state.eq(FollowState::Accepted.as_str()))
            .order(relays::id.asc())
            .select(relays::inbox_url)
            .load(conn)?)
    }

    pub(crate) fn set_state(
        conn: &mut Conn,
        id: i64,
        state: FollowState,
        now: NaiveDateTime,
    ) -> Result<(), StorageError> {
        diesel::update(relays::table.find(id))
            .set((
                relays::state.eq(state.as_str()),
                relays::updated_at.eq(now),
                relays::next_attempt_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Records a Follow sent (`error` none) or tried (`error` says why it failed), and when
    /// the next goes if the relay still has not answered by then.
    pub(crate) fn record_attempt(
        conn: &mut Conn,
        id: i64,
        error: Option<&str>,
        next: NaiveDateTime,
    ) -> Result<Option<Self>, StorageError> {
        Ok(diesel::update(
            relays::table
                .find(id)
                .filter(relays::state.eq(FollowState::Pending.as_str())),
        )
        .set((
            relays::attempts.eq(relays::attempts + 1),
            relays::next_attempt_at.eq(Some(next)),
            relays::last_error.eq(error),
        ))
        .returning(relays::all_columns)
        .get_result(conn)
        .optional()?)
    }

    /// The subscriptions still pending whose Follow is due again.
    pub(crate) fn due(conn: &mut Conn, now: NaiveDateTime) -> Result<Vec<Self>, StorageError> {
        Ok(relays::table
            .filter(relays::state.eq(FollowState::Pending.as_str()))
            .filter(relays::next_attempt_at.le(now))
            .order(relays::next_attempt_at.asc())
            .select(Self::as_select())
            .load(conn)?)
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(relays::table.find(id)).execute(conn)?;
        Ok(())
    }
}
