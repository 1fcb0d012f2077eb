//! The test-support layer shared by the api, federation and browser test binaries:
//!
//! - `TestNodes`: real nodes on free ports, each with a fresh database, started together
//!   (`TestNodes::start(backend, ["loire", "bretagne"])`); `TestNode` has the request helpers;
//! - `NodeSpec::production()`: a node in production mode, behind a TLS terminator on
//!   `https://nN.maillage.test/` (see `production.rs`; `production_missing` skips where the
//!   machine is not set up for it);
//! - `eventually`: the one bounded wait (no test sleeps before an assertion);
//! - `skip` and `on_ci`: a case that cannot run here says so, is counted, and fails on CI.
//!
//! PostgreSQL: set `MAILLAGE_TEST_POSTGRES` to a libpq URL of a server where the user may
//! create databases (`.ci/run` starts a private one); each test gets a database of its own.
//! Without it the PostgreSQL cases are skipped (`on_both_backends!` checks once per case).
//!
//! Skips: `skip` prints the case and the reason at once, appends them to the file named by
//! `MAILLAGE_TEST_SKIP_LOG` (set by `tests/support/report-skips`, the runner cargo runs test
//! binaries through, which prints each binary's count and reasons after its last line), and
//! panics on CI, so a CI run never skips silently.

// Shared by the api, federation and browser test binaries; each uses a different part of it.
#![allow(dead_code)]

use std::future::Future;
use std::io::Write;
use std::net::TcpListener as StdListener;
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use maillage::config::Settings;
use maillage::startup::Application;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[path = "production.rs"]
pub mod production;

/// Whether this run is CI, where nothing may be skipped: `CI` set to anything but an empty
/// string, `0`, `false`, `no` or `off` (any case). CI services set `CI=true` or `CI=1`; the
/// explicit negative values let a person turn it off (`CI=false cargo test`).
pub fn on_ci() -> bool {
    ci_value_means_ci(std::env::var("CI").ok().as_deref())
}

fn ci_value_means_ci(value: Option<&str>) -> bool {
    match value.map(str::trim) {
        None | Some("") => false,
        Some(v) => !["0", "false", "no", "off"]
            .iter()
            .any(|no| v.eq_ignore_ascii_case(no)),
    }
}

#[test]
fn any_non_empty_ci_but_an_explicit_no_is_ci() {
    for yes in ["true", "1", "yes", "TRUE", "on", "github"] {
        assert!(ci_value_means_ci(Some(yes)), "{yes}");
    }
    for no in [
        None,
        Some(""),
        Some(" "),
        Some("0"),
        Some("false"),
        Some("False"),
        Some("no"),
        Some("off"),
    ] {
        assert!(!ci_value_means_ci(no), "{no:?}");
    }
}

/// The case running on this thread (libtest names each test's thread after the test).
pub fn case_name() -> String {
    std::thread::current().name().unwrap_or("a test").to_owned()
}

/// This case cannot run here: says so on stderr (not captured), records it for the skip
/// report, and fails on CI. `why` names what is missing and how to provide it; cases missing
/// the same thing share one `why`, so the report groups them.
pub fn skip(why: &str) {
    let case = case_name();
    assert!(!on_ci(), "{case} must run on CI, but: {why}");
    let _ = writeln!(std::io::stderr(), "skipped: {case} ({why})");
    if let Some(log) = std::env::var_os("MAILLAGE_TEST_SKIP_LOG").filter(|v| !v.is_empty()) {
        let line = format!("{}\t{case}\n", why.replace(['\t', '\n'], " "));
        // One short append per skip: lines of parallel tests do not interleave.
        let _ = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(log)
            .and_then(|mut f| f.write_all(line.as_bytes()));
    }
}

/// How long `eventually` waits before failing: generous, since it costs only on failure and
/// the suite runs its tests in parallel on two cores.
pub const EVENTUALLY: Duration = Duration::from_secs(60);

/// Waits until `check` returns `Some`, polling, and returns it; fails the test after
/// `EVENTUALLY`, naming `what`. The one way a test waits: never a sleep before an assertion.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    eventually_within(EVENTUALLY, what, check).await
}

/// `eventually` with another bound, for waits whose bound is what the test checks.
pub async fn eventually_within<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < limit,
            "timed out after {limit:?} waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why PostgreSQL cases are skipped (one wording, so the skip report groups them).
const NO_POSTGRES: &str =
    "needs PostgreSQL: set MAILLAGE_TEST_POSTGRES, or run .ci/with-postgres cargo test";

impl Backend {
    /// The PostgreSQL server tests create their databases on, if configured.
    fn postgres_server() -> Option<String> {
        std::env::var("MAILLAGE_TEST_POSTGRES")
            .ok()
            .filter(|url| !url.trim().is_empty())
    }

    /// Whether this backend cannot run here; if so the case is recorded as skipped (and fails
    /// on CI). `on_both_backends!` asks before each PostgreSQL case.
    pub fn missing(self) -> bool {
        let missing = self == Self::Postgres && Self::postgres_server().is_none();
        if missing {
            skip(NO_POSTGRES);
        }
        missing
    }
}

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef0123456789";

/// A database for one test: a file in the node's data dir, or a fresh PostgreSQL database.
pub struct TestDatabase {
    pub url: String,
}

impl TestDatabase {
    /// `None` (the case recorded as skipped) when PostgreSQL is asked for but not configured.
    pub fn create(backend: Backend, data_dir: &std::path::Path) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self {
                url: format!("sqlite://{}", data_dir.join("maillage.sqlite3").display()),
            }),
            Backend::Postgres => {
                let Some(server) = Backend::postgres_server() else {
                    skip(NO_POSTGRES);
                    return None;
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

#[path = "../support/database_url.rs"]
mod database_url;
use database_url::with_database;

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
    // The map's tiles from the node itself (which has none): no test reaches the internet.
    s.map.tile_url = format!("http://localhost:{port}/tiles/{{z}}/{{x}}/{{y}}.png");
    s
}

pub struct TestNode {
    /// `http://localhost:PORT`, or `https://nN.maillage.test` for a production node.
    pub base: String,
    /// The port the node itself listens on (plain http on 127.0.0.1; for a production node
    /// its TLS terminator forwards there).
    pub port: u16,
    pub settings: Settings,
    pub database_url: String,
    pub client: reqwest::Client,
    // Kept alive for the node's lifetime; removed when the test ends.
    pub data_dir: TempDir,
    /// A production node's TLS terminator (its name and port 443).
    pub terminator: Option<production::Terminator>,
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

    /// A node loaded with the demo data (`serve --demo`: the starter catalogue and the sample
    /// contact cards).
    pub async fn spawn_demo(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, true, |_| {}).await
    }

    /// A node holding the sample directory (`src/directory/sample-directory.json`, imported
    /// before the node starts): 64 recommendations with one-line summaries, whose small and
    /// known contents the search cases count on.
    pub async fn spawn_sample(backend: Backend) -> Option<Self> {
        Self::spawn_sample_with(backend, |_| {}).await
    }

    pub async fn spawn_sample_with(
        backend: Backend,
        adjust: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        Self::spawn_behind(backend, Data::Sample, None, adjust).await
    }

    pub async fn spawn_with(
        backend: Backend,
        demo: bool,
        adjust: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        let data = if demo { Data::Demo } else { Data::Empty };
        Self::spawn_behind(backend, data, None, adjust).await
    }

    /// A node; with a terminator, in production mode behind it: its domain is the
    /// terminator's name, its ids https, and it trusts the test CA (`adjust` comes after).
    async fn spawn_behind(
        backend: Backend,
        data: Data,
        mut terminator: Option<production::Terminator>,
        adjust: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        // Quiet unless MAILLAGE_LOG asks for more.
        maillage::telemetry::init_with_default("error");
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::create(backend, data_dir.path())?;
        let listener = StdListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let mut settings = settings(port, data_dir.path(), &database.url);
        let mut base = format!("http://localhost:{port}");
        let mut client = reqwest::Client::builder();
        if let Some(terminator) = &mut terminator {
            let ca = data_dir.path().join("test-ca.pem");
            std::fs::write(&ca, production::ca_pem()).expect("write the test CA");
            settings.domain = terminator.name();
            settings.federation.insecure = false;
            settings.federation.extra_root_certificates = vec![ca];
            base = format!("https://{}", terminator.name());
            client = production::client_builder();
            terminator.forward_to(port);
        }
        adjust(&mut settings);
        let mut node = Self {
            base,
            port,
            settings,
            database_url: database.url,
            client: client.timeout(Duration::from_secs(30)).build().unwrap(),
            data_dir,
            terminator,
            stop: None,
            server: None,
        };
        if data == Data::Sample {
            let (directory, _) = maillage::startup::open_directory(&node.settings)
                .await
                .expect("open the directory");
            directory
                .import(maillage::directory::import::SAMPLE_DIRECTORY, None)
                .await
                .expect("import the sample directory");
        }
        node.start(Some(listener), data == Data::Demo).await;
        Some(node)
    }

    /// A client builder for this node: one that trusts the test CA for a production node.
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        if self.terminator.is_some() {
            production::client_builder()
        } else {
            reqwest::Client::builder()
        }
    }

    /// The handle of the node's first centre: `loire@localhost:PORT`, `loire@nN.maillage.test`.
    pub fn handle(&self) -> String {
        format!("{}@{}", self.settings.centre.username, self.settings.domain)
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

    /// The `maillage` binary set up for this node's database and centre (and nothing from
    /// the environment but `PATH`); add the command and, to serve, `MAILLAGE_BIND`.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_maillage"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("MAILLAGE_LOG", "error")
            .env("MAILLAGE_DOMAIN", &self.settings.domain)
            .env("MAILLAGE_DATA_DIR", &self.settings.data_dir)
            .env("MAILLAGE_DATABASE_URL", &self.database_url)
            .env("MAILLAGE_CENTRE_USERNAME", &self.settings.centre.username)
            .env(
                "MAILLAGE_FEDERATION_INSECURE",
                self.settings.federation.insecure.to_string(),
            );
        cmd
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

/// What a test node holds when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    Empty,
    /// `serve --demo`: the starter catalogue and the sample contact cards.
    Demo,
    /// The sample directory, imported before the node starts.
    Sample,
}

/// One node of a test: its first centre, what its directory holds, any other setting.
/// `"bretagne".into()` is the centre `bretagne`, named "Centre bretagne".
pub struct NodeSpec {
    username: String,
    name: String,
    data: Data,
    production: bool,
    adjust: Box<dyn FnOnce(&mut Settings) + Send>,
}

impl Default for NodeSpec {
    /// The centre `loire`, "Annuaire libre Loire", with an empty directory.
    fn default() -> Self {
        Self {
            username: "loire".into(),
            name: "Annuaire libre Loire".into(),
            data: Data::Empty,
            production: false,
            adjust: Box::new(|_| {}),
        }
    }
}

impl NodeSpec {
    /// A node whose first centre is `username`, named "Centre {username}".
    pub fn centre(username: &str) -> Self {
        Self {
            username: username.to_owned(),
            name: format!("Centre {username}"),
            ..Self::default()
        }
    }

    /// Loaded with the demo data (`serve --demo`).
    pub fn demo(mut self) -> Self {
        self.data = Data::Demo;
        self
    }

    /// Holding the sample directory.
    pub fn sample(mut self) -> Self {
        self.data = Data::Sample;
        self
    }

    /// In production mode behind a TLS terminator, on `https://nN.maillage.test` (see
    /// `production.rs`): `federation.insecure` off, the test CA trusted, the other
    /// production nodes of the same `TestNodes::start` in `federation.allowed_private_hosts`.
    /// The case must ask `production_missing()` first.
    pub fn production(mut self) -> Self {
        self.production = true;
        self
    }

    /// Another setting, applied after the others.
    pub fn with(mut self, f: impl FnOnce(&mut Settings) + Send + 'static) -> Self {
        let before = self.adjust;
        self.adjust = Box::new(move |s| {
            before(s);
            f(s);
        });
        self
    }
}

impl From<&str> for NodeSpec {
    fn from(username: &str) -> Self {
        Self::centre(username)
    }
}

/// Starts the nodes of a test, all at once, on one backend:
///
/// ```ignore
/// let [a, b] = TestNodes::start(backend, ["loire", "bretagne"]).await;
/// let [e] = TestNodes::start(backend, [NodeSpec::centre("vosges").with(|s| s.federation.manual_approval = true)]).await;
/// ```
///
/// PostgreSQL must be configured: cases reach here through `on_both_backends!`, which skips
/// the PostgreSQL case (and counts it) where it is not.
pub struct TestNodes;

impl TestNodes {
    pub async fn start<const N: usize, S: Into<NodeSpec>>(
        backend: Backend,
        specs: [S; N],
    ) -> [TestNode; N] {
        assert!(
            backend == Backend::Sqlite || Backend::postgres_server().is_some(),
            "PostgreSQL is not configured: run PostgreSQL cases through on_both_backends!, \
             which skips them (or check Backend::missing first)"
        );
        let specs: Vec<NodeSpec> = specs.into_iter().map(Into::into).collect();
        // Production nodes get their names first: each lists the others as reachable.
        let mut terminators = Vec::new();
        for spec in &specs {
            terminators.push(if spec.production {
                if let Some(why) = production::unavailable().await {
                    panic!("{why} (ask production_missing() before starting nodes)");
                }
                Some(production::Terminator::claim().await)
            } else {
                None
            });
        }
        let names: Vec<String> = terminators.iter().flatten().map(|t| t.name()).collect();
        let mut started = tokio::task::JoinSet::new();
        for (i, (spec, terminator)) in specs.into_iter().zip(terminators).enumerate() {
            let peers: Vec<String> = match &terminator {
                Some(t) => names.iter().filter(|n| **n != t.name()).cloned().collect(),
                None => Vec::new(),
            };
            started.spawn(async move {
                let NodeSpec {
                    username,
                    name,
                    data,
                    adjust,
                    ..
                } = spec;
                let node = TestNode::spawn_behind(backend, data, terminator, move |s| {
                    s.centre.username = username;
                    s.centre.name = name;
                    if !peers.is_empty() {
                        s.federation.allowed_private_hosts = peers;
                    }
                    adjust(s);
                })
                .await
                .expect("the backend is configured");
                (i, node)
            });
        }
        let mut nodes: Vec<Option<TestNode>> = (0..N).map(|_| None).collect();
        while let Some(done) = started.join_next().await {
            let (i, node) = done.expect("a node starts");
            nodes[i] = Some(node);
        }
        let nodes: Vec<TestNode> = nodes.into_iter().map(Option::unwrap).collect();
        match nodes.try_into() {
            Ok(nodes) => nodes,
            Err(_) => unreachable!("one node per spec"),
        }
    }

    /// One node, centre `loire`, empty directory.
    pub async fn one(backend: Backend) -> TestNode {
        let [node] = Self::start(backend, [NodeSpec::default()]).await;
        node
    }

    /// One node with the demo data (`serve --demo`).
    pub async fn demo(backend: Backend) -> TestNode {
        let [node] = Self::start(backend, [NodeSpec::default().demo()]).await;
        node
    }

    /// One node holding the sample directory.
    pub async fn sample(backend: Backend) -> TestNode {
        let [node] = Self::start(backend, [NodeSpec::default().sample()]).await;
        node
    }
}

/// Whether production nodes cannot run here; if so the case is recorded as skipped, saying
/// what is missing (and fails on CI). Production cases ask before starting nodes.
pub async fn production_missing() -> bool {
    match production::unavailable().await {
        Some(why) => {
            skip(why);
            true
        }
        None => false,
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

/// Runs one async scenario on both backends as two tests, `sqlite` and `postgres`; the
/// PostgreSQL one is skipped (and counted) where PostgreSQL is not configured.
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
                // Skipped, and counted, where PostgreSQL is not configured (fails on CI).
                if $crate::helpers::Backend::Postgres.missing() {
                    return;
                }
                $scenario($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}

/// A `width`×`height` PNG picture, as staff would upload for an avatar.
pub fn png_picture(width: u32, height: u32) -> Vec<u8> {
    picture(width, height, image::ImageFormat::Png)
}

/// A `width`×`height` picture in `format`, as a camera or a drawing program would save it.
pub fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    }))
    .write_to(&mut std::io::Cursor::new(&mut out), format)
    .unwrap();
    out
}
