//! Building and running a node: open and migrate the database, make sure the first centre
//! exists, optionally load the demo data, bind, serve until stopped. No global state: a test
//! process can run several nodes side by side.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::config::{Settings, redact};
use crate::directory::views::CentreView;
use crate::directory::{Directory, SearchSettings};
use crate::federation::{Federation, FederationData, Policy};
use crate::http::{self, error::ApiError};
use crate::state::AppState;
use crate::storage::{Database, DatabaseUrl};

/// Every route of the node, with the layers every answer goes through: the JSON API and the
/// website (two edges, each unaware of the other) and federation, over one state.
pub fn router(state: AppState) -> Router {
    let limit = state.settings.http.max_body_bytes;
    let federation = state.directory.federation().clone();
    Router::new()
        .merge(http::routes())
        .merge(crate::federation::routes::routes(federation))
        .merge(crate::web::routes())
        .merge(shared_ids())
        .fallback(|| async { ApiError::not_found("no such page or endpoint") })
        // Who acts, for the audit log: the admin session's account, or the API token.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::acting,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::extract::acting,
        ))
        .layer(DefaultBodyLimit::max(limit))
        // A body trickled in to hold a connection (the headers have their own deadline).
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            Duration::from_secs(30),
        ))
        .layer(http::set(
            header::CONTENT_SECURITY_POLICY,
            http::CONTENT_SECURITY_POLICY,
        ))
        .layer(http::set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(http::set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(http::set(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The URLs that are both a web page and an ActivityPub id: content negotiation on `Accept`
/// sends ActivityPub clients to federation's document and browsers to the website's page, so
/// neither edge knows of the other.
fn shared_ids() -> Router<AppState> {
    use crate::federation::routes as activitypub;
    Router::new()
        .route(
            "/centres/{handle}",
            get(|State(state), request| {
                negotiate(state, request, activitypub::actor, crate::web::centre)
            }),
        )
        .route(
            "/recommendations/{key}",
            get(|State(state), request| {
                negotiate(
                    state,
                    request,
                    activitypub::recommendation,
                    crate::web::recommendation,
                )
            }),
        )
        .route(
            "/contacts/{key}",
            get(|State(state), request| {
                negotiate(state, request, activitypub::contact, crate::web::contact)
            }),
        )
        .route(
            "/places/{key}",
            get(|State(state), request| {
                negotiate(
                    state,
                    request,
                    crate::federation::objects::place::serve,
                    crate::web::place,
                )
            }),
        )
        .route(
            "/events/{key}",
            get(|State(state), request| {
                negotiate(state, request, activitypub::event, crate::web::event)
            }),
        )
}

async fn negotiate<A, AT, P, PT>(
    state: AppState,
    request: Request,
    activitypub: A,
    page: P,
) -> Response
where
    A: Handler<AT, Federation>,
    P: Handler<PT, AppState>,
{
    if crate::federation::routes::wants_activity_json(request.headers()) {
        let federation = state.directory.federation().clone();
        activitypub.call(request, federation).await
    } else {
        page.call(request, state).await
    }
}

/// Opens the database named by the settings and applies pending migrations.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let raw = settings.database_url();
    let url = DatabaseUrl::parse(&raw).map_err(|e| anyhow::anyhow!("database.url: {e}"))?;
    let pool_size = settings.database.pool_size;
    let db = tokio::task::spawn_blocking(move || Database::connect(&url, pool_size))
        .await?
        .with_context(|| format!("opening the database {}", redact(&raw)))?;
    let applied = db.migrate().await.context("migrating the database")?;
    if !applied.is_empty() {
        tracing::info!(
            "applied {} migration(s): {}",
            applied.len(),
            applied.join(", ")
        );
    }
    Ok(db)
}

/// The directory of the node the settings describe, its first centre created if needed.
/// Activities it queues are delivered by a serving node's workers ([`Application`]).
pub async fn open_directory(settings: &Settings) -> anyhow::Result<(Directory, CentreView)> {
    if settings.federation.insecure {
        tracing::warn!(
            "federation.insecure is on: ids use http:// and loopback peers are allowed; \
             for local tests and demos only"
        );
    }
    let allowed_private_hosts = settings.allowed_private_hosts()?;
    if !allowed_private_hosts.is_empty() {
        tracing::warn!(
            "federation.allowed_private_hosts: these hosts may be contacted although they are \
             on private addresses: {}",
            allowed_private_hosts.join(", ")
        );
    }
    let db = open_database(settings).await?;
    let urls = settings.urls().context("domain")?;
    let federation = Federation::new(FederationData::new(
        db.clone(),
        urls.clone(),
        Policy {
            insecure: settings.federation.insecure,
            manual_approval: settings.federation.manual_approval,
            allowlist_mode: settings.federation.allowlist_mode,
            backfill_pages: settings.federation.backfill_pages,
            allowed_private_hosts,
            extra_root_certificates: settings.federation.extra_root_certificates.clone(),
            inbox_per_second: settings.federation.inbox_per_second,
            inbox_burst: settings.federation.inbox_burst,
            fetch_per_second: settings.federation.fetch_per_second,
            fetch_burst: settings.federation.fetch_burst,
        },
    ))
    .await
    .context("starting federation")?;
    let directory = Directory::new(
        db,
        urls,
        settings.admin_token().map(str::to_owned),
        federation,
        SearchSettings {
            index_dir: Some(settings.data_dir.join("search-index")),
            max_page_size: settings.http.max_page_size,
        },
        crate::directory::help::HelpPolicy {
            retention_days: settings.help.retention_days,
            per_address: settings.help.per_address,
        },
        settings.data_dir.join("media"),
    );
    let centre = directory
        .ensure_first_centre(&settings.centre.username, &settings.centre.name)
        .await
        .context("creating the node's first centre")?;
    Ok((directory, centre))
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    centre: CentreView,
}

impl Application {
    /// Opens everything and binds `settings.bind` (port 0 picks a free one). With `demo`,
    /// loads the starter catalogue and the sample contact cards into the first centre
    /// (idempotent).
    pub async fn build(settings: Settings, demo: bool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.bind.trim()).await.map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                " (another program, or another Maillage node, listens there: set \
                     MAILLAGE_BIND, or `bind` in the configuration file, to another port, \
                     such as 127.0.0.1:8081)"
            } else {
                ""
            };
            anyhow::anyhow!("listening on {} (bind): {e}{hint}", settings.bind)
        })?;
        Self::build_with_listener(settings, listener, demo).await
    }

    /// Like [`build`](Self::build) on a listener bound already, for callers that must know
    /// the port before choosing the domain (tests running several nodes on `localhost:PORT`).
    pub async fn build_with_listener(
        settings: Settings,
        listener: TcpListener,
        demo: bool,
    ) -> anyhow::Result<Self> {
        let (directory, centre) = open_directory(&settings).await?;
        // Built (or reopened) before serving, so that the first search does not wait for it.
        directory
            .search_index()
            .await
            .context("opening the search index")?;
        if demo {
            let report = directory
                .load_demo()
                .await
                .context("loading the demo data")?;
            tracing::info!(
                "demo data: {} recommendations, {} contacts and {} places created",
                report.recommendations_created,
                report.contacts_created,
                report.places_created
            );
        }
        Ok(Self {
            listener,
            state: AppState {
                directory,
                settings: Arc::new(settings),
            },
            centre,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn directory(&self) -> &Directory {
        &self.state.directory
    }

    /// What a person needs to start using the node.
    pub fn banner(&self) -> String {
        let settings = &self.state.settings;
        let addr = self.local_addr();
        let base = self.state.directory.urls().base().to_string();
        let local = format!("http://{addr}/");
        let cli = command_line_settings(settings);
        let token = if settings.admin_token().is_some() {
            format!("the MAILLAGE_ADMIN_TOKEN you configured, or `{cli}maillage token create`")
        } else {
            format!(
                "run `{cli}maillage token create` (from a checkout: `{cli}cargo run -- token \
                 create`)"
            )
        };
        format!(
            "Maillage is running.\n\
             \x20 Website:     {base}\n\
             \x20 Search API:  {local}api/v1/search?q=google+drive\n\
             \x20 Public URL:  {base}\n\
             \x20 Centre:      {handle} ({name})\n\
             \x20 Database:    {db}\n\
             \x20 Admin pages: {base}admin (accounts: `{cli}maillage admin create-user NAME`)\n\
             \x20 Admin token: {token}\n\
             \x20 API docs:    {local}api/v1/openapi.json\n\
             Stop with Ctrl-C.",
            handle = self.centre.handle,
            name = self.centre.name,
            db = redact(&settings.database_url()),
        )
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        // Deliveries run beside the server; stopping aborts the ones in flight, which stay
        // queued and go out at the next start.
        let federation = self.state.directory.federation().clone();
        let workers = federation.start_delivery();
        // Backfills a stopped node left running go on where they stopped.
        match federation.resume_backfills().await {
            Ok(0) => {}
            Ok(n) => tracing::info!("resumed {n} backfill(s)"),
            Err(e) => tracing::warn!("resuming backfills: {e}"),
        }
        let search = tokio::spawn(refresh_search(self.state.directory.clone()));
        let mailer = crate::mail::Mailer::from_settings(&self.state.settings.mail)
            .context("mail.smtp_url")?;
        let help = tokio::spawn(help_chores(self.state.directory.clone(), mailer));
        let header_timeout = Duration::from_secs(self.state.settings.http.header_timeout_seconds);
        let router = router(self.state);
        serve(self.listener, router, header_timeout, shutdown).await;
        workers.abort();
        federation.stop_backfills().await;
        search.abort();
        help.abort();
        Ok(())
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// Serves HTTP/1 on `listener` until `shutdown` completes, then lets the requests in flight
/// finish. Unlike `axum::serve`, every connection has a deadline for its request headers, which
/// also bounds how long a kept-alive connection may wait idle for its next request (hyper
/// starts the clock when it starts waiting for a request's head): a client that opens
/// connections and never finishes its headers cannot keep them for minutes. Each request knows
/// the address it came from (`ConnectInfo`).
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    use tower::Service as _;
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, do not spin.
                    tracing::warn!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = match make_service.call(remote).await {
            Ok(service) => service,
            Err(never) => match never {},
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(
                hyper_util::rt::TokioIo::new(stream),
                hyper_util::service::TowerToHyperService::new(service),
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection from {remote}: {e}");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Keeps the search index current while nobody searches (changes made by other processes, or
/// by federation), and prunes the change feed. Searches catch up by themselves as well.
async fn refresh_search(directory: Directory) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let refreshed = match directory.search_index().await {
            Ok(index) => index.refresh().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = refreshed {
            tracing::warn!("search index: {e}");
        }
    }
}

/// Help requests: staff told by e-mail as soon as one arrives (and again, a few times, when
/// the SMTP server failed), and requests past the retention period erased, at start and every
/// hour.
async fn help_chores(directory: Directory, mailer: Option<crate::mail::Mailer>) {
    const RETRY: Duration = Duration::from_secs(60);
    const ERASE_EVERY: Duration = Duration::from_secs(3600);
    let arrived = directory.federation().data().help_wake.clone();
    let mut last_erase: Option<tokio::time::Instant> = None;
    loop {
        if last_erase.is_none_or(|at| at.elapsed() >= ERASE_EVERY) {
            if let Err(e) = directory.erase_expired_help_requests().await {
                tracing::warn!("erasing expired help requests: {e}");
            }
            last_erase = Some(tokio::time::Instant::now());
        }
        if let Some(mailer) = &mailer {
            // A pass of its own: should a message ever make the mail library panic, this loop
            // (and the erasing of expired requests) goes on; the request is retried later.
            let (directory, mailer) = (directory.clone(), mailer.clone());
            match tokio::spawn(async move { directory.notify_help_requests(&mailer).await }).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!("telling staff of help requests: {e}"),
                Err(e) => tracing::error!("telling staff of help requests failed: {e}"),
            }
        }
        tokio::select! {
            () = arrived.notified() => {}
            () = tokio::time::sleep(RETRY) => {}
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("stopping: finishing the requests in flight");
}

/// The settings a command must be given to act on this node rather than on the default one
/// (`MAILLAGE_DATA_DIR=data-b ... `), as variables to put before it; empty for the defaults.
/// The variables stand for a configuration file's keys as well.
pub fn command_line_settings(settings: &Settings) -> String {
    let Ok(defaults) = Settings::defaults() else {
        return String::new();
    };
    let pairs = [
        (
            "MAILLAGE_FEDERATION_INSECURE",
            settings.federation.insecure.to_string(),
            defaults.federation.insecure.to_string(),
        ),
        // A domain made from the port of `bind` is given by giving `bind`.
        if settings.bind_port().map(|p| format!("localhost:{p}")) == Some(settings.domain.clone()) {
            ("MAILLAGE_BIND", settings.bind.clone(), defaults.bind)
        } else {
            ("MAILLAGE_DOMAIN", settings.domain.clone(), defaults.domain)
        },
        (
            "MAILLAGE_DATA_DIR",
            settings.data_dir.display().to_string(),
            defaults.data_dir.display().to_string(),
        ),
        (
            "MAILLAGE_DATABASE_URL",
            redact(settings.database.url.trim()),
            defaults.database.url,
        ),
        (
            "MAILLAGE_CENTRE_USERNAME",
            settings.centre.username.clone(),
            defaults.centre.username,
        ),
    ];
    let mut out = String::new();
    for (name, value, default) in pairs {
        if value != default {
            let plain = value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./:@".contains(c));
            if plain {
                out.push_str(&format!("{name}={value} "));
            } else {
                out.push_str(&format!("{name}='{}' ", value.replace('\'', r"'\''")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_names_the_settings_a_command_needs() {
        let mut settings = Settings::defaults().unwrap();
        assert_eq!(command_line_settings(&settings), "");
        settings.federation.insecure = true;
        settings.domain = "localhost:8081".into();
        settings.data_dir = "data b".into();
        settings.centre.username = "bretagne".into();
        assert_eq!(
            command_line_settings(&settings),
            "MAILLAGE_FEDERATION_INSECURE=true MAILLAGE_DOMAIN=localhost:8081 \
             MAILLAGE_DATA_DIR='data b' MAILLAGE_CENTRE_USERNAME=bretagne "
        );
        // MAILLAGE_BIND alone: the domain follows it, and so does the command.
        settings.bind = "127.0.0.1:8081".into();
        assert!(
            command_line_settings(&settings).starts_with(
                "MAILLAGE_FEDERATION_INSECURE=true MAILLAGE_BIND=127.0.0.1:8081 MAILLAGE_DATA_DIR"
            ),
            "{}",
            command_line_settings(&settings)
        );
    }

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact("postgres://maillage:secret@db:5432/maillage"),
            "postgres://maillage:***@db:5432/maillage"
        );
        assert_eq!(redact("sqlite://data/m.sqlite3"), "sqlite://data/m.sqlite3");
    }
}
