//! Delivery that loses nothing, tested with a follower whose inbox misbehaves on demand.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faulty::{FaultyPeer, Mode, delivery_states, publish};
use crate::helpers::{ADMIN_TOKEN, Backend, TestNode, TestNodes, listing};
use crate::network::eventually;
use crate::on_both_backends;

async fn down_then_back(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let mut peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.go_down();
    let id = publish(&a, 1).await;
    eventually("a failed attempt recorded", || async {
        peer.queue_row(&a)
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
            peer.host()
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
    // The peer records before it answers: the node marks the delivery done just after.
    eventually("the host healthy again, nothing pending", || async {
        peer.queue_row(&a)
            .await
            .filter(|h| h["pending"] == 0 && h["failures"] == 0)
    })
    .await;
}
on_both_backends!(a_peer_down_then_back_gets_everything, down_then_back);

async fn error_then_ok(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.set(Mode::Error500);
    let id = publish(&a, 1).await;
    eventually("a 500 recorded", || async {
        peer.queue_row(&a)
            .await
            .filter(|h| h["failures"].as_i64() >= Some(1))
    })
    .await;
    peer.set(Mode::Up);
    // An operator retries the host now (the API; `maillage queue retry` does the same).
    let res = a
        .post(
            &format!("/api/v1/delivery/{}/retry", peer.host()),
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
}
on_both_backends!(errors_are_retried, error_then_ok);

/// 429 with `Retry-After: 1` is retried after a second, not after the backoff (48 s at the
/// least): measured on the node's own clock, from the failure it recorded to the success.
async fn retry_after(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.set(Mode::TooManyOnce);
    let id = publish(&a, 1).await;
    eventually("delivered after Retry-After", || async {
        peer.created().contains(&id).then_some(())
    })
    .await;
    let status = eventually("the success recorded", || async {
        peer.queue_row(&a)
            .await
            .filter(|h| h["last_success"].is_string())
    })
    .await;
    let time = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(status[field].as_str().unwrap())
            .unwrap_or_else(|e| panic!("{field}: {e}"))
    };
    let waited = time("last_success") - time("last_failure");
    assert!(
        waited < chrono::TimeDelta::seconds(30),
        "retried {waited} after the 429, not after Retry-After: {status}"
    );
    assert_eq!(
        peer.arrived()
            .iter()
            .filter(|a| a["type"] == "Create")
            .count(),
        2
    );
}
on_both_backends!(retry_after_is_obeyed, retry_after);

/// A peer that holds its requests does not delay another: while the slow peer still holds the
/// first delivery, the fast one gets the second.
async fn slow_peer(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let slow = FaultyPeer::start().await;
    let fast = FaultyPeer::start().await;
    slow.follow(&a).await;
    fast.follow(&a).await;
    slow.set(Mode::Hold);
    let first = publish(&a, 1).await;
    eventually("the first delivery held by the slow peer", || async {
        slow.created_arrived().contains(&first).then_some(())
    })
    .await;
    let second = publish(&a, 2).await;
    eventually("the fast peer served while the slow one holds", || async {
        fast.created().contains(&second).then_some(())
    })
    .await;
    // ...and the node has not given up on the held request meanwhile (its client would after
    // 10 s, recording a failure): the fast peer did not wait for that either.
    let held = slow.queue_row(&a).await.unwrap();
    assert_eq!(held["failures"], 0, "{held}");
    assert!(
        slow.created().is_empty(),
        "the slow peer answered nothing yet"
    );
    slow.set(Mode::Up);
    // The held request may have timed out meanwhile on a loaded machine: try the host now.
    a.post(
        &format!("/api/v1/delivery/{}/retry", slow.host()),
        &json!({}),
    )
    .await;
    eventually("the slow peer served in the end, in order", || async {
        let got = slow.created();
        (got.iter()
            .filter(|id| **id == first || **id == second)
            .count()
            >= 2)
            .then_some(got)
    })
    .await;
    assert_eq!(fast.created(), vec![first, second]);
}
on_both_backends!(a_slow_peer_delays_nobody_else, slow_peer);

async fn gone(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    peer.set(Mode::Gone);
    let first = publish(&a, 1).await;
    eventually("the follower dropped after 410", || async {
        let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
        followers.is_empty().then_some(())
    })
    .await;
    let before = delivery_states(&a).await;
    assert_eq!(before.get("gone"), Some(&1), "{before:?}");
    // Deliveries are queued in the transaction that publishes: none is made for the peer.
    publish(&a, 2).await;
    assert_eq!(
        delivery_states(&a).await,
        before,
        "nothing more is queued for it"
    );
    assert_eq!(peer.queue_row(&a).await.unwrap()["pending"], 0);
    assert_eq!(
        peer.created_arrived(),
        vec![first],
        "one attempt, then nothing"
    );
}
on_both_backends!(an_inbox_that_is_gone_is_dropped, gone);

/// 1,000 activities queued while the peer is down all arrive once it is back, each once.
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
    // What was sent: the ids of the node's 1,000 recommendations.
    let mut sent = Vec::new();
    for page in 1..=5 {
        let (total, results) = listing(
            &a.get(&format!("/api/v1/recommendations?per_page=200&page={page}"))
                .await
                .body,
        );
        assert_eq!(total, 1000);
        sent.extend(results.iter().map(|r| r["id"].as_str().unwrap().to_owned()));
    }
    sent.sort();
    eventually("a thousand deliveries waiting", || async {
        peer.queue_row(&a).await.filter(|h| h["pending"] == 1000)
    })
    .await;
    peer.come_back().await;
    peer.say_hello(&a).await;
    eventually("the queue for the peer empty", || async {
        peer.queue_row(&a).await.filter(|h| h["pending"] == 0)
    })
    .await;
    // Nothing is pending any more, so nothing more will come: compare what arrived, sorted,
    // with what was sent (a loss and a duplicate would not cancel out here).
    let mut received = peer.created();
    received.sort();
    assert_eq!(received.len(), 1000, "each delivered once");
    assert!(received == sent, "the ids received are the ids sent");
}

/// SQLite busy: another connection holds the write lock; publishing waits for it (busy
/// timeout) instead of failing, and nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_sqlite_database_loses_nothing() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    let path = a.database_url.trim_start_matches("sqlite://").to_owned();
    let (locked, is_locked) = tokio::sync::oneshot::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let locker = tokio::task::spawn_blocking(move || {
        let mut conn = diesel::SqliteConnection::establish(&path).unwrap();
        // The node may be writing at this moment: wait for it rather than fail.
        conn.batch_execute("PRAGMA busy_timeout = 30000; BEGIN IMMEDIATE")
            .unwrap();
        locked.send(()).unwrap();
        released.recv().unwrap();
        conn.batch_execute("COMMIT").unwrap();
    });
    is_locked.await.unwrap();
    let publishing = async {
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(publish(&a, i).await);
        }
        ids
    };
    tokio::pin!(publishing);
    // While the lock is held the first publication cannot be stored: it must still be waiting
    // (a slow machine only makes it wait longer), neither answered nor failed.
    let waiting = tokio::time::timeout(Duration::from_millis(500), &mut publishing).await;
    assert!(
        waiting.is_err(),
        "published while the database was locked: {waiting:?}"
    );
    release.send(()).unwrap();
    let ids = publishing.await;
    locker.await.unwrap();
    eventually("all delivered", || async {
        let got = peer.created();
        ids.iter().all(|id| got.contains(id)).then_some(())
    })
    .await;
}

/// The real binary, killed with SIGKILL while a delivery is in flight, delivers the rest after
/// it restarts; a peer gets each activity once, except perhaps the one in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_delivery_delivers_the_rest() {
    let [mut a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    a.stop_server().await;
    let start = |a: &TestNode| {
        let child = a
            .command()
            .env("MAILLAGE_BIND", &a.settings.bind)
            .env("MAILLAGE_ADMIN_TOKEN", ADMIN_TOKEN)
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
    peer.set(Mode::Hold);
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(publish(&a, i).await);
    }
    eventually("the first delivery in flight", || async {
        (!peer.created_arrived().is_empty()).then_some(())
    })
    .await;
    drop(binary); // SIGKILL, the first delivery unanswered
    assert_eq!(
        peer.created_arrived().len(),
        1,
        "one delivery at a time per host"
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

pub(crate) struct KillOnDrop(pub(crate) std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Shared inboxes on many hosts that record what arrives and hold every request until
/// released.
struct HeldInboxes {
    ports: Vec<u16>,
    /// `(port, activity)` of every request, in the order they arrived.
    arrived: std::sync::Arc<std::sync::Mutex<Vec<(u16, Value)>>>,
    release: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl HeldInboxes {
    async fn start(hosts: usize) -> Self {
        let arrived = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let release = std::sync::Arc::new(tokio::sync::watch::Sender::new(false));
        let mut ports = Vec::new();
        for _ in 0..hosts {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let (arrived, release) = (arrived.clone(), release.clone());
            let app = axum::Router::new().route(
                "/inbox",
                axum::routing::post(move |axum::Json(activity): axum::Json<Value>| async move {
                    arrived.lock().unwrap().push((port, activity));
                    let _ = release.subscribe().wait_for(|open| *open).await;
                    StatusCode::ACCEPTED
                }),
            );
            tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            ports.push(port);
        }
        Self {
            ports,
            arrived,
            release,
        }
    }

    fn arrived(&self) -> Vec<(u16, Value)> {
        self.arrived.lock().unwrap().clone()
    }
}

/// Two node processes on one PostgreSQL database share the deliveries: each leases at most
/// 64 hosts at a time, so with 70 hosts holding their first request, the last 6 can only have
/// been leased, and delivered to, by the second process. Each activity then reaches each host
/// once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_postgres_share_the_work() {
    use maillage::storage::centres::{CentreRow, NewCentreRow};
    use maillage::storage::follows::{FollowState, FollowerRow};
    use maillage::storage::ids::CentreId;
    const HOSTS: usize = 70;
    if Backend::Postgres.missing() {
        return;
    }
    let [a] = TestNodes::start(Backend::Postgres, ["loire"]).await;
    let inboxes = HeldInboxes::start(HOSTS).await;
    // One follower on each host, recorded as accepted (as the federation benchmark does).
    let db = maillage::startup::open_database(&a.settings).await.unwrap();
    let ports = inboxes.ports.clone();
    db.write(move |conn| {
        let centre = CentreRow::find_local(conn, "loire")?.unwrap();
        let now = maillage::storage::now();
        for port in ports {
            let actor = NewCentreRow {
                actor_id: format!("http://localhost:{port}/users/u"),
                username: "u".into(),
                domain: format!("localhost:{port}"),
                name: format!("Follower {port}"),
                summary: None,
                website: None,
                region: None,
                icon: None,
                local: false,
                public_key: centre.public_key.clone(),
                private_key: None,
                inbox_url: format!("http://localhost:{port}/users/u/inbox"),
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
                &format!("f{port}"),
                CentreId(centre.id),
                CentreId(row.id),
                &format!("{}#follow", row.actor_id),
                FollowState::Accepted,
                now,
            )?;
        }
        Ok(())
    })
    .await
    .unwrap();
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
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(publish(&a, i).await);
    }
    eventually("every host holding its first delivery", || async {
        (inboxes.arrived().len() == HOSTS).then_some(())
    })
    .await;
    let owners: Vec<String> = {
        use diesel::{Connection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Owner {
            #[diesel(sql_type = diesel::sql_types::Text)]
            lease_owner: String,
        }
        let mut conn = diesel::PgConnection::establish(&a.database_url).unwrap();
        diesel::sql_query(
            "SELECT DISTINCT lease_owner FROM delivery_hosts WHERE lease_owner IS NOT NULL",
        )
        .load::<Owner>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|o| o.lease_owner)
        .collect()
    };
    assert_eq!(owners.len(), 2, "both processes hold leases: {owners:?}");
    inboxes.release.send_replace(true);
    eventually("every activity at every host", || async {
        (inboxes.arrived().len() >= HOSTS * ids.len()).then_some(())
    })
    .await;
    eventually("the queue empty", || async {
        let status = a.get("/api/v1/delivery").await.body;
        status["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["pending"] == 0)
            .then_some(())
    })
    .await;
    let arrived = inboxes.arrived();
    for port in &inboxes.ports {
        let got: Vec<&str> = arrived
            .iter()
            .filter(|(p, _)| p == port)
            .map(|(_, activity)| activity["object"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            got, ids,
            "host {port}: each once, in the order they were made"
        );
    }
    let _ = stop.send(());
    replica.await.unwrap().unwrap();
}
