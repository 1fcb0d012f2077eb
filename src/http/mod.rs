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
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
