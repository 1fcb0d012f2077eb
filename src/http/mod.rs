//! The HTTP edge (axum): the JSON API under `/api/v1`, `/healthz`, and the error policy.
//! Handlers parse, authenticate and call `directory`; they hold no rules of their own.

pub mod api;
pub mod error;
pub mod extract;
mod feeds;
mod health;
mod metrics;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;
use crate::directory::Directory;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub directory: Directory,
    pub settings: Arc<Settings>,
}

pub fn router(state: AppState) -> Router {
    let limit = state.settings.http.max_body_bytes;
    let federation = state.directory.federation().clone();
    Router::new()
        .merge(health::routes())
        .merge(feeds::routes())
        .merge(metrics::routes())
        .merge(crate::federation::routes::routes(federation))
        .nest("/api/v1", api::routes())
        .merge(crate::web::routes())
        .fallback(|| async { error::ApiError::not_found("no such page or endpoint") })
        .layer(DefaultBodyLimit::max(limit))
        // A body trickled in to hold a connection (the headers have their own deadline).
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            std::time::Duration::from_secs(30),
        ))
        .layer(set(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// What every answer (page, API, ActivityPub document) tells browsers: run only this site's
/// own script files (never inline script: the one script, `/static/suggest.js`, adds
/// suggestions to the search box and asks only this site), load nothing from elsewhere, never
/// be framed, never sniff a type, send no more of the address than the origin to other sites.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

fn set(name: header::HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
