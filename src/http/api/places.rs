//! `/api/v1/places`: mediation places, with the fields of the national schema
//! "Lieux de médiation numérique" v1.0.2.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::directory::places::{PlaceQuery, PlaceView};
use crate::directory::views::Listing;
use crate::domain::place::PlaceInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Caller, JsonBody, MergePatch, Paging, Params, Staff};
use crate::state::AppState;

use super::recommendations::{AsCentre, key_of};

/// List places, by name.
#[utoipa::path(get, path = "/api/v1/places", tag = "places",
    params(PlaceQuery, Paging), responses((status = 200, body = Listing<PlaceView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(query): Params<PlaceQuery>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<PlaceView>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(
        state.directory.list_places(&query, window, access).await?,
    ))
}

/// Add a place (admin token). Field names are the national schema's; its `id` is `source_id`.
#[utoipa::path(post, path = "/api/v1/places", tag = "places",
    params(AsCentre), request_body = PlaceInput, security(("bearer" = [])),
    responses((status = 201, body = PlaceView, headers(("Location" = String))),
        (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _staff: Staff,
    Params(as_centre): Params<AsCentre>,
    JsonBody(input): JsonBody<PlaceInput>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state
        .directory
        .create_place(as_centre.centre.as_deref(), &input)
        .await?;
    let location = state
        .directory
        .urls()
        .api(&format!("places/{}", key_of(&view.id)))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One place by KEY.
#[utoipa::path(get, path = "/api/v1/places/{key}", tag = "places",
    params(("key" = String, Path)),
    responses((status = 200, body = PlaceView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    Caller(access): Caller,
    Path(key): Path<String>,
) -> Result<Json<PlaceView>, ApiError> {
    Ok(Json(state.directory.place(&key, access).await?))
}

/// Edit a place with a JSON merge patch (admin token).
#[utoipa::path(patch, path = "/api/v1/places/{key}", tag = "places",
    params(("key" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = PlaceView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
    patch: MergePatch,
) -> Result<Json<PlaceView>, ApiError> {
    let current = state.directory.place_input(&key).await?;
    let input = patch.apply(&current)?;
    Ok(Json(state.directory.update_place(&key, &input).await?))
}

/// Delete a place (admin token).
#[utoipa::path(delete, path = "/api/v1/places/{key}", tag = "places",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn delete(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.delete_place(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}
