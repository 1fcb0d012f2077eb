//! `/api/v1/networks`: networks of centres hosted here (FEP-1b12 `Group`s), their join
//! requests and members (all staff only).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::directory::federating::FollowView;
use crate::directory::groups::{MemberInput, NetworkMemberView};
use crate::directory::views::{CentreView, Listing};
use crate::domain::centre::NewCentreInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{JsonBody, Params, Staff};
use crate::state::AppState;

/// Create a network of centres: an actor of type `Group` (`@username@domain`), which centres
/// join by following it and whose members' entries it re-announces.
#[utoipa::path(post, path = "/api/v1/networks", tag = "networks",
    request_body = NewCentreInput, security(("bearer" = [])),
    responses((status = 201, body = CentreView, headers(("Location" = String))),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _staff: Staff,
    JsonBody(input): JsonBody<NewCentreInput>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state.directory.create_network(&input).await?;
    let location = state
        .directory
        .urls()
        .api(&format!("networks/{}/members", view.username))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// The networks this node hosts.
#[utoipa::path(get, path = "/api/v1/networks", tag = "networks", security(("bearer" = [])),
    responses((status = 200, body = Listing<CentreView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    _staff: Staff,
) -> Result<Json<Listing<CentreView>>, ApiError> {
    Ok(Json(Listing::of(state.directory.networks().await?)))
}

/// A network's members and the centres asking to join (those that follow it).
#[utoipa::path(get, path = "/api/v1/networks/{name}/members", tag = "networks",
    params(("name" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Listing<NetworkMemberView>), (status = 404, body = ErrorBody)))]
pub(super) async fn members(
    State(state): State<AppState>,
    _staff: Staff,
    Path(name): Path<String>,
) -> Result<Json<Listing<NetworkMemberView>>, ApiError> {
    Ok(Json(Listing::of(
        state.directory.network_members(&name).await?,
    )))
}

/// Admit a centre that asked to join: the network follows it, and relays its entries once
/// it accepts.
#[utoipa::path(post, path = "/api/v1/networks/{name}/members", tag = "networks",
    params(("name" = String, Path)), request_body = MemberInput, security(("bearer" = [])),
    responses((status = 201, body = FollowView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn admit(
    State(state): State<AppState>,
    _staff: Staff,
    Path(name): Path<String>,
    JsonBody(input): JsonBody<MemberInput>,
) -> Result<(StatusCode, Json<FollowView>), ApiError> {
    let view = state.directory.admit_member(&name, &input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub(super) struct MemberParam {
    /// The member's actor id or `name@domain`.
    pub actor: String,
}

/// Remove a member: the network stops following it and withdraws (`Undo`) every Announce it
/// made of its entries.
#[utoipa::path(delete, path = "/api/v1/networks/{name}/members", tag = "networks",
    params(("name" = String, Path), MemberParam), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn remove(
    State(state): State<AppState>,
    _staff: Staff,
    Path(name): Path<String>,
    Params(member): Params<MemberParam>,
) -> Result<StatusCode, ApiError> {
    state.directory.remove_member(&name, &member.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
