//! Help requests in the admin pages: the inbox (new, in progress, done), one request with
//! its consent, routing and conversation; status, assignment to a mediator and notes; a reply
//! to a fediverse account; erasure, after a confirmation page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::directory::contacts::ContactQuery;
use crate::directory::help::{
    HelpCounts, HelpQuery, HelpReply, HelpRequestView, HelpUpdate, Routing,
};
use crate::domain::Window;
use crate::domain::help::HelpStatus;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::FormErrors;
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::{Done, done, form_error};

const LIST: &str = "/admin/help";
const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    page: Option<i64>,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/help.html")]
struct ListPage {
    page: Frame,
    notice: Option<String>,
    status: String,
    statuses: [HelpStatus; 3],
    counts: HelpCounts,
    requests: Vec<HelpRequestView>,
    page_number: i64,
    pages: i64,
}

pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let err = |e| PageError::from_directory(visit.lang, e);
    let status = query
        .status
        .clone()
        .filter(|s| HelpStatus::ALL.iter().any(|k| k.as_str() == s))
        .unwrap_or_default();
    let page_number = query.page.unwrap_or(1).max(1);
    let listing = state
        .directory
        .list_help_requests(
            &HelpQuery {
                status: Some(status.clone()).filter(|s| !s.is_empty()),
                centre: None,
            },
            Window {
                offset: (page_number - 1) * PAGE_SIZE,
                limit: PAGE_SIZE,
            },
        )
        .await
        .map_err(err)?;
    let counts = state.directory.help_counts().await.map_err(err)?;
    let frame = visit.frame(&state, visit.tr().t("admin-help"));
    let notice = Done {
        done: query.done.clone(),
    }
    .message(&frame);
    let page = ListPage {
        notice,
        page: frame,
        status,
        statuses: HelpStatus::ALL,
        counts,
        pages: (listing.total + PAGE_SIZE - 1) / PAGE_SIZE,
        requests: listing.results,
        page_number,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Template)]
#[template(path = "admin/help_request.html")]
struct RequestPage {
    page: Frame,
    notice: Option<String>,
    error: FormErrors,
    request: HelpRequestView,
    routing: String,
    consent_line: String,
    statuses: [HelpStatus; 3],
    /// `(key, name)` of the centre's mediators.
    mediators: Vec<(String, String)>,
    reply: String,
}

async fn request_page(
    state: &AppState,
    visit: &Visit,
    reference: &str,
    notice: Option<String>,
    error: FormErrors,
    reply: String,
) -> Result<Response, PageError> {
    let err = |e| PageError::from_directory(visit.lang, e);
    let request = state.directory.help_request(reference).await.map_err(err)?;
    let mediators = state
        .directory
        .list_contacts(
            &ContactQuery {
                origin: Some(request.centre.handle.clone()),
                ..ContactQuery::default()
            },
            Window {
                offset: 0,
                limit: 500,
            },
            visit.access(),
        )
        .await
        .map_err(err)?
        .results
        .into_iter()
        .map(|c| (c.key, c.name))
        .collect();
    let tr = visit.tr();
    let routing = match &request.routing {
        Routing::Chosen => tr.t("help-routing-chosen"),
        Routing::First => tr.t("help-routing-first"),
        Routing::Region { region } => tr.t1(
            "help-routing-region",
            "region",
            crate::domain::region::name(region, visit.lang == crate::web::i18n::Lang::En)
                .unwrap_or(region),
        ),
        Routing::Place { place, km } => tr
            .with_args(
                "help-routing-place",
                &[("place", place.clone()), ("km", km.to_string())],
            )
            .unwrap_or_else(|| place.clone()),
    };
    let frame = visit.frame(state, request.reference.clone());
    let consent_line = tr
        .with_args(
            "help-consent-given",
            &[
                ("date", frame.date(&request.consent.given_at)),
                ("text", request.consent.text.clone()),
            ],
        )
        .unwrap_or_else(|| request.consent.text.clone());
    let status = if error.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RequestPage {
        page: frame,
        consent_line,
        notice,
        error,
        routing,
        statuses: HelpStatus::ALL,
        mediators,
        reply,
        request,
    };
    let mut response = render(visit.lang, &page);
    *response.status_mut() = status;
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(reference): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let frame = visit.frame(&state, String::new());
    request_page(
        &state,
        &visit,
        &reference,
        done.message(&frame),
        FormErrors::default(),
        String::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct HandlingForm {
    status: String,
    #[serde(default)]
    assigned_to: String,
    #[serde(default)]
    notes: String,
}

pub async fn save(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    AdminForm { visit, form }: AdminForm<HandlingForm>,
) -> Result<Response, PageError> {
    let update = HelpUpdate {
        status: Some(form.status),
        assigned_to: Some(form.assigned_to),
        notes: Some(form.notes),
    };
    match state
        .directory
        .update_help_request(&reference, &update)
        .await
    {
        Ok(view) => Ok(done(&format!("{LIST}/{}", view.reference), "help-saved")),
        Err(e) => {
            let error = form_error(visit.lang, e, &["status", "assigned_to", "notes"])?;
            request_page(&state, &visit, &reference, None, error, String::new()).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    reply: String,
}

pub async fn reply(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    AdminForm { visit, form }: AdminForm<ReplyForm>,
) -> Result<Response, PageError> {
    let author = visit
        .admin
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let reply = HelpReply {
        text: form.reply.clone(),
    };
    match state
        .directory
        .reply_to_help_request(&reference, &reply, &author)
        .await
    {
        Ok(view) => Ok(done(&format!("{LIST}/{}", view.reference), "help-replied")),
        Err(e) => {
            let error = form_error(visit.lang, e, &["reply"])?;
            request_page(&state, &visit, &reference, None, error, form.reply).await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/help_erase.html")]
struct ErasePage {
    page: Frame,
    reference: String,
}

pub async fn confirm_erase(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(reference): Path<String>,
) -> Result<Response, PageError> {
    let request = state
        .directory
        .help_request(&reference)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let page = ErasePage {
        page: visit.frame(&state, visit.tr().t("help-erase-staff")),
        reference: request.reference,
    };
    Ok(render(visit.lang, &page))
}

#[derive(Debug, Deserialize)]
pub struct EraseForm {}

pub async fn erase(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    AdminForm { visit, .. }: AdminForm<EraseForm>,
) -> Result<Response, PageError> {
    state
        .directory
        .erase_help_request(&reference)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done(LIST, "help-erased"))
}
