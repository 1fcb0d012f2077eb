//! `/api/v1/centres`: the centres this node hosts (and, once federating, those it knows).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::directory::views::{CentreView, Listing};
use crate::domain::centre::NewCentreInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{JsonBody, MergePatch, Staff};
use crate::state::AppState;

/// All centres, this node's first.
#[utoipa::path(get, path = "/api/v1/centres", tag = "centres",
    responses((status = 200, body = Listing<CentreView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
) -> Result<Json<Listing<CentreView>>, ApiError> {
    Ok(Json(Listing::of(state.directory.list_centres().await?)))
}

/// Add another centre to this node (admin token).
#[utoipa::path(post, path = "/api/v1/centres", tag = "centres",
    request_body = NewCentreInput, security(("bearer" = [])),
    responses((status = 201, body = CentreView, headers(("Location" = String))),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _staff: Staff,
    JsonBody(input): JsonBody<NewCentreInput>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state.directory.create_centre(&input).await?;
    let location = state
        .directory
        .urls()
        .api(&format!("centres/{}", view.username))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One of this node's centres.
#[utoipa::path(get, path = "/api/v1/centres/{username}", tag = "centres",
    params(("username" = String, Path)),
    responses((status = 200, body = CentreView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> Result<Json<CentreView>, ApiError> {
    Ok(Json(state.directory.get_centre(&username).await?))
}

/// Edit a centre's profile (name, summary, website (`https://` added when missing), region,
/// contact, and the `icon` and `header` images as URLs, `null` to clear) with a JSON merge
/// patch. Images are uploaded from the admin profile page, which stores and re-encodes them;
/// the API takes the URL of an image, that page's or another's.
#[utoipa::path(patch, path = "/api/v1/centres/{username}", tag = "centres",
    params(("username" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = CentreView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    _staff: Staff,
    Path(username): Path<String>,
    patch: MergePatch,
) -> Result<Json<CentreView>, ApiError> {
    let current = state.directory.centre_profile(&username).await?;
    let input = patch.apply(&current)?;
    Ok(Json(
        state.directory.update_centre(&username, &input).await?,
    ))
}
