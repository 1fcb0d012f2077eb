//! The HTTP client federation fetches and delivers with. Private, loopback and link-local
//! addresses are refused when connecting (so DNS rebinding cannot get around it), unless the
//! insecure local mode is on; the same in debug and release builds.

use std::sync::Arc;
use std::time::Duration;

use activitypub_federation::resolver::ValidatingDnsResolver;
use reqwest::redirect::Policy;

use super::FederationError;

pub fn build(insecure: bool) -> Result<reqwest::Client, FederationError> {
    reqwest::Client::builder()
        .user_agent(concat!("Maillage/", env!("CARGO_PKG_VERSION")))
        // No automatic redirects: the library follows one itself, after checking the new URL
        // like the first (a redirect chain into the LAN is never followed blindly).
        .redirect(Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .dns_resolver(Arc::new(ValidatingDnsResolver::new(Vec::new(), !insecure)))
        .build()
        .map_err(|e| FederationError::Internal(format!("HTTP client: {e}")))
}
