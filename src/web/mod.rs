//! The website: pages rendered on the server (askama templates, Fluent translations in French
//! and English) that work without JavaScript. The public part finds alternatives, who
//! recommends them and who can help; the admin part is what a mediator uses every week.
//!
//! Handlers gather views from `directory` and hand them to templates; rules stay in
//! `directory`. Everything from peers is escaped by the templates (askama escapes by default)
//! or was sanitised when received.

mod admin;
mod assets;
mod avatar;
mod error;
mod events;
mod forms;
mod frame;
mod help;
pub(crate) mod i18n;
mod images;
mod labels;
mod places;
mod providers;
mod public;
mod search;
mod session;
mod sheet;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

/// The pages at URLs that are also ActivityPub ids (`/centres/{handle}`,
/// `/recommendations/{key}`, `/contacts/{key}`, `/places/{key}`, `/events/{key}`): `startup`
/// routes them, giving ActivityPub clients federation's documents and browsers these pages.
pub(crate) use events::event;
pub(crate) use places::show as place;
pub(crate) use public::{centre, contact, recommendation};
/// Middleware naming who acts for the audit log (see `directory::audit`).
pub(crate) use session::acting;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/search", get(public::search))
        .route("/software/{slug}", get(public::software))
        .route("/categories/{id}", get(public::category))
        .route("/centres", get(public::centres))
        .route("/centres/{username}/avatar.png", get(avatar::avatar))
        .route("/centres/{username}/images/{name}", get(images::image))
        .route("/centres/{username}/events.ics", get(events::calendar))
        .route("/help", get(help::form).post(help::submit))
        .route("/help/erase", get(help::erase_form).post(help::erase))
        .route("/places", get(places::list))
        .route("/providers", get(providers::list))
        .route("/providers/{key}", get(providers::show))
        .route("/lang/{code}", get(public::switch_language))
        .route("/tags/{name}", get(public::tag))
        .route("/static/site.css", get(assets::stylesheet))
        .route("/static/suggest.js", get(assets::suggest_script))
        .route("/static/places-map.js", get(assets::map_script))
        .route(
            "/static/software-picker.js",
            get(assets::software_picker_script),
        )
        .route(
            &format!("/static/leaflet/{}/{{*path}}", assets::LEAFLET),
            get(assets::leaflet),
        )
        .merge(admin::routes())
}
