//! The HTTP client federation fetches and delivers with. Names resolving to private, loopback
//! or link-local addresses are refused when connecting (so DNS rebinding cannot get around
//! the checks of `egress`), unless the insecure local mode is on or the host is one of the
//! listed private hosts; the same in debug and release builds. Certificates are checked
//! against the system's authorities and those of `federation.extra_root_certificates`.

use std::time::Duration;

use reqwest::redirect::Policy;

use super::FederationError;
use super::egress::Egress;

pub(super) fn build(
    egress: &Egress,
    extra_roots: &[reqwest::Certificate],
) -> Result<reqwest::Client, FederationError> {
    reqwest::Client::builder()
        .user_agent(concat!("Maillage/", env!("CARGO_PKG_VERSION")))
        // No automatic redirects: the library follows one itself, after checking the new URL
        // like the first (a redirect chain into the LAN is never followed blindly); the
        // delivery workers follow none.
        .redirect(Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .dns_resolver(egress.resolver())
        .tls_certs_merge(extra_roots.iter().cloned())
        .build()
        .map_err(|e| FederationError::Internal(format!("HTTP client: {e}")))
}

/// The certificates of `federation.extra_root_certificates` (PEM files, each with one or more
/// certificates); an unreadable file, or one without a certificate, is an error naming it.
pub(super) fn extra_roots(
    files: &[std::path::PathBuf],
) -> Result<Vec<reqwest::Certificate>, FederationError> {
    let mut roots = Vec::new();
    for file in files {
        let invalid = |reason: String| {
            FederationError::Internal(format!(
                "federation.extra_root_certificates: {}: {reason}",
                file.display()
            ))
        };
        let pem = std::fs::read(file).map_err(|e| invalid(e.to_string()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| invalid(format!("not PEM certificates: {e}")))?;
        if certs.is_empty() {
            return Err(invalid("no certificate in the file".into()));
        }
        tracing::info!(
            "trusting {} certificate authorities from {} besides the system's",
            certs.len(),
            file.display()
        );
        roots.extend(certs);
    }
    Ok(roots)
}
