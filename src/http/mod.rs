//! The HTTP edge (axum): the JSON API under `/api/v1`, `/healthz`, and the error policy.
//! Handlers parse, authenticate and call `directory`; they hold no rules of their own.

pub(crate) mod api;
pub(crate) mod error;
pub(crate) mod extract;
mod feeds;
mod health;
mod metrics;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

/// The routes of this edge: health, feeds, metrics and the JSON API (`startup::router`
/// assembles them with the website's and federation's).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(health::routes())
        .merge(feeds::routes())
        .merge(metrics::routes())
        .nest("/api/v1", api::routes())
}

/// What every answer (page, API, ActivityPub document) tells browsers: run only this site's
/// own script files (never inline script: the one script, `/static/suggest.js`, adds
/// suggestions to the search box and asks only this site), load nothing from elsewhere, never
/// be framed, never sniff a type, send no more of the address than the origin to other sites.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

pub(crate) fn set(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
