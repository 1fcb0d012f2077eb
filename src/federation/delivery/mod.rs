//! Delivery workers: they lease destination hosts from the persistent queue and deliver each
//! host's activities in order, one host per task, so a slow or dead peer holds up nobody else.
//! Failures are retried with backoff for days; a host failing for days is marked unavailable
//! and tried once a day; any activity it sends us, or an operator, revives it.

pub(crate) mod backoff;
pub(crate) mod queue;
pub(crate) mod send;

use std::time::Duration;

use chrono::Duration as Span;
use rand::Rng;
use tokio::task::JoinSet;

use super::FederationData;
use crate::storage::delivery::{self, DeliveryState, Job};
use crate::storage::now;

use send::Outcome;

/// Hosts delivered to at the same time.
const MAX_HOSTS: usize = 64;
/// How long a lease on a host lasts without renewal (a crashed worker's hosts come back).
const LEASE: Span = Span::seconds(60);
/// How often the queue is looked at without a wake-up (other processes add to it too).
const POLL: Duration = Duration::from_secs(1);
/// A host failing this long is unavailable.
const UNAVAILABLE_AFTER: Span = Span::days(3);
/// A delivery pending this long is given up.
const EXPIRE_AFTER: Span = Span::days(14);
/// Finished deliveries are kept this long, then pruned.
const KEEP: Span = Span::days(7);

/// Runs the workers until the process ends.
pub(crate) async fn run(data: FederationData, client: reqwest::Client) {
    let (db, wake) = (data.db.clone(), data.wake.clone());
    let owner = uuid::Uuid::new_v4().simple().to_string();
    tracing::debug!("delivery workers started ({owner})");
    if db.backend() == crate::storage::Backend::Sqlite {
        // One process per SQLite database: leases left in it are from a run that ended
        // (perhaps killed mid-delivery); waiting for them to lapse would only delay.
        if let Err(e) = db.write(delivery::release_all_leases).await {
            tracing::warn!("delivery queue: {e}");
        }
    }
    let mut hosts: JoinSet<()> = JoinSet::new();
    let mut last_prune = std::time::Instant::now() - Duration::from_secs(3600);
    loop {
        while hosts.len() < MAX_HOSTS {
            let o = owner.clone();
            let leased = db
                .write(move |conn| {
                    let now = now();
                    delivery::lease_host(conn, &o, now, now + LEASE)
                })
                .await;
            match leased {
                Ok(Some(host)) => {
                    tracing::debug!("delivering to {host}");
                    hosts.spawn(deliver_host(
                        data.clone(),
                        client.clone(),
                        owner.clone(),
                        host,
                    ));
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!("delivery queue: {e}");
                    break;
                }
            }
        }
        if last_prune.elapsed() > Duration::from_secs(3600) {
            last_prune = std::time::Instant::now();
            match db.write(|conn| delivery::prune(conn, now() - KEEP)).await {
                Ok(n) if n > 0 => tracing::info!("pruned {n} finished deliveries"),
                Ok(_) => {}
                Err(e) => tracing::warn!("pruning deliveries: {e}"),
            }
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            Some(_) = hosts.join_next(), if !hosts.is_empty() => {}
        }
    }
}

/// Delivers a leased host's due activities in order; stops at the first that must wait.
#[tracing::instrument(name = "delivery", skip(data, client, owner))]
async fn deliver_host(data: FederationData, client: reqwest::Client, owner: String, host: String) {
    let db = data.db.clone();
    let mut renewed = std::time::Instant::now();
    loop {
        let h = host.clone();
        let job = match db
            .run(move |conn| delivery::next_for_host(conn, &h, now()))
            .await
        {
            Ok(Some(job)) => job,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!("delivery queue ({host}): {e}");
                break;
            }
        };
        // Renew the lease well before it lapses (not on every delivery: each write costs).
        if renewed.elapsed() > Duration::from_secs(20) {
            renewed = std::time::Instant::now();
            let (h, o) = (host.clone(), owner.clone());
            let _ = db
                .write(move |conn| delivery::renew_lease(conn, &h, &o, Some(now() + LEASE)))
                .await;
        }
        let keep_going = deliver_one(&data, &client, job).await;
        if !keep_going {
            break;
        }
    }
    let (h, o) = (host.clone(), owner);
    if let Err(e) = db
        .write(move |conn| delivery::renew_lease(conn, &h, &o, None))
        .await
    {
        tracing::warn!("delivery queue ({host}): releasing: {e}");
    }
}

/// Sends one delivery and records the outcome; false when the host must wait. Its span
/// carries the activity id, the sending actor and the inbox (never the body or the key).
#[tracing::instrument(
    name = "deliver",
    skip_all,
    fields(activity_id = %job.1.activity_id, actor = %job.2.actor_id, inbox = %job.0.inbox)
)]
async fn deliver_one(data: &FederationData, client: &reqwest::Client, job: Job) -> bool {
    let (row, activity, actor) = job;
    let db = &data.db;
    // The inbox was checked when it was stored; it is checked again now, with today's rules:
    // rows queued before an upgrade or a block, or an inbox whose shape the rules refuse,
    // are never sent (and not retried).
    let refusal = match url::Url::parse(&row.inbox) {
        Ok(url) => data.may_contact(&url).await.err().map(|r| r.to_string()),
        Err(e) => Some(format!("`{}` is not a URL: {e}", row.inbox)),
    };
    if let Some(reason) = refusal {
        tracing::info!(
            "not delivering {} to {}: {reason}",
            activity.activity_id,
            row.inbox
        );
        let _ = db
            .write(move |conn| {
                delivery::mark_final(conn, &row, DeliveryState::Rejected, &reason, now())
            })
            .await;
        return true;
    }
    let Some(key) = actor.private_key.clone() else {
        let _ = db
            .write(move |conn| {
                delivery::mark_final(conn, &row, DeliveryState::Rejected, "no signing key", now())
            })
            .await;
        return true;
    };
    let outcome = send::send(
        client,
        &row.inbox,
        &actor.actor_id,
        key.expose(),
        activity.body.clone(),
    )
    .await;
    let result = match outcome {
        Outcome::Delivered => {
            tracing::debug!("delivered {} to {}", activity.activity_id, row.inbox);
            db.write(move |conn| delivery::mark_delivered(conn, &row, now()))
                .await
                .map(|()| true)
        }
        Outcome::Rejected(error) => {
            tracing::info!("{} refused {}: {error}", row.inbox, activity.activity_id);
            db.write(move |conn| {
                delivery::mark_final(conn, &row, DeliveryState::Rejected, &error, now())
            })
            .await
            .map(|()| true)
        }
        Outcome::Gone => {
            tracing::info!("{} is gone: no more deliveries to it", row.inbox);
            db.write(move |conn| {
                delivery::mark_final(conn, &row, DeliveryState::Gone, "410 Gone", now())?;
                crate::storage::follows::FollowerRow::remove_by_inbox(conn, &row.inbox)
            })
            .await
            .map(|()| true)
        }
        Outcome::Retry { error, after } => {
            tracing::info!(
                "delivery of {} to {} failed: {error}",
                activity.activity_id,
                row.inbox
            );
            let jitter: f64 = rand::thread_rng().r#gen();
            db.write(move |conn| {
                let now = now();
                let Some(host) = delivery::host(conn, &row.host)? else {
                    return Ok(());
                };
                let failures = u32::try_from(host.fail_count + 1).unwrap_or(u32::MAX);
                let wait =
                    after.unwrap_or_else(|| backoff::delay(failures, host.unavailable, jitter));
                let retry_at = now + Span::from_std(wait).unwrap_or(Span::days(1));
                delivery::mark_retry(
                    conn,
                    &row,
                    &host,
                    &error,
                    retry_at,
                    now,
                    UNAVAILABLE_AFTER,
                    EXPIRE_AFTER,
                )
            })
            .await
            .map(|()| false)
        }
    };
    result.unwrap_or_else(|e| {
        tracing::warn!("delivery queue: recording an outcome: {e}");
        false
    })
}
