//! Relays (Mastodon and LitePub relays, e.g. `activityrelay`): this node subscribes to one
//! the way Mastodon does, its *instance actor* (an `Application`, which relays require) sending
//! a `Follow` of the relay actor whose object is the Public collection. Once the relay accepts:
//!
//! - the Creates of our public recommendations also go to the relay's inbox (`publish.rs`
//!   adds it), which re-announces them to every subscriber;
//! - what the relay announces to us (`Announce` of an object id) is taken in only if the object
//!   is a recommendation whose author is a directory centre: fetched from its origin (never
//!   taken from the relay), verified as any entry, and stored with the origin as its author.
//!   Anything else a relay carries (Mastodon posts, other servers' objects) is ignored.
//!
//! - what the relay forwards of other servers (ActivityRelay forwards each `Update` and
//!   `Delete` it receives, signed with the relay's own key, for an activity by another actor)
//!   is never trusted for its content: if it names a recommendation held here as a copy of a
//!   directory centre's, the object is fetched again at its id, from its origin, and the copy
//!   updated (or removed, with a tombstone, if the origin says it is gone). Anything else a
//!   relay forwards is acknowledged and ignored. Our own public recommendations' Updates and
//!   Deletes go to the relay as their Creates do (`publish.rs`).
//!
//! The Follow and its Undo are sent at once, signed by the instance actor, so that staff see
//! the relay's answer to the request (or why it could not be reached); the relay's Accept or
//! Reject arrives later at the shared inbox (`activities::accept` and `reject` ask here
//! first).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::Actor as _;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::activities::delete::remove_copy;
use super::activities::object_id;
use super::cavage::Cavage;
use super::delivery::backoff;
use super::delivery::send::{Outcome, send};
use super::objects::centre::{self, ApubCentre};
use super::objects::entry::{ApubEntry, is_local_id};
use super::protocol::context::context;
use super::protocol::note::Note;
use super::protocol::public_collection;
use super::{Federation, FederationData, FederationError, activity_id};
use crate::storage::follows::FollowRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::relays::{FollowState, RelayRow};
use crate::storage::{Conn, StorageError, activities, new_key, now};

/// How often pending subscriptions are looked at for a Follow due again.
const RETRY_POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// The Follow of a relay: the instance actor follows the Public collection, as relays expect.
#[derive(Debug, Clone, Serialize)]
struct RelayFollow {
    #[serde(rename = "type")]
    kind: &'static str,
    id: Url,
    actor: Url,
    object: Url,
}

/// Its Undo, with the Follow embedded (relays compare its id with the one they recorded).
#[derive(Debug, Clone, Serialize)]
struct RelayUndo {
    #[serde(rename = "type")]
    kind: &'static str,
    id: Url,
    actor: Url,
    object: RelayFollow,
}

impl Federation {
    /// Subscribes this node to the relay at `url` (its actor, or its inbox as Mastodon's
    /// admin asks for: `https://relay.example/inbox`, whose actor is then looked up at
    /// `/actor`). Records the subscription (pending) and sends the Follow; an answer other
    /// than success removes it again and says what the relay answered.
    pub(crate) async fn subscribe_relay(&self, url: &str) -> Result<RelayRow, FederationError> {
        let relay = self.resolve_relay(url).await?;
        let inbox = relay
            .shared_inbox_url
            .clone()
            .unwrap_or_else(|| relay.inbox_url.clone());
        let key = new_key();
        let follow_id = activity_id(&self.context().urls, &format!("follow/{key}"));
        let row = {
            let (key, actor, inbox, follow) = (
                key.clone(),
                relay.actor_id.clone(),
                inbox.clone(),
                follow_id.to_string(),
            );
            self.data()
                .db
                .write(move |conn| RelayRow::subscribe(conn, &key, &actor, &inbox, &follow, now()))
                .await?
        };
        let follow = self.relay_follow(follow_id);
        let outcome = match self.post_to_relay(&inbox, &follow).await {
            Ok(outcome) => outcome,
            Err(e) => {
                self.forget_relay(row.id).await?;
                return Err(e);
            }
        };
        match outcome {
            // Refused for good: nothing is kept, staff are told why.
            Outcome::Rejected(error) => {
                self.forget_relay(row.id).await?;
                Err(FederationError::BadRequest(format!(
                    "the relay's inbox {inbox}: {error}"
                )))
            }
            Outcome::Gone => {
                self.forget_relay(row.id).await?;
                Err(FederationError::BadRequest(format!(
                    "the relay's inbox {inbox} answered 410 Gone"
                )))
            }
            // Sent, or to be sent again: the subscription stays pending until the relay
            // answers, its Follow retried with backoff meanwhile (see `retry_follows`).
            outcome => Ok(self.follow_attempted(&row, outcome).await?.unwrap_or(row)),
        }
    }

    async fn forget_relay(&self, id: i64) -> Result<(), FederationError> {
        self.data()
            .db
            .write(move |conn| RelayRow::delete(conn, id))
            .await?;
        Ok(())
    }

    /// Records a Follow sent or tried, and when it goes again if the relay does not answer:
    /// after a failure, when the relay said (`Retry-After`) or with the deliveries' backoff;
    /// after a delivered Follow, with the same backoff (the relay may have lost it, or its
    /// answer may not have reached us). A rejection or a `410` ends the subscription's
    /// retries: it is `rejected`, with the reason.
    async fn follow_attempted(
        &self,
        row: &RelayRow,
        outcome: Outcome,
    ) -> Result<Option<RelayRow>, FederationError> {
        let attempts = u32::try_from(row.attempts + 1).unwrap_or(u32::MAX);
        let jitter: f64 = rand::Rng::r#gen(&mut rand::thread_rng());
        let backoff = backoff::delay(attempts, false, jitter);
        let (error, wait) = match outcome {
            Outcome::Delivered => (None, backoff),
            Outcome::Retry { error, after } => (Some(error), after.unwrap_or(backoff)),
            Outcome::Rejected(error) => return self.follow_refused(row, error).await,
            Outcome::Gone => return self.follow_refused(row, "410 Gone".into()).await,
        };
        if let Some(error) = &error {
            tracing::info!(
                "the Follow of the relay {} failed (attempt {attempts}): {error}; again in {wait:?}",
                row.actor_id
            );
        }
        let next = now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1));
        let id = row.id;
        Ok(self
            .data()
            .db
            .write(move |conn| RelayRow::record_attempt(conn, id, error.as_deref(), next))
            .await?)
    }

    async fn follow_refused(
        &self,
        row: &RelayRow,
        error: String,
    ) -> Result<Option<RelayRow>, FederationError> {
        tracing::info!("the relay {} refused our Follow: {error}", row.actor_id);
        let id = row.id;
        let row = self
            .data()
            .db
            .write(move |conn| {
                RelayRow::record_attempt(conn, id, Some(&error), now())?;
                RelayRow::set_state(conn, id, FollowState::Rejected, now())?;
                RelayRow::find(conn, id)
            })
            .await?;
        Ok(row)
    }

    /// Sends again the Follow of each pending subscription that is due, until the process
    /// ends (started with the delivery workers).
    pub(crate) async fn retry_follows(self) {
        loop {
            tokio::time::sleep(RETRY_POLL).await;
            let due = match self.data().db.run(|conn| RelayRow::due(conn, now())).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::warn!("relay subscriptions: {e}");
                    continue;
                }
            };
            for row in due {
                let outcome = match Url::parse(&row.follow_activity) {
                    Ok(id) => {
                        let follow = self.relay_follow(id);
                        self.post_to_relay(&row.inbox_url, &follow).await
                    }
                    Err(e) => Err(e.into()),
                };
                let outcome = outcome.unwrap_or_else(|e| Outcome::Retry {
                    error: e.to_string(),
                    after: None,
                });
                if let Err(e) = self.follow_attempted(&row, outcome).await {
                    tracing::warn!("relay subscription {}: {e}", row.actor_id);
                }
            }
        }
    }

    /// Ends a subscription: sends the relay an Undo of our Follow and forgets it. The relay
    /// not answering does not keep the subscription (nothing is sent to it any more).
    pub(crate) async fn unsubscribe_relay(&self, row: RelayRow) -> Result<(), FederationError> {
        let id = row.id;
        self.data()
            .db
            .write(move |conn| RelayRow::delete(conn, id))
            .await?;
        let undo = RelayUndo {
            kind: "Undo",
            id: activity_id(&self.context().urls, "undo"),
            actor: self.instance_actor().id.clone(),
            object: self.relay_follow(Url::parse(&row.follow_activity)?),
        };
        match self.post_to_relay(&row.inbox_url, &undo).await {
            Ok(Outcome::Delivered) => {}
            Ok(Outcome::Retry { error, .. } | Outcome::Rejected(error)) => tracing::info!(
                "the relay {} was not told of the unsubscription: {error}",
                row.actor_id
            ),
            Ok(Outcome::Gone) => {}
            Err(e) => tracing::info!(
                "the relay {} was not told of the unsubscription: {e}",
                row.actor_id
            ),
        }
        Ok(())
    }

    fn relay_follow(&self, id: Url) -> RelayFollow {
        RelayFollow {
            kind: "Follow",
            id,
            actor: self.instance_actor().id.clone(),
            object: public_collection(),
        }
    }

    /// The relay actor at `url`, or at the `/actor` of an `/inbox` URL.
    async fn resolve_relay(
        &self,
        url: &str,
    ) -> Result<crate::storage::centres::CentreRow, FederationError> {
        let url = url.trim();
        let first = match self.resolve_actor(url).await {
            Ok(actor) => return self.relay_actor(actor),
            Err(e) => e,
        };
        if let Some(base) = url.strip_suffix("/inbox")
            && let Ok(actor) = self.resolve_actor(&format!("{base}/actor")).await
        {
            return self.relay_actor(actor);
        }
        Err(first)
    }

    fn relay_actor(
        &self,
        actor: crate::storage::centres::CentreRow,
    ) -> Result<crate::storage::centres::CentreRow, FederationError> {
        if actor.local {
            return Err(FederationError::BadRequest(
                "is an actor of this node, not a relay".into(),
            ));
        }
        Ok(actor)
    }

    /// Signs `activity` with the instance actor's key and posts it to `inbox` now: what the
    /// inbox answered (an error if it may not be contacted at all).
    async fn post_to_relay<A: Serialize>(
        &self,
        inbox: &str,
        activity: &A,
    ) -> Result<Outcome, FederationError> {
        let url = Url::parse(inbox)?;
        self.data()
            .may_contact(&url)
            .await
            .map_err(|refusal| FederationError::Forbidden(refusal.to_string()))?;
        let body = serde_json::to_string(&WithContext::new(activity, context()))
            .map_err(|e| FederationError::Internal(e.to_string()))?;
        let instance = self.instance_actor();
        Ok(send(
            &self.client,
            inbox,
            instance.id.as_str(),
            instance.private_key_pem.expose(),
            body,
        )
        .await)
    }
}

/// The subscription an Accept or Reject from `answered_by` answers, if it answers our Follow
/// of a relay; refused if the Follow was sent to another relay.
pub(crate) async fn answered(
    object: &Value,
    answered_by: &Url,
    data: &Data<FederationData>,
) -> Result<Option<RelayRow>, FederationError> {
    let Some(follow_id) = object_id(object) else {
        return Ok(None);
    };
    let key = follow_id.to_string();
    let Some(row) = data
        .db
        .run(move |conn| RelayRow::find_by_follow(conn, &key))
        .await?
    else {
        return Ok(None);
    };
    if row.actor_id != answered_by.as_str() {
        return Err(FederationError::Forbidden(format!(
            "{answered_by} cannot answer a Follow sent to the relay {}",
            row.actor_id
        )));
    }
    Ok(Some(row))
}

/// Records the relay's answer to our Follow.
pub(crate) async fn record_answer(
    row: RelayRow,
    state: FollowState,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    tracing::info!("the relay {} answered: {}", row.actor_id, state.as_str());
    data.db
        .write(move |conn| RelayRow::set_state(conn, row.id, state, now()))
        .await?;
    Ok(())
}

/// An Announce from `actor`: if `actor` is a relay that accepted us, the announced object is
/// taken in as a relayed entry, or ignored (logged), and `true` is returned; `false` for
/// anyone else's Announce. Done before answering, as for every Announce.
pub(crate) async fn relayed(
    activity_id: &Url,
    actor: &Url,
    object: &Value,
    data: &Data<FederationData>,
) -> Result<bool, FederationError> {
    let relay = actor.to_string();
    if data
        .db
        .run(move |conn| RelayRow::find_accepted(conn, &relay))
        .await?
        .is_none()
    {
        return Ok(false);
    }
    let object = object_id(object)
        .ok_or_else(|| FederationError::BadRequest("Announce names no object".into()))?;
    if is_local_id(&object, data) {
        // Our own entry, back from the relay.
        return Ok(true);
    }
    if let Err(e) = take_relayed(&object, data).await {
        tracing::info!("relayed {activity_id} ignored: {e}");
    }
    Ok(true)
}

/// Fetches a relayed object from its origin and stores it if it is a recommendation by a
/// directory centre.
#[tracing::instrument(name = "relayed", skip_all, fields(object = %object))]
async fn take_relayed(object: &Url, data: &Data<FederationData>) -> Result<(), FederationError> {
    if ApubEntry::load(object, data).await?.is_some() {
        // Already held: pushed by its centre, or relayed before.
        return Ok(());
    }
    let note = match fetch_object_http::<_, Note>(object, data).await {
        Ok(fetched) => fetched.object,
        Err(activitypub_federation::error::Error::ObjectDeleted(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if note.recommendation.is_none() {
        return Err(FederationError::BadRequest(format!(
            "{object} is not a recommendation: a relay brings in nothing else"
        )));
    }
    <ApubEntry as activitypub_federation::traits::Object>::verify(&note, object, data).await?;
    let author = centre::dereference(note.attributed_to.inner(), data).await?;
    if !author.row.is_directory {
        return Err(FederationError::Forbidden(format!(
            "{} is not a directory centre",
            author.id
        )));
    }
    <ApubEntry as activitypub_federation::traits::Object>::from_json(note, data).await?;
    tracing::info!("relayed entry stored");
    Ok(())
}

/// The inboxes of the relays that accepted us, which a newly public recommendation's Create
/// also reaches.
pub(crate) fn relay_inboxes(conn: &mut Conn) -> Result<Vec<Url>, StorageError> {
    Ok(RelayRow::accepted_inboxes(conn)?
        .iter()
        .filter_map(|inbox| Url::parse(inbox).ok())
        .collect())
}

/// The relay that signed a request for an activity of another actor (`actor`): the owner of
/// the draft-cavage `keyId`, if it is not `actor` and is a relay that accepted us. Anything
/// else (an actor's own signature, a key of an actor that is no relay of ours) goes the usual
/// way, where the key must be the activity actor's.
pub(crate) async fn forwarding_relay(
    signed: &Cavage,
    actor: &Url,
    data: &Data<FederationData>,
) -> Result<Option<RelayRow>, FederationError> {
    let Some(owner) = signed.key_owner() else {
        return Ok(None);
    };
    if owner == *actor {
        return Ok(None);
    }
    let owner = owner.to_string();
    Ok(data
        .db
        .run(move |conn| RelayRow::find_accepted(conn, &owner))
        .await?)
}

/// An activity of another actor forwarded by `relay` (ActivityRelay forwards the `Update` and
/// `Delete` it receives): the signature must be the relay's; then, for an `Update` or a
/// `Delete` of a recommendation held here as a copy of a directory centre's, the copy is
/// brought up to date with what its origin serves at its id, never with what the relay sent.
/// Done before answering, as a relayed Announce is.
pub(crate) async fn forwarded(
    signed: &Cavage,
    activity: &Value,
    relay: RelayRow,
    client: &reqwest::Client,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let relay_actor = Url::parse(&relay.actor_id)?;
    let key = ObjectId::<ApubCentre>::from(relay_actor)
        .dereference(data)
        .await?;
    signed
        .verify(key.public_key_pem())
        .await
        .map_err(|refused| refused.into_error("the relay's"))?;
    let kind = activity.get("type").and_then(Value::as_str).unwrap_or("");
    if kind != "Update" && kind != "Delete" {
        tracing::info!(
            "a {kind} forwarded by the relay {} ignored: only edits and deletions are taken, \
             from their origin",
            relay.actor_id
        );
        return Ok(());
    }
    let object = activity.get("object").and_then(object_id).ok_or_else(|| {
        FederationError::BadRequest(format!("the forwarded {kind} names no object"))
    })?;
    if is_local_id(&object, data) {
        return Ok(());
    }
    let held = {
        let id = object.to_string();
        data.db.run(move |conn| relayed_copy(conn, &id)).await?
    };
    let Some(author) = held else {
        tracing::info!(
            "a {kind} of {object} forwarded by the relay {} ignored: no relayed copy of it here",
            relay.actor_id
        );
        return Ok(());
    };
    let data = data.reset_request_count();
    if let Err(e) = refetch(&object, &author, client, &data).await {
        tracing::info!("{kind} of {object} forwarded by {}: {e}", relay.actor_id);
    }
    Ok(())
}

/// Whether `id` is a recommendation held here as a copy of a directory centre's that no
/// centre of this node follows (a copy a relay or a network brought): its author's actor id.
/// A followed centre's copies are kept current by the centre's own activities.
fn relayed_copy(conn: &mut Conn, id: &str) -> Result<Option<String>, StorageError> {
    let Some((rec, centre, _)) = RecommendationRow::find_by_ap_id(conn, id)? else {
        return Ok(None);
    };
    if rec.local || centre.local || !centre.is_directory || FollowRow::is_followed(conn, centre.id)?
    {
        return Ok(None);
    }
    Ok(Some(centre.actor_id))
}

/// Fetches the held copy `object` again from its origin: gone there (`410`, or `404`), the
/// copy is removed and a tombstone kept, as a Delete does; otherwise the copy takes what the
/// origin serves (the newest `updated` wins), if it is still a recommendation by `author`.
#[tracing::instrument(name = "refetch", skip_all, fields(object = %object))]
async fn refetch(
    object: &Url,
    author: &str,
    client: &reqwest::Client,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let note = match fetch_object_http::<_, Note>(object, data).await {
        Ok(fetched) => Some(fetched.object),
        Err(activitypub_federation::error::Error::ObjectDeleted(_)) => None,
        Err(e) if is_not_found(object, client, data).await => {
            tracing::debug!("{object} not found at its origin: {e}");
            None
        }
        Err(e) => return Err(e.into()),
    };
    let Some(note) = note else {
        let (id, author) = (object.to_string(), author.to_owned());
        data.db
            .write(move |conn| {
                remove_copy(conn, &id, Some(&author))?.ok();
                activities::add_tombstone(conn, &id, now())
            })
            .await?;
        tracing::info!("relayed entry gone at its origin: copy removed");
        return Ok(());
    };
    if note.recommendation.is_none() {
        return Err(FederationError::BadRequest(format!(
            "{object} is no longer a recommendation at its origin"
        )));
    }
    <ApubEntry as activitypub_federation::traits::Object>::verify(&note, object, data).await?;
    if note.attributed_to.inner().as_str() != author {
        return Err(FederationError::Forbidden(format!(
            "{object} is attributed to {} at its origin, not to {author}",
            note.attributed_to.inner()
        )));
    }
    match <ApubEntry as activitypub_federation::traits::Object>::from_json(note, data).await {
        Ok(_) | Err(FederationError::Gone(_)) => {}
        Err(e) => return Err(e),
    }
    tracing::info!("relayed entry refreshed from its origin");
    Ok(())
}

/// Whether the origin answers `404 Not Found` at `object` (asked after a failed fetch: the
/// library reports a `410` alone as a deletion).
async fn is_not_found(object: &Url, client: &reqwest::Client, data: &Data<FederationData>) -> bool {
    if data.may_contact(object).await.is_err() {
        return false;
    }
    client
        .get(object.as_str())
        .header("accept", "application/activity+json")
        .send()
        .await
        .is_ok_and(|res| res.status() == reqwest::StatusCode::NOT_FOUND)
}
