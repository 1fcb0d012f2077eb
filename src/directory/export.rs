//! Exports of the directory: the project's JSON (which `import` reads back), CSV of the
//! recommendations, and JSON-LD with schema.org terms for other directories and maps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::provider::HostedOffer;
use crate::storage::Window;

use super::contacts::ContactQuery;
use super::places::{PlaceQuery, PlaceView};
use super::recommendations::RecommendationQuery;
use super::views::{CentreView, ContactView, Listing, RecommendationView, SoftwareView};
use super::{Access, Directory, DirectoryError};
use crate::domain::place::PlaceInput;

pub const EXPORT_FORMAT: &str = "maillage-export";
pub const EXPORT_VERSION: u32 = 1;

pub use crate::domain::urls::NAMESPACE;

/// Exports are read in pages of this size, so a large directory is never all in one query.
const PAGE: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
    JsonLd,
    /// The node's own mediation places in the national schema's CSV (see `lieux`).
    LieuxCsv,
}

impl ExportFormat {
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value.trim().to_lowercase().as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            "jsonld" | "json-ld" => Some(Self::JsonLd),
            "lieux-csv" => Some(Self::LieuxCsv),
            _ => None,
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv | Self::LieuxCsv => "text/csv; charset=utf-8",
            Self::JsonLd => "application/ld+json",
        }
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv | Self::LieuxCsv => "csv",
            Self::JsonLd => "jsonld",
        }
    }
}

/// The project's own export document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub version: u32,
    /// The exporting node's base URL.
    pub node: String,
    pub exported_at: DateTime<Utc>,
    pub centres: Vec<CentreView>,
    pub software: Vec<SoftwareView>,
    pub recommendations: Vec<RecommendationView>,
    pub contacts: Vec<ContactView>,
    /// Mediation places (absent from exports made before places existed).
    #[serde(default)]
    pub places: Vec<ExportedPlace>,
}

/// A place in the export: the API's view, less what is computed when it is read (whether it is
/// open now, its point on a map, a distance).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportedPlace {
    pub id: String,
    /// The publishing centre's actor id.
    pub origin: String,
    /// Whether the exporting node publishes it (not a copy received from a peer).
    pub local: bool,
    #[serde(flatten)]
    pub place: PlaceInput,
    pub updated: DateTime<Utc>,
}

impl From<PlaceView> for ExportedPlace {
    fn from(view: PlaceView) -> Self {
        Self {
            id: view.id,
            origin: view.origin,
            local: view.local,
            place: view.place,
            updated: view.updated,
        }
    }
}

impl Directory {
    /// Everything `access` may see. Public exports hold published recommendations and the
    /// contacts shown publicly here, limited to what each person consented to.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn export(&self, access: Access) -> Result<Export, DirectoryError> {
        let (every_recommendation, every_contact) =
            (RecommendationQuery::default(), ContactQuery::default());
        let recommendations =
            all_pages(|window| self.list_recommendations(&every_recommendation, window, access))
                .await?;
        let contacts =
            all_pages(|window| self.list_contacts(&every_contact, window, access)).await?;
        let every_place = PlaceQuery::default();
        let places = all_pages(|window| self.list_places(&every_place, window, access))
            .await?
            .into_iter()
            .map(ExportedPlace::from)
            .collect();
        let mut software: Vec<SoftwareView> = Vec::new();
        for rec in &recommendations {
            if !software.iter().any(|s| s.slug == rec.software.slug) {
                software.push(rec.software.clone());
            }
        }
        software.sort_by_key(|s| s.name.to_lowercase());
        Ok(Export {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            node: self.urls().base().to_string(),
            exported_at: Utc::now(),
            centres: self.list_centres().await?,
            software,
            recommendations,
            contacts,
            places,
        })
    }

    /// The export rendered in `format`.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn export_as(
        &self,
        format: ExportFormat,
        access: Access,
    ) -> Result<Vec<u8>, DirectoryError> {
        let internal = |e: &dyn std::fmt::Display| DirectoryError::Internal(e.to_string());
        match format {
            ExportFormat::Json => {
                let export = self.export(access).await?;
                let mut out = serde_json::to_vec_pretty(&export).map_err(|e| internal(&e))?;
                out.push(b'\n');
                Ok(out)
            }
            ExportFormat::JsonLd => {
                let export = self.export(access).await?;
                let mut out =
                    serde_json::to_vec_pretty(&json_ld(&export, self)).map_err(|e| internal(&e))?;
                out.push(b'\n');
                Ok(out)
            }
            ExportFormat::Csv => csv_of(&self.export(access).await?).map_err(|e| internal(&e)),
            // Places are public: the same file for everyone.
            ExportFormat::LieuxCsv => {
                let places = self.local_places().await?;
                super::lieux::write(&places).map_err(|e| internal(&e))
            }
        }
    }
}

/// Reads a listing page by page until a short page.
async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, DirectoryError>
where
    F: FnMut(Window) -> Fut,
    Fut: std::future::Future<Output = Result<Listing<T>, DirectoryError>>,
{
    let mut all = Vec::new();
    loop {
        let window = Window {
            offset: i64::try_from(all.len()).unwrap_or(i64::MAX),
            limit: PAGE,
        };
        let page = fetch(window).await?;
        let short = page.results.len() < usize::try_from(PAGE).unwrap_or(usize::MAX);
        all.extend(page.results);
        if short {
            return Ok(all);
        }
    }
}

const CSV_HEADER: &[&str] = &[
    "id",
    "origin",
    "origin_name",
    "software",
    "homepage",
    "repository",
    "license",
    "wikidata",
    "category",
    "replaces",
    "summary",
    "rationale",
    "language",
    "level",
    "region",
    "hosting",
    "audience",
    "status",
    "published",
    "updated",
];

/// A cell as a spreadsheet will not run it: text from peers or users that begins like a
/// formula (`=`, `+`, `-`, `@`, or a tab or carriage return before one) gets a leading `'`,
/// which spreadsheets show as text (OWASP's advice against CSV injection).
fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A hosted offer as a schema.org `Service`, with its `provider` (an `Organization`; its kind
/// and CHATONS membership in Maillage terms).
fn service(offer: &HostedOffer) -> Value {
    let mut service = json!({"@type": "Service", "name": offer.name, "url": offer.url});
    if let Some(p) = &offer.provider {
        let mut organisation = json!({
            "@type": "Organization",
            "name": p.name,
            "url": p.website,
            "maillage:kind": p.kind,
            "maillage:chatons": p.chatons,
        });
        if let Some(country) = &p.country {
            organisation["address"] = json!({"@type": "PostalAddress", "addressCountry": country});
        }
        service["provider"] = organisation;
    }
    service
}

/// One line per recommendation. Lists are joined with ` | `; hosting as `name <url>`, then
/// `(provider)` when a provider runs it. Every cell goes through [`cell`].
fn csv_of(export: &Export) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for r in &export.recommendations {
        let hosting: Vec<String> = r
            .hosting
            .iter()
            .map(|h| match &h.provider {
                Some(p) => format!("{} <{}> ({})", h.name, h.url, p.name),
                None => format!("{} <{}>", h.name, h.url),
            })
            .collect();
        let record = [
            r.id.as_str(),
            &r.origin,
            &r.origin_name,
            &r.software.name,
            &r.software.homepage,
            r.software.repository.as_deref().unwrap_or(""),
            r.software.license.as_deref().unwrap_or(""),
            r.software.wikidata.as_deref().unwrap_or(""),
            &r.category,
            &r.replaces.join(" | "),
            &r.summary,
            r.rationale.as_deref().unwrap_or(""),
            &r.language,
            &r.level,
            r.region.as_deref().unwrap_or(""),
            &hosting.join(" | "),
            &r.audience.join(" | "),
            &r.status,
            &r.published.map(|d| d.to_rfc3339()).unwrap_or_default(),
            &r.updated.to_rfc3339(),
        ];
        writer.write_record(record.iter().map(|value| cell(value).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
}

/// A schema.org graph: centres are `Organization`s, software `SoftwareApplication`s,
/// recommendations `Recommendation`s (a schema.org `Review` subtype) of a software, contacts
/// `Person`s who work for a centre.
fn json_ld(export: &Export, directory: &Directory) -> Value {
    let software_id = |slug: &str| {
        directory
            .urls()
            .base()
            .join(&format!("software/{slug}"))
            .map(|u| u.to_string())
            .unwrap_or_default()
    };
    let mut graph = Vec::new();
    for c in &export.centres {
        graph.push(json!({
            "@type": "Organization",
            "@id": c.id,
            "name": c.name,
            "description": c.summary,
            "url": c.website,
            "logo": c.icon,
            "areaServed": c.region,
        }));
    }
    for s in &export.software {
        graph.push(json!({
            "@type": "SoftwareApplication",
            "@id": software_id(&s.slug),
            "name": s.name,
            "url": s.homepage,
            "license": s.license.as_ref().map(|l| format!("https://spdx.org/licenses/{l}")),
            "sameAs": s.wikidata.as_ref().map(|w| format!("https://www.wikidata.org/wiki/{w}")),
            "maillage:sourceCode": s.repository,
        }));
    }
    for r in &export.recommendations {
        graph.push(json!({
            "@type": "Recommendation",
            "@id": r.id,
            "itemReviewed": {"@id": software_id(&r.software.slug)},
            "author": {"@id": r.origin},
            "category": r.category,
            "reviewBody": r.summary,
            "description": r.rationale,
            "inLanguage": r.language,
            "audience": r.audience.iter().map(|a| json!({"@type": "Audience", "audienceType": a})).collect::<Vec<_>>(),
            "spatialCoverage": r.region,
            "datePublished": r.published,
            "dateModified": r.updated,
            "maillage:replaces": r.replaces,
            "maillage:level": r.level,
            "maillage:hosting": r.hosting.iter().map(service).collect::<Vec<_>>(),
        }));
    }
    for c in &export.contacts {
        graph.push(json!({
            "@type": "Person",
            "@id": c.id,
            "name": c.name,
            "jobTitle": c.role,
            "worksFor": {"@id": c.origin},
            "knowsAbout": c.skills,
            "knowsLanguage": c.languages,
            "email": c.email,
            "telephone": c.phone,
            "url": c.website,
            "contactPoint": c.contact_form.as_ref().map(|u| json!({"@type": "ContactPoint", "url": u})),
            "areaServed": c.area.as_ref().map(|a| json!({
                "@type": "AdministrativeArea",
                "name": a.label,
                "identifier": a.region.clone().or(a.department.clone()).or(a.country.clone()),
            })),
        }));
    }
    let graph: Vec<Value> = graph.into_iter().map(strip_nulls).collect();
    json!({
        "@context": ["https://schema.org", {"maillage": NAMESPACE}],
        "@graph": graph,
    })
}

/// Drops null members and empty lists, which schema.org readers treat as noise.
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse() {
        assert_eq!(ExportFormat::parse("JSON-LD"), Some(ExportFormat::JsonLd));
        assert_eq!(ExportFormat::parse("csv"), Some(ExportFormat::Csv));
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+33 1 23"), "'+33 1 23");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("Nextcloud"), "Nextcloud");
        assert_eq!(ExportFormat::parse("xml"), None);
    }

    #[test]
    fn nulls_and_empty_lists_are_dropped() {
        let v = strip_nulls(json!({"a": null, "b": [], "c": {"d": null, "e": 1}}));
        assert_eq!(v, json!({"c": {"e": 1}}));
    }
}
