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
            .field("url", &redact(&self.url))
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
    pub map: MapSettings,
    pub help: HelpSettings,
    pub mail: MailSettings,
}

/// Requests for help (`directory::help`): how long they are kept and how often one address
/// may send one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpSettings {
    pub retention_days: u32,
    pub per_address: u32,
}

/// The SMTP server staff are told of new help requests through. (`Debug` is written by hand:
/// the URL may hold a password.)
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// `smtp://host:port` (plain, or STARTTLS when the server offers it with
    /// `?tls=required`), `smtps://host:port` (TLS); empty: no mail.
    pub smtp_url: String,
    /// The sender of the notifications, `Maillage <maillage@example.org>`.
    pub from: String,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &redact(&self.smtp_url))
            .field("from", &self.from)
            .finish()
    }
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

/// The map of `/places` (Leaflet, served by the node; only the tiles come from elsewhere).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSettings {
    /// `https://…/{z}/{x}/{y}.png`; empty: no background (markers and the list still work).
    pub tile_url: String,
    /// HTML shown in the map's corner (the tile server's licence asks for it).
    pub tile_attribution: String,
    pub max_zoom: u8,
}

impl MapSettings {
    /// The origin the tiles come from (`https://tile.openstreetmap.org`), for the pages'
    /// Content-Security-Policy; None without tiles.
    pub fn tile_origin(&self) -> Option<String> {
        let url = url::Url::parse(
            &self
                .tile_url
                .replace("{z}", "0")
                .replace("{x}", "0")
                .replace("{y}", "0"),
        )
        .ok()?;
        matches!(url.scheme(), "http" | "https").then(|| url.origin().ascii_serialization())
    }
}

/// Environment variables with the `MAILLAGE_` prefix that are not settings: the configuration
/// file, the log filter, and what the tests and tools read. Any other is refused, as unknown
/// keys in a file are: a misspelt variable must not be silently ignored.
const NOT_SETTINGS: &[&str] = &["config", "log", "fuzz_cases", "tools_dir"];
/// Prefix of the test suite's own variables (`MAILLAGE_TEST_POSTGRES`...).
const TEST_PREFIX: &str = "test_";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Already says where: the environment variable, or the file and key.
    #[error("{0}")]
    Load(String),
    #[error("configuration key `{key}`: {reason}")]
    Invalid { key: &'static str, reason: String },
}

impl From<figment::Error> for ConfigError {
    fn from(error: figment::Error) -> Self {
        Self::Load(describe(error))
    }
}

/// One line per error, each naming where the bad value came from, once (figment's own text
/// names keys by profile, `default.database.urll`, and in capitals for the environment).
fn describe(error: figment::Error) -> String {
    use figment::error::Kind;
    error
        .into_iter()
        .map(|e| {
            let mut path = e.path.clone();
            let unknown = match &e.kind {
                Kind::UnknownField(field, expected) => {
                    if path.last() != Some(field) {
                        path.push(field.clone());
                    }
                    Some(did_you_mean(field, expected.iter().copied()))
                }
                _ => None,
            };
            let key = path.join(".");
            let place = place(e.metadata.as_ref(), &key);
            match unknown {
                Some(hint) => format!("{place}: unknown key{hint}"),
                None => format!("{place}: {}", e.kind),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where the value of `key` came from, as the operator wrote it: `MAILLAGE_DATABASE_URL`, or
/// `node.toml, key database.url`.
fn place(metadata: Option<&figment::Metadata>, key: &str) -> String {
    match metadata {
        Some(md) => match &md.source {
            Some(figment::Source::File(path)) => format!("{}, key `{key}`", path.display()),
            _ if md.name.contains("environment") => {
                format!("MAILLAGE_{}", key.replace('.', "_").to_ascii_uppercase())
            }
            _ => format!("configuration key `{key}`"),
        },
        None => format!("configuration key `{key}`"),
    }
}

/// ` (did you mean `x`?)` when one of `candidates` is close to `given`, else nothing.
fn did_you_mean<'a>(given: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

impl Settings {
    /// The compiled-in defaults alone (what tests start from).
    pub fn defaults() -> Result<Self, ConfigError> {
        Self::from_figment(&Figment::from(Toml::string(DEFAULT_TOML)))
    }

    /// Defaults, then `file` if given, then the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError::Load(format!(
                    "--config (MAILLAGE_CONFIG): {} is not a readable file",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let env_keys = env_names()?;
        check_environment(&env_keys)?;
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
        let settings = Self::from_figment(&figment)?;
        settings
            .check_local_demo()
            .map_err(|e| located(&figment, e))?;
        Ok(settings)
    }

    fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        let mut settings: Self = figment.extract()?;
        settings.derive_domain().map_err(|e| located(figment, e))?;
        settings.check().map_err(|e| located(figment, e))?;
        Ok(settings)
    }

    /// An empty `domain` is `localhost` with the port of `bind`: a node on one machine moved
    /// to another port with `MAILLAGE_BIND` alone prints, and mints, the URL it serves.
    fn derive_domain(&mut self) -> Result<(), ConfigError> {
        if !self.domain.trim().is_empty() {
            return Ok(());
        }
        match self.bind_port() {
            Some(port) if port != 0 => {
                self.domain = format!("localhost:{port}");
                Ok(())
            }
            _ => Err(ConfigError::Invalid {
                key: "domain",
                reason: format!(
                    "is empty, and `bind` ({}) has no fixed port to make it localhost:PORT: \
                     set the domain",
                    self.bind
                ),
            }),
        }
    }

    /// The port of `bind` (`127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`).
    pub fn bind_port(&self) -> Option<u16> {
        self.bind.trim().rsplit_once(':')?.1.parse().ok()
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
        let tiles = self.map.tile_url.trim();
        if !tiles.is_empty()
            && (self.map.tile_origin().is_none()
                || !["{z}", "{x}", "{y}"].iter().all(|p| tiles.contains(p)))
        {
            return Err(ConfigError::Invalid {
                key: "map.tile_url",
                reason: format!(
                    "`{tiles}` must be an http or https URL with {{z}}, {{x}} and {{y}}, such as \
                     https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png (or empty: no tiles)"
                ),
            });
        }
        // An address, or a name this machine resolves (`localhost:8080`), with its port.
        let resolves = self.bind.trim().parse::<SocketAddr>().is_ok()
            || (self.bind_port().is_some()
                && std::net::ToSocketAddrs::to_socket_addrs(self.bind.trim())
                    .is_ok_and(|mut a| a.next().is_some()));
        if !resolves {
            return Err(ConfigError::Invalid {
                key: "bind",
                reason: format!(
                    "`{}` is not an address:port (127.0.0.1:8080, 0.0.0.0:8080, \
                     localhost:8080)",
                    self.bind
                ),
            });
        }
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
        if self.help.retention_days == 0 {
            return Err(ConfigError::Invalid {
                key: "help.retention_days",
                reason: "must be at least 1 (requests are erased that many days after they \
                         arrive)"
                    .into(),
            });
        }
        self.check_mail()?;
        Ok(())
    }

    /// `mail.smtp_url` is an SMTP URL, and `mail.from` a mailbox when mail is on.
    fn check_mail(&self) -> Result<(), ConfigError> {
        let smtp = self.mail.smtp_url.trim();
        if smtp.is_empty() {
            return Ok(());
        }
        let scheme_ok = url::Url::parse(smtp)
            .is_ok_and(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host_str().is_some());
        if !scheme_ok {
            return Err(ConfigError::Invalid {
                key: "mail.smtp_url",
                reason: format!(
                    "`{}` is not an SMTP URL such as smtp://127.0.0.1:2525 or \
                     smtps://user:password@mail.example.org",
                    redact(smtp)
                ),
            });
        }
        let mailbox = email_address::Options::default()
            .with_display_text()
            .with_required_tld();
        if email_address::EmailAddress::parse_with_options(self.mail.from.trim(), mailbox).is_err()
        {
            return Err(ConfigError::Invalid {
                key: "mail.from",
                reason: format!(
                    "`{}` is not a sender address such as `Maillage <maillage@example.org>` \
                     (needed when mail.smtp_url is set)",
                    self.mail.from.trim()
                ),
            });
        }
        Ok(())
    }

    /// Refuses to mint `https` ids for a loopback domain (`localhost:8080`, `*.localhost`):
    /// the node serves plain http, nobody else can reach that name, and ids are permanent, so
    /// they would be dead links from the first account or import on. A node on one's own
    /// machine says so with `federation.insecure`; a public node names its public domain.
    /// (Checked by [`load`](Self::load), the operator's path, not by [`check`](Self::check):
    /// tests run https nodes on `localhost` behind a TLS terminator of their own, and so may
    /// an operator who lists the domain in `federation.allowed_private_hosts`.)
    pub fn check_local_demo(&self) -> Result<(), ConfigError> {
        if self.federation.insecure {
            return Ok(());
        }
        let Some(domain) = crate::domain::urls::parse_authority(&self.domain) else {
            return Ok(()); // `check` has refused it already
        };
        let host = domain.rsplit_once(':').map_or(domain.as_str(), |(h, _)| h);
        if host != "localhost" && !host.ends_with(".localhost") {
            return Ok(());
        }
        let terminated = self
            .allowed_private_hosts()?
            .iter()
            .any(|allowed| *allowed == domain || allowed == host);
        if terminated {
            return Ok(());
        }
        Err(ConfigError::Invalid {
            key: "federation.insecure",
            reason: format!(
                "is off, so this node would mint https://{domain}/… ids, which nothing serves \
                 (the node speaks plain http, and `{host}` is this machine only). For a node on \
                 your own machine set MAILLAGE_FEDERATION_INSECURE=true (or `insecure = true` \
                 under [federation]); for a public node set MAILLAGE_DOMAIN (`domain`) to its \
                 public name"
            ),
        })
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

/// A check's error, saying where the value came from (the variable, or the file and key).
fn located(figment: &Figment, error: ConfigError) -> ConfigError {
    match error {
        ConfigError::Invalid { key, reason } => ConfigError::Load(format!(
            "{}: {reason}",
            place(figment.find_metadata(key), key)
        )),
        other => other,
    }
}

/// Refuses `MAILLAGE_*` variables that are no setting, naming the closest one.
fn check_environment(env_keys: &[(String, String)]) -> Result<(), ConfigError> {
    let unknown: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter_map(|name| {
            let rest = name.strip_prefix("MAILLAGE_")?.to_ascii_lowercase();
            let known = env_keys.iter().any(|(env, _)| *env == rest)
                || NOT_SETTINGS.contains(&rest.as_str())
                || rest.starts_with(TEST_PREFIX);
            (!known).then(|| {
                let names: Vec<String> = env_keys
                    .iter()
                    .map(|(env, _)| format!("MAILLAGE_{}", env.to_ascii_uppercase()))
                    .collect();
                let hint = did_you_mean(&name, names.iter().map(String::as_str));
                format!("{name}: unknown setting{hint}")
            })
        })
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(ConfigError::Load(format!(
        "{} (every setting is in config/default.toml; the variable is MAILLAGE_ and the key \
         in capitals, database.url -> MAILLAGE_DATABASE_URL)",
        unknown.join("\n")
    )))
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
    let data = Figment::from(Toml::string(DEFAULT_TOML)).data()?;
    let mut out = Vec::new();
    for dict in data.values() {
        walk("", dict, &mut out);
    }
    Ok(out)
}

/// A database URL with any password hidden, for logs and banners.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
// figment's test jail returns its own large error type.
#[expect(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_the_admin_token_and_database_password_out() {
        let mut settings = Settings::defaults().unwrap();
        settings.admin.token = "mlg_bootstrap_s3cret".into();
        settings.database.url = "postgres://maillage:db-s3cret@localhost/maillage".into();
        let printed = format!("{settings:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("localhost/maillage"), "{printed}");
    }

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
            assert!(err.starts_with("MAILLAGE_DATABASE_POOL_SIZE: "), "{err}");
            assert_eq!(err.matches("POOL_SIZE").count(), 1, "{err}");
            Ok(())
        });
    }

    #[test]
    fn errors_name_the_variable_once() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MAILLAGE_FEDERATION_INSECURE", "maybe");
            let err = Settings::load(None).unwrap_err().to_string();
            assert!(err.starts_with("MAILLAGE_FEDERATION_INSECURE: "), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert_eq!(err.matches("INSECURE").count(), 1, "{err}");
            jail.set_env("MAILLAGE_FEDERATION_INSECURE", "true");
            // A value that parses but makes no sense: the variable it came from.
            jail.set_env("MAILLAGE_DOMAIN", "127.0.0.1:8080");
            let err = Settings::load(None).unwrap_err().to_string();
            assert!(err.starts_with("MAILLAGE_DOMAIN: "), "{err}");
            Ok(())
        });
    }

    #[test]
    fn bind_alone_moves_the_domain_and_may_name_localhost() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MAILLAGE_FEDERATION_INSECURE", "true");
            assert_eq!(Settings::load(None).unwrap().domain, "localhost:8080");
            jail.set_env("MAILLAGE_BIND", "localhost:25080");
            assert_eq!(Settings::load(None).unwrap().domain, "localhost:25080");
            jail.set_env("MAILLAGE_DOMAIN", "annuaire.example.org");
            assert_eq!(Settings::load(None).unwrap().domain, "annuaire.example.org");
            jail.set_env("MAILLAGE_BIND", "nowhere");
            let err = Settings::load(None).unwrap_err().to_string();
            assert!(err.starts_with("MAILLAGE_BIND: "), "{err}");
            Ok(())
        });
    }

    #[test]
    fn unknown_variables_are_refused_with_the_closest_name() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MAILLAGE_FEDERATION_INSECURE", "true");
            jail.set_env("MAILLAGE_TEST_ANYTHING", "the test suite's own");
            Settings::load(None).unwrap();
            jail.set_env("MAILLAGE_DATABSE_URL", "sqlite://elsewhere.sqlite3");
            let err = Settings::load(None).unwrap_err().to_string();
            assert!(
                err.contains("MAILLAGE_DATABSE_URL: unknown setting")
                    && err.contains("did you mean `MAILLAGE_DATABASE_URL`"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn https_ids_for_a_loopback_domain_are_refused_unless_said_otherwise() {
        let mut s = Settings::defaults().unwrap();
        for domain in ["localhost:8080", "LocalHost.", "annuaire.localhost:9000"] {
            s.domain = domain.into();
            let err = s.check_local_demo().unwrap_err().to_string();
            assert!(
                err.contains("federation.insecure") && err.contains("MAILLAGE_FEDERATION_INSECURE"),
                "{err}"
            );
        }
        s.federation.insecure = true;
        s.check_local_demo().unwrap();
        s.federation.insecure = false;
        s.domain = "annuaire.example.org".into();
        s.check_local_demo().unwrap();
        // A TLS terminator serving https://localhost:8443 in front of the node.
        s.domain = "localhost:8443".into();
        s.federation.allowed_private_hosts = vec!["localhost:8443".into()];
        s.check_local_demo().unwrap();
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
            assert!(
                err.ends_with("node.toml, key `database.urll`: unknown key (did you mean `url`?)"),
                "{err}"
            );
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
