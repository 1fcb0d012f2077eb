//! Importing a directory file. `maillage import` recognises the format by itself:
//!
//! - the project's own JSON export (`"format": "maillage-export"`);
//! - the starter catalogue (`"format": "maillage-catalogue"`, `catalogue/starter.json`, what
//!   `serve --demo` loads; see [`catalogue`]);
//! - the sample directory format (`src/directory/sample-directory.json`: its centres' contact
//!   cards complete the demo);
//! - the Dégooglisons Internet catalogue of Framasoft, in YAML
//!   (`catalogue/degooglisons-services.yml`; see [`degooglisons`]);
//! - the CSV file of the national standard "Lieux de médiation numérique" v1.0.2, recognised by
//!   its header (see [`super::lieux`]): mediation places.
//!
//! Imported entries become the importing centre's own. Importing is idempotent: a
//! recommendation the centre already has (same software, same category) and a contact already
//! imported from the same source id are left as they are (skipped); a software record takes
//! the file's facts (updated); a place takes the file's fields when the centre already has one
//! with the same `id` (updated only if a field differs). Every entry is validated before anything is written, so a file
//! with one bad entry changes nothing.

mod catalogue;
mod degooglisons;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::FieldError;
use crate::domain::category::Category;
use crate::domain::contact::{Area, Consent, ContactDraft, ContactInput, Visibility};
use crate::domain::place::{PlaceDraft, PlaceInput};
use crate::domain::provider::{ProviderInput, ProviderKind, ProviderRef};
use crate::domain::recommendation::{
    Hosting, Level, RecommendationDraft, RecommendationInput, Status,
};
use crate::domain::software::SoftwareInput;
use crate::storage::contacts::ContactRow;
use crate::storage::software::SoftwareRow;

use super::export::{EXPORT_FORMAT, Export};
use super::lieux;
use super::places::Upserted;
use super::recommendations::Inserted;
use super::{Directory, DirectoryError};

pub use catalogue::CATALOGUE_FORMAT;

/// The sample directory shipped with the project: the demo's centres and contact cards, and
/// test data.
pub const SAMPLE_DIRECTORY: &str = include_str!("sample-directory.json");

/// The starter catalogue shipped with the project (`catalogue/starter.json`).
pub const STARTER_CATALOGUE: &str = include_str!("../../catalogue/starter.json");

/// The Dégooglisons Internet catalogue (`catalogue/degooglisons-services.yml`), for tests.
#[cfg(test)]
const DEGOOGLISONS: &str = include_str!("../../catalogue/degooglisons-services.yml");

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub format: String,
    pub centre: String,
    pub software_created: i64,
    pub software_updated: usize,
    pub recommendations_created: usize,
    /// Skipped: the centre already recommends this software in this category.
    pub recommendations_existing: usize,
    pub contacts_created: usize,
    /// Skipped: imported before, or the node's own card.
    pub contacts_existing: usize,
    pub places_created: usize,
    /// Updated: the centre had a place with the same `id` and some field differed.
    pub places_updated: usize,
    /// Skipped: the centre had the same place, field for field.
    pub places_existing: usize,
    /// Parts of the file this version does not import, with why.
    pub not_imported: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Imported a {} file into centre {}:",
            self.format, self.centre
        )?;
        for line in &self.not_imported {
            writeln!(f, "  not imported: {line}")?;
        }
        writeln!(
            f,
            "  created:  {} recommendations, {} software, {} contacts",
            self.recommendations_created, self.software_created, self.contacts_created
        )?;
        writeln!(f, "  updated:  {} software", self.software_updated)?;
        writeln!(
            f,
            "  skipped:  {} recommendations and {} contacts already there",
            self.recommendations_existing, self.contacts_existing
        )?;
        writeln!(
            f,
            "  places:   {} created, {} updated, {} already there",
            self.places_created, self.places_updated, self.places_existing
        )
    }
}

/// Told how far an import has gone: entries written, out of how many.
pub trait ImportProgress: Sync {
    fn advanced(&self, done: usize, total: usize);
}

/// No progress shown.
impl ImportProgress for () {
    fn advanced(&self, _: usize, _: usize) {}
}

/// An import refused as a whole: the entries at fault, each with its field and reason.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the file was not imported ({} problem(s)):\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
pub struct ImportRefused(pub Vec<FieldError>);

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Refused(#[from] ImportRefused),
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

/// Entries ready to write, each with the source id it came from.
#[derive(Debug)]
struct Plan {
    format: &'static str,
    recommendations: Vec<RecommendationDraft>,
    contacts: Vec<(String, ContactDraft)>,
    places: Vec<PlaceDraft>,
    not_imported: Vec<String>,
}

impl Directory {
    /// Imports a file's text into the local centre `centre` (the node's first centre if None).
    #[tracing::instrument(skip(self, text), fields(bytes = text.len()))]
    pub async fn import(
        &self,
        text: &str,
        centre: Option<&str>,
    ) -> Result<ImportReport, ImportError> {
        self.import_with_progress(text, centre, &()).await
    }

    /// [`import`](Self::import), telling `progress` after each entry written.
    #[tracing::instrument(skip(self, text, progress), fields(bytes = text.len()))]
    pub(crate) async fn import_with_progress(
        &self,
        text: &str,
        centre: Option<&str>,
        progress: &dyn ImportProgress,
    ) -> Result<ImportReport, ImportError> {
        let plan = plan(text)?;
        self.write_plan(plan, centre, progress).await
    }

    /// What `serve --demo` loads: the starter catalogue, then the sample directory's contact
    /// cards and mediation places (its recommendations, one-line summaries without reasons,
    /// are left out).
    #[tracing::instrument(skip(self))]
    pub(crate) async fn load_demo(&self) -> Result<ImportReport, ImportError> {
        let mut report = self.import(STARTER_CATALOGUE, None).await?;
        let mut sample = plan(SAMPLE_DIRECTORY)?;
        sample.recommendations.clear();
        let contacts = self.write_plan(sample, None, &()).await?;
        report.contacts_created = contacts.contacts_created;
        report.contacts_existing = contacts.contacts_existing;
        report.places_created = contacts.places_created;
        report.places_existing = contacts.places_existing;
        Ok(report)
    }

    async fn write_plan(
        &self,
        plan: Plan,
        centre: Option<&str>,
        progress: &dyn ImportProgress,
    ) -> Result<ImportReport, ImportError> {
        let centre = self.local_centre_or_first(centre).await?;
        let software_before = self
            .db()
            .run(SoftwareRow::count)
            .await
            .map_err(DirectoryError::from)?;
        let mut report = ImportReport {
            format: plan.format.into(),
            centre: centre.username.clone(),
            not_imported: plan.not_imported,
            ..Default::default()
        };
        let total = plan.recommendations.len() + plan.contacts.len() + plan.places.len();
        let mut done = 0;
        for draft in plan.recommendations {
            let (inserted, software_updated) = self
                .insert_recommendation_noting(centre.clone(), draft)
                .await?;
            match inserted {
                Inserted::New(_) => report.recommendations_created += 1,
                Inserted::Existing { .. } => report.recommendations_existing += 1,
            }
            report.software_updated += usize::from(software_updated);
            done += 1;
            progress.advanced(done, total);
        }
        for (source, draft) in plan.contacts {
            let centre_id = centre.id;
            let reference = source.clone();
            // Known when imported from this file before, or when the file is this node's own
            // export (its id is then the card's own): a restore must not double the cards.
            let existing = self
                .db()
                .run(move |conn| {
                    Ok(
                        ContactRow::find_by_import_ref(conn, centre_id, &reference)?.is_some()
                            || ContactRow::find_by_ap_id(conn, &reference)?
                                .is_some_and(|(card, _)| card.centre_id == centre_id),
                    )
                })
                .await
                .map_err(DirectoryError::from)?;
            if existing {
                report.contacts_existing += 1;
            } else {
                self.insert_contact(centre.clone(), draft, Some(source))
                    .await?;
                report.contacts_created += 1;
            }
            done += 1;
            progress.advanced(done, total);
        }
        for draft in plan.places {
            match self.upsert_place(&centre, draft).await? {
                Upserted::Created => report.places_created += 1,
                Upserted::Updated => report.places_updated += 1,
                Upserted::Unchanged => report.places_existing += 1,
            }
            done += 1;
            progress.advanced(done, total);
        }
        let software_after = self
            .db()
            .run(SoftwareRow::count)
            .await
            .map_err(DirectoryError::from)?;
        report.software_created = software_after - software_before;
        Ok(report)
    }
}

/// A refusal naming the path of a field that did not deserialise.
fn refused_at<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> ImportRefused {
    // serde's path of the whole document is ".": say "file" rather than print a lone dot.
    let path = match e.path().to_string() {
        root if root == "." => "file".to_owned(),
        path => path,
    };
    ImportRefused(vec![FieldError::new(path, e.inner().to_string())])
}

/// Reads the file (JSON, or else YAML) and plans it in the format it is written in.
fn plan(text: &str) -> Result<Plan, ImportRefused> {
    let mut plan = plan_file(text)?;
    same_software_alike(&mut plan.recommendations);
    Ok(plan)
}

/// Entries of one file that name the same software (same homepage) with different facts
/// ("WebForm" and "Webform") would update its record back and forth, at every import: the
/// first entry's facts stand for all.
fn same_software_alike(drafts: &mut [RecommendationDraft]) {
    let mut first: HashMap<String, crate::domain::software::SoftwareSpec> = HashMap::new();
    for draft in drafts {
        let spec = first
            .entry(draft.software.homepage.to_string())
            .or_insert_with(|| draft.software.clone());
        draft.software = spec.clone();
    }
}

fn plan_file(text: &str) -> Result<Plan, ImportRefused> {
    let text = text.trim_start_matches('\u{feff}');
    if lieux::recognise(text) {
        return Ok(Plan {
            format: lieux::FORMAT,
            recommendations: Vec::new(),
            contacts: Vec::new(),
            places: lieux::read(text)?,
            not_imported: Vec::new(),
        });
    }
    let refused = |reason: String| ImportRefused(vec![FieldError::new("", reason)]);
    let value: Value = if text.trim_start().starts_with(['{', '[']) {
        serde_json::from_str(text).map_err(|e| refused(format!("not valid JSON: {e}")))?
    } else {
        serde_saphyr::from_str(text).map_err(|e| refused(format!("not valid YAML: {e}")))?
    };
    match value.get("format").and_then(Value::as_str) {
        Some(EXPORT_FORMAT) => {
            let export: Export = serde_path_to_error::deserialize(value).map_err(refused_at)?;
            return plan_export(export);
        }
        Some(CATALOGUE_FORMAT) => return catalogue::plan(value),
        _ => {}
    }
    if value.get("recommendations").is_some() && value.get("software").is_some() {
        let sample: Sample = serde_path_to_error::deserialize(value).map_err(refused_at)?;
        return plan_sample(sample);
    }
    if degooglisons::recognise(&value) {
        return degooglisons::plan(value);
    }
    Err(refused(format!(
        "unrecognised file: expected a Maillage export (\"format\": \"{EXPORT_FORMAT}\"), a \
         Maillage catalogue (\"format\": \"{CATALOGUE_FORMAT}\"), a sample directory (with \
         \"software\" and \"recommendations\"), the Dégooglisons Internet catalogue (YAML \
         entries with \"gafam\") or a CSV file of mediation places with the 32 columns of \
         the national schema \"Lieux de médiation numérique\""
    )))
}

/// Validates every entry, collecting all the problems before refusing.
fn validate_all<T, D>(
    items: impl IntoIterator<Item = (String, T)>,
    validate: impl Fn(&T) -> Result<D, FieldError>,
    errors: &mut Vec<FieldError>,
) -> Vec<(String, D)> {
    let mut out = Vec::new();
    for (path, item) in items {
        match validate(&item) {
            Ok(d) => out.push((path, d)),
            Err(e) => errors.push(e.inside(&path)),
        }
    }
    out
}

fn plan_export(export: Export) -> Result<Plan, ImportRefused> {
    let mut errors = Vec::new();
    let recommendations = validate_all(
        export
            .recommendations
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let input = RecommendationInput {
                    software: SoftwareInput {
                        name: r.software.name,
                        homepage: r.software.homepage,
                        repository: r.software.repository,
                        license: r.software.license,
                        wikidata: r.software.wikidata,
                    },
                    replaces: r.replaces,
                    category: r.category,
                    summary: r.summary,
                    language: Some(r.language),
                    rationale: r.rationale,
                    level: serde_json::from_value(Value::String(r.level)).unwrap_or_default(),
                    region: r.region,
                    hosting: r
                        .hosting
                        .into_iter()
                        .map(|offer| Hosting {
                            name: offer.name,
                            url: offer.url,
                            // Found again by its website (a record of this node or a new one).
                            provider: offer.provider.map(|p| {
                                ProviderRef::Described(ProviderInput {
                                    name: p.name,
                                    website: p.website,
                                    kind: p.kind,
                                    chatons: p.chatons,
                                    country: p.country,
                                })
                            }),
                        })
                        .collect(),
                    audience: r.audience,
                    status: serde_json::from_value(Value::String(r.status)).unwrap_or_default(),
                };
                (format!("recommendations.{i}"), input)
            }),
        RecommendationInput::validate,
        &mut errors,
    );
    let now = Utc::now();
    let contacts = validate_all(
        export.contacts.into_iter().enumerate().map(|(i, c)| {
            // A public export carries no consent record: such cards come in hidden, and staff
            // decide what to show once consent is recorded here.
            let consent = c.consent.clone();
            let input = ContactInput {
                name: c.name,
                role: c.role,
                area: c.area,
                skills: c.skills,
                languages: c.languages,
                email: c.email,
                phone: c.phone,
                website: c.website,
                contact_form: c.contact_form,
                visibility: if consent.is_some() {
                    c.visibility.unwrap_or_default()
                } else {
                    Visibility::Hidden
                },
                consent,
            };
            (format!("contacts.{i}"), (c.id, input))
        }),
        |(id, input): &(String, ContactInput)| input.validate(now).map(|d| (id.clone(), d)),
        &mut errors,
    );
    // The exporting node's own places; copies it received come back from their centres.
    let (own, received): (Vec<_>, Vec<_>) = export
        .places
        .into_iter()
        .enumerate()
        .partition(|(_, p)| p.local);
    let places = validate_all(
        own.into_iter()
            .map(|(i, p)| (format!("places.{i}"), p.place)),
        PlaceInput::validate,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ImportRefused(errors));
    }
    let mut not_imported = Vec::new();
    if !received.is_empty() {
        not_imported.push(format!(
            "{} mediation place(s) received from other nodes: they come back from their centres \
             when this node follows them",
            received.len()
        ));
    }
    Ok(Plan {
        format: "Maillage export",
        recommendations: recommendations.into_iter().map(|(_, d)| d).collect(),
        contacts: contacts.into_iter().map(|(_, d)| d).collect(),
        places: places.into_iter().map(|(_, d)| d).collect(),
        not_imported,
    })
}

/// The sample directory format (see `sample-directory.json`'s `meta`).
#[derive(Debug, Deserialize)]
struct Sample {
    software: Vec<SampleSoftware>,
    recommendations: Vec<SampleRecommendation>,
    #[serde(default)]
    hosting_providers: Vec<SampleProvider>,
    #[serde(default)]
    hosted_services: Vec<SampleService>,
    #[serde(default)]
    nodes: Vec<SampleNode>,
    #[serde(default)]
    places: Vec<Value>,
    #[serde(default)]
    mediators: Vec<SampleMediator>,
}

#[derive(Debug, Deserialize)]
struct SampleSoftware {
    id: String,
    name: String,
    #[serde(default)]
    licenses: Vec<String>,
    website: Option<String>,
    source_code: Option<String>,
    wikidata: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SampleRecommendation {
    replaces: Vec<String>,
    recommends: String,
    category: String,
    #[serde(default)]
    hosted_options: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct SampleProvider {
    id: String,
    name: String,
    /// `association`, `association/collective`, `cooperative`, `portal`…
    #[serde(rename = "type")]
    kind: String,
    country: Option<String>,
    website: Option<String>,
    chatons: Option<SampleChatons>,
}

#[derive(Debug, Deserialize)]
struct SampleChatons {
    member: Option<bool>,
}

impl SampleProvider {
    /// The provider's record, when the file says what kind of organisation it is (a portal
    /// is not an organisation: its offers keep only their name).
    fn described(&self) -> Option<ProviderRef> {
        let kind = match self.kind.split('/').next().unwrap_or_default() {
            "association" => ProviderKind::Association,
            "cooperative" => ProviderKind::Cooperative,
            "company" => ProviderKind::Company,
            "public-body" => ProviderKind::PublicBody,
            _ => return None,
        };
        Some(ProviderRef::Described(ProviderInput {
            name: self.name.clone(),
            website: self.website.clone()?,
            kind,
            chatons: self
                .chatons
                .as_ref()
                .and_then(|c| c.member)
                .unwrap_or(false),
            country: self.country.clone(),
        }))
    }
}

#[derive(Debug, Deserialize)]
struct SampleService {
    id: String,
    provider: String,
    url: String,
}

#[derive(Debug, Deserialize)]
struct SampleNode {
    id: String,
    #[serde(default)]
    area: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct SampleMediator {
    id: String,
    display_name: String,
    role: Option<String>,
    node: Option<String>,
    #[serde(default)]
    knows_about: Vec<String>,
    #[serde(default)]
    themes: Vec<String>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    area_served: HashMap<String, String>,
    #[serde(default)]
    contact: SampleContact,
    consent: Option<SampleConsent>,
    visibility: Option<Visibility>,
}

#[derive(Debug, Default, Deserialize)]
struct SampleContact {
    contact_form: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SampleConsent {
    status: String,
    given_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
    #[serde(default)]
    scope: Vec<String>,
}

fn plan_sample(sample: Sample) -> Result<Plan, ImportRefused> {
    let software: HashMap<&str, &SampleSoftware> =
        sample.software.iter().map(|s| (s.id.as_str(), s)).collect();
    let providers: HashMap<&str, &SampleProvider> = sample
        .hosting_providers
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let services: HashMap<&str, &SampleService> = sample
        .hosted_services
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let mut errors = Vec::new();

    let inputs = sample.recommendations.iter().enumerate().map(|(i, r)| {
        let path = format!("recommendations.{i}");
        let Some(s) = software.get(r.recommends.as_str()) else {
            return (
                path,
                Err(FieldError::new(
                    "recommends",
                    format!("unknown software `{}`", r.recommends),
                )),
            );
        };
        let category = Category::find(&r.category);
        let hosting = r
            .hosted_options
            .iter()
            .filter_map(|id| services.get(id.as_str()))
            .map(|svc| {
                let provider = providers.get(svc.provider.as_str());
                Hosting {
                    name: provider.map_or(&svc.provider, |p| &p.name).to_owned(),
                    url: svc.url.clone(),
                    provider: provider.and_then(|p| p.described()),
                }
            })
            .collect();
        let input = RecommendationInput {
            software: SoftwareInput {
                name: s.name.clone(),
                homepage: s
                    .website
                    .clone()
                    .or(s.source_code.clone())
                    .unwrap_or_default(),
                repository: s.source_code.clone(),
                // Several licences in the sources mean parts under each: all apply.
                license: Some(s.licenses.join(" AND "))
                    .filter(|l| !l.is_empty() && !s.licenses.iter().any(|l| l == "DISPUTED")),
                wikidata: s.wikidata.clone(),
            },
            replaces: r.replaces.clone(),
            category: r.category.clone(),
            summary: sample_summary(&s.name, &r.replaces, category),
            language: Some("fr".into()),
            rationale: None,
            level: Level::Recommended,
            region: None,
            hosting,
            audience: Vec::new(),
            status: Status::Published,
        };
        (path, Ok(input))
    });
    let mut recommendations = Vec::new();
    for (path, input) in inputs {
        match input.and_then(|i| i.validate()) {
            Ok(d) => recommendations.push(d),
            Err(e) => errors.push(e.inside(&path)),
        }
    }

    let node_country: HashMap<&str, &str> = sample
        .nodes
        .iter()
        .filter_map(|n| n.area.get("country").map(|c| (n.id.as_str(), c.as_str())))
        .collect();
    let now = Utc::now();
    let mut contacts = Vec::new();
    for (i, m) in sample.mediators.iter().enumerate() {
        let input = mediator_input(m, &software, &node_country);
        match input.validate(now) {
            Ok(d) => contacts.push((format!("sample:{}", m.id), d)),
            Err(e) => errors.push(e.inside(&format!("mediators.{i}"))),
        }
    }
    if !errors.is_empty() {
        return Err(ImportRefused(errors));
    }
    // The sample's places carry the national schema's fields, plus notes of their own; a place
    // the schema cannot hold (a Swiss one has no SIRET nor a French postcode) is left out, said.
    let mut not_imported = Vec::new();
    let mut places = Vec::new();
    for (i, place) in sample.places.iter().enumerate() {
        match sample_place(place) {
            Ok(draft) => places.push(draft),
            Err(e) => {
                let id = place.get("id").and_then(Value::as_str).unwrap_or("?");
                not_imported.push(format!(
                    "mediation place {id} (places.{i}), which the national schema cannot hold: {e}"
                ));
            }
        }
    }
    Ok(Plan {
        format: "sample directory",
        recommendations,
        contacts,
        places,
        not_imported,
    })
}

/// A sample place as the national schema's fields: its `id` is the place's `source_id`; the
/// sample's own notes (`fictitious`, `pivot_note`, `node`…) are not part of the schema.
fn sample_place(place: &Value) -> Result<PlaceDraft, FieldError> {
    const REQUIRED: [&str; 6] = [
        "pivot",
        "nom",
        "commune",
        "code_postal",
        "adresse",
        "date_maj",
    ];
    let mut fields = serde_json::Map::new();
    for column in crate::domain::place::COLUMNS {
        let name = if column == "id" { "source_id" } else { column };
        match place.get(column).filter(|v| !v.is_null()) {
            Some(value) => {
                fields.insert(name.to_owned(), value.clone());
            }
            // A required field missing is then named by the validation.
            None if REQUIRED.contains(&column) => {
                fields.insert(name.to_owned(), Value::from(""));
            }
            None => {}
        }
    }
    let input: PlaceInput = serde_path_to_error::deserialize(Value::Object(fields))
        .map_err(|e| FieldError::new(e.path().to_string(), e.inner().to_string()))?;
    input.validate()
}

/// A one-sentence French summary for sample entries, which have none.
fn sample_summary(name: &str, replaces: &[String], category: Option<&Category>) -> String {
    let products = match replaces {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    };
    match category {
        Some(c) => format!(
            "{name}, alternative libre à {products} ({}).",
            c.fr.to_lowercase()
        ),
        None => format!("{name}, alternative libre à {products}."),
    }
}

fn mediator_input(
    m: &SampleMediator,
    software: &HashMap<&str, &SampleSoftware>,
    node_country: &HashMap<&str, &str>,
) -> ContactInput {
    let country = m
        .node
        .as_deref()
        .and_then(|n| node_country.get(n))
        .map(|c| (*c).to_owned());
    let area = &m.area_served;
    // Cantons and departments become ISO 3166-2 codes where the country has them by number
    // or code; a region written as a name stays a label.
    let region = area
        .get("canton")
        .map(|c| format!("{}-{c}", country.as_deref().unwrap_or("CH")));
    let area = Area {
        country,
        region,
        department: area.get("department").cloned(),
        label: area.get("region").cloned(),
    };
    let skills = m
        .knows_about
        .iter()
        .map(|id| {
            software
                .get(id.as_str())
                .map_or(id.clone(), |s| s.name.clone())
        })
        .chain(m.themes.iter().cloned())
        .collect();
    let consent = m.consent.as_ref().and_then(|c| {
        let given_at = c.given_at?;
        (c.status == "given" || c.status == "withdrawn").then(|| Consent {
            given_at,
            scope: Some(c.scope.clone()).filter(|s| !s.is_empty()),
            withdrawn_at: c.withdrawn_at,
        })
    });
    ContactInput {
        name: m.display_name.clone(),
        role: m.role.clone(),
        area: Some(area).filter(|a| *a != Area::default()),
        skills,
        languages: m.languages.clone(),
        email: m.contact.email.clone(),
        phone: m.contact.phone.clone(),
        website: None,
        contact_form: m.contact.contact_form.clone(),
        visibility: m.visibility.unwrap_or_default(),
        consent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_directory_plans_without_errors() {
        let plan = plan(SAMPLE_DIRECTORY).unwrap();
        assert_eq!(plan.recommendations.len(), 64);
        assert_eq!(plan.contacts.len(), 5);
        let nextcloud = &plan.recommendations[0];
        assert_eq!(nextcloud.software.name, "Nextcloud");
        assert_eq!(
            nextcloud.software.license.as_ref().unwrap().to_string(),
            "AGPL-3.0-only"
        );
        assert_eq!(nextcloud.hosting[0].name, "Framasoft");
        assert!(
            nextcloud
                .summary
                .starts_with("Nextcloud, alternative libre à Google Drive")
        );
        let mattermost = plan
            .recommendations
            .iter()
            .find(|r| r.software.name == "Mattermost")
            .unwrap();
        assert_eq!(mattermost.software.license, None, "DISPUTED stays empty");
        let (_, withdrawn) = plan
            .contacts
            .iter()
            .find(|(id, _)| id == "sample:med-004")
            .unwrap();
        assert_eq!(withdrawn.visibility, Visibility::Hidden);
        let (_, geneva) = plan
            .contacts
            .iter()
            .find(|(id, _)| id == "sample:med-003")
            .unwrap();
        assert_eq!(geneva.area.region.as_deref(), Some("CH-GE"));
        // The places fit the national schema, but the Swiss one (no SIRET, no French postcode).
        let places: Vec<_> = plan
            .places
            .iter()
            .map(|p| p.place().source_id.clone())
            .collect();
        assert_eq!(
            places,
            ["place-001", "place-002", "place-004"].map(|id| Some(id.to_owned()))
        );
        assert_eq!(plan.places[2].place().itinerance, ["Itinérant"]);
        assert_eq!(plan.not_imported.len(), 1, "{:?}", plan.not_imported);
        assert!(
            plan.not_imported[0].ends_with("cannot hold: pivot: must not be empty"),
            "{:?}",
            plan.not_imported
        );
    }

    #[test]
    fn one_bad_entry_refuses_the_whole_file_and_names_it() {
        let mut sample: Value = serde_json::from_str(SAMPLE_DIRECTORY).unwrap();
        sample["recommendations"][3]["category"] = Value::String("spaceships".into());
        sample["mediators"][0]["contact"]["email"] = Value::String("not-an-email".into());
        let err = plan(&sample.to_string()).err().unwrap();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["recommendations.3.category", "mediators.0.email"]
        );
    }

    #[test]
    fn a_missing_top_level_field_names_the_file_not_a_dot() {
        let err = plan(r#"{"format": "maillage-export"}"#).err().unwrap();
        assert_eq!(err.0[0].field, "file", "{err}");
        assert!(err.0[0].reason.contains("`version`"), "{err}");
    }

    #[test]
    fn unknown_files_are_refused() {
        assert!(plan("[]").is_err());
        assert!(plan("{\"hello\": 1}").is_err());
        assert!(plan("not json").is_err());
    }

    #[test]
    fn summaries_read_well() {
        let s = sample_summary(
            "Jitsi Meet",
            &["Skype".into(), "Zoom".into()],
            Category::find("videoconf"),
        );
        assert_eq!(
            s,
            "Jitsi Meet, alternative libre à Skype et Zoom (visioconférence)."
        );
    }
}

/// Fuzzing of the import parsers (see `crate::fuzzing`): whatever a file holds, the import
/// neither panics nor accepts it silently half-read: it plans every entry or refuses, naming
/// at least one problem.
#[cfg(test)]
mod fuzz {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;
    use crate::fuzzing;

    /// The sample directory, an export of it made by this node's own code (contacts and
    /// staff data included), the starter catalogue and the Dégooglisons catalogue.
    fn seeds() -> &'static [Value] {
        static SEEDS: OnceLock<Vec<Value>> = OnceLock::new();
        SEEDS.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut settings = crate::config::Settings::defaults().unwrap();
            settings.data_dir = dir.path().to_path_buf();
            settings.federation.insecure = true;
            let export = tokio::runtime::Runtime::new().unwrap().block_on(async {
                let (directory, _) = crate::startup::open_directory(&settings).await.unwrap();
                directory.import(SAMPLE_DIRECTORY, None).await.unwrap();
                directory
                    .export(crate::directory::Access::Staff)
                    .await
                    .unwrap()
            });
            vec![
                serde_json::from_str(SAMPLE_DIRECTORY).unwrap(),
                serde_json::to_value(export).unwrap(),
                serde_json::from_str(STARTER_CATALOGUE).unwrap(),
                serde_saphyr::from_str(DEGOOGLISONS).unwrap(),
            ]
        })
    }

    fn check(text: &str) -> Result<(), TestCaseError> {
        if let Err(refused) = plan(text) {
            prop_assert!(!refused.0.is_empty(), "a refusal that names nothing");
        }
        Ok(())
    }

    #[test]
    fn the_seeds_import() {
        for seed in seeds() {
            assert!(plan(&seed.to_string()).is_ok());
        }
    }

    proptest! {
        #![proptest_config(fuzzing::config())]

        #[test]
        fn mutated_files_are_planned_or_refused(doc in fuzzing::mutated(seeds().to_vec())) {
            check(&doc.to_string())?;
        }

        #[test]
        fn garbled_files_are_planned_or_refused(
            bytes in fuzzing::garbled(seeds().iter().map(Value::to_string).collect())
        ) {
            check(&String::from_utf8_lossy(&bytes))?;
        }
    }
}
