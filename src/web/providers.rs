//! The hosting providers' pages: `/providers` (who runs the services the directory offers) and
//! `/providers/{key}` (one provider: what kind of organisation, CHATONS or not, where, and the
//! recommendations that offer its services).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use crate::directory::Access;
use crate::directory::providers::{ProviderQuery, ProviderView};
use crate::directory::recommendations::RecommendationQuery;
use crate::directory::views::RecommendationView;
use crate::domain::Window;
use crate::state::AppState;

use super::error::{PageError, render};
use super::frame::{Frame, Visit};

type PageResult = Result<Response, PageError>;

/// At most this many providers, and recommendations on a provider's page.
const SHOWN: Window = Window {
    offset: 0,
    limit: 500,
};

#[derive(Template)]
#[template(path = "providers.html")]
struct ProvidersPage {
    page: Frame,
    providers: Vec<ProviderView>,
}

pub(super) async fn list(State(state): State<AppState>, visit: Visit) -> PageResult {
    let providers = state
        .directory
        .list_providers(&ProviderQuery::default(), SHOWN)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?
        .results;
    let page = ProvidersPage {
        page: visit.frame(&state, visit.tr().t("providers-title")),
        providers,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "provider.html")]
struct ProviderPage {
    page: Frame,
    provider: ProviderView,
    recommendations: Vec<RecommendationView>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    visit: Visit,
    Path(key): Path<String>,
) -> PageResult {
    let err = |e| PageError::from_directory(visit.lang, e);
    let provider = state.directory.provider(&key).await.map_err(err)?;
    let query = RecommendationQuery {
        provider: Some(provider.key.clone()),
        ..Default::default()
    };
    let recommendations = state
        .directory
        .list_recommendations(&query, SHOWN, Access::Public)
        .await
        .map_err(err)?
        .results;
    let page = ProviderPage {
        page: visit.frame(&state, provider.name.clone()),
        provider,
        recommendations,
    };
    Ok(render(visit.lang, &page))
}
