//! Federation benchmarks, printing each figure next to its target and the baselines measured
//! in the same run:
//!
//! - inbox: verified activities per second, next to the raw RSA-2048 verify rate and the raw
//!   single-row commit rate of the same database;
//! - fan-out: one recommendation to 1,000 followers spread over 100 hosts;
//! - backfill: following a centre with 10,000 entries;
//! - memory: resident size of an idle node with the sample directory.
//!
//! Run: `cargo bench --bench federation` (release build; a few minutes). Results and the
//! machine they were measured on are kept in docs/benchmarks.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use base64::Engine as _;
use maillage::config::Settings;
use maillage::startup::Application;
use maillage::storage::centres::{CentreRow, NewCentreRow};
use maillage::storage::follows::{ACCEPTED, FollowerRow};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const TOKEN: &str = "bench-admin-token-0123456789abcdef0123456789";

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

    async fn total(&self, path: &str) -> i64 {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        res.json::<Value>().await.unwrap()["total"]
            .as_i64()
            .unwrap()
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

fn line(name: &str, figure: String, target: &str, ok: bool) {
    println!(
        "{name:<44} {figure:<28} target {target:<28} {}",
        if ok { "ok" } else { "MISSED" }
    );
}

/// With `limited`, the receiving node keeps the default per-host inbox limit (one sender host
/// here); without, the limit is off and the figure is the node's own throughput.
async fn inbox_rate(limited: bool) {
    let a = node("loire", |_| {}).await;
    let b = node("bretagne", move |s| {
        if !limited {
            s.federation.inbox_per_second = 0;
        }
    })
    .await;
    let rec = a.post("/api/v1/recommendations", &recommendation(0)).await;
    b.post(
        "/api/v1/follows",
        &json!({"target": format!("loire@localhost:{}", a.port)}),
    )
    .await;
    wait_until(Duration::from_secs(30), async || {
        b.total("/api/v1/search?q=outil&kind=recommendation").await == 1
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
    let public = RsaPublicKey::from_public_key_pem(&row.public_key).unwrap();
    let note: Value = b
        .client
        .get(rec["id"].as_str().unwrap())
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    // Pre-signed Updates, each newer than the last: the timed part is the node's work only.
    let n = 2000;
    let host = format!("localhost:{}", b.port);
    let requests: Vec<(Vec<u8>, (String, String, String))> = (0..n)
        .map(|i| {
            let mut object = note.clone();
            object["updated"] = json!(format!(
                "2030-01-01T00:{:02}:{:02}.{:03}Z",
                i / 3600,
                (i / 60) % 60,
                i % 1000
            ));
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
            (body, signed)
        })
        .collect();
    // The senders run on a runtime of their own thread, so the node's one worker thread
    // spends its time on the node's work only.
    let ok = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let (url, counter, refusals) = (format!("{}/inbox", b.base), ok.clone(), refused.clone());
    let sender = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let client = reqwest::Client::new();
            let requests = Arc::new(tokio::sync::Mutex::new(requests.into_iter()));
            let mut senders = tokio::task::JoinSet::new();
            for _ in 0..16 {
                let (requests, ok, refused, client, url, host) = (
                    requests.clone(),
                    counter.clone(),
                    refusals.clone(),
                    client.clone(),
                    url.clone(),
                    host.clone(),
                );
                senders.spawn(async move {
                    loop {
                        let Some((body, (date, digest, signature))) = requests.lock().await.next()
                        else {
                            return;
                        };
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
                        if res.status().is_success() {
                            ok.fetch_add(1, Ordering::Relaxed);
                        } else if res.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
                            refused.fetch_add(1, Ordering::Relaxed);
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
    let rate = ok.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64();
    if limited {
        // One host sending as fast as it can: its burst and its rate pass, the rest is told
        // to come back later, and answering 429 costs the node next to nothing.
        let (taken, turned) = (ok.load(Ordering::Relaxed), refused.load(Ordering::Relaxed));
        let expected = 500.0 + 50.0 * elapsed.as_secs_f64();
        line(
            "inbox: one host over its limit (50/s, 500)",
            format!(
                "{taken} applied, {turned} got 429, {:.2}s",
                elapsed.as_secs_f64()
            ),
            &format!("<= {expected:.0} applied"),
            (taken as f64) <= expected + 1.0 && taken + turned == n,
        );
        return;
    }

    // Baselines, same run: raw RSA-2048 verifications, raw single-row commits.
    let message = Sha256::digest(b"the signing string");
    let signature = key.sign(Pkcs1v15Sign::new::<Sha256>(), &message).unwrap();
    let started = Instant::now();
    let mut verified = 0u32;
    while started.elapsed() < Duration::from_secs(2) {
        public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &message, &signature)
            .unwrap();
        verified += 1;
    }
    let verify_rate = f64::from(verified) / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut commits = 0u32;
    while started.elapsed() < Duration::from_secs(2) {
        let id = format!("https://bench.example/commit/{commits}");
        db.write(move |c| {
            maillage::storage::activities::record_received(c, &id, maillage::storage::now())
        })
        .await
        .unwrap();
        commits += 1;
    }
    let commit_rate = f64::from(commits) / started.elapsed().as_secs_f64();
    let floor = 0.3 * verify_rate.min(commit_rate);
    line(
        "raw RSA-2048 verify (baseline)",
        format!("{verify_rate:.0}/s"),
        "-",
        true,
    );
    line(
        "raw single-row commit, SQLite (baseline)",
        format!("{commit_rate:.0}/s"),
        "-",
        true,
    );
    line(
        "inbox: verified activities applied",
        format!(
            "{rate:.0}/s ({} of {n} in {:.1}s)",
            ok.load(Ordering::Relaxed),
            elapsed.as_secs_f64()
        ),
        &format!(">= 1000/s and >= {floor:.0}/s"),
        rate >= 1000.0 && rate >= floor,
    );
}

async fn fan_out() {
    let a = node("loire", |_| {}).await;
    // 100 hosts, each a stub shared inbox counting what it receives.
    let received = Arc::new(AtomicUsize::new(0));
    let mut inboxes = Vec::new();
    for _ in 0..100 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let count = received.clone();
        let app = Router::new().route(
            "/inbox",
            post(move || {
                let count = count.clone();
                async move {
                    count.fetch_add(1, Ordering::Relaxed);
                    axum::http::StatusCode::ACCEPTED
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        inboxes.push(port);
    }
    // 1,000 followers: ten accounts on each host, recorded as accepted followers.
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
                    centre.id,
                    row.id,
                    &format!("{}#follow", row.actor_id),
                    ACCEPTED,
                    now,
                )?;
            }
        }
        Ok(())
    })
    .await
    .unwrap();
    let started = Instant::now();
    a.post("/api/v1/recommendations", &recommendation(1)).await;
    let took = wait_until(Duration::from_secs(60), async || {
        received.load(Ordering::Relaxed) >= 100
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let deliveries = received.load(Ordering::Relaxed);
    line(
        "fan-out: 1 post to 1,000 followers on 100 hosts",
        took.map_or("not done in 60 s".into(), |t| {
            format!("{:.2}s, {deliveries} signed requests", t.as_secs_f64())
        }),
        "< 5 s, one signature per host",
        took.is_some_and(|t| t < Duration::from_secs(5)) && deliveries == 100,
    );
    let _ = started;
}

async fn backfill() {
    let a = node("loire", |_| {}).await;
    let b = node("bretagne", |s| s.federation.backfill_pages = 250).await;
    let (directory, _) = maillage::startup::open_directory(&a.settings)
        .await
        .unwrap();
    let setup = Instant::now();
    directory.import(&export_of(10_000), None).await.unwrap();
    let setup = setup.elapsed();
    let started = Instant::now();
    b.post(
        "/api/v1/follows",
        &json!({"target": format!("loire@localhost:{}", a.port)}),
    )
    .await;
    let took = wait_until(Duration::from_secs(120), async || {
        b.total("/api/v1/recommendations?per_page=1").await >= 10_000
    })
    .await;
    let got = b.total("/api/v1/recommendations?per_page=1").await;
    line(
        "backfill: follow a centre with 10,000 entries",
        took.map_or(format!("{got} after 120 s"), |t| {
            format!(
                "{:.1}s (setup {:.0}s)",
                t.as_secs_f64(),
                setup.as_secs_f64()
            )
        }),
        "< 30 s",
        took.is_some_and(|t| t < Duration::from_secs(30)),
    );
    let _ = started;
}

fn memory() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let binary = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/maillage");
    if !binary.exists() {
        line(
            "memory: idle node with the sample directory",
            "release binary not built".into(),
            "< 64 MiB",
            false,
        );
        return;
    }
    let mut child = std::process::Command::new(binary)
        .current_dir(dir.path())
        .env("MAILLAGE_BIND", format!("127.0.0.1:{port}"))
        .env("MAILLAGE_DOMAIN", format!("localhost:{port}"))
        .env("MAILLAGE_FEDERATION_INSECURE", "true")
        .env("MAILLAGE_LOG", "error")
        .args(["serve", "--demo"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(5));
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    child.kill().ok();
    child.wait().ok();
    let kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mib = kib as f64 / 1024.0;
    line(
        "memory: idle node with the sample directory",
        format!("{mib:.1} MiB resident"),
        "< 64 MiB",
        mib > 0.0 && mib < 64.0,
    );
}

fn main() {
    maillage::telemetry::init_with_default("error");
    println!(
        "Maillage federation benchmarks ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    // Build the release binary for the memory figure (cargo bench builds the library only).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(inbox_rate(false));
    runtime.block_on(inbox_rate(true));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(fan_out());
    runtime.block_on(backfill());
    memory();
}
