//! Staff accounts of the web pages: the first created from the command line, others by an
//! administrator from the accounts page (issue 12), each an administrator or an editor;
//! logged in with a password hashed with Argon2id, kept logged in by a session whose token only
//! the browser holds.

use std::net::IpAddr;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::Duration;

use crate::domain::FieldError;
use crate::domain::secret::Secret;
use crate::domain::staff::Role;
use crate::storage::accounts::{self, AccountRow, StaffChange};

use super::audit::Action;
use super::tokens::{hash, random_secret};
use super::{Directory, DirectoryError, now};

/// How long a login lasts. Mediators come back weekly; a week keeps them from retyping the
/// password at each visit without leaving sessions open for ever.
pub const SESSION_DAYS: i64 = 7;
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Login attempts one client address may make per window, whatever the account names; past
/// it, that address is answered 429 without a check, until `LOGIN_WINDOW` passes without an
/// attempt from it.
pub const MAX_ATTEMPTS_PER_ADDRESS: i64 = 30;
/// Failed logins one account may have per window before it is guarded: then an address that
/// has already tried it `MAX_ATTEMPTS_PER_PAIR` times is held back (429), while any other
/// address still logs in. One address gets ten tries at an account; many machines guessing one
/// password get three each; and the account's owner, from an address that is not guessing, is
/// never locked out.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 10;
pub const MAX_ATTEMPTS_PER_PAIR: i64 = 3;
pub const LOGIN_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);
const MAX_PASSWORD_CHARS: usize = 1024;

/// Someone logged in to the admin pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admin {
    pub name: String,
    pub role: Role,
}

/// A staff account as the accounts page lists it.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub name: String,
    pub role: Role,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Letters and digits that cannot be mistaken for one another when read aloud or copied
/// from a screen (no 0/o, 1/l/i).
const ONE_TIME_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A password an administrator hands to a new colleague, who changes it at first login:
/// 20 characters in groups of five (about 99 bits), easy to copy.
fn one_time_password() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..4)
        .map(|_| {
            (0..5)
                .map(|_| ONE_TIME_ALPHABET[rng.gen_range(0..ONE_TIME_ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

async fn hash_off_thread(password: &str) -> Result<String, DirectoryError> {
    let password = password.to_owned();
    // Argon2 is slow on purpose: off the async threads.
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| DirectoryError::Internal(e.to_string()))?
}

fn refused(change: StaffChange, name: &str) -> Result<(), DirectoryError> {
    match change {
        StaffChange::Done => Ok(()),
        StaffChange::Unknown => Err(DirectoryError::NotFound(format!("account `{name}`"))),
        StaffChange::Taken => Err(DirectoryError::Conflict {
            field: Some("name".into()),
            message: format!("an account named `{name}` already exists"),
        }),
        StaffChange::LastAdministrator => Err(DirectoryError::Conflict {
            field: Some("role".into()),
            message: format!(
                "`{name}` is the last administrator: name another administrator first"
            ),
        }),
    }
}

/// What a login attempt gave.
#[derive(Debug, Clone)]
pub enum Login {
    Opened(NewSession),
    Refused,
    /// Too many attempts from this address (or from it for this name) lately: not even
    /// checked.
    Throttled,
}

/// A freshly opened session: the secret goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: Secret,
    pub max_age_seconds: i64,
}

fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(FieldError::new("name", "must have 1 to 64 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(FieldError::new(
            "name",
            "may hold letters, digits and . _ - @ only",
        ));
    }
    Ok(name.to_owned())
}

pub(crate) fn check_password(password: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            "password",
            format!("must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(FieldError::new("password", "is too long"));
    }
    Ok(())
}

fn hash_password(password: &str) -> Result<String, DirectoryError> {
    // A random salt is drawn for each hash.
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| DirectoryError::Internal(format!("hashing the password: {e}")))
}

/// Verifies against the stored PHC string; an unreadable hash never matches.
fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl Directory {
    /// Creates an admin account, or sets a new password on an existing one (which closes its
    /// sessions). Returns whether the account is new.
    #[tracing::instrument(skip(self, password))]
    pub async fn create_account(&self, name: &str, password: &str) -> Result<bool, DirectoryError> {
        let name = check_name(name)?;
        check_password(password)?;
        let phc = hash_off_thread(password).await?;
        Ok(self
            .db()
            .write(move |conn| AccountRow::upsert(conn, &name, &phc, now()))
            .await?)
    }

    /// Creates an account with `role` from the accounts page and returns its one-time
    /// password, shown once to the administrator who hands it over.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn add_account(
        &self,
        name: &str,
        role: Role,
    ) -> Result<Secret, DirectoryError> {
        let name = check_name(name)?;
        let password = one_time_password();
        let phc = hash_off_thread(&password).await?;
        let change = {
            let name = name.clone();
            self.db()
                .write(move |conn| AccountRow::insert(conn, &name, &phc, role, now()))
                .await?
        };
        refused(change, &name)?;
        tracing::info!(account = %name, role = role.as_str(), "staff account created");
        self.audited(
            Action::Created,
            "account",
            &name,
            &format!("{name} ({})", role.as_str()),
        )
        .await;
        Ok(Secret::new(password))
    }

    /// A new one-time password for someone who lost theirs; their sessions are closed.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn reset_password(&self, name: &str) -> Result<Secret, DirectoryError> {
        let account = self.account_named(name).await?;
        let password = one_time_password();
        let phc = hash_off_thread(&password).await?;
        self.db()
            .write(move |conn| AccountRow::set_password(conn, account.id, &phc, None))
            .await?;
        self.audited(Action::Updated, "account", name, name).await;
        Ok(Secret::new(password))
    }

    /// Gives an account another role, or removes it (`None`); never the last administrator.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn change_staff(
        &self,
        name: &str,
        role: Option<Role>,
    ) -> Result<(), DirectoryError> {
        let owned = name.to_owned();
        let change = self
            .db()
            .write(move |conn| AccountRow::change_staff(conn, &owned, role))
            .await?;
        refused(change, name)?;
        match role {
            Some(role) => {
                self.audited(
                    Action::Updated,
                    "account",
                    name,
                    &format!("{name} ({})", role.as_str()),
                )
                .await;
            }
            None => self.audited(Action::Deleted, "account", name, name).await,
        }
        Ok(())
    }

    /// The person logged in with `session` changes their own password: the current one is
    /// checked, and their other sessions (another browser, a lost phone) are closed.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn change_own_password(
        &self,
        session: &str,
        current: &str,
        new: &str,
    ) -> Result<(), DirectoryError> {
        let token_hash = hash(session);
        let lookup = token_hash.clone();
        let account = self
            .db()
            .run(move |conn| accounts::session_account(conn, &lookup, now()))
            .await?
            .ok_or_else(|| DirectoryError::Forbidden("this session has ended".into()))?;
        let stored = account.password_hash.clone();
        let current = current.to_owned();
        let matches =
            tokio::task::spawn_blocking(move || password_matches(&current, stored.expose()))
                .await
                .map_err(|e| DirectoryError::Internal(e.to_string()))?;
        if !matches {
            return Err(FieldError::coded(
                "current",
                "wrong-password",
                "is not the current password",
                &[],
            )
            .into());
        }
        check_password(new).map_err(|e| FieldError {
            field: "new".into(),
            ..e
        })?;
        let phc = hash_off_thread(new).await?;
        self.db()
            .write(move |conn| AccountRow::set_password(conn, account.id, &phc, Some(&token_hash)))
            .await?;
        tracing::info!(account = %account.name, "password changed");
        Ok(())
    }

    async fn account_named(&self, name: &str) -> Result<AccountRow, DirectoryError> {
        let lookup = name.trim().to_owned();
        self.db()
            .run(move |conn| AccountRow::find_by_name(conn, &lookup))
            .await?
            .ok_or_else(|| DirectoryError::NotFound(format!("account `{}`", name.trim())))
    }

    /// The staff accounts, by name.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn staff(&self) -> Result<Vec<StaffView>, DirectoryError> {
        Ok(self
            .db()
            .run(AccountRow::list)
            .await?
            .into_iter()
            .map(|a| StaffView {
                name: a.name,
                role: a.role,
                created_at: a.created_at.and_utc(),
                last_login_at: a.last_login_at.map(|t| t.and_utc()),
            })
            .collect())
    }

    /// Names of the admin accounts.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn accounts(&self) -> Result<Vec<String>, DirectoryError> {
        Ok(self
            .db()
            .run(AccountRow::list)
            .await?
            .into_iter()
            .map(|a| a.name)
            .collect())
    }

    /// Checks a name and password from a client address; opens a session when they match.
    /// The same work is done for an unknown name, so timing does not tell which names exist.
    ///
    /// Attempts are counted in the database before the password is checked (see
    /// `storage::accounts::count_login_attempt`), per address, per account, and per account
    /// and address: a restart forgets nothing, replicas share the counts, and concurrent
    /// attempts are ranked as sequential ones would be.
    #[tracing::instrument(skip(self, password))]
    pub(crate) async fn login(
        &self,
        name: &str,
        password: &str,
        client: IpAddr,
    ) -> Result<Login, DirectoryError> {
        let name = name.trim().to_owned();
        let client = client.to_canonical();
        let address_key = format!("address:{client}");
        let account_key = format!("account:{name}");
        let pair_key = format!("pair:{name}|{client}");
        let window = Duration::from_std(LOGIN_WINDOW).unwrap_or(Duration::minutes(15));
        let (address, counts) = {
            let keys = vec![account_key.clone(), pair_key.clone()];
            let address_key = address_key.clone();
            self.db()
                .write(move |conn| {
                    let now = now();
                    accounts::count_login_attempt(
                        conn,
                        &address_key,
                        &keys,
                        MAX_ATTEMPTS_PER_ADDRESS,
                        now,
                        now - window,
                    )
                })
                .await?
        };
        let throttled = match counts.as_slice() {
            [account, pair] => *account > MAX_FAILURES_PER_ACCOUNT && *pair > MAX_ATTEMPTS_PER_PAIR,
            _ => true,
        };
        if address > MAX_ATTEMPTS_PER_ADDRESS || throttled {
            tracing::warn!(account = %name, %client, "admin login throttled after repeated failures");
            return Ok(Login::Throttled);
        }
        let lookup = name.clone();
        let account = self
            .db()
            .run(move |conn| AccountRow::find_by_name(conn, &lookup))
            .await?;
        let stored = account.as_ref().map(|a| a.password_hash.clone());
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || match stored {
            Some(stored) => password_matches(&password, stored.expose()),
            None => {
                // Burn the same time as a real check.
                let _ = hash_password(&password);
                false
            }
        })
        .await
        .map_err(|e| DirectoryError::Internal(e.to_string()))?;
        let Some(account) = account.filter(|_| matches) else {
            tracing::info!(account = %name, %client, "admin login refused");
            return Ok(Login::Refused);
        };
        self.db()
            .write(move |conn| {
                accounts::forgive_login(conn, &[address_key, account_key], &pair_key)
            })
            .await?;
        let token = random_secret();
        let token_hash = hash(&token);
        let started = now();
        let expires = started + Duration::days(SESSION_DAYS);
        self.db()
            .write(move |conn| {
                accounts::open_session(conn, account.id, &token_hash, started, expires)
            })
            .await?;
        tracing::info!(account = %name, "admin logged in");
        Ok(Login::Opened(NewSession {
            token: Secret::new(token),
            max_age_seconds: SESSION_DAYS * 24 * 3600,
        }))
    }

    /// Who holds this session token, if the session is live.
    #[tracing::instrument(level = "debug", skip_all)]
    pub(crate) async fn session(&self, token: &str) -> Result<Option<Admin>, DirectoryError> {
        let token_hash = hash(token);
        Ok(self
            .db()
            .run(move |conn| accounts::session_account(conn, &token_hash, now()))
            .await?
            .map(|a| Admin {
                name: a.name,
                role: a.role,
            }))
    }

    #[tracing::instrument(skip_all)]
    pub(crate) async fn logout(&self, token: &str) -> Result<(), DirectoryError> {
        let token_hash = hash(token);
        Ok(self
            .db()
            .write(move |conn| accounts::close_session(conn, &token_hash))
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_session_does_not_print() {
        let login = Login::Opened(NewSession {
            token: Secret::new("s3ss10n-t0ken"),
            max_age_seconds: 3600,
        });
        let printed = format!("{login:?}");
        assert!(!printed.contains("s3ss10n"), "{printed}");
    }

    #[test]
    fn passwords_are_hashed_with_argon2id_and_salted() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(password_matches("correct horse battery", &a));
        assert!(!password_matches("correct horse batterie", &a));
        assert!(!password_matches("anything", "not a phc string"));
    }

    #[test]
    fn one_time_passwords_are_long_enough_and_unambiguous() {
        let password = one_time_password();
        assert!(check_password(&password).is_ok(), "{password}");
        assert_eq!(password.len(), 23, "{password}");
        assert!(!password.contains(['0', 'o', '1', 'l', 'i']), "{password}");
        assert_ne!(password, one_time_password());
    }

    #[test]
    fn names_and_passwords_are_checked() {
        assert_eq!(check_name(" camille ").unwrap(), "camille");
        assert_eq!(check_name("a b").unwrap_err().field, "name");
        assert_eq!(check_password("short").unwrap_err().field, "password");
        assert!(check_password("long enough, surely").is_ok());
    }
}
