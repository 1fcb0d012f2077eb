//! The starter catalogue format (`"format": "maillage-catalogue"`, see `catalogue/README.md`):
//! software, hosting providers, their offers, and recommendations with a reason, an audience,
//! the effort of the switch, a level and sources, in French and English.
//!
//! One recommendation of the file becomes one recommendation of the importing centre, in the
//! node's language (French). The model has no field yet for the effort, the sources or an
//! offer's documentation: they are written at the end of the rationale, so that nothing the
//! file says is lost. Offers become the recommendation's hosting (service and provider names,
//! the offer's URL); an offer closed to new accounts is left out.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use crate::domain::FieldError;
use crate::domain::provider::{ProviderInput, ProviderKind, ProviderRef};
use crate::domain::recommendation::{Hosting, Level, RecommendationInput, Status};
use crate::domain::software::SoftwareInput;

use super::{ImportRefused, Plan, refused_at};

/// The value of `format` that names this format.
pub const CATALOGUE_FORMAT: &str = "maillage-catalogue";

/// The language the entries are imported in.
const LANGUAGE: &str = "fr";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    #[allow(dead_code)]
    format: String,
    format_version: u32,
    #[allow(dead_code)]
    meta: Value,
    codes: Codes,
    software: Vec<Software>,
    providers: Vec<Provider>,
    offers: Vec<Offer>,
    recommendations: Vec<Recommendation>,
}

/// Labels of the codes, by kind then code.
type Labels = HashMap<String, Text>;

#[derive(Debug, Deserialize)]
struct Codes {
    audience: Labels,
    effort: Labels,
}

#[derive(Debug, Clone, Deserialize)]
struct Text {
    fr: String,
    en: String,
}

impl Text {
    fn get(&self, language: &str) -> &str {
        if language == "en" { &self.en } else { &self.fr }
    }
}

#[derive(Debug, Deserialize)]
struct Software {
    id: String,
    name: String,
    licenses: Vec<String>,
    website: String,
    source_code: Option<String>,
    wikidata: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Provider {
    id: String,
    name: String,
    website: String,
    kind: ProviderKind,
    /// Unknown when the sources do not say; read as not a member.
    chatons: Option<bool>,
    country: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Offer {
    id: String,
    provider: String,
    software: String,
    name: String,
    url: String,
    docs: Option<String>,
    registration: String,
}

#[derive(Debug, Deserialize)]
struct Recommendation {
    id: String,
    software: String,
    replaces: Vec<String>,
    category: String,
    summary: Text,
    reason: Text,
    audience: Vec<String>,
    effort: Effort,
    level: Level,
    offers: Vec<String>,
    sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Effort {
    level: String,
    note: Text,
}

pub(super) fn plan(value: Value) -> Result<Plan, ImportRefused> {
    let catalogue: Catalogue = serde_path_to_error::deserialize(value).map_err(refused_at)?;
    if catalogue.format_version != 1 {
        return Err(ImportRefused(vec![FieldError::new(
            "format_version",
            format!(
                "version {} of the catalogue format is not known to this version of Maillage \
                 (it reads version 1)",
                catalogue.format_version
            ),
        )]));
    }
    let software: HashMap<&str, &Software> = catalogue
        .software
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let providers: HashMap<&str, &Provider> = catalogue
        .providers
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let offers: HashMap<&str, &Offer> = catalogue
        .offers
        .iter()
        .map(|o| (o.id.as_str(), o))
        .collect();
    let mut errors = Vec::new();
    let mut recommendations = Vec::new();
    let mut closed = 0;
    for r in &catalogue.recommendations {
        let entry = format!("recommendations.{}", r.id);
        let input = input(
            r,
            &catalogue.codes,
            &software,
            &providers,
            &offers,
            &mut closed,
        );
        match input.and_then(|i| i.validate()) {
            Ok(draft) => recommendations.push(draft),
            Err(e) => errors.push(e.inside(&entry)),
        }
    }
    if !errors.is_empty() {
        return Err(ImportRefused(errors));
    }
    let mut not_imported = Vec::new();
    if closed > 0 {
        not_imported.push(format!(
            "{closed} hosted offer(s) closed to new accounts: not offered to new users"
        ));
    }
    Ok(Plan {
        format: "starter catalogue",
        recommendations,
        contacts: Vec::new(),
        places: Vec::new(),
        not_imported,
    })
}

fn input(
    r: &Recommendation,
    codes: &Codes,
    software: &HashMap<&str, &Software>,
    providers: &HashMap<&str, &Provider>,
    offers: &HashMap<&str, &Offer>,
    closed: &mut usize,
) -> Result<RecommendationInput, FieldError> {
    let s = software
        .get(r.software.as_str())
        .ok_or_else(|| FieldError::new("software", format!("unknown software `{}`", r.software)))?;
    let mut hosting = Vec::new();
    let mut docs = Vec::new();
    for (i, id) in r.offers.iter().enumerate() {
        let field = format!("offers.{i}");
        let offer = offers
            .get(id.as_str())
            .ok_or_else(|| FieldError::new(&field, format!("unknown offer `{id}`")))?;
        if offer.software != r.software {
            return Err(FieldError::new(
                &field,
                format!(
                    "offer `{id}` runs `{}`, not `{}`",
                    offer.software, r.software
                ),
            ));
        }
        let provider = providers.get(offer.provider.as_str()).ok_or_else(|| {
            FieldError::new(
                &field,
                format!(
                    "offer `{id}` names an unknown provider `{}`",
                    offer.provider
                ),
            )
        })?;
        if offer.registration == "closed" {
            *closed += 1;
            continue;
        }
        hosting.push(Hosting {
            name: hosting_name(&offer.name, &provider.name),
            url: offer.url.clone(),
            provider: Some(ProviderRef::Described(ProviderInput {
                name: provider.name.clone(),
                website: provider.website.clone(),
                kind: provider.kind,
                chatons: provider.chatons.unwrap_or(false),
                country: provider.country.clone(),
            })),
        });
        if let Some(url) = &offer.docs {
            docs.push(format!("{} : {url}", offer.name));
        }
    }
    let label = |kind: &Labels, code: &str, field: String| {
        kind.get(code)
            .map(|t| t.get(LANGUAGE).to_owned())
            .ok_or_else(|| FieldError::new(field, format!("unknown code `{code}`")))
    };
    let audience = r
        .audience
        .iter()
        .enumerate()
        .map(|(i, code)| label(&codes.audience, code, format!("audience.{i}")))
        .collect::<Result<Vec<_>, _>>()?;
    let effort = label(&codes.effort, &r.effort.level, "effort.level".into())?;
    Ok(RecommendationInput {
        software: SoftwareInput {
            name: s.name.clone(),
            homepage: s.website.clone(),
            repository: s.source_code.clone(),
            license: Some(s.licenses.join(" AND ")).filter(|l| !l.is_empty()),
            wikidata: s.wikidata.clone(),
        },
        replaces: r.replaces.clone(),
        category: r.category.clone(),
        summary: r.summary.get(LANGUAGE).to_owned(),
        language: Some(LANGUAGE.into()),
        rationale: Some(rationale(
            r.reason.get(LANGUAGE),
            &effort,
            r.effort.note.get(LANGUAGE),
            &docs,
            &r.sources,
        )),
        level: r.level,
        region: None,
        hosting,
        audience,
        status: Status::Published,
    })
}

/// The service's name, with its provider's when the name does not say it.
fn hosting_name(offer: &str, provider: &str) -> String {
    if offer.to_lowercase().contains(&provider.to_lowercase()) {
        offer.to_owned()
    } else {
        format!("{offer} ({provider})")
    }
}

/// The reason, then what the model has no field for yet: the effort of the switch, the offers'
/// documentation and the sources, each a paragraph.
fn rationale(
    reason: &str,
    effort: &str,
    note: &str,
    docs: &[String],
    sources: &[String],
) -> String {
    let mut text = format!("{reason}\n\nChanger d'outil. {effort}. {note}");
    if !docs.is_empty() {
        text.push_str(&format!("\n\nModes d'emploi : {}.", docs.join(" ; ")));
    }
    if !sources.is_empty() {
        text.push_str(&format!("\n\nSources : {}", sources.join(" ; ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::STARTER_CATALOGUE;
    use super::*;
    use crate::domain::text::fold;

    fn starter() -> Value {
        serde_json::from_str(STARTER_CATALOGUE).unwrap()
    }

    #[test]
    fn the_starter_catalogue_plans_every_entry() {
        let plan = plan(starter()).unwrap();
        assert_eq!(plan.recommendations.len(), 138);
        let nextcloud = &plan.recommendations[0];
        assert_eq!(nextcloud.software.name, "Nextcloud");
        assert_eq!(nextcloud.category.id, "files");
        assert_eq!(nextcloud.level, Level::Recommended);
        assert!(nextcloud.audience.contains(&"Associations".to_owned()));
        let rationale = nextcloud.rationale.as_deref().unwrap();
        assert!(
            rationale.starts_with("Nextcloud est développé"),
            "{rationale}"
        );
        assert!(rationale.contains("Moyen : quelques heures"), "{rationale}");
        assert!(
            rationale.contains("Sources : https://nextcloud.com/"),
            "{rationale}"
        );
        assert!(
            nextcloud
                .hosting
                .iter()
                .any(|h| h.url.to_string() == "https://frama.space/"),
            "{:?}",
            nextcloud.hosting
        );
        for level in [Level::Recommended, Level::Usable, Level::Avoid] {
            assert!(plan.recommendations.iter().any(|r| r.level == level));
        }
    }

    #[test]
    fn no_two_summaries_alike_and_reasons_say_why() {
        let plan = plan(starter()).unwrap();
        let mut summaries: Vec<String> = plan
            .recommendations
            .iter()
            .map(|r| fold(&r.summary))
            .collect();
        summaries.sort();
        summaries.dedup();
        assert_eq!(summaries.len(), plan.recommendations.len());
        // The reason is the rationale's first paragraph; effort and sources follow.
        let short = plan
            .recommendations
            .iter()
            .filter(|r| {
                let reason = r
                    .rationale
                    .as_deref()
                    .unwrap()
                    .split("\n\n")
                    .next()
                    .unwrap();
                reason.chars().count() < 60
            })
            .count();
        assert!(
            short * 10 <= plan.recommendations.len(),
            "{short} short reasons"
        );
    }

    #[test]
    fn a_bad_entry_is_named_by_its_id_and_field() {
        let mut doc = starter();
        doc["recommendations"][2]["offers"] = serde_json::json!(["no-such-offer"]);
        doc["recommendations"][5]["audience"] = serde_json::json!(["martians"]);
        doc["recommendations"][7]["summary"]["fr"] = Value::String(String::new());
        let ids: Vec<String> = (0..8)
            .map(|i| doc["recommendations"][i]["id"].as_str().unwrap().to_owned())
            .collect();
        let err = plan(doc).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                format!("recommendations.{}.offers.0", ids[2]),
                format!("recommendations.{}.audience.0", ids[5]),
                format!("recommendations.{}.summary", ids[7]),
            ]
        );
    }

    #[test]
    fn a_wrong_type_or_version_is_refused_with_its_path() {
        let mut doc = starter();
        doc["recommendations"][1]["level"] = Value::String("perfect".into());
        let err = plan(doc).unwrap_err();
        assert_eq!(err.0[0].field, "recommendations[1].level");
        let mut doc = starter();
        doc["format_version"] = serde_json::json!(2);
        assert_eq!(plan(doc).unwrap_err().0[0].field, "format_version");
    }
}
