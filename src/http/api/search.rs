//! `/api/v1/search`: the directory's search, open to everyone.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::directory::search::SearchQuery;
use crate::directory::views::{Listing, SearchHit};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Caller, Paging, Params};

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Words to find, in French or English, accents and case ignored ("google drive", "visio").
    pub q: Option<String>,
    pub category: Option<String>,
    /// A replaced product by any of its names.
    pub replaces: Option<String>,
    /// The authoring centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// `recommendation` or `contact`.
    pub kind: Option<String>,
    /// ISO 3166 code.
    pub region: Option<String>,
}

/// Search recommendations and contacts. Without a token: published recommendations and the
/// contacts shown publicly; with the admin token: everything the node holds.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchParams, Paging), responses((status = 200, body = Listing<SearchHit>)))]
pub async fn search(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(params): Params<SearchParams>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<SearchHit>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    let query = SearchQuery {
        q: params.q,
        category: params.category,
        replaces: params.replaces,
        origin: params.origin,
        kind: params.kind,
        region: params.region,
    };
    Ok(Json(state.directory.search(&query, window, access).await?))
}
