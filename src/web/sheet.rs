//! The workshop sheet: what the category and software pages add when printed, so that a
//! mediator can hand them out. The page's address written out and as a QR code (SVG from the
//! `qrcode` library, inline, so the printout needs nothing else), the date it was printed, and
//! who to ask: the node's centre with its contact and website. Hidden on screen.

use qrcode::QrCode;
use qrcode::render::svg;

use super::frame::Frame;
use crate::state::AppState;

/// The print-only block of a sheet.
#[derive(Debug, Clone)]
pub(super) struct Sheet {
    /// The absolute address of the page, as printed and encoded in the QR code.
    pub url: String,
    /// `<svg …>…</svg>`, without an XML declaration (it sits inside the page).
    pub qr_svg: String,
    pub centre_name: String,
    pub centre_contact: Option<String>,
    pub centre_website: Option<String>,
    /// The day it was printed (served), in the page's language.
    pub printed: String,
}

impl Sheet {
    /// The sheet of the page `page` frames.
    pub(super) async fn of(state: &AppState, page: &Frame) -> Self {
        let path = page.here.as_str();
        let url = state
            .directory
            .urls()
            .base()
            .join(path.trim_start_matches('/'))
            .map(|u| u.to_string())
            .unwrap_or_else(|_| state.directory.urls().base().to_string());
        let centre = match state.directory.first_centre().await {
            Ok(centre) => Some(centre),
            Err(e) => {
                // The sheet still prints, without the contact block.
                tracing::warn!("reading the node's centre for a sheet: {e}");
                None
            }
        };
        Self {
            printed: page.date(&chrono::Utc::now()),
            qr_svg: qr_svg(&url),
            url,
            centre_name: centre
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_else(|| state.settings.centre.name.clone()),
            centre_contact: centre.as_ref().and_then(|c| c.contact.clone()),
            centre_website: centre.and_then(|c| c.website),
        }
    }
}

/// The QR code of `url` as inline SVG: dark modules on white, a quiet zone, 30 mm wide in
/// print (sized by the stylesheet). An address too long for a QR code gives no code (the
/// address is printed anyway).
fn qr_svg(url: &str) -> String {
    let Ok(code) = QrCode::new(url.as_bytes()) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_inline_svg() {
        let svg = qr_svg("https://annuaire.example.org/categories/office");
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
    }
}
