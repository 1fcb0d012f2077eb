//! The admin pages: login, the dashboard (with the delivery queue), recommendations, contact
//! cards and mediation places, and the network (follows, followers, endorsements, moderation).

mod accounts;
mod audit;
mod catalogue;
mod contacts;
mod groups;
mod help;
mod lists;
mod login;
mod network;
mod places;
mod profile;
mod providers;
mod recommendations;
mod relays;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::directory::DirectoryError;
use crate::directory::delivery::QueueStatus;
use crate::domain::FieldError;
use crate::state::AppState;

use super::error::{PageError, render};
use super::forms::{FormError, FormErrors};
use super::frame::Frame;
use super::i18n::{Lang, Tr};
use super::session::AdminVisit;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/login", get(login::form).post(login::submit))
        .route("/admin/logout", post(login::logout))
        .route("/admin/recommendations", get(recommendations::list))
        .route(
            "/admin/recommendations/new",
            get(recommendations::new_form).post(recommendations::create),
        )
        .route(
            "/admin/recommendations/{key}/edit",
            get(recommendations::edit_form).post(recommendations::update),
        )
        .route(
            "/admin/recommendations/{key}/delete",
            get(recommendations::delete_form).post(recommendations::delete),
        )
        .route(
            "/admin/recommendations/bulk",
            get(recommendations::bulk_form).post(recommendations::bulk),
        )
        .route("/admin/contacts", get(contacts::list))
        .route(
            "/admin/contacts/new",
            get(contacts::new_form).post(contacts::create),
        )
        .route(
            "/admin/contacts/{key}/edit",
            get(contacts::edit_form).post(contacts::update),
        )
        .route(
            "/admin/contacts/{key}/delete",
            get(contacts::delete_form).post(contacts::delete),
        )
        .route(
            "/admin/contacts/bulk",
            get(contacts::bulk_form).post(contacts::bulk),
        )
        .route("/admin/providers", get(providers::list))
        .route(
            "/admin/providers/new",
            get(providers::new_form).post(providers::create),
        )
        .route(
            "/admin/providers/{key}/edit",
            get(providers::edit_form).post(providers::update),
        )
        .route(
            "/admin/providers/{key}/delete",
            get(providers::delete_form).post(providers::delete),
        )
        .route(
            "/admin/providers/bulk",
            get(providers::bulk_form).post(providers::bulk),
        )
        .route("/admin/places", get(places::list))
        .route(
            "/admin/places/new",
            get(places::new_form).post(places::create),
        )
        .route(
            "/admin/places/{key}/edit",
            get(places::edit_form).post(places::update),
        )
        .route(
            "/admin/places/{key}/delete",
            get(places::delete_form).post(places::delete),
        )
        .route(
            "/admin/places/bulk",
            get(places::bulk_form).post(places::bulk),
        )
        .route("/admin/help", get(help::list))
        .route("/admin/help/{reference}", get(help::show).post(help::save))
        .route("/admin/help/{reference}/reply", post(help::reply))
        .route(
            "/admin/help/{reference}/erase",
            get(help::confirm_erase).post(help::erase),
        )
        .route("/admin/network", get(network::page))
        .route("/admin/networks", get(groups::page).post(groups::create))
        .route("/admin/networks/{name}/admit", post(groups::admit))
        .route("/admin/networks/{name}/remove", post(groups::remove))
        .route("/admin/follow", post(network::follow))
        .route("/admin/follows/{key}/delete", post(network::unfollow))
        .route("/admin/followers/{key}/decide", post(network::decide))
        .route("/admin/followers/{key}/trust", post(network::trust))
        .route("/admin/endorse", post(network::endorse))
        .route("/admin/endorsements/{key}/delete", post(network::unendorse))
        .route("/admin/hide", post(network::hide))
        .route("/admin/domains", post(network::domain_rule))
        .route("/admin/domains/delete", post(network::remove_domain_rule))
        .route("/admin/queue/retry", post(network::retry_host))
        .route("/admin/relays", get(relays::page).post(relays::subscribe))
        .route("/admin/relays/{key}/delete", post(relays::unsubscribe))
        .route("/admin/aliases", post(relays::aliases))
        .route("/admin/move", post(relays::move_centre))
        .merge(staff_routes())
}

/// The pages of issue 12 that run the centre itself: its profile, its staff accounts (both
/// for administrators only, see `session::administrators_only`), one's own password.
fn staff_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/profile",
            get(profile::form)
                .post(profile::update)
                .layer(axum::extract::DefaultBodyLimit::max(
                    profile::UPLOAD_BODY_LIMIT,
                )),
        )
        .route(
            "/admin/accounts",
            get(accounts::list).post(accounts::create),
        )
        .route("/admin/accounts/{name}/role", post(accounts::change_role))
        .route("/admin/accounts/{name}/reset", post(accounts::reset))
        .route(
            "/admin/accounts/{name}/delete",
            get(accounts::confirm_delete).post(accounts::delete),
        )
        .route(
            "/admin/password",
            get(accounts::password_form).post(accounts::change_password),
        )
        .route("/admin/audit", get(audit::page))
}

/// `?done=…` after a form: which confirmation to show (only known message keys are shown).
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    done: Option<String>,
}

impl Done {
    pub fn message(&self, page: &Frame) -> Option<String> {
        let key = format!("done-{}", self.done.as_deref()?);
        let text = page.t(&key);
        (text != key).then_some(text)
    }
}

/// A refusal the form can show next to a field; anything else is an error page.
pub fn form_error(
    lang: Lang,
    error: DirectoryError,
    controls: &[&str],
) -> Result<FormErrors, PageError> {
    match error {
        DirectoryError::Invalid(e) => Ok(FormErrors::from_fields(&[e], controls, Tr::new(lang))),
        DirectoryError::Conflict { field, message } => Ok(FormError {
            control: field
                .filter(|f| controls.contains(&f.as_str()))
                .unwrap_or_default(),
            message,
            ..FormError::default()
        }
        .into()),
        other => Err(PageError::from_directory(lang, other)),
    }
}

/// What an admin form hands to the directory, checked whole before it is sent, so that the
/// form shows every problem at once. The directory checks it again and stops at the first
/// (that is what the API answers); what only the database knows (a name already taken) comes
/// from there.
pub trait Checked {
    fn problems(&self) -> Vec<FieldError>;
}

impl Checked for crate::domain::recommendation::RecommendationInput {
    fn problems(&self) -> Vec<FieldError> {
        Self::problems(self)
    }
}

impl Checked for crate::domain::contact::ContactInput {
    fn problems(&self) -> Vec<FieldError> {
        Self::problems(self, chrono::Utc::now())
    }
}

impl Checked for crate::domain::place::PlaceInput {
    fn problems(&self) -> Vec<FieldError> {
        Self::problems(self)
    }
}

impl Checked for crate::domain::provider::ProviderInput {
    fn problems(&self) -> Vec<FieldError> {
        Self::problems(self)
    }
}

impl Checked for crate::domain::centre::CentreProfileInput {
    fn problems(&self) -> Vec<FieldError> {
        Self::problems(self)
    }
}

/// The flow every admin form shares: the form's own checks (`input`), every problem of the
/// input, then the use case; a refusal shows the form again (`again`) with each error at its
/// field, success goes back to `list` with a confirmation.
pub async fn save<I: Checked, V>(
    lang: Lang,
    controls: &[&str],
    input: Result<I, FieldError>,
    action: impl AsyncFnOnce(I) -> Result<V, DirectoryError>,
    list: &str,
    again: impl FnOnce(FormErrors) -> Response,
) -> Result<Response, PageError> {
    let refused =
        |problems: &[FieldError]| FormErrors::from_fields(problems, controls, Tr::new(lang));
    let input = match input {
        Ok(input) => input,
        Err(e) => return Ok(again(refused(&[e]))),
    };
    let problems = input.problems();
    if !problems.is_empty() {
        return Ok(again(refused(&problems)));
    }
    match action(input).await {
        Ok(_) => Ok(done(list, "saved")),
        Err(e) => Ok(again(form_error(lang, e, controls)?)),
    }
}

/// Back to a page with a confirmation (Post/Redirect/Get: reloading does not post again).
pub fn done(path: &str, what: &str) -> Response {
    Redirect::to(&format!("{path}?done={what}")).into_response()
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    page: Frame,
    notice: Option<String>,
    recommendations: i64,
    contacts: i64,
    places: i64,
    pending_followers: usize,
    follows: usize,
    queue: QueueStatus,
    help: crate::directory::help::HelpCounts,
    /// The latest changes staff made (issue 12).
    audit: Vec<audit::AuditLine>,
}

async fn dashboard(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let d = &state.directory;
    let err = |e| PageError::from_directory(visit.lang, e);
    let staff = visit.access();
    let one = crate::domain::Window {
        offset: 0,
        limit: 1,
    };
    let recommendations = d
        .list_recommendations(&Default::default(), one, staff)
        .await
        .map_err(err)?
        .total;
    let contacts = d
        .list_contacts(&Default::default(), one, staff)
        .await
        .map_err(err)?
        .total;
    let places = d
        .list_places(&Default::default(), one, staff)
        .await
        .map_err(err)?
        .total;
    let pending_followers = d.followers(Some("pending")).await.map_err(err)?.len();
    let follows = d.follows().await.map_err(err)?.len();
    let queue = d.queue_status().await.map_err(err)?;
    let help = d.help_counts().await.map_err(err)?;
    let latest = d
        .audit_log(crate::domain::Window {
            offset: 0,
            limit: audit::ON_DASHBOARD,
        })
        .await
        .map_err(err)?;
    let page = visit.frame(&state, visit.tr().t("admin-title"));
    let page = Dashboard {
        notice: done.message(&page),
        page,
        recommendations,
        contacts,
        places,
        pending_followers,
        follows,
        queue,
        help,
        audit: audit::lines(visit.tr(), latest.results),
    };
    Ok(render(visit.lang, &page))
}
