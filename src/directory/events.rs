//! Workshops and permanences: create, read, edit, delete, list (upcoming first, past ones in
//! the archive). Events are public: everyone sees them, staff manage them. A local event is
//! held at one of its centre's places, or online.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::FieldError;
use crate::domain::event::{EventDraft, EventInput, EventLocation, format_time};
use crate::federation::audience::Audience;
use crate::federation::publish;
use crate::storage::centres::CentreRow;
use crate::storage::events::{self, EventFilter, EventIdentity, EventRecord, EventRow};
use crate::storage::places::PlaceRow;
use crate::storage::{StorageError, Window};

use super::audit::Action;
use super::views::Listing;
use super::{Access, Directory, DirectoryError, new_key, now};

/// Filters of `GET /api/v1/events`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct EventQuery {
    /// `true`: the archive of events already over, latest first. Otherwise the events not over
    /// yet, soonest first.
    pub past: Option<bool>,
    /// The centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// Only the events at this place (its key).
    pub place: Option<String>,
}

/// An event as the API shows it: its absolute id (also its web page and its ActivityPub id),
/// who holds it, when, where.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    /// Always `event`.
    pub kind: String,
    pub id: String,
    /// This node's key for it (its page is `/events/{key}`).
    #[serde(skip)]
    pub key: String,
    /// The holding centre's actor id.
    pub origin: String,
    pub origin_name: String,
    pub local: bool,
    pub name: String,
    /// RFC 3339, at the organiser's offset.
    pub start: String,
    pub end: String,
    #[serde(skip)]
    pub start_time: DateTime<chrono::FixedOffset>,
    #[serde(skip)]
    pub end_time: DateTime<chrono::FixedOffset>,
    /// The place's id, when this node holds the place (its own, or a copy from the event's
    /// author).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// This node's key of the place (its page is `/places/{key}`).
    #[serde(skip)]
    pub place_key: Option<String>,
    /// Where: the place's name, address and point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<EventLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    /// Whether it is over.
    pub past: bool,
    pub updated: DateTime<Utc>,
}

impl EventView {
    pub(crate) fn build(
        row: &EventRow,
        centre: &CentreRow,
        place: Option<&PlaceRow>,
    ) -> Result<Self, StorageError> {
        let (start_time, end_time) = (row.start(), row.end());
        Ok(Self {
            kind: "event".into(),
            id: row.ap_id.clone(),
            key: row.key.clone(),
            origin: centre.actor_id.clone(),
            origin_name: centre.name.clone(),
            local: row.local,
            name: row.name.clone(),
            start: format_time(&start_time),
            end: format_time(&end_time),
            start_time,
            end_time,
            place: place.map(|p| p.ap_id.clone()),
            place_key: place.map(|p| p.key.clone()),
            location: events::location_of(row, place)?,
            summary: row.summary.clone(),
            booking_url: row.booking_url.clone(),
            online_url: row.online_url.clone(),
            past: row.end_at < now(),
            updated: row.updated_at.and_utc(),
        })
    }
}

fn views(rows: &[EventRecord]) -> Result<Vec<EventView>, StorageError> {
    rows.iter()
        .map(|(row, centre, place)| EventView::build(row, centre, place.as_ref()))
        .collect()
}

impl Directory {
    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn create_event(
        &self,
        centre: Option<&str>,
        input: &EventInput,
    ) -> Result<EventView, DirectoryError> {
        let draft = input.validate()?;
        let centre = self.local_centre_or_first(centre).await?;
        let place_id = self.resolve_place(&centre, &draft).await?;
        let key = new_key();
        // One instant for both: Mastodon shows an object whose `updated` differs from its
        // `published` as edited.
        let at = now();
        let identity = EventIdentity {
            ap_id: self.urls().event(&key).to_string(),
            key: key.clone(),
            centre_id: centre.id,
            local: true,
            created_at: at,
        };
        let fields = events::fields(&draft, place_id, None, None, at)?;
        let urls = self.urls().clone();
        // The event and its Create for the followers, in one transaction.
        self.db()
            .write(move |conn| {
                EventRow::insert(conn, &identity, &fields)?;
                publish::event_changed(conn, &urls, &identity.ap_id, true)
            })
            .await?;
        self.federation().wake();
        let view = self.event(&key, Access::Staff).await?;
        self.audited(Action::Created, "event", &key, &view.name)
            .await;
        Ok(view)
    }

    /// The id of the centre's place the draft names (by key or id), refused when it is not one
    /// of the centre's own places.
    async fn resolve_place(
        &self,
        centre: &CentreRow,
        draft: &EventDraft,
    ) -> Result<Option<i64>, DirectoryError> {
        let Some(given) = draft.place.clone() else {
            return Ok(None);
        };
        let centre_id = centre.id;
        let found = self
            .db()
            .run(move |conn| {
                let by_id = PlaceRow::find_by_ap_id(conn, &given)?;
                match by_id {
                    Some(found) => Ok(Some(found)),
                    None => PlaceRow::find_by_key(conn, &given),
                }
            })
            .await?;
        match found {
            Some((place, _)) if place.centre_id == centre_id && place.local => Ok(Some(place.id)),
            Some(_) => Err(FieldError::new(
                "place",
                format!("is not one of the places of {}", centre.username),
            )
            .into()),
            None => Err(FieldError::coded(
                "place",
                "unknown-place",
                format!(
                    "no place `{}` (give the key or the id of one of the centre's places)",
                    draft.place.as_deref().unwrap_or_default()
                ),
                &[],
            )
            .into()),
        }
    }

    /// One event by key. Events hidden by this node's moderators are shown to staff only.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn event(
        &self,
        key: &str,
        access: Access,
    ) -> Result<EventView, DirectoryError> {
        let (row, centre, place) = self.find_event(key).await?;
        if row.hidden && access != Access::Staff {
            return Err(not_found(key));
        }
        Ok(EventView::build(&row, &centre, place.as_ref())?)
    }

    /// The stored event as the input a PATCH merges into (its place by id).
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn event_input(&self, key: &str) -> Result<EventInput, DirectoryError> {
        let view = self.event(key, Access::Staff).await?;
        Ok(EventInput {
            name: view.name,
            start: view.start,
            end: view.end,
            place: view.place,
            summary: view.summary,
            booking_url: view.booking_url,
            online_url: view.online_url,
        })
    }

    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn update_event(
        &self,
        key: &str,
        input: &EventInput,
    ) -> Result<EventView, DirectoryError> {
        let draft = input.validate()?;
        let (row, centre, _) = self.find_event(key).await?;
        ensure_local(&row)?;
        let place_id = self.resolve_place(&centre, &draft).await?;
        let fields = events::fields(&draft, place_id, None, None, now())?;
        let urls = self.urls().clone();
        self.db()
            .write(move |conn| {
                EventRow::update(conn, row.id, &fields)?;
                publish::event_changed(conn, &urls, &row.ap_id, false)
            })
            .await?;
        self.federation().wake();
        let view = self.event(key, Access::Staff).await?;
        self.audited(Action::Updated, "event", key, &view.name)
            .await;
        Ok(view)
    }

    #[tracing::instrument(skip(self))]
    pub(crate) async fn delete_event(&self, key: &str) -> Result<(), DirectoryError> {
        let (row, centre, _) = self.find_event(key).await?;
        let title = row.name.clone();
        ensure_local(&row)?;
        let urls = self.urls().clone();
        // Gone for good: its id answers 410 and the followers get a Delete.
        self.db()
            .write(move |conn| {
                EventRow::delete(conn, row.id)?;
                publish::entry_deleted(conn, &urls, &row.ap_id, &centre, Audience::Everyone)
            })
            .await?;
        self.federation().wake();
        self.audited(Action::Deleted, "event", key, &title).await;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_events(
        &self,
        query: &EventQuery,
        window: Window,
        access: Access,
    ) -> Result<Listing<EventView>, DirectoryError> {
        let filter = EventFilter {
            now: now(),
            past: query.past.unwrap_or(false),
            origin: self.origin_actor(query.origin.clone()).await?,
            place_key: query.place.clone().filter(|p| !p.trim().is_empty()),
            only_local: false,
            include_hidden_by_moderation: access == Access::Staff,
        };
        let page = self
            .db()
            .run(move |conn| EventRow::list(conn, &filter, window))
            .await?;
        Ok(Listing {
            total: page.total,
            results: views(&page.rows)?,
        })
    }

    async fn find_event(&self, key: &str) -> Result<EventRecord, DirectoryError> {
        let owned = key.to_owned();
        self.db()
            .run(move |conn| EventRow::find_by_key(conn, &owned))
            .await?
            .ok_or_else(|| not_found(key))
    }
}

fn not_found(key: &str) -> DirectoryError {
    DirectoryError::NotFound(format!("event `{key}`"))
}

fn ensure_local(row: &EventRow) -> Result<(), DirectoryError> {
    if row.local {
        Ok(())
    } else {
        Err(DirectoryError::Forbidden(
            "this event was received from another node: only its author can change it".into(),
        ))
    }
}
