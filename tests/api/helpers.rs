//! `TestNode`: a real node on a free port, its database fresh, with request helpers.
//!
//! PostgreSQL: set `MAILLAGE_TEST_POSTGRES` to a libpq URL of a server where the user may
//! create databases (`.ci/run` starts a private one); each test gets a database of its own.
//! Without it, PostgreSQL tests print that they were skipped, except on CI (`CI=true`) where
//! they fail, so a CI run can never skip them silently.

// Shared by the api and federation test binaries; each uses a different part of it.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener as StdListener;
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use maillage::config::Settings;
use maillage::startup::Application;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef0123456789";

/// A database for one test: a file in the node's data dir, or a fresh PostgreSQL database.
pub struct TestDatabase {
    pub url: String,
}

impl TestDatabase {
    /// `None` when PostgreSQL is asked for but not configured (and this is not CI).
    pub fn create(backend: Backend, data_dir: &std::path::Path) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self {
                url: format!("sqlite://{}", data_dir.join("maillage.sqlite3").display()),
            }),
            Backend::Postgres => {
                let server = match std::env::var("MAILLAGE_TEST_POSTGRES") {
                    Ok(url) if !url.trim().is_empty() => url,
                    _ => {
                        assert!(
                            std::env::var("CI").as_deref() != Ok("true"),
                            "MAILLAGE_TEST_POSTGRES is not set on CI: PostgreSQL tests must run"
                        );
                        // Straight to stderr: the test harness captures `eprintln!` of passing
                        // tests, and a skip must be seen.
                        let _ = writeln!(
                            std::io::stderr(),
                            "skipped: {} on PostgreSQL (set MAILLAGE_TEST_POSTGRES, or run \
                             .ci/with-postgres cargo test)",
                            std::thread::current().name().unwrap_or("test")
                        );
                        return None;
                    }
                };
                let name = format!("maillage_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&server)
                    .unwrap_or_else(|e| panic!("cannot reach MAILLAGE_TEST_POSTGRES: {e}"));
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                Some(Self {
                    url: with_database(&server, &name),
                })
            }
        }
    }
}

/// The server URL with its database name replaced (`postgres://u@/postgres?host=/d` ->
/// `postgres://u@/NAME?host=/d`).
fn with_database(server: &str, name: &str) -> String {
    // Not `url::Url`: libpq URLs with an empty host (`postgres://u@/db`) are not URLs to it.
    let after_scheme = server.find("://").map_or(0, |i| i + 3);
    let path_start = server[after_scheme..]
        .find('/')
        .map_or(server.len(), |i| after_scheme + i);
    let query_start = server[path_start..]
        .find('?')
        .map_or(server.len(), |i| path_start + i);
    format!("{}/{name}{}", &server[..path_start], &server[query_start..])
}

#[test]
fn database_names_are_replaced_in_libpq_urls() {
    assert_eq!(
        with_database("postgres://postgres@/postgres?host=/tmp/pg", "t1"),
        "postgres://postgres@/t1?host=/tmp/pg"
    );
    assert_eq!(
        with_database("postgres://u:p@db:5432/x", "t2"),
        "postgres://u:p@db:5432/t2"
    );
    assert_eq!(with_database("postgres://u@db", "t3"), "postgres://u@db/t3");
}

/// Settings for a node on `localhost:port` with its files in `data_dir`.
pub fn settings(port: u16, data_dir: &std::path::Path, database_url: &str) -> Settings {
    let mut s = Settings::defaults().expect("defaults");
    s.domain = format!("localhost:{port}");
    s.bind = format!("127.0.0.1:{port}");
    s.data_dir = data_dir.to_path_buf();
    s.database.url = database_url.to_owned();
    s.database.pool_size = 4;
    s.admin.token = ADMIN_TOKEN.to_owned();
    s.centre.username = "loire".into();
    s.centre.name = "Annuaire libre Loire".into();
    s.federation.insecure = true;
    s
}

pub struct TestNode {
    pub base: String,
    pub port: u16,
    pub settings: Settings,
    pub database_url: String,
    pub client: reqwest::Client,
    // Kept alive for the node's lifetime; removed when the test ends.
    pub data_dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestNode {
    /// A node with an empty directory, or `None` if the backend is not available here.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, false, |_| {}).await
    }

    /// A node loaded with the sample directory (`serve --demo`).
    pub async fn spawn_demo(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, true, |_| {}).await
    }

    pub async fn spawn_with(
        backend: Backend,
        demo: bool,
        adjust: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        // Quiet unless MAILLAGE_LOG asks for more.
        maillage::telemetry::init_with_default("error");
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::create(backend, data_dir.path())?;
        let listener = StdListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let mut settings = settings(port, data_dir.path(), &database.url);
        adjust(&mut settings);
        let mut node = Self {
            base: format!("http://localhost:{port}"),
            port,
            settings,
            database_url: database.url,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            data_dir,
            stop: None,
            server: None,
        };
        node.start(Some(listener), demo).await;
        Some(node)
    }

    async fn start(&mut self, listener: Option<StdListener>, demo: bool) {
        let listener = match listener {
            Some(l) => l,
            None => StdListener::bind(("127.0.0.1", self.port)).expect("rebind the same port"),
        };
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let app = Application::build_with_listener(self.settings.clone(), listener, demo)
            .await
            .expect("node starts");
        let (stop, stopped) = oneshot::channel::<()>();
        self.stop = Some(stop);
        self.server = Some(tokio::spawn(async move {
            app.run_until(async {
                let _ = stopped.await;
            })
            .await
            .expect("node serves");
        }));
    }

    /// Stops the node gracefully and starts it again on the same port and database.
    pub async fn restart(&mut self) {
        self.stop_server().await;
        self.start(None, false).await;
    }

    pub async fn stop_server(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task ends");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let res = req.send().await.expect("request sent");
        Response::read(res).await
    }

    /// GET as staff (with the admin token).
    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, Some(ADMIN_TOKEN), None)
            .await
    }

    /// GET as the public (no token).
    pub async fn get_public(&self, path: &str) -> Response {
        self.request(Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(ADMIN_TOKEN), Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(ADMIN_TOKEN), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path, Some(ADMIN_TOKEN), None)
            .await
    }

    /// Publishes a recommendation and returns its stored JSON.
    pub async fn create_recommendation(&self, body: &Value) -> Value {
        let res = self.post("/api/v1/recommendations", body).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        res.body
    }

    /// Search (`/api/v1/search?...`) as the public; returns `(total, results)`.
    pub async fn search(&self, query: &str) -> (i64, Vec<Value>) {
        let res = self.get_public(&format!("/api/v1/search?{query}")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        listing(&res.body)
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Response {
    pub async fn read(res: reqwest::Response) -> Self {
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body read");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            body,
            text,
        }
    }

    /// The `field` of an error answer.
    pub fn error_field(&self) -> Option<&str> {
        self.body["error"]["field"].as_str()
    }

    pub fn error_code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }
}

/// `(total, results)` of a listing, checking its shape.
pub fn listing(body: &Value) -> (i64, Vec<Value>) {
    let total = body["total"].as_i64().expect("listing has a total");
    let results = body["results"]
        .as_array()
        .expect("listing has results")
        .clone();
    (total, results)
}

/// The KEY of an object id: its last path segment.
pub fn key(id: &Value) -> String {
    id.as_str()
        .expect("id is a string")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

/// A minimal valid recommendation.
pub fn recommendation(name: &str, homepage: &str, replaces: &[&str], category: &str) -> Value {
    serde_json::json!({
        "software": {"name": name, "homepage": homepage},
        "replaces": replaces,
        "category": category,
        "summary": format!("{name} remplace {}.", replaces.join(", ")),
    })
}

/// Runs one async scenario on both backends as two tests, `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($(#[$meta:meta])* $name:ident, $scenario:path) => {
        $(#[$meta])*
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $scenario($crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $scenario($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}
