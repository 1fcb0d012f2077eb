//! `/centres/{username}/images/{hash}.png`: the avatar and header staff uploaded for a centre
//! (stored by `directory::media`). The name is the hash of the content, so a URL always means
//! the same bytes: cached for a year, `immutable`, with the hash as ETag.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

pub(super) async fn image(
    State(state): State<AppState>,
    Path((username, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let found = match state.directory.get_centre(&username).await {
        Ok(_) => state.directory.profile_image(&name).await,
        Err(e) => Err(e),
    };
    let bytes = match found {
        Ok(Some(bytes)) => bytes,
        Ok(None) | Err(crate::directory::DirectoryError::NotFound(_)) => {
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(e) => {
            crate::failure::Incident::log("profile image", &e);
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let etag = format!("\"{}\"", name.trim_end_matches(".png"));
    let cache = [
        (
            header::CACHE_CONTROL,
            "public, max-age=31536000, immutable".to_owned(),
        ),
        (header::ETAG, etag.clone()),
    ];
    if super::avatar::etag_matches(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "image/png".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        cache,
        bytes,
    )
        .into_response()
}
