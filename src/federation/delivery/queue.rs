//! Putting activities on the persistent delivery queue (`storage::delivery`), which the
//! workers of [`super`] drain. Not to be confused with a centre's ActivityPub outbox, the
//! public collection served by `federation::collections`.
//!
//! Activities about a change are queued in the transaction of that change: a change is never
//! stored without its activities, nor the reverse, even if the node is killed in between.

use std::collections::BTreeSet;

use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::Activity;
use serde::Serialize;
use url::Url;

use crate::federation::objects::centre::ApubCentre;
use crate::federation::protocol::context::context;
use crate::federation::{Context, FederationError, authority};
use crate::storage::{Conn, StorageError, delivery, now};

/// `(host, inbox)` pairs for the queue: one per inbox, ours left out.
pub(crate) fn destinations(inboxes: &[Url], local_authority: &str) -> Vec<(String, String)> {
    let set: BTreeSet<(String, String)> = inboxes
        .iter()
        .filter(|i| authority(i) != local_authority)
        .map(|i| (authority(i), i.to_string()))
        .collect();
    set.into_iter().collect()
}

/// Serialises `activity` (with our `@context`) and queues it for each inbox, in `conn`'s
/// transaction.
pub(crate) fn enqueue_in<A: Serialize>(
    conn: &mut Conn,
    activity_id: &Url,
    actor_id: i64,
    activity: A,
    inboxes: &[Url],
    local_authority: &str,
) -> Result<(), StorageError> {
    let body = serde_json::to_string(&WithContext::new(activity, context()))?;
    delivery::enqueue(
        conn,
        activity_id.as_str(),
        actor_id,
        &body,
        &destinations(inboxes, local_authority),
        now(),
    )
}

/// Queues `activity` from `actor` for each inbox in a transaction of its own, and wakes the
/// workers.
pub(crate) async fn enqueue<A>(
    activity: A,
    actor: &ApubCentre,
    inboxes: Vec<Url>,
    data: &Context,
) -> Result<(), FederationError>
where
    A: Activity + Serialize + Send + Sync + 'static,
{
    if inboxes.is_empty() {
        return Ok(());
    }
    let id = activity.id().clone();
    let actor_id = actor.row.id;
    let local = data.urls.authority();
    data.db
        .write(move |conn| enqueue_in(conn, &id, actor_id, activity, &inboxes, &local))
        .await?;
    data.wake.notify_one();
    Ok(())
}
