//! The places pages: `/places` (nearest a postcode or commune first, a list that works without
//! JavaScript) and `/places/{key}` (a place: whether it is open now, hours, services, fees,
//! access and booking).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

use crate::directory::DirectoryError;
use crate::directory::places::{PlaceQuery, PlaceView};
use crate::domain::Window;
use crate::state::AppState;

use super::error::{PageError, render};
use super::frame::{Frame, Visit};
use super::i18n::Lang;

type PageResult = Result<Response, PageError>;

/// At most this many places on the list page.
const SHOWN: Window = Window {
    offset: 0,
    limit: 200,
};

#[derive(Debug, Default, Deserialize)]
pub(super) struct PlacesForm {
    pub near: Option<String>,
}

/// "Who can help near you", on the pages of a software: the few places of this node's
/// directory nearest to the postcode or commune the visitor typed.
#[derive(Debug, Default)]
pub(super) struct Nearby {
    /// What the visitor typed (empty: the form alone is shown).
    pub query: String,
    /// The postcode or commune is not in the table.
    pub unknown: bool,
    pub places: Vec<PlaceView>,
}

/// How many places a software page shows near a postcode.
const NEARBY: Window = Window {
    offset: 0,
    limit: 3,
};

/// The places nearest `near` (a postcode or a commune), if the visitor gave one.
pub(super) async fn nearby(
    state: &AppState,
    visit: &Visit,
    near: Option<String>,
) -> Result<Nearby, PageError> {
    let query = near.unwrap_or_default().trim().to_owned();
    if query.is_empty() {
        return Ok(Nearby::default());
    }
    let places = PlaceQuery {
        near: Some(query.clone()),
        ..Default::default()
    };
    match state
        .directory
        .list_places(&places, NEARBY, visit.access())
        .await
    {
        Ok(listing) => Ok(Nearby {
            query,
            unknown: false,
            places: listing.results,
        }),
        Err(DirectoryError::Invalid(e)) if e.field == "near" => Ok(Nearby {
            query,
            unknown: true,
            places: Vec::new(),
        }),
        Err(e) => Err(PageError::from_directory(visit.lang, e)),
    }
}

#[derive(Template)]
#[template(path = "places.html")]
struct PlacesPage {
    page: Frame,
    near: String,
    /// The visitor's postcode or commune was not found.
    unknown: bool,
    total: i64,
    places: Vec<PlaceView>,
    /// The map's tiles (`{z}/{x}/{y}` URL, empty for none), their attribution, the closest zoom.
    tiles: String,
    attribution: String,
    max_zoom: u8,
}

pub(super) async fn list(
    State(state): State<AppState>,
    visit: Visit,
    Query(form): Query<PlacesForm>,
) -> PageResult {
    let near = form.near.unwrap_or_default().trim().to_owned();
    let query = PlaceQuery {
        near: Some(near.clone()).filter(|n| !n.is_empty()),
        ..Default::default()
    };
    let (total, places, unknown) = match state
        .directory
        .list_places(&query, SHOWN, visit.access())
        .await
    {
        Ok(listing) => (listing.total, listing.results, false),
        // A postcode or commune the table does not know: said on the page, beside the box.
        Err(DirectoryError::Invalid(e)) if e.field == "near" => (0, Vec::new(), true),
        Err(e) => return Err(PageError::from_directory(visit.lang, e)),
    };
    let map = &state.settings.map;
    let page = PlacesPage {
        page: visit.frame(&state, visit.tr().t("places-title")),
        near,
        unknown,
        total,
        places,
        tiles: map.tile_url.trim().to_owned(),
        attribution: map.tile_attribution.clone(),
        max_zoom: map.max_zoom,
    };
    let mut response = render(visit.lang, &page);
    // The node's policy, with the tile server's images allowed: set here, it stands.
    if let Some(origin) = map.tile_origin()
        && let Ok(policy) = HeaderValue::from_str(&format!(
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; \
             img-src 'self' {origin}; form-action 'self'; frame-ancestors 'none'; \
             base-uri 'none'"
        ))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "place.html")]
struct PlacePage {
    page: Frame,
    p: PlaceView,
    events: Vec<crate::directory::events::EventView>,
    help: super::help::HelpBox,
}

/// `/places/{key}`: one place (its id).
pub(crate) async fn show(
    State(state): State<AppState>,
    visit: Visit,
    Path(key): Path<String>,
) -> PageResult {
    let p = state
        .directory
        .place(&key, visit.access())
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let events = super::events::upcoming(&state.directory, None, Some(key))
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let help =
        super::help::HelpBox::short(&state, visit.tr(), None, Some((&p.origin, &p.origin_name)));
    let page = PlacePage {
        help,
        page: visit.frame(&state, p.place.nom.clone()),
        p,
        events,
    };
    Ok(render(visit.lang, &page))
}

impl PlaceView {
    /// Whether it is open now, in the page's language.
    pub(super) fn open_now(&self, lang: &str) -> Option<&str> {
        let now = self.hours_now.as_ref()?;
        Some(match Lang::parse(lang) {
            Some(Lang::En) => &now.en,
            _ => &now.fr,
        })
    }

    pub(super) fn is_open(&self) -> bool {
        self.hours_now.as_ref().is_some_and(|h| h.state == "open")
    }

    fn itinerant(&self) -> bool {
        self.place.itinerance.iter().any(|i| i == "Itinérant")
    }

    /// The distance, as people read it (`10,6 km` / `10.6 km`).
    pub(super) fn distance(&self, lang: &str) -> Option<String> {
        let km = format!("{:.1} km", self.distance_km?);
        Some(if lang == "fr" {
            km.replace('.', ",")
        } else {
            km
        })
    }
}
