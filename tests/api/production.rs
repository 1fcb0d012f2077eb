//! Production mode for test nodes (`NodeSpec::production()`): a node with
//! `federation.insecure = false`, so https ids, the ActivityPub library out of its debug mode,
//! and the node's egress rules as in production, reached by its peers and by the test's
//! clients on `https://nN.maillage.test/` (the default port, no port in any id) through a TLS
//! terminator started by the test.
//!
//! What it needs from the machine, as production needs DNS and port 443:
//!
//! - **names**: `n1.maillage.test` to `n24.maillage.test` resolve to `127.0.77.1` to
//!   `127.0.77.24` (`.ci/with-test-hosts` writes them into `/etc/hosts`). The library resolves
//!   every peer's name itself before a fetch, with the system's resolver, so the names must be
//!   real; each on its own loopback address so that every node is on port 443;
//! - **port 443**: the terminators listen on it (root, or `net.ipv4.ip_unprivileged_port_start`
//!   at most 443);
//! - **`DANGER_FEDERATION_ALLOW_LOCAL_IP=1`** (set by `tests/report-skips.sh`, cargo's runner):
//!   the library's own check refuses loopback addresses and cannot be told about
//!   `federation.allowed_private_hosts`; the variable turns that second check off, which leaves
//!   the node's own egress rules (what these tests exercise) as the only ones.
//!
//! Where one is missing, production cases are skipped (counted; failing on CI).
//!
//! Each node trusts the test CA through `federation.extra_root_certificates` and lists its
//! peers' names in `federation.allowed_private_hosts`, as an operator of a private federation
//! would. A node's name is claimed by binding its address: concurrent tests, and concurrent
//! test processes, never share one.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// How many names the pool holds (`.ci/with-test-hosts` writes as many).
pub const NAMES: u8 = 24;

pub fn name(i: u8) -> String {
    format!("n{i}.maillage.test")
}

pub fn address(i: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 77, i)
}

/// The test CA and a certificate it signed for every name of the pool, made once per process.
struct Pki {
    ca_pem: String,
    tls: Arc<ServerConfig>,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Maillage test CA");
        let ca_key = KeyPair::generate().unwrap();
        let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
        let issuer = Issuer::new(ca, ca_key);
        let leaf = CertificateParams::new((1..=NAMES).map(name).collect::<Vec<_>>()).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_der = leaf.signed_by(&leaf_key, &issuer).unwrap().der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let tls = ServerConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf_der], key)
        .unwrap();
        Pki {
            ca_pem,
            tls: Arc::new(tls),
        }
    })
}

/// The test CA's certificate, PEM.
pub fn ca_pem() -> &'static str {
    &pki().ca_pem
}

/// A client builder that trusts the test CA (on top of the system's).
pub fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .tls_certs_merge([reqwest::Certificate::from_pem(ca_pem().as_bytes()).unwrap()])
}

/// Why production nodes cannot run here, if they cannot (see the module doc).
pub async fn unavailable() -> Option<&'static str> {
    if std::env::var_os("DANGER_FEDERATION_ALLOW_LOCAL_IP").is_none() {
        return Some(
            "production mode needs DANGER_FEDERATION_ALLOW_LOCAL_IP=1 (run through cargo test: \
             tests/report-skips.sh sets it)",
        );
    }
    let resolved: Vec<IpAddr> = tokio::net::lookup_host((name(NAMES).as_str(), 443))
        .await
        .map(|addrs| addrs.map(|a| a.ip()).collect())
        .unwrap_or_default();
    if resolved != [IpAddr::V4(address(NAMES))] {
        return Some(
            "production mode needs the names n1..n24.maillage.test on 127.0.77.1..24: run \
             .ci/with-test-hosts cargo test",
        );
    }
    None
}

/// A TLS terminator for one node: it holds the node's name (its address, port 443) and,
/// once told the node's port, forwards every connection to it after the TLS handshake.
/// Stops when dropped.
pub struct Terminator {
    pub index: u8,
    listener: Option<TcpListener>,
    tasks: JoinSet<()>,
}

impl Terminator {
    /// Claims the first free name of the pool.
    pub async fn claim() -> Self {
        for index in 1..=NAMES {
            match TcpListener::bind(SocketAddr::from((address(index), 443))).await {
                Ok(listener) => {
                    return Self {
                        index,
                        listener: Some(listener),
                        tasks: JoinSet::new(),
                    };
                }
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                Err(e) => panic!(
                    "cannot listen on {}:443 ({e}): production mode needs port 443 (root, \
                     or sysctl net.ipv4.ip_unprivileged_port_start=443)",
                    address(index)
                ),
            }
        }
        panic!("all {NAMES} production test names are in use");
    }

    pub fn name(&self) -> String {
        name(self.index)
    }

    /// Starts forwarding the name's port 443, TLS terminated, to `127.0.0.1:port`.
    pub fn forward_to(&mut self, port: u16) {
        let listener = self.listener.take().expect("forwarding starts once");
        self.tasks
            .spawn(serve(listener, Some(pki().tls.clone()), port));
    }

    /// Also serves the node on another port of its name: `tls` or plain http. Returns the port
    /// (`0`: any free one).
    pub async fn also_on(&mut self, port: u16, tls: bool, node_port: u16) -> u16 {
        let listener = TcpListener::bind(SocketAddr::from((address(self.index), port)))
            .await
            .expect("bind another port of the test name");
        let port = listener.local_addr().unwrap().port();
        let tls = tls.then(|| pki().tls.clone());
        self.tasks.spawn(serve(listener, tls, node_port));
        port
    }
}

async fn serve(listener: TcpListener, tls: Option<Arc<ServerConfig>>, port: u16) {
    let acceptor = tls.map(TlsAcceptor::from);
    let mut connections = JoinSet::new();
    while let Ok((client, _)) = listener.accept().await {
        let acceptor = acceptor.clone();
        connections.spawn(async move {
            let Ok(mut backend) = TcpStream::connect(("127.0.0.1", port)).await else {
                return;
            };
            match acceptor {
                Some(acceptor) => {
                    // A client that gives up during the handshake just goes away.
                    if let Ok(mut client) = acceptor.accept(client).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut backend).await;
                    }
                }
                None => {
                    let mut client = client;
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut backend).await;
                }
            }
        });
        // Forget the connections that ended.
        while connections.try_join_next().is_some() {}
    }
}
