//! The public pages: home, search, software, recommendation, contact card, centres, centre
//! profile, category (the last two printable for workshops).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::directory::Access;
use crate::directory::centres::CentreOverview;
use crate::directory::contacts::ContactQuery;
use crate::directory::recommendations::RecommendationQuery;
use crate::directory::views::{CentreView, ContactView, RecommendationView, SoftwareView};
use crate::domain::Window;
use crate::domain::category::CATEGORIES;
use crate::domain::provider::HostedOffer;
use crate::state::AppState;

use super::error::{PageError, render};
use super::frame::{Frame, Visit};
use super::help::HelpBox;
use super::i18n::{LANG_COOKIE, Lang};
use super::places::{Nearby, PlacesForm, nearby};
use super::search::{Elsewhere, SearchForm, SearchPage};
use super::sheet::Sheet;

type PageResult = Result<Response, PageError>;

/// Large enough for every entry a page lists about one software, centre or category.
const ALL: Window = Window {
    offset: 0,
    limit: 500,
};

pub(super) struct CategoryLink {
    pub id: &'static str,
    pub label: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Frame,
    categories: Vec<CategoryLink>,
    shortcuts: Vec<(String, i64)>,
    recent: Vec<RecommendationView>,
    /// On an empty directory: the centres the node knows, its own first.
    centres: Vec<CentreOverview>,
    help: HelpBox,
}

pub(super) async fn home(State(state): State<AppState>, visit: Visit) -> PageResult {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let categories = category_links(&state, visit.lang).await.map_err(err)?;
    let shortcuts = d.most_replaced(12).await.map_err(err)?;
    let recent = d
        .list_recommendations(
            &RecommendationQuery::default(),
            Window {
                offset: 0,
                limit: 6,
            },
            Access::Public,
        )
        .await
        .map_err(err)?
        .results;
    // An empty directory is no dead end: staff learn how to fill it, visitors which centres
    // the node knows.
    let centres = if categories.is_empty() {
        let mut all = d.centre_overview().await.map_err(err)?;
        all.sort_by_key(|c| !c.centre.local);
        all
    } else {
        Vec::new()
    };
    let page = HomePage {
        page: visit.frame(&state, visit.tr().t("home-title")),
        categories,
        shortcuts,
        recent,
        centres,
        help: HelpBox::short(&state, visit.tr(), None, None),
    };
    Ok(render(visit.lang, &page))
}

/// The categories that hold published recommendations, with their counts.
async fn category_links(
    state: &AppState,
    lang: Lang,
) -> Result<Vec<CategoryLink>, crate::directory::DirectoryError> {
    let counts = state.directory.published_per_category().await?;
    Ok(CATEGORIES
        .iter()
        .filter_map(|c| {
            let count = counts.iter().find(|(id, _)| id == c.id)?.1;
            Some(CategoryLink {
                id: c.id,
                label: c.label(lang.code()).to_owned(),
                count,
            })
        })
        .collect())
}

pub(super) async fn search(
    State(state): State<AppState>,
    visit: Visit,
    Query(form): Query<SearchForm>,
) -> PageResult {
    let err = |e| PageError::from_directory(visit.lang, e);
    let results = super::search::run(&state, &form, Access::Public)
        .await
        .map_err(err)?;
    // No dead end: an empty page offers the needs and the tools people leave most.
    let elsewhere = if results.total == 0 {
        Elsewhere {
            categories: category_links(&state, visit.lang).await.map_err(err)?,
            products: state.directory.most_replaced(12).await.map_err(err)?,
        }
    } else {
        Elsewhere::default()
    };
    let title = match form.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => visit.tr().t1("search-title-for", "query", q),
        None => visit.tr().t("search-title"),
    };
    let page = SearchPage::new(visit.frame(&state, title), form, results, elsewhere);
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "software.html")]
struct SoftwarePage {
    page: Frame,
    software: SoftwareView,
    replaces: Vec<String>,
    recommendations: Vec<RecommendationView>,
    hosting: Vec<HostedOffer>,
    mediators: Vec<ContactView>,
    sheet: Sheet,
    nearby: Nearby,
    help: HelpBox,
}

pub(super) async fn software(
    State(state): State<AppState>,
    visit: Visit,
    Path(slug): Path<String>,
    Query(form): Query<PlacesForm>,
) -> PageResult {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let software = d.software_by_slug(&slug).await.map_err(err)?;
    let query = RecommendationQuery {
        software: Some(software.slug.clone()),
        ..Default::default()
    };
    let recommendations = d
        .list_recommendations(&query, ALL, Access::Public)
        .await
        .map_err(err)?
        .results;
    if recommendations.is_empty() {
        return Err(PageError::not_found(visit.lang));
    }
    let mut replaces = Vec::new();
    let mut hosting: Vec<HostedOffer> = Vec::new();
    for r in &recommendations {
        for p in &r.replaces {
            if !replaces.contains(p) {
                replaces.push(p.clone());
            }
        }
        for h in &r.hosting {
            if !hosting.iter().any(|k| k.url == h.url) {
                hosting.push(h.clone());
            }
        }
    }
    let mediators = d
        .list_contacts(
            &ContactQuery {
                q: Some(software.name.clone()),
                ..Default::default()
            },
            ALL,
            Access::Public,
        )
        .await
        .map_err(err)?
        .results;
    let nearby = nearby(&state, &visit, form.near).await?;
    let frame = visit.frame(&state, software.name.clone());
    let page = SoftwarePage {
        help: HelpBox::short(&state, visit.tr(), Some(&software.name), None),
        nearby,
        sheet: Sheet::of(&state, &frame).await,
        page: frame,
        software,
        replaces,
        recommendations,
        hosting,
        mediators,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "recommendation.html")]
struct RecommendationPage {
    page: Frame,
    r: RecommendationView,
}

/// `/recommendations/{key}`: the page for browsers (any entry this node holds); `startup`
/// gives ActivityPub clients the Note instead.
pub(crate) async fn recommendation(
    State(state): State<AppState>,
    visit: Visit,
    Path(key): Path<String>,
) -> PageResult {
    let r = state
        .directory
        .recommendation(&key, visit.access())
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let title = r.software.name.clone();
    let page = RecommendationPage {
        page: visit.frame(&state, title),
        r,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    page: Frame,
    c: ContactView,
}

/// `/contacts/{key}`: a contact card, showing only what the person consented to publish.
pub(crate) async fn contact(
    State(state): State<AppState>,
    visit: Visit,
    Path(key): Path<String>,
) -> PageResult {
    let c = state
        .directory
        .contact(&key, visit.access())
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let page = ContactPage {
        page: visit.frame(&state, c.name.clone()),
        c,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "centres.html")]
struct CentresPage {
    page: Frame,
    local: Vec<CentreOverview>,
    network: Vec<CentreOverview>,
    /// Networks of centres (hosted here or known): listed apart, they relay their members.
    groups: Vec<CentreView>,
}

pub(super) async fn centres(State(state): State<AppState>, visit: Visit) -> PageResult {
    let all = state
        .directory
        .centre_overview()
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let groups = state
        .directory
        .known_networks()
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let (local, network) = all.into_iter().partition(|c| c.centre.local);
    let page = CentresPage {
        page: visit.frame(&state, visit.tr().t("centres-title")),
        local,
        network,
        groups,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "centre.html")]
struct CentrePage {
    page: Frame,
    centre: CentreView,
    recommendations: Vec<RecommendationView>,
    contacts: Vec<ContactView>,
    events: Vec<crate::directory::events::EventView>,
    help: HelpBox,
}

/// `/centres/{username}` and `/centres/{user@domain}` (`startup` gives ActivityPub clients the
/// actor instead).
pub(crate) async fn centre(
    State(state): State<AppState>,
    visit: Visit,
    Path(handle): Path<String>,
) -> PageResult {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let centre = d.find_centre(&handle).await.map_err(err)?;
    let query = RecommendationQuery {
        origin: Some(centre.id.clone()),
        ..Default::default()
    };
    let recommendations = d
        .list_recommendations(&query, ALL, Access::Public)
        .await
        .map_err(err)?
        .results;
    let contacts = d
        .list_contacts(
            &ContactQuery {
                origin: Some(centre.id.clone()),
                ..Default::default()
            },
            ALL,
            Access::Public,
        )
        .await
        .map_err(err)?
        .results;
    let events = super::events::upcoming(d, Some(centre.id.clone()), None)
        .await
        .map_err(err)?;
    let help = HelpBox::short(&state, visit.tr(), None, Some((&centre.id, &centre.name)));
    let page = CentrePage {
        help,
        page: visit.frame(&state, centre.name.clone()),
        centre,
        recommendations,
        contacts,
        events,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "category.html")]
struct CategoryPage {
    page: Frame,
    id: String,
    recommendations: Vec<RecommendationView>,
    sheet: Sheet,
}

/// A category: every software recommended in it, printable as a workshop handout.
pub(super) async fn category(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
) -> PageResult {
    let Some(category) = crate::domain::category::Category::find(&id) else {
        return Err(PageError::not_found(visit.lang));
    };
    let query = RecommendationQuery {
        category: Some(category.id.to_owned()),
        ..Default::default()
    };
    let recommendations = state
        .directory
        .list_recommendations(&query, ALL, Access::Public)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?
        .results;
    // A handout leads with what the centres recommend and ends with what they advise against.
    let mut recommendations = recommendations;
    recommendations.sort_by_key(|r| match r.level.as_str() {
        "recommended" => 0,
        "usable" => 1,
        _ => 2,
    });
    let frame = visit.frame(&state, category.label(visit.lang.code()));
    let page = CategoryPage {
        sheet: Sheet::of(&state, &frame).await,
        page: frame,
        id: category.id.to_owned(),
        recommendations,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "tag.html")]
struct TagPage {
    page: Frame,
    tag: String,
    recommendations: Vec<RecommendationView>,
}

/// `/tags/{name}`: the recommendations a hashtag of our Notes names (other servers link their
/// hashtags here), with its Atom feed.
pub(super) async fn tag(
    State(state): State<AppState>,
    visit: Visit,
    Path(name): Path<String>,
) -> PageResult {
    let tagged = state
        .directory
        .tagged(&name, ALL)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let page = TagPage {
        page: visit.frame(&state, visit.tr().t1("tag-title", "tag", &tagged.tag)),
        tag: tagged.tag,
        recommendations: tagged.recommendations,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Deserialize)]
pub(super) struct Back {
    back: Option<String>,
}

/// The language switcher: remembers the choice in a cookie for a year and goes back to the page.
pub(super) async fn switch_language(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Result<Response, PageError> {
    let lang = Lang::parse(&code).unwrap_or(Lang::Fr);
    let back = local_path(back.back.as_deref()).map_err(|e| e.page(lang))?;
    let cookie = cookie::Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(cookie::SameSite::Lax)
        .secure(super::session::secure(&state))
        .max_age(cookie::time::Duration::days(365))
        .build();
    let mut res = Redirect::to(&back).into_response();
    if let Ok(value) = cookie.to_string().parse() {
        res.headers_mut().insert(SET_COOKIE, value);
    }
    Ok(res)
}

/// A place to go back to that holds control characters (a tab, a newline): refused with 400.
/// Browsers drop tabs and newlines from URLs, so `/\t/evil.example` would take the visitor to
/// `//evil.example`, another site; and a newline cannot go into a `Location` header at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NotAPath;

impl NotAPath {
    pub(super) fn page(self, lang: Lang) -> PageError {
        PageError::new(
            lang,
            axum::http::StatusCode::BAD_REQUEST,
            "error-bad-request",
        )
        .detail("the address to go back to holds control characters")
    }
}

/// A path on this site to go back to, as a browser would resolve it; anything that resolves
/// to another site (`//host`, `/\\host`, `https://host`) becomes `/`.
pub(super) fn local_path(back: Option<&str>) -> Result<String, NotAPath> {
    let Some(back) = back else {
        return Ok("/".to_owned());
    };
    if back.chars().any(char::is_control) {
        return Err(NotAPath);
    }
    // Resolved the way browsers do (the WHATWG URL parser: backslashes are slashes, and so
    // on) against a stand-in origin: only what stays on that origin is a local path.
    let origin = url::Url::parse("http://this-node.invalid/").expect("valid base");
    let local = back
        .starts_with('/')
        .then(|| origin.join(back).ok())
        .flatten()
        .filter(|url| url.origin() == origin.origin());
    Ok(match local {
        Some(url) => url[url::Position::BeforePath..].to_owned(),
        None => "/".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn going_back_stays_on_this_site() {
        let ok = |p| local_path(Some(p)).unwrap();
        assert_eq!(ok("/search?q=zoom"), "/search?q=zoom");
        assert_eq!(ok("/search?q=caf%C3%A9#r"), "/search?q=caf%C3%A9#r");
        assert_eq!(ok("//evil.example/"), "/");
        assert_eq!(ok("https://evil.example/"), "/");
        assert_eq!(ok("/\\evil.example"), "/");
        assert_eq!(ok("/\\/evil.example"), "/");
        assert_eq!(ok("/%2F/evil.example"), "/%2F/evil.example");
        assert_eq!(local_path(None).unwrap(), "/");
        for bad in [
            "/\t/evil.example/g",
            "/\n/evil.example",
            "/a\r\nSet-Cookie: x=1",
            "/\u{0}",
        ] {
            assert_eq!(local_path(Some(bad)), Err(NotAPath), "{bad:?}");
        }
    }
}
