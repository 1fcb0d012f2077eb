//! The `maillage` command line. Data goes to stdout (or `--output`), logs to stderr.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::config::Settings;
use crate::directory::export::ExportFormat;
use crate::directory::import::ImportProgress;
use crate::directory::{Access, Directory};
use crate::startup::{self, Application};

#[derive(Debug, Parser)]
#[command(
    name = "maillage",
    version,
    about = "A federated directory of free-software \
    alternatives and digital mediators"
)]
pub struct Cli {
    /// A configuration file (TOML) read over config/default.toml; MAILLAGE_* variables win.
    #[arg(long, global = true, env = "MAILLAGE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the node (the default command).
    Serve {
        /// Load the starter catalogue and the sample directory's contact cards into the first
        /// centre before serving (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Import a directory file, in a format recognised by itself: a Maillage JSON export, the
    /// starter catalogue (catalogue/starter.json), the sample directory, or the Dégooglisons
    /// Internet catalogue (YAML), or a CSV file of mediation places in the national schema
    /// "Lieux de médiation numérique" v1.0.2 (recognised by its header). The whole file is checked first: a refused file changes
    /// nothing, and importing a file twice changes nothing the second time.
    Import {
        /// The file to import (JSON or YAML; its format is recognised from its content).
        file: PathBuf,
        /// The local centre that will own the entries (default: the node's first centre).
        #[arg(long)]
        centre: Option<String>,
    },
    /// Export the directory.
    Export {
        /// json: a Maillage export (re-importable); csv: one row per recommendation, for a
        /// spreadsheet; jsonld: the ActivityStreams objects as peers see them.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Write to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Include what only staff see: drafts, and every contact card with its visibility and
        /// consent record (for backups and moving a node). Contains personal data.
        #[arg(long)]
        all: bool,
    },
    /// Follow a remote directory centre (name@domain or its actor URL) from a local centre.
    Follow {
        /// `name@domain` (as on Mastodon, a leading @ is fine) or the centre's actor URL.
        target: String,
        /// The local centre that follows (default: the node's first centre).
        #[arg(long)]
        centre: Option<String>,
    },
    /// See and steer the outgoing delivery queue.
    Queue {
        #[command(subcommand)]
        action: QueueAction,
    },
    /// Manage bearer tokens for the admin API.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Manage the accounts of the admin web pages.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Ask the node running with these settings whether it is healthy (`GET /healthz` on its
    /// `bind` address); exit status 0 when it is. For container healthchecks: the image needs
    /// no HTTP client of its own.
    Healthcheck,
}

#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create an account (or set a new password on an existing one). The password is asked on
    /// the terminal, or read from the first line of standard input when it is not a terminal.
    CreateUser {
        /// The account name, typed on the login page.
        name: String,
    },
    /// List the accounts.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token and print it once.
    Create {
        /// What the token is for, to recognise it later.
        #[arg(long, default_value = "admin")]
        label: String,
    },
    /// Revoke a token, given as its id (see `token list`) or as the token itself.
    Revoke {
        /// The token's id or the token itself.
        token: String,
    },
    /// List tokens (ids and labels, never the secrets).
    List,
}

#[derive(Debug, Subcommand)]
pub enum QueueAction {
    /// Every destination host: deliveries waiting, failures, last success.
    List,
    /// Try a host again now, whatever its backoff (a running node picks it up within a second).
    Retry {
        /// The host as `queue list` shows it (`example.org` or `localhost:8081`).
        host: String,
    },
    /// Drop what is waiting for a host.
    Purge {
        /// The host as `queue list` shows it (`example.org` or `localhost:8081`).
        host: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Jsonld,
    /// The node's own mediation places, in the CSV of the national schema "Lieux de
    /// médiation numérique" v1.0.2.
    LieuxCsv,
}

impl From<Format> for ExportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Json => Self::Json,
            Format::Csv => Self::Csv,
            Format::Jsonld => Self::JsonLd,
            Format::LieuxCsv => Self::LieuxCsv,
        }
    }
}

/// `maillage healthcheck`: the node listening on `bind` answers `/healthz` with 200 within a
/// few seconds. (A wildcard address, the container's `0.0.0.0:8080`, reaches this machine.)
async fn healthcheck(settings: &Settings) -> anyhow::Result<()> {
    let url = format!("http://{}/healthz", settings.bind.trim());
    let res = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()?
        .get(&url)
        .send()
        .await
        .with_context(|| format!("no answer from {url} (bind)"))?;
    let status = res.status();
    let body = res.text().await.unwrap_or_default();
    anyhow::ensure!(status.is_success(), "{url} answered {status}: {body}");
    println!("{url}: {status}");
    Ok(())
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            let app = Application::build(settings, demo).await?;
            println!("{}", app.banner());
            app.run_until_stopped().await
        }
        Command::Healthcheck => healthcheck(&settings).await,
        Command::Migrate => {
            startup::open_database(&settings).await?;
            eprintln!("The database is up to date.");
            Ok(())
        }
        Command::Import { file, centre } => import(&settings, &file, centre.as_deref()).await,
        Command::Export {
            format,
            output,
            all,
        } => {
            let (directory, _) = startup::open_directory(&settings).await?;
            let access = if all { Access::Staff } else { Access::Public };
            let bytes = directory.export_as(format.into(), access).await?;
            match output {
                Some(path) => write_atomically(&path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().write_all(&bytes)?,
            }
            Ok(())
        }
        Command::Follow { target, centre } => {
            let (directory, _) = startup::open_directory(&settings).await?;
            let follow = directory.follow(centre.as_deref(), &target).await?;
            println!("{}\t{}\t{}", follow.id, follow.target, follow.state);
            eprintln!("Follow sent. A running node records the answer; see GET /api/v1/follows.");
            Ok(())
        }
        Command::Queue { action } => {
            queue(&startup::open_directory(&settings).await?.0, action).await
        }
        Command::Token { action } => {
            token(&startup::open_directory(&settings).await?.0, action).await
        }
        Command::Admin { action } => {
            admin(&startup::open_directory(&settings).await?.0, action).await
        }
    }
}

async fn import(
    settings: &Settings,
    file: &std::path::Path,
    centre: Option<&str>,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let (directory, _) = startup::open_directory(settings).await?;
    let progress = TerminalProgress::new();
    let report = directory
        .import_with_progress(&text, centre, &progress)
        .await;
    progress.bar.finish_and_clear();
    print!("{}", report?);
    Ok(())
}

async fn queue(directory: &Directory, action: QueueAction) -> anyhow::Result<()> {
    match action {
        QueueAction::List => {
            let status = directory.queue_status().await?;
            println!("host\tpending\tfailures\tunavailable\tlast success\tlast error");
            for h in status.hosts {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    h.host,
                    h.pending,
                    h.failures,
                    if h.unavailable { "yes" } else { "no" },
                    h.last_success
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_else(|| "never".into()),
                    h.last_error.unwrap_or_default()
                );
            }
        }
        QueueAction::Retry { host } => {
            directory.retry_host(&host).await?;
            eprintln!("{host} will be tried again now.");
        }
        QueueAction::Purge { host } => {
            let n = directory.purge_host(&host).await?;
            eprintln!("{n} deliveries to {host} dropped.");
        }
    }
    Ok(())
}

async fn token(directory: &Directory, action: TokenAction) -> anyhow::Result<()> {
    match action {
        TokenAction::Create { label } => {
            let token = directory.create_token(&label).await?;
            println!("{}", token.token.expose());
            eprintln!(
                "Token {} created. It is shown only now: use it as \
                 `Authorization: Bearer TOKEN`.",
                token.id
            );
        }
        TokenAction::Revoke { token } => {
            if directory.revoke_token(&token).await? {
                eprintln!("Token revoked.");
            } else {
                anyhow::bail!("no active token matches `{token}`");
            }
        }
        TokenAction::List => {
            for t in directory.list_tokens().await? {
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => "active".to_owned(),
                };
                println!("{}\t{}\tcreated {}\t{state}", t.id, t.label, t.created_at);
            }
        }
    }
    Ok(())
}

async fn admin(directory: &Directory, action: AdminAction) -> anyhow::Result<()> {
    match action {
        AdminAction::CreateUser { name } => {
            let password = read_new_password(&name)?;
            if directory.create_account(&name, &password).await? {
                eprintln!(
                    "Account {} created. Log in at {}admin/login",
                    name.trim(),
                    directory.urls().base()
                );
            } else {
                eprintln!(
                    "New password set for {}; its open sessions are closed.",
                    name.trim()
                );
            }
        }
        AdminAction::List => {
            for name in directory.accounts().await? {
                println!("{name}");
            }
        }
    }
    Ok(())
}

/// An import's progress as a bar on stderr, drawn only when stderr is a terminal.
struct TerminalProgress {
    bar: indicatif::ProgressBar,
}

impl TerminalProgress {
    fn new() -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("importing {bar:40} {pos}/{len} entries")
                .expect("a valid template"),
        );
        Self { bar }
    }
}

impl ImportProgress for TerminalProgress {
    fn advanced(&self, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }
}

/// An error and its causes, each said once: a cause whose text the message already holds
/// (errors that display their source) is not repeated.
pub fn error_message(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    message
}

/// The new password: asked twice on a terminal, else the first line of standard input (for
/// scripts: `echo "$PASSWORD" | maillage admin create-user camille`).
fn read_new_password(name: &str) -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "))?;
        let again = rpassword::prompt_password("Same password again: ")?;
        anyhow::ensure!(
            first == again,
            "the two passwords differ; nothing was changed"
        );
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// Writes next to the target then renames, so an interrupted export never leaves half a file.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command and every argument says what it is in `--help` (a bare `<FILE>` leaves
    /// an operator guessing).
    #[test]
    fn every_command_and_argument_has_help() {
        let mut missing = Vec::new();
        let cli = super::Cli::command();
        let mut commands = vec![cli];
        while let Some(command) = commands.pop() {
            for arg in command.get_arguments() {
                let builtin = matches!(arg.get_id().as_str(), "help" | "version");
                if !builtin && arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{} {}", command.get_name(), arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                if sub.get_about().is_none() && sub.get_long_about().is_none() {
                    missing.push(sub.get_name().to_owned());
                }
                commands.push(sub.clone());
            }
        }
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }
}
