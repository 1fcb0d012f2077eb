//! Networks of centres: what a local network (a `Group` actor) re-announced, and which entries
//! this node holds because a network it follows announced them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::centres::CentreRow;
use super::follows::FollowState;
use super::schema::{
    centres, events, follows, group_announces, group_entries, places, recommendations,
};
use super::{Conn, StorageError, Window};
use crate::domain::recommendation::Status;

/// The actor type of a network.
pub(crate) const GROUP: &str = "Group";

/// What local networks re-announced (`group_announces`).
pub(crate) struct GroupAnnounceRow;

/// One entry a network's outbox lists: the network's boost of it.
#[derive(Debug, Clone, Queryable)]
pub(crate) struct ListedBoost {
    pub announce_id: String,
    pub object_id: String,
    pub created_at: NaiveDateTime,
}

/// The boosts (Announces of an entry's id: the relayed Create, recorded by its object) of
/// `network` whose member is still one (the network follows it, accepted) and whose entry is
/// still held here, public and not hidden by moderation: what the network's outbox lists.
macro_rules! listed_boosts {
    ($network_id:expr) => {
        group_announces::table
            .filter(group_announces::network_id.eq($network_id))
            .filter(group_announces::activity_id.eq(group_announces::object_id))
            .filter(
                group_announces::member_id.eq_any(
                    follows::table
                        .filter(follows::follower_id.eq($network_id))
                        .filter(follows::state.eq(FollowState::Accepted.as_str()))
                        .select(follows::target_id),
                ),
            )
            .filter(
                group_announces::object_id
                    .eq_any(
                        recommendations::table
                            .filter(recommendations::status.eq(Status::Published.as_str()))
                            .filter(recommendations::hidden.eq(false))
                            .select(recommendations::ap_id),
                    )
                    .or(group_announces::object_id.eq_any(
                        places::table
                            .filter(places::hidden.eq(false))
                            .select(places::ap_id),
                    ))
                    .or(group_announces::object_id.eq_any(
                        events::table
                            .filter(events::hidden.eq(false))
                            .select(events::ap_id),
                    )),
            )
    };
}

/// One announce to record: `network` relays `activity_id` (about `object_id`), which came from
/// its member `member_id` (the entry's centre, or a member network that announced it).
pub(crate) struct NewAnnounce<'a> {
    pub network_id: i64,
    pub member_id: i64,
    pub activity_id: &'a str,
    pub object_id: &'a str,
    pub announce_id: &'a str,
}

impl GroupAnnounceRow {
    /// Records that a network relays an activity; `false` (nothing recorded) if it did already:
    /// a network relays each activity once, however often and by whichever way it arrives.
    pub(crate) fn record(
        conn: &mut Conn,
        new: &NewAnnounce<'_>,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        let values = (
            group_announces::network_id.eq(new.network_id),
            group_announces::member_id.eq(new.member_id),
            group_announces::activity_id.eq(new.activity_id),
            group_announces::object_id.eq(new.object_id),
            group_announces::announce_id.eq(new.announce_id),
            group_announces::created_at.eq(now),
        );
        // ON CONFLICT DO NOTHING: on PostgreSQL a unique violation would abort the transaction.
        let inserted = match conn {
            Conn::Sqlite(c) => diesel::insert_into(group_announces::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(c)?,
            Conn::Postgresql(c) => diesel::insert_into(group_announces::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
        Ok(inserted == 1)
    }

    /// What `network` announced of what came from `member`: `(object id, announce id)`, the
    /// first announce of each object (for a Create, the boost).
    pub(crate) fn of_member(
        conn: &mut Conn,
        network_id: i64,
        member_id: i64,
    ) -> Result<Vec<(String, String)>, StorageError> {
        let rows: Vec<(String, String)> = group_announces::table
            .filter(group_announces::network_id.eq(network_id))
            .filter(group_announces::member_id.eq(member_id))
            .order(group_announces::id.asc())
            .select((group_announces::object_id, group_announces::announce_id))
            .load(conn)?;
        let mut seen = std::collections::HashSet::new();
        Ok(rows
            .into_iter()
            .filter(|(object, _)| seen.insert(object.clone()))
            .collect())
    }

    /// The first Announce `network` made of `object_id` (for a Create, the boost), if any.
    pub(crate) fn first_of_object(
        conn: &mut Conn,
        network_id: i64,
        object_id: &str,
    ) -> Result<Option<String>, StorageError> {
        Ok(group_announces::table
            .filter(group_announces::network_id.eq(network_id))
            .filter(group_announces::object_id.eq(object_id))
            .order(group_announces::id.asc())
            .select(group_announces::announce_id)
            .first(conn)
            .optional()?)
    }

    /// The first Announce `network` made of `object_id` as coming from `member` (for a
    /// Create, the boost), if any.
    pub(crate) fn first_of_member_object(
        conn: &mut Conn,
        network_id: i64,
        member_id: i64,
        object_id: &str,
    ) -> Result<Option<String>, StorageError> {
        Ok(group_announces::table
            .filter(group_announces::network_id.eq(network_id))
            .filter(group_announces::member_id.eq(member_id))
            .filter(group_announces::object_id.eq(object_id))
            .order(group_announces::id.asc())
            .select(group_announces::announce_id)
            .first(conn)
            .optional()?)
    }

    /// Forgets what `network` announced of `object_id` as coming from `member` (the member
    /// withdrew it).
    pub(crate) fn forget_member_object(
        conn: &mut Conn,
        network_id: i64,
        member_id: i64,
        object_id: &str,
    ) -> Result<(), StorageError> {
        diesel::delete(
            group_announces::table
                .filter(group_announces::network_id.eq(network_id))
                .filter(group_announces::member_id.eq(member_id))
                .filter(group_announces::object_id.eq(object_id)),
        )
        .execute(conn)?;
        Ok(())
    }

    /// How many entries `network`'s outbox lists (see [`listed_boosts`]).
    pub(crate) fn count_listed(conn: &mut Conn, network_id: i64) -> Result<i64, StorageError> {
        Ok(listed_boosts!(network_id).count().get_result(conn)?)
    }

    /// A window of the entries `network`'s outbox lists, newest boost first.
    pub(crate) fn listed(
        conn: &mut Conn,
        network_id: i64,
        window: Window,
    ) -> Result<Vec<ListedBoost>, StorageError> {
        Ok(listed_boosts!(network_id)
            .order(group_announces::id.desc())
            .offset(window.offset)
            .limit(window.limit)
            .select((
                group_announces::announce_id,
                group_announces::object_id,
                group_announces::created_at,
            ))
            .load(conn)?)
    }

    /// Forgets what `network` announced of what came from `member` (it was withdrawn).
    pub(crate) fn forget_member(
        conn: &mut Conn,
        network_id: i64,
        member_id: i64,
    ) -> Result<(), StorageError> {
        diesel::delete(
            group_announces::table
                .filter(group_announces::network_id.eq(network_id))
                .filter(group_announces::member_id.eq(member_id)),
        )
        .execute(conn)?;
        Ok(())
    }
}

/// This node's centres and networks whose follow of `actor_id` is accepted: whether the node
/// takes in what the actor publishes, and which networks relay it, in one query (the inbox
/// asks both for every entry it receives).
pub(crate) fn accepted_followers(
    conn: &mut Conn,
    actor_id: i64,
) -> Result<Vec<CentreRow>, StorageError> {
    Ok(follows::table
        .inner_join(centres::table.on(centres::id.eq(follows::follower_id)))
        .filter(follows::target_id.eq(actor_id))
        .filter(follows::state.eq(FollowState::Accepted.as_str()))
        .select(CentreRow::as_select())
        .load(conn)?)
}

/// The local networks that follow `actor_id` (accepted): those that relay what it publishes.
pub(crate) fn local_networks_following(
    conn: &mut Conn,
    actor_id: i64,
) -> Result<Vec<CentreRow>, StorageError> {
    Ok(networks_among(accepted_followers(conn, actor_id)?))
}

/// The networks among `followers` (from [`accepted_followers`]: all local, as `follows` holds
/// this node's follows only).
pub(crate) fn networks_among(followers: Vec<CentreRow>) -> Vec<CentreRow> {
    followers
        .into_iter()
        .filter(|follower| follower.local && follower.is_network())
        .collect()
}

/// Records that `network` brought `object_id` to this node (once).
pub(crate) fn record_entry(
    conn: &mut Conn,
    network_id: i64,
    object_id: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let values = (
        group_entries::network_id.eq(network_id),
        group_entries::object_id.eq(object_id),
        group_entries::created_at.eq(now),
    );
    match conn {
        Conn::Sqlite(c) => diesel::insert_into(group_entries::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
        Conn::Postgresql(c) => diesel::insert_into(group_entries::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(())
}

/// `network` withdraws `object_id`: how many networks still bring it here, `None` if `network`
/// never brought it.
pub(crate) fn withdraw_entry(
    conn: &mut Conn,
    network_id: i64,
    object_id: &str,
) -> Result<Option<i64>, StorageError> {
    let deleted = diesel::delete(
        group_entries::table
            .filter(group_entries::network_id.eq(network_id))
            .filter(group_entries::object_id.eq(object_id)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Ok(None);
    }
    Ok(Some(
        group_entries::table
            .filter(group_entries::object_id.eq(object_id))
            .count()
            .get_result(conn)?,
    ))
}
