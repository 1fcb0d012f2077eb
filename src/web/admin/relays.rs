//! The relays and moving page (administrators): subscribe the node to Mastodon/LitePub relays
//! and unsubscribe it; list the centre's former accounts (`alsoKnownAs`) and move it to a new
//! actor. The same use cases as `/api/v1/relays` and `/api/v1/centres/{name}/move`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::directory::moves::MoveView;
use crate::directory::relays::RelayView;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::FormErrors;
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::login::Nothing;
use super::{Done, done, form_error};

const PAGE: &str = "/admin/relays";

#[derive(Template)]
#[template(path = "admin/relays.html")]
struct RelaysPage {
    page: Frame,
    notice: Option<String>,
    error: FormErrors,
    relays: Vec<RelayView>,
    /// The centre's aliases and move.
    moving: MoveView,
    /// The aliases as typed (one per line), kept when the form is refused.
    aliases: String,
}

async fn relays_page(
    state: &AppState,
    visit: &Visit,
    notice: Option<String>,
    error: FormErrors,
    typed_aliases: Option<String>,
) -> Result<Response, PageError> {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let centre = d.local_centre_or_first(None).await.map_err(err)?;
    let moving = d.centre_move(&centre.username).await.map_err(err)?;
    let failed = error.any();
    let page = RelaysPage {
        page: visit.frame(state, visit.tr().t("admin-relays")),
        notice,
        error,
        relays: d.relays().await.map_err(err)?,
        aliases: typed_aliases.unwrap_or_else(|| moving.also_known_as.join("\n")),
        moving,
    };
    let mut res = render(visit.lang, &page);
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn page(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let notice = done.message(&visit.frame(&state, ""));
    relays_page(&state, &visit, notice, FormErrors::default(), None).await
}

/// Back to the page with a confirmation, or the page again with the error at its field.
async fn act(
    state: &AppState,
    visit: &Visit,
    controls: &[&str],
    ok: &str,
    result: Result<(), crate::directory::DirectoryError>,
    typed_aliases: Option<String>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(done(PAGE, ok)),
        Err(e) => {
            let error = form_error(visit.lang, e, controls)?;
            relays_page(state, visit, None, error, typed_aliases).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RelayForm {
    #[serde(default)]
    url: String,
}

pub async fn subscribe(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<RelayForm>,
) -> Result<Response, PageError> {
    let result = state.directory.subscribe_relay(&form.url).await.map(drop);
    act(&state, &visit, &["url"], "relay-subscribed", result, None).await
}

pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, .. }: AdminForm<Nothing>,
) -> Result<Response, PageError> {
    let result = state.directory.unsubscribe_relay(&key).await;
    act(&state, &visit, &[], "relay-unsubscribed", result, None).await
}

#[derive(Debug, Deserialize)]
pub struct AliasesForm {
    #[serde(default)]
    also_known_as: String,
}

pub async fn aliases(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<AliasesForm>,
) -> Result<Response, PageError> {
    let aliases: Vec<String> = form
        .also_known_as
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let result = match state.directory.local_centre_or_first(None).await {
        Ok(centre) => state
            .directory
            .set_aliases(&centre.username, &aliases)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    let typed = Some(form.also_known_as);
    act(
        &state,
        &visit,
        &["also_known_as"],
        "aliases-saved",
        result,
        typed,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    target: String,
}

pub async fn move_centre(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<MoveForm>,
) -> Result<Response, PageError> {
    let result = match state.directory.local_centre_or_first(None).await {
        Ok(centre) => state
            .directory
            .move_centre(&centre.username, &form.target)
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    act(&state, &visit, &["target"], "moved", result, None).await
}
