//! Mediation places in the admin pages: the list (ours, and those received from the centres we
//! follow), create, edit, delete. Every field of the national schema is on the form; its
//! checks are the API's, and a refusal comes back at its field.

use std::sync::LazyLock;

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::directory::places::PlaceView;
use crate::domain::FieldError;
use crate::domain::Window;
use crate::domain::place::{
    ACCESS_MODES, FEES, ITINERANCE, NATIONAL_PROGRAMMES, PUBLICS, PlaceInput, SERVICES,
    SPECIFIC_SUPPORT, SUPPORT_MODES, TRAINING_LABELS, field_names,
};
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::{self, FormErrors, opt};
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::lists::{
    Bulk, ListQuery, Listing, Tools, bulk_done, confirm_bulk, confirm_delete, refused,
};
use super::{Done, done, save};

const LIST: &str = "/admin/places";

const ACTIONS: &[&str] = &["delete"];

const LISTING: Listing<PlaceView> = Listing {
    path: LIST,
    text: |p| {
        format!(
            "{} {} {} {} {}",
            p.place.nom, p.place.adresse, p.place.code_postal, p.place.commune, p.origin_name
        )
    },
    status: None,
    statuses: &[],
    status_prefix: "status",
    sorts: &[
        ("updated", |a, b| b.updated.cmp(&a.updated)),
        ("name", |a, b| {
            crate::domain::text::fold(&a.place.nom).cmp(&crate::domain::text::fold(&b.place.nom))
        }),
        ("place", |a, b| {
            (crate::domain::text::fold(&a.place.commune), &a.place.nom)
                .cmp(&(crate::domain::text::fold(&b.place.commune), &b.place.nom))
        }),
    ],
    actions: ACTIONS,
};

async fn all(state: &AppState, visit: &Visit) -> Result<Vec<PlaceView>, PageError> {
    Ok(state
        .directory
        .list_places(
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

/// `GET /admin/places/{key}/delete`: asks before deleting.
pub async fn delete_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let place = state
        .directory
        .place_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(confirm_delete(&state, &visit, LIST, &key, &place.nom))
}

/// `GET /admin/places/bulk?action=delete&key=…`: asks before deleting the ticked places.
pub async fn bulk_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let bulk = Bulk::from_query(query.as_deref());
    let names = all(&state, &visit)
        .await?
        .into_iter()
        .filter(|p| p.local && bulk.key.contains(&p.key))
        .map(|p| (p.key, p.place.nom))
        .collect();
    confirm_bulk(&state, &visit, LIST, ACTIONS, bulk, names)
}

/// `POST /admin/places/bulk`: each place deleted as one delete would.
pub async fn bulk(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<Bulk>,
) -> Result<Response, PageError> {
    let d = &state.directory;
    if let Some(nothing) = refused(&form, LIST, ACTIONS) {
        return Ok(nothing);
    }
    for key in &form.key {
        d.delete_place(key)
            .await
            .map_err(|e| PageError::from_directory(visit.lang, e))?;
    }
    Ok(bulk_done(LIST, &form))
}

/// The place form as browsers post it: text as typed, ticked labels as lists.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlaceForm {
    pub source_id: String,
    pub pivot: String,
    pub nom: String,
    pub commune: String,
    pub code_postal: String,
    pub code_insee: String,
    pub adresse: String,
    pub complement_adresse: String,
    pub latitude: String,
    pub longitude: String,
    pub typologie: String,
    pub telephone: String,
    pub courriels: String,
    pub site_web: String,
    pub horaires: String,
    pub presentation_resume: String,
    pub presentation_detail: String,
    pub source: String,
    pub structure_parente: String,
    pub date_maj: String,
    pub autres_formations_labels: String,
    pub fiche_acces_libre: String,
    pub prise_rdv: String,
    pub itinerance: Vec<String>,
    pub services: Vec<String>,
    pub publics_specifiquement_adresses: Vec<String>,
    pub prise_en_charge_specifique: Vec<String>,
    pub frais_a_charge: Vec<String>,
    pub dispositif_programmes_nationaux: Vec<String>,
    pub formations_labels: Vec<String>,
    pub modalites_acces: Vec<String>,
    pub modalites_accompagnement: Vec<String>,
}

/// A group of checkboxes: the schema's field, its heading, the allowed labels.
pub struct Choices {
    pub name: &'static str,
    pub legend: &'static str,
    pub options: &'static [&'static str],
}

const CHOICES: &[Choices] = &[
    Choices {
        name: "services",
        legend: "place-services",
        options: SERVICES,
    },
    Choices {
        name: "modalites_accompagnement",
        legend: "place-support-modes",
        options: SUPPORT_MODES,
    },
    Choices {
        name: "modalites_acces",
        legend: "place-access-modes",
        options: ACCESS_MODES,
    },
    Choices {
        name: "frais_a_charge",
        legend: "place-fees",
        options: FEES,
    },
    Choices {
        name: "publics_specifiquement_adresses",
        legend: "place-publics",
        options: PUBLICS,
    },
    Choices {
        name: "prise_en_charge_specifique",
        legend: "place-specific-support",
        options: SPECIFIC_SUPPORT,
    },
    Choices {
        name: "dispositif_programmes_nationaux",
        legend: "place-programmes",
        options: NATIONAL_PROGRAMMES,
    },
    Choices {
        name: "formations_labels",
        legend: "place-labels",
        options: TRAINING_LABELS,
    },
    Choices {
        name: "itinerance",
        legend: "field-itinerance",
        options: ITINERANCE,
    },
];

/// The form controls, named as the schema's fields (so an error lands at its field).
static CONTROLS: LazyLock<Vec<&'static str>> = LazyLock::new(|| field_names().collect());

impl PlaceForm {
    pub fn new_default(today: &str) -> Self {
        Self {
            date_maj: today.to_owned(),
            ..Default::default()
        }
    }

    pub fn to_input(&self) -> Result<PlaceInput, FieldError> {
        let coordinate = |field: &str, value: &str| -> Result<Option<f64>, FieldError> {
            match opt(value) {
                None => Ok(None),
                Some(v) => v.replace(',', ".").parse::<f64>().map(Some).map_err(|_| {
                    FieldError::new(
                        field,
                        format!("`{v}` is not a number of degrees (e.g. 45.4766)"),
                    )
                }),
            }
        };
        Ok(PlaceInput {
            source_id: opt(&self.source_id),
            pivot: self.pivot.trim().to_owned(),
            nom: self.nom.trim().to_owned(),
            commune: self.commune.trim().to_owned(),
            code_postal: self.code_postal.trim().to_owned(),
            code_insee: opt(&self.code_insee),
            adresse: self.adresse.trim().to_owned(),
            complement_adresse: opt(&self.complement_adresse),
            latitude: coordinate("latitude", &self.latitude)?,
            longitude: coordinate("longitude", &self.longitude)?,
            typologie: forms::list(&self.typologie),
            telephone: opt(&self.telephone),
            courriels: forms::list(&self.courriels),
            site_web: forms::list(&self.site_web),
            horaires: opt(&self.horaires),
            presentation_resume: opt(&self.presentation_resume),
            presentation_detail: opt(&self.presentation_detail),
            source: opt(&self.source),
            itinerance: self.itinerance.clone(),
            structure_parente: opt(&self.structure_parente),
            date_maj: self.date_maj.trim().to_owned(),
            services: self.services.clone(),
            publics_specifiquement_adresses: self.publics_specifiquement_adresses.clone(),
            prise_en_charge_specifique: self.prise_en_charge_specifique.clone(),
            frais_a_charge: self.frais_a_charge.clone(),
            dispositif_programmes_nationaux: self.dispositif_programmes_nationaux.clone(),
            formations_labels: self.formations_labels.clone(),
            autres_formations_labels: opt(&self.autres_formations_labels),
            modalites_acces: self.modalites_acces.clone(),
            modalites_accompagnement: self.modalites_accompagnement.clone(),
            fiche_acces_libre: opt(&self.fiche_acces_libre),
            prise_rdv: opt(&self.prise_rdv),
        })
    }

    pub fn from_input(p: &PlaceInput) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<f64>| v.map(|n| n.to_string()).unwrap_or_default();
        Self {
            source_id: text(&p.source_id),
            pivot: p.pivot.clone(),
            nom: p.nom.clone(),
            commune: p.commune.clone(),
            code_postal: p.code_postal.clone(),
            code_insee: text(&p.code_insee),
            adresse: p.adresse.clone(),
            complement_adresse: text(&p.complement_adresse),
            latitude: number(p.latitude),
            longitude: number(p.longitude),
            typologie: p.typologie.join(", "),
            telephone: text(&p.telephone),
            courriels: p.courriels.join(", "),
            site_web: p.site_web.join(", "),
            horaires: text(&p.horaires),
            presentation_resume: text(&p.presentation_resume),
            presentation_detail: text(&p.presentation_detail),
            source: text(&p.source),
            structure_parente: text(&p.structure_parente),
            date_maj: p.date_maj.clone(),
            autres_formations_labels: text(&p.autres_formations_labels),
            fiche_acces_libre: text(&p.fiche_acces_libre),
            prise_rdv: text(&p.prise_rdv),
            itinerance: p.itinerance.clone(),
            services: p.services.clone(),
            publics_specifiquement_adresses: p.publics_specifiquement_adresses.clone(),
            prise_en_charge_specifique: p.prise_en_charge_specifique.clone(),
            frais_a_charge: p.frais_a_charge.clone(),
            dispositif_programmes_nationaux: p.dispositif_programmes_nationaux.clone(),
            formations_labels: p.formations_labels.clone(),
            modalites_acces: p.modalites_acces.clone(),
            modalites_accompagnement: p.modalites_accompagnement.clone(),
        }
    }

    /// Whether `value` is ticked in the group `name`.
    pub fn ticked(&self, name: &str, value: &str) -> bool {
        let chosen = match name {
            "itinerance" => &self.itinerance,
            "services" => &self.services,
            "publics_specifiquement_adresses" => &self.publics_specifiquement_adresses,
            "prise_en_charge_specifique" => &self.prise_en_charge_specifique,
            "frais_a_charge" => &self.frais_a_charge,
            "dispositif_programmes_nationaux" => &self.dispositif_programmes_nationaux,
            "formations_labels" => &self.formations_labels,
            "modalites_acces" => &self.modalites_acces,
            "modalites_accompagnement" => &self.modalites_accompagnement,
            _ => return false,
        };
        chosen.iter().any(|v| v == value)
    }
}

#[derive(Template)]
#[template(path = "admin/places.html")]
struct ListPage {
    page: Frame,
    notice: Option<String>,
    local: Vec<PlaceView>,
    tools: Tools,
    received: Vec<PlaceView>,
    received_tools: Tools,
}

/// `GET /admin/places`: ours (searched, sorted, paged, bulk delete) and those received.
pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let (local, received): (Vec<_>, Vec<_>) = all(&state, &visit)
        .await?
        .into_iter()
        .partition(|p| p.local);
    let (local, tools) = LISTING.pick(local, &query, &visit);
    let (received, received_tools) = LISTING.pick_received(received, &query, &visit);
    let page = visit.frame(&state, visit.tr().t("admin-places"));
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
#[template(path = "admin/place_form.html")]
struct FormPage {
    page: Frame,
    key: String,
    form: PlaceForm,
    error: FormErrors,
    choices: &'static [Choices],
}

fn form_page(
    state: &AppState,
    visit: &Visit,
    key: &str,
    form: PlaceForm,
    error: FormErrors,
) -> Response {
    let title = if key.is_empty() {
        visit.tr().t("new-place")
    } else {
        visit.tr().t1("edit-place", "name", &form.nom)
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
        choices: CHOICES,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    res
}

pub async fn new_form(State(state): State<AppState>, AdminVisit(visit): AdminVisit) -> Response {
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    form_page(
        &state,
        &visit,
        "",
        PlaceForm::new_default(&today),
        FormErrors::default(),
    )
}

pub async fn create(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<PlaceForm>,
) -> Result<Response, PageError> {
    save(
        visit.lang,
        &CONTROLS,
        form.to_input(),
        async |input| state.directory.create_place(None, &input).await,
        "/admin/places",
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
        .place_input(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(form_page(
        &state,
        &visit,
        &key,
        PlaceForm::from_input(&input),
        FormErrors::default(),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Path(key): Path<String>,
    AdminForm { visit, form }: AdminForm<PlaceForm>,
) -> Result<Response, PageError> {
    save(
        visit.lang,
        &CONTROLS,
        form.to_input(),
        async |input| state.directory.update_place(&key, &input).await,
        "/admin/places",
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
        .delete_place(&key)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done(LIST, "deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_goes_through_the_form_unchanged() {
        let place = crate::domain::place::tests::example();
        let form = PlaceForm::from_input(&place);
        assert_eq!(form.to_input().unwrap(), place);
        assert!(CHOICES.iter().all(|c| CONTROLS.contains(&c.name)));
    }

    #[test]
    fn coordinates_take_a_comma() {
        let form = PlaceForm {
            latitude: "45,47".into(),
            longitude: "nord".into(),
            ..Default::default()
        };
        let error = form.to_input().unwrap_err();
        assert_eq!(error.field, "longitude");
    }
}
