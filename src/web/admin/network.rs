//! The network page: centres followed, followers (approval), endorsements, hidden items,
//! domain rules, and the delivery queue's retry button.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::directory::federating::{EndorsementView, FollowView, FollowerView};
use crate::directory::moderation::{DomainRuleInput, DomainRuleView, HideInput};
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::FormErrors;
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::login::Nothing;
use super::{Done, done, form_error};

const PAGE: &str = "/admin/network";

#[derive(Template)]
#[template(path = "admin/network.html")]
struct NetworkPage {
    page: Frame,
    notice: Option<String>,
    /// The form that failed (`follow`, `endorse`, `hide`, `domain`) and why.
    failed: String,
    error: FormErrors,
    follows: Vec<FollowView>,
    followers: Vec<FollowerView>,
    endorsements: Vec<EndorsementView>,
    rules: Vec<DomainRuleView>,
    manual_approval: bool,
}

async fn network_page(
    state: &AppState,
    visit: &Visit,
    notice: Option<String>,
    failed: &str,
    error: FormErrors,
) -> Result<Response, PageError> {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let page = visit.frame(state, visit.tr().t("admin-network"));
    let page = NetworkPage {
        notice,
        failed: failed.to_owned(),
        follows: d.follows().await.map_err(err)?,
        followers: d.followers(None).await.map_err(err)?,
        endorsements: d.endorsements().await.map_err(err)?,
        rules: d.domain_rules().await.map_err(err)?,
        manual_approval: state.settings.federation.manual_approval,
        error,
        page,
    };
    let mut res = render(visit.lang, &page);
    if !failed.is_empty() {
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
    network_page(&state, &visit, notice, "", FormErrors::default()).await
}

/// Runs an action of the page: back to it with a confirmation, or the page again with the
/// error next to the failed form's field.
async fn act(
    state: &AppState,
    visit: &Visit,
    form: &str,
    controls: &[&str],
    ok: &str,
    result: Result<(), crate::directory::DirectoryError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(done(PAGE, ok)),
        Err(e) => {
            let error = form_error(visit.lang, e, controls)?;
            network_page(state, visit, None, form, error).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Target {
    #[serde(default)]
    target: String,
}

pub async fn follow(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Target>,
) -> Result<Response, PageError> {
    let result = state.directory.follow(None, &form.target).await.map(drop);
    act(&state, &visit, "follow", &["target"], "followed", result).await
}

pub async fn unfollow(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, .. }: AdminForm<Nothing>,
) -> Result<Response, PageError> {
    let result = state.directory.unfollow(&key).await;
    act(&state, &visit, "", &[], "unfollowed", result).await
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    #[serde(default)]
    decision: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, form }: AdminForm<Decision>,
) -> Result<Response, PageError> {
    let accept = form.decision == "approve";
    let result = state
        .directory
        .decide_follower(&key, accept)
        .await
        .map(drop);
    let ok = if accept { "approved" } else { "refused" };
    act(&state, &visit, "", &[], ok, result).await
}

/// Trusts a directory centre that follows us with `network` contact cards, or stops.
pub async fn trust(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, form }: AdminForm<Decision>,
) -> Result<Response, PageError> {
    let trusted = form.decision == "trust";
    let result = state
        .directory
        .trust_follower(&key, trusted)
        .await
        .map(drop);
    let ok = if trusted { "trusted" } else { "distrusted" };
    act(&state, &visit, "", &[], ok, result).await
}

#[derive(Debug, Deserialize)]
pub struct Object {
    #[serde(default)]
    object: String,
    /// For hiding: `false` shows the item again.
    #[serde(default)]
    hidden: Option<String>,
    /// Where to come back to (a list page of the admin), else the network page.
    #[serde(default)]
    back: Option<String>,
}

pub async fn endorse(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Object>,
) -> Result<Response, PageError> {
    let result = state.directory.endorse(None, &form.object).await.map(drop);
    match (result, back(&form)) {
        (Ok(()), Some(path)) => Ok(done(path, "endorsed")),
        (result, _) => act(&state, &visit, "endorse", &["object"], "endorsed", result).await,
    }
}

pub async fn unendorse(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, .. }: AdminForm<Nothing>,
) -> Result<Response, PageError> {
    let result = state.directory.unendorse(&key).await;
    act(&state, &visit, "", &[], "unendorsed", result).await
}

/// The admin list page a form asked to come back to.
fn back(form: &Object) -> Option<&'static str> {
    match form.back.as_deref() {
        Some("/admin/recommendations") => Some("/admin/recommendations"),
        Some("/admin/contacts") => Some("/admin/contacts"),
        _ => None,
    }
}

pub async fn hide(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Object>,
) -> Result<Response, PageError> {
    let hidden = form.hidden.as_deref() != Some("false");
    let input = HideInput {
        object: form.object.trim().to_owned(),
        hidden,
    };
    let result = state.directory.hide(&input).await;
    let ok = if hidden { "hidden" } else { "shown" };
    match (result, back(&form)) {
        (Ok(()), Some(path)) => Ok(done(path, ok)),
        (result, _) => act(&state, &visit, "hide", &[], ok, result).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct DomainForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    rule: String,
}

pub async fn domain_rule(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<DomainForm>,
) -> Result<Response, PageError> {
    let input = DomainRuleInput {
        domain: form.domain,
        rule: if form.rule.is_empty() {
            "block".into()
        } else {
            form.rule
        },
    };
    let result = state.directory.set_domain_rule(&input).await.map(drop);
    act(
        &state,
        &visit,
        "domain",
        &["domain", "rule"],
        "rule-saved",
        result,
    )
    .await
}

pub async fn remove_domain_rule(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<DomainForm>,
) -> Result<Response, PageError> {
    let result = state.directory.remove_domain_rule(&form.domain).await;
    act(&state, &visit, "", &[], "rule-removed", result).await
}

#[derive(Debug, Deserialize)]
pub struct Host {
    #[serde(default)]
    host: String,
}

pub async fn retry_host(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Host>,
) -> Result<Response, PageError> {
    state
        .directory
        .retry_host(&form.host)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done("/admin", "retrying"))
}
