//! `/api/v1/follows`, `/followers`, `/endorsements`, `/moderation`: how this node's centres
//! take part in the network (all staff only).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::directory::federating::{
    EndorsementInput, EndorsementView, FollowInput, FollowView, FollowerView,
};
use crate::directory::moderation::{BlockReport, DomainRuleInput, DomainRuleView, HideInput};
use crate::directory::views::Listing;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{JsonBody, Params, Staff};
use crate::state::AppState;

use super::recommendations::AsCentre;

/// Follow a remote directory centre. Its earlier recommendations are backfilled once the
/// follow is accepted.
#[utoipa::path(post, path = "/api/v1/follows", tag = "network", params(AsCentre),
    request_body = FollowInput, security(("bearer" = [])),
    responses((status = 201, body = FollowView), (status = 422, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub(super) async fn follow(
    State(state): State<AppState>,
    _staff: Staff,
    Params(as_centre): Params<AsCentre>,
    JsonBody(input): JsonBody<FollowInput>,
) -> Result<(StatusCode, Json<FollowView>), ApiError> {
    let view = state
        .directory
        .follow(as_centre.centre.as_deref(), &input.target)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The centres this node's centres follow, with the state of each follow.
#[utoipa::path(get, path = "/api/v1/follows", tag = "network", security(("bearer" = [])),
    responses((status = 200, body = Listing<FollowView>)))]
pub(super) async fn follows(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Listing<FollowView>>, ApiError> {
    Ok(Json(Listing::of(state.directory.follows().await?)))
}

/// How far the backfill of a follow has gone: the followed centre's whole outbox is read in
/// the background (resumed after a restart); `backfill` is absent until the follow is accepted.
#[utoipa::path(get, path = "/api/v1/follows/{key}/backfill", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowView), (status = 404, body = ErrorBody)))]
pub(super) async fn backfill(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<Json<FollowView>, ApiError> {
    Ok(Json(state.directory.follow_of(&key).await?))
}

/// Stop following (sends Undo).
#[utoipa::path(delete, path = "/api/v1/follows/{key}", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn unfollow(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.unfollow(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub(super) struct FollowerFilter {
    /// `pending`, `accepted` or `rejected`.
    pub state: Option<String>,
}

/// Who follows this node's centres (Mastodon users included).
#[utoipa::path(get, path = "/api/v1/followers", tag = "network", params(FollowerFilter),
    security(("bearer" = [])), responses((status = 200, body = Listing<FollowerView>)))]
pub(super) async fn followers(
    State(state): State<AppState>,
    _staff: Staff,
    Params(filter): Params<FollowerFilter>,
) -> Result<Json<Listing<FollowerView>>, ApiError> {
    Ok(Json(Listing::of(
        state.directory.followers(filter.state.as_deref()).await?,
    )))
}

/// Approve a follower waiting for approval (`federation.manual_approval`).
#[utoipa::path(post, path = "/api/v1/followers/{key}/approve", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowerView), (status = 409, body = ErrorBody)))]
pub(super) async fn approve(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<Json<FollowerView>, ApiError> {
    Ok(Json(state.directory.decide_follower(&key, true).await?))
}

/// Refuse a follower waiting for approval (sends Reject).
#[utoipa::path(post, path = "/api/v1/followers/{key}/refuse", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowerView), (status = 409, body = ErrorBody)))]
pub(super) async fn refuse(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<Json<FollowerView>, ApiError> {
    Ok(Json(state.directory.decide_follower(&key, false).await?))
}

/// Trust a follower (an accepted directory centre) with the `network` contact cards of the
/// centre it follows: they are sent to it at once, and every later one too.
#[utoipa::path(post, path = "/api/v1/followers/{key}/trust", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowerView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(super) async fn trust(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<Json<FollowerView>, ApiError> {
    Ok(Json(state.directory.trust_follower(&key, true).await?))
}

/// Stop trusting a follower with `network` contact cards: it is sent a Delete of each.
#[utoipa::path(post, path = "/api/v1/followers/{key}/distrust", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = FollowerView), (status = 404, body = ErrorBody)))]
pub(super) async fn distrust(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<Json<FollowerView>, ApiError> {
    Ok(Json(state.directory.trust_follower(&key, false).await?))
}

/// Endorse (re-share) another centre's recommendation.
#[utoipa::path(post, path = "/api/v1/endorsements", tag = "network", params(AsCentre),
    request_body = EndorsementInput, security(("bearer" = [])),
    responses((status = 201, body = EndorsementView), (status = 422, body = ErrorBody)))]
pub(super) async fn endorse(
    State(state): State<AppState>,
    _staff: Staff,
    Params(as_centre): Params<AsCentre>,
    JsonBody(input): JsonBody<EndorsementInput>,
) -> Result<(StatusCode, Json<EndorsementView>), ApiError> {
    let view = state
        .directory
        .endorse(as_centre.centre.as_deref(), &input.object)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// This node's endorsements.
#[utoipa::path(get, path = "/api/v1/endorsements", tag = "network", security(("bearer" = [])),
    responses((status = 200, body = Listing<EndorsementView>)))]
pub(super) async fn endorsements(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Listing<EndorsementView>>, ApiError> {
    Ok(Json(Listing::of(state.directory.endorsements().await?)))
}

/// Withdraw an endorsement (sends Undo).
#[utoipa::path(delete, path = "/api/v1/endorsements/{key}", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn unendorse(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.unendorse(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Block a domain (its activities are refused, its items leave the directory) or allow it
/// (for the allow-list mode).
#[utoipa::path(post, path = "/api/v1/moderation/domains", tag = "moderation",
    request_body = DomainRuleInput, security(("bearer" = [])),
    responses((status = 200, body = BlockReport), (status = 422, body = ErrorBody)))]
pub(super) async fn set_domain_rule(
    State(state): State<AppState>,
    _staff: Staff,
    JsonBody(input): JsonBody<DomainRuleInput>,
) -> Result<Json<BlockReport>, ApiError> {
    Ok(Json(state.directory.set_domain_rule(&input).await?))
}

#[utoipa::path(get, path = "/api/v1/moderation/domains", tag = "moderation",
    security(("bearer" = [])), responses((status = 200, body = Listing<DomainRuleView>)))]
pub(super) async fn domain_rules(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Listing<DomainRuleView>>, ApiError> {
    Ok(Json(Listing::of(state.directory.domain_rules().await?)))
}

/// Lift a block (or take a domain off the allow list).
#[utoipa::path(delete, path = "/api/v1/moderation/domains/{domain}", tag = "moderation",
    params(("domain" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn remove_domain_rule(
    State(state): State<AppState>,
    _staff: Staff,
    Path(domain): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.remove_domain_rule(&domain).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hide one item received from a peer on this node (or show it again with `"hidden": false`).
#[utoipa::path(post, path = "/api/v1/moderation/hidden", tag = "moderation",
    request_body = HideInput, security(("bearer" = [])),
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub(super) async fn hide(
    State(state): State<AppState>,
    _staff: Staff,
    JsonBody(input): JsonBody<HideInput>,
) -> Result<StatusCode, ApiError> {
    state.directory.hide(&input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The delivery queue, per destination host.
#[utoipa::path(get, path = "/api/v1/delivery", tag = "network", security(("bearer" = [])),
    responses((status = 200, body = crate::directory::delivery::QueueStatus)))]
pub(super) async fn delivery(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<crate::directory::delivery::QueueStatus>, ApiError> {
    Ok(Json(state.directory.queue_status().await?))
}

/// Try a host again now, whatever its backoff.
#[utoipa::path(post, path = "/api/v1/delivery/{host}/retry", tag = "network",
    params(("host" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn retry_host(
    State(state): State<AppState>,
    _staff: Staff,
    Path(host): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.retry_host(&host).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Drop what is waiting for a host.
#[utoipa::path(post, path = "/api/v1/delivery/{host}/purge", tag = "network",
    params(("host" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "`{\"purged\": N}`")))]
pub(super) async fn purge_host(
    State(state): State<AppState>,
    _staff: Staff,
    Path(host): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let purged = state.directory.purge_host(&host).await?;
    Ok(Json(serde_json::json!({ "purged": purged })))
}
