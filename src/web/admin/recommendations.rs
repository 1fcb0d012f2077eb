//! Recommendations in the admin pages: this node's (create, edit, delete) and those received
//! from the network (hide, endorse).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::directory::views::RecommendationView;
use crate::domain::Window;
use crate::domain::category::{CATEGORIES, Category};
use crate::domain::provider::ProviderCard;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::{FormError, RecommendationForm};
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::{Done, done, save};

const ALL: Window = Window {
    offset: 0,
    limit: 1000,
};

#[derive(Template)]
#[template(path = "admin/recommendations.html")]
struct ListPage {
    page: Frame,
    notice: Option<String>,
    local: Vec<RecommendationView>,
    received: Vec<RecommendationView>,
}

pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let all = state
        .directory
        .list_recommendations(&Default::default(), ALL, visit.access())
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?
        .results;
    let (local, received) = all.into_iter().partition(|r| r.local);
    let page = visit.frame(&state, visit.tr().t("admin-recommendations"));
    let page = ListPage {
        notice: done.message(&page),
        page,
        local,
        received,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "admin/recommendation_form.html")]
struct FormPage {
    page: Frame,
    /// The key when editing; empty for a new one.
    key: String,
    form: RecommendationForm,
    error: FormError,
    categories: &'static [Category],
    /// The provider records an offer can name.
    providers: Vec<ProviderCard>,
}

fn form_page(
    state: &AppState,
    visit: &Visit,
    key: &str,
    form: RecommendationForm,
    error: FormError,
    providers: Vec<ProviderCard>,
) -> Response {
    let title = if key.is_empty() {
        visit.tr().t("new-recommendation")
    } else {
        visit
            .tr()
            .t1("edit-recommendation", "name", &form.software_name)
    };
    let status = if error.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        page: visit.frame(state, title),
        key: key.to_owned(),
        form,
        error,
        categories: CATEGORIES,
        providers,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    res
}

pub async fn new_form(State(state): State<AppState>, AdminVisit(visit): AdminVisit) -> Response {
    form_page(
        &state,
        &visit,
        "",
        RecommendationForm::new_default(),
        FormError::default(),
        providers(&state).await,
    )
}

/// The provider records, for the offers' picker; none when they cannot be read (the form
/// still works with typed names and addresses).
async fn providers(state: &AppState) -> Vec<ProviderCard> {
    state
        .directory
        .provider_cards()
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "provider records unavailable to the form"))
        .unwrap_or_default()
}

pub async fn create(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<RecommendationForm>,
) -> Result<Response, PageError> {
    let providers = providers(&state).await;
    let input = form.to_input(&providers);
    save(
        visit.lang,
        RecommendationForm::CONTROLS,
        input,
        async |input| state.directory.create_recommendation(None, &input).await,
        "/admin/recommendations",
        |error| form_page(&state, &visit, "", form, error, providers),
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let input = state
        .directory
        .recommendation_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(form_page(
        &state,
        &visit,
        &key,
        RecommendationForm::from_input(&input),
        FormError::default(),
        providers(&state).await,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, form }: AdminForm<RecommendationForm>,
) -> Result<Response, PageError> {
    let providers = providers(&state).await;
    let input = form.to_input(&providers);
    save(
        visit.lang,
        RecommendationForm::CONTROLS,
        input,
        async |input| state.directory.update_recommendation(&key, &input).await,
        "/admin/recommendations",
        |error| form_page(&state, &visit, &key, form, error, providers),
    )
    .await
}

pub async fn delete(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, .. }: AdminForm<super::login::Nothing>,
) -> Result<Response, PageError> {
    state
        .directory
        .delete_recommendation(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done("/admin/recommendations", "deleted"))
}
