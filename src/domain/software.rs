//! A free software as users and peers describe it, and the rule that makes the same software
//! arriving from several centres one record.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use super::licence::Licence;
use super::text;
use super::validation::Problems;
use super::web_url::HttpUrl;

/// The software part of a recommendation, as sent on the wire.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareInput {
    /// Display name, e.g. "Nextcloud".
    pub name: String,
    /// The project's website (http or https; `www.example.org` is completed with `https://`).
    pub homepage: String,
    /// Source repository URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// SPDX licence expression; deprecated ids are normalised, an unknown single word is dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Wikidata item id, e.g. "Q25874683".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
}

/// A validated software description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftwareSpec {
    pub name: String,
    pub homepage: HttpUrl,
    pub repository: Option<HttpUrl>,
    pub license: Option<Licence>,
    pub wikidata: Option<WikidataId>,
}

impl SoftwareInput {
    /// The software checked, or every problem it has. Field names in errors are relative
    /// (`homepage`); callers prefix them (`software.homepage`).
    pub(crate) fn check(&self) -> Result<SoftwareSpec, Vec<FieldError>> {
        let mut p = Problems::default();
        let name = p.check(text::bounded("name", &self.name, 1, 100, false));
        let homepage = p.keep(HttpUrl::typed("homepage", &self.homepage));
        let repository = p.check(HttpUrl::typed_optional(
            "repository",
            self.repository.as_deref(),
        ));
        let license = p.check(Licence::optional("license", self.license.as_deref()));
        let wikidata = p.check(WikidataId::optional("wikidata", self.wikidata.as_deref()));
        p.finish(|| {
            Some(SoftwareSpec {
                name,
                homepage: homepage?,
                repository,
                license,
                wikidata,
            })
        })
    }
}

impl SoftwareSpec {
    /// The keys that identify a software, strongest first: Wikidata id, then repository, then
    /// homepage. Two descriptions with an equal key at the first level both have are the same
    /// software.
    pub(crate) fn match_keys(&self) -> SoftwareMatchKeys {
        SoftwareMatchKeys {
            wikidata: self.wikidata.as_ref().map(|w| w.0.clone()),
            repository: self.repository.as_ref().map(HttpUrl::match_key),
            homepage: self.homepage.match_key(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftwareMatchKeys {
    pub wikidata: Option<String>,
    pub repository: Option<String>,
    pub homepage: String,
}

/// A Wikidata item id (`Q` followed by digits). Full entity URLs are accepted and reduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct WikidataId(String);

impl WikidataId {
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        let id = value.rsplit('/').next().unwrap_or(value).to_uppercase();
        let digits = id.strip_prefix('Q').unwrap_or("");
        if !digits.is_empty()
            && digits.len() <= 12
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
        {
            Ok(Self(id))
        } else {
            Err(FieldError::new(
                field,
                format!("`{value}` is not a Wikidata item id such as Q25874683"),
            ))
        }
    }

    pub(crate) fn optional(field: &str, value: Option<&str>) -> Result<Option<Self>, FieldError> {
        match value.map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => Self::parse(field, v).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(homepage: &str) -> SoftwareInput {
        SoftwareInput {
            name: "Nextcloud".into(),
            homepage: homepage.into(),
            ..SoftwareInput::default()
        }
    }

    #[test]
    fn validates_each_field_by_name() {
        assert!(input("https://nextcloud.com").check().is_ok());
        assert_eq!(input("nextcloud").check().unwrap_err()[0].field, "homepage");
        let mut bad = input("https://nextcloud.com");
        bad.license = Some("MIT AND (".into());
        assert_eq!(bad.check().unwrap_err()[0].field, "license");
        bad.license = None;
        bad.wikidata = Some("nextcloud".into());
        assert_eq!(bad.check().unwrap_err()[0].field, "wikidata");
    }

    #[test]
    fn wikidata_urls_are_reduced_to_ids() {
        assert_eq!(
            WikidataId::parse("w", "https://www.wikidata.org/wiki/Q25874683")
                .unwrap()
                .0,
            "Q25874683"
        );
        assert_eq!(WikidataId::parse("w", "q42").unwrap().0, "Q42");
        assert!(WikidataId::parse("w", "Q").is_err());
        assert!(WikidataId::parse("w", "Q0").is_err());
    }

    #[test]
    fn match_keys_use_normalised_urls() {
        let mut a = input("https://www.nextcloud.com/");
        a.repository = Some("https://github.com/nextcloud/server.git".into());
        let keys = a.check().unwrap().match_keys();
        assert_eq!(keys.homepage, "nextcloud.com");
        assert_eq!(
            keys.repository.as_deref(),
            Some("github.com/nextcloud/server")
        );
        assert_eq!(keys.wikidata, None);
    }
}
