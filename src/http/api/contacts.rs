//! `/api/v1/contacts`: mediator contact cards (personal data, shown as consent allows).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::directory::contacts::ContactQuery;
use crate::directory::views::{ContactView, Listing};
use crate::domain::contact::ContactInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Caller, JsonBody, MergePatch, Paging, Params, Staff};
use crate::state::AppState;

use super::recommendations::{AsCentre, key_of};

/// List contact cards: `local` and `public` ones for everyone, all of them for staff.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts",
    params(ContactQuery, Paging), responses((status = 200, body = Listing<ContactView>)))]
pub(super) async fn list(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(query): Params<ContactQuery>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<ContactView>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(
        state
            .directory
            .list_contacts(&query, window, access)
            .await?,
    ))
}

/// Add a contact card (admin token). Visibility defaults to `hidden`; any other needs consent.
#[utoipa::path(post, path = "/api/v1/contacts", tag = "contacts",
    params(AsCentre), request_body = ContactInput, security(("bearer" = [])),
    responses((status = 201, body = ContactView, headers(("Location" = String))),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    _staff: Staff,
    Params(as_centre): Params<AsCentre>,
    JsonBody(input): JsonBody<ContactInput>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state
        .directory
        .create_contact(as_centre.centre.as_deref(), &input)
        .await?;
    let location = state
        .directory
        .urls()
        .api(&format!("contacts/{}", key_of(&view.id)))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view),
    ))
}

/// One contact card by KEY.
#[utoipa::path(get, path = "/api/v1/contacts/{key}", tag = "contacts",
    params(("key" = String, Path)),
    responses((status = 200, body = ContactView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    Caller(access): Caller,
    Path(key): Path<String>,
) -> Result<Json<ContactView>, ApiError> {
    Ok(Json(state.directory.contact(&key, access).await?))
}

/// Edit a contact card with a JSON merge patch (admin token). Setting
/// `consent.withdrawn_at` sends the card back to `hidden`.
#[utoipa::path(patch, path = "/api/v1/contacts/{key}", tag = "contacts",
    params(("key" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 200, body = ContactView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
    patch: MergePatch,
) -> Result<Json<ContactView>, ApiError> {
    let current = state.directory.contact_input(&key).await?;
    let input = patch.apply(&current)?;
    Ok(Json(state.directory.update_contact(&key, &input).await?))
}

/// Delete a contact card (admin token).
#[utoipa::path(delete, path = "/api/v1/contacts/{key}", tag = "contacts",
    params(("key" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn delete(
    State(state): State<AppState>,
    _staff: Staff,
    Path(key): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.delete_contact(&key).await?;
    Ok(StatusCode::NO_CONTENT)
}
