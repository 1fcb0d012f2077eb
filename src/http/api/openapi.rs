//! The OpenAPI document of the JSON API, generated from the handlers and types themselves.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Maillage API", description = "Federated directory of free-software \
        alternatives and digital mediators. Errors are `{\"error\": {\"code\", \"message\", \
        \"field\"?}}`; listings are `{\"total\", \"results\"}`; writes need \
        `Authorization: Bearer TOKEN`."),
    paths(
        super::recommendations::list, super::recommendations::create,
        super::recommendations::show, super::recommendations::update,
        super::recommendations::delete,
        super::contacts::list, super::contacts::create, super::contacts::show,
        super::contacts::update, super::contacts::delete,
        super::places::list, super::places::create, super::places::show,
        super::places::update, super::places::delete,
        super::providers::list, super::providers::create, super::providers::show,
        super::providers::update, super::providers::delete,
        super::events::list, super::events::create, super::events::show,
        super::events::update, super::events::delete,
        super::help::create, super::help::list, super::help::show, super::help::update,
        super::help::reply, super::help::erase,
        super::centres::list, super::centres::create, super::centres::show,
        super::centres::update,
        super::search::search, super::search::suggest, super::catalogue::categories, super::catalogue::software,
        super::export::export,
        super::network::follow, super::network::follows, super::network::unfollow,
        super::network::backfill,
        super::network::followers, super::network::approve, super::network::refuse,
        super::network::trust, super::network::distrust,
        super::network::endorse, super::network::endorsements, super::network::unendorse,
        super::network::set_domain_rule, super::network::domain_rules,
        super::network::remove_domain_rule, super::network::hide,
        super::network::delivery, super::network::retry_host, super::network::purge_host,
        super::relays::subscribe, super::relays::list, super::relays::unsubscribe,
        super::moves::show, super::moves::set_aliases, super::moves::move_centre,
        super::groups::create, super::groups::list, super::groups::members, super::groups::admit,
        super::groups::remove,
    ),
    modifiers(&BearerAuth),
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
