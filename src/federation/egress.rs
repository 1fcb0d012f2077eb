//! Whether this node may contact a URL: the one place that decides it, for every outgoing
//! request (fetches of actors and objects, WebFinger, outbox pages, redirects, deliveries) and
//! for the inboxes stored from actors.
//!
//! - **Scheme by mode**: https only; http too in the insecure local mode.
//! - **Addresses by range**: IP literals are judged here, names when they are resolved (the
//!   client's resolver, at connect time, so DNS rebinding cannot get around it), both against
//!   one table of non-global ranges (loopback, private, link-local, CGNAT, documentation,
//!   multicast, IPv4-mapped, NAT64 of those...).
//! - **Ports**: outside the insecure mode, only the default port.
//! - **Moderation**: a blocked domain, or in allow-list mode a domain not on the list, is not
//!   contacted at all (not even fetched once to be refused afterwards).
//!
//! `federation.allowed_private_hosts` names the hosts on private addresses an operator wants
//! reached all the same (a peer on the LAN, a local TLS terminator in front of test nodes): for
//! them, and only them, the address and port rules are lifted; the scheme and moderation rules
//! still apply. The list is logged at start.

use std::net::IpAddr;
use std::sync::Arc;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use activitypub_federation::config::UrlVerifier;
use async_trait::async_trait;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::authority;
use crate::domain::urls::host_of;

/// Why a URL may not be contacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    #[error("{url}: only https URLs are contacted (http only in the insecure local mode)")]
    Scheme { url: String },
    #[error("{url}: the URL has no host")]
    NoHost { url: String },
    #[error("{url}: URLs with a user name or password are not contacted")]
    Credentials { url: String },
    #[error("{url}: {address} is a private, loopback or link-local address")]
    PrivateAddress { url: String, address: String },
    #[error("{url}: only the default port is contacted (port {port})")]
    Port { url: String, port: u16 },
    #[error("{host} is blocked here")]
    Blocked { host: String },
    #[error("{host} is not on this node's allow list")]
    NotAllowed { host: String },
}

impl Refusal {
    /// A fixed text for the library's error type, which only takes static strings.
    pub(crate) fn summary(&self) -> &'static str {
        match self {
            Self::Scheme { .. } => "refused: only https URLs are contacted",
            Self::NoHost { .. } => "refused: the URL has no host",
            Self::Credentials { .. } => "refused: URLs with credentials are not contacted",
            Self::PrivateAddress { .. } => {
                "refused: a private, loopback or link-local address is not contacted"
            }
            Self::Port { .. } => "refused: only the default port is contacted",
            Self::Blocked { .. } => "refused: the domain is blocked here",
            Self::NotAllowed { .. } => "refused: the domain is not on this node's allow list",
        }
    }
}

/// The address rules of the node (the moderation rules are in the database; see
/// [`super::FederationData::may_contact`]).
#[derive(Clone)]
pub struct Egress {
    insecure: bool,
    /// Normalised authorities (`host` or `host:port`) exempt from the address and port rules.
    private_hosts: Arc<Vec<String>>,
}

impl std::fmt::Debug for Egress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Egress")
            .field("insecure", &self.insecure)
            .field("private_hosts", &self.private_hosts)
            .finish_non_exhaustive()
    }
}

impl Egress {
    /// `private_hosts`: authorities as typed by the operator, already normalised.
    pub(crate) fn new(insecure: bool, private_hosts: Vec<String>) -> Self {
        Self {
            insecure,
            private_hosts: Arc::new(private_hosts),
        }
    }

    /// The resolver the HTTP client connects through: names resolving to non-global
    /// addresses are refused (outside the insecure mode), except the listed private hosts.
    pub(crate) fn resolver(&self) -> Arc<EgressResolver> {
        Arc::new(EgressResolver {
            validate: !self.insecure,
            private_hosts: self.private_hosts.clone(),
        })
    }

    fn listed(&self, authority: &str) -> bool {
        self.private_hosts
            .iter()
            .any(|h| h == authority || (!h.contains(':') && h == host_of(authority)))
    }

    /// Scheme, host, credentials, address range of IP literals, port. Names are judged by the
    /// resolver when the connection is made.
    pub(crate) fn check(&self, url: &Url) -> Result<(), Refusal> {
        let shown = || url.to_string();
        match url.scheme() {
            "https" => {}
            "http" if self.insecure => {}
            _ => return Err(Refusal::Scheme { url: shown() }),
        }
        let Some(host) = url.host() else {
            return Err(Refusal::NoHost { url: shown() });
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Credentials { url: shown() });
        }
        if self.insecure || self.listed(&authority(url)) {
            return Ok(());
        }
        let literal = match host {
            Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            Host::Domain(name) => {
                let name = name.trim_end_matches('.');
                if name == "localhost" || name.ends_with(".localhost") {
                    return Err(Refusal::PrivateAddress {
                        url: shown(),
                        address: name.to_owned(),
                    });
                }
                None
            }
        };
        if let Some(ip) = literal
            && !is_global(ip)
        {
            return Err(Refusal::PrivateAddress {
                url: shown(),
                address: ip.to_string(),
            });
        }
        if let Some(port) = url.port() {
            return Err(Refusal::Port { url: shown(), port });
        }
        Ok(())
    }
}

/// Why a centre a person typed cannot be reached, said in their terms (the library's own
/// messages speak of "local IP" for a name that does not exist at all, and of "invalid
/// characters" for a port).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Unreachable {
    #[error(
        "`{authority}` is a name on this machine: this node runs in production mode \
         (federation.insecure off) and follows servers by their public domain name, on the \
         default port. To federate nodes on one machine, start each of them with \
         MAILLAGE_FEDERATION_INSECURE=true"
    )]
    LocalName { authority: String },
    #[error(
        "`{authority}` names a port: outside the insecure local mode, servers are followed by \
         their domain name alone, on the https port"
    )]
    Port { authority: String },
    #[error("`{host}` does not exist (no address is registered for this name): check the spelling")]
    NoSuchName { host: String },
    #[error(
        "`{host}` resolves to {address}, a private, loopback or link-local address, which this \
         node does not contact; to reach a peer on your own network, list it in \
         federation.allowed_private_hosts"
    )]
    PrivateAddress { host: String, address: String },
    #[error("{0}")]
    Refused(Refusal),
}

impl Egress {
    /// Before following `url` (the root of the domain a person typed): the rules of
    /// [`Egress::check`], then the name resolved once, so that a typo and a private address
    /// are told apart and named. The connection itself is still checked by the resolver.
    pub(crate) async fn preflight(&self, url: &Url) -> Result<(), Unreachable> {
        let authority = authority(url);
        let host = host_of(&authority).to_owned();
        let local_name = host == "localhost" || host.ends_with(".localhost");
        match self.check(url) {
            Ok(()) => {}
            Err(Refusal::Port { .. } | Refusal::PrivateAddress { .. }) if local_name => {
                return Err(Unreachable::LocalName { authority });
            }
            Err(Refusal::Port { .. }) => return Err(Unreachable::Port { authority }),
            Err(other) => return Err(Unreachable::Refused(other)),
        }
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((host.as_str(), port)).await {
            Ok(addrs) => addrs.collect(),
            Err(_) => Vec::new(),
        };
        if addrs.is_empty() {
            return Err(Unreachable::NoSuchName { host });
        }
        if !self.insecure
            && !self.listed(&authority)
            && let Some(bad) = addrs.iter().find(|a| !is_global(a.ip()))
        {
            return Err(Unreachable::PrivateAddress {
                host,
                address: bad.ip().to_string(),
            });
        }
        Ok(())
    }
}

/// Whether an address may be contacted: not loopback, private, link-local, CGNAT, multicast,
/// documentation, reserved, unspecified or broadcast, nor an IPv4-mapped, IPv4-compatible,
/// NAT64 or 6to4 form of those. The same ranges as the ActivityPub library's resolver (whose
/// table is private to it and can be switched off for the whole process by an environment
/// variable; this one cannot).
pub(crate) fn is_global(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4_is_global(v4),
        IpAddr::V6(v6) => v6_is_global(v6),
    }
}

fn v4_is_global(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    !(v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_multicast()
        || v4.is_documentation()
        || v4.is_unspecified()
        || v4.is_broadcast()
        // 0.0.0.0/8 reaches the host itself on Linux
        || a == 0
        // 100.64.0.0/10, shared address space (CGNAT, cloud-internal services)
        || (a == 100 && (b & 0xc0) == 0x40)
        // 240.0.0.0/4, reserved
        || a >= 240)
}

fn v6_is_global(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    // NAT64 (64:ff9b::/96) carries an IPv4 address: judge that one.
    if matches!(s, [0x64, 0xff9b, 0, 0, 0, 0, ..]) {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return v4_is_global(Ipv4Addr::new(a, b, c, d));
    }
    !(matches!(
        s,
        // documentation, IPv4-compatible, IPv4-mapped, local NAT64, 6to4
        [0x2001, 0xdb8, ..]
            | [0x3fff, 0..=0x0fff, ..]
            | [0, 0, 0, 0, 0, 0, ..]
            | [0, 0, 0, 0, 0, 0xffff, ..]
            | [0x64, 0xff9b, 1, ..]
            | [0x2002, ..]
    ) || v6.is_loopback()
        || v6.is_multicast()
        || v6.is_unique_local()
        || v6.is_unicast_link_local()
        || v6.is_unspecified())
}

/// The HTTP client's resolver: a name resolving to any non-global address is refused when the
/// connection is made (so DNS rebinding cannot get around [`Egress::check`]), except the
/// listed private hosts; nothing is checked in the insecure local mode.
pub(crate) struct EgressResolver {
    validate: bool,
    private_hosts: Arc<Vec<String>>,
}

impl Resolve for EgressResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let validate = self.validate && !self.private_hosts.iter().any(|h| host_of(h) == host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if validate && let Some(bad) = addrs.iter().find(|a| !is_global(a.ip())) {
                return Err(format!(
                    "{host} resolves to {}, a private, loopback or link-local address",
                    bad.ip()
                )
                .into());
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// The library's hook on every URL it fetches (redirects included): the node's decision.
#[derive(Clone)]
pub(crate) struct Verifier(pub super::FederationData);

#[async_trait]
impl UrlVerifier for Verifier {
    async fn verify(&self, url: &Url) -> Result<(), activitypub_federation::error::Error> {
        // (The library also asks about the ids of activities it receives: the same rules
        // apply to them. The per-host pace of fetches is kept by `FetchPace`, on the requests
        // themselves.)
        self.0.may_contact(url).await.map_err(|refusal| {
            tracing::info!("not fetching: {refusal}");
            activitypub_federation::error::Error::UrlVerificationError(refusal.summary())
        })
    }
}

/// The per-host pace of the library's requests (fetches, WebFinger): a middleware of its HTTP
/// client, so it counts requests actually made, nothing else. Past a host's burst, a fetch
/// waits for its turn, up to 10 s, then is given up.
pub(crate) struct FetchPace(pub super::throttle::HostLimiter);

#[async_trait]
impl reqwest_middleware::Middleware for FetchPace {
    async fn handle(
        &self,
        req: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let host = authority(req.url());
        if self
            .0
            .take_or_wait(&host, std::time::Duration::from_secs(10))
            .await
            .is_err()
        {
            tracing::info!(
                "not fetching {}: too many fetches from {host} lately",
                req.url()
            );
            return Err(reqwest_middleware::Error::middleware(TooManyFetches(host)));
        }
        next.run(req, extensions).await
    }
}

#[derive(Debug, thiserror::Error)]
#[error("too many fetches from {0} lately")]
struct TooManyFetches(String);

#[cfg(test)]
mod tests {
    use super::*;

    async fn check(egress: &Egress, url: &str) -> Result<(), Refusal> {
        egress.check(&Url::parse(url).unwrap())
    }

    // No connection is made by these checks: IP literals are judged, names are not resolved.
    #[tokio::test]
    async fn secure_mode_refuses_private_literals_http_and_ports() {
        let egress = Egress::new(false, Vec::new());
        assert!(check(&egress, "https://example.org/inbox").await.is_ok());
        assert!(check(&egress, "https://93.184.215.14/inbox").await.is_ok());
        for url in [
            "https://127.0.0.1/inbox",
            "https://127.1.2.3/inbox",
            "https://[::1]/inbox",
            "https://[::ffff:127.0.0.1]/inbox",
            "https://169.254.169.254/latest/meta-data",
            "https://10.0.0.8/inbox",
            "https://192.168.1.1/inbox",
            "https://172.16.0.1/inbox",
            "https://100.64.0.1/inbox",
            "https://[fd00::1]/inbox",
            "https://[fe80::1]/inbox",
            "https://0.0.0.0/inbox",
            "https://localhost/inbox",
            "https://localhost./inbox",
            "https://a.localhost/inbox",
        ] {
            assert!(
                matches!(
                    check(&egress, url).await,
                    Err(Refusal::PrivateAddress { .. })
                ),
                "{url}"
            );
        }
        assert!(matches!(
            check(&egress, "http://example.org/inbox").await,
            Err(Refusal::Scheme { .. })
        ));
        assert!(matches!(
            check(&egress, "ftp://example.org/").await,
            Err(Refusal::Scheme { .. })
        ));
        assert!(matches!(
            check(&egress, "https://example.org:8443/inbox").await,
            Err(Refusal::Port { .. })
        ));
        assert!(
            check(&egress, "https://example.org:443/inbox")
                .await
                .is_ok()
        );
        assert!(matches!(
            check(&egress, "https://user:pw@example.org/").await,
            Err(Refusal::Credentials { .. })
        ));
    }

    #[tokio::test]
    async fn insecure_mode_allows_http_and_loopback_but_not_other_schemes() {
        let egress = Egress::new(true, Vec::new());
        assert!(check(&egress, "http://localhost:8081/inbox").await.is_ok());
        assert!(check(&egress, "http://127.0.0.1:8081/inbox").await.is_ok());
        assert!(matches!(
            check(&egress, "file:///etc/passwd").await,
            Err(Refusal::Scheme { .. })
        ));
    }

    #[tokio::test]
    async fn listed_private_hosts_are_reached_on_their_port_only() {
        let egress = Egress::new(
            false,
            vec![
                "alpha.test:8443".into(),
                "peer.lan".into(),
                "127.0.0.1".into(),
            ],
        );
        assert!(
            check(&egress, "https://alpha.test:8443/inbox")
                .await
                .is_ok()
        );
        assert!(matches!(
            check(&egress, "https://alpha.test:9000/inbox").await,
            Err(Refusal::Port { .. })
        ));
        assert!(check(&egress, "https://peer.lan:8443/inbox").await.is_ok());
        assert!(check(&egress, "https://127.0.0.1/inbox").await.is_ok());
        assert!(matches!(
            check(&egress, "https://127.0.0.2/inbox").await,
            Err(Refusal::PrivateAddress { .. })
        ));
        // The scheme rule is not lifted.
        assert!(matches!(
            check(&egress, "http://alpha.test:8443/inbox").await,
            Err(Refusal::Scheme { .. })
        ));
    }
}
