//! Announce: a centre endorses (re-shares) a recommendation. Sent when one of our centres
//! endorses a peer's recommendation, listed in our outboxes, and received from the directory
//! centres we follow. The object is fetched from its origin, never taken from the announcer's
//! copy. An Announce from anyone else (a Mastodon boost) is not an endorsement and changes
//! nothing. An Announce from a network (a directory `Group`) relays a member's entry: see
//! `federation::groups`.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::AnnounceType;
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use activitypub_federation::traits::{Activity, Actor as _, Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{is_followed, object_id};
use crate::federation::audience::{Audience, follower_inboxes};
use crate::federation::checks::verify_activity_origin;
use crate::federation::delivery::queue;
use crate::federation::groups::{is_remote_network, receive_announce as receive_relayed};
use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::entry::{ApubEntry, Entry};
use crate::federation::protocol::note::Note;
use crate::federation::protocol::public_collection;
use crate::federation::{Federation, FederationData, FederationError};
use crate::storage::centres::CentreRow;
use crate::storage::endorsements::EndorsementRow;
use crate::storage::ids::{CentreId, RecommendationId};
use crate::storage::now;

/// A re-share. From a directory centre we follow, an endorsement; from anyone else (a Mastodon
/// boost), nothing the directory takes in.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Announce {
    #[serde(rename = "type")]
    pub kind: AnnounceType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    /// The announced object's id (or the object, whose id alone we trust).
    pub object: Value,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
    /// When the endorsement was made: given in outbox listings, not in pushed Announces.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "deserialize_skip_error"
    )]
    pub published: Option<DateTime<Utc>>,
}

impl Announce {
    /// An Announce of `object` by a local centre or network, to Public and its followers (a
    /// network's boost, or its announce of a member's activity).
    pub(crate) fn public(id: Url, actor: &ApubCentre, object: Value) -> Self {
        Self {
            kind: AnnounceType::Announce,
            id,
            actor: actor.id.clone().into(),
            object,
            to: vec![public_collection()],
            cc: vec![actor.followers_url()],
            published: None,
        }
    }

    /// A local centre's endorsement of `object`, as its outbox lists it: to Public and its
    /// followers.
    pub(crate) fn in_outbox(
        id: Url,
        centre: &ApubCentre,
        object: &str,
        published: DateTime<Utc>,
    ) -> Self {
        Self {
            published: Some(published),
            ..Self::public(id, centre, Value::String(object.to_owned()))
        }
    }
}

impl Federation {
    /// Announces (endorses) `object` from a local centre to its followers and the object's
    /// author.
    pub(crate) async fn send_announce(
        &self,
        centre: CentreRow,
        object: &str,
        origin: CentreRow,
        announce_id: &Url,
    ) -> Result<(), FederationError> {
        let data = self.context();
        let (actor, origin) = (ApubCentre::new(centre)?, ApubCentre::new(origin)?);
        let (to, cc, inboxes) = endorsement_audience(&actor, &origin, &data).await?;
        let announce = Announce {
            kind: AnnounceType::Announce,
            id: announce_id.clone(),
            actor: actor.id.clone().into(),
            object: Value::String(object.to_owned()),
            to,
            cc,
            published: None,
        };
        queue::enqueue(announce, &actor, inboxes, &data).await
    }
}

/// An endorsement (and its undoing) goes to Public, the endorser's followers and the author.
pub(super) async fn endorsement_audience(
    actor: &ApubCentre,
    origin: &ApubCentre,
    data: &Data<FederationData>,
) -> Result<(Vec<Url>, Vec<Url>, Vec<Url>), FederationError> {
    let mut inboxes = follower_inboxes(actor.row.id, Audience::Everyone, data).await?;
    inboxes.push(origin.shared_inbox_or_inbox());
    Ok((
        vec![public_collection()],
        vec![actor.followers_url(), origin.id.clone()],
        inboxes,
    ))
}

#[async_trait]
impl Activity for Announce {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<FederationData>) -> Result<(), FederationError> {
        verify_activity_origin(&self.id, self.actor.inner())?;
        object_id(&self.object)
            .map(|_| ())
            .ok_or_else(|| FederationError::BadRequest("Announce names no object".into()))
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        // A relay's Announce: a relayed entry (`federation::relays`), not an endorsement.
        if crate::federation::relays::relayed(&self.id, self.actor.inner(), &self.object, data)
            .await?
        {
            return Ok(());
        }
        let actor = self.actor.dereference(data).await?;
        if is_remote_network(&actor.row) {
            // A network relaying its members' entries, not an endorsement.
            return receive_relayed(&self.id, actor, &self.object, data).await;
        }
        let object = object_id(&self.object)
            .ok_or_else(|| FederationError::BadRequest("Announce names no object".into()))?;
        // The object is fetched from its origin before the endorser is answered: if the origin
        // cannot be reached, the error goes back and the endorser's queue delivers the Announce
        // again later (answered first, a failed fetch lost the endorsement for good).
        receive_announce(&self.id, &actor, &object, &data.reset_request_count()).await
    }
}

/// Records `actor`'s endorsement of `object` if the directory takes it in: the actor is a
/// directory centre, and either the object is ours or we follow the actor.
pub(crate) async fn receive_announce(
    activity_id: &Url,
    actor: &ApubCentre,
    object: &Url,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    if !takes_announce(actor, object, data).await? {
        tracing::info!(
            "ignoring announce {activity_id}: not an endorsement by a followed directory centre"
        );
        return Ok(());
    }
    store_announce(activity_id, actor, object, data).await
}

/// Whether an Announce is an endorsement the directory takes in.
async fn takes_announce(
    actor: &ApubCentre,
    object: &Url,
    data: &Data<FederationData>,
) -> Result<bool, FederationError> {
    let ours = crate::federation::objects::entry::is_local_id(object, data);
    Ok(actor.row.is_directory && (ours || is_followed(actor.row.id, data).await?))
}

/// The endorsed recommendation: the copy held here, or else fetched from its origin and
/// stored, but only once it is known to be a recommendation. An endorsement brings in
/// recommendations, never anything else: a contact card (personal data) of a centre nobody
/// here follows is not stored, whoever announces it.
#[tracing::instrument(
    name = "fetch",
    skip_all,
    fields(object = %object, host = %crate::federation::authority(object))
)]
async fn fetch_recommendation(
    object: &Url,
    data: &Data<FederationData>,
) -> Result<ApubEntry, FederationError> {
    if let Some(entry) = ApubEntry::load(object, data).await? {
        return Ok(entry);
    }
    let note = match fetch_object_http::<_, Note>(object, data).await {
        Ok(fetched) => fetched.object,
        Err(activitypub_federation::error::Error::ObjectDeleted(_)) => {
            return Err(FederationError::Gone(object.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    if note.recommendation.is_none() {
        return Err(FederationError::BadRequest(format!(
            "{object} is not a recommendation: an endorsement brings in nothing else"
        )));
    }
    ApubEntry::verify(&note, object, data).await?;
    ApubEntry::from_json(note, data).await
}

/// Fetches the endorsed object from its origin and records the endorsement.
async fn store_announce(
    activity_id: &Url,
    actor: &ApubCentre,
    object: &Url,
    data: &Data<FederationData>,
) -> Result<(), FederationError> {
    let entry = match fetch_recommendation(object, data).await {
        Ok(entry) => entry,
        Err(FederationError::Gone(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    let Entry::Recommendation { rec, .. } = &entry.entry else {
        return Err(FederationError::BadRequest(format!(
            "{object} is not a recommendation"
        )));
    };
    let (key, activity, centre_id, rec_id) = (
        crate::storage::new_key(),
        activity_id.to_string(),
        CentreId(actor.row.id),
        RecommendationId(rec.id),
    );
    data.db
        .write(move |conn| {
            EndorsementRow::insert_if_new(conn, &key, &activity, centre_id, rec_id, now())
        })
        .await?;
    Ok(())
}
