//! RSA key pairs for centre actors, generated the way the ActivityPub library expects them.

use crate::domain::secret::Secret;

/// A PEM-encoded key pair.
#[derive(Debug, Clone)]
pub struct KeyPair {
    pub public_key_pem: String,
    pub private_key_pem: Secret,
}

/// Generates an RSA-2048 key pair. CPU-bound (tens of milliseconds optimised, much more in a
/// debug build without the num-bigint-dig override): call it off the async runtime's threads.
pub fn generate() -> Result<KeyPair, KeyError> {
    let keypair = activitypub_federation::http_signatures::generate_actor_keypair()
        .map_err(|e| KeyError(e.to_string()))?;
    Ok(KeyPair {
        public_key_pem: keypair.public_key,
        private_key_pem: Secret::new(keypair.private_key),
    })
}

#[derive(Debug, thiserror::Error)]
#[error("cannot generate a key pair: {0}")]
pub struct KeyError(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_the_private_key_out() {
        let pair = KeyPair {
            public_key_pem: "-----BEGIN PUBLIC KEY-----".into(),
            private_key_pem: Secret::new("-----BEGIN PRIVATE KEY-----MIIEvQIBADAN"),
        };
        let printed = format!("{pair:?}");
        assert!(!printed.contains("PRIVATE KEY"), "{printed}");
        assert!(printed.contains("PUBLIC KEY"), "{printed}");
    }
}
