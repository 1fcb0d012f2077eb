//! Typed configuration: `config/default.toml` (compiled in, so it is the one source of defaults),
//! then an optional file, then `MAILLAGE_*` environment variables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::value::{Dict, Value};
use figment::{Figment, Provider};
use serde::{Deserialize, Serialize};

use crate::domain::centre::Username;

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &crate::startup::redact(&self.url))
            .field("pool_size", &self.pool_size)
            .finish()
    }
}
use crate::domain::urls::NodeUrls;

/// The checked-in defaults, every key commented.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub domain: String,
    pub bind: String,
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub admin: AdminSettings,
    pub centre: CentreSettings,
    pub federation: FederationSettings,
    pub http: HttpSettings,
}

/// (`Debug` is written by hand: the URL may hold a password.)
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
}

/// (`Debug` is written by hand: the token is a secret.)
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    pub token: String,
}

impl std::fmt::Debug for AdminSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let token = if self.token.is_empty() {
            ""
        } else {
            "[redacted]"
        };
        f.debug_struct("AdminSettings")
            .field("token", &token)
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreSettings {
    pub username: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationSettings {
    pub insecure: bool,
    pub manual_approval: bool,
    pub allowlist_mode: bool,
    pub backfill_pages: u32,
    pub allowed_private_hosts: Vec<String>,
    pub extra_root_certificates: Vec<PathBuf>,
    pub inbox_per_second: u32,
    pub inbox_burst: u32,
    pub fetch_per_second: u32,
    pub fetch_burst: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    pub max_body_bytes: usize,
    pub max_page_size: u32,
    pub metrics_public: bool,
    pub trusted_proxies: Vec<String>,
    pub header_timeout_seconds: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Load(#[from] Box<figment::Error>),
    #[error("configuration key `{key}`: {reason}")]
    Invalid { key: &'static str, reason: String },
}

impl Settings {
    /// The compiled-in defaults alone (what tests start from).
    pub fn defaults() -> Result<Self, ConfigError> {
        Self::from_figment(Figment::from(Toml::string(DEFAULT_TOML)))
    }

    /// Defaults, then `file` if given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError::Invalid {
                    key: "--config",
                    reason: format!("{} is not a readable file", file.display()),
                });
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let env_keys = env_names()?;
        figment = figment.merge(
            Env::prefixed("MAILLAGE_")
                .filter_map(move |name| {
                    let name = name.as_str().to_ascii_lowercase();
                    env_keys
                        .iter()
                        .find(|(env, _)| *env == name)
                        .map(|(_, key)| key.clone().into())
                })
                .split("."),
        );
        Self::from_figment(figment)
    }

    fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Self = figment.extract().map_err(Box::new)?;
        settings.check()?;
        Ok(settings)
    }

    /// Checks what serde cannot: values that parse but make no sense.
    pub fn check(&self) -> Result<(), ConfigError> {
        let domain = self.domain.trim();
        let host = domain.rsplit_once(':').map_or(domain, |(h, _)| h);
        if domain.is_empty() || domain.contains("://") || domain.contains('/') {
            return Err(ConfigError::Invalid {
                key: "domain",
                reason: format!(
                    "`{domain}` must be a host name with an optional port, such as \
                     annuaire.example.org or localhost:8080"
                ),
            });
        }
        if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
            return Err(ConfigError::Invalid {
                key: "domain",
                reason: format!(
                    "`{domain}` is an IP address; use a host name (localhost:8080 on one \
                     machine), ActivityPub peers reject IP literals"
                ),
            });
        }
        self.urls().map_err(|e| ConfigError::Invalid {
            key: "domain",
            reason: format!("`{domain}` does not make a valid URL: {e}"),
        })?;
        self.bind
            .parse::<SocketAddr>()
            .map_err(|e| ConfigError::Invalid {
                key: "bind",
                reason: format!("`{}` is not an address:port ({e})", self.bind),
            })?;
        Username::parse("centre.username", &self.centre.username).map_err(|e| {
            ConfigError::Invalid {
                key: "centre.username",
                reason: e.reason,
            }
        })?;
        if self.centre.name.trim().is_empty() {
            return Err(ConfigError::Invalid {
                key: "centre.name",
                reason: "must not be empty".into(),
            });
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError::Invalid {
                key: "database.pool_size",
                reason: "must be at least 1".into(),
            });
        }
        self.allowed_private_hosts()?;
        self.trusted_proxies()?;
        if self.http.header_timeout_seconds == 0 {
            return Err(ConfigError::Invalid {
                key: "http.header_timeout_seconds",
                reason: "must be at least 1".into(),
            });
        }
        if self.http.max_page_size == 0 {
            return Err(ConfigError::Invalid {
                key: "http.max_page_size",
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// `federation.allowed_private_hosts`, normalised (`Peer.LAN.` -> `peer.lan`).
    pub fn allowed_private_hosts(&self) -> Result<Vec<String>, ConfigError> {
        self.federation
            .allowed_private_hosts
            .iter()
            .map(|h| {
                crate::domain::urls::parse_authority(h).ok_or_else(|| ConfigError::Invalid {
                    key: "federation.allowed_private_hosts",
                    reason: format!("`{h}` is not a host name with an optional port"),
                })
            })
            .collect()
    }

    /// `http.trusted_proxies`: addresses or networks (`10.0.0.0/8`, `::1`).
    pub fn trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        self.http
            .trusted_proxies
            .iter()
            .map(|p| {
                let p = p.trim();
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| ConfigError::Invalid {
                        key: "http.trusted_proxies",
                        reason: format!("`{p}` is not an IP address or network (10.0.0.0/8)"),
                    })
            })
            .collect()
    }

    pub fn urls(&self) -> Result<NodeUrls, url::ParseError> {
        NodeUrls::new(self.domain.trim(), self.federation.insecure)
    }

    /// The configured database URL, or the SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        if self.database.url.trim().is_empty() {
            format!(
                "sqlite://{}",
                self.data_dir.join("maillage.sqlite3").display()
            )
        } else {
            self.database.url.trim().to_owned()
        }
    }

    pub fn admin_token(&self) -> Option<&str> {
        Some(self.admin.token.trim()).filter(|t| !t.is_empty())
    }
}

/// `(environment name without prefix, lower-case; dotted key)` for every key of the defaults:
/// `database_url` -> `database.url`. Other MAILLAGE_ variables (MAILLAGE_CONFIG, MAILLAGE_LOG,
/// test settings) are not configuration keys and are left alone.
fn env_names() -> Result<Vec<(String, String)>, ConfigError> {
    fn walk(prefix: &str, dict: &Dict, out: &mut Vec<(String, String)>) {
        for (key, value) in dict {
            let dotted = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Dict(_, inner) => walk(&dotted, inner, out),
                _ => out.push((dotted.replace('.', "_"), dotted)),
            }
        }
    }
    let data = Figment::from(Toml::string(DEFAULT_TOML))
        .data()
        .map_err(Box::new)?;
    let mut out = Vec::new();
    for dict in data.values() {
        walk("", dict, &mut out);
    }
    Ok(out)
}

#[cfg(test)]
// figment's test jail returns its own large error type.
#[expect(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_name_every_key_of_the_struct() {
        let settings = Settings::defaults().unwrap();
        // Every struct field has a key in default.toml (deny_unknown_fields checks the other
        // direction): serialising the struct gives back exactly the keys of the file.
        let from_struct: Vec<String> = {
            let value = serde_json::to_value(&settings).unwrap();
            let mut keys = Vec::new();
            fn walk(prefix: &str, v: &serde_json::Value, keys: &mut Vec<String>) {
                if let serde_json::Value::Object(map) = v {
                    for (k, v) in map {
                        let key = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        if v.is_object() {
                            walk(&key, v, keys);
                        } else {
                            keys.push(key);
                        }
                    }
                }
            }
            walk("", &value, &mut keys);
            keys.sort();
            keys
        };
        let mut from_file: Vec<String> = env_names().unwrap().into_iter().map(|(_, k)| k).collect();
        from_file.sort();
        assert_eq!(from_struct, from_file);
    }

    #[test]
    fn environment_overrides_and_names_keys() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MAILLAGE_DOMAIN", "annuaire.example.org");
            jail.set_env("MAILLAGE_DATABASE_URL", "postgres://u@/db?host=/tmp");
            jail.set_env("MAILLAGE_FEDERATION_INSECURE", "true");
            jail.set_env("MAILLAGE_CENTRE_USERNAME", "loire");
            jail.set_env("MAILLAGE_TEST_SOMETHING", "ignored");
            jail.set_env(
                "MAILLAGE_HTTP_TRUSTED_PROXIES",
                r#"["127.0.0.1", "10.0.0.0/8"]"#,
            );
            jail.set_env(
                "MAILLAGE_FEDERATION_ALLOWED_PRIVATE_HOSTS",
                r#"["Peer.LAN."]"#,
            );
            let s = Settings::load(None).unwrap();
            assert_eq!(s.domain, "annuaire.example.org");
            assert_eq!(s.database_url(), "postgres://u@/db?host=/tmp");
            assert!(s.federation.insecure);
            assert_eq!(s.centre.username, "loire");
            assert_eq!(s.trusted_proxies().unwrap().len(), 2);
            assert_eq!(
                s.allowed_private_hosts().unwrap(),
                vec!["peer.lan".to_owned()]
            );
            jail.set_env("MAILLAGE_DATABASE_POOL_SIZE", "many");
            let err = Settings::load(None).unwrap_err().to_string();
            assert!(err.to_lowercase().contains("pool_size"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn file_keys_are_checked() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "node.toml",
                "domain = \"annuaire.example.org\"\n[database]\nurll = \"x\"\n",
            )?;
            let err = Settings::load(Some(Path::new("node.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("urll"), "{err}");
            jail.create_file("ip.toml", "domain = \"127.0.0.1:8080\"\n")?;
            let err = Settings::load(Some(Path::new("ip.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("domain") && err.contains("IP"), "{err}");
            let err = Settings::load(Some(Path::new("missing.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("missing.toml"), "{err}");
            Ok(())
        });
    }
}
