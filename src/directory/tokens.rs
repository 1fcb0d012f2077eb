//! Bearer tokens for the admin API. A token is shown once, when created; only its SHA-256 hash
//! is stored. (A fast hash is right here: tokens are 256 random bits, not passwords.)

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::secret::Secret;
use crate::storage::tokens::TokenRow;

use super::{Directory, DirectoryError, now};

pub const TOKEN_PREFIX: &str = "mlg_";

#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: i64,
    /// The secret, to show once.
    pub token: Secret,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub label: String,
    pub created_at: chrono::NaiveDateTime,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

pub(crate) fn hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

/// 256 random bits from the OS, hex-encoded: session tokens, CSRF tokens.
pub(crate) fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time independent of where the strings differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

impl Directory {
    #[tracing::instrument(skip(self))]
    pub async fn create_token(&self, label: &str) -> Result<NewToken, DirectoryError> {
        let token = format!("{TOKEN_PREFIX}{}", random_secret());
        let token_hash = hash(&token);
        let label = label.trim().to_owned();
        let row = self
            .db()
            .write(move |conn| TokenRow::insert(conn, &token_hash, &label, now()))
            .await?;
        Ok(NewToken {
            id: row.id,
            token: Secret::new(token),
        })
    }

    /// Revokes a token given as its id or as the secret itself. Returns whether one was revoked.
    #[tracing::instrument(skip_all)]
    pub async fn revoke_token(&self, id_or_token: &str) -> Result<bool, DirectoryError> {
        let id_or_token = id_or_token.trim().to_owned();
        let id = id_or_token.parse::<i64>().ok();
        let token_hash = hash(&id_or_token);
        let revoked = self
            .db()
            .write(move |conn| TokenRow::revoke(conn, id, Some(&token_hash), now()))
            .await?;
        Ok(revoked > 0)
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_tokens(&self) -> Result<Vec<TokenInfo>, DirectoryError> {
        let rows = self.db().run(TokenRow::list).await?;
        Ok(rows
            .into_iter()
            .map(|r| TokenInfo {
                id: r.id,
                label: r.label,
                created_at: r.created_at,
                revoked_at: r.revoked_at,
            })
            .collect())
    }

    /// Whether `token` grants staff access: the configured bootstrap token or an unrevoked one.
    #[tracing::instrument(level = "debug", skip_all)]
    pub(crate) async fn verify_token(&self, token: &str) -> Result<bool, DirectoryError> {
        Ok(self.token_holder(token).await?.is_some())
    }

    /// Who acts with this token, as the audit log names them: `token:LABEL` (the label given
    /// at `maillage token create`), or `token:configuration` for the configured admin token;
    /// None for an unknown or revoked token.
    pub(crate) async fn token_holder(&self, token: &str) -> Result<Option<String>, DirectoryError> {
        if let Some(bootstrap) = &self.inner.bootstrap_token
            && constant_time_eq(bootstrap.as_bytes(), token.as_bytes())
        {
            return Ok(Some("token:configuration".into()));
        }
        let token_hash = hash(token);
        let found = self
            .db()
            .run(move |conn| TokenRow::find_active(conn, &token_hash))
            .await?;
        Ok(found.map(|t| format!("token:{}", t.label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_token_does_not_print() {
        let token = NewToken {
            id: 7,
            token: Secret::new("mlg_0123456789abcdef"),
        };
        let printed = format!("{token:?}");
        assert!(!printed.contains("mlg_0123"), "{printed}");
    }

    #[test]
    fn hashes_are_hex_sha256() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq(b"same", b"same"));
        assert!(!constant_time_eq(b"same", b"sane"));
        assert!(!constant_time_eq(b"same", b"same!"));
    }
}
