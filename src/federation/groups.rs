//! Networks of centres, as FEP-1b12 groups (Lemmy's communities): a local network is a centre
//! whose actor is a `Group`; its members are the centres it follows (staff admit a centre that
//! follows it, and the network follows it back). What a member publishes (a recommendation, a
//! place, a workshop) and its edits and deletions, the network re-announces to its followers:
//! a `Create` as an `Announce` of the object's id (a boost, which Mastodon shows), an `Update`
//! or a `Delete` as an `Announce` of the activity. Each network relays an activity once
//! (`storage::groups`), which ends loops (a network member of another) and drops duplicates
//! (an entry arriving by two ways).
//!
//! A node following a network takes the announced entries in from their **origin**: the object
//! is fetched at its id and checked as a pushed one is, never taken from the network; a `410`
//! there removes the copy. Removing a member withdraws what was announced of it (`Undo` of
//! each `Announce`); a follower drops the copies no other network brought and whose origin it
//! does not follow itself.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::kinds::activity::{AnnounceType, UndoType};
use activitypub_federation::traits::Object;
use serde_json::{Value, json};
use url::Url;

use super::activities::delete::remove_copy;
use super::activities::undo::Undo;
use super::activities::{Announce, Embedded, object_id};
use super::audience::{Audience, reached};
use super::checks::verify_same_authority;
use super::delivery::queue::enqueue_in;
use super::objects::centre::{self, ApubCentre};
use super::objects::entry::{self, ApubEntry, Prepared, is_local_id};
use super::objects::event::{self as event_object, ApubEvent};
use super::objects::place;
use super::protocol::event::EventObject;
use super::protocol::note::Note;
use super::protocol::place::Place;
use super::protocol::public_collection;
use super::{Federation, FederationData, FederationError, activity_id};
use crate::domain::urls::NodeUrls;
use crate::storage::centres::CentreRow;
use crate::storage::events::EventRow;
use crate::storage::follows::FollowRow;
use crate::storage::groups::{self, GROUP, GroupAnnounceRow, NewAnnounce};
use crate::storage::places::PlaceRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::{Conn, StorageError, activities, now};

/// What a member did to one of its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelayedKind {
    Create,
    Update,
    Delete,
}

impl RelayedKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Create => "Create",
            Self::Update => "Update",
            Self::Delete => "Delete",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "Create" => Some(Self::Create),
            "Update" => Some(Self::Update),
            "Delete" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// An activity about a member's entry, which the local networks may relay.
#[derive(Debug, Clone)]
pub(crate) struct Relayed {
    pub kind: RelayedKind,
    /// The activity's id (for a Create known only by its object, the object's id).
    pub activity: Url,
    /// The entry's centre (its origin), a row of `centres`.
    pub origin: i64,
    pub object: Url,
}

impl Relayed {
    /// What a network relays once: a Create by its object (it arrives as the member's Create or
    /// as another network's boost, with different ids), the rest by the activity's id.
    fn once_key(&self) -> &str {
        match self.kind {
            RelayedKind::Create => self.object.as_str(),
            _ => self.activity.as_str(),
        }
    }
}

/// Whether a stored actor is a network of another node: a directory `Group`.
pub(crate) fn is_remote_network(actor: &CentreRow) -> bool {
    !actor.local && actor.is_directory && actor.actor_type == GROUP
}

/// Queues, in `conn`'s transaction, the Announce of `relayed` by each local network that
/// follows `via` (the member it came from: the entry's centre, or a member network that
/// announced it) and has not relayed it yet. Whether anything was queued.
pub(crate) fn relay_in(
    conn: &mut Conn,
    urls: &NodeUrls,
    via: i64,
    relayed: &Relayed,
) -> Result<bool, StorageError> {
    let networks = groups::local_networks_following(conn, via)?;
    relay_by(conn, urls, via, relayed, networks)
}

/// [`relay_in`] when the caller has read the local networks following `via` already.
pub(crate) fn relay_by(
    conn: &mut Conn,
    urls: &NodeUrls,
    via: i64,
    relayed: &Relayed,
    networks: Vec<CentreRow>,
) -> Result<bool, StorageError> {
    if networks.is_empty() {
        return Ok(false);
    }
    let origin = CentreRow::find(conn, relayed.origin)?;
    let mut queued = false;
    for network in networks {
        if network.id == relayed.origin {
            continue;
        }
        let id = activity_id(urls, "announce");
        // A deleted entry's boost is undone as well: Mastodon ignores an Announce of a Delete.
        let boost = if relayed.kind == RelayedKind::Delete {
            GroupAnnounceRow::first_of_object(conn, network.id, relayed.object.as_str())?
        } else {
            None
        };
        let new = NewAnnounce {
            network_id: network.id,
            member_id: via,
            activity_id: relayed.once_key(),
            object_id: relayed.object.as_str(),
            announce_id: id.as_str(),
        };
        if !GroupAnnounceRow::record(conn, &new, now())? {
            continue;
        }
        let (inboxes, _) = reached(conn, network.id, Audience::Everyone)?;
        let object = match relayed.kind {
            RelayedKind::Create => Value::String(relayed.object.to_string()),
            kind => json!({
                "type": kind.as_str(),
                "id": relayed.activity,
                "actor": origin.actor_id,
                "object": relayed.object,
            }),
        };
        let actor = ApubCentre::new(network).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let announce = Announce::public(id.clone(), &actor, object);
        enqueue_in(
            conn,
            &id,
            actor.row.id,
            announce,
            &inboxes,
            &urls.authority(),
        )?;
        let boost = boost.as_deref().map(Url::parse).transpose();
        if let Some(boost) = boost.map_err(|e| StorageError::Corrupt(e.to_string()))? {
            let undo = undo_announce(urls, &actor, boost, relayed.object.clone());
            let undo_id = undo.id.clone();
            enqueue_in(
                conn,
                &undo_id,
                actor.row.id,
                undo,
                &inboxes,
                &urls.authority(),
            )?;
        }
        queued |= !inboxes.is_empty();
    }
    Ok(queued)
}

/// The entry an Announce by a network names, and what happened to it.
pub(crate) fn announced(
    object: &Value,
) -> Result<(RelayedKind, Option<Url>, Url), FederationError> {
    let bad = |m: &str| FederationError::BadRequest(format!("a network's Announce {m}"));
    match object {
        Value::String(_) => {
            let id = object_id(object).ok_or_else(|| bad("names no object"))?;
            Ok((RelayedKind::Create, None, id))
        }
        Value::Object(map) => {
            let kind = map
                .get("type")
                .and_then(Value::as_str)
                .and_then(RelayedKind::parse);
            match (kind, map.get("object")) {
                (Some(kind), Some(inner)) => {
                    let entry = object_id(inner).ok_or_else(|| bad("names no entry"))?;
                    Ok((kind, object_id(object), entry))
                }
                // An embedded object rather than an activity: a boost of it.
                _ => Ok((
                    RelayedKind::Create,
                    None,
                    object_id(object).ok_or_else(|| bad("names no object"))?,
                )),
            }
        }
        _ => Err(bad("names no object")),
    }
}

/// An Announce from a network: taken in only if a centre of this node follows the network.
/// The entry is fetched from its origin before the network is answered, as Lemmy does with its
/// communities' announces: if the origin cannot be reached, the error goes back to the
/// network, whose queue delivers the Announce again later. Answered at once and fetched
/// afterwards, a fetch that failed (the origin restarting, a timeout) lost the entry for good:
/// the Announce was recorded as received, and a member that follows only the network has no
/// other way to it.
pub(crate) async fn receive_announce(
    announce_id: &Url,
    network: ApubCentre,
    object: &Value,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let followed = {
        let id = network.row.id;
        data.db
            .run(move |conn| FollowRow::is_followed(conn, id))
            .await?
    };
    if !followed {
        tracing::info!("ignoring announce {announce_id}: from a network nobody here follows");
        return Ok(());
    }
    let (kind, activity, entry) = announced(object)?;
    if is_local_id(&entry, data) {
        // One of our own entries, come back through the network.
        return Ok(());
    }
    take_from_origin(
        &network,
        kind,
        activity,
        &entry,
        &data.reset_request_count(),
    )
    .await
}

/// Fetches an announced entry at its id and stores it with its origin as author (or, if its
/// origin says it is gone, removes the copy), then lets this node's networks relay it.
async fn take_from_origin(
    network: &ApubCentre,
    kind: RelayedKind,
    activity: Option<Url>,
    entry: &Url,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let (via, urls) = (network.row.id, data.urls.clone());
    let activity = activity.unwrap_or_else(|| entry.clone());
    let fetched = match fetch_object_http::<_, Value>(entry, data).await {
        Ok(fetched) => Some(fetched.object),
        Err(activitypub_federation::error::Error::ObjectDeleted(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let Some(fetched) = fetched else {
        let object = entry.clone();
        let queued = data
            .db
            .write(move |conn| {
                let removed = remove_copy(conn, object.as_str(), None)?;
                activities::add_tombstone(conn, object.as_str(), now())?;
                let Ok(Some(origin)) = removed else {
                    return Ok(false);
                };
                let relayed = Relayed {
                    kind: RelayedKind::Delete,
                    activity,
                    origin,
                    object,
                };
                relay_in(conn, &urls, via, &relayed)
            })
            .await?;
        wake_if(queued, data);
        return Ok(());
    };
    let (prepared, author) = checked(fetched, entry, data).await?;
    let object = entry.clone();
    let queued = data
        .db
        .write(move |conn| {
            if let Err(e) = entry::apply(conn, &prepared, &author.row)? {
                return Ok(Err(e));
            }
            groups::record_entry(conn, via, object.as_str(), now())?;
            let relayed = Relayed {
                kind: if kind == RelayedKind::Delete {
                    RelayedKind::Update
                } else {
                    kind
                },
                activity,
                origin: author.row.id,
                object,
            };
            relay_in(conn, &urls, via, &relayed).map(Ok)
        })
        .await?;
    match queued {
        Ok(queued) => {
            wake_if(queued, data);
            Ok(())
        }
        Err(FederationError::Gone(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// An entry fetched at `id` from its origin, checked as a pushed one is ([`check_fetched`]),
/// with its author, a directory centre: what a network's Announce brings in, live or by
/// backfill (`federation::history`).
pub(crate) async fn checked(
    fetched: Value,
    id: &Url,
    data: &Data<FederationData>,
) -> Result<(Prepared, ApubCentre), FederationError> {
    let (prepared, author) = check_fetched(fetched, id, data).await?;
    let author = centre::dereference(&author, data).await?;
    if !author.row.is_directory {
        return Err(FederationError::BadRequest(format!(
            "{id} is not by a directory centre"
        )));
    }
    Ok((prepared, author))
}

/// Checks an entry fetched at `id` as a pushed one is checked: a recommendation (never a
/// contact card), a place or a workshop, on its author's authority. Returns it ready to store,
/// with its author.
async fn check_fetched(
    fetched: Value,
    id: &Url,
    data: &Data<FederationData>,
) -> Result<(Prepared, Url), FederationError> {
    let kind = fetched.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "Note" => {
            let note: Note = serde_json::from_value(fetched)?;
            if note.recommendation.is_none() {
                return Err(FederationError::BadRequest(format!(
                    "{id} is not a recommendation: networks relay recommendations, places and \
                     workshops only"
                )));
            }
            verify_same_authority(note.id.inner(), id)?;
            ApubEntry::verify(&note, id, data).await?;
            let author = note.attributed_to.inner().clone();
            Ok((entry::prepare(note)?, author))
        }
        "Place" => {
            let place: Place = serde_json::from_value(fetched)?;
            verify_same_authority(&place.id, id)?;
            let author = place.attributed_to.clone();
            place::verify(&place, &author, data).await?;
            Ok((Prepared::Place(Box::new(place::prepare(place)?)), author))
        }
        "Event" => {
            let event: EventObject = serde_json::from_value(fetched)?;
            ApubEvent::verify(&event, id, data).await?;
            let author = event.attributed_to.inner().clone();
            let prepared = event_object::prepare(event)?;
            Ok((Prepared::Event(Box::new(prepared)), author))
        }
        other => Err(FederationError::BadRequest(format!(
            "{id} is a `{other}`: networks relay recommendations, places and workshops only"
        ))),
    }
}

/// A network withdrew `object` (Undo of its Announce), in `conn`'s transaction: the copy goes
/// unless another network still brings it, a centre of this node follows its origin, or the
/// network never brought it here. A local network that relayed it as coming from that network
/// (its member) withdraws it in turn, so that its own followers drop it too. Whether anything
/// was queued.
pub(crate) fn withdraw_in(
    conn: &mut Conn,
    urls: &NodeUrls,
    network: &CentreRow,
    object: &str,
) -> Result<bool, StorageError> {
    let Some(remaining) = groups::withdraw_entry(conn, network.id, object)? else {
        return Ok(false);
    };
    if remaining > 0 {
        return Ok(false);
    }
    let queued = pass_on_withdrawal(conn, urls, network.id, object)?;
    let origin = if let Some((_, centre, _)) = RecommendationRow::find_by_ap_id(conn, object)? {
        centre
    } else if let Some((_, centre)) = PlaceRow::find_by_ap_id(conn, object)? {
        centre
    } else if let Some((_, centre, _)) = EventRow::find_by_ap_id(conn, object)? {
        centre
    } else {
        return Ok(queued);
    };
    if origin.local || FollowRow::is_followed(conn, origin.id)? {
        return Ok(queued);
    }
    // Not a deletion: the entry lives on at its origin, so no tombstone.
    remove_copy(conn, object, None)?.ok();
    Ok(queued)
}

/// The local networks that relayed `object` as coming from their member `member` (a network
/// that withdrew it) send their followers an Undo of that Announce, and forget it. Whether
/// anything was queued.
fn pass_on_withdrawal(
    conn: &mut Conn,
    urls: &NodeUrls,
    member: i64,
    object: &str,
) -> Result<bool, StorageError> {
    let Ok(object_url) = Url::parse(object) else {
        return Ok(false);
    };
    let mut queued = false;
    for network in groups::local_networks_following(conn, member)? {
        let Some(announce) =
            GroupAnnounceRow::first_of_member_object(conn, network.id, member, object)?
        else {
            continue;
        };
        GroupAnnounceRow::forget_member_object(conn, network.id, member, object)?;
        let Ok(announce) = Url::parse(&announce) else {
            continue;
        };
        let (inboxes, _) = reached(conn, network.id, Audience::Everyone)?;
        let actor = ApubCentre::new(network).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let undo = undo_announce(urls, &actor, announce, object_url.clone());
        let id = undo.id.clone();
        enqueue_in(conn, &id, actor.row.id, undo, &inboxes, &urls.authority())?;
        queued |= !inboxes.is_empty();
    }
    Ok(queued)
}

impl Federation {
    /// A local network removed `member`: an Undo of each Announce it made of what came from
    /// it, to the network's followers, and the record of them forgotten.
    pub(crate) async fn withdraw_member(
        &self,
        network: CentreRow,
        member: CentreRow,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let urls = data.urls.clone();
        let queued = data
            .db
            .write(move |conn| {
                let announced = GroupAnnounceRow::of_member(conn, network.id, member.id)?;
                let (inboxes, _) = reached(conn, network.id, Audience::Everyone)?;
                let actor =
                    ApubCentre::new(network).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                for (object, announce) in &announced {
                    let (announce, object) = match (Url::parse(announce), Url::parse(object)) {
                        (Ok(a), Ok(o)) => (a, o),
                        _ => continue,
                    };
                    let undo = undo_announce(&urls, &actor, announce, object);
                    let id = undo.id.clone();
                    enqueue_in(conn, &id, actor.row.id, undo, &inboxes, &urls.authority())?;
                }
                GroupAnnounceRow::forget_member(conn, actor.row.id, member.id)?;
                Ok(!announced.is_empty() && !inboxes.is_empty())
            })
            .await?;
        wake_if(queued, &data);
        Ok(())
    }
}

/// The network's Undo of its Announce `announce` of `object`, to Public and its followers.
fn undo_announce(urls: &NodeUrls, network: &ApubCentre, announce: Url, object: Url) -> Undo {
    Undo {
        kind: UndoType::Undo,
        id: activity_id(urls, "undo"),
        actor: network.id.clone().into(),
        object: Embedded {
            kind: AnnounceType::Announce,
            id: announce,
            actor: network.id.clone(),
            object,
        }
        .into_value(),
        to: vec![public_collection()],
        cc: vec![network.followers_url()],
    }
}

fn wake_if(queued: bool, data: &Data<FederationData>) {
    if queued {
        data.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announced_entries_are_read_in_both_shapes() {
        let boost = json!("https://a.example/recommendations/k");
        let (kind, activity, entry) = announced(&boost).unwrap();
        assert_eq!(kind, RelayedKind::Create);
        assert!(activity.is_none());
        assert_eq!(entry.as_str(), "https://a.example/recommendations/k");

        let update = json!({"type": "Update", "id": "https://a.example/activities/update/1",
                            "actor": "https://a.example/centres/a",
                            "object": {"type": "Note", "id": "https://a.example/places/p"}});
        let (kind, activity, entry) = announced(&update).unwrap();
        assert_eq!(kind, RelayedKind::Update);
        assert_eq!(
            activity.unwrap().as_str(),
            "https://a.example/activities/update/1"
        );
        assert_eq!(entry.as_str(), "https://a.example/places/p");

        let delete = json!({"type": "Delete", "id": "https://a.example/activities/delete/1",
                            "object": "https://a.example/events/e"});
        assert_eq!(announced(&delete).unwrap().0, RelayedKind::Delete);
        assert!(announced(&json!(3)).is_err());
    }

    #[test]
    fn a_create_is_relayed_once_by_its_object() {
        let relayed = |kind, activity: &str| Relayed {
            kind,
            activity: Url::parse(activity).unwrap(),
            origin: 1,
            object: Url::parse("https://a.example/places/p").unwrap(),
        };
        // The member's Create and another network's boost of it are one thing to relay.
        assert_eq!(
            relayed(RelayedKind::Create, "https://a.example/activities/create/1").once_key(),
            relayed(RelayedKind::Create, "https://a.example/places/p").once_key()
        );
        assert_eq!(
            relayed(RelayedKind::Update, "https://a.example/activities/update/1").once_key(),
            "https://a.example/activities/update/1"
        );
    }
}
