//! `/api/v1/search` and `/api/v1/suggest`: the directory's search and the search box's
//! suggestions, open to everyone.

use axum::Json;
use axum::extract::State;

use crate::directory::search::{SearchQuery, SearchResults, SuggestQuery, Suggestions};
use crate::http::error::ApiError;
use crate::http::extract::{Caller, Params};
use crate::state::AppState;

/// Search the directory: one result per software (a card gathering every centre's
/// recommendation of it: which centres, their levels and reasons, hosting offers, mediators
/// who know it), per mediator's contact card and per centre, ranked, with facet counts of
/// those results. Without a token: published recommendations, the contacts shown publicly;
/// with the admin token: everything the node holds.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchQuery), responses((status = 200, body = SearchResults)))]
pub(super) async fn search(
    State(state): State<AppState>,
    Caller(access): Caller,
    Params(query): Params<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    Ok(Json(state.directory.search(&query, access).await?))
}

/// Suggestions for a search box: replaced products, software and categories with a word
/// starting with what was typed, among what the public can find; each with the page that
/// shows it.
#[utoipa::path(get, path = "/api/v1/suggest", tag = "search",
    params(SuggestQuery), responses((status = 200, body = Suggestions)))]
pub(super) async fn suggest(
    State(state): State<AppState>,
    Params(query): Params<SuggestQuery>,
) -> Result<Json<Suggestions>, ApiError> {
    Ok(Json(state.directory.suggest(&query).await?))
}
