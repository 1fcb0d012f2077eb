//! `/api/v1/help-requests`: a visitor asks for help (public); staff read and handle the
//! requests (admin token, never without); the visitor erases theirs with its reference.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::directory::help::{HelpQuery, HelpReply, HelpRequestView, HelpSubmitted, HelpUpdate};
use crate::directory::views::Listing;
use crate::domain::help::{Channel, HelpRequestInput};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{JsonBody, Paging, Params, Staff};
use crate::state::{AppState, ClientAddress};

/// Ask a centre for help (public). Needs the person's consent to be contacted and a way to
/// contact them; goes to the centre chosen, else the nearest centre of this node. A centre of
/// another node receives it as a direct message, with `transfer_consent` only.
#[utoipa::path(post, path = "/api/v1/help-requests", tag = "help",
    request_body = HelpRequestInput,
    responses((status = 201, body = HelpSubmitted), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(super) async fn create(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    JsonBody(input): JsonBody<HelpRequestInput>,
) -> Result<impl IntoResponse, ApiError> {
    let submitted = state
        .directory
        .submit_help_request(&input, Channel::Api, client)
        .await?;
    let location = state
        .directory
        .urls()
        .api(&format!("help-requests/{}", submitted.reference))
        .to_string();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(submitted),
    ))
}

/// The requests this node's centres received, newest first (admin token).
#[utoipa::path(get, path = "/api/v1/help-requests", tag = "help",
    params(HelpQuery, Paging), security(("bearer" = [])),
    responses((status = 200, body = Listing<HelpRequestView>), (status = 401, body = ErrorBody)))]
pub(super) async fn list(
    State(state): State<AppState>,
    _staff: Staff,
    Params(query): Params<HelpQuery>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<HelpRequestView>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(
        state.directory.list_help_requests(&query, window).await?,
    ))
}

/// One request by its reference (admin token).
#[utoipa::path(get, path = "/api/v1/help-requests/{reference}", tag = "help",
    params(("reference" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = HelpRequestView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(state): State<AppState>,
    _staff: Staff,
    Path(reference): Path<String>,
) -> Result<Json<HelpRequestView>, ApiError> {
    Ok(Json(state.directory.help_request(&reference).await?))
}

/// Status, assignment to a mediator (a contact card's key), notes (admin token).
#[utoipa::path(patch, path = "/api/v1/help-requests/{reference}", tag = "help",
    params(("reference" = String, Path)), request_body = HelpUpdate, security(("bearer" = [])),
    responses((status = 200, body = HelpRequestView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(super) async fn update(
    State(state): State<AppState>,
    _staff: Staff,
    Path(reference): Path<String>,
    JsonBody(update): JsonBody<HelpUpdate>,
) -> Result<Json<HelpRequestView>, ApiError> {
    Ok(Json(
        state
            .directory
            .update_help_request(&reference, &update)
            .await?,
    ))
}

/// Reply to the fediverse account that wrote: a direct message to it alone (admin token).
/// A request that came by the website or the API is answered by e-mail or phone (409).
#[utoipa::path(post, path = "/api/v1/help-requests/{reference}/replies", tag = "help",
    params(("reference" = String, Path)), request_body = HelpReply, security(("bearer" = [])),
    responses((status = 201, body = HelpRequestView), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn reply(
    State(state): State<AppState>,
    _staff: Staff,
    Path(reference): Path<String>,
    JsonBody(reply): JsonBody<HelpReply>,
) -> Result<impl IntoResponse, ApiError> {
    let view = state
        .directory
        .reply_to_help_request(&reference, &reply, "API")
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Erase a request (public: its reference is the proof of asking; staff may too).
#[utoipa::path(delete, path = "/api/v1/help-requests/{reference}", tag = "help",
    params(("reference" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn erase(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.directory.erase_help_request(&reference).await?;
    Ok(StatusCode::NO_CONTENT)
}
