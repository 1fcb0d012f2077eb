//! A centre's recommendation: "for shared files, we recommend Nextcloud instead of Google Drive".

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::category::Category;
use super::product;
use super::provider::{ProviderChoice, ProviderRef};
use super::software::{SoftwareInput, SoftwareSpec};
use super::validation::{Problems, first};
use super::web_url::HttpUrl;
use super::{FieldError, region, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Recommended,
    Usable,
    Avoid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Published,
    Draft,
    Withdrawn,
}

impl Level {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Recommended => "recommended",
            Self::Usable => "usable",
            Self::Avoid => "avoid",
        }
    }

    /// The level a stored or sent name stands for; `None` for any other text.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "recommended" => Some(Self::Recommended),
            "usable" => Some(Self::Usable),
            "avoid" => Some(Self::Avoid),
            _ => None,
        }
    }
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Draft => "draft",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The status a stored or sent name stands for; `None` for any other text.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "published" => Some(Self::Published),
            "draft" => Some(Self::Draft),
            "withdrawn" => Some(Self::Withdrawn),
            _ => None,
        }
    }
}

/// A place where the software is offered as a service (a CHATONS member, for instance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hosting {
    pub name: String,
    pub url: String,
    /// Who runs it: the key of a provider record (`GET /api/v1/providers`), or a description
    /// (`{name, website, kind, chatons, country}`) that finds the record with that website or
    /// creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderRef>,
}

/// A recommendation as sent on the wire (`POST` body; `PATCH` is a JSON merge patch of it).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationInput {
    pub software: SoftwareInput,
    /// The proprietary products it replaces: "Google Drive", "Zoom"...
    pub replaces: Vec<String>,
    /// A category id from `GET /api/v1/categories`.
    pub category: String,
    /// One or two sentences, shown everywhere the recommendation appears.
    pub summary: String,
    /// Language of summary and rationale (`fr`, `en`...). Defaults to `fr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    #[serde(default)]
    pub level: Level,
    /// ISO 3166 code where the recommendation applies (`FR-ARA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub hosting: Vec<Hosting>,
    /// Who it suits: "associations", "collectivités"...
    #[serde(default)]
    pub audience: Vec<String>,
    #[serde(default)]
    pub status: Status,
}

/// A validated recommendation, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationDraft {
    pub software: SoftwareSpec,
    pub replaces: Vec<String>,
    pub category: &'static Category,
    pub summary: String,
    pub language: String,
    pub rationale: Option<String>,
    pub level: Level,
    pub region: Option<String>,
    pub hosting: Vec<ValidHosting>,
    pub audience: Vec<String>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidHosting {
    pub name: String,
    pub url: HttpUrl,
    #[serde(skip)]
    pub provider: Option<ProviderChoice>,
}

pub const MAX_SUMMARY: usize = 500;
pub const MAX_RATIONALE: usize = 5000;

impl RecommendationInput {
    /// The recommendation checked, or its first problem.
    pub(crate) fn validate(&self) -> Result<RecommendationDraft, FieldError> {
        self.check().map_err(first)
    }

    /// Every rule the recommendation breaks, each naming its field (empty when it is valid).
    pub(crate) fn problems(&self) -> Vec<FieldError> {
        self.check().err().unwrap_or_default()
    }

    /// The recommendation checked, or every problem it has.
    pub(crate) fn check(&self) -> Result<RecommendationDraft, Vec<FieldError>> {
        let mut p = Problems::default();
        let software = p.nested("software", self.software.check());
        let replaces = p.check(text::label_list("replaces", &self.replaces, 20, 100));
        let replaces = replaces
            .iter()
            .map(|name| product::canonical_name(name))
            .fold(Vec::<String>::new(), |mut acc, name| {
                if !acc.contains(&name) {
                    acc.push(name);
                }
                acc
            });
        if replaces.is_empty() && !p.has("replaces") {
            p.push(FieldError::coded(
                "replaces",
                "replaces-needed",
                "must name at least one product this software replaces",
                &[],
            ));
        }
        let category = p.keep(Category::parse("category", &self.category));
        let summary = p.check(text::bounded(
            "summary",
            &self.summary,
            1,
            MAX_SUMMARY,
            true,
        ));
        let language = p.check(language_tag(
            "language",
            self.language.as_deref().unwrap_or("fr"),
        ));
        let rationale = p.check(text::optional(
            "rationale",
            self.rationale.as_deref(),
            MAX_RATIONALE,
            true,
        ));
        let region = p.check(region::optional("region", self.region.as_deref()));
        let hosting = self.hosting(&mut p);
        let audience = p.check(text::label_list("audience", &self.audience, 20, 60));
        p.finish(|| {
            Some(RecommendationDraft {
                software: software?,
                replaces,
                category: category?,
                summary,
                language,
                rationale,
                level: self.level,
                region,
                hosting,
                audience,
                status: self.status,
            })
        })
    }

    /// The offers checked one by one; a refused one is left out while its problems are kept.
    fn hosting(&self, p: &mut Problems) -> Vec<ValidHosting> {
        if self.hosting.len() > 20 {
            p.push(text::too_many("hosting", 20));
            return Vec::new();
        }
        let mut valid = Vec::new();
        for (i, h) in self.hosting.iter().enumerate() {
            let name = p.keep(text::bounded(
                &format!("hosting.{i}.name"),
                &h.name,
                1,
                100,
                false,
            ));
            let url = p.keep(HttpUrl::typed(&format!("hosting.{i}.url"), &h.url));
            let provider = p.keep(
                h.provider
                    .as_ref()
                    .map(|r| r.validate(&format!("hosting.{i}.provider")))
                    .transpose(),
            );
            if let (Some(name), Some(url), Some(provider)) = (name, url, provider) {
                valid.push(ValidHosting {
                    name,
                    url,
                    provider,
                });
            }
        }
        valid
    }
}

pub(crate) fn language_tag(field: &str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    let mut parts = value.split('-');
    let primary = parts.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let rest: Vec<&str> = parts.collect();
    let rest_ok = rest
        .iter()
        .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !primary_ok || !rest_ok {
        return Err(FieldError::coded(
            field,
            "language",
            format!("`{value}` is not a language tag such as fr, en or fr-CH"),
            &[("value", &value)],
        ));
    }
    let mut tag = primary.to_lowercase();
    for part in rest {
        tag.push('-');
        tag.push_str(&if part.len() == 2 {
            part.to_uppercase()
        } else {
            part.to_owned()
        });
    }
    Ok(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> RecommendationInput {
        serde_json::from_value(serde_json::json!({
            "software": {"name": "Nextcloud", "homepage": "https://nextcloud.com", "license": "AGPL-3.0"},
            "replaces": ["Google Drive", "gdrive", "Dropbox"],
            "category": "files",
            "summary": "Partager des fichiers sans Google."
        }))
        .unwrap()
    }

    #[test]
    fn defaults_and_normalisation() {
        let draft = input().validate().unwrap();
        assert_eq!(draft.replaces, vec!["Google Drive", "Dropbox"]);
        assert_eq!(draft.language, "fr");
        assert_eq!(draft.level, Level::Recommended);
        assert_eq!(draft.status, Status::Published);
        assert_eq!(draft.software.license.unwrap().to_string(), "AGPL-3.0-only");
    }

    #[test]
    fn every_problem_is_reported_in_the_order_of_the_fields() {
        let mut bad = input();
        bad.software.homepage = "ftp://nextcloud.com".into();
        bad.software.license = Some("not a licence at all".into());
        bad.category = "nothing".into();
        bad.summary = " ".into();
        bad.hosting = vec![Hosting {
            name: String::new(),
            url: "framadrive.org".into(),
            provider: None,
        }];
        let fields: Vec<String> = bad.problems().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "software.homepage",
                "software.license",
                "category",
                "summary",
                "hosting.0.name"
            ]
        );
        // The API still answers the first.
        assert_eq!(bad.validate().unwrap_err().field, "software.homepage");
        assert!(input().problems().is_empty());
    }

    #[test]
    fn errors_name_nested_fields() {
        let mut bad = input();
        bad.software.homepage = "ftp://nextcloud.com".into();
        assert_eq!(bad.validate().unwrap_err().field, "software.homepage");
        let mut bad = input();
        bad.replaces = vec![" ".into()];
        assert_eq!(bad.validate().unwrap_err().field, "replaces");
        let mut bad = input();
        bad.hosting = vec![Hosting {
            name: "Framasoft".into(),
            url: "frama space".into(),
            provider: None,
        }];
        assert_eq!(bad.validate().unwrap_err().field, "hosting.0.url");
        bad.hosting[0].url = "https://frama.space".into();
        bad.hosting[0].provider = Some(ProviderRef::Key("Frama soft".into()));
        assert_eq!(bad.validate().unwrap_err().field, "hosting.0.provider");
        bad.hosting[0].provider = Some(ProviderRef::Key(
            "https://n.example/providers/framasoft".into(),
        ));
        let good = bad.validate().unwrap();
        assert_eq!(
            good.hosting[0].provider,
            Some(ProviderChoice::Key("framasoft".into())),
            "an id is read as its key"
        );
        let mut bad = input();
        bad.category = "nope".into();
        assert_eq!(bad.validate().unwrap_err().field, "category");
        let mut bad = input();
        bad.summary = "x".repeat(MAX_SUMMARY + 1);
        assert_eq!(bad.validate().unwrap_err().field, "summary");
    }

    #[test]
    fn language_tags() {
        assert_eq!(language_tag("language", "FR").unwrap(), "fr");
        assert_eq!(language_tag("language", "fr-ch").unwrap(), "fr-CH");
        assert!(language_tag("language", "français").is_err());
    }
}
