//! The JSON API, `/api/v1`. Its OpenAPI document is served at `/api/v1/openapi.json`.

mod catalogue;
mod centres;
mod contacts;
mod export;
pub mod openapi;
mod recommendations;
mod search;

use axum::Router;
use axum::routing::get;

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/recommendations",
            get(recommendations::list).post(recommendations::create),
        )
        .route(
            "/recommendations/{key}",
            get(recommendations::show)
                .patch(recommendations::update)
                .delete(recommendations::delete),
        )
        .route("/contacts", get(contacts::list).post(contacts::create))
        .route(
            "/contacts/{key}",
            get(contacts::show)
                .patch(contacts::update)
                .delete(contacts::delete),
        )
        .route("/centres", get(centres::list).post(centres::create))
        .route(
            "/centres/{username}",
            get(centres::show).patch(centres::update),
        )
        .route("/search", get(search::search))
        .route("/categories", get(catalogue::categories))
        .route("/software", get(catalogue::software))
        .route("/export", get(export::export))
        .route("/openapi.json", get(openapi::document))
}
