//! Our rows as ActivityPub objects (the library's `Object` trait): how they become JSON, and
//! how JSON from peers becomes rows, with the origin checks on the way in.

pub mod centre;
pub mod entry;
pub mod html;
pub mod instance;

use url::Url;

use super::{FederationError, authority};

/// Refuses an object whose id is not on the authority (host and port) it was expected from.
pub fn verify_same_authority(id: &Url, expected: &Url) -> Result<(), FederationError> {
    if authority(id) == authority(expected) {
        Ok(())
    } else {
        Err(FederationError::Forbidden(format!(
            "{id} does not belong to {}",
            authority(expected)
        )))
    }
}

/// At most `max` characters of remote text: peers' strings are stored bounded, not refused.
pub fn clip(value: &str, max: usize) -> String {
    value.trim().chars().take(max).collect()
}
