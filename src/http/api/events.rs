//! `/api/v1/events`: workshops and permanences, upcoming first (`?past=true`: the archive).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::directory::events::{EventQuery, EventView};
use crate::directory::views::Listing;
use crate::domain::event::EventInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Caller, JsonBody, MergePatch, Paging, Params, Staff};
use crate::state::AppState;

use super::recommendations::{AsCentre, key_of};

/// List events: those not over yet, soonest first; with `past=true`, those over, latest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(EventQuery, Paging), responses((status = 200, body = Listing<EventView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(query): Params<EventQuery>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<EventView>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(
        state.directory.list_events(&query, window, access).await?,
    ))
}

/// Add an event (admin token): at one of the centre's places (`place`: its key or id), or
/// online (`online_url`).
#[utoipa::path(post, path = "/api/v1/events", tag = "events",
    params(AsCentre), request_body = EventInput, security(("bearer" = [])),
    responses((status = 201, body = EventView, headers(("Location" = String))),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _staff: Staff,
    Params(as_centre): Params<AsCentre>,
    JsonBody(input): JsonBody<EventInput>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state
        .directory
        .create_event(as_centre.centre.as_deref(), &input)
        .await?;
    let location = state
        .directory
        .urls()
        .api(&format!("events/{}", key_of(&view.id)))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One event by KEY.
#[utoipa::path(get, path = "/api/v1/events/{key}", tag = "events",
    params(("key" = String, Path)),
    responses((status = 200, body = EventView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    Caller(access): Caller,
    Path(key): Path<String>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(state.directory.event(&key, access).await?))
}

/// Edit an event with a JSON merge patch (admin token).
#[utoipa::path(patch, path = "/api/v1/events/{key}", tag = "events",
    params(("key" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = EventView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
    patch: MergePatch,
) -> Result<Json<EventView>, ApiError> {
    let current = state.directory.event_input(&key).await?;
    let input = patch.apply(&current)?;
    Ok(Json(state.directory.update_event(&key, &input).await?))
}

/// Delete an event (admin token).
#[utoipa::path(delete, path = "/api/v1/events/{key}", tag = "events",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn delete(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.delete_event(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}
