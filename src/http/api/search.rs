//! `/api/v1/search`: the directory's search, open to everyone.

use axum::Json;
use axum::extract::State;

use crate::directory::search::SearchQuery;
use crate::directory::views::{Listing, SearchHit};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Caller, Paging, Params};

/// Search recommendations and contacts. Without a token: published recommendations and the
/// contacts shown publicly; with the admin token: everything the node holds.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchQuery, Paging), responses((status = 200, body = Listing<SearchHit>)))]
pub async fn search(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(query): Params<SearchQuery>,
    Params(paging): Params<Paging>,
) -> Result<Json<Listing<SearchHit>>, ApiError> {
    let window = paging.window(state.settings.http.max_page_size)?;
    Ok(Json(state.directory.search(&query, window, access).await?))
}
