//! Importing a directory file: the project's own JSON export, or the sample directory format
//! (`src/directory/sample-directory.json`, also what `serve --demo` loads).
//!
//! Imported entries become the importing centre's own. Importing is idempotent: a
//! recommendation the centre already has (same software, same category) and a contact already
//! imported from the same source id are left as they are. Every entry is validated before
//! anything is written, so a file with one bad entry changes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::FieldError;
use crate::domain::category::Category;
use crate::domain::contact::{Area, Consent, ContactDraft, ContactInput, Visibility};
use crate::domain::recommendation::{
    Hosting, Level, RecommendationDraft, RecommendationInput, Status,
};
use crate::domain::software::SoftwareInput;
use crate::storage::contacts::ContactRow;
use crate::storage::software::SoftwareRow;

use super::export::{EXPORT_FORMAT, Export};
use super::recommendations::Inserted;
use super::{Directory, DirectoryError};

/// The sample directory shipped with the project, for demos and tests.
pub const SAMPLE_DIRECTORY: &str = include_str!("sample-directory.json");

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub format: String,
    pub centre: String,
    pub software_created: i64,
    pub recommendations_created: usize,
    pub recommendations_existing: usize,
    pub contacts_created: usize,
    pub contacts_existing: usize,
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
        writeln!(f, "  software created:         {}", self.software_created)?;
        writeln!(
            f,
            "  recommendations created:  {} ({} already there)",
            self.recommendations_created, self.recommendations_existing
        )?;
        writeln!(
            f,
            "  contacts created:         {} ({} already there)",
            self.contacts_created, self.contacts_existing
        )?;
        for line in &self.not_imported {
            writeln!(f, "  not imported: {line}")?;
        }
        Ok(())
    }
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
struct Plan {
    format: &'static str,
    recommendations: Vec<RecommendationDraft>,
    contacts: Vec<(String, ContactDraft)>,
    not_imported: Vec<String>,
}

impl Directory {
    /// Imports `json` into the local centre `centre` (the node's first centre if None).
    pub async fn import(
        &self,
        json: &str,
        centre: Option<&str>,
    ) -> Result<ImportReport, ImportError> {
        let plan = plan(json)?;
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
        let total = plan.recommendations.len();
        for (i, draft) in plan.recommendations.into_iter().enumerate() {
            match self.insert_recommendation(centre.clone(), draft).await? {
                Inserted::New(_) => report.recommendations_created += 1,
                Inserted::Existing { .. } => report.recommendations_existing += 1,
            }
            if (i + 1) % 100 == 0 {
                tracing::info!("imported {} of {total} recommendations", i + 1);
            }
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

fn plan(json: &str) -> Result<Plan, ImportRefused> {
    let value: Value = serde_json::from_str(json)
        .map_err(|e| ImportRefused(vec![FieldError::new("", format!("not valid JSON: {e}"))]))?;
    if value.get("format").and_then(Value::as_str) == Some(EXPORT_FORMAT) {
        let export: Export = serde_path_to_error::deserialize(value).map_err(|e| {
            ImportRefused(vec![FieldError::new(
                e.path().to_string(),
                e.inner().to_string(),
            )])
        })?;
        return plan_export(export);
    }
    if value.get("recommendations").is_some() && value.get("software").is_some() {
        let sample: Sample = serde_path_to_error::deserialize(value).map_err(|e| {
            ImportRefused(vec![FieldError::new(
                e.path().to_string(),
                e.inner().to_string(),
            )])
        })?;
        return plan_sample(sample);
    }
    Err(ImportRefused(vec![FieldError::new(
        "",
        format!(
            "unrecognised file: expected a Maillage export (\"format\": \"{EXPORT_FORMAT}\") \
             or a sample directory (with \"software\" and \"recommendations\")"
        ),
    )]))
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
                    hosting: r.hosting,
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
    if !errors.is_empty() {
        return Err(ImportRefused(errors));
    }
    Ok(Plan {
        format: "Maillage export",
        recommendations: recommendations.into_iter().map(|(_, d)| d).collect(),
        contacts: contacts.into_iter().map(|(_, d)| d).collect(),
        not_imported: Vec::new(),
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
    let providers: HashMap<&str, &str> = sample
        .hosting_providers
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
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
            .map(|svc| Hosting {
                name: providers
                    .get(svc.provider.as_str())
                    .copied()
                    .unwrap_or(&svc.provider)
                    .to_owned(),
                url: svc.url.clone(),
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
    let mut not_imported = Vec::new();
    if !sample.places.is_empty() {
        not_imported.push(format!(
            "{} mediation place(s): places are not part of the directory yet",
            sample.places.len()
        ));
    }
    Ok(Plan {
        format: "sample directory",
        recommendations,
        contacts,
        not_imported,
    })
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
            nextcloud.software.license.as_ref().unwrap().as_str(),
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
        assert_eq!(plan.not_imported.len(), 1);
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

    /// The sample directory, and an export of it made by this node's own code (contacts and
    /// staff data included).
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
