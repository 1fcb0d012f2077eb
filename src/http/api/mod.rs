//! The JSON API, `/api/v1`. Its OpenAPI document is served at `/api/v1/openapi.json`.

mod catalogue;
mod centres;
mod contacts;
mod events;
mod export;
mod groups;
mod help;
mod moves;
mod network;
pub(crate) mod openapi;
mod places;
mod providers;
mod recommendations;
mod relays;
mod search;

use axum::Router;
use axum::routing::{delete, get, post, put};

use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
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
        .route("/places", get(places::list).post(places::create))
        .route(
            "/places/{key}",
            get(places::show)
                .patch(places::update)
                .delete(places::delete),
        )
        .route("/providers", get(providers::list).post(providers::create))
        .route(
            "/providers/{key}",
            get(providers::show)
                .patch(providers::update)
                .delete(providers::delete),
        )
        .route("/events", get(events::list).post(events::create))
        .route(
            "/events/{key}",
            get(events::show)
                .patch(events::update)
                .delete(events::delete),
        )
        .route("/help-requests", get(help::list).post(help::create))
        .route(
            "/help-requests/{reference}",
            get(help::show).patch(help::update).delete(help::erase),
        )
        .route("/help-requests/{reference}/replies", post(help::reply))
        .route("/centres", get(centres::list).post(centres::create))
        .route(
            "/centres/{username}",
            get(centres::show).patch(centres::update),
        )
        .route("/search", get(search::search))
        .route("/suggest", get(search::suggest))
        .route("/categories", get(catalogue::categories))
        .route("/software", get(catalogue::software))
        .route("/export", get(export::export))
        .route("/networks", get(groups::list).post(groups::create))
        .route(
            "/networks/{name}/members",
            get(groups::members)
                .post(groups::admit)
                .delete(groups::remove),
        )
        .route("/follows", get(network::follows).post(network::follow))
        .route("/follows/{key}", delete(network::unfollow))
        .route("/follows/{key}/backfill", get(network::backfill))
        .route("/followers", get(network::followers))
        .route("/followers/{key}/approve", post(network::approve))
        .route("/followers/{key}/refuse", post(network::refuse))
        .route("/followers/{key}/trust", post(network::trust))
        .route("/followers/{key}/distrust", post(network::distrust))
        .route(
            "/endorsements",
            get(network::endorsements).post(network::endorse),
        )
        .route("/endorsements/{key}", delete(network::unendorse))
        .route(
            "/moderation/domains",
            get(network::domain_rules).post(network::set_domain_rule),
        )
        .route(
            "/moderation/domains/{domain}",
            delete(network::remove_domain_rule),
        )
        .route("/moderation/hidden", post(network::hide))
        .route("/delivery", get(network::delivery))
        .route("/delivery/{host}/retry", post(network::retry_host))
        .route("/delivery/{host}/purge", post(network::purge_host))
        .route(
            "/centres/{username}/move",
            get(moves::show).post(moves::move_centre),
        )
        .route("/centres/{username}/aliases", put(moves::set_aliases))
        .route("/relays", get(relays::list).post(relays::subscribe))
        .route("/relays/{key}", delete(relays::unsubscribe))
        .route("/openapi.json", get(openapi::document))
}
