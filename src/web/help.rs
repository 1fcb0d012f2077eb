//! Asking for help from the website: the short form on the home, software, centre and place
//! pages, the whole form at `/help` (where a refused form comes back with every error at its
//! field), the page that gives the reference, and `/help/erase`, where a visitor erases their
//! request with it. Works without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use crate::directory::DirectoryError;
use crate::directory::help::HelpSubmitted;
use crate::domain::help::{Channel, ConsentInput, HelpRequestInput, OrganisationKind};
use crate::state::{AppState, ClientAddress};

use super::error::{PageError, render};
use super::forms::{FormError, FormErrors};
use super::frame::{Frame, Visit, same_origin};
use super::i18n::Tr;

/// The controls of the form, in the order of the page (errors are listed in this order).
const CONTROLS: &[&str] = &[
    "need",
    "name",
    "contact",
    "postcode",
    "organisation_kind",
    "consent",
    "transfer",
    "centre",
    "website",
];

/// What the form posts (and what `/help?software=…&centre=…` prefills).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct HelpForm {
    pub need: String,
    pub name: String,
    /// An e-mail address or a phone number.
    pub contact: String,
    /// A postcode or a commune.
    pub postcode: String,
    pub organisation_kind: String,
    pub software: String,
    pub centre: String,
    pub consent: Option<String>,
    pub transfer: Option<String>,
    /// The honeypot: hidden from people, filled by robots that fill everything.
    pub website: String,
}

/// The form as a page shows it: its context (the software, the centre) and what was typed.
#[derive(Debug, Clone)]
pub(super) struct HelpBox {
    pub form: HelpForm,
    pub errors: FormErrors,
    /// The chosen centre's name, when a centre is chosen.
    pub centre_name: Option<String>,
    /// The chosen centre's node, when it is another node: the request leaves this one.
    pub remote_node: Option<String>,
    /// `(value, label)` of the kinds of organisation.
    pub kinds: Vec<(&'static str, String)>,
    pub retention_days: u32,
    /// The whole form (`/help`) or the short one of other pages.
    pub full: bool,
}

impl HelpBox {
    /// The short form of a page, about `software` and/or for the centre `centre` (its actor
    /// id, handle or username, with its display name).
    pub(super) fn short(
        state: &AppState,
        tr: Tr,
        software: Option<&str>,
        centre: Option<(&str, &str)>,
    ) -> Self {
        let form = HelpForm {
            software: software.unwrap_or_default().to_owned(),
            centre: centre.map(|c| c.0.to_owned()).unwrap_or_default(),
            ..HelpForm::default()
        };
        Self::new(
            state,
            tr,
            form,
            FormErrors::default(),
            centre.map(|c| c.1),
            false,
        )
    }

    fn new(
        state: &AppState,
        tr: Tr,
        form: HelpForm,
        errors: FormErrors,
        centre_name: Option<&str>,
        full: bool,
    ) -> Self {
        let remote_node = remote_node(state, &form.centre);
        Self {
            kinds: OrganisationKind::ALL
                .iter()
                .map(|k| (k.as_str(), tr.t(&format!("org-kind-{}", k.as_str()))))
                .collect(),
            retention_days: state.directory.help_policy().retention_days,
            centre_name: centre_name
                .map(str::to_owned)
                .or_else(|| Some(form.centre.clone()).filter(|c| !c.is_empty())),
            remote_node,
            form,
            errors,
            full,
        }
    }
}

/// The other node a chosen centre is on, if it is not this one: the request would leave it.
fn remote_node(state: &AppState, centre: &str) -> Option<String> {
    let local = state.directory.urls().authority();
    node_of(centre).filter(|node| *node != local)
}

/// The node of a centre named by handle (`name@node`) or actor id (`https://node/…`).
fn node_of(centre: &str) -> Option<String> {
    let centre = centre.trim();
    if let Ok(url) = url::Url::parse(centre)
        && matches!(url.scheme(), "http" | "https")
    {
        return Some(crate::domain::urls::authority(&url));
    }
    centre
        .trim_start_matches('@')
        .split_once('@')
        .map(|(_, node)| node.to_lowercase())
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    page: Frame,
    help: HelpBox,
}

#[derive(Template)]
#[template(path = "help_sent.html")]
struct SentPage {
    page: Frame,
    sent: HelpSubmitted,
}

/// `GET /help`: the whole form, prefilled from the query (`software`, `centre`).
pub(super) async fn form(
    State(state): State<AppState>,
    visit: Visit,
    Query(form): Query<HelpForm>,
) -> Response {
    let form = HelpForm {
        consent: None,
        transfer: None,
        website: String::new(),
        ..form
    };
    page(&state, &visit, form, FormErrors::default(), StatusCode::OK)
}

fn page(
    state: &AppState,
    visit: &Visit,
    form: HelpForm,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let tr = visit.tr();
    let page = HelpPage {
        page: visit.frame(state, tr.t("help-title")),
        help: HelpBox::new(state, tr, form, errors, None, true),
    };
    let mut response = render(visit.lang, &page);
    *response.status_mut() = status;
    response
}

/// The public forms take posts from this site's pages only (there is no session to carry a
/// token; browsers send `Origin` on POST).
fn refuse_other_sites(
    headers: &HeaderMap,
    state: &AppState,
    visit: &Visit,
) -> Result<(), PageError> {
    if same_origin(headers, state) {
        Ok(())
    } else {
        Err(PageError::new(
            visit.lang,
            StatusCode::FORBIDDEN,
            "error-csrf",
        ))
    }
}

/// `POST /help`: the request sent, or the form again with every error.
pub(super) async fn submit(
    State(state): State<AppState>,
    visit: Visit,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<HelpForm>,
) -> Result<Response, PageError> {
    refuse_other_sites(&headers, &state, &visit)?;
    let tr = visit.tr();
    if !form.website.trim().is_empty() {
        let error = FormError {
            control: "website".into(),
            message: tr.t("help-honeypot"),
            ..FormError::default()
        };
        return Ok(page(
            &state,
            &visit,
            form,
            error.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let input = to_input(&form, tr, &state);
    let problems = input.problems(Utc::now());
    let mut errors: Vec<FormError> = problems.iter().map(|p| place_error(p, tr)).collect();
    if errors.is_empty() {
        match state
            .directory
            .submit_help_request(&input, Channel::Web, client)
            .await
        {
            Ok(sent) => {
                let frame = visit.frame(&state, tr.t("help-sent-title"));
                let mut response = render(visit.lang, &SentPage { page: frame, sent });
                *response.status_mut() = StatusCode::CREATED;
                return Ok(response);
            }
            Err(DirectoryError::Invalid(e)) => errors.push(place_error(&e, tr)),
            Err(other) => return Err(PageError::from_directory(visit.lang, other)),
        }
    }
    Ok(page(
        &state,
        &visit,
        form,
        FormErrors::ordered(errors, CONTROLS),
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

/// The form's fields as the use case reads them: the contact is an e-mail address when it
/// has an `@`, else a phone number; each consent is the sentence the visitor ticked, in
/// their language, now.
fn to_input(form: &HelpForm, tr: Tr, state: &AppState) -> HelpRequestInput {
    let contact = form.contact.trim().to_owned();
    let (email, phone) = if contact.contains('@') {
        (Some(contact), None)
    } else {
        (None, Some(contact))
    };
    let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let node = remote_node(state, &form.centre);
    HelpRequestInput {
        name: form.name.clone(),
        email,
        phone,
        postcode: opt(&form.postcode),
        commune: None,
        organisation_kind: form.organisation_kind.clone(),
        need: form.need.clone(),
        software: opt(&form.software),
        category: None,
        centre: opt(&form.centre),
        consent: form.consent.as_ref().map(|_| ConsentInput {
            given_at: Utc::now(),
            text: tr.t("help-consent"),
        }),
        transfer_consent: match (&form.transfer, node) {
            (Some(_), Some(node)) => Some(ConsentInput {
                given_at: Utc::now(),
                text: tr.t1("help-transfer", "node", &node),
            }),
            _ => None,
        },
    }
}

/// A refusal at its control: the e-mail address and the phone are the one `contact` field;
/// the transfer consent is the `transfer` box.
fn place_error(error: &crate::domain::FieldError, tr: Tr) -> FormError {
    let mut placed = FormError::from_field(error, CONTROLS, tr);
    let root = error.field.split('.').next().unwrap_or_default();
    placed.control = match root {
        "email" | "phone" => "contact".into(),
        "transfer_consent" => "transfer".into(),
        "commune" => "postcode".into(),
        _ => placed.control,
    };
    if placed.control.is_empty() {
        placed.control = root.to_owned();
    }
    placed
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EraseForm {
    reference: String,
}

#[derive(Template)]
#[template(path = "help_erase.html")]
struct ErasePage {
    page: Frame,
    reference: String,
    /// After a POST: erased, or not found.
    outcome: Option<bool>,
}

/// `GET /help/erase`: the form that erases a request by its reference.
pub(super) async fn erase_form(State(state): State<AppState>, visit: Visit) -> Response {
    let page = ErasePage {
        page: visit.frame(&state, visit.tr().t("help-erase-title")),
        reference: String::new(),
        outcome: None,
    };
    render(visit.lang, &page)
}

/// `POST /help/erase`.
pub(super) async fn erase(
    State(state): State<AppState>,
    visit: Visit,
    headers: HeaderMap,
    Form(form): Form<EraseForm>,
) -> Result<Response, PageError> {
    refuse_other_sites(&headers, &state, &visit)?;
    let outcome = match state.directory.erase_help_request(&form.reference).await {
        Ok(()) => true,
        Err(DirectoryError::NotFound(_)) => false,
        Err(other) => return Err(PageError::from_directory(visit.lang, other)),
    };
    let page = ErasePage {
        page: visit.frame(&state, visit.tr().t("help-erase-title")),
        reference: form.reference.trim().to_owned(),
        outcome: Some(outcome),
    };
    let mut response = render(visit.lang, &page);
    if !outcome {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    Ok(response)
}
