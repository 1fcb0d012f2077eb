//! The URLs this node mints. An object's id is both its ActivityPub id and its web page, so the
//! shapes below are part of the federation surface: change them only with a migration plan.

use url::Url;

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
    pub fn new(domain: &str, insecure: bool) -> Result<Self, url::ParseError> {
        let scheme = if insecure { "http" } else { "https" };
        let base = Url::parse(&format!("{scheme}://{domain}/"))?;
        Ok(Self { base })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `host[:port]`, exactly as configured.
    pub fn authority(&self) -> String {
        match self.base.port() {
            Some(port) => format!("{}:{port}", self.base.host_str().unwrap_or_default()),
            None => self.base.host_str().unwrap_or_default().to_owned(),
        }
    }

    fn join(&self, path: &str) -> Url {
        // Paths are built from validated keys and usernames, so joining cannot fail.
        self.base.join(path).expect("valid path")
    }

    pub fn centre(&self, username: &str) -> Url {
        self.join(&format!("centres/{username}"))
    }

    pub fn centre_inbox(&self, username: &str) -> Url {
        self.join(&format!("centres/{username}/inbox"))
    }

    pub fn shared_inbox(&self) -> Url {
        self.join("inbox")
    }

    pub fn recommendation(&self, key: &str) -> Url {
        self.join(&format!("recommendations/{key}"))
    }

    pub fn contact(&self, key: &str) -> Url {
        self.join(&format!("contacts/{key}"))
    }

    pub fn api(&self, path: &str) -> Url {
        self.join(&format!("api/v1/{path}"))
    }
}

/// The last path segment of an object id: the KEY of `/api/v1/recommendations/{KEY}`.
pub fn key_of(id: &str) -> Option<&str> {
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
