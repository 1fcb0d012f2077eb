//! A workshop or permanence as an ActivityPub object: the `Event` built from our rows (see
//! `protocol::event` for its shape), and a received one checked and stored as a remote copy.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::{EventType, PlaceType};
use activitypub_federation::traits::Object;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::json;
use url::Url;

use super::centre::{self, ApubCentre};
use super::{clip, html};
use crate::domain::event::{
    EventDraft, EventInput, EventLocation, NAME_MAX, SUMMARY_MAX, format_time, when_text,
};
use crate::federation::checks::{check_domain, verify_same_authority};
use crate::federation::protocol::event::{EventExt, EventObject, PlaceObject};
use crate::federation::protocol::place::PostalAddress;
use crate::federation::protocol::public_collection;
use crate::federation::{FederationData, FederationError};
use crate::storage::centres::CentreRow;
use crate::storage::events::{self, EventIdentity, EventRow};
use crate::storage::places::PlaceRow;
use crate::storage::{Conn, StorageError, activities, now};

#[derive(Debug, Clone)]
pub struct ApubEvent {
    pub id: Url,
    pub row: EventRow,
    pub centre: CentreRow,
    pub place: Option<PlaceRow>,
}

impl ApubEvent {
    /// The event with this id, on a connection (inside a transaction).
    pub(crate) fn load_in(conn: &mut Conn, ap_id: &str) -> Result<Option<Self>, StorageError> {
        let Ok(id) = Url::parse(ap_id) else {
            return Ok(None);
        };
        Ok(
            EventRow::find_by_ap_id(conn, ap_id)?.map(|(row, centre, place)| Self {
                id,
                row,
                centre,
                place,
            }),
        )
    }

    pub(crate) async fn load(
        id: &Url,
        data: &Data<FederationData>,
    ) -> Result<Option<Self>, FederationError> {
        let key = id.to_string();
        Ok(data.db.run(move |conn| Self::load_in(conn, &key)).await?)
    }

    /// The Event of a local event, to Public and the centre's followers.
    pub(crate) fn to_object(&self) -> Result<EventObject, StorageError> {
        let centre = ApubCentre::new(self.centre.clone())
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let row = &self.row;
        let location = events::location_of(row, self.place.as_ref())?;
        let (start, end) = (row.start(), row.end());
        let when = when_text(&start, &end, "fr");
        let where_ = location
            .as_ref()
            .map(|l| {
                let address = l.address_line();
                if address.is_empty() {
                    l.name.clone()
                } else {
                    format!("{}, {address}", l.name)
                }
            })
            .or_else(|| row.online_url.as_ref().map(|_| "En ligne".to_owned()));
        // What Mastodon shows under the name: when, where, then the description.
        let mut summary = when.clone();
        if let Some(place) = &where_ {
            summary.push_str(&format!(" · {place}"));
        }
        if let Some(description) = &row.summary {
            summary.push_str(&format!("\n\n{description}"));
        }
        let mut content = format!(
            "<p><strong>{}</strong></p><p>{}{}</p>",
            html::escape(&row.name),
            html::escape(&when),
            where_
                .as_ref()
                .map(|p| format!("<br>{}", html::escape(p)))
                .unwrap_or_default()
        );
        content.push_str(&html::paragraphs(
            row.summary.as_deref().unwrap_or_default(),
        ));
        let mut attachment = Vec::new();
        for (label, url) in [
            ("Réserver", &row.booking_url),
            ("Participer en ligne", &row.online_url),
        ] {
            if let Some(url) = url {
                content.push_str(&format!(
                    "<p>{label} : <a href=\"{}\">{}</a></p>",
                    html::attr(url),
                    html::escape(url)
                ));
                attachment.push(json!({
                    "type": "Link", "name": label, "href": url, "mediaType": "text/html"
                }));
            }
        }
        Ok(EventObject {
            kind: EventType::Event,
            id: ObjectId::from(self.id.clone()),
            attributed_to: centre.id.clone().into(),
            to: vec![public_collection()],
            cc: vec![centre.followers_url()],
            name: row.name.clone(),
            summary: Some(summary),
            content,
            media_type: Some("text/html".into()),
            start_time: start,
            end_time: end,
            location: location.map(place_object),
            url: Some(self.id.clone()),
            attachment,
            published: Some(row.created_at.and_utc()),
            // Only after an edit: Mastodon shows a status with `updated` as edited.
            updated: (row.updated_at > row.created_at).then(|| row.updated_at.and_utc()),
            event: Some(EventExt {
                description: row.summary.clone(),
                booking_url: row.booking_url.clone(),
                online_url: row.online_url.clone(),
            }),
        })
    }
}

fn place_object(l: EventLocation) -> PlaceObject {
    PlaceObject {
        kind: PlaceType::Place,
        id: l.id.as_deref().and_then(|id| Url::parse(id).ok()),
        name: l.name,
        address: Some(PostalAddress {
            kind: "PostalAddress".into(),
            street_address: l.street_address,
            postal_code: l.postal_code,
            address_locality: l.locality,
            address_country: Some("FR".into()),
        }),
        latitude: l.latitude,
        longitude: l.longitude,
    }
}

#[async_trait]
impl Object for ApubEvent {
    type DataType = FederationData;
    type Kind = EventObject;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        // Copies are kept up to date by pushed activities; never refetch a stored one.
        None
    }

    async fn read_from_id(
        id: Url,
        data: &Data<FederationData>,
    ) -> Result<Option<Self>, FederationError> {
        Self::load(&id, data).await
    }

    async fn into_json(self, data: &Data<FederationData>) -> Result<EventObject, FederationError> {
        let _ = data;
        Ok(self.to_object()?)
    }

    async fn verify(
        json: &EventObject,
        expected: &Url,
        data: &Data<FederationData>,
    ) -> Result<(), FederationError> {
        // The event comes from where its id says, and its author is on the same authority.
        verify_same_authority(json.id.inner(), expected)?;
        verify_same_authority(json.attributed_to.inner(), json.id.inner())?;
        check_domain(data, json.id.inner()).await
    }

    async fn from_json(
        json: EventObject,
        data: &Data<FederationData>,
    ) -> Result<Self, FederationError> {
        let id = json.id.inner().clone();
        let author = centre::dereference(json.attributed_to.inner(), data).await?;
        let prepared = prepare(json)?;
        data.db
            .write(move |conn| apply(conn, &prepared, &author.row))
            .await??;
        Self::load(&id, data)
            .await?
            .ok_or_else(|| FederationError::Internal(format!("{id} was stored but cannot be read")))
    }
}

/// A received event, checked and ready to store.
#[derive(Debug, Clone)]
pub(crate) struct PreparedEvent {
    pub id: Url,
    pub draft: EventDraft,
    pub location: Option<EventLocation>,
    pub updated: NaiveDateTime,
}

/// Checks a received Event with the rules of local input: texts are reduced to plain text and
/// bounded, links must be http(s), the end comes after the start; a place id on another
/// authority than the event's is dropped (the address stays).
pub(crate) fn prepare(json: EventObject) -> Result<PreparedEvent, FederationError> {
    let id = json.id.inner().clone();
    let updated = json
        .updated
        .or(json.published)
        .map_or_else(now, |t| t.naive_utc());
    let ext = json.event.unwrap_or_default();
    let description = ext
        .description
        .map(|d| html::to_text(&d))
        .or_else(|| Some(html::to_text(&json.content)))
        .map(|d| clip(&d, SUMMARY_MAX));
    let input = EventInput {
        name: clip(&html::to_text(&json.name), NAME_MAX),
        start: format_time(&json.start_time),
        end: format_time(&json.end_time),
        place: None,
        summary: description,
        booking_url: ext.booking_url,
        online_url: ext.online_url,
    };
    let draft = input.validate_copy()?;
    let location = match json.location {
        None => None,
        Some(place) => {
            let address = place.address.unwrap_or_default();
            let text = |v: Option<String>, max: usize| v.map(|v| clip(&html::to_text(&v), max));
            let location = EventLocation {
                id: place
                    .id
                    .filter(|p| verify_same_authority(p, &id).is_ok())
                    .map(|p| p.to_string()),
                name: clip(&html::to_text(&place.name), 300),
                street_address: text(address.street_address, 300),
                postal_code: text(address.postal_code, 20),
                locality: text(address.address_locality, 200),
                latitude: place.latitude,
                longitude: place.longitude,
            };
            Some(location.validate().map_err(|e| e.inside(""))?)
        }
    };
    Ok(PreparedEvent {
        id,
        draft,
        location,
        updated,
    })
}

/// Stores or updates the copy of a received event by `author`, on a connection. A deleted id
/// stays deleted (`Gone`); an edit older than the copy changes nothing; an event owned by
/// another actor is refused.
pub(crate) fn apply(
    conn: &mut Conn,
    prepared: &PreparedEvent,
    author: &CentreRow,
) -> Result<Result<(), FederationError>, StorageError> {
    let PreparedEvent {
        id,
        draft,
        location,
        updated,
    } = prepared;
    if activities::is_tombstoned(conn, id.as_str())? {
        return Ok(Err(FederationError::Gone(id.to_string())));
    }
    let now = now();
    let existing = EventRow::find_by_ap_id(conn, id.as_str())?;
    // Held at a place of the same author that this node holds a copy of: linked to it, so the
    // copy's page lists it (the location stays, for when that copy goes).
    let place_id = match location.as_ref().and_then(|l| l.id.as_deref()) {
        Some(place) => PlaceRow::find_by_ap_id(conn, place)?
            .filter(|(p, _)| p.centre_id == author.id && !p.local)
            .map(|(p, _)| p.id),
        None => None,
    };
    let fields = events::fields(draft, place_id, location.as_ref(), Some(*updated), now)?;
    match existing {
        Some((row, _, _)) => {
            if row.centre_id != author.id || row.local {
                return Ok(Err(FederationError::Forbidden(format!(
                    "{id} belongs to another actor"
                ))));
            }
            if row.remote_updated_at.is_some_and(|known| known >= *updated) {
                return Ok(Ok(()));
            }
            EventRow::update(conn, row.id, &fields)?;
        }
        None => {
            let identity = EventIdentity {
                key: crate::storage::new_key(),
                ap_id: id.to_string(),
                centre_id: author.id,
                local: false,
                created_at: now,
            };
            EventRow::insert(conn, &identity, &fields)?;
        }
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mobilizon's Event (its fixture has no `endTime`, which this node requires: one is
    /// added) reads into our wire type, and its place into a location.
    #[test]
    fn a_mobilizon_event_reads() {
        let text = include_str!("../../../tests/fixtures/fediverse/mobilizon/create-event.json");
        let create: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut object = create["object"].clone();
        object["endTime"] = json!("2018-02-12T16:08:20Z");
        let object: EventObject = serde_json::from_value(object).unwrap();
        let prepared = prepare(object).unwrap();
        assert_eq!(prepared.draft.name, "My first event");
        let location = prepared.location.unwrap();
        assert_eq!(location.name, "Locaux de Framasoft");
        assert_eq!(location.street_address.as_deref(), Some("10 Rue Jangot"));
        assert_eq!(location.postal_code.as_deref(), Some("69007"));
        assert_eq!(location.locality.as_deref(), Some("Lyon"));
        // Its place lives on another server than the event: its id is not kept.
        assert_eq!(location.id, None);
        // No description of its own: the content's text.
        assert_eq!(prepared.draft.summary.as_deref(), Some("@tcit"));
    }
}
