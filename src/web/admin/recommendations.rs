//! Recommendations in the admin pages: this node's (create, edit, delete) and those received
//! from the network (hide, endorse).

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::directory::views::{RecommendationView, SoftwareView};
use crate::domain::Window;
use crate::domain::category::{CATEGORIES, Category};
use crate::domain::provider::ProviderCard;
use crate::domain::recommendation::Status;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::{FormErrors, RecommendationForm};
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::catalogue::{LicenceChoice, known_software, licence_by_name, licence_choices, resolve};
use super::lists::{
    Bulk, ListQuery, Listing, Tools, bulk_done, confirm_bulk, confirm_delete, refused,
};
use super::{Done, done, save};

const LIST: &str = "/admin/recommendations";

/// Staff publish, unpublish (a draft again) or delete several at once.
const ACTIONS: &[&str] = &["publish", "unpublish", "delete"];

const LISTING: Listing<RecommendationView> = Listing {
    path: LIST,
    text: |r| {
        format!(
            "{} {} {} {}",
            r.software.name,
            r.replaces.join(" "),
            r.summary,
            r.origin_name
        )
    },
    status: Some(|r| r.status.clone()),
    statuses: &["published", "draft", "withdrawn"],
    status_prefix: "status",
    sorts: &[
        ("updated", |a, b| b.updated.cmp(&a.updated)),
        ("name", |a, b| {
            crate::domain::text::fold(&a.software.name)
                .cmp(&crate::domain::text::fold(&b.software.name))
        }),
        ("category", |a, b| {
            (&a.category, &a.software.name).cmp(&(&b.category, &b.software.name))
        }),
    ],
    actions: ACTIONS,
};

const ALL: Window = Window {
    offset: 0,
    limit: 1000,
};

#[derive(Template)]
#[template(path = "admin/recommendations.html")]
struct ListPage {
    page: Frame,
    notice: Option<String>,
    local: Vec<RecommendationView>,
    tools: Tools,
    received: Vec<RecommendationView>,
    received_tools: Tools,
}

async fn all(state: &AppState, visit: &Visit) -> Result<Vec<RecommendationView>, PageError> {
    Ok(state
        .directory
        .list_recommendations(&Default::default(), ALL, visit.access())
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?
        .results)
}

/// `GET /admin/recommendations`: ours (searched, filtered, sorted, paged, with bulk actions)
/// and those received from the network.
pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (local, received): (Vec<_>, Vec<_>) = all(&state, &visit)
        .await?
        .into_iter()
        .partition(|r| r.local);
    let (local, tools) = LISTING.pick(local, &query, &visit);
    let (received, received_tools) = LISTING.pick_received(received, &query, &visit);
    let page = visit.frame(&state, visit.tr().t("admin-recommendations"));
    let page = ListPage {
        notice: done.message(&page),
        page,
        local,
        tools,
        received,
        received_tools,
    };
    Ok(render(visit.lang, &page))
}

/// `GET /admin/recommendations/{key}/delete`: asks before deleting.
pub async fn delete_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let input = state
        .directory
        .recommendation_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(confirm_delete(
        &state,
        &visit,
        LIST,
        &key,
        &input.software.name,
    ))
}

/// `GET /admin/recommendations/bulk?action=…&key=…`: asks before a bulk action on ours.
pub async fn bulk_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let bulk = Bulk::from_query(query.as_deref());
    let names = all(&state, &visit)
        .await?
        .into_iter()
        .filter(|r| r.local && bulk.key.contains(&r.key))
        .map(|r| (r.key, r.software.name))
        .collect();
    confirm_bulk(&state, &visit, LIST, ACTIONS, bulk, names)
}

/// `POST /admin/recommendations/bulk`: publishing and unpublishing are edits of the status
/// (an Update, or a Delete when it leaves the network, as one edit sends), deleting is a delete.
pub async fn bulk(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Bulk>,
) -> Result<Response, PageError> {
    let d = &state.directory;
    if let Some(nothing) = refused(&form, LIST, ACTIONS) {
        return Ok(nothing);
    }
    let status = match form.action.as_str() {
        "publish" => Some(Status::Published),
        "unpublish" => Some(Status::Draft),
        _ => None,
    };
    let err = |e| PageError::from_directory(visit.lang, e);
    for key in &form.key {
        let Some(status) = status else {
            d.delete_recommendation(key).await.map_err(err)?;
            continue;
        };
        let mut input = d.recommendation_input(key).await.map_err(err)?;
        if input.status != status {
            input.status = status;
            d.update_recommendation(key, &input).await.map_err(err)?;
        }
    }
    Ok(bulk_done(LIST, &form))
}

#[derive(Template)]
#[template(path = "admin/recommendation_form.html")]
struct FormPage {
    page: Frame,
    /// The key when editing; empty for a new one.
    key: String,
    form: RecommendationForm,
    error: FormErrors,
    categories: &'static [Category],
    /// The provider records an offer can name.
    providers: Vec<ProviderCard>,
    /// The catalogue's software, suggested for the name.
    software: Vec<SoftwareView>,
    licences: Vec<LicenceChoice>,
    /// Regions by name, and the stored code when the list does not know it.
    regions: Vec<(String, String)>,
}

fn form_page(
    state: &AppState,
    visit: &Visit,
    key: &str,
    mut form: RecommendationForm,
    error: FormErrors,
    providers: Vec<ProviderCard>,
    software: Vec<SoftwareView>,
) -> Response {
    let title = if key.is_empty() {
        visit.tr().t("new-recommendation")
    } else {
        visit
            .tr()
            .t1("edit-recommendation", "name", &form.software_name)
    };
    let status = if error.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let frame = visit.frame(state, title);
    licence_by_name(&mut form, &frame);
    let page = FormPage {
        licences: licence_choices(&frame),
        regions: regions(&form.region, frame.lang() == "en"),
        page: frame,
        key: key.to_owned(),
        form,
        error,
        categories: CATEGORIES,
        providers,
        software,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    res
}

fn regions(current: &str, english: bool) -> Vec<(String, String)> {
    let mut regions: Vec<(String, String)> = crate::domain::region::known(english)
        .into_iter()
        .map(|(code, name)| (code.to_owned(), name.to_owned()))
        .collect();
    let current = current.trim();
    if !current.is_empty() && !regions.iter().any(|(c, _)| c.eq_ignore_ascii_case(current)) {
        regions.push((current.to_owned(), current.to_owned()));
    }
    regions
}

pub async fn new_form(State(state): State<AppState>, AdminVisit(visit): AdminVisit) -> Response {
    form_page(
        &state,
        &visit,
        "",
        RecommendationForm::new_default(),
        FormErrors::default(),
        providers(&state).await,
        known_software(&state).await,
    )
}

/// The provider records, for the offers' picker; none when they cannot be read (the form
/// still works with typed names and addresses).
async fn providers(state: &AppState) -> Vec<ProviderCard> {
    state
        .directory
        .provider_cards()
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "provider records unavailable to the form"))
        .unwrap_or_default()
}

pub async fn create(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<RecommendationForm>,
) -> Result<Response, PageError> {
    let providers = providers(&state).await;
    let software = known_software(&state).await;
    let form = resolve(form, &software, &visit.frame(&state, String::new()));
    let input = form.to_input(&providers);
    save(
        visit.lang,
        RecommendationForm::CONTROLS,
        input,
        async |input| state.directory.create_recommendation(None, &input).await,
        "/admin/recommendations",
        |error| form_page(&state, &visit, "", form, error, providers, software),
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let input = state
        .directory
        .recommendation_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(form_page(
        &state,
        &visit,
        &key,
        RecommendationForm::from_input(&input),
        FormErrors::default(),
        providers(&state).await,
        known_software(&state).await,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, form }: AdminForm<RecommendationForm>,
) -> Result<Response, PageError> {
    let providers = providers(&state).await;
    let software = known_software(&state).await;
    let form = resolve(form, &software, &visit.frame(&state, String::new()));
    let input = form.to_input(&providers);
    save(
        visit.lang,
        RecommendationForm::CONTROLS,
        input,
        async |input| state.directory.update_recommendation(&key, &input).await,
        "/admin/recommendations",
        |error| form_page(&state, &visit, &key, form, error, providers, software),
    )
    .await
}

pub async fn delete(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, .. }: AdminForm<super::login::Nothing>,
) -> Result<Response, PageError> {
    state
        .directory
        .delete_recommendation(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done(LIST, "deleted"))
}
