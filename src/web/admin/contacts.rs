//! Contact cards in the admin pages: create, edit (consent and visibility), delete.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::directory::views::ContactView;
use crate::domain::Window;
use crate::domain::contact::SCOPE_TERMS;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::{ContactForm, FormErrors};
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::lists::{
    Bulk, ListQuery, Listing, Tools, bulk_done, confirm_bulk, confirm_delete, refused,
};
use super::{Done, done, save};

const LIST: &str = "/admin/contacts";

const ACTIONS: &[&str] = &["delete"];

const LISTING: Listing<ContactView> = Listing {
    path: LIST,
    text: |c| {
        format!(
            "{} {} {}",
            c.name,
            c.role.as_deref().unwrap_or_default(),
            c.origin_name
        )
    },
    status: Some(|c| {
        c.visibility
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default()
    }),
    statuses: &["public", "network", "local", "hidden"],
    status_prefix: "visibility",
    sorts: &[
        ("updated", |a, b| b.updated.cmp(&a.updated)),
        ("name", |a, b| {
            crate::domain::text::fold(&a.name).cmp(&crate::domain::text::fold(&b.name))
        }),
    ],
    actions: ACTIONS,
};

async fn all(state: &AppState, visit: &Visit) -> Result<Vec<ContactView>, PageError> {
    Ok(state
        .directory
        .list_contacts(
            &Default::default(),
            Window {
                offset: 0,
                limit: 1000,
            },
            visit.access(),
        )
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?
        .results)
}

/// `GET /admin/contacts/{key}/delete`: asks before deleting.
pub async fn delete_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let contact = state
        .directory
        .contact_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(confirm_delete(&state, &visit, LIST, &key, &contact.name))
}

/// `GET /admin/contacts/bulk?action=delete&key=…`: asks before deleting the ticked cards.
pub async fn bulk_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let bulk = Bulk::from_query(query.as_deref());
    let names = all(&state, &visit)
        .await?
        .into_iter()
        .filter(|c| c.local && bulk.key.contains(&c.key))
        .map(|c| (c.key, c.name))
        .collect();
    confirm_bulk(&state, &visit, LIST, ACTIONS, bulk, names)
}

/// `POST /admin/contacts/bulk`: each card deleted as one delete would.
pub async fn bulk(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Bulk>,
) -> Result<Response, PageError> {
    let d = &state.directory;
    if let Some(nothing) = refused(&form, LIST, ACTIONS) {
        return Ok(nothing);
    }
    for key in &form.key {
        d.delete_contact(key)
            .await
            .map_err(|e| PageError::from_directory(visit.lang, e))?;
    }
    Ok(bulk_done(LIST, &form))
}

#[derive(Template)]
#[template(path = "admin/contacts.html")]
struct ListPage {
    page: Frame,
    notice: Option<String>,
    local: Vec<ContactView>,
    tools: Tools,
    received: Vec<ContactView>,
    received_tools: Tools,
}

/// `GET /admin/contacts`: ours (searched, filtered, sorted, paged, bulk delete) and those
/// received from the network.
pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (local, received): (Vec<_>, Vec<_>) = all(&state, &visit)
        .await?
        .into_iter()
        .partition(|c| c.local);
    let (local, tools) = LISTING.pick(local, &query, &visit);
    let (received, received_tools) = LISTING.pick_received(received, &query, &visit);
    let page = visit.frame(&state, visit.tr().t("admin-contacts"));
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

#[derive(Template)]
#[template(path = "admin/contact_form.html")]
struct FormPage {
    page: Frame,
    key: String,
    form: ContactForm,
    error: FormErrors,
    scope_terms: &'static [&'static str],
}

fn form_page(
    state: &AppState,
    visit: &Visit,
    key: &str,
    form: ContactForm,
    error: FormErrors,
) -> Response {
    let title = if key.is_empty() {
        visit.tr().t("new-contact")
    } else {
        visit.tr().t1("edit-contact", "name", &form.name)
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
        scope_terms: SCOPE_TERMS,
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
        ContactForm::new_default(),
        FormErrors::default(),
    )
}

pub async fn create(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<ContactForm>,
) -> Result<Response, PageError> {
    let input = form.to_input(chrono::Utc::now());
    save(
        visit.lang,
        ContactForm::CONTROLS,
        input,
        async |input| state.directory.create_contact(None, &input).await,
        "/admin/contacts",
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
        .contact_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(form_page(
        &state,
        &visit,
        &key,
        ContactForm::from_input(&input),
        FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, form }: AdminForm<ContactForm>,
) -> Result<Response, PageError> {
    let input = form.to_input(chrono::Utc::now());
    save(
        visit.lang,
        ContactForm::CONTROLS,
        input,
        async |input| state.directory.update_contact(&key, &input).await,
        "/admin/contacts",
        |error| form_page(&state, &visit, &key, form, error),
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
        .delete_contact(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done(LIST, "deleted"))
}
