//! `/api/v1/search`: the directory's search, open to everyone.

use axum::Json;
use axum::extract::State;

use crate::directory::search::{SearchQuery, SearchResults};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Caller, Params};

/// Search recommendations, contacts and software, with facet counts. Without a token:
/// published recommendations, the contacts shown publicly and the software they recommend;
/// with the admin token: everything the node holds.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchQuery), responses((status = 200, body = SearchResults)))]
pub async fn search(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(query): Params<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    Ok(Json(state.directory.search(&query, access).await?))
}
