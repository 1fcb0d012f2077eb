//! Contact cards in the admin pages: create, edit (consent and visibility), delete.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::directory::views::ContactView;
use crate::domain::Window;
use crate::domain::contact::SCOPE_TERMS;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::{ContactForm, FormError};
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::{Done, done, save};

#[derive(Template)]
#[template(path = "admin/contacts.html")]
struct ListPage {
    page: Frame,
    notice: Option<String>,
    local: Vec<ContactView>,
    received: Vec<ContactView>,
}

pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let all = state
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
        .results;
    let (local, received) = all.into_iter().partition(|c| c.local);
    let page = visit.frame(&state, visit.tr().t("admin-contacts"));
    let page = ListPage {
        notice: done.message(&page),
        page,
        local,
        received,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "admin/contact_form.html")]
struct FormPage {
    page: Frame,
    key: String,
    form: ContactForm,
    error: FormError,
    scope_terms: &'static [&'static str],
}

fn form_page(
    state: &AppState,
    visit: &Visit,
    key: &str,
    form: ContactForm,
    error: FormError,
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
        FormError::default(),
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
        FormError::default(),
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
    Ok(done("/admin/contacts", "deleted"))
}
