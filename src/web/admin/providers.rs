//! Hosting providers in the admin pages: the records offers pick from; create, edit, delete
//! (refused while an offer still names the provider, with the reason on the list).

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::directory::DirectoryError;
use crate::directory::providers::{ProviderQuery, ProviderView};
use crate::domain::Window;
use crate::domain::provider::ProviderKind;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::{FormErrors, ProviderForm};
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::lists::{
    Bulk, ListQuery, Listing, Tools, bulk_done, confirm_bulk, confirm_delete, refused,
};
use super::{Done, done, save};

const LIST: &str = "/admin/providers";

const ACTIONS: &[&str] = &["delete"];

const LISTING: Listing<ProviderView> = Listing {
    path: LIST,
    text: |p| format!("{} {}", p.name, p.website),
    status: Some(|p| p.kind.as_str().to_owned()),
    statuses: &["association", "cooperative", "company", "public-body"],
    status_prefix: "provider-kind",
    sorts: &[
        ("updated", |a, b| b.updated.cmp(&a.updated)),
        ("name", |a, b| {
            crate::domain::text::fold(&a.name).cmp(&crate::domain::text::fold(&b.name))
        }),
    ],
    actions: ACTIONS,
};

async fn all(state: &AppState, visit: &Visit) -> Result<Vec<ProviderView>, PageError> {
    Ok(state
        .directory
        .list_providers(
            &ProviderQuery::default(),
            Window {
                offset: 0,
                limit: 1000,
            },
        )
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?
        .results)
}

/// `GET /admin/providers/{key}/delete`: asks before deleting.
pub async fn delete_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let provider = state
        .directory
        .provider(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(confirm_delete(&state, &visit, LIST, &key, &provider.name))
}

/// `GET /admin/providers/bulk?action=delete&key=…`: asks before deleting the ticked records.
pub async fn bulk_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let bulk = Bulk::from_query(query.as_deref());
    let names = all(&state, &visit)
        .await?
        .into_iter()
        .filter(|p| bulk.key.contains(&p.key))
        .map(|p| (p.key, p.name))
        .collect();
    confirm_bulk(&state, &visit, LIST, ACTIONS, bulk, names)
}

/// `POST /admin/providers/bulk`: each record deleted as one delete would (refused, and the
/// rest left alone, at the first one an offer still names).
pub async fn bulk(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Bulk>,
) -> Result<Response, PageError> {
    let d = &state.directory;
    if let Some(nothing) = refused(&form, LIST, ACTIONS) {
        return Ok(nothing);
    }
    for key in &form.key {
        d.delete_provider(key)
            .await
            .map_err(|e| PageError::from_directory(visit.lang, e))?;
    }
    Ok(bulk_done(LIST, &form))
}

#[derive(Template)]
#[template(path = "admin/providers.html")]
struct ListPage {
    page: Frame,
    notice: Option<String>,
    /// Why the last delete was refused.
    refused: Option<String>,
    providers: Vec<ProviderView>,
    tools: Tools,
}

async fn list_page(
    state: &AppState,
    visit: &Visit,
    query: &ListQuery,
    notice: Option<String>,
    refused: Option<String>,
) -> Result<Response, PageError> {
    let (providers, tools) = LISTING.pick(all(state, visit).await?, query, visit);
    let status = if refused.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        page: visit.frame(state, visit.tr().t("admin-providers")),
        notice,
        refused,
        providers,
        tools,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    Ok(res)
}

/// `GET /admin/providers`: searched, filtered by kind, sorted, paged, bulk delete.
pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let frame = visit.frame(&state, String::new());
    list_page(&state, &visit, &query, done.message(&frame), None).await
}

#[derive(Template)]
#[template(path = "admin/provider_form.html")]
struct FormPage {
    page: Frame,
    key: String,
    form: ProviderForm,
    error: FormErrors,
    kinds: [ProviderKind; 4],
}

fn form_page(
    state: &AppState,
    visit: &Visit,
    key: &str,
    form: ProviderForm,
    error: FormErrors,
) -> Response {
    let title = if key.is_empty() {
        visit.tr().t("new-provider")
    } else {
        visit.tr().t1("edit-provider", "name", &form.name)
    };
    let status = if error.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        page: visit.frame(state, title),
        key: key.to_owned(),
        form,
        error,
        kinds: ProviderKind::ALL,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    res
}

pub async fn new_form(State(state): State<AppState>, AdminVisit(visit): AdminVisit) -> Response {
    form_page(
        &state,
        &visit,
        "",
        ProviderForm::new_default(),
        FormErrors::default(),
    )
}

pub async fn create(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<ProviderForm>,
) -> Result<Response, PageError> {
    let input = form.to_input();
    save(
        visit.lang,
        ProviderForm::CONTROLS,
        input,
        async |input| state.directory.create_provider(&input).await,
        LIST,
        |error| form_page(&state, &visit, "", form, error),
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
        .provider_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(form_page(
        &state,
        &visit,
        &key,
        ProviderForm::from_input(&input),
        FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, form }: AdminForm<ProviderForm>,
) -> Result<Response, PageError> {
    let input = form.to_input();
    save(
        visit.lang,
        ProviderForm::CONTROLS,
        input,
        async |input| state.directory.update_provider(&key, &input).await,
        LIST,
        |error| form_page(&state, &visit, &key, form, error),
    )
    .await
}

/// Deletes the record; while offers still name it, the list comes back saying so.
pub async fn delete(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, .. }: AdminForm<super::login::Nothing>,
) -> Result<Response, PageError> {
    match state.directory.delete_provider(&key).await {
        Ok(()) => Ok(done(LIST, "deleted")),
        Err(DirectoryError::Conflict { .. }) => {
            let refused = visit.tr().t1("provider-still-offered", "key", &key);
            list_page(&state, &visit, &ListQuery::default(), None, Some(refused)).await
        }
        Err(e) => Err(PageError::from_directory(visit.lang, e)),
    }
}
