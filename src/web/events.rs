//! The events pages: `/events/{key}` (a workshop or permanence: when, in words in the
//! visitor's language, where, with a link to the place's page, how to book).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::directory::events::EventView;
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
pub async fn event(
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

    /// The page of its place on this node, if it has one.
    pub(crate) fn place_page(&self) -> Option<String> {
        self.place_key.as_ref().map(|k| format!("/places/{k}"))
    }
}
