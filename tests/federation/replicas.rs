//! Two replicas of one node on one PostgreSQL database, behind HAProxy, as an operator runs
//! them (README, "Several replicas"): the node in the test process and a `maillage serve`
//! process, on the same settings and database, each on its own port; the proxy, started by
//! the test from a configuration it writes into a temporary directory, listens on the node's
//! public address (its `domain`), balances every request round-robin and checks `/healthz`.
//! Every answer names the replica that gave it (`X-Maillage-Replica`, set by the proxy).
//!
//! Needs PostgreSQL (`.ci/with-postgres`) and HAProxy (`.ci/with-proxy`); skipped and counted
//! where either is missing (failing on CI).

use std::collections::BTreeSet;
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::faulty::{FaultyPeer, publish};
use crate::helpers::{ADMIN_TOKEN, Backend, NodeSpec, TestNodes, eventually, listing, skip};
use crate::site::{Visitor, create_admin};

const NO_HAPROXY: &str =
    "needs HAProxy: set MAILLAGE_TEST_HAPROXY, or run .ci/with-proxy cargo test";

/// The header the proxy adds to every answer: which replica gave it.
const REPLICA: &str = "x-maillage-replica";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_behind_haproxy_act_as_one_node() {
    if Backend::Postgres.missing() {
        return;
    }
    let Some(haproxy) = std::env::var_os("MAILLAGE_TEST_HAPROXY").filter(|v| !v.is_empty()) else {
        skip(NO_HAPROXY);
        return;
    };
    // The node's public address is the proxy's.
    let proxy_port = free_port();
    let public = format!("localhost:{proxy_port}");
    let [mut a] = TestNodes::start(
        Backend::Postgres,
        [NodeSpec::centre("loire").with({
            let public = public.clone();
            move |s| {
                s.domain = public;
                s.http.trusted_proxies = vec!["127.0.0.1".into()];
            }
        })],
    )
    .await;
    let r1 = a.port;
    let r2 = free_port();
    let _second = Replica(
        a.command()
            .env("MAILLAGE_BIND", format!("127.0.0.1:{r2}"))
            .env("MAILLAGE_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("MAILLAGE_HTTP_TRUSTED_PROXIES", r#"["127.0.0.1"]"#)
            .arg("serve")
            .stdout(Stdio::null())
            .spawn()
            .expect("start the second replica"),
    );
    let direct = |port: u16, path: &str| format!("http://127.0.0.1:{port}{path}");
    eventually("the second replica up", || async {
        let res = a.client.get(direct(r2, "/healthz")).send().await.ok()?;
        res.status().is_success().then_some(())
    })
    .await;
    let proxy = Proxy::start(Path::new(&haproxy), proxy_port, &[("r1", r1), ("r2", r2)]);
    eventually("both replicas up behind the proxy", || async {
        let states = proxy.server_states();
        (states == [("r1".into(), "UP".into()), ("r2".into(), "UP".into())]).then_some(())
    })
    .await;
    // From here on the test reaches the node as everyone does: through the proxy.
    a.base = format!("http://{public}");

    // Round-robin: consecutive requests, on one kept-alive connection, reach both replicas.
    let mut answered = BTreeSet::new();
    for _ in 0..4 {
        let res = a.client.get(a.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        answered.insert(replica(res.headers()));
    }
    assert_eq!(answered, BTreeSet::from(["r1".into(), "r2".into()]));

    // An admin session opened through the proxy is valid on every replica, and so is the
    // CSRF token of its forms; logging out ends it on every replica.
    create_admin(&a, "camille", "un mot de passe assez long").await;
    let visitor = Visitor::new(&a, "fr");
    visitor
        .log_in("camille", "un mot de passe assez long")
        .await;
    let mut answered = BTreeSet::new();
    let mut csrf = String::new();
    for _ in 0..4 {
        let page = visitor.get("/admin/recommendations").await;
        assert_eq!(page.status, StatusCode::OK, "{:?}", page.location);
        answered.insert(replica(&page.headers));
        csrf = page.csrf();
    }
    assert_eq!(answered, BTreeSet::from(["r1".into(), "r2".into()]));
    let session = visitor
        .set_cookies
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find_map(|c| c.strip_prefix("maillage_session="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("a session cookie");
    let out = visitor.post("/admin/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text);
    for port in [r1, r2] {
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(direct(port, "/admin/recommendations"))
            .header("cookie", format!("maillage_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "replica on {port}: the session ended by logging out"
        );
    }

    // A follower gets each activity once, not once per replica, whichever replica took the
    // publication.
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(publish(&a, i).await);
    }
    eventually("every publication at the follower", || async {
        let got = peer.created_arrived();
        ids.iter().all(|id| got.contains(id)).then_some(())
    })
    .await;
    eventually("the delivery queue empty", || async {
        let status = a.get("/api/v1/delivery").await.body;
        status["hosts"]
            .as_array()?
            .iter()
            .all(|h| h["pending"] == 0)
            .then_some(())
    })
    .await;
    let got = peer.created_arrived();
    for id in &ids {
        let times = got.iter().filter(|g| *g == id).count();
        assert_eq!(times, 1, "{id} delivered {times} times: {got:?}");
    }

    // What one replica writes, the other's search finds (each index follows the database's
    // change feed): both ways, asked of each replica directly.
    for (writer, reader, name) in [(r1, r2, "Cartographe"), (r2, r1, "Tableautier")] {
        let res = a
            .client
            .post(direct(writer, "/api/v1/recommendations"))
            .bearer_auth(ADMIN_TOKEN)
            .json(&crate::helpers::recommendation(
                name,
                &format!("https://{}.example", name.to_lowercase()),
                &["Excel"],
                "office",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let id = res.json::<Value>().await.unwrap()["id"].clone();
        let found = a
            .client
            .get(direct(reader, &format!("/api/v1/search?q={name}")))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        let (_, results) = listing(&found);
        let recommendations: Vec<&Value> = results
            .iter()
            .flat_map(|r| r["recommendations"].as_array().into_iter().flatten())
            .map(|r| &r["id"])
            .collect();
        assert!(
            recommendations.contains(&&id),
            "{name}, written through the replica on {writer}, found by the one on {reader}: \
             {found}"
        );
    }

    // A replica that stops is taken out by the proxy's check; the other answers everything.
    drop(_second);
    eventually("the stopped replica marked down", || async {
        let states = proxy.server_states();
        (states == [("r1".into(), "UP".into()), ("r2".into(), "DOWN".into())]).then_some(())
    })
    .await;
    for _ in 0..4 {
        let res = a.get("/api/v1/recommendations").await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        assert_eq!(replica(&res.headers), "r1");
    }
}

/// The replica that answered, as the proxy says.
fn replica(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get(REPLICA)
        .and_then(|v| v.to_str().ok())
        .expect("the proxy names the replica")
        .to_owned()
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .unwrap()
        .port()
}

/// A `maillage serve` process, killed when dropped.
struct Replica(Child);

impl Drop for Replica {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// HAProxy in the foreground, unprivileged, its configuration, pid file, log and
/// administration socket in a temporary directory; stopped when dropped.
struct Proxy {
    child: Child,
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Proxy {
    fn start(haproxy: &Path, port: u16, servers: &[(&str, u16)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("admin.sock");
        let config = dir.path().join("haproxy.cfg");
        std::fs::write(&config, configuration(dir.path(), port, servers)).unwrap();
        let checked = Command::new(haproxy)
            .arg("-c")
            .arg("-f")
            .arg(&config)
            .output()
            .expect("run haproxy -c");
        assert!(
            checked.status.success(),
            "the proxy's configuration is refused: {}{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
        let log = std::fs::File::create(dir.path().join("haproxy.log")).unwrap();
        let child = Command::new(haproxy)
            .arg("-db")
            .arg("-f")
            .arg(&config)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start haproxy");
        Self {
            child,
            socket,
            _dir: dir,
        }
    }

    /// `(server, UP | DOWN | ...)` of each replica, from the proxy's administration socket;
    /// empty while it is not listening yet.
    fn server_states(&self) -> Vec<(String, String)> {
        use std::io::{Read, Write};
        let Ok(mut stream) = std::os::unix::net::UnixStream::connect(&self.socket) else {
            return Vec::new();
        };
        if stream.write_all(b"show stat\n").is_err() {
            return Vec::new();
        }
        let mut out = String::new();
        if stream.read_to_string(&mut out).is_err() {
            return Vec::new();
        }
        // CSV: pxname, svname, ..., status is the 18th column.
        out.lines()
            .filter(|l| l.starts_with("replicas,"))
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f.len() > 17 && f[1] != "BACKEND")
            .map(|f| (f[1].to_owned(), f[17].to_owned()))
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The configuration README's "Several replicas" describes, on local ports: round-robin on
/// every request, `/healthz` checked every half second (a replica is out after two failed
/// checks, back after one good one), a request whose replica cannot be reached retried on the
/// other, `X-Forwarded-For` added (the node trusts it from the proxy's address:
/// `http.trusted_proxies`).
fn configuration(dir: &Path, port: u16, servers: &[(&str, u16)]) -> String {
    let servers: String = servers
        .iter()
        .map(|(name, port)| format!("    server {name} 127.0.0.1:{port} check\n"))
        .collect();
    format!(
        "global
    pidfile {dir}/haproxy.pid
    stats socket {dir}/admin.sock mode 600 level admin
    maxconn 256

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check 2s
    retries 2
    option redispatch
    option forwardfor

frontend maillage
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    default-server inter 500ms fall 2 rise 1
    http-response set-header X-Maillage-Replica %[srv_name]
{servers}",
        dir = dir.display()
    )
}

/// Replicas started together on a new database (a first deployment, or a rolling upgrade that
/// brings a migration) all start: one applies the migrations, the others wait for it and find
/// nothing left to apply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_together_migrate_once() {
    if Backend::Postgres.missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let database = crate::helpers::TestDatabase::create(Backend::Postgres, dir.path())
        .expect("PostgreSQL is configured");
    let settings = crate::helpers::settings(free_port(), dir.path(), &database.url);
    let mut starting = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let settings = settings.clone();
        starting.spawn(async move {
            maillage::startup::open_database(&settings)
                .await
                .map(|_| ())
                .map_err(|e| format!("{e:#}"))
        });
    }
    let mut failures = Vec::new();
    while let Some(started) = starting.join_next().await {
        if let Err(e) = started.unwrap() {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
