//! `/api/v1/providers`: hosting providers, the records that recommendations' offers name.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::directory::providers::{ProviderQuery, ProviderView};
use crate::directory::views::Listing;
use crate::domain::provider::ProviderInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{JsonBody, MergePatch, Paging, Params, Staff};
use crate::state::AppState;

/// List providers, by name, each with the number of recommendations that offer its services.
#[utoipa::path(get, path = "/api/v1/providers", tag = "providers",
    params(ProviderQuery, Paging), responses((status = 200, body = Listing<ProviderView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    Params(query): Params<ProviderQuery>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<ProviderView>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(state.directory.list_providers(&query, window).await?))
}

/// Add a provider (admin token). A website already recorded is a 409 naming its record.
#[utoipa::path(post, path = "/api/v1/providers", tag = "providers",
    request_body = ProviderInput, security(("bearer" = [])),
    responses((status = 201, body = ProviderView, headers(("Location" = String))),
        (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _staff: Staff,
    JsonBody(input): JsonBody<ProviderInput>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state.directory.create_provider(&input).await?;
    let location = state
        .directory
        .urls()
        .api(&format!("providers/{}", view.key))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One provider by KEY.
#[utoipa::path(get, path = "/api/v1/providers/{key}", tag = "providers",
    params(("key" = String, Path)),
    responses((status = 200, body = ProviderView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> Result<Json<ProviderView>, ApiError> {
    Ok(Json(state.directory.provider(&key).await?))
}

/// Edit a provider with a JSON merge patch (admin token). Every offer naming it shows the
/// change, and followers receive an `Update` of this node's recommendations among them.
#[utoipa::path(patch, path = "/api/v1/providers/{key}", tag = "providers",
    params(("key" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = ProviderView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
    patch: MergePatch,
) -> Result<Json<ProviderView>, ApiError> {
    let current = state.directory.provider_input(&key).await?;
    let input = patch.apply(&current)?;
    Ok(Json(state.directory.update_provider(&key, &input).await?))
}

/// Delete a provider no offer names any more (admin token); otherwise 409.
#[utoipa::path(delete, path = "/api/v1/providers/{key}", tag = "providers",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(super) async fn delete(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.delete_provider(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}
