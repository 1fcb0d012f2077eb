//! Mediation places: where people can go for help, in the national data standard
//! "Lieux de médiation numérique" v1.0.2 (LaMednum/standard-mediation-num, Licence Ouverte 2.0;
//! its schema is `tests/fixtures/lieux-mediation-numerique/schema.json`).
//!
//! A place is written with the schema's own field names (`nom`, `code_postal`, `services`…), in
//! the API, the CSV files and the stored rows alike, so a file goes in and comes out unchanged.
//! The schema's `id` (the producer's own identifier) is `source_id` here: `id` is the place's
//! absolute URL, as for every object of the node. Multi-valued fields are lists (joined with `|`
//! in CSV); where the schema lists the allowed values, only those exact labels are accepted
//! (the alternatives of the schema's `pattern`, which the Frictionless validator checks, not
//! the descriptions, which differ in places).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use opening_hours::localization::{Country, TzLocation};
use opening_hours::{Context, OpeningHours, RuleKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::{Problems, first};
use super::web_url::HttpUrl;
use super::{FieldError, text};

/// The schema's version this module follows.
pub const SCHEMA_VERSION: &str = "1.0.2";

/// `itinerance`.
pub const ITINERANCE: &[&str] = &["Itinérant", "Fixe"];
/// `services`.
pub const SERVICES: &[&str] = &[
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
];
/// `publics_specifiquement_adresses`.
pub const PUBLICS: &[&str] = &[
    "Jeunes",
    "Étudiants",
    "Familles et/ou enfants",
    "Seniors",
    "Femmes",
];
/// `prise_en_charge_specifique`.
pub const SPECIFIC_SUPPORT: &[&str] = &[
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
];
/// `frais_a_charge`.
pub const FEES: &[&str] = &["Gratuit", "Gratuit sous condition", "Payant"];
/// `dispositif_programmes_nationaux`.
pub const NATIONAL_PROGRAMMES: &[&str] = &[
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
];
/// `formations_labels` (`Étapes numériques(La Poste)` has no space: so says the pattern).
pub const TRAINING_LABELS: &[&str] = &[
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques(La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
];
/// `modalites_acces`.
pub const ACCESS_MODES: &[&str] = &[
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
];
/// `modalites_accompagnement`.
pub const SUPPORT_MODES: &[&str] = &[
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
];

/// The telephone prefixes the schema allows (France and its overseas territories).
const PHONE_PREFIXES: &[&str] = &[
    "+33", "+590", "+594", "+262", "+596", "+269", "+687", "+689", "+508", "+681",
];

/// The schema's columns, in its order: a CSV file is recognised by them and written in them.
pub const COLUMNS: [&str; 32] = [
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
];

/// The schema's fields as [`PlaceInput`] names them, in the schema's order (its `id` is
/// `source_id`).
pub(crate) fn field_names() -> impl Iterator<Item = &'static str> {
    COLUMNS
        .iter()
        .map(|&column| if column == "id" { "source_id" } else { column })
}

/// The schema's fields that hold lists (`|` between items in CSV).
pub const LIST_FIELDS: [&str; 12] = [
    "typologie",
    "courriels",
    "site_web",
    "itinerance",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
];

/// A place as sent on the wire (`POST` body; `PATCH` is a JSON merge patch of it), with the
/// schema's field names. Blank text is absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceInput {
    /// The schema's `id`: the producer's own identifier of the place (unique per centre).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// SIRET, RNA or RIDET of the structure (9 to 14 letters or digits).
    pub pivot: String,
    pub nom: String,
    pub commune: String,
    /// Five digits.
    pub code_postal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_insee: Option<String>,
    pub adresse: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complement_adresse: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Typology codes of data.inclusion (`ASSO`, `BIB`, `EPN`, `TIERS_LIEUX`…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub typologie: Vec<String>,
    /// `+33` and the number, no spaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub courriels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub site_web: Vec<String>,
    /// OpenStreetMap `opening_hours` syntax (`Mo-Fr 09:00-12:00,14:00-17:30; PH off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horaires: Option<String>,
    /// At most 280 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_resume: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_detail: Option<String>,
    /// Who collected the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `Itinérant` and/or `Fixe`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub itinerance: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure_parente: Option<String>,
    /// Date of the last update of the record, `YYYY-MM-DD`.
    pub date_maj: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publics_specifiquement_adresses: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prise_en_charge_specifique: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frais_a_charge: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dispositif_programmes_nationaux: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formations_labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autres_formations_labels: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modalites_acces: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modalites_accompagnement: Vec<String>,
    /// The place's accessibility sheet on acceslibre.beta.gouv.fr.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiche_acces_libre: Option<String>,
    /// Where to book an appointment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prise_rdv: Option<String>,
}

/// The list fields, as `(schema name, values)`: stored together, joined with `|` in CSV.
pub type Lists = std::collections::BTreeMap<String, Vec<String>>;

/// A validated place: the input, trimmed, blanks dropped, every constraint of the schema met.
/// Only [`PlaceInput::validate`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceDraft {
    place: PlaceInput,
    date_maj: NaiveDate,
}

impl PlaceDraft {
    pub(crate) fn place(&self) -> &PlaceInput {
        &self.place
    }
}

impl PlaceInput {
    /// The list fields by schema name (absent when empty).
    pub(crate) fn lists(&self) -> Lists {
        [
            ("typologie", &self.typologie),
            ("courriels", &self.courriels),
            ("site_web", &self.site_web),
            ("itinerance", &self.itinerance),
            ("services", &self.services),
            (
                "publics_specifiquement_adresses",
                &self.publics_specifiquement_adresses,
            ),
            (
                "prise_en_charge_specifique",
                &self.prise_en_charge_specifique,
            ),
            ("frais_a_charge", &self.frais_a_charge),
            (
                "dispositif_programmes_nationaux",
                &self.dispositif_programmes_nationaux,
            ),
            ("formations_labels", &self.formations_labels),
            ("modalites_acces", &self.modalites_acces),
            ("modalites_accompagnement", &self.modalites_accompagnement),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }

    /// Puts back list fields read by [`lists`](Self::lists); unknown names are refused.
    pub(crate) fn set_lists(&mut self, lists: Lists) -> Result<(), FieldError> {
        for (name, values) in lists {
            let slot = match name.as_str() {
                "typologie" => &mut self.typologie,
                "courriels" => &mut self.courriels,
                "site_web" => &mut self.site_web,
                "itinerance" => &mut self.itinerance,
                "services" => &mut self.services,
                "publics_specifiquement_adresses" => &mut self.publics_specifiquement_adresses,
                "prise_en_charge_specifique" => &mut self.prise_en_charge_specifique,
                "frais_a_charge" => &mut self.frais_a_charge,
                "dispositif_programmes_nationaux" => &mut self.dispositif_programmes_nationaux,
                "formations_labels" => &mut self.formations_labels,
                "modalites_acces" => &mut self.modalites_acces,
                "modalites_accompagnement" => &mut self.modalites_accompagnement,
                _ => {
                    return Err(FieldError::new(name, "is not a list field of the schema"));
                }
            };
            *slot = values;
        }
        Ok(())
    }

    /// Checks every constraint of schema v1.0.2 (and a few of the node's own: links are http or
    /// https, texts are bounded, list values hold no `|`), naming each field by its schema name
    /// (`id` for `source_id`'s column in a file is the caller's business). Answers the first
    /// fault found.
    pub(crate) fn validate(&self) -> Result<PlaceDraft, FieldError> {
        self.check().map_err(first)
    }

    /// Every rule the place breaks, each naming its field (empty when it is valid).
    pub(crate) fn problems(&self) -> Vec<FieldError> {
        self.check().err().unwrap_or_default()
    }

    /// The place checked, or every fault it has.
    pub(crate) fn check(&self) -> Result<PlaceDraft, Vec<FieldError>> {
        let mut p = Problems::default();
        let (latitude, longitude) = p.check(coordinates(self.latitude, self.longitude));
        let date = p.keep(date_maj(&self.date_maj));
        let url = |field: &str, value: Option<&str>| -> Result<Option<String>, FieldError> {
            let value = value.map(str::trim).filter(|v| !v.is_empty());
            HttpUrl::optional(field, value)?;
            Ok(value.map(str::to_owned))
        };
        let place = PlaceInput {
            source_id: p.check(text::optional(
                "source_id",
                self.source_id.as_deref(),
                200,
                false,
            )),
            pivot: p.check(pivot(&self.pivot)),
            nom: p.check(text::bounded("nom", &self.nom, 1, 200, false)),
            commune: p.check(text::bounded("commune", &self.commune, 1, 100, false)),
            code_postal: p.check(code_postal(&self.code_postal)),
            code_insee: p.check(code_insee(self.code_insee.as_deref())),
            adresse: p.check(text::bounded("adresse", &self.adresse, 1, 300, false)),
            complement_adresse: p.check(text::optional(
                "complement_adresse",
                self.complement_adresse.as_deref(),
                300,
                false,
            )),
            latitude,
            longitude,
            typologie: p.check(free_list("typologie", &self.typologie, 40, |v| {
                v.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    .then_some(())
                    .ok_or("is not a typology code (capital letters, digits and _)")
            })),
            telephone: p.check(telephone(self.telephone.as_deref())),
            courriels: p.check(free_list("courriels", &self.courriels, 10, |v| {
                let ok = v.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && domain.contains('.') && !domain.contains('@')
                }) && !v.contains(char::is_whitespace);
                ok.then_some(()).ok_or("is not an email address")
            })),
            site_web: p.check(free_list("site_web", &self.site_web, 10, |v| {
                HttpUrl::parse("", v)
                    .map(|_| ())
                    .map_err(|_| "is not an http or https URL")
            })),
            horaires: p.check(text::optional(
                "horaires",
                self.horaires.as_deref(),
                1000,
                false,
            )),
            presentation_resume: p.check(text::optional(
                "presentation_resume",
                self.presentation_resume.as_deref(),
                280,
                false,
            )),
            presentation_detail: p.check(text::optional(
                "presentation_detail",
                self.presentation_detail.as_deref(),
                10_000,
                true,
            )),
            source: p.check(text::optional("source", self.source.as_deref(), 200, false)),
            itinerance: p.check(labels("itinerance", &self.itinerance, ITINERANCE)),
            structure_parente: p.check(text::optional(
                "structure_parente",
                self.structure_parente.as_deref(),
                300,
                false,
            )),
            date_maj: date
                .as_ref()
                .map(|(text, _)| text.clone())
                .unwrap_or_default(),
            services: p.check(labels("services", &self.services, SERVICES)),
            publics_specifiquement_adresses: p.check(labels(
                "publics_specifiquement_adresses",
                &self.publics_specifiquement_adresses,
                PUBLICS,
            )),
            prise_en_charge_specifique: p.check(labels(
                "prise_en_charge_specifique",
                &self.prise_en_charge_specifique,
                SPECIFIC_SUPPORT,
            )),
            frais_a_charge: p.check(labels("frais_a_charge", &self.frais_a_charge, FEES)),
            dispositif_programmes_nationaux: p.check(labels(
                "dispositif_programmes_nationaux",
                &self.dispositif_programmes_nationaux,
                NATIONAL_PROGRAMMES,
            )),
            formations_labels: p.check(labels(
                "formations_labels",
                &self.formations_labels,
                TRAINING_LABELS,
            )),
            autres_formations_labels: p.check(text::optional(
                "autres_formations_labels",
                self.autres_formations_labels.as_deref(),
                300,
                false,
            )),
            modalites_acces: p.check(labels(
                "modalites_acces",
                &self.modalites_acces,
                ACCESS_MODES,
            )),
            modalites_accompagnement: p.check(labels(
                "modalites_accompagnement",
                &self.modalites_accompagnement,
                SUPPORT_MODES,
            )),
            fiche_acces_libre: p.check(url("fiche_acces_libre", self.fiche_acces_libre.as_deref())),
            prise_rdv: p.check(url("prise_rdv", self.prise_rdv.as_deref())),
        };
        p.finish(|| {
            Some(PlaceDraft {
                place,
                date_maj: date?.1,
            })
        })
    }
}

fn pivot(value: &str) -> Result<String, FieldError> {
    let pivot = text::bounded("pivot", value, 1, 14, false)?;
    if !(9..=14).contains(&pivot.len()) || !pivot.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(FieldError::coded(
            "pivot",
            "pivot",
            format!("`{pivot}` is not a SIRET, RNA or RIDET (9 to 14 letters or digits)"),
            &[("value", &pivot)],
        ));
    }
    Ok(pivot)
}

fn code_postal(value: &str) -> Result<String, FieldError> {
    let code_postal = text::bounded("code_postal", value, 1, 5, false)?;
    if code_postal.len() != 5 || !code_postal.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::coded(
            "code_postal",
            "postcode",
            format!("`{code_postal}` is not a postcode (5 digits)"),
            &[("value", &code_postal)],
        ));
    }
    Ok(code_postal)
}

fn code_insee(value: Option<&str>) -> Result<Option<String>, FieldError> {
    let code_insee = text::optional("code_insee", value, 5, false)?;
    if let Some(code) = &code_insee
        && !is_insee_code(code)
    {
        return Err(FieldError::coded(
            "code_insee",
            "insee",
            format!("`{code}` is not an INSEE commune code (5 characters, 2A/2B for Corsica)"),
            &[("value", code)],
        ));
    }
    Ok(code_insee)
}

fn coordinates(
    latitude: Option<f64>,
    longitude: Option<f64>,
) -> Result<(Option<f64>, Option<f64>), FieldError> {
    match (latitude, longitude) {
        (None, None) => Ok((None, None)),
        (Some(_), None) => Err(FieldError::new(
            "longitude",
            "must be given with the latitude",
        )),
        (None, Some(_)) => Err(FieldError::new(
            "latitude",
            "must be given with the longitude",
        )),
        (Some(lat), Some(lon)) => {
            if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                return Err(FieldError::new(
                    "latitude",
                    format!("{lat} is not a latitude (-90 to 90)"),
                ));
            }
            if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
                return Err(FieldError::new(
                    "longitude",
                    format!("{lon} is not a longitude (-180 to 180)"),
                ));
            }
            Ok((Some(lat), Some(lon)))
        }
    }
}

fn telephone(value: Option<&str>) -> Result<Option<String>, FieldError> {
    let telephone = text::optional("telephone", value, 20, false)?;
    if let Some(phone) = &telephone
        && !is_phone(phone)
    {
        return Err(FieldError::coded(
            "telephone",
            "phone",
            format!(
                "`{phone}` is not a phone number as the schema writes them (+33 then 6 to 9 \
                 digits, no spaces)"
            ),
            &[("value", phone)],
        ));
    }
    Ok(telephone)
}

/// The date of the last update, as written and as a date.
fn date_maj(value: &str) -> Result<(String, NaiveDate), FieldError> {
    let date_maj = text::bounded("date_maj", value, 1, 10, false)?;
    let date = NaiveDate::parse_from_str(&date_maj, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == date_maj)
        .ok_or_else(|| {
            FieldError::coded(
                "date_maj",
                "date",
                format!("`{date_maj}` is not a date written YYYY-MM-DD"),
                &[("value", &date_maj)],
            )
        })?;
    Ok((date_maj, date))
}

fn is_insee_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && match (b[0], b[1]) {
            (b'2', b'A' | b'B' | b'1'..=b'9') => true,
            (b'0' | b'1' | b'3'..=b'9', d) => d.is_ascii_digit(),
            _ => false,
        }
        && b[2..].iter().all(u8::is_ascii_digit)
}

fn is_phone(phone: &str) -> bool {
    PHONE_PREFIXES.iter().any(|prefix| {
        phone.strip_prefix(prefix).is_some_and(|rest| {
            (6..=9).contains(&rest.len()) && rest.chars().all(|c| c.is_ascii_digit())
        })
    })
}

/// A list of values from the schema's enumeration `allowed`: exact labels, in the given order,
/// duplicates dropped.
fn labels(field: &str, values: &[String], allowed: &[&str]) -> Result<Vec<String>, FieldError> {
    free_list(field, values, allowed.len(), |v| {
        allowed
            .contains(&v)
            .then_some(())
            .ok_or("is not one of the schema's values")
    })
    .map_err(|mut e| {
        if e.code == Some("value") {
            e.reason = format!("{} ({})", e.reason, allowed.join(", "));
        }
        e
    })
}

/// A list of free values, each checked by `check`, trimmed, blanks and duplicates dropped.
fn free_list(
    field: &str,
    values: &[String],
    max_items: usize,
    check: impl Fn(&str) -> Result<(), &'static str>,
) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let path = format!("{field}.{i}");
        let value = match text::optional(&path, Some(value), 300, false)? {
            Some(v) => v,
            None => continue,
        };
        if value.contains('|') {
            return Err(FieldError::new(
                path,
                "must not contain `|` (the list separator)",
            ));
        }
        if let Err(reason) = check(&value) {
            return Err(FieldError::coded(
                path,
                "value",
                format!("`{value}` {reason}"),
                &[("value", &value)],
            ));
        }
        if !out.contains(&value) {
            out.push(value);
        }
    }
    if out.len() > max_items {
        return Err(text::too_many(field, max_items));
    }
    Ok(out)
}

/// Whether a place is open, and until when, for a visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HoursNow {
    /// `open`, `closed` or `unknown`.
    pub state: &'static str,
    /// When that changes, in the place's time zone (RFC 3339), if within a week.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_change: Option<String>,
    /// "Ouvert · ferme à 17:30".
    pub fr: String,
    /// "Open · closes at 17:30".
    pub en: String,
}

/// The time zone of a place, from its postcode: overseas departments have their own.
pub(crate) fn time_zone(code_postal: &str) -> Tz {
    match code_postal.get(..3) {
        Some("971") => chrono_tz::America::Guadeloupe,
        Some("972") => chrono_tz::America::Martinique,
        Some("973") => chrono_tz::America::Cayenne,
        Some("974") => chrono_tz::Indian::Reunion,
        Some("975") => chrono_tz::America::Miquelon,
        Some("976") => chrono_tz::Indian::Mayotte,
        _ => chrono_tz::Europe::Paris,
    }
}

/// Reads `horaires` (OpenStreetMap `opening_hours`, with France's public holidays) and says
/// whether the place is open at `now`. `None` when the text does not parse: show it as is.
pub(crate) fn hours_now(horaires: &str, code_postal: &str, now: DateTime<Utc>) -> Option<HoursNow> {
    let tz = time_zone(code_postal);
    let hours: OpeningHours = horaires.parse().ok()?;
    let hours = hours.with_context(
        Context::default()
            .with_holidays(Country::FR.holidays())
            .with_locale(TzLocation::new(tz)),
    );
    let now = now.with_timezone(&tz);
    // Read a bounded week, never the library's `next_change`: for a place open round the clock
    // it searches until the end of its calendar (minutes of work on every page view).
    let limit = now + chrono::Duration::days(7);
    let mut ranges = hours.iter_range(now, limit);
    let first = ranges.next()?;
    let kind = first.kind;
    let mut end = first.range.end;
    for range in ranges {
        if range.kind != kind {
            break;
        }
        end = range.range.end;
    }
    let next = (end < limit).then_some(end);
    let (state, fr_state, en_state) = match kind {
        RuleKind::Open => ("open", "Ouvert", "Open"),
        RuleKind::Closed => ("closed", "Fermé", "Closed"),
        RuleKind::Unknown => ("unknown", "Horaires à vérifier", "Hours to be checked"),
    };
    let (fr, en) = match (&next, kind) {
        (Some(at), RuleKind::Open | RuleKind::Closed) => {
            let time = at.format("%H:%M").to_string();
            let same_day = at.date_naive() == now.date_naive();
            let tomorrow = now.date_naive().succ_opt() == Some(at.date_naive());
            let (fr_day, en_day) = if same_day {
                (String::new(), String::new())
            } else if tomorrow {
                ("demain ".to_owned(), "tomorrow ".to_owned())
            } else {
                let i = at.weekday().num_days_from_monday() as usize;
                (format!("{} ", FR_DAYS[i]), format!("{} ", EN_DAYS[i]))
            };
            if kind == RuleKind::Open {
                (
                    format!("{fr_state} · ferme {fr_day}à {time}"),
                    format!("{en_state} · closes {en_day}at {time}"),
                )
            } else {
                (
                    format!("{fr_state} · ouvre {fr_day}à {time}"),
                    format!("{en_state} · opens {en_day}at {time}"),
                )
            }
        }
        _ => (fr_state.to_owned(), en_state.to_owned()),
    };
    Some(HoursNow {
        state,
        next_change: next.map(|n| n.to_rfc3339()),
        fr,
        en,
    })
}

const FR_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub(crate) fn example() -> PlaceInput {
        PlaceInput {
            source_id: Some("structure-1".into()),
            pivot: "43493312300029".into(),
            nom: "Anonymal".into(),
            commune: "Reims".into(),
            code_postal: "51100".into(),
            code_insee: Some("51454".into()),
            adresse: "12 BIS RUE DE LECLERCQ".into(),
            latitude: Some(43.52609),
            longitude: Some(5.41423),
            typologie: vec!["TIERS_LIEUX".into(), "ASSO".into()],
            telephone: Some("+33180059880".into()),
            horaires: Some("Mo-Fr 09:00-12:00,14:00-17:30; Sa 08:30-12:00; PH off".into()),
            date_maj: "2024-04-02".into(),
            services: vec!["Loisirs et créations numériques".into()],
            frais_a_charge: vec!["Gratuit sous condition".into(), "Payant".into()],
            formations_labels: vec!["Étapes numériques(La Poste)".into()],
            modalites_accompagnement: vec!["À distance".into()],
            prise_rdv: Some("https://www.rdv-solidarites.fr/".into()),
            ..Default::default()
        }
    }

    fn refused(change: impl FnOnce(&mut PlaceInput)) -> FieldError {
        let mut input = example();
        change(&mut input);
        input.validate().expect_err("refused")
    }

    #[test]
    fn every_fault_of_a_place_is_reported() {
        let bad = PlaceInput {
            pivot: "12".into(),
            code_postal: "5110".into(),
            longitude: None,
            date_maj: "02/04/2024".into(),
            ..example()
        };
        let mut fields: Vec<String> = bad.problems().into_iter().map(|e| e.field).collect();
        fields.sort();
        assert_eq!(fields, ["code_postal", "date_maj", "longitude", "pivot"]);
        assert!(example().problems().is_empty());
    }

    #[test]
    fn the_example_is_valid_and_kept_as_written() {
        let draft = example().validate().unwrap();
        assert_eq!(draft.place(), &example());
        assert_eq!(draft.date_maj, NaiveDate::from_ymd_opt(2024, 4, 2).unwrap());
    }

    #[test]
    fn each_constraint_names_its_field() {
        type Change = Box<dyn FnOnce(&mut PlaceInput)>;
        let cases: Vec<(&str, Change)> = vec![
            ("code_postal", Box::new(|p| p.code_postal = "4240".into())),
            ("code_postal", Box::new(|p| p.code_postal = "4240A".into())),
            ("pivot", Box::new(|p| p.pivot = "1234".into())),
            ("pivot", Box::new(|p| p.pivot = "4349331230002-".into())),
            ("nom", Box::new(|p| p.nom = "  ".into())),
            ("commune", Box::new(|p| p.commune = String::new())),
            ("adresse", Box::new(|p| p.adresse = String::new())),
            (
                "code_insee",
                Box::new(|p| p.code_insee = Some("20004".into())),
            ),
            ("latitude", Box::new(|p| p.latitude = Some(95.0))),
            ("longitude", Box::new(|p| p.longitude = None)),
            ("longitude", Box::new(|p| p.longitude = Some(f64::NAN))),
            (
                "telephone",
                Box::new(|p| p.telephone = Some("+33 1 80 05 98 80".into())),
            ),
            ("date_maj", Box::new(|p| p.date_maj = "02/04/2024".into())),
            ("date_maj", Box::new(|p| p.date_maj = "2024-13-01".into())),
            ("date_maj", Box::new(|p| p.date_maj = "2024-4-2".into())),
            (
                "presentation_resume",
                Box::new(|p| p.presentation_resume = Some("é".repeat(281))),
            ),
            (
                "services.0",
                Box::new(|p| p.services = vec!["Aide aux demarches administratives".into()]),
            ),
            (
                "formations_labels.0",
                Box::new(|p| p.formations_labels = vec!["Étapes numériques (La Poste)".into()]),
            ),
            (
                "frais_a_charge.0",
                Box::new(|p| p.frais_a_charge = vec!["gratuit".into()]),
            ),
            (
                "itinerance.0",
                Box::new(|p| p.itinerance = vec!["Mobile".into()]),
            ),
            (
                "typologie.1",
                Box::new(|p| p.typologie = vec!["EPN".into(), "a|b".into()]),
            ),
            (
                "courriels.0",
                Box::new(|p| p.courriels = vec!["pas-un-mail".into()]),
            ),
            (
                "site_web.0",
                Box::new(|p| p.site_web = vec!["javascript:alert(1)".into()]),
            ),
            (
                "fiche_acces_libre",
                Box::new(|p| p.fiche_acces_libre = Some("ftp://x.example/".into())),
            ),
        ];
        for (field, change) in cases {
            assert_eq!(refused(change).field, field);
        }
    }

    #[test]
    fn limits_of_the_schema_pass() {
        let mut input = example();
        input.presentation_resume = Some("é".repeat(280));
        input.code_insee = Some("2A004".into());
        input.telephone = Some("+590590123456".into());
        input.latitude = None;
        input.longitude = None;
        input.itinerance = vec!["Itinérant".into(), "Fixe".into(), "Fixe".into()];
        let draft = input.validate().unwrap();
        assert_eq!(draft.place().itinerance, ["Itinérant", "Fixe"]);
        assert_eq!(draft.place().latitude.zip(draft.place().longitude), None);
    }

    #[test]
    fn lists_round_trip() {
        let input = example();
        let mut back = PlaceInput {
            typologie: vec!["X".into()],
            ..example()
        };
        back.typologie.clear();
        back.services.clear();
        back.frais_a_charge.clear();
        back.formations_labels.clear();
        back.modalites_accompagnement.clear();
        back.set_lists(input.lists()).unwrap();
        assert_eq!(back, input);
        assert!(back.set_lists([("nom".into(), vec![])].into()).is_err());
    }

    fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn hours_say_when_a_place_closes_or_opens() {
        let hours = "Mo-Fr 09:00-12:00,14:00-17:30; Sa 08:30-12:00; PH off";
        // Tuesday 1 December 2026, 15:00 in Paris.
        let now = hours_now(hours, "42400", paris(2026, 12, 1, 15, 0)).unwrap();
        assert_eq!(now.state, "open");
        assert_eq!(now.fr, "Ouvert · ferme à 17:30");
        assert_eq!(now.en, "Open · closes at 17:30");
        let lunch = hours_now(hours, "42400", paris(2026, 12, 1, 12, 30)).unwrap();
        assert_eq!(lunch.fr, "Fermé · ouvre à 14:00");
        let evening = hours_now(hours, "42400", paris(2026, 12, 1, 18, 0)).unwrap();
        assert_eq!(evening.fr, "Fermé · ouvre demain à 09:00");
        let weekend = hours_now(hours, "42400", paris(2026, 12, 5, 13, 0)).unwrap();
        assert_eq!(weekend.fr, "Fermé · ouvre lundi à 09:00");
        assert_eq!(weekend.en, "Closed · opens Monday at 09:00");
        // Christmas is a public holiday in France.
        let christmas = hours_now(hours, "42400", paris(2026, 12, 25, 10, 0)).unwrap();
        assert_eq!(christmas.state, "closed");
        assert_eq!(christmas.fr, "Fermé · ouvre demain à 08:30");
        assert_eq!(
            hours_now("Lu-Ve 9h-12h", "42400", paris(2026, 12, 1, 10, 0)),
            None
        );
        // Open round the clock, or closed for good: no change within the week, said quickly.
        for (always, fr) in [
            ("24/7", "Ouvert"),
            ("Mo-Su 00:00-24:00", "Ouvert"),
            ("off", "Fermé"),
        ] {
            let now = hours_now(always, "42400", paris(2026, 12, 1, 10, 0)).unwrap();
            assert_eq!((now.fr.as_str(), now.next_change), (fr, None));
        }
    }

    #[test]
    fn overseas_places_keep_their_own_time() {
        // 15:00 in Paris is 10:00 in Guadeloupe: the place opens at 14:00 there.
        let now = hours_now("Mo-Fr 14:00-17:00", "97110", paris(2026, 12, 1, 15, 0)).unwrap();
        assert_eq!(now.fr, "Fermé · ouvre à 14:00");
    }
}
