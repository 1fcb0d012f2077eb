//! `/api/v1/recommendations`: a centre's recommendations.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::directory::recommendations::RecommendationQuery;
use crate::directory::views::{Listing, RecommendationView};
use crate::domain::recommendation::RecommendationInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Caller, JsonBody, MergePatch, Paging, Params, Staff};
use crate::state::AppState;

/// Which local centre writes (its username); the node's first centre when absent.
#[derive(Debug, Deserialize, IntoParams)]
pub(super) struct AsCentre {
    pub centre: Option<String>,
}

/// List recommendations.
#[utoipa::path(get, path = "/api/v1/recommendations", tag = "recommendations",
    params(RecommendationQuery, Paging),
    responses((status = 200, body = Listing<RecommendationView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(query): Params<RecommendationQuery>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<RecommendationView>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(
        state
            .directory
            .list_recommendations(&query, window, access)
            .await?,
    ))
}

/// Publish a recommendation (admin token).
#[utoipa::path(post, path = "/api/v1/recommendations", tag = "recommendations",
    params(AsCentre), request_body = RecommendationInput,
    security(("bearer" = [])),
    responses(
        (status = 201, body = RecommendationView, headers(("Location" = String))),
        (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _staff: Staff,
    Params(as_centre): Params<AsCentre>,
    JsonBody(input): JsonBody<RecommendationInput>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state
        .directory
        .create_recommendation(as_centre.centre.as_deref(), &input)
        .await?;
    let location = state
        .directory
        .urls()
        .api(&format!("recommendations/{}", key_of(&view.id)))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One recommendation by KEY, the last segment of its id.
#[utoipa::path(get, path = "/api/v1/recommendations/{key}", tag = "recommendations",
    params(("key" = String, Path)),
    responses((status = 200, body = RecommendationView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    Caller(access): Caller,
    Path(key): Path<String>,
) -> Result<Json<RecommendationView>, ApiError> {
    Ok(Json(state.directory.recommendation(&key, access).await?))
}

/// Edit a recommendation with a JSON merge patch (admin token).
#[utoipa::path(patch, path = "/api/v1/recommendations/{key}", tag = "recommendations",
    params(("key" = String, Path)), request_body = Object,
    security(("bearer" = [])),
    responses((status = 200, body = RecommendationView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
    patch: MergePatch,
) -> Result<Json<RecommendationView>, ApiError> {
    let current = state.directory.recommendation_input(&key).await?;
    let input = patch.apply(&current)?;
    Ok(Json(
        state.directory.update_recommendation(&key, &input).await?,
    ))
}

/// Delete a recommendation (admin token).
#[utoipa::path(delete, path = "/api/v1/recommendations/{key}", tag = "recommendations",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn delete(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.delete_recommendation(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) fn key_of(id: &str) -> &str {
    crate::domain::urls::key_of(id).unwrap_or(id)
}
