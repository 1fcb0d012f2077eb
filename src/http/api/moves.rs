//! `/api/v1/centres/{username}/aliases` and `/move`: moving a centre to a new domain (staff
//! only).

use axum::Json;
use axum::extract::{Path, State};

use crate::directory::moves::{AliasesInput, MoveInput, MoveView};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{JsonBody, Staff};
use crate::state::AppState;

/// A centre's aliases (`alsoKnownAs`) and, once moved, its new actor (`movedTo`).
#[utoipa::path(get, path = "/api/v1/centres/{username}/move", tag = "centres",
    params(("username" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = MoveView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    _staff: Staff,
    Path(username): Path<String>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(state.directory.centre_move(&username).await?))
}

/// Set the actors this centre also is (its former accounts): the actor document's
/// `alsoKnownAs`, which a `Move` from one of them to this centre needs.
#[utoipa::path(put, path = "/api/v1/centres/{username}/aliases", tag = "centres",
    params(("username" = String, Path)), request_body = AliasesInput, security(("bearer" = [])),
    responses((status = 200, body = MoveView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn set_aliases(
    State(state): State<AppState>,
    _staff: Staff,
    Path(username): Path<String>,
    JsonBody(input): JsonBody<AliasesInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(
        state
            .directory
            .set_aliases(&username, &input.also_known_as)
            .await?,
    ))
}

/// Move this centre to a new actor (its new domain), which must list this centre in
/// `alsoKnownAs`: the actor gets `movedTo`, and its followers a `Move` (Maillage followers then
/// follow the new actor).
#[utoipa::path(post, path = "/api/v1/centres/{username}/move", tag = "centres",
    params(("username" = String, Path)), request_body = MoveInput, security(("bearer" = [])),
    responses((status = 200, body = MoveView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn move_centre(
    State(state): State<AppState>,
    _staff: Staff,
    Path(username): Path<String>,
    JsonBody(input): JsonBody<MoveInput>,
) -> Result<Json<MoveView>, ApiError> {
    Ok(Json(
        state
            .directory
            .move_centre(&username, &input.target)
            .await?,
    ))
}
