//! Federation benchmarks, printing each figure next to its target and the baselines measured
//! in the same run:
//!
//! - inbox: signed `Update`s applied per second (each newer than the last for its object, so
//!   every one takes the full path), on SQLite (with group commit) and on PostgreSQL, each next
//!   to the raw RSA-2048 verify rate (of the implementation the node verifies with, aws-lc-rs)
//!   and the raw single-row commit rate of the receiver's database (through the node's pool)
//!   measured in the same run; target: at least 1,000/s and at least half the lower of the two. PostgreSQL runs when `MAILLAGE_TEST_POSTGRES` names a server where the user
//!   may create databases (`.ci/with-postgres cargo bench ...` starts a private one; each node
//!   gets a database of its own); without it the PostgreSQL line says it was not run, and on
//!   CI that fails. The per-host limit is measured on SQLite only (it is kept in memory);
//! - fan-out: one recommendation to 1,000 followers spread over 100 hosts, from the POST to
//!   the last signed request received;
//! - backfill: following a centre with 10,000 entries;
//! - national: 1,000 centres of 150 entries wired as a full mesh, one national network, or
//!   regional networks under a national one, costed from the unit costs the fan-out and the
//!   backfill measured in the same run (`support/national.rs`, explained in docs/scaling.md).
//!
//! Each benchmark checks what it did (counts, final state, signatures) before its figure
//! counts; a failed check or a missed target makes the process exit with status 1.
//! `-- --smoke` runs each on a small scale and checks the results only (the figures of a
//! smoke run say nothing: targets are not checked); CI runs it.
//!
//! Run: `cargo bench --bench federation` (release build; a few minutes); `-- backfill` runs that
//! benchmark alone (likewise `inbox`, `fan-out`, and `national`, which runs the fan-out and the
//! backfill first); `.ci/with-postgres cargo bench --bench federation -- inbox` gives the inbox
//! on both backends. Idle memory has its own benchmark (`cargo bench --bench memory`). Results
//! and the machine they were measured on are kept in docs/benchmarks.md.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::post;
use base64::Engine as _;
use maillage::config::Settings;
use maillage::startup::Application;
use maillage::storage::centres::{CentreRow, NewCentreRow};
use maillage::storage::follows::{FollowState, FollowerRow};
use maillage::storage::ids::CentreId;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

#[path = "../tests/support/database_url.rs"]
mod database_url;
#[path = "support/national.rs"]
mod national;

const TOKEN: &str = "bench-admin-token-0123456789abcdef0123456789";

/// Set when a check fails or a target is missed: the process then exits with status 1.
static FAILED: AtomicBool = AtomicBool::new(false);

struct Node {
    base: String,
    port: u16,
    settings: Settings,
    client: reqwest::Client,
    _dir: TempDir,
}

async fn node(username: &str, tweak: impl FnOnce(&mut Settings)) -> Node {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut s = Settings::defaults().unwrap();
    s.domain = format!("localhost:{port}");
    s.bind = format!("127.0.0.1:{port}");
    s.data_dir = dir.path().to_path_buf();
    s.admin.token = TOKEN.into();
    s.centre.username = username.into();
    s.federation.insecure = true;
    tweak(&mut s);
    listener.set_nonblocking(true).unwrap();
    let app = Application::build_with_listener(
        s.clone(),
        tokio::net::TcpListener::from_std(listener).unwrap(),
        false,
    )
    .await
    .unwrap();
    tokio::spawn(async move { app.run_until(std::future::pending()).await.unwrap() });
    Node {
        base: format!("http://localhost:{port}"),
        port,
        settings: s,
        client: reqwest::Client::new(),
        _dir: dir,
    }
}

impl Node {
    fn actor(&self) -> String {
        format!("{}/centres/{}", self.base, self.settings.centre.username)
    }

    async fn post(&self, path: &str, body: &Value) -> Value {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .json(body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    async fn total(&self, path: &str) -> i64 {
        self.get(path).await["total"].as_i64().unwrap()
    }

    /// Deliveries waiting in the node's queue, all hosts together.
    async fn pending(&self) -> i64 {
        self.get("/api/v1/delivery").await["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["pending"].as_i64().unwrap())
            .sum()
    }
}

fn recommendation(i: usize) -> Value {
    json!({"software": {"name": format!("Outil {i}"), "homepage": format!("https://outil-{i}.example")},
           "replaces": ["Slack"], "category": "team-chat", "summary": format!("Outil numéro {i}.")})
}

fn export_of(n: usize) -> String {
    let recs: Vec<Value> = (0..n)
        .map(|i| {
            let mut r = recommendation(i);
            r["kind"] = json!("recommendation");
            r["id"] = json!(format!("https://elsewhere.example/r/{i}"));
            r["origin"] = json!("https://elsewhere.example/c");
            r["origin_name"] = json!("Ailleurs");
            r["local"] = json!(true);
            r["software"]["slug"] = json!(format!("outil-{i}"));
            r["language"] = json!("fr");
            r["level"] = json!("recommended");
            r["hosting"] = json!([]);
            r["audience"] = json!([]);
            r["status"] = json!("published");
            r["updated"] = json!("2026-01-01T00:00:00Z");
            r
        })
        .collect();
    json!({"format": "maillage-export", "version": 1, "node": "https://elsewhere.example/",
           "exported_at": "2026-01-01T00:00:00Z", "centres": [], "software": [],
           "recommendations": recs, "contacts": []})
    .to_string()
}

/// A body and its `(Date, Digest, Signature)` headers, signed ahead of the timed part.
type Signed = (Vec<u8>, (String, String, String));

fn sign(
    key: &RsaPrivateKey,
    key_id: &str,
    host: &str,
    path: &str,
    body: &[u8],
) -> (String, String, String) {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let digest = format!(
        "SHA-256={}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body))
    );
    let signing =
        format!("(request-target): post {path}\nhost: {host}\ndate: {date}\ndigest: {digest}");
    let sig = key
        .sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(signing.as_bytes()),
        )
        .unwrap();
    let header = format!(
        "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{}\"",
        base64::engine::general_purpose::STANDARD.encode(sig)
    );
    (date, digest, header)
}

/// Polls `check` until it holds; `None` after `limit`.
async fn wait_until(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// Unit costs the fan-out and backfill benchmarks measure, for the national simulation.
#[derive(Default)]
struct Measured {
    per_host: Option<Duration>,
    delivery_bytes: Option<f64>,
    stored_bytes: Option<f64>,
    outbox_bytes: Option<f64>,
    backfill_rate: Option<f64>,
}

/// Bytes of the files under `dir` (a node's database and search index).
fn disk_use(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk_use(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The national network in simulation (`support/national.rs`): 1,000 centres of 150 entries,
/// wired three ways, costed from what the fan-out and backfill benchmarks measured in this run.
fn national(smoke: bool, measured: &Measured) {
    let (Some(per_host), Some(delivery_bytes), Some(stored_bytes), Some(outbox_bytes), Some(rate)) = (
        measured.per_host,
        measured.delivery_bytes,
        measured.stored_bytes,
        measured.outbox_bytes,
        measured.backfill_rate,
    ) else {
        check(
            "national: calibrated by the fan-out and backfill benchmarks",
            false,
            "a unit cost is missing: run them too (`-- fan-out backfill national`)",
        );
        return;
    };
    // A signature as the node makes one for each delivery (`keys::SigningKey`, aws-lc-rs).
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let pem = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, rsa::pkcs8::LineEnding::LF).unwrap();
    let key = maillage::federation::keys::SigningKey::from_pem(&pem).unwrap();
    let started = Instant::now();
    let mut signed = 0u32;
    while started.elapsed() < Duration::from_millis(500) || signed < 10 {
        key.sign(b"the signing string").unwrap();
        signed += 1;
    }
    let calibration = national::Calibration {
        per_host,
        delivery_bytes,
        sign: started.elapsed() / signed,
        stored_bytes,
        outbox_bytes,
        backfill_rate: rate,
    };
    println!(
        "national: unit costs measured in this run: {:.2} ms per destination host, {:.0} bytes \
         per delivery, {:.1} ms per signature, {:.0} bytes stored per entry, {:.0} bytes of outbox \
         per entry, backfill {:.0} entries/s",
        per_host.as_secs_f64() * 1e3,
        delivery_bytes,
        calibration.sign.as_secs_f64() * 1e3,
        stored_bytes,
        outbox_bytes,
        rate
    );
    print!("{}", national::table(1_000, 150, &calibration));
    print!("{}", national::growth(150, &calibration));
    // What the model must keep true, whatever the unit costs.
    let mesh = national::costs(national::Wiring::Mesh, 1_000, 150, &calibration);
    let hub = national::costs(national::Wiring::National, 1_000, 150, &calibration);
    check(
        "national: every node reached by one edit, in each wiring",
        mesh.edit_deliveries == 999 && hub.edit_deliveries == 1_000,
        format!("{} / {}", mesh.edit_deliveries, hub.edit_deliveries),
    );
    line(
        smoke,
        "national: one edit reaches 1 000 centres (mesh)",
        format!(
            "{:.1}s; network {:.1}s",
            mesh.edit_converge.as_secs_f64(),
            hub.edit_converge.as_secs_f64()
        ),
        "-",
        true,
    );
}

/// A figure and its target. In a smoke run the target is not checked.
fn line(smoke: bool, name: &str, figure: String, target: &str, ok: bool) {
    let verdict = if smoke {
        "(smoke: not checked)"
    } else if ok {
        "ok"
    } else {
        FAILED.store(true, Ordering::Relaxed);
        "MISSED"
    };
    println!("{name:<44} {figure:<34} target {target:<30} {verdict}");
}

/// A check of what the benchmark did; a failed one voids its figure, smoke run or not.
fn check(what: &str, ok: bool, detail: impl std::fmt::Display) -> bool {
    if !ok {
        FAILED.store(true, Ordering::Relaxed);
        println!("CHECK FAILED: {what}: {detail}");
    }
    ok
}

/// Returns its nodes, to be dropped once their runtime is (their data goes with them).
///
/// With `limited`, the receiving node keeps its default per-host inbox limit (every sender is
/// one host here): the figure is how many got through and how many were told to come back
/// later; the limit is kept in memory, so this runs on SQLite only. Without, the limit is off
/// and the figure is the node's own throughput, on SQLite, then on PostgreSQL if there is one.
async fn inbox_rate(smoke: bool, limited: bool) -> Vec<Node> {
    let mut nodes = inbox_rate_on(smoke, limited, None).await;
    if limited {
        return nodes;
    }
    match postgres_server() {
        Some(server) => nodes.extend(inbox_rate_on(smoke, false, Some(&server)).await),
        None => {
            // Said, not skipped silently; CI starts a server, so there it is a failure.
            let ci = on_ci();
            if ci {
                FAILED.store(true, Ordering::Relaxed);
            }
            println!(
                "{:<44} not run: MAILLAGE_TEST_POSTGRES is not set (run under .ci/with-postgres){}",
                "inbox (PostgreSQL): signed Updates applied",
                if ci { "; on CI: FAILED" } else { "" }
            );
        }
    }
    nodes
}

/// The PostgreSQL server the inbox benchmark creates its nodes' databases on, if any: the
/// variable the test suite reads (`.ci/with-postgres` sets it).
fn postgres_server() -> Option<String> {
    std::env::var("MAILLAGE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Whether this run is CI (as the tests read `CI`): there a line that could not run fails.
fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        !v.is_empty() && !["0", "false", "no", "off"].contains(&v.as_str())
    })
}

/// A fresh database on the PostgreSQL `server` (a libpq URL), for one node: its URL.
fn postgres_database(server: &str) -> String {
    use diesel::{Connection, RunQueryDsl};
    let name = format!("maillage_bench_{}", uuid::Uuid::new_v4().simple());
    let mut admin = diesel::PgConnection::establish(server)
        .unwrap_or_else(|e| panic!("cannot reach MAILLAGE_TEST_POSTGRES: {e}"));
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .expect("create the benchmark's database");
    database_url::with_database(server, &name)
}

/// One inbox run: on SQLite in the nodes' data directories, or with `postgres` (a server URL)
/// on a database of its own for each node.
async fn inbox_rate_on(smoke: bool, limited: bool, postgres: Option<&str>) -> Vec<Node> {
    // Each of the 16 senders edits its own recommendation, in order: every Update is newer
    // than the last one its object had, so every one is applied in full (no "older edit"
    // shortcut), whatever order the senders' requests interleave in.
    const SENDERS: usize = 16;
    let n = if smoke { 160 } else { 2000 };
    let backend = if postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let database = || postgres.map(postgres_database);
    let (url_a, url_b) = (database(), database());
    let a = node("loire", move |s| {
        if let Some(url) = url_a {
            s.database.url = url;
        }
    })
    .await;
    let b = node("bretagne", move |s| {
        if !limited {
            s.federation.inbox_per_second = 0;
        }
        if let Some(url) = url_b {
            s.database.url = url;
        }
    })
    .await;
    let mut ids = Vec::new();
    for k in 0..SENDERS {
        let rec = a.post("/api/v1/recommendations", &recommendation(k)).await;
        ids.push(rec["id"].as_str().unwrap().to_owned());
    }
    b.post(
        "/api/v1/follows",
        &json!({"target": format!("loire@localhost:{}", a.port)}),
    )
    .await;
    wait_until(Duration::from_secs(60), async || {
        b.total("/api/v1/recommendations?per_page=1").await == SENDERS as i64
    })
    .await
    .expect("backfill");
    let db = maillage::startup::open_database(&a.settings).await.unwrap();
    let row = db
        .run(|c| CentreRow::find_local(c, "loire"))
        .await
        .unwrap()
        .unwrap();
    let key = RsaPrivateKey::from_pkcs8_pem(row.private_key.as_deref().unwrap()).unwrap();
    // The key as the node checks signatures with it: DER, for aws-lc-rs (`keys::verify_rsa`).
    let public = rsa::pkcs8::Document::from_pem(&row.public_key).unwrap().1;
    let mut notes = Vec::new();
    for id in &ids {
        let note: Value = b
            .client
            .get(id)
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        notes.push(note);
    }

    // Pre-signed: the timed part is the node's work only. Version i is `updated` at
    // 2030-01-01 plus i milliseconds: strictly increasing.
    let host = format!("localhost:{}", b.port);
    let start = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap();
    let mut queues: Vec<Vec<Signed>> = vec![Vec::new(); SENDERS];
    for i in 0..n {
        let k = i % SENDERS;
        let mut object = notes[k].clone();
        let updated = start + chrono::TimeDelta::milliseconds(i as i64);
        object["updated"] = json!(updated.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        object["maillage:recommendation"]["reviewBody"] = json!(format!("Version {i}"));
        let body = serde_json::to_vec(
            &json!({"type": "Update", "id": format!("{}/activities/update/bench-{i}", a.base),
                    "actor": a.actor(), "object": object}),
        )
        .unwrap();
        let signed = sign(
            &key,
            &format!("{}#main-key", a.actor()),
            &host,
            "/inbox",
            &body,
        );
        queues[k].push((body, signed));
    }
    // The senders run on a runtime of their own thread, so the node's one worker thread
    // spends its time on the node's work only.
    let accepted = Arc::new(AtomicUsize::new(0));
    let answers = Arc::new(Mutex::new(BTreeMap::<u16, usize>::new()));
    let started = Instant::now();
    let (url, counter, statuses) = (
        format!("{}/inbox", b.base),
        accepted.clone(),
        answers.clone(),
    );
    let sender = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let client = reqwest::Client::new();
            let mut senders = tokio::task::JoinSet::new();
            for queue in queues {
                let (accepted, statuses, client, url, host) = (
                    counter.clone(),
                    statuses.clone(),
                    client.clone(),
                    url.clone(),
                    host.clone(),
                );
                senders.spawn(async move {
                    for (body, (date, digest, signature)) in queue {
                        let res = client
                            .post(&url)
                            .header("host", &host)
                            .header("date", date)
                            .header("digest", digest)
                            .header("signature", signature)
                            .header("content-type", "application/activity+json")
                            .body(body)
                            .send()
                            .await
                            .unwrap();
                        let status = res.status().as_u16();
                        *statuses.lock().unwrap().entry(status).or_default() += 1;
                        if status == 202 {
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
            }
            while senders.join_next().await.is_some() {}
        });
    });
    tokio::task::spawn_blocking(move || sender.join().unwrap())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let accepted = accepted.load(Ordering::Relaxed);
    let rate = accepted as f64 / elapsed.as_secs_f64();
    let answers = answers.lock().unwrap().clone();

    if limited {
        // One host sending as fast as it can: its burst and its rate pass, the rest is told
        // to come back later (429), and answering 429 costs the node next to nothing.
        let turned = answers.get(&429).copied().unwrap_or(0);
        let expected = 500.0 + 50.0 * elapsed.as_secs_f64();
        let ok = check(
            "inbox limit: every Update answered 202 or 429",
            accepted + turned == n,
            format!("answers {answers:?}"),
        );
        line(
            smoke,
            "inbox: one host over its limit (50/s, 500)",
            format!(
                "{accepted} applied, {turned} got 429, {:.2}s",
                elapsed.as_secs_f64()
            ),
            &format!("<= {expected:.0} applied"),
            ok && (accepted as f64) <= expected + 1.0,
        );
        return vec![a, b];
    }

    // What the receiver did: every activity recorded once, every object at its last version.
    let mut ok = check(
        &format!("inbox ({backend}): every Update answered 202"),
        accepted == n,
        format!("{accepted} of {n}; answers {answers:?}"),
    );
    // The receiver's database, whichever backend: the count below, then the commit baseline.
    let receiver_db = maillage::startup::open_database(&b.settings).await.unwrap();
    let recorded = receiver_db
        .run(|c| {
            use diesel::{QueryDsl, RunQueryDsl, TextExpressionMethods};
            use maillage::storage::schema::received_activities::dsl::*;
            Ok(received_activities
                .filter(activity_id.like("%/activities/update/bench-%"))
                .count()
                .get_result::<i64>(c)
                .unwrap())
        })
        .await
        .unwrap();
    ok &= check(
        &format!("inbox ({backend}): every Update recorded as received once"),
        recorded == n as i64,
        format!("{recorded} recorded for {n} sent"),
    );
    let copies = b.get("/api/v1/recommendations?per_page=200").await;
    for (k, id) in ids.iter().enumerate() {
        let last = (0..n).filter(|i| i % SENDERS == k).max().unwrap();
        let summary = copies["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id.as_str())
            .map(|r| r["summary"].clone());
        ok &= check(
            &format!("inbox ({backend}): each object at its last version on the receiver"),
            summary == Some(json!(format!("Version {last}"))),
            format!("{id}: {summary:?}, expected Version {last}"),
        );
    }

    // Baselines, same run: raw RSA-2048 verifications, raw single-row commits on the
    // receiver's database (the one the inbox writes to).
    let window = if smoke {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(2)
    };
    // The verification the node makes (aws-lc-rs, RSA PKCS#1 v1.5 with SHA-256), alone.
    let message = b"the signing string";
    let signature = key
        .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message))
        .unwrap();
    let verifier = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        public.as_bytes(),
    );
    let started = Instant::now();
    let mut verified = 0u32;
    while started.elapsed() < window {
        verifier.verify(message, &signature).unwrap();
        verified += 1;
    }
    let verify_rate = f64::from(verified) / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut commits = 0u32;
    while started.elapsed() < window {
        let id = format!("https://bench.example/commit/{commits}");
        receiver_db
            .write(move |c| {
                maillage::storage::activities::record_received(c, &id, maillage::storage::now())
            })
            .await
            .unwrap();
        commits += 1;
    }
    let commit_rate = f64::from(commits) / started.elapsed().as_secs_f64();
    let floor = 0.5 * verify_rate.min(commit_rate);
    line(
        smoke,
        &format!("raw RSA-2048 verify (baseline, {backend})"),
        format!("{verify_rate:.0}/s"),
        "-",
        true,
    );
    line(
        smoke,
        &format!("raw single-row commit (baseline, {backend})"),
        format!("{commit_rate:.0}/s"),
        "-",
        true,
    );
    line(
        smoke,
        &format!("inbox ({backend}): signed Updates applied"),
        format!(
            "{rate:.0}/s ({accepted} of {n} in {:.2}s; {:.0} % of the lower baseline)",
            elapsed.as_secs_f64(),
            100.0 * rate / verify_rate.min(commit_rate)
        ),
        &format!(">= 1000/s and >= {floor:.0}/s (50 %)"),
        ok && rate >= 1000.0 && rate >= floor,
    );
    vec![a, b]
}

/// Returns its nodes, to be dropped once their runtime is (their data goes with them).
async fn fan_out(smoke: bool, measured: &mut Measured) -> Vec<Node> {
    let hosts = if smoke { 10 } else { 100 };
    let a = node("loire", |_| {}).await;
    // Each host a stub shared inbox counting what it receives, and what came signed by the
    // centre (a Signature naming its key, and a Digest).
    let received = Arc::new(AtomicUsize::new(0));
    let signed = Arc::new(AtomicUsize::new(0));
    let bytes = Arc::new(AtomicUsize::new(0));
    let key_id = format!("keyId=\"{}#main-key\"", a.actor());
    let mut inboxes = Vec::new();
    for _ in 0..hosts {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (received, signed, bytes, key_id) = (
            received.clone(),
            signed.clone(),
            bytes.clone(),
            key_id.clone(),
        );
        let app = Router::new().route(
            "/inbox",
            post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let (received, signed, key_id) = (received.clone(), signed.clone(), key_id.clone());
                let size = body.len()
                    + headers
                        .iter()
                        .map(|(k, v)| k.as_str().len() + v.len() + 4)
                        .sum::<usize>();
                bytes.fetch_add(size, Ordering::Relaxed);
                async move {
                    let signature = headers
                        .get("signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    if signature.contains(&key_id) && headers.contains_key("digest") {
                        signed.fetch_add(1, Ordering::Relaxed);
                    }
                    received.fetch_add(1, Ordering::Relaxed);
                    axum::http::StatusCode::ACCEPTED
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        inboxes.push(port);
    }
    // Ten accounts on each host, recorded as accepted followers.
    let db = maillage::startup::open_database(&a.settings).await.unwrap();
    db.write(move |conn| {
        let centre = CentreRow::find_local(conn, "loire")?.unwrap();
        let now = maillage::storage::now();
        for (h, port) in inboxes.iter().enumerate() {
            for u in 0..10 {
                let actor = NewCentreRow {
                    actor_id: format!("http://localhost:{port}/users/u{u}"),
                    username: format!("u{u}"),
                    domain: format!("localhost:{port}"),
                    name: format!("Follower {h}-{u}"),
                    summary: None,
                    website: None,
                    region: None,
                    icon: None,
                    local: false,
                    public_key: centre.public_key.clone(),
                    private_key: None,
                    inbox_url: format!("http://localhost:{port}/users/u{u}/inbox"),
                    shared_inbox_url: Some(format!("http://localhost:{port}/inbox")),
                    created_at: now,
                    updated_at: now,
                    actor_type: "Person".into(),
                    is_directory: false,
                    manually_approves: false,
                    outbox_url: None,
                    last_refreshed_at: Some(now),
                    header: None,
                    contact: None,
                };
                let row = CentreRow::upsert_remote(conn, &actor)?;
                FollowerRow::upsert(
                    conn,
                    &format!("f{h}-{u}"),
                    CentreId(centre.id),
                    CentreId(row.id),
                    &format!("{}#follow", row.actor_id),
                    FollowState::Accepted,
                    now,
                )?;
            }
        }
        Ok(())
    })
    .await
    .unwrap();
    // Timed from before the POST that publishes to the last host served.
    let started = Instant::now();
    a.post("/api/v1/recommendations", &recommendation(1)).await;
    let done = wait_until(Duration::from_secs(60), async || {
        received.load(Ordering::Relaxed) >= hosts
    })
    .await
    .map(|_| started.elapsed());
    // Once the queue is empty nothing more will be sent: then count.
    wait_until(Duration::from_secs(60), async || a.pending().await == 0).await;
    let (deliveries, signed) = (
        received.load(Ordering::Relaxed),
        signed.load(Ordering::Relaxed),
    );
    let ok = check(
        "fan-out: one signed request per host, no more",
        deliveries == hosts && signed == hosts,
        format!("{deliveries} requests, {signed} signed by the centre, for {hosts} hosts"),
    );
    line(
        smoke,
        &format!(
            "fan-out: 1 post to {} followers on {hosts} hosts",
            hosts * 10
        ),
        done.map_or("not done in 60 s".into(), |t| {
            format!("{:.2}s, {signed} signed requests", t.as_secs_f64())
        }),
        "< 5 s, one signature per host",
        ok && done.is_some_and(|t| t < Duration::from_secs(5)),
    );
    if let Some(done) = done.filter(|_| ok) {
        measured.per_host = Some(done / u32::try_from(hosts).unwrap());
        measured.delivery_bytes = Some(bytes.load(Ordering::Relaxed) as f64 / hosts as f64);
    }
    vec![a]
}

/// Returns its nodes, to be dropped once their runtime is (their data goes with them).
async fn backfill(smoke: bool, measured: &mut Measured) -> Vec<Node> {
    let entries: usize = if smoke { 500 } else { 10_000 };
    // With the default settings: the whole outbox is read (the cap is far above it).
    let a = node("loire", |_| {}).await;
    let b = node("bretagne", |_| {}).await;
    let (directory, _) = maillage::startup::open_directory(&a.settings)
        .await
        .unwrap();
    let setup = Instant::now();
    let report = directory.import(&export_of(entries), None).await.unwrap();
    let setup = setup.elapsed();
    check(
        "backfill: the followed centre holds every entry",
        report.recommendations_created == entries,
        format!("{} imported", report.recommendations_created),
    );
    // The follower's disk before, to count what the entries take on it.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let disk_before = disk_use(&b.settings.data_dir);
    let started = Instant::now();
    b.post(
        "/api/v1/follows",
        &json!({"target": format!("loire@localhost:{}", a.port)}),
    )
    .await;
    let took = wait_until(Duration::from_secs(120), async || {
        b.total("/api/v1/recommendations?per_page=1").await >= entries as i64
    })
    .await
    .map(|_| started.elapsed());
    if let Some(took) = took {
        // The search index takes them in every 2 s.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let grown = disk_use(&b.settings.data_dir).saturating_sub(disk_before);
        measured.stored_bytes = Some(grown as f64 / entries as f64);
        measured.backfill_rate = Some(entries as f64 / took.as_secs_f64());
        let page = b
            .client
            .get(format!("{}/centres/loire/outbox?page=1", a.base))
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap();
        let page: Value = page.json().await.unwrap();
        let items = page["orderedItems"].as_array().map_or(0, Vec::len);
        let size = serde_json::to_vec(&page).unwrap().len();
        if items > 0 {
            measured.outbox_bytes = Some(size as f64 / items as f64);
        }
    }
    let got = b.total("/api/v1/recommendations?per_page=1").await;
    let ok = check(
        "backfill: every entry copied once",
        got == entries as i64,
        format!("{got} on the follower for {entries}"),
    );
    line(
        smoke,
        &format!("backfill: follow a centre with {entries} entries"),
        took.map_or(format!("{got} after 120 s"), |t| {
            format!(
                "{:.1}s ({:.0} entries/s; setup {:.0}s)",
                t.as_secs_f64(),
                entries as f64 / t.as_secs_f64(),
                setup.as_secs_f64()
            )
        }),
        "< 10 s",
        ok && took.is_some_and(|t| t < Duration::from_secs(10)),
    );
    vec![a, b]
}

fn main() {
    maillage::telemetry::init_with_default("error");
    let smoke = std::env::args().any(|a| a == "--smoke");
    // `-- backfill` (or `inbox`, `fan-out`, `national`): only the benchmarks named.
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runs = |name: &str| named.is_empty() || named.iter().any(|n| n == name);
    println!(
        "Maillage federation benchmarks ({} cores){}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if smoke {
            ", smoke run: small scale, results checked, targets not"
        } else {
            ""
        }
    );
    // Nodes outlive their benchmark until their runtime is shut down: deleting their data
    // under running nodes would only make them fail.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut nodes = Vec::new();
    if runs("inbox") {
        nodes.extend(runtime.block_on(inbox_rate(smoke, false)));
        nodes.extend(runtime.block_on(inbox_rate(smoke, true)));
    }
    drop(runtime);
    drop(nodes);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut nodes = Vec::new();
    let mut measured = Measured::default();
    // The national simulation is calibrated by the fan-out and the backfill.
    if runs("fan-out") || runs("national") {
        nodes.extend(runtime.block_on(fan_out(smoke, &mut measured)));
    }
    if runs("backfill") || runs("national") {
        nodes.extend(runtime.block_on(backfill(smoke, &mut measured)));
    }
    if runs("national") {
        national(smoke, &measured);
    }
    drop(runtime);
    drop(nodes);
    if FAILED.load(Ordering::Relaxed) {
        println!("federation benchmarks: a check failed or a target was missed (see above)");
        std::process::exit(1);
    }
}
