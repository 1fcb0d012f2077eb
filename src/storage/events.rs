//! Workshop and permanence rows: instants in UTC with the organiser's offset beside them; a
//! local event's place by id, a received one's location as JSON (see the migration).

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use diesel::prelude::*;

use crate::domain::event::{EventDraft, EventLocation};

use super::centres::CentreRow;
use super::places::PlaceRow;
use super::schema::{centres, events, places};
use super::{Conn, Page, StorageError, Window};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub place_id: Option<i64>,
    pub name: String,
    pub summary: Option<String>,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub start_offset: i32,
    pub end_offset: i32,
    pub booking_url: Option<String>,
    pub online_url: Option<String>,
    /// JSON [`EventLocation`], for copies received from peers.
    pub location: Option<String>,
    pub local: bool,
    pub hidden: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The editable columns, shared by insert and update.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = events, treat_none_as_null = true)]
pub struct EventFields {
    pub place_id: Option<i64>,
    pub name: String,
    pub summary: Option<String>,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub start_offset: i32,
    pub end_offset: i32,
    pub booking_url: Option<String>,
    pub online_url: Option<String>,
    pub location: Option<String>,
    pub updated_at: NaiveDateTime,
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The columns fixed at creation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events)]
pub struct EventIdentity {
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub local: bool,
    pub created_at: NaiveDateTime,
}

/// An event, its centre, and its place when it is one of this node's places.
pub type EventRecord = (EventRow, CentreRow, Option<PlaceRow>);

/// Upcoming events (not ended at `now`, soonest first) or past ones (the archive, latest
/// first).
#[derive(Debug, Clone)]
pub struct EventFilter {
    pub now: NaiveDateTime,
    pub past: bool,
    /// The publishing centre's actor id.
    pub origin: Option<String>,
    /// Events at this place (its key).
    pub place_key: Option<String>,
    /// Only this node's own events (not copies received from peers).
    pub only_local: bool,
    pub include_hidden_by_moderation: bool,
}

macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &EventFilter = $filter;
        let mut query = events::table
            .inner_join(centres::table)
            .left_join(places::table)
            .into_boxed();
        query = if filter.past {
            query.filter(events::end_at.lt(filter.now))
        } else {
            query.filter(events::end_at.ge(filter.now))
        };
        if let Some(origin) = &filter.origin {
            query = query.filter(centres::actor_id.eq(origin.clone()));
        }
        if let Some(place) = &filter.place_key {
            query = query.filter(places::key.eq(place.clone()));
        }
        if filter.only_local {
            query = query.filter(events::local.eq(true));
        }
        if !filter.include_hidden_by_moderation {
            query = query.filter(events::hidden.eq(false));
        }
        query
    }};
}

impl EventRow {
    pub(crate) fn insert(
        conn: &mut Conn,
        identity: &EventIdentity,
        fields: &EventFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(events::table)
            .values((identity, fields))
            .returning(events::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn update(
        conn: &mut Conn,
        id: i64,
        fields: &EventFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(events::table.find(id))
            .set(fields)
            .returning(events::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(events::table.find(id)).execute(conn)?;
        Ok(())
    }

    pub(crate) fn find_by_key(
        conn: &mut Conn,
        key: &str,
    ) -> Result<Option<EventRecord>, StorageError> {
        Ok(events::table
            .inner_join(centres::table)
            .left_join(places::table)
            .filter(events::key.eq(key))
            .select((
                Self::as_select(),
                CentreRow::as_select(),
                Option::<PlaceRow>::as_select(),
            ))
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_ap_id(
        conn: &mut Conn,
        ap_id: &str,
    ) -> Result<Option<EventRecord>, StorageError> {
        Ok(events::table
            .inner_join(centres::table)
            .left_join(places::table)
            .filter(events::ap_id.eq(ap_id))
            .select((
                Self::as_select(),
                CentreRow::as_select(),
                Option::<PlaceRow>::as_select(),
            ))
            .first(conn)
            .optional()?)
    }

    /// One page of events: upcoming soonest first, past latest first.
    pub(crate) fn list(
        conn: &mut Conn,
        filter: &EventFilter,
        window: Window,
    ) -> Result<Page<EventRecord>, StorageError> {
        let total: i64 = filtered!(filter).count().get_result(conn)?;
        let query = filtered!(filter).select((
            Self::as_select(),
            CentreRow::as_select(),
            Option::<PlaceRow>::as_select(),
        ));
        let query = if filter.past {
            query.order((events::start_at.desc(), events::id.desc()))
        } else {
            query.order((events::start_at.asc(), events::id.asc()))
        };
        let rows = query.offset(window.offset).limit(window.limit).load(conn)?;
        Ok(Page { total, rows })
    }

    /// The ap_ids of a local centre's events, for its outbox (newest first).
    pub(crate) fn ap_ids_of_centre(
        conn: &mut Conn,
        centre_id: i64,
        window: Window,
    ) -> Result<Page<String>, StorageError> {
        let query = || {
            events::table
                .filter(events::centre_id.eq(centre_id))
                .filter(events::local.eq(true))
        };
        let total: i64 = query().count().get_result(conn)?;
        let rows = query()
            .select(events::ap_id)
            .order((events::updated_at.desc(), events::id.desc()))
            .offset(window.offset)
            .limit(window.limit)
            .load(conn)?;
        Ok(Page { total, rows })
    }

    pub(crate) fn start(&self) -> DateTime<FixedOffset> {
        at(self.start_at, self.start_offset)
    }

    pub(crate) fn end(&self) -> DateTime<FixedOffset> {
        at(self.end_at, self.end_offset)
    }

    /// A received copy's location.
    pub(crate) fn location(&self) -> Result<Option<EventLocation>, StorageError> {
        self.location
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| StorageError::Corrupt(format!("events.location of {}: {e}", self.key)))
    }
}

/// A stored UTC instant at the organiser's offset (an offset out of range reads as UTC).
fn at(utc: NaiveDateTime, offset: i32) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(offset).unwrap_or(FixedOffset::east_opt(0).expect("UTC"));
    utc.and_utc().with_timezone(&offset)
}

/// The stored columns of a validated event. `place_id` is the resolved place of a local event;
/// `location` the validated location of a received copy; `remote_updated_at` the author's
/// `updated` for copies, None for this node's own.
pub(crate) fn fields(
    draft: &EventDraft,
    place_id: Option<i64>,
    location: Option<&EventLocation>,
    remote_updated_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<EventFields, StorageError> {
    Ok(EventFields {
        place_id,
        name: draft.name.clone(),
        summary: draft.summary.clone(),
        start_at: draft.start.naive_utc(),
        end_at: draft.end.naive_utc(),
        start_offset: draft.start.offset().local_minus_utc(),
        end_offset: draft.end.offset().local_minus_utc(),
        booking_url: draft.booking_url.clone(),
        online_url: draft.online_url.clone(),
        location: location.map(serde_json::to_string).transpose()?,
        updated_at: now,
        remote_updated_at,
    })
}

/// Where an event takes place: its place's name, address and point (its own coordinates, or
/// its commune's) for a local event; the location it came with for a received copy.
pub(crate) fn location_of(
    row: &EventRow,
    place: Option<&PlaceRow>,
) -> Result<Option<EventLocation>, StorageError> {
    let Some(place) = place else {
        return row.location();
    };
    let point = place.latitude.zip(place.longitude).or_else(|| {
        crate::domain::communes::point_of(place.code_insee.as_deref(), &place.code_postal)
    });
    let street = match &place.complement_adresse {
        Some(more) => format!("{}, {more}", place.adresse),
        None => place.adresse.clone(),
    };
    Ok(Some(EventLocation {
        id: Some(place.ap_id.clone()),
        name: place.nom.clone(),
        street_address: Some(street),
        postal_code: Some(place.code_postal.clone()),
        locality: Some(place.commune.clone()),
        latitude: point.map(|p| p.0),
        longitude: point.map(|p| p.1),
    }))
}
