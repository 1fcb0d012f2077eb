//! Whole-directory backfill (issue 17): following a centre brings all of its entries, more than
//! the old bound of 40 pages of 50, with its progress visible to staff; a follower stopped in
//! the middle resumes at the page it had reached when it starts again. And a hostile outbox
//! whose pages lead back to one another does not keep the follower reading.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faulty::FaultyPeer;
use std::time::Duration;

use crate::helpers::{Backend, NodeSpec, TestNode, TestNodes, eventually_within};
use crate::network::eventually;
use crate::on_both_backends;

/// More than the old bound (40 pages of 50 = 2,000): 50 pages.
const ENTRIES: usize = 2_500;

/// An export of `n` published recommendations, imported into a node in one go (5,000 API
/// calls would take most of the test's time).
fn export_of(n: usize) -> String {
    let recs: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "kind": "recommendation",
                "id": format!("https://elsewhere.example/r/{i}"),
                "origin": "https://elsewhere.example/c", "origin_name": "Ailleurs",
                "local": true,
                "software": {"name": format!("Outil {i}"), "homepage": format!("https://outil-{i}.example"),
                             "slug": format!("outil-{i}")},
                "replaces": ["Slack"], "category": "team-chat",
                "summary": format!("Outil numéro {i}."),
                "language": "fr", "level": "recommended", "hosting": [], "audience": [],
                "status": "published", "updated": "2026-01-01T00:00:00Z"
            })
        })
        .collect();
    json!({"format": "maillage-export", "version": 1, "node": "https://elsewhere.example/",
           "exported_at": "2026-01-01T00:00:00Z", "centres": [], "software": [],
           "recommendations": recs, "contacts": []})
    .to_string()
}

async fn backfill_of(node: &TestNode, key: &str) -> Value {
    let res = node.get(&format!("/api/v1/follows/{key}/backfill")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.body["backfill"].clone()
}

/// Centre A (loire) holding `entries` recommendations, and B (bretagne) fetching
/// `pages_per_second` pages a second (slow enough to be caught mid-backfill), following A;
/// with the follow's key on B.
async fn slow_follower_of(
    backend: Backend,
    entries: usize,
    pages_per_second: u32,
) -> ([TestNode; 2], String) {
    let [a, b] = TestNodes::start(
        backend,
        [
            NodeSpec::centre("loire"),
            NodeSpec::centre("bretagne").with(move |s| {
                s.federation.fetch_per_second = pages_per_second;
                s.federation.fetch_burst = 1;
            }),
        ],
    )
    .await;
    let (directory, _) = maillage::startup::open_directory(&a.settings)
        .await
        .expect("open A's directory");
    let report = directory
        .import(&export_of(entries), None)
        .await
        .expect("import into A");
    assert_eq!(report.recommendations_created, entries);
    let res = b
        .post("/api/v1/follows", &json!({"target": a.handle()}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let key = res.body["id"].as_str().unwrap().to_owned();
    ([a, b], key)
}

/// B holds `entries` recommendations from A, each once.
async fn holds_all_of(b: &TestNode, a: &TestNode, entries: usize) {
    let origin = url::form_urlencoded::byte_serialize(crate::network::actor(a).as_bytes())
        .collect::<String>();
    let res = b
        .get(&format!(
            "/api/v1/recommendations?origin={origin}&per_page=1"
        ))
        .await;
    assert_eq!(res.body["total"], entries, "{}", res.text);
}

async fn whole_directory_resumed(backend: Backend) {
    // B fetches slowly (10 pages a second, 5 s for all) so that it can be stopped in the middle.
    let ([a, mut b], key) = slow_follower_of(backend, ENTRIES, 10).await;
    // Partway: some entries stored, the backfill still running.
    let partway = eventually("B's backfill partway", || async {
        let backfill = backfill_of(&b, &key).await;
        (backfill["state"] == "running" && backfill["items"].as_i64() >= Some(500))
            .then_some(backfill)
    })
    .await;
    // Stopped in the middle (the backfill task goes with the node), started again on the
    // same database.
    b.restart().await;
    let resumed = backfill_of(&b, &key).await;
    assert_eq!(
        resumed["started_at"], partway["started_at"],
        "resumed, not started again: {resumed}"
    );
    assert!(
        resumed["items"].as_i64() >= partway["items"].as_i64(),
        "{resumed} after {partway}"
    );
    // Debug builds on a loaded machine take their time over 2,500 entries.
    let done = eventually_within(Duration::from_secs(180), "B's backfill done", || async {
        let backfill = backfill_of(&b, &key).await;
        (backfill["state"] != "running").then_some(backfill)
    })
    .await;
    assert_eq!(done["state"], "done", "{done}");
    // Every entry once: a backfill started over would count the first pages twice.
    assert_eq!(done["items"], ENTRIES, "{done}");
    let pages = done["pages"].as_i64().unwrap();
    assert!(
        (50..=60).contains(&pages),
        "{pages} pages read for 50 (+ a few fetched ahead when stopped)"
    );
    holds_all_of(&b, &a, ENTRIES).await;
}
on_both_backends!(
    a_whole_directory_is_backfilled_and_resumed_after_a_restart,
    whole_directory_resumed
);

/// A Create of a recommendation by the peer, as its outbox lists it.
fn create(peer: &FaultyPeer, n: u32) -> Value {
    let (name, homepage) = (format!("Outil {n}"), format!("https://outil-{n}.example"));
    crate::backfill_styles::create(peer, n, &name, &homepage, "Dropbox")
}

async fn looping_outbox(backend: Backend) {
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    let peer = FaultyPeer::start().await;
    let outbox = format!("{}/outbox", peer.signer.actor);
    peer.serve_document(
        "/users/faulty/outbox",
        json!({"@context": "https://www.w3.org/ns/activitystreams",
               "type": "OrderedCollection", "id": outbox,
               "first": format!("{outbox}?page=1"), "last": format!("{outbox}?page=3")}),
    );
    // Page 1 leads to 2, 2 to 3, and 3 back to 2: an endless outbox.
    for (n, next) in [(1, 2), (2, 3), (3, 2)] {
        peer.serve_document(
            &format!("/users/faulty/outbox?page={n}"),
            json!({"@context": "https://www.w3.org/ns/activitystreams",
                   "type": "OrderedCollectionPage", "id": format!("{outbox}?page={n}"),
                   "next": format!("{outbox}?page={next}"),
                   "orderedItems": [create(&peer, n)]}),
        );
    }
    let follow = peer.followed_by(&b).await;
    let accept = json!({"type": "Accept", "id": peer.new_id("accepts"),
                        "actor": peer.signer.actor, "object": follow});
    let (status, text) = peer.send(&b, &accept).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let follows = b.get("/api/v1/follows").await.body;
    let key = follows["results"][0]["id"].as_str().unwrap().to_owned();
    let done = eventually("the backfill of the looping outbox ended", || async {
        let backfill = backfill_of(&b, &key).await;
        (backfill["state"] == "done").then_some(backfill)
    })
    .await;
    assert_eq!(done["items"], 3, "{done}");
    assert_eq!(done["pages"], 3, "each page read once: {done}");
}
on_both_backends!(an_outbox_whose_pages_loop_is_read_once, looping_outbox);

/// Two processes on one database (a replica started beside the node, or a node started again
/// while the old one is still finishing a write) both find the same backfill running and both
/// take it up: each entry is stored once, counted once, and the backfill ends `done`, whichever
/// of the two carries it on.
async fn backfill_run_twice(backend: Backend) {
    const N: usize = 1_000;
    // Slow (5 pages a second) so that the replica finds the backfill running.
    let ([a, b], key) = slow_follower_of(backend, N, 5).await;
    eventually("B's backfill under way", || async {
        let backfill = backfill_of(&b, &key).await;
        (backfill["state"] == "running" && backfill["pages"].as_i64() >= Some(1)).then_some(())
    })
    .await;
    // A second `maillage serve` on B's database, with the default fetch rate: it resumes the
    // running backfill at once, beside B's own run.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let _replica = crate::delivery::KillOnDrop(
        b.command()
            .env("MAILLAGE_BIND", format!("127.0.0.1:{port}"))
            .arg("serve")
            .spawn()
            .expect("start the replica"),
    );
    let done = eventually_within(Duration::from_secs(180), "B's backfill done", || async {
        let backfill = backfill_of(&b, &key).await;
        (backfill["state"] != "running").then_some(backfill)
    })
    .await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["items"], N, "each entry counted once: {done}");
    holds_all_of(&b, &a, N).await;
}
on_both_backends!(
    a_backfill_taken_up_by_two_processes_stores_each_entry_once,
    backfill_run_twice
);
