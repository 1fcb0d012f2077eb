//! `/api/v1/relays`: the Mastodon/LitePub relays this node subscribes to (staff only).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::directory::relays::{RelayInput, RelayView};
use crate::directory::views::Listing;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{JsonBody, Staff};
use crate::state::AppState;

/// Subscribe to a relay: the node's instance actor follows it (the Follow is sent at once; the
/// relay's Accept turns `state` to `accepted`; a relay that could not be reached, or has not
/// answered, gets the Follow again with backoff: `attempts`, `next_attempt_at`, `last_error`). Then our public recommendations also go to the
/// relay, and the directory entries it relays from other directory centres are taken in.
#[utoipa::path(post, path = "/api/v1/relays", tag = "network",
    request_body = RelayInput, security(("bearer" = [])),
    responses((status = 201, body = RelayView), (status = 422, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub(super) async fn subscribe(
    State(state): State<AppState>,
    _staff: Staff,
    JsonBody(input): JsonBody<RelayInput>,
) -> Result<(StatusCode, Json<RelayView>), ApiError> {
    let view = state.directory.subscribe_relay(&input.url).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The relays this node subscribes to, with the state of each subscription.
#[utoipa::path(get, path = "/api/v1/relays", tag = "network", security(("bearer" = [])),
    responses((status = 200, body = Listing<RelayView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Listing<RelayView>>, ApiError> {
    Ok(Json(Listing::of(state.directory.relays().await?)))
}

/// Unsubscribe (sends the relay an Undo of the Follow).
#[utoipa::path(delete, path = "/api/v1/relays/{key}", tag = "network",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn unsubscribe(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.unsubscribe_relay(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}
