//! The admin forms as browsers post them, turned into the API's inputs (so the same validation
//! applies), and back for editing; field errors placed next to the form control they concern.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::domain::FieldError;
use crate::domain::contact::{Area, Consent, ContactInput, SCOPE_TERMS, Visibility};
use crate::domain::provider::{ProviderCard, ProviderInput, ProviderKind, ProviderRef};
use crate::domain::recommendation::{Hosting, Level, RecommendationInput, Status};
use crate::domain::software::SoftwareInput;

use super::i18n::Tr;

/// The error a form shows, next to the control it concerns (and in the summary at the top).
#[derive(Debug, Clone, Default)]
pub(super) struct FormError {
    /// The form control's name; empty when the error concerns no single control.
    pub control: String,
    pub message: String,
    /// The message as the summary at the top says it, naming the field ("Site du logiciel :
    /// ce champ doit être rempli."); empty when the message already says enough.
    pub summary: String,
}

impl FormError {
    /// Places a validation error: `software.homepage` is the control `software_homepage`,
    /// `hosting.1.url` the control `hosting`, `consent.scope` the control `consent`.
    pub(super) fn from_field(error: &FieldError, controls: &[&str], tr: Tr) -> Self {
        let path: Vec<&str> = error
            .field
            .split('.')
            .take_while(|segment| segment.parse::<usize>().is_err())
            .collect();
        let control = (1..=path.len())
            .rev()
            .map(|n| path[..n].join("_"))
            .find(|name| controls.contains(&name.as_str()))
            .unwrap_or_default();
        // In the visitor's language when the refusal is a known one; else as the API says it.
        let message = error
            .code
            .and_then(|code| tr.with_args(&format!("reason-{code}"), &error.args))
            .unwrap_or_else(|| format!("{} {}", error.field, error.reason));
        let summary = label_key(&control)
            .map(|key| {
                tr.with_args(
                    "error-at-field",
                    &[("field", tr.t(key)), ("message", lower_first(&message))],
                )
                .unwrap_or_default()
            })
            .unwrap_or_default();
        Self {
            control,
            message,
            summary,
        }
    }

    /// What the summary at the top says of this error.
    pub(super) fn in_summary(&self) -> &str {
        if self.summary.is_empty() {
            &self.message
        } else {
            &self.summary
        }
    }

    pub(super) fn is(&self, control: &str) -> bool {
        !self.message.is_empty() && self.control == control
    }

    pub(super) fn any(&self) -> bool {
        !self.message.is_empty()
    }
}

/// Every error of a refused form: each shown at its control, all of them in the summary at the
/// top, in the order of the form's controls (errors that concern no control come last).
#[derive(Debug, Clone, Default)]
pub(super) struct FormErrors(Vec<FormError>);

impl FormErrors {
    /// The problems the domain found, placed at the form's `controls`.
    pub(super) fn from_fields(problems: &[FieldError], controls: &[&str], tr: Tr) -> Self {
        let errors = problems
            .iter()
            .map(|p| FormError::from_field(p, controls, tr))
            .collect();
        Self::ordered(errors, controls)
    }

    /// Errors already placed, put in the order of `controls`.
    pub(super) fn ordered(mut errors: Vec<FormError>, controls: &[&str]) -> Self {
        errors.sort_by_key(|e| {
            controls
                .iter()
                .position(|c| *c == e.control)
                .unwrap_or(controls.len())
        });
        Self(errors)
    }

    pub(super) fn any(&self) -> bool {
        self.0.iter().any(FormError::any)
    }

    pub(super) fn count(&self) -> i64 {
        self.0.len() as i64
    }

    pub(super) fn is(&self, control: &str) -> bool {
        self.0.iter().any(|e| e.is(control))
    }

    /// The messages at `control`, empty when it has none.
    pub(super) fn at(&self, control: &str) -> String {
        self.0
            .iter()
            .filter(|e| e.is(control))
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Every message, for a form that has a single field.
    pub(super) fn messages(&self) -> String {
        self.0
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(super) fn list(&self) -> &[FormError] {
        &self.0
    }
}

impl From<FormError> for FormErrors {
    fn from(error: FormError) -> Self {
        Self(vec![error])
    }
}

/// The label of an admin form's control, for the error summary ("Site du logiciel : …"). One
/// table for every form: a control name means the same field wherever it appears.
fn label_key(control: &str) -> Option<&'static str> {
    Some(match control {
        "software_name" => "field-software-name",
        "software_homepage" => "field-software-homepage",
        "software_repository" => "field-software-repository",
        "software_license" => "field-software-license",
        "replaces" => "field-replaces",
        "category" => "category",
        "summary" | "presentation_resume" => "field-summary",
        "rationale" => "field-rationale",
        "language" => "field-language",
        "level" => "level",
        "region" => "field-region",
        "hosting" => "field-hosting",
        "audience" => "field-audience",
        "status" => "status",
        "name" | "nom" => "name",
        "role" => "field-role",
        "area_country" => "field-area-country",
        "area_region" => "field-area-region",
        "area_department" => "field-area-department",
        "area_label" => "field-area-label",
        "skills" => "skills",
        "languages" => "languages",
        "email" | "courriels" => "email",
        "phone" | "telephone" => "phone",
        "website" | "site_web" => "website",
        "contact" => "contact",
        "contact_form" => "contact-form",
        "visibility" => "visibility",
        "consent" => "field-consent-given",
        "consent_date" => "field-consent-date",
        "country" => "provider-country",
        "kind" => "provider-kind-label",
        "pivot" => "field-pivot",
        "adresse" => "field-street",
        "complement_adresse" => "field-street-more",
        "commune" => "field-commune",
        "code_postal" => "field-postcode",
        "code_insee" => "field-insee",
        "latitude" => "field-latitude",
        "longitude" => "field-longitude",
        "typologie" => "field-typology",
        "horaires" => "place-hours",
        "presentation_detail" => "place-about",
        "source" => "field-source",
        "source_id" => "field-source-id",
        "structure_parente" => "place-parent",
        "date_maj" => "field-date-maj",
        "fiche_acces_libre" => "place-accessibility",
        "prise_rdv" => "place-booking",
        "autres_formations_labels" => "field-other-labels",
        "current" => "password-current",
        "new" => "password-new",
        "again" => "password-again",
        _ => return None,
    })
}

/// "Ce champ…" as it reads after a label and a colon: "ce champ…" (an acronym stays as it is).
fn lower_first(message: &str) -> String {
    let mut chars = message.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(message.chars().skip(1))
            .collect(),
        _ => message.to_owned(),
    }
}

pub(crate) fn opt(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Comma- or line-separated values.
pub(crate) fn list(value: &str) -> Vec<String> {
    value
        .split([',', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One hosted offer of the recommendation form: a provider picked from the node's records, the
/// service's name and its address (both taken from the provider when left blank).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct OfferRow {
    pub provider: String,
    pub name: String,
    pub url: String,
}

/// Blank offer rows under the filled ones: room for new offers without JavaScript.
const BLANK_OFFERS: usize = 2;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct ProviderForm {
    pub name: String,
    pub website: String,
    pub kind: String,
    /// The checkbox: present when ticked.
    pub chatons: Option<String>,
    pub country: String,
}

impl ProviderForm {
    pub(super) const CONTROLS: &'static [&'static str] =
        &["name", "website", "kind", "chatons", "country"];

    pub(super) fn new_default() -> Self {
        Self {
            kind: ProviderKind::Association.as_str().into(),
            country: "FR".into(),
            ..Default::default()
        }
    }

    pub(super) fn to_input(&self) -> Result<ProviderInput, FieldError> {
        Ok(ProviderInput {
            name: self.name.trim().to_owned(),
            website: self.website.trim().to_owned(),
            kind: ProviderKind::parse("kind", &self.kind)?,
            chatons: self.chatons.is_some(),
            country: opt(&self.country),
        })
    }

    pub(super) fn from_input(input: &ProviderInput) -> Self {
        Self {
            name: input.name.clone(),
            website: input.website.clone(),
            kind: input.kind.as_str().into(),
            chatons: input.chatons.then(|| "on".into()),
            country: input.country.clone().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct RecommendationForm {
    pub software_name: String,
    pub software_homepage: String,
    pub software_repository: String,
    pub software_license: String,
    pub replaces: String,
    pub category: String,
    pub summary: String,
    pub language: String,
    pub rationale: String,
    pub level: String,
    pub region: String,
    pub audience: String,
    pub status: String,
    /// The offer rows' controls, `offer_{i}_provider`, `offer_{i}_name`, `offer_{i}_url` (and
    /// whatever else the browser posts, which is ignored).
    #[serde(flatten)]
    pub controls: BTreeMap<String, String>,
}

impl RecommendationForm {
    pub(super) const CONTROLS: &'static [&'static str] = &[
        "software_name",
        "software_homepage",
        "software_repository",
        "software_license",
        "replaces",
        "category",
        "summary",
        "language",
        "rationale",
        "level",
        "region",
        "hosting",
        "audience",
        "status",
    ];

    pub(super) fn new_default() -> Self {
        Self {
            language: "fr".into(),
            level: "recommended".into(),
            status: "published".into(),
            ..Default::default()
        }
    }

    /// The offers typed in, in row order, without blank rows.
    pub(super) fn offers(&self) -> Vec<OfferRow> {
        let mut rows: BTreeMap<usize, OfferRow> = BTreeMap::new();
        for (control, value) in &self.controls {
            let Some((i, part)) = control
                .strip_prefix("offer_")
                .and_then(|rest| rest.split_once('_'))
                .and_then(|(i, part)| Some((i.parse::<usize>().ok()?, part)))
            else {
                continue;
            };
            let row = rows.entry(i).or_default();
            let value = value.trim().to_owned();
            match part {
                "provider" => row.provider = value,
                "name" => row.name = value,
                "url" => row.url = value,
                _ => {}
            }
        }
        rows.into_values()
            .filter(|r| *r != OfferRow::default())
            .collect()
    }

    /// The rows to show: the offers, then blank ones.
    pub(super) fn offer_rows(&self) -> Vec<OfferRow> {
        let mut rows = self.offers();
        rows.extend(std::iter::repeat_n(OfferRow::default(), BLANK_OFFERS));
        rows
    }

    fn set_offers(&mut self, offers: &[OfferRow]) {
        self.controls
            .retain(|control, _| !control.starts_with("offer_"));
        for (i, offer) in offers.iter().enumerate() {
            for (part, value) in [
                ("provider", &offer.provider),
                ("name", &offer.name),
                ("url", &offer.url),
            ] {
                self.controls
                    .insert(format!("offer_{i}_{part}"), value.clone());
            }
        }
    }

    /// The API's input; an offer's blank name or address is its provider's (from `providers`,
    /// the node's records).
    pub(super) fn to_input(
        &self,
        providers: &[ProviderCard],
    ) -> Result<RecommendationInput, FieldError> {
        let hosting = self
            .offers()
            .into_iter()
            .map(|offer| {
                let record = providers.iter().find(|p| p.key == offer.provider);
                let or_record = |typed: String, from: fn(&ProviderCard) -> &String| match record {
                    Some(p) if typed.is_empty() => from(p).clone(),
                    _ => typed,
                };
                Hosting {
                    name: or_record(offer.name, |p| &p.name),
                    url: or_record(offer.url, |p| &p.website),
                    provider: Some(offer.provider)
                        .filter(|p| !p.is_empty())
                        .map(ProviderRef::Key),
                }
            })
            .collect();
        let level = match self.level.trim() {
            "" => Level::default(),
            other => Level::parse(other)
                .ok_or_else(|| FieldError::new("level", format!("`{other}` is not a level")))?,
        };
        let status = match self.status.trim() {
            "" => Status::default(),
            other => Status::parse(other)
                .ok_or_else(|| FieldError::new("status", format!("`{other}` is not a status")))?,
        };
        Ok(RecommendationInput {
            software: SoftwareInput {
                name: self.software_name.trim().to_owned(),
                homepage: self.software_homepage.trim().to_owned(),
                repository: opt(&self.software_repository),
                license: opt(&self.software_license),
                wikidata: None,
            },
            replaces: list(&self.replaces),
            category: self.category.trim().to_owned(),
            summary: self.summary.trim().to_owned(),
            language: opt(&self.language),
            rationale: opt(&self.rationale),
            level,
            region: opt(&self.region),
            hosting,
            audience: list(&self.audience),
            status,
        })
    }

    pub(super) fn from_input(input: &RecommendationInput) -> Self {
        let offers: Vec<OfferRow> = input
            .hosting
            .iter()
            .map(|h| OfferRow {
                provider: match &h.provider {
                    Some(ProviderRef::Key(key)) => key.clone(),
                    _ => String::new(),
                },
                name: h.name.clone(),
                url: h.url.clone(),
            })
            .collect();
        let mut form = Self {
            software_name: input.software.name.clone(),
            software_homepage: input.software.homepage.clone(),
            software_repository: input.software.repository.clone().unwrap_or_default(),
            software_license: input.software.license.clone().unwrap_or_default(),
            replaces: input.replaces.join(", "),
            category: input.category.clone(),
            summary: input.summary.clone(),
            language: input.language.clone().unwrap_or_else(|| "fr".into()),
            rationale: input.rationale.clone().unwrap_or_default(),
            level: input.level.as_str().to_owned(),
            region: input.region.clone().unwrap_or_default(),
            audience: input.audience.join(", "),
            status: input.status.as_str().to_owned(),
            controls: BTreeMap::new(),
        };
        form.set_offers(&offers);
        form
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(super) struct ContactForm {
    pub name: String,
    pub role: String,
    pub area_country: String,
    pub area_region: String,
    pub area_department: String,
    pub area_label: String,
    pub skills: String,
    pub languages: String,
    pub email: String,
    pub phone: String,
    pub website: String,
    pub contact_form: String,
    pub visibility: String,
    /// Checkbox: the person agreed to the publication of the ticked fields.
    pub consent_given: Option<String>,
    /// The day they agreed (`YYYY-MM-DD`); today when empty.
    pub consent_date: String,
    pub consent_scope: Vec<String>,
    /// Checkbox: the person withdrew their consent.
    pub consent_withdrawn: Option<String>,
}

impl ContactForm {
    pub(super) const CONTROLS: &'static [&'static str] = &[
        "name",
        "role",
        "area_country",
        "area_region",
        "area_department",
        "area_label",
        "skills",
        "languages",
        "email",
        "phone",
        "website",
        "contact_form",
        "visibility",
        "consent",
    ];

    pub(super) fn new_default() -> Self {
        Self {
            visibility: "hidden".into(),
            ..Default::default()
        }
    }

    pub(super) fn to_input(&self, now: DateTime<Utc>) -> Result<ContactInput, FieldError> {
        let visibility = match self.visibility.trim() {
            "" => Visibility::default(),
            other => Visibility::parse(other).ok_or_else(|| {
                FieldError::new(
                    "visibility",
                    format!("`{other}` is not one of hidden, local, network, public"),
                )
            })?,
        };
        let consent = if self.consent_given.is_some() {
            let given_at = match opt(&self.consent_date) {
                None => now,
                Some(day) => NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|_| {
                        FieldError::new("consent.given_at", "must be a date (YYYY-MM-DD)")
                    })?
                    .and_hms_opt(12, 0, 0)
                    .expect("noon exists")
                    .and_utc(),
            };
            Some(Consent {
                given_at,
                scope: Some(self.consent_scope.clone()),
                withdrawn_at: self.consent_withdrawn.as_ref().map(|_| now),
            })
        } else {
            None
        };
        let area = Area {
            country: opt(&self.area_country),
            region: opt(&self.area_region),
            department: opt(&self.area_department),
            label: opt(&self.area_label),
        };
        Ok(ContactInput {
            name: self.name.trim().to_owned(),
            role: opt(&self.role),
            area: Some(area).filter(|a| *a != Area::default()),
            skills: list(&self.skills),
            languages: list(&self.languages),
            email: opt(&self.email),
            phone: opt(&self.phone),
            website: opt(&self.website),
            contact_form: opt(&self.contact_form),
            visibility,
            consent,
        })
    }

    pub(super) fn from_input(input: &ContactInput) -> Self {
        let area = input.area.clone().unwrap_or_default();
        let consent = input.consent.as_ref();
        Self {
            name: input.name.clone(),
            role: input.role.clone().unwrap_or_default(),
            area_country: area.country.unwrap_or_default(),
            area_region: area.region.unwrap_or_default(),
            area_department: area.department.unwrap_or_default(),
            area_label: area.label.unwrap_or_default(),
            skills: input.skills.join(", "),
            languages: input.languages.join(", "),
            email: input.email.clone().unwrap_or_default(),
            phone: input.phone.clone().unwrap_or_default(),
            website: input.website.clone().unwrap_or_default(),
            contact_form: input.contact_form.clone().unwrap_or_default(),
            visibility: input.visibility.as_str().to_owned(),
            consent_given: consent.map(|_| "on".into()),
            consent_date: consent
                .map(|c| c.given_at.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            consent_scope: consent
                .map(|c| {
                    c.scope
                        .clone()
                        .unwrap_or_else(|| SCOPE_TERMS.iter().map(|t| (*t).to_owned()).collect())
                })
                .unwrap_or_default(),
            consent_withdrawn: consent.and_then(|c| c.withdrawn_at).map(|_| "on".into()),
        }
    }

    pub(super) fn scope_has(&self, term: &str) -> bool {
        self.consent_scope.iter().any(|t| t == term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn errors_land_on_their_control() {
        let at = |field: &str| {
            FormError::from_field(
                &FieldError::new(field, "is wrong"),
                RecommendationForm::CONTROLS,
                Tr::new(Lang::Fr),
            )
            .control
        };
        assert_eq!(at("software.homepage"), "software_homepage");
        assert_eq!(at("hosting.1.url"), "hosting");
        assert_eq!(at("replaces.0"), "replaces");
        assert_eq!(at("summary"), "summary");
        assert_eq!(at("nothing.like.this"), "");
        let consent = FormError::from_field(
            &FieldError::new("consent.scope.2", "x"),
            ContactForm::CONTROLS,
            Tr::new(Lang::Fr),
        );
        assert_eq!(consent.control, "consent");
    }

    #[test]
    fn the_summary_names_the_field_of_each_error() {
        let problems = [
            FieldError::coded("summary", "empty", "must not be empty", &[]),
            FieldError::coded("software.homepage", "empty", "must not be empty", &[]),
            FieldError::new("nothing.like.this", "is odd"),
        ];
        let errors =
            FormErrors::from_fields(&problems, RecommendationForm::CONTROLS, Tr::new(Lang::Fr));
        let summary: Vec<&str> = errors.list().iter().map(FormError::in_summary).collect();
        // In the order of the form; an error without a control last, as the API said it.
        assert_eq!(
            summary,
            [
                "Site du logiciel : ce champ doit être rempli.",
                "Résumé : ce champ doit être rempli.",
                "nothing.like.this is odd",
            ]
        );
        assert_eq!(errors.at("summary"), "Ce champ doit être rempli.");
        let en = FormErrors::from_fields(
            &problems[..1],
            RecommendationForm::CONTROLS,
            Tr::new(Lang::En),
        );
        assert_eq!(
            en.list()[0].in_summary(),
            "Summary: this field must be filled in."
        );
    }

    #[test]
    fn known_refusals_read_in_the_visitors_language() {
        let error = FieldError::coded(
            "software.homepage",
            "url-scheme",
            "must be an http or https URL, not ftp:",
            &[("scheme", &"ftp")],
        );
        let fr = FormError::from_field(&error, RecommendationForm::CONTROLS, Tr::new(Lang::Fr));
        assert!(fr.message.contains("ftp"), "{}", fr.message);
        assert!(fr.message.contains("adresse"), "{}", fr.message);
        let en = FormError::from_field(&error, RecommendationForm::CONTROLS, Tr::new(Lang::En));
        assert!(en.message.contains("address"), "{}", en.message);
        // Without a code, the API's words.
        let plain = FieldError::new("summary", "is odd");
        let fr = FormError::from_field(&plain, RecommendationForm::CONTROLS, Tr::new(Lang::Fr));
        assert_eq!(fr.message, "summary is odd");
    }

    #[test]
    fn offers_take_blanks_from_their_provider() {
        let zaclys = ProviderCard {
            key: "zaclys".into(),
            name: "La Mère Zaclys".into(),
            website: "https://www.zaclys.com/".into(),
            kind: crate::domain::provider::ProviderKind::Association,
            chatons: true,
            country: Some("FR".into()),
        };
        let mut form = RecommendationForm::new_default();
        for (control, value) in [
            ("offer_0_provider", "zaclys"),
            ("offer_0_url", "nuage.zaclys.com"),
            ("offer_1_provider", ""),
            ("offer_1_name", ""),
            ("offer_1_url", ""),
            ("offer_2_name", "Framadrive"),
            ("offer_2_url", "https://framadrive.org"),
            ("csrf", "x"),
        ] {
            form.controls.insert(control.into(), value.into());
        }
        let hosting = form
            .to_input(std::slice::from_ref(&zaclys))
            .unwrap()
            .hosting;
        assert_eq!(hosting.len(), 2, "the blank row is dropped");
        assert_eq!(hosting[0].name, "La Mère Zaclys");
        // As typed: the domain's validation completes the scheme (`HttpUrl::typed`).
        assert_eq!(hosting[0].url, "nuage.zaclys.com");
        assert_eq!(hosting[0].provider, Some(ProviderRef::Key("zaclys".into())));
        assert_eq!(hosting[1].name, "Framadrive");
        assert_eq!(hosting[1].provider, None);
        assert_eq!(form.offer_rows().len(), 2 + BLANK_OFFERS);
    }

    #[test]
    fn a_recommendation_form_round_trips() {
        let form = RecommendationForm {
            software_name: "Nextcloud".into(),
            software_homepage: "https://nextcloud.com".into(),
            replaces: "Google Drive, Dropbox".into(),
            category: "files".into(),
            summary: "Partage de fichiers.".into(),
            audience: "associations".into(),
            ..RecommendationForm::new_default()
        };
        let mut form = form;
        form.set_offers(&[OfferRow {
            provider: String::new(),
            name: "Zaclys".into(),
            url: "https://zaclys.com".into(),
        }]);
        let input = form.to_input(&[]).unwrap();
        assert_eq!(input.replaces, ["Google Drive", "Dropbox"]);
        let back = RecommendationForm::from_input(&input);
        assert_eq!(back.replaces, form.replaces);
        assert_eq!(back.offers(), form.offers());
    }

    #[test]
    fn consent_follows_the_checkboxes() {
        let form = ContactForm {
            name: "Camille".into(),
            visibility: "public".into(),
            consent_given: Some("on".into()),
            consent_date: "2026-11-02".into(),
            consent_scope: vec!["name".into(), "email".into()],
            ..Default::default()
        };
        let input = form.to_input(Utc::now()).unwrap();
        let consent = input.consent.unwrap();
        assert_eq!(consent.scope.unwrap(), ["name", "email"]);
        assert_eq!(consent.given_at.format("%F").to_string(), "2026-11-02");
        let bad = ContactForm {
            consent_date: "2 nov".into(),
            ..form
        };
        assert_eq!(
            bad.to_input(Utc::now()).unwrap_err().field,
            "consent.given_at"
        );
    }
}
