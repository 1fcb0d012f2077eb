//! Hostile peers: what a red-team battery found a node would accept, each refused now. A stub
//! peer of our own signs exactly what an attacker would send and records every request it
//! gets; a raw TCP listener on loopback stands in for the internal services an attacker would
//! aim deliveries at (only loopback is ever connected to, never another private range).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use base64::Engine as _;
use diesel::prelude::*;
use maillage::storage::centres::{CentreRow, NewCentreRow};
use maillage::storage::follows::{FollowState, FollowerRow};
use maillage::storage::ids::CentreId;
use reqwest::StatusCode;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Backend, NodeSpec, TestNode, TestNodes, listing, recommendation};
use crate::network::{actor, eventually, find, follow, public_search, staff_search};
use crate::on_both_backends;
use crate::peer::{Signer, Tamper, deliver};

type Log = Arc<Mutex<Vec<(String, String)>>>;

/// A fediverse server of the attacker's: one actor whose document the test shapes, answering
/// 202 to every POST, recording every request (method, path, body).
pub struct Peer {
    pub base: String,
    pub port: u16,
    pub signer: Signer,
    log: Log,
    /// Milliseconds the actor document takes to be served, from its second fetch on.
    slow_refetch_ms: Arc<AtomicU64>,
    _server: tokio::task::JoinHandle<()>,
}

impl Peer {
    /// `shape` edits the actor document (`maillage:directory`, endpoints, icon...).
    pub async fn spawn(shape: impl FnOnce(&mut Value, &str)) -> Self {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let base = format!("http://localhost:{port}");
        let id = format!("{base}/users/peer");
        let pem = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let mut doc = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": "Person", "id": id, "preferredUsername": "peer", "name": "Peer",
            "inbox": format!("{id}/inbox"),
            "endpoints": {"sharedInbox": format!("{base}/inbox")},
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
        });
        shape(&mut doc, &base);
        let log: Log = Arc::default();
        let slow = Arc::new(AtomicU64::new(0));
        let state = (doc, log.clone(), slow.clone());
        let app = Router::new()
            .fallback(
                |State((doc, log, slow)): State<(Value, Log, Arc<AtomicU64>)>,
                 req: Request| async move {
                    let line = format!("{} {}", req.method(), req.uri().path());
                    let body = axum::body::to_bytes(req.into_body(), 2 << 20)
                        .await
                        .unwrap_or_default();
                    let is_actor = line == "GET /users/peer";
                    let fetched_before = log
                        .lock()
                        .unwrap()
                        .iter()
                        .any(|(l, _)| l == "GET /users/peer");
                    log.lock()
                        .unwrap()
                        .push((line, String::from_utf8_lossy(&body).into_owned()));
                    if is_actor {
                        let delay = slow.load(Ordering::SeqCst);
                        if fetched_before && delay > 0 {
                            tokio::time::sleep(Duration::from_millis(delay)).await;
                        }
                        return (
                            [("content-type", "application/activity+json")],
                            axum::Json(doc),
                        )
                            .into_response();
                    }
                    StatusCode::ACCEPTED.into_response()
                },
            )
            .with_state(state);
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base,
            port,
            signer: Signer { actor: id, key },
            log,
            slow_refetch_ms: slow,
            _server: server,
        }
    }

    pub fn actor(&self) -> &str {
        &self.signer.actor
    }

    pub fn requests(&self) -> Vec<(String, String)> {
        self.log.lock().unwrap().clone()
    }

    pub fn actor_fetches(&self) -> usize {
        self.requests()
            .iter()
            .filter(|(l, _)| l == "GET /users/peer")
            .count()
    }

    /// Bodies of the POSTs it received.
    pub fn posts(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .filter(|(l, _)| l.starts_with("POST"))
            .filter_map(|(_, body)| serde_json::from_str(body).ok())
            .collect()
    }

    /// Follows `node`'s first centre and waits for its Accept; returns the Follow's id.
    pub async fn follow(&self, node: &TestNode) -> String {
        let id = format!("{}/follows/{}", self.base, uuid::Uuid::new_v4().simple());
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Follow", "id": id,
            "actor": self.actor(), "object": actor(node),
        });
        let (status, text) = deliver(
            &format!("{}/inbox", node.base),
            &follow,
            &self.signer,
            Tamper::default(),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{text}");
        eventually("the node's Accept at the peer", || async {
            self.posts()
                .iter()
                .any(|p| p["type"] == "Accept" && p["object"]["id"] == id.as_str())
                .then_some(())
        })
        .await;
        id
    }
}

/// A TCP listener on loopback that counts the connections made to it: the "internal service"
/// a hostile follower points our deliveries at. It never answers.
struct Target {
    port: u16,
    connections: Arc<AtomicU64>,
    _task: tokio::task::JoinHandle<()>,
}

impl Target {
    async fn spawn() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicU64::new(0));
        let count = connections.clone();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                held.push(stream);
            }
        });
        Self {
            port,
            connections,
            _task: task,
        }
    }

    fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }
}

/// POSTs `body` to `url` signed by `signer` over exactly `covered` (draft-cavage), with the
/// given `Date`; returns the status.
async fn post_covering(
    url: &str,
    body: &Value,
    signer: &Signer,
    covered: &[&str],
    date: String,
) -> StatusCode {
    let body = serde_json::to_vec(body).unwrap();
    let parsed = url::Url::parse(url).unwrap();
    let host = format!("{}:{}", parsed.host_str().unwrap(), parsed.port().unwrap());
    let digest = format!(
        "SHA-256={}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&body))
    );
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let line = |h: &str| match h {
        "(request-target)" => format!("(request-target): post {}", parsed.path()),
        "(created)" => format!("(created): {created}"),
        "host" => format!("host: {host}"),
        "date" => format!("date: {date}"),
        "digest" => format!("digest: {digest}"),
        "content-type" => "content-type: application/activity+json".to_owned(),
        other => panic!("{other}"),
    };
    let signing_string = covered
        .iter()
        .map(|h| line(h))
        .collect::<Vec<_>>()
        .join("\n");
    let signature = signer
        .key
        .sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(signing_string.as_bytes()),
        )
        .unwrap();
    let mut header = format!(
        "keyId=\"{}#main-key\",algorithm=\"hs2019\",headers=\"{}\",signature=\"{}\"",
        signer.actor,
        covered.join(" "),
        base64::engine::general_purpose::STANDARD.encode(signature)
    );
    if covered.contains(&"(created)") {
        header.push_str(&format!(",created={created}"));
    }
    reqwest::Client::new()
        .post(url)
        .header("host", host)
        .header("date", date)
        .header("digest", digest)
        .header("content-type", "application/activity+json")
        .header("signature", header)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

fn now_http() -> String {
    httpdate::fmt_http_date(std::time::SystemTime::now())
}

/// Staff of `node` trust `follower` (by actor id) with `network` cards.
pub async fn trust(node: &TestNode, follower_actor: &str) {
    let (_, followers) = listing(&node.get("/api/v1/followers").await.body);
    let key = followers
        .iter()
        .find(|f| f["actor"] == follower_actor)
        .unwrap_or_else(|| panic!("{follower_actor} follows {}: {followers:?}", node.base))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = node
        .post(&format!("/api/v1/followers/{key}/trust"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["trusted"], true);
}

/// Deliveries queued on `node` for `host` (an authority), whatever their state.
async fn deliveries_to(node: &TestNode, host: &str) -> Vec<(String, Option<String>)> {
    use maillage::storage::schema::deliveries;
    let db = maillage::startup::open_database(&node.settings)
        .await
        .unwrap();
    let host = host.to_owned();
    db.run(move |conn| {
        Ok(deliveries::table
            .filter(deliveries::host.eq(host))
            .select((deliveries::state, deliveries::last_error))
            .load(conn)?)
    })
    .await
    .unwrap()
}

const CONSENT: &str = "2026-05-20T10:00:00Z";

/// Issue item 1 (in part): A follower's shared inbox is used for our deliveries only when it is on the
/// follower's own host: one pointing at an IP literal elsewhere is ignored, and the Accept goes
/// to the actor's inbox.
async fn foreign_shared_inbox(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let target = Target::spawn().await;
    let port = target.port;
    let peer = Peer::spawn(|doc, _| {
        doc["endpoints"]["sharedInbox"] = json!(format!("http://127.0.0.1:{port}/inbox"));
    })
    .await;
    peer.follow(&a).await;
    assert!(
        peer.requests()
            .iter()
            .any(|(l, _)| l == "POST /users/peer/inbox"),
        "the Accept went to the actor's inbox: {:?}",
        peer.requests()
    );
    assert_eq!(target.connections(), 0, "nothing went to the shared inbox");
}
on_both_backends!(
    a_shared_inbox_on_another_host_is_ignored,
    foreign_shared_inbox
);

/// Issue item 1: In secure mode, deliveries never go to private, loopback or link-local addresses, nor
/// over plain http, whatever is stored as a follower's inbox (here written straight into the
/// database, as rows stored before this rule would be), and are not retried.
async fn secure_deliveries(backend: Backend) {
    let [s] = TestNodes::start(
        backend,
        [NodeSpec::centre("secure").with(|s| s.federation.insecure = false)],
    )
    .await;
    let target = Target::spawn().await;
    let p = target.port;
    let inboxes = [
        format!("http://127.0.0.1:{p}/inbox"),
        format!("https://127.0.0.1:{p}/inbox"),
        format!("https://localhost:{p}/inbox"),
        "http://peer.example/users/x/inbox".to_owned(),
    ];
    let db = maillage::startup::open_database(&s.settings).await.unwrap();
    for (i, inbox) in inboxes.iter().enumerate() {
        let inbox = inbox.clone();
        db.write(move |conn| {
            let now = maillage::storage::now();
            let actor = CentreRow::upsert_remote(
                conn,
                &NewCentreRow {
                    actor_id: format!("https://peer{i}.example/users/x"),
                    username: "x".into(),
                    domain: format!("peer{i}.example"),
                    name: "x".into(),
                    summary: None,
                    website: None,
                    region: None,
                    icon: None,
                    local: false,
                    public_key: "unused".into(),
                    private_key: None,
                    inbox_url: format!("https://peer{i}.example/users/x/inbox"),
                    shared_inbox_url: Some(inbox),
                    created_at: now,
                    updated_at: now,
                    actor_type: "Person".into(),
                    is_directory: false,
                    manually_approves: false,
                    outbox_url: None,
                    last_refreshed_at: Some(now),
                    header: None,
                    contact: None,
                },
            )?;
            let centre = CentreRow::list_local(conn)?.remove(0);
            FollowerRow::upsert(
                conn,
                &format!("k{i}"),
                CentreId(centre.id),
                CentreId(actor.id),
                &format!("https://peer{i}.example/follows/1"),
                FollowState::Accepted,
                now,
            )?;
            Ok(())
        })
        .await
        .unwrap();
    }
    s.create_recommendation(&recommendation(
        "Jitsi Meet",
        "https://jitsi.org",
        &["Zoom"],
        "videoconf",
    ))
    .await;
    let refused = eventually("the four deliveries refused", || async {
        let mut refused = Vec::new();
        for inbox in &inboxes {
            let host = maillage::domain::urls::authority(&url::Url::parse(inbox).unwrap());
            let rows = deliveries_to(&s, &host).await;
            if rows.iter().any(|(state, _)| state == "pending") || rows.is_empty() {
                return None;
            }
            refused.extend(rows);
        }
        Some(refused)
    })
    .await;
    for (state, error) in &refused {
        assert_eq!(state, "rejected", "{error:?}");
        let error = error.as_deref().unwrap_or_default();
        assert!(
            error.contains("private") || error.contains("https"),
            "{error}"
        );
    }
    assert_eq!(target.connections(), 0, "no connection to the target");
}
on_both_backends!(
    secure_mode_never_delivers_to_private_addresses,
    secure_deliveries
);

/// Issue item 2: Blocking a domain ends its follows and cancels what was queued for it: nothing more is
/// delivered to it, `network` cards included.
async fn blocked_gets_nothing(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    follow(&b, &a).await;
    trust(&a, &actor(&b)).await;
    let b_host = format!("localhost:{}", b.port);
    let res = a
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": b_host, "rule": "block"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let report = res.body;
    let before = deliveries_to(&a, &b_host).await.len();
    a.create_recommendation(&recommendation(
        "Kanboard",
        "https://kanboard.org",
        &["Trello"],
        "project",
    ))
    .await;
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Réseau", "visibility": "network", "consent": {"given_at": CONSENT}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    // Both changes and their deliveries are stored in one transaction each: nothing was
    // queued for B.
    assert_eq!(deliveries_to(&a, &b_host).await.len(), before);
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    assert!(followers.is_empty(), "{followers:?}");
    assert_eq!(report["removed_follows"], 1, "{report}");
}
on_both_backends!(
    a_blocked_domain_receives_no_deliveries,
    blocked_gets_nothing
);

/// Issue item 4: `localhost.:PORT` is `localhost:PORT`: a trailing dot does not get around a block, and
/// the blocked peer is not even fetched.
async fn trailing_dot(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = Peer::spawn(|_, _| {}).await;
    let res = a
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": format!("LOCALHOST:{}", peer.port), "rule": "block"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["domain"], format!("localhost:{}", peer.port));
    let dotted = format!("http://localhost.:{}/users/peer", peer.port);
    let follow = json!({"type": "Follow", "id": format!("http://localhost.:{}/follows/1", peer.port),
                        "actor": dotted, "object": actor(&a)});
    let signer = Signer {
        actor: dotted.clone(),
        key: peer.signer.key.clone(),
    };
    let (status, text) = deliver(
        &format!("{}/inbox", a.base),
        &follow,
        &signer,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(peer.requests().is_empty(), "{:?}", peer.requests());
    // Nor can staff follow it by that name.
    let res = a
        .post(
            "/api/v1/follows",
            &json!({"target": format!("http://localhost.:{}/users/peer", peer.port)}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert!(peer.requests().is_empty(), "{:?}", peer.requests());
}
on_both_backends!(a_trailing_dot_does_not_get_around_a_block, trailing_dot);

/// Issue item 3: A `network` card goes to a directory centre only once staff trust it; not to an actor
/// that merely claims to be a directory; and trust withdrawn has it deleted.
async fn network_cards(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Camille Réseau", "visibility": "network",
                    "consent": {"given_at": CONSENT}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let card = res.body["id"].as_str().unwrap().to_owned();
    let claimant = Peer::spawn(|doc, _| {
        doc["maillage:directory"] = json!({});
    })
    .await;
    claimant.follow(&a).await;
    // A public card created afterwards reaches it (so the cards' queue has been through).
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Dominique Public", "visibility": "public",
                    "consent": {"given_at": CONSENT}}),
        )
        .await;
    let public = res.body["id"].as_str().unwrap().to_owned();
    eventually("the public card at the claimant", || async {
        claimant
            .posts()
            .iter()
            .any(|p| p["object"]["id"] == public.as_str())
            .then_some(())
    })
    .await;
    let has_card = |peer: &Peer, kind: &str| {
        peer.posts().iter().any(|p| {
            p["type"] == kind
                && (p["object"]["id"] == card.as_str() || p["object"] == card.as_str())
        })
    };
    assert!(!has_card(&claimant, "Create"), "{:?}", claimant.posts());
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Réseau Deux", "visibility": "network",
                                            "consent": {"given_at": CONSENT}}),
        )
        .await;
    let second = res.body["id"].as_str().unwrap().to_owned();
    // Trusted by staff: the cards go, this one and the next.
    trust(&a, claimant.actor()).await;
    eventually("the network cards at the trusted peer", || async {
        let posts = claimant.posts();
        (has_card(&claimant, "Create")
            && posts.iter().any(|p| p["object"]["id"] == second.as_str()))
        .then_some(())
    })
    .await;
    // Trust withdrawn: it is asked to delete them.
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    let key = followers[0]["id"].as_str().unwrap().to_owned();
    let res = a
        .post(&format!("/api/v1/followers/{key}/distrust"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    eventually("the Delete of the card at the peer", || async {
        has_card(&claimant, "Delete").then_some(())
    })
    .await;
    // A follower that is not a directory centre cannot be trusted at all.
    let person = Peer::spawn(|_, _| {}).await;
    person.follow(&a).await;
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    let key = followers
        .iter()
        .find(|f| f["actor"] == person.actor())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = a
        .post(&format!("/api/v1/followers/{key}/trust"), &json!({}))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
}
on_both_backends!(
    network_cards_go_only_to_trusted_directory_centres,
    network_cards
);

/// Issue item 6: A signature must cover `(request-target)`, `host`, `date` (or `(created)`) and
/// `digest`: one that covers less is refused, whatever else is right.
async fn signature_coverage(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = Peer::spawn(|_, _| {}).await;
    let inbox = format!("{}/inbox", a.base);
    let follow = |n: &str| {
        json!({"type": "Follow", "id": format!("{}/follows/{n}", peer.base),
               "actor": peer.actor(), "object": actor(&a)})
    };
    for (n, covered) in [
        ["digest"].as_slice(),
        &["host", "date", "digest"],
        &["(request-target)", "date", "digest"],
        &["(request-target)", "host", "digest"],
        &["(request-target)", "host", "date"],
    ]
    .iter()
    .enumerate()
    {
        let status = post_covering(
            &inbox,
            &follow(&n.to_string()),
            &peer.signer,
            covered,
            now_http(),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{covered:?}");
    }
    assert!(
        peer.requests().is_empty(),
        "refused before fetching anyone: {:?}",
        peer.requests()
    );
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    assert!(followers.is_empty(), "{followers:?}");
    // What Mastodon and our own deliveries sign is accepted.
    for (n, covered) in [
        ["(request-target)", "host", "date", "digest", "content-type"].as_slice(),
        &["(request-target)", "(created)", "host", "digest"],
    ]
    .iter()
    .enumerate()
    {
        let status = post_covering(
            &inbox,
            &follow(&format!("ok{n}")),
            &peer.signer,
            covered,
            now_http(),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{covered:?}");
    }
}
on_both_backends!(
    signatures_must_cover_target_host_date_and_digest,
    signature_coverage
);

/// Issue item 11: A followed centre's Announce of another host's contact card brings nothing in: an
/// endorsement takes in recommendations only (fetched from their origin).
async fn announced_card(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    let [c] = TestNodes::start(backend, ["geneve"]).await;
    follow(&b, &a).await;
    let res = c
        .post(
            "/api/v1/contacts",
            &json!({"name": "Tiers Inconnu", "visibility": "public",
                    "consent": {"given_at": CONSENT}}),
        )
        .await;
    let card = res.body["id"].as_str().unwrap().to_owned();
    let rec = c
        .create_recommendation(&recommendation(
            "Mobilizon",
            "https://joinmobilizon.org",
            &["Facebook Events"],
            "events",
        ))
        .await;
    let rec_id = rec["id"].as_str().unwrap().to_owned();
    let signer = Signer::centre_of(&a).await;
    for (n, object) in [("card", &card), ("rec", &rec_id)] {
        let announce = json!({"type": "Announce", "id": format!("{}/activities/announce/{n}", a.base),
                              "actor": actor(&a), "object": object,
                              "to": ["https://www.w3.org/ns/activitystreams#Public"]});
        let (status, text) = deliver(
            &format!("{}/inbox", b.base),
            &announce,
            &signer,
            Tamper::default(),
        )
        .await;
        // The card is refused to the sender's face (fetched before answering): a 400 that its
        // queue does not retry.
        if n == "card" {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
            assert!(text.contains("not a recommendation"), "{text}");
        } else {
            assert_eq!(status, StatusCode::ACCEPTED, "{text}");
        }
    }
    eventually("the endorsed recommendation on B", || async {
        find(&public_search(&b, "q=mobilizon").await, &rec_id).cloned()
    })
    .await;
    assert!(
        find(&staff_search(&b, "kind=contact").await, &card).is_none(),
        "the card was stored"
    );
}
on_both_backends!(an_announce_does_not_bring_in_a_contact_card, announced_card);

/// Also seen: a blocked host is not contacted at all, not even fetched once to be refused
/// afterwards (the endorsement of one of its objects, here).
async fn blocked_not_fetched(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    let [c] = TestNodes::start(backend, ["geneve"]).await;
    follow(&b, &a).await;
    let peer = Peer::spawn(|_, _| {}).await;
    let res = b
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": format!("localhost:{}", peer.port), "rule": "block"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let rec = c
        .create_recommendation(&recommendation(
            "Framadate",
            "https://framadate.org",
            &["Doodle"],
            "scheduling",
        ))
        .await;
    let rec_id = rec["id"].as_str().unwrap().to_owned();
    let signer = Signer::centre_of(&a).await;
    let blocked_object = format!("{}/notes/1", peer.base);
    for (n, object) in [("blocked", &blocked_object), ("rec", &rec_id)] {
        let announce = json!({"type": "Announce", "id": format!("{}/activities/announce/{n}", a.base),
                              "actor": actor(&a), "object": object});
        let (status, text) = deliver(
            &format!("{}/inbox", b.base),
            &announce,
            &signer,
            Tamper::default(),
        )
        .await;
        if n == "blocked" {
            assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
            assert!(text.contains("the domain is blocked here"), "{text}");
        } else {
            assert_eq!(status, StatusCode::ACCEPTED, "{text}");
        }
    }
    eventually("the other endorsement on B", || async {
        find(&public_search(&b, "q=framadate").await, &rec_id).cloned()
    })
    .await;
    assert!(peer.requests().is_empty(), "{:?}", peer.requests());
}
on_both_backends!(a_blocked_host_is_never_fetched, blocked_not_fetched);

/// Issue item 12: Forged signatures in a known actor's name cost one refetch of its document, not one
/// each.
async fn refetch_limit(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = Peer::spawn(|_, _| {}).await;
    let follow_id = peer.follow(&a).await;
    let fetched = peer.actor_fetches();
    let forger = Signer {
        actor: peer.actor().to_owned(),
        key: RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap(),
    };
    for n in 0..20 {
        let undo = json!({"type": "Undo", "id": format!("{}/undo/{n}", peer.base), "actor": peer.actor(),
                          "object": {"type": "Follow", "id": follow_id, "actor": peer.actor(), "object": actor(&a)}});
        let (status, _) = deliver(
            &format!("{}/inbox", a.base),
            &undo,
            &forger,
            Tamper::default(),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert!(
        peer.actor_fetches() - fetched <= 1,
        "{} refetches",
        peer.actor_fetches() - fetched
    );
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    assert_eq!(followers.len(), 1, "still following");
}
on_both_backends!(forged_signatures_cost_one_refetch, refetch_limit);

/// Also seen: an activity id is recorded as received only once its signature is verified. A
/// forged copy, refused after a slow refetch of its actor, does not make the real activity,
/// delivered meanwhile, be dropped as a duplicate.
async fn forged_copy(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = Peer::spawn(|_, _| {}).await;
    let follow_id = peer.follow(&a).await;
    peer.slow_refetch_ms.store(3000, Ordering::SeqCst);
    let undo = json!({"type": "Undo", "id": format!("{}/undo/1", peer.base), "actor": peer.actor(),
                      "object": {"type": "Follow", "id": follow_id, "actor": peer.actor(), "object": actor(&a)}});
    let forger = Signer {
        actor: peer.actor().to_owned(),
        key: RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap(),
    };
    let inbox = format!("{}/inbox", a.base);
    let forged = {
        let (inbox, undo) = (inbox.clone(), undo.clone());
        tokio::spawn(async move { deliver(&inbox, &undo, &forger, Tamper::default()).await })
    };
    let fetched = peer.actor_fetches();
    eventually(
        "the node refetching the actor for the forged copy",
        || async { (peer.actor_fetches() > fetched).then_some(()) },
    )
    .await;
    let (status, text) = deliver(&inbox, &undo, &peer.signer, Tamper::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    assert_eq!(forged.await.unwrap().0, StatusCode::UNAUTHORIZED);
    eventually("the real Undo applied", || async {
        let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
        followers.is_empty().then_some(())
    })
    .await;
}
on_both_backends!(a_forged_copy_does_not_hide_the_real_activity, forged_copy);

/// Also seen: icons, headers and websites of remote actors are kept only when they are web
/// URLs (never `javascript:` or `data:`), since they are shown and re-published.
async fn remote_links(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = Peer::spawn(|doc, _| {
        doc["icon"] = json!({"type": "Image", "url": "javascript:alert(1)"});
        doc["image"] = json!({"type": "Image", "url": "data:text/html,<script>alert(1)</script>"});
        doc["maillage:directory"] = json!({"website": "javascript:alert(2)"});
    })
    .await;
    peer.follow(&a).await;
    let db = maillage::startup::open_database(&a.settings).await.unwrap();
    let id = peer.actor().to_owned();
    let row = db
        .run(move |conn| CentreRow::find_by_actor_id(conn, &id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.icon, row.header, row.website),
        (None, None, None),
        "only web URLs are kept"
    );
}
on_both_backends!(remote_links_are_web_urls_only, remote_links);

/// A per-host limit on the inboxes: past its burst, one host gets 429 with `Retry-After`;
/// another host is not affected.
async fn inbox_limit(backend: Backend) {
    let [a] = TestNodes::start(
        backend,
        [NodeSpec::default().with(|s| {
            s.federation.inbox_per_second = 1;
            s.federation.inbox_burst = 3;
        })],
    )
    .await;
    let (flooder, other) = (Peer::spawn(|_, _| {}).await, Peer::spawn(|_, _| {}).await);
    let like = |peer: &Peer, n: u32| {
        json!({"type": "Like", "id": format!("{}/likes/{n}", peer.base), "actor": peer.actor(),
               "object": actor(&a)})
    };
    let inbox = format!("{}/inbox", a.base);
    let mut statuses = Vec::new();
    let started = std::time::Instant::now();
    for n in 0..8 {
        let (status, _) = deliver(
            &inbox,
            &like(&flooder, n),
            &flooder.signer,
            Tamper::default(),
        )
        .await;
        statuses.push(status);
    }
    // The burst, and one more per second the sending took.
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    let allowed = 3 + usize::try_from(started.elapsed().as_secs()).unwrap();
    assert!(
        (3..=allowed).contains(&accepted),
        "{accepted} accepted: {statuses:?}"
    );
    assert!(
        statuses[..3].iter().all(|s| *s == StatusCode::ACCEPTED),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let (status, _) = deliver(&inbox, &like(&other, 0), &other.signer, Tamper::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
}
on_both_backends!(one_host_cannot_flood_the_inbox, inbox_limit);
