//! Mediator contacts: personal data, published only as far as the person consented.
//!
//! | visibility | on its own node            | sent to other servers              |
//! |------------|----------------------------|------------------------------------|
//! | `hidden`   | staff only                 | never                              |
//! | `local`    | everyone                   | never                              |
//! | `network`  | staff only                 | peer directory centres, not Public |
//! | `public`   | everyone                   | every follower                     |
//!
//! Anything but `hidden` needs recorded consent; withdrawing consent sends the card back to
//! `hidden`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::recommendation::language_tag;
use super::validation::{Problems, first};
use super::web_url::HttpUrl;
use super::{FieldError, region, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Hidden,
    Local,
    Network,
    Public,
}

impl Visibility {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Hidden => "hidden",
            Self::Local => "local",
            Self::Network => "network",
            Self::Public => "public",
        }
    }

    /// The visibility a stored or sent name stands for; `None` for any other text.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "hidden" => Some(Self::Hidden),
            "local" => Some(Self::Local),
            "network" => Some(Self::Network),
            "public" => Some(Self::Public),
            _ => None,
        }
    }

    /// Shown on this node's public pages and public API.
    pub(crate) fn is_public_here(self) -> bool {
        matches!(self, Self::Local | Self::Public)
    }
}

/// The fields a person may consent to publish. Absent scope means every field given.
pub const SCOPE_TERMS: &[&str] = &[
    "name",
    "role",
    "area",
    "skills",
    "languages",
    "email",
    "phone",
    "website",
    "contact_form",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Area {
    /// ISO 3166-1 alpha-2 (`FR`, `CH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// ISO 3166-2 (`FR-ARA`, `CH-GE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Department or canton number or code (`42`, `2A`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Free label ("Saint-Étienne et alentours").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub given_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// A contact card as sent on the wire (`POST` body; `PATCH` is a JSON merge patch of it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    /// Software and themes the person knows.
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_form: Option<String>,
    #[serde(default)]
    pub visibility: Visibility,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
}

/// A validated contact card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub name: String,
    pub role: Option<String>,
    pub area: Area,
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<HttpUrl>,
    pub contact_form: Option<HttpUrl>,
    pub visibility: Visibility,
    pub consent: Option<Consent>,
}

impl ContactInput {
    /// Validates the card and applies the consent rules. `now` is passed in so the rule
    /// "consent cannot be given in the future" is testable. Answers the first problem.
    pub(crate) fn validate(&self, now: DateTime<Utc>) -> Result<ContactDraft, FieldError> {
        self.check(now).map_err(first)
    }

    /// Every rule the card breaks, each naming its field (empty when it is valid).
    pub(crate) fn problems(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        self.check(now).err().unwrap_or_default()
    }

    /// The card checked, or every problem it has.
    pub(crate) fn check(&self, now: DateTime<Utc>) -> Result<ContactDraft, Vec<FieldError>> {
        let mut p = Problems::default();
        let name = p.check(text::bounded("name", &self.name, 1, 100, false));
        let role = p.check(text::optional("role", self.role.as_deref(), 100, false));
        let area = self.area(&mut p);
        let skills = p.check(text::label_list("skills", &self.skills, 30, 60));
        let languages = self.languages(&mut p);
        let email = p.check(self.email.as_deref().map(|e| email("email", e)).transpose());
        let phone = p.check(self.phone.as_deref().map(|e| phone("phone", e)).transpose());
        let website = p.check(HttpUrl::typed_optional("website", self.website.as_deref()));
        let contact_form = p.check(HttpUrl::typed_optional(
            "contact_form",
            self.contact_form.as_deref(),
        ));
        let consent = p.keep(
            self.consent
                .as_ref()
                .map(|c| validate_consent(c, now))
                .transpose(),
        );
        let visibility = match &consent {
            // Withdrawing consent takes the card out of sight, whatever else the request says.
            Some(Some(c)) if c.withdrawn_at.is_some() => Visibility::Hidden,
            _ => self.visibility,
        };
        let consented = matches!(&consent, Some(Some(c)) if c.withdrawn_at.is_none());
        // A refused consent is already reported at its own field.
        if visibility != Visibility::Hidden && !consented && consent.is_some() {
            p.push(FieldError::coded(
                "consent",
                "consent-needed",
                format!(
                    "visibility `{}` needs the person's recorded consent (consent.given_at)",
                    visibility.as_str()
                ),
                &[],
            ));
        }
        p.finish(|| {
            Some(ContactDraft {
                name,
                role,
                area,
                skills,
                languages,
                email: email.flatten(),
                phone: phone.flatten(),
                website,
                contact_form,
                visibility,
                consent: consent?,
            })
        })
    }

    fn area(&self, p: &mut Problems) -> Area {
        let area = self.area.clone().unwrap_or_default();
        let country = match area.country.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => p.keep(region::parse("area.country", c).and_then(|code| {
                if code.contains('-') {
                    Err(FieldError::coded(
                        "area.country",
                        "country",
                        "must be a country code such as FR or CH",
                        &[],
                    ))
                } else {
                    Ok(code)
                }
            })),
        };
        Area {
            country,
            region: p.check(region::optional("area.region", area.region.as_deref())),
            department: p.check(text::optional(
                "area.department",
                area.department.as_deref(),
                10,
                false,
            )),
            label: p.check(text::optional(
                "area.label",
                area.label.as_deref(),
                100,
                false,
            )),
        }
    }

    fn languages(&self, p: &mut Problems) -> Vec<String> {
        if self.languages.len() > 10 {
            p.push(text::too_many("languages", 10));
            return Vec::new();
        }
        self.languages
            .iter()
            .enumerate()
            .filter_map(|(i, l)| p.keep(language_tag(&format!("languages.{i}"), l)))
            .collect()
    }
}

fn validate_consent(consent: &Consent, now: DateTime<Utc>) -> Result<Consent, FieldError> {
    // A little slack for clocks that disagree; a date further ahead is a mistake.
    let latest = now + Duration::hours(24);
    if consent.given_at > latest {
        return Err(FieldError::coded(
            "consent.given_at",
            "future",
            "must not be in the future",
            &[],
        ));
    }
    if let Some(withdrawn) = consent.withdrawn_at {
        if withdrawn < consent.given_at {
            return Err(FieldError::coded(
                "consent.withdrawn_at",
                "withdrawn-before-given",
                "must not be before consent.given_at",
                &[],
            ));
        }
        if withdrawn > latest {
            return Err(FieldError::coded(
                "consent.withdrawn_at",
                "future",
                "must not be in the future",
                &[],
            ));
        }
    }
    let scope = match &consent.scope {
        None => None,
        Some(terms) => {
            let mut out = Vec::new();
            for (i, term) in terms.iter().enumerate() {
                let term = scope_term(term).ok_or_else(|| {
                    FieldError::new(
                        format!("consent.scope.{i}"),
                        format!("`{term}` is not one of {}", SCOPE_TERMS.join(", ")),
                    )
                })?;
                if !out.contains(&term.to_owned()) {
                    out.push(term.to_owned());
                }
            }
            Some(out)
        }
    };
    Ok(Consent {
        given_at: consent.given_at,
        scope,
        withdrawn_at: consent.withdrawn_at,
    })
}

/// Maps a scope term, accepting the synonyms used by the sample directory.
pub(crate) fn scope_term(term: &str) -> Option<&'static str> {
    let term = term.trim().to_lowercase();
    let term = match term.as_str() {
        "display_name" => "name",
        "knows_about" => "skills",
        "area_served" => "area",
        other => other,
    };
    SCOPE_TERMS.iter().copied().find(|t| *t == term)
}

pub(crate) fn allows(consent: Option<&Consent>, term: &str) -> bool {
    match consent.and_then(|c| c.scope.as_ref()) {
        None => true,
        Some(scope) => term == "name" || scope.iter().any(|s| s == term),
    }
}

pub(crate) fn email(field: &str, value: &str) -> Result<Option<String>, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let value = text::bounded(field, value, 3, 254, false)?;
    // The syntax of RFC 5322 as the library reads it, with a top-level domain: a bare host
    // (`marie@localhost`) or an address literal is valid mail syntax but never a visitor's.
    let options = email_address::Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld();
    let valid = email_address::EmailAddress::parse_with_options(&value, options).is_ok();
    if valid {
        Ok(Some(value))
    } else {
        Err(FieldError::coded(
            field,
            "email",
            format!("`{value}` is not an email address"),
            &[("value", &value)],
        ))
    }
}

pub(crate) fn phone(field: &str, value: &str) -> Result<Option<String>, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let valid = (4..=20).contains(&digits)
        && value.len() <= 30
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-' | '(' | ')'));
    if valid {
        Ok(Some(value.to_owned()))
    } else {
        Err(FieldError::coded(
            field,
            "phone",
            format!("`{value}` is not a phone number"),
            &[("value", &value)],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-22T10:00:00Z".parse().unwrap()
    }

    fn consent() -> Consent {
        Consent {
            given_at: "2026-05-20T10:00:00Z".parse().unwrap(),
            scope: None,
            withdrawn_at: None,
        }
    }

    fn card() -> ContactInput {
        ContactInput {
            name: "Camille Exemple".into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_problem_of_a_card_is_reported() {
        let bad = ContactInput {
            name: String::new(),
            email: Some("camille at example".into()),
            visibility: Visibility::Public,
            consent: None,
            ..card()
        };
        let fields: Vec<String> = bad.problems(now()).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "email", "consent"]);
        // A refused consent is reported once, at its own field.
        let refused = ContactInput {
            visibility: Visibility::Public,
            consent: Some(Consent {
                given_at: "2027-01-01T00:00:00Z".parse().unwrap(),
                ..consent()
            }),
            ..card()
        };
        let fields: Vec<String> = refused
            .problems(now())
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["consent.given_at"]);
    }

    #[test]
    fn hidden_by_default_and_needs_no_consent() {
        let draft = card().validate(now()).unwrap();
        assert_eq!(draft.visibility, Visibility::Hidden);
    }

    #[test]
    fn visible_cards_need_consent() {
        for visibility in [Visibility::Local, Visibility::Network, Visibility::Public] {
            let mut c = card();
            c.visibility = visibility;
            assert_eq!(c.validate(now()).unwrap_err().field, "consent");
            c.consent = Some(consent());
            assert_eq!(c.validate(now()).unwrap().visibility, visibility);
        }
    }

    #[test]
    fn withdrawing_consent_hides_the_card() {
        let mut c = card();
        c.visibility = Visibility::Public;
        c.consent = Some(Consent {
            withdrawn_at: Some("2026-07-01T12:00:00Z".parse().unwrap()),
            ..consent()
        });
        assert_eq!(c.validate(now()).unwrap().visibility, Visibility::Hidden);
    }

    #[test]
    fn consent_dates_are_checked() {
        let mut c = card();
        c.consent = Some(Consent {
            given_at: "2027-01-01T00:00:00Z".parse().unwrap(),
            ..consent()
        });
        assert_eq!(c.validate(now()).unwrap_err().field, "consent.given_at");
        c.consent = Some(Consent {
            withdrawn_at: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            ..consent()
        });
        assert_eq!(c.validate(now()).unwrap_err().field, "consent.withdrawn_at");
    }

    #[test]
    fn scope_terms_are_checked_and_applied() {
        let mut c = card();
        c.consent = Some(Consent {
            scope: Some(vec![
                "display_name".into(),
                "knows_about".into(),
                "email".into(),
            ]),
            ..consent()
        });
        let draft = c.validate(now()).unwrap();
        assert!(
            allows(draft.consent.as_ref(), "email")
                && allows(draft.consent.as_ref(), "skills")
                && allows(draft.consent.as_ref(), "name")
        );
        assert!(!allows(draft.consent.as_ref(), "phone"));
        c.consent = Some(Consent {
            scope: Some(vec!["shoe_size".into()]),
            ..consent()
        });
        assert_eq!(c.validate(now()).unwrap_err().field, "consent.scope.0");
    }

    #[test]
    fn channels_are_validated() {
        let mut c = card();
        c.email = Some("camille@example".into());
        assert_eq!(c.validate(now()).unwrap_err().field, "email");
        c.email = Some("camille@exemple.org".into());
        c.phone = Some("call me".into());
        assert_eq!(c.validate(now()).unwrap_err().field, "phone");
        c.phone = Some("+33 4 77 00 00 00".into());
        c.contact_form = Some("javascript:x".into());
        assert_eq!(c.validate(now()).unwrap_err().field, "contact_form");
        c.contact_form = None;
        c.area = Some(Area {
            country: Some("FR-ARA".into()),
            ..Default::default()
        });
        assert_eq!(c.validate(now()).unwrap_err().field, "area.country");
        c.area = None;
        c.languages = vec!["klingon language".into()];
        assert_eq!(c.validate(now()).unwrap_err().field, "languages.0");
    }
}
