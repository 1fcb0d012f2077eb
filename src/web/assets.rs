//! The stylesheet, compiled into the binary (one file, screen and print).

use axum::http::header;
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("site.css");

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}
