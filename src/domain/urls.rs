//! The URLs this node mints. An object's id is both its ActivityPub id and its web page, so the
//! shapes below are part of the federation surface: change them only with a migration plan.

use url::{Host, Url};

/// The namespace of Maillage's own vocabulary, where ActivityStreams and schema.org have no
/// term (documented in FEDERATION.md). Fixed: peers rely on it.
pub const NAMESPACE: &str = "https://w3id.org/maillage/ns#";

/// The public base of the node (`https://annuaire.example.org` or, in the insecure local mode,
/// `http://localhost:8080`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeUrls {
    base: Url,
}

impl NodeUrls {
    /// `domain` is the public authority (`host` or `host:port`); `https` unless `insecure`.
    pub(crate) fn new(domain: &str, insecure: bool) -> Result<Self, url::ParseError> {
        let scheme = if insecure { "http" } else { "https" };
        let base = Url::parse(&format!("{scheme}://{domain}/"))?;
        Ok(Self { base })
    }

    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    /// `host[:port]`, normalised as [`authority`] does.
    pub(crate) fn authority(&self) -> String {
        authority(&self.base)
    }

    fn join(&self, path: &str) -> Url {
        // Paths are built from validated keys and usernames, so joining cannot fail.
        self.base.join(path).expect("valid path")
    }

    pub(crate) fn centre(&self, username: &str) -> Url {
        self.join(&format!("centres/{username}"))
    }

    pub(crate) fn centre_inbox(&self, username: &str) -> Url {
        self.join(&format!("centres/{username}/inbox"))
    }

    pub(crate) fn shared_inbox(&self) -> Url {
        self.join("inbox")
    }

    pub(crate) fn recommendation(&self, key: &str) -> Url {
        self.join(&format!("recommendations/{key}"))
    }

    pub(crate) fn contact(&self, key: &str) -> Url {
        self.join(&format!("contacts/{key}"))
    }

    pub(crate) fn place(&self, key: &str) -> Url {
        self.join(&format!("places/{key}"))
    }

    /// A hosting provider's page (not an ActivityPub object: providers travel inside the
    /// recommendations whose offers they run).
    pub(crate) fn provider(&self, key: &str) -> Url {
        self.join(&format!("providers/{key}"))
    }

    pub(crate) fn event(&self, key: &str) -> Url {
        self.join(&format!("events/{key}"))
    }

    pub(crate) fn api(&self, path: &str) -> Url {
        self.join(&format!("api/v1/{path}"))
    }
}

/// The last path segment of an object id: the KEY of `/api/v1/recommendations/{KEY}`.
pub(crate) fn key_of(id: &str) -> Option<&str> {
    id.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_domain_and_scheme() {
        let urls = NodeUrls::new("annuaire.example.org", false).unwrap();
        assert_eq!(
            urls.centre("loire").as_str(),
            "https://annuaire.example.org/centres/loire"
        );
        let local = NodeUrls::new("localhost:8080", true).unwrap();
        assert_eq!(
            local.recommendation("abc").as_str(),
            "http://localhost:8080/recommendations/abc"
        );
        assert_eq!(local.authority(), "localhost:8080");
        assert_eq!(
            key_of("http://localhost:8080/recommendations/abc"),
            Some("abc")
        );
    }
}

/// `host[:port]` of a URL, normalised the one way every comparison of hosts uses (domain
/// rules, allow lists, origin checks, delivery hosts): lower case, IDNA names in their ASCII
/// form, no trailing dot, no default port. `localhost.:8081` and `LOCALHOST:8081` are
/// `localhost:8081`, so neither gets around a rule naming it.
pub fn authority(url: &Url) -> String {
    let host = match url.host() {
        // The URL parser already lower-cases and IDNA-maps the domains of http(s) URLs.
        Some(Host::Domain(domain)) => domain.trim_end_matches('.').to_ascii_lowercase(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => format!("[{ip}]"),
        None => return String::new(),
    };
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

/// The host part of a normalised authority (`localhost:8081` -> `localhost`, `[::1]:80` ->
/// `[::1]`).
pub(crate) fn host_of(authority: &str) -> &str {
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// What a person types to name a host (`Example.ORG`, `localhost:8081`, `https://évil.example/`),
/// as a normalised authority; `None` when it names no host.
pub(crate) fn parse_authority(text: &str) -> Option<String> {
    let text = text.trim();
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text);
    let rest = rest.trim_end_matches('/');
    if rest.is_empty()
        || rest.contains(['/', '?', '#', '@'])
        || rest.chars().any(char::is_whitespace)
    {
        return None;
    }
    let url = Url::parse(&format!("https://{rest}/")).ok()?;
    Some(authority(&url)).filter(|a| !a.is_empty() && a != ".")
}

#[cfg(test)]
mod authority_tests {
    use super::*;

    fn of(url: &str) -> String {
        authority(&Url::parse(url).unwrap())
    }

    #[test]
    fn hosts_are_compared_in_one_form() {
        assert_eq!(of("http://localhost.:8081/inbox"), "localhost:8081");
        assert_eq!(of("https://Example.ORG./x"), "example.org");
        assert_eq!(of("https://example.org:443/x"), "example.org");
        assert_eq!(of("http://example.org:80/x"), "example.org");
        assert_eq!(of("https://example.org:8443/x"), "example.org:8443");
        assert_eq!(of("https://éxample.org/"), "xn--xample-9ua.org");
        assert_eq!(of("http://[::1]:8080/"), "[::1]:8080");
        assert_eq!(of("http://127.0.0.1/"), "127.0.0.1");
    }

    #[test]
    fn typed_hosts_are_normalised_the_same_way() {
        assert_eq!(
            parse_authority("Evil.Example.").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            parse_authority("https://évil.example/").as_deref(),
            Some("xn--vil-9la.example")
        );
        assert_eq!(
            parse_authority("localhost.:8081").as_deref(),
            Some("localhost:8081")
        );
        assert_eq!(
            parse_authority("example.org:443").as_deref(),
            Some("example.org")
        );
        assert_eq!(parse_authority("evil example"), None);
        assert_eq!(parse_authority("example.org/path"), None);
        assert_eq!(parse_authority(""), None);
        assert_eq!(host_of("localhost:8081"), "localhost");
        assert_eq!(host_of("example.org"), "example.org");
        assert_eq!(host_of("[::1]:80"), "[::1]");
        assert_eq!(host_of("[::1]"), "[::1]");
    }
}
