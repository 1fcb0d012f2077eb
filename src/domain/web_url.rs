//! Web addresses given by users and peers: only absolute http(s) URLs with a host are accepted.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use super::FieldError;

/// Longest URL we store; longer ones are almost always garbage or an attack.
pub const MAX_URL_LENGTH: usize = 2048;

/// A scheme-less address as people type it (`www.libreoffice.org`, `zaclys.com/tarifs`,
/// `localhost:8080`) completed with `https://`. Only what starts like a host name is completed
/// (a dot or a port before the first `/`): `javascript:alert(1)` or `mailto:a@b.org` are left
/// as they are, to be refused for their scheme; so are the empty string and text with a scheme.
pub(crate) fn with_scheme(value: &str) -> String {
    let value = value.trim();
    let host = value.split(['/', '?', '#']).next().unwrap_or_default();
    let (name, port) = host.split_once(':').unwrap_or((host, ""));
    let host_like = !name.is_empty()
        && !name.contains(|c: char| c.is_whitespace() || c == '@')
        && (name.contains('.') || !port.is_empty())
        && port.bytes().all(|b| b.is_ascii_digit());
    if value.contains("://") || !host_like {
        value.to_owned()
    } else {
        format!("https://{value}")
    }
}

/// An absolute `http` or `https` URL with a host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HttpUrl(Url);

impl HttpUrl {
    /// An address a person typed, in the API or a form, completed when its scheme is missing
    /// (`with_scheme`): `www.libreoffice.org` is stored as `https://www.libreoffice.org/`.
    /// Imported documents and peers' objects go through `parse`, where a link such as
    /// `page.html` is relative, not a host.
    pub(crate) fn typed(field: &str, value: &str) -> Result<Self, FieldError> {
        Self::parse(field, &with_scheme(value))
    }

    /// `typed` for an optional field.
    pub(crate) fn typed_optional(
        field: &str,
        value: Option<&str>,
    ) -> Result<Option<Self>, FieldError> {
        match value.map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => Self::typed(field, v).map(Some),
        }
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(FieldError::coded(field, "empty", "must not be empty", &[]));
        }
        if value.len() > MAX_URL_LENGTH {
            return Err(FieldError::coded(
                field,
                "too-long",
                format!("must be at most {MAX_URL_LENGTH} characters long"),
                &[("max", &MAX_URL_LENGTH), ("count", &value.chars().count())],
            ));
        }
        let url = Url::parse(value).map_err(|e| {
            FieldError::coded(field, "url", format!("is not a valid URL ({e})"), &[])
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(FieldError::coded(
                field,
                "url-scheme",
                format!("must be an http or https URL, not {}:", url.scheme()),
                &[("scheme", &url.scheme())],
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(FieldError::coded(field, "url", "must have a host", &[]));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(FieldError::coded(
                field,
                "url-credentials",
                "must not contain a user name or password",
                &[],
            ));
        }
        Ok(Self(url))
    }

    pub(crate) fn optional(field: &str, value: Option<&str>) -> Result<Option<Self>, FieldError> {
        match value.map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => Self::parse(field, v).map(Some),
        }
    }

    /// The form used to recognise the same site written differently: no scheme, no `www.`,
    /// lower-case host, no query or fragment, no trailing slash or `.git`.
    /// `https://www.GitHub.com/nextcloud/server.git/` and `http://github.com/nextcloud/server`
    /// give the same key.
    pub(crate) fn match_key(&self) -> String {
        let host = self.0.host_str().unwrap_or_default().to_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let mut path = self.0.path().trim_end_matches('/').to_owned();
        if let Some(stripped) = path.strip_suffix(".git") {
            path = stripped.trim_end_matches('/').to_owned();
        }
        let port = self.0.port().map(|p| format!(":{p}")).unwrap_or_default();
        format!("{host}{port}{}", path.to_lowercase())
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_only() {
        assert!(HttpUrl::parse("homepage", "https://nextcloud.com/").is_ok());
        assert!(HttpUrl::parse("homepage", "http://localhost:8080/x").is_ok());
        let err = HttpUrl::parse("software.homepage", "javascript:alert(1)").unwrap_err();
        assert_eq!(err.field, "software.homepage");
        assert!(err.reason.contains("http or https"), "{}", err.reason);
        assert!(HttpUrl::parse("homepage", "ftp://example.org").is_err());
        assert!(HttpUrl::parse("homepage", "nextcloud.com").is_err());
        assert!(HttpUrl::parse("homepage", "https://user:pw@example.org").is_err());
        assert!(
            HttpUrl::parse("homepage", &format!("https://e.org/{}", "a".repeat(3000))).is_err()
        );
    }

    #[test]
    fn addresses_typed_without_scheme_are_completed() {
        let completed = |v: &str| HttpUrl::typed("homepage", v).map(|u| u.to_string());
        assert_eq!(
            completed(" www.libreoffice.org ").as_deref(),
            Ok("https://www.libreoffice.org/")
        );
        assert_eq!(
            completed("zaclys.com/tarifs?x=1").as_deref(),
            Ok("https://zaclys.com/tarifs?x=1")
        );
        assert_eq!(
            completed("localhost:8080").as_deref(),
            Ok("https://localhost:8080/")
        );
        assert_eq!(
            completed("http://example.org").as_deref(),
            Ok("http://example.org/"),
            "a scheme given is kept"
        );
        let refused = HttpUrl::parse("homepage", "javascript:alert(1)").unwrap_err();
        assert!(
            refused.reason.contains("http or https"),
            "{}",
            refused.reason
        );
        assert_eq!(with_scheme("user@example.org"), "user@example.org");
        assert_eq!(with_scheme(""), "");
    }

    #[test]
    fn match_key_ignores_cosmetic_differences() {
        let a = HttpUrl::parse("r", "https://www.GitHub.com/nextcloud/server.git/").unwrap();
        let b = HttpUrl::parse("r", "http://github.com/nextcloud/server?tab=readme#top").unwrap();
        assert_eq!(a.match_key(), b.match_key());
        assert_eq!(a.match_key(), "github.com/nextcloud/server");
        let c = HttpUrl::parse("r", "https://github.com/nextcloud/desktop").unwrap();
        assert_ne!(a.match_key(), c.match_key());
    }
}
