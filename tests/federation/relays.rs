//! Relays, against a real one: ActivityRelay (`activityrelay` from the Python registry, the
//! LitePub relay Mastodon and Pleroma subscribe to), installed and pointed at by
//! `.ci/with-relay` (`MAILLAGE_TEST_RELAY`), started by each case.
//!
//! The relay speaks https only: it mints `https://{domain}/actor` ids and fetches a
//! subscriber's NodeInfo at `https://{domain}/.well-known/nodeinfo`, whatever the scheme of the
//! subscriber's ids. So it cannot federate with nodes on `http://localhost:<port>`: the cases
//! run the nodes in production mode (`NodeSpec::production()`, https ids behind TLS
//! terminators on `nN.maillage.test`) and put the relay behind a terminator of its own, on a
//! name of the same pool; the relay trusts the test CA through `SSL_CERT_FILE` (read by
//! Python's `ssl` for its default context), as the nodes do through
//! `federation.extra_root_certificates`.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::production::{self, Terminator};
use crate::helpers::{Backend, NodeSpec, TestNode, TestNodes, key, listing, production_missing};
use crate::network::{actor, eventually, find, public_search};
use crate::on_both_backends;
use crate::peer::{Tamper, deliver};

/// A running relay, stopped when dropped (its log printed if the case failed).
struct Relay {
    child: Child,
    dir: tempfile::TempDir,
    /// `nN.maillage.test`.
    name: String,
    client: reqwest::Client,
    _terminator: Terminator,
}

impl Relay {
    /// The relay program, or `None` (the case skipped, and failing on CI) without it.
    fn program() -> Option<String> {
        match std::env::var("MAILLAGE_TEST_RELAY") {
            Ok(program) if Path::new(&program).exists() => Some(program),
            _ => {
                crate::helpers::skip(
                    "needs ActivityRelay: run .ci/with-relay cargo test (MAILLAGE_TEST_RELAY)",
                );
                None
            }
        }
    }

    async fn start(program: &str) -> Self {
        let mut terminator = Terminator::claim().await;
        let name = terminator.name();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("relay.yaml");
        std::fs::write(
            &config,
            format!(
                "listen: 127.0.0.1\nport: {port}\ndomain: {name}\nworkers: 1\n\
                 database_type: sqlite\ncache_type: database\nsqlite_path: relay.sqlite3\n"
            ),
        )
        .unwrap();
        let ca = dir.path().join("test-ca.pem");
        std::fs::write(&ca, production::ca_pem()).unwrap();
        // `setup -s` takes the configuration as written and creates the database (its last
        // question, whether to run now, gets no answer and is left).
        let run = |args: &[&str]| {
            Command::new(program)
                .arg("-c")
                .arg(&config)
                .args(args)
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .output()
                .expect("the relay program runs")
        };
        let setup = run(&["setup", "-s"]);
        assert!(
            dir.path().join("relay.sqlite3").exists(),
            "the relay's setup: {}{}",
            String::from_utf8_lossy(&setup.stdout),
            String::from_utf8_lossy(&setup.stderr)
        );
        let level = run(&["config", "set", "log-level", "verbose"]);
        assert!(level.status.success(), "{level:?}");
        let log = std::fs::File::create(dir.path().join("relay.log")).unwrap();
        // In a process group of its own: the relay runs its deliveries in worker processes,
        // which must stop with it (see `Drop`).
        let child = Command::new(program)
            .process_group(0)
            .arg("-c")
            .arg(&config)
            .arg("run")
            .current_dir(dir.path())
            .env("SSL_CERT_FILE", &ca)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the relay starts");
        terminator.forward_to(port);
        let relay = Self {
            child,
            dir,
            name,
            client: production::client_builder().build().unwrap(),
            _terminator: terminator,
        };
        eventually("the relay answering", || async {
            let res = relay.client.get(relay.url("/actor")).send().await.ok()?;
            (res.status() == StatusCode::OK).then_some(())
        })
        .await;
        relay
    }

    fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.name)
    }

    /// The actors the relay lists as subscribed (its followers collection).
    async fn subscribers(&self) -> Vec<String> {
        let body: Value = self
            .client
            .get(self.url("/followers"))
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a.as_str().map(String::from))
            .collect()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // The whole group: the relay and its delivery workers, which outlive a killed parent.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log =
                std::fs::read_to_string(self.dir.path().join("relay.log")).unwrap_or_default();
            eprintln!("--- the relay's log ---\n{log}");
        }
    }
}

/// A production node that may reach the relay's name.
fn spec(name: &str, relay: &str) -> NodeSpec {
    let relay = relay.to_owned();
    NodeSpec::centre(name)
        .production()
        .with(move |s| s.federation.allowed_private_hosts.push(relay))
}

/// Subscribes `node` to the relay through the API, as staff do, and waits for the relay's
/// Accept.
async fn subscribe(node: &TestNode, relay: &Relay) -> String {
    let res = node
        .post("/api/v1/relays", &json!({"url": relay.url("/inbox")}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["actor"], relay.url("/actor"));
    assert_eq!(res.body["inbox"], relay.url("/inbox"));
    let key = res.body["id"].as_str().unwrap().to_owned();
    eventually("the relay's Accept", || async {
        let (_, relays) = listing(&node.get("/api/v1/relays").await.body);
        relays
            .iter()
            .any(|r| r["id"] == key.as_str() && r["state"] == "accepted")
            .then_some(())
    })
    .await;
    key
}

/// Two centres that do not follow each other both subscribe to the relay: a recommendation
/// published by one reaches the other through the relay (a Create to the relay, its Announce
/// to the other, which fetches the entry from its origin), with its origin as author. An
/// unsubscribed node leaves the relay's list.
async fn relayed_entry(backend: Backend) {
    let Some(program) = Relay::program() else {
        return;
    };
    if production_missing().await {
        return;
    }
    let relay = Relay::start(&program).await;
    let [a, b] = TestNodes::start(
        backend,
        [spec("loire", &relay.name), spec("bretagne", &relay.name)],
    )
    .await;
    subscribe(&a, &relay).await;
    let key_b = subscribe(&b, &relay).await;
    // The relay takes the node's instance actor (an Application) as its subscriber.
    let subscribers = relay.subscribers().await;
    for node in [&a, &b] {
        assert!(
            subscribers.contains(&format!("{}/actor", node.base)),
            "{subscribers:?}"
        );
    }

    let created = a
        .create_recommendation(&crate::helpers::recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let copy = eventually("the relayed recommendation on B", || async {
        find(&public_search(&b, "q=zoom").await, &id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    assert_eq!(copy["local"], false);
    assert_eq!(copy["summary"], created["summary"]);
    // B follows nobody: the entry came through the relay alone.
    let (total, _) = listing(&b.get("/api/v1/follows").await.body);
    assert_eq!(total, 0);

    // Unsubscribing sends the relay an Undo: B leaves its list.
    let res = b.delete(&format!("/api/v1/relays/{key_b}")).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let (total, _) = listing(&b.get("/api/v1/relays").await.body);
    assert_eq!(total, 0);
    eventually("B off the relay's list", || async {
        let subscribers = relay.subscribers().await;
        (!subscribers.contains(&format!("{}/actor", b.base))
            && subscribers.contains(&format!("{}/actor", a.base)))
        .then_some(())
    })
    .await;
}
on_both_backends!(
    a_recommendation_reaches_a_subscriber_through_a_real_relay,
    relayed_entry
);

/// A relayed copy gets its edits and its deletion: A sends the relay the Update and the
/// Delete of its public recommendation (as Mastodon sends its relays a public post's), the
/// relay forwards them to B signed with its own key, and B, which follows nobody, refetches
/// the entry from A: the copy takes the edit, then goes.
async fn relayed_edits(backend: Backend) {
    let Some(program) = Relay::program() else {
        return;
    };
    if production_missing().await {
        return;
    }
    let relay = Relay::start(&program).await;
    let [a, b] = TestNodes::start(
        backend,
        [spec("loire", &relay.name), spec("bretagne", &relay.name)],
    )
    .await;
    subscribe(&a, &relay).await;
    subscribe(&b, &relay).await;
    let created = a
        .create_recommendation(&crate::helpers::recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    eventually("the relayed recommendation on B", || async {
        find(&public_search(&b, "q=zoom").await, &id).cloned()
    })
    .await;

    let path = format!("/api/v1/recommendations/{}", key(&created["id"]));
    let res = a
        .patch(&path, &json!({"summary": "Visio sans compte."}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let copy = eventually("the edit on B, through the relay", || async {
        find(&public_search(&b, "q=zoom").await, &id)
            .filter(|r| r["summary"] == "Visio sans compte.")
            .cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    let (total, _) = listing(&b.get("/api/v1/follows").await.body);
    assert_eq!(
        total, 0,
        "B follows nobody: the edit came through the relay"
    );

    let res = a.delete(&path).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    eventually("the deletion on B, through the relay", || async {
        find(&public_search(&b, "q=zoom").await, &id)
            .is_none()
            .then_some(())
    })
    .await;
}
on_both_backends!(
    a_relayed_copy_gets_its_edit_and_deletion_through_a_real_relay,
    relayed_edits
);

/// What staff give is checked: not a URL, or an actor of this very node.
async fn bad_relay_urls(backend: Backend) {
    let node = TestNodes::one(backend).await;
    for url in ["relay.example", &format!("{}/actor", node.base)] {
        let res = node.post("/api/v1/relays", &json!({"url": url})).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{url}: {}",
            res.text
        );
        assert_eq!(res.error_field(), Some("url"), "{url}: {}", res.text);
    }
    let (total, _) = listing(&node.get("/api/v1/relays").await.body);
    assert_eq!(total, 0);
}
on_both_backends!(a_relay_url_is_checked, bad_relay_urls);

/// An actor of another software (no `maillage:directory`) serving one `Note`: what a relay
/// may announce besides directory entries.
struct Author {
    base: String,
    _server: tokio::task::JoinHandle<()>,
}

impl Author {
    /// Serves `note` (its `id` and `attributedTo` set here) at `/notes/1`.
    async fn spawn(mut note: Value) -> Self {
        use rsa::pkcs8::{EncodePublicKey, LineEnding};
        let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let pem = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
        let id = format!("{base}/users/author");
        let actor = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": "Person", "id": id, "preferredUsername": "author",
            "inbox": format!("{id}/inbox"),
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
        });
        note["id"] = json!(format!("{base}/notes/1"));
        note["attributedTo"] = json!(id);
        let json = |doc: Value| async move {
            (
                [("content-type", "application/activity+json")],
                axum::Json(doc),
            )
        };
        let app = axum::Router::new()
            .route("/users/author", axum::routing::get(move || json(actor)))
            .route("/notes/1", axum::routing::get(move || json(note)));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base,
            _server: server,
        }
    }

    fn note(&self) -> String {
        format!("{}/notes/1", self.base)
    }
}

/// The relay's documented messages (ActivityRelay's `Accept` and `Announce`, as its source
/// builds them), sent by a stand-in relay that signs them: the subscription's Follow is the
/// instance actor's, of Public; the Accept is taken; an announced recommendation of a directory
/// centre is stored with its origin, one of an actor that is not a directory centre is not.
async fn relay_messages(backend: Backend) {
    let [a, c] = TestNodes::start(backend, ["loire", "geneve"]).await;
    let relay = crate::hostile::Peer::spawn(|doc, _| doc["type"] = json!("Application")).await;
    let res = a
        .post("/api/v1/relays", &json!({"url": relay.actor()}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["state"], "pending");
    let instance = format!("{}/actor", a.base);
    let follow = relay
        .posts()
        .into_iter()
        .find(|p| p["type"] == "Follow")
        .expect("the Follow, sent at once");
    assert_eq!(follow["actor"], instance);
    assert_eq!(
        follow["object"],
        "https://www.w3.org/ns/activitystreams#Public"
    );

    let signed = |activity: Value| {
        let (inbox, signer) = (format!("{}/inbox", a.base), relay.signer.clone());
        async move {
            let (status, text) = deliver(&inbox, &activity, &signer, Tamper::default()).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{text}");
        }
    };
    signed(json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Accept", "id": format!("{}/activities/accept", relay.base),
        "to": [instance], "actor": relay.actor(),
        "object": {"id": follow["id"], "type": "Follow", "object": relay.actor(), "actor": instance},
    }))
    .await;
    let (_, relays) = listing(&a.get("/api/v1/relays").await.body);
    assert_eq!(relays[0]["state"], "accepted");

    let created = c
        .create_recommendation(&crate::helpers::recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    // The same recommendation, by an actor that is no directory centre.
    let author = Author::spawn(crate::network::note_of(&c, &id).await).await;
    let announce = |n: u32, object: &str| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Announce", "id": format!("{}/activities/announce/{n}", relay.base),
            "to": [format!("{}/followers", relay.base)], "actor": relay.actor(),
            "object": object,
        })
    };
    // In this order: the search index follows the database in order, so once the second is
    // found the first would have been too.
    signed(announce(1, &author.note())).await;
    signed(announce(2, &id)).await;
    let copy = eventually("the relayed recommendation on A", || async {
        find(&public_search(&a, "q=zoom").await, &id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&c));
    let found = public_search(&a, "q=zoom").await;
    assert!(find(&found, &author.note()).is_none(), "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
}
on_both_backends!(
    a_relay_brings_in_directory_centres_entries_only,
    relay_messages
);

/// The administrators' page for relays and moving: subscribe and unsubscribe, the centre's
/// former accounts, a move its target does not confirm; refusals shown at their field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relays_and_moving_page() {
    use crate::site::{Visitor, create_admin};
    const PASSWORD: &str = "un mot de passe assez long";
    let node = TestNodes::one(Backend::Sqlite).await;
    let relay = crate::hostile::Peer::spawn(|doc, _| doc["type"] = json!("Application")).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let page = visitor.get("/admin/relays").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(
        page.text_of("h1").as_deref(),
        Some("Relais et déménagement")
    );
    assert!(
        page.unlabelled_controls().is_empty(),
        "{:?}",
        page.unlabelled_controls()
    );
    let csrf = page.csrf();

    let refused = visitor
        .post(
            "/admin/relays",
            &[("csrf", &csrf), ("url", "relais.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.attr("#url", "aria-invalid").as_deref(),
        Some("true")
    );
    let res = visitor
        .post("/admin/relays", &[("csrf", &csrf), ("url", relay.actor())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = visitor.get("/admin/relays?done=relay-subscribed").await;
    assert_eq!(
        page.text_of("p.notice").as_deref(),
        Some("Abonnement envoyé au relais.")
    );
    let listed = page.texts("section[aria-labelledby=relays] li");
    assert!(
        listed
            .iter()
            .any(|t| t.contains(relay.actor()) && t.contains("en attente")),
        "{listed:?}"
    );
    assert!(relay.posts().iter().any(|p| p["type"] == "Follow"));

    let refused = visitor
        .post(
            "/admin/aliases",
            &[("csrf", &csrf), ("also_known_as", "pas une adresse")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.attr("#also_known_as", "aria-invalid").as_deref(),
        Some("true")
    );
    let old = "https://ancien.example/centres/loire";
    let res = visitor
        .post("/admin/aliases", &[("csrf", &csrf), ("also_known_as", old)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let moving = node.get("/api/v1/centres/loire/move").await;
    assert_eq!(
        moving.body["also_known_as"],
        json!([old]),
        "{}",
        moving.text
    );

    // The relay's actor does not name this centre among its former accounts.
    let refused = visitor
        .post("/admin/move", &[("csrf", &csrf), ("target", relay.actor())])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.attr("#target", "aria-invalid").as_deref(),
        Some("true")
    );
    assert!(refused.text.contains("alsoKnownAs"), "{}", refused.text);

    let (_, relays) = listing(&node.get("/api/v1/relays").await.body);
    let key = relays[0]["id"].as_str().unwrap().to_owned();
    let res = visitor
        .post(&format!("/admin/relays/{key}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let (total, _) = listing(&node.get("/api/v1/relays").await.body);
    assert_eq!(total, 0);
}

/// A relay's forward is never trusted for its content: an Update forwarded by a relay we
/// subscribe to (signed with its key, for the origin centre's activity) whose object says
/// something else than the origin makes the copy take what the origin serves; the same forward
/// from a relay we do not subscribe to is refused, as a signature by another actor is.
async fn tampered_forward(backend: Backend) {
    let [a, c] = TestNodes::start(backend, ["loire", "geneve"]).await;
    let relay = crate::hostile::Peer::spawn(|doc, _| doc["type"] = json!("Application")).await;
    let stranger = crate::hostile::Peer::spawn(|doc, _| doc["type"] = json!("Application")).await;
    let res = a
        .post("/api/v1/relays", &json!({"url": relay.actor()}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let instance = format!("{}/actor", a.base);
    let follow = relay
        .posts()
        .into_iter()
        .find(|p| p["type"] == "Follow")
        .expect("the Follow, sent at once");
    let inbox = format!("{}/inbox", a.base);
    let send = |activity: Value, signer: crate::peer::Signer| {
        let inbox = inbox.clone();
        async move { deliver(&inbox, &activity, &signer, Tamper::default()).await }
    };
    let (status, text) = send(
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Accept", "id": format!("{}/activities/accept", relay.base),
            "to": [instance], "actor": relay.actor(),
            "object": {"id": follow["id"], "type": "Follow", "object": relay.actor(),
                       "actor": instance},
        }),
        relay.signer.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");

    let created = c
        .create_recommendation(&crate::helpers::recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, text) = send(
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Announce", "id": format!("{}/activities/announce/1", relay.base),
            "to": [format!("{}/followers", relay.base)], "actor": relay.actor(),
            "object": id,
        }),
        relay.signer.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    eventually("the relayed recommendation on A", || async {
        find(&public_search(&a, "q=zoom").await, &id).cloned()
    })
    .await;

    // The origin edits the entry; the relay's forward of an Update says something else.
    let res = c
        .patch(
            &format!("/api/v1/recommendations/{}", key(&created["id"])),
            &json!({"summary": "Visio sans compte."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let mut forged = crate::network::note_of(&c, &id).await;
    forged["maillage:recommendation"]["reviewBody"] = json!("Texte inventé par le relais.");
    forged["updated"] = json!("2099-01-01T00:00:00Z");
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Update", "id": format!("{}/activities/update/forged", c.base),
        "actor": actor(&c), "object": forged,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let (status, text) = send(update.clone(), stranger.signer.clone()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a relay A does not subscribe to: {text}"
    );
    let (status, text) = send(update, relay.signer.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let copy = eventually("the origin's edit on A", || async {
        find(&public_search(&a, "q=zoom").await, &id)
            .filter(|r| r["summary"] != created["summary"])
            .cloned()
    })
    .await;
    assert_eq!(copy["summary"], "Visio sans compte.", "{copy}");
    assert_eq!(copy["origin"], actor(&c));
}
on_both_backends!(
    a_relay_forward_is_checked_against_the_origin,
    tampered_forward
);

/// A relay that could not take the Follow (it answered `429`, `Retry-After: 1`) is not lost:
/// the subscription stays pending, says why and when the Follow goes again, and the Follow
/// is sent again, with backoff, until the relay answers; its Accept ends the retries.
async fn follow_retried(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let relay = crate::faulty::FaultyPeer::start().await;
    relay.set(crate::faulty::Mode::TooManyOnce);
    let res = node
        .post("/api/v1/relays", &json!({"url": relay.signer.actor}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["state"], "pending");
    assert_eq!(res.body["attempts"], 1, "{}", res.text);
    assert!(
        res.body["last_error"]
            .as_str()
            .unwrap_or_default()
            .contains("429"),
        "{}",
        res.text
    );
    assert!(res.body["next_attempt_at"].is_string(), "{}", res.text);
    assert!(relay.received().is_empty(), "{:?}", relay.received());

    let follow = eventually("the Follow sent again", || async {
        relay.received().into_iter().find(|a| a["type"] == "Follow")
    })
    .await;
    assert_eq!(follow["actor"], format!("{}/actor", node.base));
    let relays = eventually("the second attempt recorded", || async {
        let (_, relays) = listing(&node.get("/api/v1/relays").await.body);
        (relays[0]["attempts"] == 2).then_some(relays)
    })
    .await;
    assert_eq!(relays[0]["state"], "pending");
    assert_eq!(relays[0]["last_error"], Value::Null, "{relays:?}");

    let instance = format!("{}/actor", node.base);
    let (status, text) = relay
        .send(
            &node,
            &json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "type": "Accept", "id": relay.new_id("accept"),
                "actor": relay.signer.actor, "to": [instance],
                "object": {"id": follow["id"], "type": "Follow", "actor": instance,
                           "object": follow["object"]},
            }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let (_, relays) = listing(&node.get("/api/v1/relays").await.body);
    assert_eq!(relays[0]["state"], "accepted", "{relays:?}");
    assert_eq!(relays[0]["next_attempt_at"], Value::Null, "{relays:?}");
}
on_both_backends!(a_relay_follow_is_retried_until_answered, follow_retried);
