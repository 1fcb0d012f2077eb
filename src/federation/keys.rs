//! RSA key pairs for centre actors, generated the way the ActivityPub library expects them;
//! and the check of a signature made with a peer's public key.

use std::sync::{Arc, LazyLock};

use aws_lc_rs::signature::{self, UnparsedPublicKey};

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

/// How an RSA signature was made: its padding and its digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RsaScheme {
    /// PKCS#1 v1.5 with SHA-256: draft-cavage's `rsa-sha256`, RFC 9421's `rsa-v1_5-sha256`.
    Pkcs1Sha256,
    /// RSASSA-PSS with SHA-512 and a 64-byte salt: RFC 9421's `rsa-pss-sha512`.
    PssSha512,
}

/// Why a signature was not accepted.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum VerifyError {
    #[error("the public key cannot be read: {0}")]
    Key(String),
    #[error("the signature was not made with this key")]
    Mismatch,
}

/// Checks `signature` of `message` with an RSA public key in PEM (SPKI `PUBLIC KEY`, as actors
/// publish it, or PKCS#1 `RSA PUBLIC KEY`). Every signed request to the inboxes costs one:
/// aws-lc-rs (the TLS stack's, already built) does it about ten times faster than the
/// pure-Rust `rsa` crate (docs/benchmarks.md). Keys of 1,024 to 8,192 bits, as before; PSS
/// keys from 2,048 bits.
pub(crate) fn verify_rsa(
    public_key_pem: &str,
    scheme: RsaScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), VerifyError> {
    let (label, der) = rsa::pkcs8::Document::from_pem(public_key_pem.trim())
        .map_err(|e| VerifyError::Key(e.to_string()))?;
    if label != "PUBLIC KEY" && label != "RSA PUBLIC KEY" {
        return Err(VerifyError::Key(format!("a {label}, not a public key")));
    }
    let algorithm = match scheme {
        RsaScheme::Pkcs1Sha256 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        RsaScheme::PssSha512 => &signature::RSA_PSS_2048_8192_SHA512,
    };
    UnparsedPublicKey::new(algorithm, der.as_bytes())
        .verify(message, signature)
        .map_err(|_| VerifyError::Mismatch)
}

/// A centre's private key, read once, that signs with PKCS#1 v1.5 and SHA-256 (draft-cavage's
/// `rsa-sha256`, what every delivery carries). aws-lc-rs signs about seven times faster than
/// the `rsa` crate (0.24 against 1.66 ms for RSA-2048, release build); reading and checking
/// the key costs more than a signature (0.6 ms), so keys already read are kept.
#[derive(Clone)]
pub struct SigningKey(Arc<signature::RsaKeyPair>);

/// Keys read so far, by their PEM: a node signs with its few centres' keys and its instance
/// actor's, so the bound is never reached in practice. Keyed by the PEM, a new key is read
/// anew.
static SIGNING_KEYS: LazyLock<moka::sync::Cache<String, SigningKey>> =
    LazyLock::new(|| moka::sync::Cache::new(64));

impl SigningKey {
    /// The key of a PKCS#8 PEM (`PRIVATE KEY`, as keys are generated and stored).
    pub fn from_pem(private_key_pem: &str) -> Result<Self, SignError> {
        SIGNING_KEYS
            .try_get_with_by_ref(private_key_pem, || {
                let (label, der) = rsa::pkcs8::Document::from_pem(private_key_pem.trim())
                    .map_err(|e| SignError(e.to_string()))?;
                if label != "PRIVATE KEY" {
                    return Err(SignError(format!("a {label}, not a PKCS#8 private key")));
                }
                signature::RsaKeyPair::from_pkcs8(der.as_bytes())
                    .map(|pair| Self(Arc::new(pair)))
                    .map_err(|e| SignError(e.to_string()))
            })
            .map_err(|e| (*e).clone())
    }

    /// The signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let mut signature = vec![0; self.0.public_modulus_len()];
        self.0
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|e| SignError(e.to_string()))?;
        Ok(signature)
    }
}

/// Why a key cannot sign.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the signing key cannot be used: {0}")]
pub struct SignError(String);

#[cfg(test)]
mod tests {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};
    use sha2::{Digest, Sha256, Sha512};

    use super::*;

    /// Signatures made by the `rsa` crate (as the ActivityPub library and most Rust servers
    /// sign) check out here, with either PEM form of the key, and only for their message,
    /// scheme and key.
    #[test]
    fn signatures_of_the_rsa_crate_check_out() {
        let mut rng = rand::thread_rng();
        let key = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let other = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let spki = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let pkcs1 = key.to_public_key().to_pkcs1_pem(LineEnding::LF).unwrap();
        let other_pem = other
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let message = b"(request-target): post /inbox\nhost: node.example";
        let v15 = key
            .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message))
            .unwrap();
        let pss = key
            .sign_with_rng(&mut rng, Pss::new::<Sha512>(), &Sha512::digest(message))
            .unwrap();
        for pem in [spki.as_str(), pkcs1.as_str()] {
            assert_eq!(
                verify_rsa(pem, RsaScheme::Pkcs1Sha256, message, &v15),
                Ok(())
            );
            assert_eq!(verify_rsa(pem, RsaScheme::PssSha512, message, &pss), Ok(()));
        }
        let mismatch = Err(VerifyError::Mismatch);
        assert_eq!(
            verify_rsa(&spki, RsaScheme::Pkcs1Sha256, b"other", &v15),
            mismatch
        );
        assert_eq!(
            verify_rsa(&spki, RsaScheme::PssSha512, message, &v15),
            mismatch
        );
        assert_eq!(
            verify_rsa(&other_pem, RsaScheme::Pkcs1Sha256, message, &v15),
            mismatch
        );
        assert!(matches!(
            verify_rsa("not a key", RsaScheme::Pkcs1Sha256, message, &v15),
            Err(VerifyError::Key(_))
        ));
        let private = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, LineEnding::LF).unwrap();
        assert!(matches!(
            verify_rsa(&private, RsaScheme::Pkcs1Sha256, message, &v15),
            Err(VerifyError::Key(_))
        ));
    }

    /// What our key signs, the `rsa` crate (as most Rust servers and the ActivityPub library
    /// check) verifies with the public key; a key that is no private key is refused by name.
    #[test]
    fn our_signatures_check_out_with_the_rsa_crate() {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let pem = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, LineEnding::LF).unwrap();
        let message = b"(request-target): post /inbox\nhost: node.example";
        let signature = SigningKey::from_pem(&pem).unwrap().sign(message).unwrap();
        key.to_public_key()
            .verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(message),
                &signature,
            )
            .unwrap();
        // The same as the `rsa` crate's: PKCS#1 v1.5 is deterministic.
        let theirs = key
            .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message))
            .unwrap();
        assert_eq!(signature, theirs);
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let refused = SigningKey::from_pem(&public).err().unwrap().to_string();
        assert!(refused.contains("not a PKCS#8 private key"), "{refused}");
        assert!(SigningKey::from_pem("not a key").is_err());
    }

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
