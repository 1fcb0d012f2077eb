//! The state every HTTP handler reaches, pages and JSON API alike, and what both edges read
//! from a request before any rule: the address it comes from. It sits below `http` and `web`,
//! which both depend on it and not on each other; `startup` (the composition root) builds it
//! and assembles the router.

use std::sync::Arc;

use axum::extract::FromRequestParts;

use crate::config::Settings;
use crate::directory::Directory;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub directory: Directory,
    pub settings: Arc<Settings>,
}

/// The address a request comes from: the connection's peer, or, when the peer is one of the
/// `http.trusted_proxies`, the client its `X-Forwarded-For` names (the last address in it that
/// is not itself a trusted proxy). From anyone else, `X-Forwarded-For` is ignored: a client
/// cannot choose the address it is counted as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        let proxies = state.settings.trusted_proxies().unwrap_or_default();
        Ok(Self(client_address(peer, &parts.headers, &proxies)))
    }
}

/// See [`ClientAddress`].
pub(crate) fn client_address(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    proxies: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let peer = peer.to_canonical();
    let trusted = |ip: &std::net::IpAddr| proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip.to_canonical();
                if !trusted(&client) {
                    return client;
                }
            }
            // Not an address: what is left of it cannot be trusted; the last proxy is.
            Err(_) => return client,
        }
    }
    client
}
