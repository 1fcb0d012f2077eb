//! The persistent delivery queue: activities to send, one delivery row per inbox, and the
//! health of each destination host. Workers lease a host and deliver its rows in order.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::centres::CentreRow;
use super::schema::{centres, deliveries, delivery_hosts, outgoing_activities};
use super::{Conn, StorageError};

/// Where a delivery stands. Only `Pending` is ever sent; the others are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DeliveryState {
    /// Waiting for its host's turn (first attempt or a retry).
    Pending,
    Delivered,
    /// The inbox refused it, our rules forbid the inbox, or an operator blocked the host.
    Rejected,
    /// The inbox answered 410: it will never take anything again.
    Gone,
    /// Given up: retried for longer than allowed, or purged by an operator.
    Expired,
}

impl DeliveryState {
    pub(crate) const ALL: [Self; 5] = [
        Self::Pending,
        Self::Delivered,
        Self::Rejected,
        Self::Gone,
        Self::Expired,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Rejected => "rejected",
            Self::Gone => "gone",
            Self::Expired => "expired",
        }
    }

    /// The state a stored name stands for; `None` for any other text.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outgoing_activities)]
#[expect(
    dead_code,
    reason = "a row holds its whole table row; not every column is read"
)]
pub(crate) struct OutgoingRow {
    pub id: i64,
    pub activity_id: String,
    pub actor_id: i64,
    pub body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
#[expect(
    dead_code,
    reason = "a row holds its whole table row; not every column is read"
)]
pub(crate) struct DeliveryRow {
    pub id: i64,
    pub outgoing_id: i64,
    pub host: String,
    pub inbox: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = delivery_hosts)]
#[expect(
    dead_code,
    reason = "a row holds its whole table row; not every column is read"
)]
pub(crate) struct HostRow {
    pub host: String,
    pub fail_count: i32,
    pub failing_since: Option<NaiveDateTime>,
    pub last_success_at: Option<NaiveDateTime>,
    pub last_failure_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub unavailable: bool,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
}

/// A delivery ready to send: the row, the activity, and the centre that signs it.
pub(crate) type Job = (DeliveryRow, OutgoingRow, CentreRow);

/// Stores an activity and one pending delivery per inbox (`(host, inbox)` pairs, one per
/// host for shared inboxes). Call it in the transaction that made the change.
pub(crate) fn enqueue(
    conn: &mut Conn,
    activity_id: &str,
    actor_id: i64,
    body: &str,
    inboxes: &[(String, String)],
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    if inboxes.is_empty() {
        return Ok(());
    }
    let outgoing_id: i64 = diesel::insert_into(outgoing_activities::table)
        .values((
            outgoing_activities::activity_id.eq(activity_id),
            outgoing_activities::actor_id.eq(actor_id),
            outgoing_activities::body.eq(body),
            outgoing_activities::created_at.eq(now),
        ))
        .returning(outgoing_activities::id)
        .get_result(conn)?;
    for (host, inbox) in inboxes {
        diesel::insert_into(deliveries::table)
            .values((
                deliveries::outgoing_id.eq(outgoing_id),
                deliveries::host.eq(host),
                deliveries::inbox.eq(inbox),
                deliveries::state.eq(DeliveryState::Pending.as_str()),
                deliveries::next_attempt_at.eq(now),
                deliveries::created_at.eq(now),
            ))
            .execute(conn)?;
        let known: i64 = delivery_hosts::table
            .filter(delivery_hosts::host.eq(host))
            .count()
            .get_result(conn)?;
        if known == 0 {
            diesel::insert_into(delivery_hosts::table)
                .values((
                    delivery_hosts::host.eq(host),
                    delivery_hosts::next_attempt_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Leases one host that has deliveries due and no live lease, for `owner` until `until`.
/// On PostgreSQL the candidate row is locked with `FOR UPDATE SKIP LOCKED`, so several
/// node processes sharing the database never lease the same host; on SQLite the write
/// transaction serialises the claim.
pub(crate) fn lease_host(
    conn: &mut Conn,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Option<String>, StorageError> {
    let due = deliveries::table
        .filter(deliveries::state.eq(DeliveryState::Pending.as_str()))
        .filter(deliveries::next_attempt_at.le(now))
        .select(deliveries::host);
    let candidates = delivery_hosts::table
        .filter(delivery_hosts::next_attempt_at.le(now))
        .filter(
            delivery_hosts::lease_until
                .is_null()
                .or(delivery_hosts::lease_until.lt(now)),
        )
        .filter(delivery_hosts::host.eq_any(due))
        .select(delivery_hosts::host)
        .order(delivery_hosts::next_attempt_at.asc())
        .limit(1);
    let host: Option<String> = match conn {
        Conn::Postgresql(pg) => candidates.for_update().skip_locked().first(pg).optional()?,
        Conn::Sqlite(sqlite) => candidates.first(sqlite).optional()?,
    };
    if let Some(host) = &host {
        diesel::update(delivery_hosts::table.find(host))
            .set((
                delivery_hosts::lease_owner.eq(owner),
                delivery_hosts::lease_until.eq(until),
            ))
            .execute(conn)?;
    }
    Ok(host)
}

/// Drops every lease: for a single-process node (SQLite) starting up, the leases in the
/// database are from a previous run that ended, perhaps by a crash.
pub(crate) fn release_all_leases(conn: &mut Conn) -> Result<(), StorageError> {
    diesel::update(delivery_hosts::table)
        .set((
            delivery_hosts::lease_owner.eq(None::<String>),
            delivery_hosts::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Extends or drops a lease.
pub(crate) fn renew_lease(
    conn: &mut Conn,
    host: &str,
    owner: &str,
    until: Option<NaiveDateTime>,
) -> Result<(), StorageError> {
    diesel::update(
        delivery_hosts::table
            .filter(delivery_hosts::host.eq(host))
            .filter(delivery_hosts::lease_owner.eq(owner)),
    )
    .set((
        delivery_hosts::lease_until.eq(until),
        delivery_hosts::lease_owner.eq(until.map(|_| owner)),
    ))
    .execute(conn)?;
    Ok(())
}

/// The next delivery due for a host, oldest first, with its activity and signer.
pub(crate) fn next_for_host(
    conn: &mut Conn,
    host: &str,
    now: NaiveDateTime,
) -> Result<Option<Job>, StorageError> {
    Ok(deliveries::table
        .inner_join(outgoing_activities::table.inner_join(centres::table))
        .filter(deliveries::host.eq(host))
        .filter(deliveries::state.eq(DeliveryState::Pending.as_str()))
        .filter(deliveries::next_attempt_at.le(now))
        .order(deliveries::id.asc())
        .select((
            DeliveryRow::as_select(),
            OutgoingRow::as_select(),
            CentreRow::as_select(),
        ))
        .first(conn)
        .optional()?)
}

pub(crate) fn mark_delivered(
    conn: &mut Conn,
    delivery: &DeliveryRow,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::state.eq(DeliveryState::Delivered.as_str()),
            deliveries::delivered_at.eq(now),
            deliveries::attempts.eq(delivery.attempts + 1),
        ))
        .execute(conn)?;
    diesel::update(delivery_hosts::table.find(&delivery.host))
        .set((
            delivery_hosts::fail_count.eq(0),
            delivery_hosts::failing_since.eq(None::<NaiveDateTime>),
            delivery_hosts::last_success_at.eq(now),
            delivery_hosts::unavailable.eq(false),
            delivery_hosts::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A final answer that is not a success: the delivery stops (`rejected`, or `gone` for 410,
/// which also drops every other pending delivery to that inbox).
pub(crate) fn mark_final(
    conn: &mut Conn,
    delivery: &DeliveryRow,
    state: DeliveryState,
    error: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::state.eq(state.as_str()),
            deliveries::last_error.eq(error),
            deliveries::attempts.eq(delivery.attempts + 1),
        ))
        .execute(conn)?;
    if state == DeliveryState::Gone {
        diesel::update(
            deliveries::table
                .filter(deliveries::inbox.eq(&delivery.inbox))
                .filter(deliveries::state.eq(DeliveryState::Pending.as_str())),
        )
        .set((
            deliveries::state.eq(DeliveryState::Gone.as_str()),
            deliveries::last_error.eq(error),
        ))
        .execute(conn)?;
    }
    // The host answered: it is up.
    diesel::update(delivery_hosts::table.find(&delivery.host))
        .set((
            delivery_hosts::fail_count.eq(0),
            delivery_hosts::failing_since.eq(None::<NaiveDateTime>),
            delivery_hosts::unavailable.eq(false),
            delivery_hosts::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A failure worth retrying: the host waits until `retry_at` (backoff or Retry-After).
/// Failing for `unavailable_after` makes it unavailable; a delivery older than `expire_after`
/// is given up.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, the parts of one outcome"
)]
pub(crate) fn mark_retry(
    conn: &mut Conn,
    delivery: &DeliveryRow,
    host: &HostRow,
    error: &str,
    retry_at: NaiveDateTime,
    now: NaiveDateTime,
    unavailable_after: Duration,
    expire_after: Duration,
) -> Result<(), StorageError> {
    let failing_since = host.failing_since.unwrap_or(now);
    let expired = now - delivery.created_at > expire_after;
    diesel::update(deliveries::table.find(delivery.id))
        .set((
            deliveries::state.eq(if expired {
                DeliveryState::Expired
            } else {
                DeliveryState::Pending
            }
            .as_str()),
            deliveries::last_error.eq(error),
            deliveries::attempts.eq(delivery.attempts + 1),
            deliveries::next_attempt_at.eq(retry_at),
        ))
        .execute(conn)?;
    diesel::update(delivery_hosts::table.find(&host.host))
        .set((
            delivery_hosts::fail_count.eq(host.fail_count + 1),
            delivery_hosts::failing_since.eq(failing_since),
            delivery_hosts::last_failure_at.eq(now),
            delivery_hosts::last_error.eq(error),
            delivery_hosts::next_attempt_at.eq(retry_at),
            delivery_hosts::unavailable.eq(now - failing_since > unavailable_after),
        ))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn host(conn: &mut Conn, host: &str) -> Result<Option<HostRow>, StorageError> {
    Ok(delivery_hosts::table
        .find(host)
        .select(HostRow::as_select())
        .first(conn)
        .optional()?)
}

/// Makes a host due now (it just sent us something, or an operator asked).
pub(crate) fn revive(
    conn: &mut Conn,
    host: &str,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    let n = diesel::update(delivery_hosts::table.find(host))
        .set((
            delivery_hosts::next_attempt_at.eq(now),
            delivery_hosts::unavailable.eq(false),
        ))
        .execute(conn)?;
    diesel::update(
        deliveries::table
            .filter(deliveries::host.eq(host))
            .filter(deliveries::state.eq(DeliveryState::Pending.as_str())),
    )
    .set(deliveries::next_attempt_at.eq(now))
    .execute(conn)?;
    Ok(n > 0)
}

/// Whether a host is waiting (backoff or unavailable).
pub(crate) fn is_waiting(
    conn: &mut Conn,
    host: &str,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    let waiting: i64 = delivery_hosts::table
        .filter(delivery_hosts::host.eq(host))
        .filter(
            delivery_hosts::next_attempt_at
                .gt(now)
                .or(delivery_hosts::unavailable.eq(true)),
        )
        .count()
        .get_result(conn)?;
    Ok(waiting > 0)
}

/// Drops a host's pending deliveries; returns how many.
pub(crate) fn purge(conn: &mut Conn, host: &str) -> Result<usize, StorageError> {
    Ok(diesel::update(
        deliveries::table
            .filter(deliveries::host.eq(host))
            .filter(deliveries::state.eq(DeliveryState::Pending.as_str())),
    )
    .set((
        deliveries::state.eq(DeliveryState::Expired.as_str()),
        deliveries::last_error.eq("purged by an operator"),
    ))
    .execute(conn)?)
}

/// Per host: the health row and how many deliveries are pending.
pub(crate) fn stats(conn: &mut Conn) -> Result<Vec<(HostRow, i64)>, StorageError> {
    let hosts: Vec<HostRow> = delivery_hosts::table
        .order(delivery_hosts::host.asc())
        .select(HostRow::as_select())
        .load(conn)?;
    let pending: Vec<(String, i64)> = deliveries::table
        .filter(deliveries::state.eq(DeliveryState::Pending.as_str()))
        .group_by(deliveries::host)
        .select((deliveries::host, diesel::dsl::count(deliveries::id)))
        .load(conn)?;
    Ok(hosts
        .into_iter()
        .map(|h| {
            let n = pending
                .iter()
                .find(|(host, _)| *host == h.host)
                .map_or(0, |(_, n)| *n);
            (h, n)
        })
        .collect())
}

/// Deliveries by state (for metrics).
pub(crate) fn count_by_state(conn: &mut Conn) -> Result<Vec<(DeliveryState, i64)>, StorageError> {
    Ok(deliveries::table
        .group_by(deliveries::state)
        .select((deliveries::state, diesel::dsl::count(deliveries::id)))
        .load(conn)?)
}

/// Removes finished deliveries older than `before`, then activities with none left.
pub(crate) fn prune(conn: &mut Conn, before: NaiveDateTime) -> Result<usize, StorageError> {
    let n = diesel::delete(
        deliveries::table
            .filter(deliveries::state.ne(DeliveryState::Pending.as_str()))
            .filter(deliveries::created_at.lt(before)),
    )
    .execute(conn)?;
    let live = deliveries::table.select(deliveries::outgoing_id);
    diesel::delete(
        outgoing_activities::table
            .filter(outgoing_activities::created_at.lt(before))
            .filter(outgoing_activities::id.ne_all(live)),
    )
    .execute(conn)?;
    Ok(n)
}
