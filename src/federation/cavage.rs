//! Draft-cavage HTTP signatures (Mastodon's, and most of the fediverse's) on the inbox: read
//! with the ActivityPub library's own parser (`http-signature-normalization`) and its rules
//! (the digest covered, an hour's validity), then checked against the signer's key
//! (`keys::verify_rsa`) on the blocking pool: with the library's verifier it held the inbox's
//! async worker for a quarter of a millisecond per request (44 % of that thread's time).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::OriginalUri;
use axum::http::request::Parts;
use base64::Engine as _;
use url::Url;

use super::FederationError;
use super::keys::{RsaScheme, VerifyError, verify_rsa};

/// How long a signature stays valid, as the library has it (the `Date` window is the inbox's
/// own, checked before).
const SIGNATURE_EXPIRES: Duration = Duration::from_secs(60 * 60);

/// A signature that was read and follows the rules, not yet checked against a key. Cheap to
/// clone (the checks that need it again share it).
#[derive(Clone, Debug)]
pub(crate) struct Cavage(Arc<Unchecked>);

#[derive(Debug)]
struct Unchecked {
    key_id: String,
    signature: String,
    signing_string: String,
}

/// Why a signature was refused, before or after the key was tried.
#[derive(Debug)]
pub(crate) enum Refused {
    /// Unreadable, incomplete or expired: nothing to check.
    Unreadable(String),
    /// The key the sender published cannot be read.
    Key(String),
    /// Not made with that key.
    Mismatch,
}

impl Cavage {
    /// Reads the request's `Signature` header and rebuilds the signing string from the request
    /// as the sender sent it (the path asked for, before any rewriting). Nothing is fetched.
    pub(crate) fn read(parts: &Parts) -> Result<Self, Refused> {
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |original| &original.0);
        let headers: BTreeMap<String, String> = parts
            .headers
            .iter()
            .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
            .collect();
        let unverified = http_signature_normalization::Config::new()
            .set_expiration(SIGNATURE_EXPIRES)
            .require_digest()
            .begin_verify(
                parts.method.as_str(),
                uri.path_and_query().map_or("/", |p| p.as_str()),
                headers,
            )
            .map_err(|e| Refused::Unreadable(e.to_string()))?;
        Ok(Self(Arc::new(Unchecked {
            key_id: unverified.key_id().to_owned(),
            signature: unverified.signature().to_owned(),
            signing_string: unverified.signing_string().to_owned(),
        })))
    }

    /// The actor whose key signed: the `keyId` without its fragment
    /// (`https://relay.example/actor#main-key`).
    pub(crate) fn key_owner(&self) -> Option<Url> {
        let mut owner = Url::parse(&self.0.key_id).ok()?;
        owner.set_fragment(None);
        Some(owner)
    }

    /// Checks the signature against `public_key_pem` (SPKI PEM, as actors publish it), on the
    /// blocking pool.
    pub(crate) async fn verify(&self, public_key_pem: &str) -> Result<(), Refused> {
        let (signed, pem) = (self.0.clone(), public_key_pem.to_owned());
        tokio::task::spawn_blocking(move || signed.verify(&pem))
            .await
            .map_err(|e| Refused::Key(format!("the check did not run: {e}")))?
    }
}

impl Unchecked {
    fn verify(&self, public_key_pem: &str) -> Result<(), Refused> {
        let signature = base64::engine::general_purpose::STANDARD
            .decode(&self.signature)
            .map_err(|_| Refused::Mismatch)?;
        verify_rsa(
            public_key_pem,
            RsaScheme::Pkcs1Sha256,
            self.signing_string.as_bytes(),
            &signature,
        )
        .map_err(|e| match e {
            VerifyError::Key(why) => Refused::Key(why),
            VerifyError::Mismatch => Refused::Mismatch,
        })
    }
}

impl Refused {
    /// The inbox's answer, `whose` naming the key ("the actor's", "the relay's"). A mismatch is
    /// the one failure a key rotation explains (the inbox fetches the actor again, once).
    pub(crate) fn into_error(self, whose: &str) -> FederationError {
        match self {
            Self::Unreadable(why) => {
                FederationError::Unauthorized(format!("signature not verified: {why}"))
            }
            Self::Key(why) => {
                FederationError::Unauthorized(format!("{whose} key cannot be read: {why}"))
            }
            Self::Mismatch => {
                FederationError::BadSignature(format!("the signature is not made with {whose} key"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::{Pkcs1v15Sign, RsaPrivateKey};
    use sha2::{Digest, Sha256};

    use super::*;

    /// A request signed as Mastodon signs its deliveries, with `key`.
    fn signed_request(key: &RsaPrivateKey, path: &str) -> Parts {
        let date = httpdate::fmt_http_date(std::time::SystemTime::now());
        let digest = "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        let signing = format!(
            "(request-target): post {path}\nhost: node.example\ndate: {date}\ndigest: {digest}"
        );
        let signature = key
            .sign(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing.as_bytes()),
            )
            .unwrap();
        let header = format!(
            "keyId=\"https://peer.example/actors/a#main-key\",algorithm=\"rsa-sha256\",\
             headers=\"(request-target) host date digest\",signature=\"{}\"",
            base64::engine::general_purpose::STANDARD.encode(signature)
        );
        Request::post(path)
            .header("host", "node.example")
            .header("date", date)
            .header("digest", digest)
            .header("signature", header)
            .body(())
            .unwrap()
            .into_parts()
            .0
    }

    #[tokio::test]
    async fn a_signature_holds_for_its_key_and_request_only() {
        let mut rng = rand::thread_rng();
        let key = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let other = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let pem = |k: &RsaPrivateKey| k.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
        let parts = signed_request(&key, "/inbox");
        let signed = Cavage::read(&parts).unwrap();
        assert_eq!(
            signed.key_owner().unwrap().as_str(),
            "https://peer.example/actors/a"
        );
        signed.verify(&pem(&key)).await.unwrap();
        assert!(matches!(
            signed.verify(&pem(&other)).await,
            Err(Refused::Mismatch)
        ));
        assert!(matches!(
            signed.verify("not a key").await,
            Err(Refused::Key(_))
        ));
        // The same signature on another path: the signing string differs.
        let mut moved = parts.clone();
        moved.uri = "/centres/x/inbox".parse().unwrap();
        let replayed = Cavage::read(&moved).unwrap();
        assert!(matches!(
            replayed.verify(&pem(&key)).await,
            Err(Refused::Mismatch)
        ));
        // No digest covered: refused before any key is looked at.
        let mut bare = parts;
        bare.headers.remove("digest");
        assert!(matches!(Cavage::read(&bare), Err(Refused::Unreadable(_))));
    }
}
