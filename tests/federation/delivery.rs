//! Delivery that loses nothing, tested with a follower whose inbox misbehaves on demand.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faulty::{FaultyPeer, Mode};
use crate::helpers::{ADMIN_TOKEN, Backend, TestNode, TestNodes, listing, recommendation};
use crate::network::eventually;
use crate::on_both_backends;

fn host(peer: &FaultyPeer) -> String {
    format!("localhost:{}", peer.port)
}

async fn host_status(node: &TestNode, peer: &FaultyPeer) -> Option<Value> {
    let status = node.get("/api/v1/delivery").await.body;
    status["hosts"]
        .as_array()?
        .iter()
        .find(|h| h["host"] == host(peer))
        .cloned()
}

async fn publish(node: &TestNode, n: usize) -> String {
    let rec = node
        .create_recommendation(&recommendation(
            &format!("Logiciel {n}"),
            &format!("https://logiciel-{n}.example"),
            &["Zoom"],
            "videoconf",
        ))
        .await;
    rec["id"].as_str().unwrap().to_owned()
}

async fn down_then_back(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let mut peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.go_down();
    let id = publish(&a, 1).await;
    eventually("a failed attempt recorded", || async {
        host_status(&a, &peer)
            .await
            .filter(|h| h["failures"].as_i64() >= Some(1) && h["pending"] == 1)
    })
    .await;
    // Metrics show it, behind the token by default.
    let res = a.client.get(a.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let metrics = a
        .client
        .get(a.url("/metrics"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(&format!(
            "maillage_delivery_queue_depth{{host=\"{}\"}} 1",
            host(&peer)
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("maillage_delivery_host_failures"),
        "{metrics}"
    );
    // Back up; the next activity it sends us revives it at once (no waiting for the backoff).
    peer.come_back().await;
    peer.say_hello(&a).await;
    eventually("the recommendation delivered after the outage", || async {
        peer.created().contains(&id).then_some(())
    })
    .await;
    let status = host_status(&a, &peer).await.unwrap();
    assert_eq!(status["pending"], 0);
    assert_eq!(status["failures"], 0);
}
on_both_backends!(a_peer_down_then_back_gets_everything, down_then_back);

async fn error_then_ok(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.set(Mode::Error500);
    let id = publish(&a, 1).await;
    eventually("a 500 recorded", || async {
        host_status(&a, &peer)
            .await
            .filter(|h| h["failures"].as_i64() >= Some(1))
    })
    .await;
    peer.set(Mode::Up);
    // An operator retries the host now (the API; `maillage queue retry` does the same).
    let res = a
        .post(
            &format!("/api/v1/delivery/{}/retry", host(&peer)),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    eventually("delivered after the retry", || async {
        peer.created().contains(&id).then_some(())
    })
    .await;
    assert_eq!(
        a.post("/api/v1/delivery/nowhere.example/retry", &json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // 429 with Retry-After: 1 is retried after a second, not after the backoff.
    peer.set(Mode::TooManyOnce);
    let started = Instant::now();
    let id = publish(&a, 2).await;
    eventually("delivered after Retry-After", || async {
        peer.created().contains(&id).then_some(())
    })
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}
on_both_backends!(errors_are_retried, error_then_ok);

async fn slow_peer(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let slow = FaultyPeer::start().await;
    let fast = FaultyPeer::start().await;
    slow.follow(&a).await;
    fast.follow(&a).await;
    slow.set(Mode::Slow(Duration::from_secs(8)));
    let started = Instant::now();
    let id = publish(&a, 1).await;
    eventually("the fast peer served", || async {
        fast.created().contains(&id).then_some(())
    })
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "the slow peer delayed the fast one: {:?}",
        started.elapsed()
    );
    assert!(!slow.created().contains(&id));
}
on_both_backends!(a_slow_peer_delays_nobody_else, slow_peer);

async fn gone(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.set(Mode::Gone);
    publish(&a, 1).await;
    eventually("the follower dropped after 410", || async {
        let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
        followers.is_empty().then_some(())
    })
    .await;
    publish(&a, 2).await;
    let status = host_status(&a, &peer).await.unwrap();
    assert_eq!(status["pending"], 0, "nothing more is queued for it");
    assert!(peer.created().is_empty());
}
on_both_backends!(an_inbox_that_is_gone_is_dropped, gone);

/// 1,000 activities queued while the peer is down all arrive once it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_after_an_outage_is_delivered() {
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let mut peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.go_down();
    let recommendations: Vec<Value> = (0..1000)
        .map(|i| {
            json!({"kind": "recommendation", "id": format!("https://elsewhere.example/r/{i}"),
                   "origin": "https://elsewhere.example/c", "origin_name": "Ailleurs", "local": true,
                   "software": {"slug": format!("outil-{i}"), "name": format!("Outil {i}"), "homepage": format!("https://outil-{i}.example")},
                   "replaces": ["Slack"], "category": "team-chat", "summary": format!("Outil numéro {i}."),
                   "language": "fr", "level": "recommended", "hosting": [], "audience": [], "status": "published",
                   "updated": "2026-01-01T00:00:00Z", "endorsed_by": []})
        })
        .collect();
    let export = json!({"format": "maillage-export", "version": 1, "node": "https://elsewhere.example/",
                        "exported_at": "2026-01-01T00:00:00Z", "centres": [], "software": [],
                        "recommendations": recommendations, "contacts": []});
    let (directory, _) = maillage::startup::open_directory(&a.settings)
        .await
        .unwrap();
    let report = directory.import(&export.to_string(), None).await.unwrap();
    assert_eq!(report.recommendations_created, 1000);
    eventually("a thousand deliveries waiting", || async {
        host_status(&a, &peer)
            .await
            .filter(|h| h["pending"] == 1000)
    })
    .await;
    peer.come_back().await;
    peer.say_hello(&a).await;
    let started = Instant::now();
    loop {
        let n = peer.created().len();
        if n >= 1000 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "{n} of 1000 delivered"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut ids = peer.created();
    assert_eq!(ids.len(), 1000, "each delivered once");
    ids.dedup();
    assert_eq!(ids.len(), 1000);
    assert_eq!(host_status(&a, &peer).await.unwrap()["pending"], 0);
}

/// SQLite busy: another connection holds the write lock for a moment; nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_sqlite_database_loses_nothing() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    let path = a.database_url.trim_start_matches("sqlite://").to_owned();
    let locker = tokio::task::spawn_blocking(move || {
        let mut conn = diesel::SqliteConnection::establish(&path).unwrap();
        conn.batch_execute("BEGIN IMMEDIATE").unwrap();
        std::thread::sleep(Duration::from_secs(3));
        conn.batch_execute("COMMIT").unwrap();
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(publish(&a, i).await);
    }
    locker.await.unwrap();
    eventually("all delivered", || async {
        let got = peer.created();
        ids.iter().all(|id| got.contains(id)).then_some(())
    })
    .await;
}

/// The real binary, killed with SIGKILL while deliveries are in flight, delivers the rest after
/// it restarts; a peer gets each activity once, except perhaps the one in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_delivery_delivers_the_rest() {
    let [mut a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    a.stop_server().await;
    let start = |a: &TestNode| {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_maillage"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("MAILLAGE_LOG", "error")
            .env("MAILLAGE_DOMAIN", &a.settings.domain)
            .env("MAILLAGE_BIND", &a.settings.bind)
            .env("MAILLAGE_DATA_DIR", &a.settings.data_dir)
            .env("MAILLAGE_DATABASE_URL", &a.database_url)
            .env("MAILLAGE_CENTRE_USERNAME", &a.settings.centre.username)
            .env("MAILLAGE_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("MAILLAGE_FEDERATION_INSECURE", "true")
            .arg("serve")
            .spawn()
            .unwrap();
        KillOnDrop(child)
    };
    let up = |a: &TestNode| {
        let client = a.client.clone();
        let url = a.url("/healthz");
        async move {
            eventually("the binary up", || async {
                client
                    .get(&url)
                    .send()
                    .await
                    .ok()
                    .filter(|r| r.status().is_success())
                    .map(|_| ())
            })
            .await;
        }
    };
    let binary = start(&a);
    up(&a).await;
    peer.set(Mode::Slow(Duration::from_millis(400)));
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(publish(&a, i).await);
    }
    eventually("some delivered", || async {
        (peer.created().len() >= 2).then_some(())
    })
    .await;
    drop(binary); // SIGKILL
    let before = peer.created().len();
    assert!(
        before < 10,
        "all were delivered before the kill; nothing tested"
    );
    peer.set(Mode::Up);
    let _binary = start(&a);
    up(&a).await;
    eventually("the rest delivered after the restart", || async {
        let got = peer.created();
        ids.iter().all(|id| got.contains(id)).then_some(())
    })
    .await;
    let got = peer.created();
    assert!(
        got.len() <= 11,
        "sent again beyond the one in flight: {} deliveries for 10",
        got.len()
    );
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Two node processes on one PostgreSQL database share the deliveries: each activity reaches
/// the peer once, in order, whichever process sent it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_postgres_share_the_work() {
    if Backend::Postgres.missing() {
        return;
    }
    let [a] = TestNodes::start(Backend::Postgres, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    // A second process of the same node: same settings and database, its own listener.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let replica =
        maillage::startup::Application::build_with_listener(a.settings.clone(), listener, false)
            .await
            .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let replica = tokio::spawn(replica.run_until(async {
        let _ = stopped.await;
    }));
    peer.set(Mode::Slow(Duration::from_millis(50)));
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(publish(&a, i).await);
    }
    eventually("all delivered", || async {
        let got = peer.created();
        ids.iter().all(|id| got.contains(id)).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = peer.created();
    assert_eq!(got.len(), 30, "each delivered once");
    assert_eq!(got, ids, "in the order they were made");
    let _ = stop.send(());
    replica.await.unwrap().unwrap();
}
