//! The events pages: `/events/{key}` (a workshop or permanence: when, in words in the
//! visitor's language, where, with a link to the place's page, how to book), and
//! `/centres/{name}/events.ics`, a centre's workshops for calendar apps (iCalendar, written by
//! the `icalendar` crate).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use icalendar::{Calendar, Component, EventLike};

use crate::directory::events::{EventQuery, EventView};
use crate::directory::{Access, Directory, DirectoryError};
use crate::domain::Window;
use crate::domain::event::when_text;
use crate::state::AppState;

use super::error::{PageError, render};
use super::frame::{Frame, Visit};

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    page: Frame,
    e: EventView,
}

/// `/events/{key}`: one event (its id).
pub(crate) async fn event(
    State(state): State<AppState>,
    visit: Visit,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let e = state
        .directory
        .event(&key, visit.access())
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let page = EventPage {
        page: visit.frame(&state, e.name.clone()),
        e,
    };
    Ok(render(visit.lang, &page))
}

impl EventView {
    /// When, in words (`jeudi 10 décembre 2026, 14:00–16:00`).
    pub(crate) fn when(&self, lang: &str) -> String {
        when_text(&self.start_time, &self.end_time, lang)
    }

    /// Its page on this node (a copy from a peer has one too, under this node's key).
    pub(crate) fn page(&self) -> String {
        format!("/events/{}", self.key)
    }

    /// The page of its place on this node, if it has one.
    pub(crate) fn place_page(&self) -> Option<String> {
        self.place_key.as_ref().map(|k| format!("/places/{k}"))
    }
}

/// The upcoming events of a centre (its actor id) or of a place (its key), for a page.
pub(crate) async fn upcoming(
    directory: &Directory,
    origin: Option<String>,
    place: Option<String>,
) -> Result<Vec<EventView>, DirectoryError> {
    let query = EventQuery {
        past: None,
        origin,
        place,
    };
    let window = Window {
        offset: 0,
        limit: 50,
    };
    Ok(directory
        .list_events(&query, window, Access::Public)
        .await?
        .results)
}

/// At most this many events of each kind (upcoming, past) in a calendar.
const CALENDAR: Window = Window {
    offset: 0,
    limit: 500,
};

/// `/centres/{name}/events.ics`: the centre's upcoming workshops and its past ones (the
/// latest 500 of each), one `VEVENT` each, its id as `UID`.
pub(super) async fn calendar(
    State(state): State<AppState>,
    visit: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let centre = d.find_centre(&handle).await.map_err(err)?;
    let mut events = Vec::new();
    for past in [false, true] {
        let query = EventQuery {
            past: Some(past),
            origin: Some(centre.id.clone()),
            place: None,
        };
        events.extend(
            d.list_events(&query, CALENDAR, Access::Public)
                .await
                .map_err(err)?
                .results,
        );
    }
    let body = ics(&centre.name, &events);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response())
}

/// The iCalendar text of `events`.
fn ics(name: &str, events: &[EventView]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    let stamp = Utc::now();
    for e in events {
        let mut event = icalendar::Event::new();
        event
            .uid(&e.id)
            .timestamp(stamp)
            .last_modified(e.updated)
            .summary(&e.name)
            .starts(e.start_time.with_timezone(&Utc))
            .ends(e.end_time.with_timezone(&Utc))
            .url(&e.id);
        if let Some(l) = &e.location {
            let address = l.address_line();
            if address.is_empty() {
                event.location(&l.name);
            } else {
                event.location(&format!("{}, {address}", l.name));
            }
        } else if let Some(online) = &e.online_url {
            event.location(online);
        }
        let mut description = e.summary.clone().unwrap_or_default();
        if let Some(booking) = &e.booking_url {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(booking);
        }
        if !description.is_empty() {
            event.description(&description);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}
