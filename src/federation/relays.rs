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
//! The Follow and its Undo are sent at once, signed by the instance actor, so that staff see
//! the relay's answer to the request (or why it could not be reached); the relay's Accept or
//! Reject arrives later at the shared inbox (`activities::accept` and `reject` ask here
//! first).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::protocol::context::WithContext;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::activities::object_id;
use super::delivery::send::{Outcome, send};
use super::objects::centre;
use super::objects::entry::{ApubEntry, is_local_id};
use super::protocol::context::context;
use super::protocol::note::Note;
use super::protocol::public_collection;
use super::{Federation, FederationData, FederationError, activity_id};
use crate::storage::relays::{FollowState, RelayRow};
use crate::storage::{Conn, StorageError, new_key, now};

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
        if let Err(e) = self.send_to_relay(&inbox, &follow).await {
            let id = row.id;
            self.data()
                .db
                .write(move |conn| RelayRow::delete(conn, id))
                .await?;
            return Err(e);
        }
        Ok(row)
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
        if let Err(e) = self.send_to_relay(&row.inbox_url, &undo).await {
            tracing::info!(
                "the relay {} was not told of the unsubscription: {e}",
                row.actor_id
            );
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

    /// Signs `activity` with the instance actor's key and posts it to `inbox` now.
    async fn send_to_relay<A: Serialize>(
        &self,
        inbox: &str,
        activity: &A,
    ) -> Result<(), FederationError> {
        let url = Url::parse(inbox)?;
        self.data()
            .may_contact(&url)
            .await
            .map_err(|refusal| FederationError::Forbidden(refusal.to_string()))?;
        let body = serde_json::to_string(&WithContext::new(activity, context()))
            .map_err(|e| FederationError::Internal(e.to_string()))?;
        let instance = self.instance_actor();
        match send(
            &self.client,
            inbox,
            instance.id.as_str(),
            instance.private_key_pem.expose(),
            body,
        )
        .await
        {
            Outcome::Delivered => Ok(()),
            Outcome::Retry { error, .. } | Outcome::Rejected(error) => Err(
                FederationError::BadRequest(format!("the relay's inbox {inbox}: {error}")),
            ),
            Outcome::Gone => Err(FederationError::BadRequest(format!(
                "the relay's inbox {inbox} answered 410 Gone"
            ))),
        }
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
/// anyone else's Announce. Done before answering: relays deliver from queues of their own, so
/// the fetch from the origin holds up no person's request (unlike an endorsement's).
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
