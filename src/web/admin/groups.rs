//! The networks page: networks of centres hosted here (FEP-1b12 `Group`s), created, and their
//! members admitted or removed (administrators only).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::directory::groups::{MemberInput, NetworkMemberView};
use crate::directory::views::CentreView;
use crate::domain::centre::{CentreProfileInput, NewCentreInput};
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::FormErrors;
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::{Done, done, form_error};

const PAGE: &str = "/admin/networks";

/// A network and the centres in its list.
pub struct NetworkBlock {
    pub network: CentreView,
    pub members: Vec<NetworkMemberView>,
}

#[derive(Template)]
#[template(path = "admin/networks.html")]
struct NetworksPage {
    page: Frame,
    notice: Option<String>,
    error: FormErrors,
    networks: Vec<NetworkBlock>,
}

async fn networks_page(
    state: &AppState,
    visit: &Visit,
    notice: Option<String>,
    error: FormErrors,
) -> Result<Response, PageError> {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let mut networks = Vec::new();
    for network in d.networks().await.map_err(err)? {
        let members = d.network_members(&network.username).await.map_err(err)?;
        networks.push(NetworkBlock { network, members });
    }
    let page = visit.frame(state, visit.tr().t("admin-networks"));
    let failed = error.any();
    let page = NetworksPage {
        page,
        notice,
        error,
        networks,
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
    networks_page(&state, &visit, notice, FormErrors::default()).await
}

async fn act(
    state: &AppState,
    visit: &Visit,
    controls: &[&str],
    ok: &str,
    result: Result<(), crate::directory::DirectoryError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(done(PAGE, ok)),
        Err(e) => {
            let error = form_error(visit.lang, e, controls)?;
            networks_page(state, visit, None, error).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct NewNetwork {
    #[serde(default)]
    username: String,
    #[serde(default)]
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<NewNetwork>,
) -> Result<Response, PageError> {
    let input = NewCentreInput {
        username: form.username,
        profile: CentreProfileInput {
            name: form.name,
            ..Default::default()
        },
    };
    let result = state.directory.create_network(&input).await.map(drop);
    act(
        &state,
        &visit,
        &["username", "name"],
        "network-created",
        result,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct Member {
    #[serde(default)]
    actor: String,
}

pub async fn admit(
    State(state): State<AppState>,
    Path(name): Path<String>,
    AdminForm { visit, form }: AdminForm<Member>,
) -> Result<Response, PageError> {
    let input = MemberInput { actor: form.actor };
    let result = state.directory.admit_member(&name, &input).await.map(drop);
    act(&state, &visit, &[], "member-admitted", result).await
}

pub async fn remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
    AdminForm { visit, form }: AdminForm<Member>,
) -> Result<Response, PageError> {
    let result = state.directory.remove_member(&name, &form.actor).await;
    act(&state, &visit, &[], "member-removed", result).await
}
