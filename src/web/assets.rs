//! The stylesheet and the one script, compiled into the binary: the site needs no CDN and
//! works without the script (it only adds suggestions to the search box).

use axum::http::header;
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("site.css");
const SUGGEST: &str = include_str!("suggest.js");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

/// `/static/suggest.js`: suggestions under the search box (see the file's comment).
pub async fn suggest_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SUGGEST,
    )
}
