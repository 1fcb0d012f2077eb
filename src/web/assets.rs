//! The stylesheet and the scripts, compiled into the binary: the site needs no CDN and works
//! without the scripts (they add suggestions to the search box, and the map of `/places`, drawn
//! with Leaflet, vendored in `vendor/leaflet` by `scripts/vendor-leaflet.sh`).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

const STYLESHEET: &str = include_str!("site.css");
const SUGGEST: &str = include_str!("suggest.js");

pub(super) async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

/// `/static/suggest.js`: suggestions under the search box (see the file's comment).
pub(super) async fn suggest_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SUGGEST,
    )
}

const SOFTWARE_PICKER: &str = include_str!("software-picker.js");

/// `/static/software-picker.js`: the recommendation form fills a known software's details.
pub(super) async fn software_picker_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SOFTWARE_PICKER,
    )
}

/// The vendored Leaflet's version: its files are served under `/static/leaflet/{LEAFLET}/`, so
/// they can be cached for good.
pub(super) const LEAFLET: &str = "1.9.4";

const MAP: &str = include_str!("places-map.js");

/// `/static/places-map.js`: the markers of the places list on a map.
pub(super) async fn map_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        MAP,
    )
}

/// `/static/leaflet/1.9.4/{file}` and `…/images/{file}`: Leaflet (BSD-2-Clause), as published.
pub(super) async fn leaflet(Path(path): Path<String>) -> impl IntoResponse {
    let (kind, body): (&str, &'static [u8]) = match path.as_str() {
        "leaflet.js" => (
            "text/javascript; charset=utf-8",
            include_bytes!("vendor/leaflet/leaflet.js"),
        ),
        "leaflet.css" => (
            "text/css; charset=utf-8",
            include_bytes!("vendor/leaflet/leaflet.css"),
        ),
        "LICENSE" => (
            "text/plain; charset=utf-8",
            include_bytes!("vendor/leaflet/LICENSE"),
        ),
        "images/marker-icon.png" => (
            "image/png",
            include_bytes!("vendor/leaflet/images/marker-icon.png"),
        ),
        "images/marker-icon-2x.png" => (
            "image/png",
            include_bytes!("vendor/leaflet/images/marker-icon-2x.png"),
        ),
        "images/marker-shadow.png" => (
            "image/png",
            include_bytes!("vendor/leaflet/images/marker-shadow.png"),
        ),
        "images/layers.png" => (
            "image/png",
            include_bytes!("vendor/leaflet/images/layers.png"),
        ),
        "images/layers-2x.png" => (
            "image/png",
            include_bytes!("vendor/leaflet/images/layers-2x.png"),
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_served_leaflet_is_the_vendored_one() {
        assert_eq!(
            include_str!("vendor/leaflet/VERSION").trim(),
            super::LEAFLET
        );
    }
}
