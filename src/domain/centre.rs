//! Centres: the mediation centres a node hosts, each an ActivityPub actor.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::validation::{Problems, first};
use super::web_url::HttpUrl;
use super::{FieldError, region, text};

/// A centre's local username, the `name` of `@name@domain`. Follows Mastodon's rule for local
/// accounts so every fediverse server can address it: letters, digits and `_`, with `.` or `-`
/// allowed inside; at most 30 characters. Stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let name = value.trim().to_lowercase();
        let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let valid = !name.is_empty()
            && name.len() <= 30
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
            && edge_ok(name.chars().next())
            && edge_ok(name.chars().last());
        if valid {
            Ok(Self(name))
        } else {
            Err(FieldError::new(
                field,
                format!(
                    "`{}` is not a valid username: use 1 to 30 letters, digits or _ \
                     (. and - allowed inside)",
                    value.trim()
                ),
            ))
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// The editable profile of a centre, as sent on the wire.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CentreProfileInput {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// ISO 3166 code: `FR-ARA`, `CH-GE`, `FR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// URL of an image (the avatar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// URL of a wide header image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// How people reach the centre: an email address or a URL (contact page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// `POST /api/v1/centres`: a new centre on this node.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCentreInput {
    pub username: String,
    #[serde(flatten)]
    pub profile: CentreProfileInput,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentreProfile {
    pub name: String,
    pub summary: Option<String>,
    pub website: Option<HttpUrl>,
    pub region: Option<String>,
    pub icon: Option<HttpUrl>,
    pub header: Option<HttpUrl>,
    pub contact: Option<String>,
}

impl CentreProfileInput {
    pub(crate) fn validate(&self) -> Result<CentreProfile, FieldError> {
        self.check().map_err(first)
    }

    /// Every rule the profile breaks, each naming its field (empty when it is valid).
    pub(crate) fn problems(&self) -> Vec<FieldError> {
        self.check().err().unwrap_or_default()
    }

    fn check(&self) -> Result<CentreProfile, Vec<FieldError>> {
        let mut p = Problems::default();
        let profile = CentreProfile {
            name: p.check(text::bounded("name", &self.name, 1, 100, false)),
            summary: p.check(text::optional(
                "summary",
                self.summary.as_deref(),
                2000,
                true,
            )),
            website: p.check(HttpUrl::typed_optional("website", self.website.as_deref())),
            region: p.check(region::optional("region", self.region.as_deref())),
            icon: p.check(HttpUrl::optional("icon", self.icon.as_deref())),
            header: p.check(HttpUrl::optional("header", self.header.as_deref())),
            contact: p.check(contact("contact", self.contact.as_deref())),
        };
        p.finish(|| Some(profile))
    }
}

impl CentreProfile {
    /// The description a new centre starts with when none is given, so that its profile on
    /// the fediverse is not blank: its name, its region, what following it brings. Staff
    /// replace it from the admin pages or the API.
    pub(crate) fn default_summary(name: &str, region: Option<&str>) -> String {
        // No product or trade names, and no "médiation": a centre's description is searched,
        // and boilerplate must not make it answer `zoom` or `médiation` queries.
        let place = region
            .and_then(super::region::in_french)
            .map(|p| format!(", {p}"))
            .unwrap_or_default();
        format!(
            "{name}{place} : des logiciels libres recommandés, avec des services prêts à \
             l’emploi, et une équipe pour vous accompagner dans le changement. Suivez ce compte \
             depuis Mastodon pour recevoir chaque nouvelle recommandation."
        )
    }
}

/// An email address or an http(s) URL.
fn contact(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.contains("://") {
        return HttpUrl::parse(field, value).map(|u| Some(u.to_string()));
    }
    let valid_email = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        })
        && !value.contains(char::is_whitespace);
    if valid_email {
        Ok(Some(value.to_owned()))
    } else {
        Err(FieldError::new(
            field,
            format!("`{value}` is neither an email address nor an http(s) URL"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_mastodon_rules() {
        assert_eq!(
            Username::parse("username", "Loire").unwrap().as_str(),
            "loire"
        );
        assert!(Username::parse("username", "centre_42").is_ok());
        assert!(Username::parse("username", "centre.loire-sud").is_ok());
        for bad in ["", "-loire", "loire.", "é", "a b", &"a".repeat(31)] {
            assert_eq!(
                Username::parse("username", bad).unwrap_err().field,
                "username",
                "{bad}"
            );
        }
    }

    #[test]
    fn profile_names_bad_fields() {
        let mut p = CentreProfileInput {
            name: "Centre".into(),
            ..Default::default()
        };
        assert!(p.validate().is_ok());
        p.website = Some("www.libreoffice.org".into());
        assert_eq!(
            p.validate().unwrap().website.unwrap().to_string(),
            "https://www.libreoffice.org/"
        );
        p.website = Some("not a url".into());
        assert_eq!(p.validate().unwrap_err().field, "website");
        p.website = None;
        p.region = Some("Loire".into());
        assert_eq!(p.validate().unwrap_err().field, "region");
        p.region = None;
        p.contact = Some("contact@loire.example".into());
        assert!(p.validate().is_ok());
        p.contact = Some("https://loire.example/contact".into());
        assert!(p.validate().is_ok());
        p.contact = Some("call us".into());
        assert_eq!(p.validate().unwrap_err().field, "contact");
    }
}
