//! `/api/v1/categories` and `/api/v1/software`: the taxonomy and the software catalogue.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::directory::software::SoftwareEntry;
use crate::directory::views::Listing;
use crate::domain::category::CATEGORIES;
use crate::http::error::ApiError;
use crate::http::extract::{Paging, Params};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CategoryEntry {
    pub id: &'static str,
    pub label: Labels,
    /// Published recommendations filed under it on this node.
    pub recommendations: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Labels {
    pub fr: &'static str,
    pub en: &'static str,
}

/// The built-in taxonomy, in French and English, with counts.
#[utoipa::path(get, path = "/api/v1/categories", tag = "catalogue",
    responses((status = 200, body = Listing<CategoryEntry>)))]
pub(super) async fn categories(
    State(state): State<AppState>,
) -> Result<Json<Listing<CategoryEntry>>, ApiError> {
    let counts = state.directory.published_per_category().await?;
    let results: Vec<CategoryEntry> = CATEGORIES
        .iter()
        .map(|c| CategoryEntry {
            id: c.id,
            label: Labels { fr: c.fr, en: c.en },
            recommendations: counts
                .iter()
                .find(|(id, _)| id == c.id)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    Ok(Json(Listing::of(results)))
}

/// Software recommended on this node, one entry per software, with how many centres
/// recommend it.
#[utoipa::path(get, path = "/api/v1/software", tag = "catalogue",
    params(Paging), responses((status = 200, body = Listing<SoftwareEntry>)))]
pub(super) async fn software(
    State(state): State<AppState>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<SoftwareEntry>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(state.directory.list_software(window).await?))
}
