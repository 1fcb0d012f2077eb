//! Hosting providers: the organisations that run a free software as a service (a CHATONS
//! member, a cooperative, a company, a public body). One record per provider, shared by all its
//! offers, so that "Framasoft" is described once and every recommendation hosted there says the
//! same thing about it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use super::text;
use super::validation::{Problems, first};
use super::web_url::HttpUrl;

/// What kind of organisation runs the service: who answers, and on what terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    Association,
    Cooperative,
    Company,
    PublicBody,
}

impl ProviderKind {
    pub const ALL: [Self; 4] = [
        Self::Association,
        Self::Cooperative,
        Self::Company,
        Self::PublicBody,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Association => "association",
            Self::Cooperative => "cooperative",
            Self::Company => "company",
            Self::PublicBody => "public-body",
        }
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
            .ok_or_else(|| {
                FieldError::new(
                    field,
                    format!(
                        "`{}` is not a kind of provider: expected association, cooperative, \
                         company or public-body",
                        value.trim()
                    ),
                )
            })
    }

    /// The stored value back as a kind; an unknown value (written by a later version) reads
    /// as a company, the kind that promises least.
    pub(crate) fn from_stored(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == value)
            .unwrap_or(Self::Company)
    }
}

/// A provider as sent on the wire (`POST /api/v1/providers`; `PATCH` is a merge patch of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    /// "Framasoft", "Zaclys", "Infomaniak".
    pub name: String,
    /// The organisation's website (a scheme-less `zaclys.com` is completed with `https://`).
    pub website: String,
    pub kind: ProviderKind,
    /// Member of the CHATONS collective (Collectif des Hébergeurs Alternatifs, Transparents,
    /// Ouverts, Neutres et Solidaires).
    #[serde(default)]
    pub chatons: bool,
    /// ISO 3166-1 alpha-2 code of the country it operates from (`FR`, `CH`, `DE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A validated provider description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSpec {
    pub name: String,
    pub website: HttpUrl,
    pub kind: ProviderKind,
    pub chatons: bool,
    pub country: Option<String>,
}

impl ProviderInput {
    /// Field names in errors are relative (`website`); callers prefix them.
    pub(crate) fn validate(&self) -> Result<ProviderSpec, FieldError> {
        self.check().map_err(first)
    }

    /// Every rule the record breaks, each naming its field (empty when it is valid).
    pub(crate) fn problems(&self) -> Vec<FieldError> {
        self.check().err().unwrap_or_default()
    }

    fn check(&self) -> Result<ProviderSpec, Vec<FieldError>> {
        let mut p = Problems::default();
        let name = p.check(text::bounded("name", &self.name, 1, 100, false));
        let website = p.keep(HttpUrl::typed("website", &self.website));
        let country = p.check(country("country", self.country.as_deref()));
        p.finish(|| {
            Some(ProviderSpec {
                name,
                website: website?,
                kind: self.kind,
                chatons: self.chatons,
                country,
            })
        })
    }
}

impl ProviderSpec {
    /// Two descriptions with the same website key are the same provider.
    pub(crate) fn match_key(&self) -> String {
        self.website.match_key()
    }
}

/// How a recommendation's hosted offer names its provider: by the key of a record of this
/// node (`"framasoft"`, or its id `https://node/providers/framasoft`), or by a description that
/// finds the record with the same website or creates one (imports, peers, API clients that do
/// not know the keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ProviderRef {
    Key(String),
    Described(ProviderInput),
}

/// A validated [`ProviderRef`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderChoice {
    Key(String),
    Described(ProviderSpec),
}

impl ProviderRef {
    pub(crate) fn validate(&self, field: &str) -> Result<ProviderChoice, FieldError> {
        match self {
            Self::Key(key) => {
                // An id (`…/providers/framasoft`) names the same record as its last segment.
                let key = key.trim().trim_end_matches('/');
                let key = key.rsplit('/').next().unwrap_or(key);
                let shaped = (1..=100).contains(&key.len())
                    && key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if shaped {
                    Ok(ProviderChoice::Key(key.to_owned()))
                } else {
                    Err(FieldError::new(
                        field,
                        format!(
                            "`{key}` is not a provider key (lower-case letters, digits and \
                             dashes, as listed by /api/v1/providers)"
                        ),
                    ))
                }
            }
            Self::Described(input) => input
                .validate()
                .map(ProviderChoice::Described)
                .map_err(|e| e.inside(field)),
        }
    }
}

/// What an offer shows of its provider; stored with the offer and rewritten when the
/// provider's record changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProviderCard {
    /// This node's key for the record (its page is `/providers/{key}`).
    pub key: String,
    pub name: String,
    pub website: String,
    pub kind: ProviderKind,
    pub chatons: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A place where the software is offered as a service, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HostedOffer {
    /// The service's name: "Framadrive", "Nextcloud (Zaclys)".
    pub name: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderCard>,
}

/// An ISO 3166-1 alpha-2 country code, upper-cased.
fn country(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Ok(Some(v.to_uppercase()))
        }
        Some(v) => Err(FieldError::new(
            field,
            format!("`{v}` is not a two-letter country code such as FR, BE or CH"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProviderInput {
        ProviderInput {
            name: "Zaclys".into(),
            website: "zaclys.com".into(),
            kind: ProviderKind::Association,
            chatons: true,
            country: Some("fr".into()),
        }
    }

    #[test]
    fn completes_the_website_and_upper_cases_the_country() {
        let spec = input().validate().unwrap();
        assert_eq!(spec.website.to_string(), "https://zaclys.com/");
        assert_eq!(spec.country.as_deref(), Some("FR"));
        assert_eq!(spec.match_key(), "zaclys.com");
    }

    #[test]
    fn names_the_field_at_fault() {
        let mut bad = input();
        bad.country = Some("France".into());
        assert_eq!(bad.validate().unwrap_err().field, "country");
        let mut bad = input();
        bad.website = "ftp://zaclys.com".into();
        assert_eq!(bad.validate().unwrap_err().field, "website");
        let mut bad = input();
        bad.name = "  ".into();
        assert_eq!(bad.validate().unwrap_err().field, "name");
    }

    #[test]
    fn kinds_read_back_what_they_write() {
        for kind in ProviderKind::ALL {
            assert_eq!(ProviderKind::parse("kind", kind.as_str()).unwrap(), kind);
            assert_eq!(ProviderKind::from_stored(kind.as_str()), kind);
        }
        assert_eq!(
            serde_json::to_value(ProviderKind::PublicBody).unwrap(),
            "public-body"
        );
        assert_eq!(
            ProviderKind::parse("kind", "ngo").unwrap_err().field,
            "kind"
        );
    }
}
