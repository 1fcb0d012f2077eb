//! The HTTP client federation fetches and delivers with. Names resolving to private, loopback
//! or link-local addresses are refused when connecting (so DNS rebinding cannot get around
//! the checks of `egress`), unless the insecure local mode is on or the host is one of the
//! listed private hosts; the same in debug and release builds.

use std::time::Duration;

use reqwest::redirect::Policy;

use super::FederationError;
use super::egress::Egress;

pub fn build(egress: &Egress) -> Result<reqwest::Client, FederationError> {
    reqwest::Client::builder()
        .user_agent(concat!("Maillage/", env!("CARGO_PKG_VERSION")))
        // No automatic redirects: the library follows one itself, after checking the new URL
        // like the first (a redirect chain into the LAN is never followed blindly); the
        // delivery workers follow none.
        .redirect(Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .dns_resolver(egress.resolver())
        .build()
        .map_err(|e| FederationError::Internal(format!("HTTP client: {e}")))
}
