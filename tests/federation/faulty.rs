//! A follower whose inbox misbehaves on demand: down, erroring, holding (slow for as long as
//! the test needs), rate-limiting, gone. It records every activity that reached its inbox (`arrived`, whatever it answered)
//! and every one it acknowledged with a 202 (`received`), in order.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::helpers::TestNode;
use crate::network::{actor, eventually};
use crate::peer::{Signer, Tamper, deliver};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Up,
    Error500,
    /// 403: a final refusal, not to be retried.
    Refuse,
    Gone,
    /// 429 with `Retry-After: 1`, then up.
    TooManyOnce,
    /// Holds every request until the mode changes: a peer that is slow for as long as the
    /// test needs, with no clock involved.
    Hold,
}

#[derive(Clone)]
struct Shared {
    mode: Arc<tokio::sync::watch::Sender<Mode>>,
    arrived: Arc<Mutex<Vec<Value>>>,
    received: Arc<Mutex<Vec<Value>>>,
    actor: Value,
    /// Documents served at their path, or path and query (an outbox and its pages), set by the
    /// test.
    documents: Arc<Mutex<std::collections::HashMap<String, Value>>>,
}

pub struct FaultyPeer {
    pub port: u16,
    pub base: String,
    pub signer: Signer,
    shared: Shared,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl FaultyPeer {
    /// A directory centre (it claims the Maillage extension).
    pub async fn start() -> Self {
        Self::start_as(true).await
    }

    /// An ordinary account (a Mastodon-like `Person`), no directory centre.
    pub async fn person() -> Self {
        Self::start_as(false).await
    }

    async fn start_as(directory: bool) -> Self {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let base = format!("http://localhost:{port}");
        let actor_id = format!("{base}/users/faulty");
        let mut actor = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": if directory { "Organization" } else { "Person" },
            "id": actor_id, "preferredUsername": "faulty",
            "inbox": format!("{actor_id}/inbox"),
            "endpoints": {"sharedInbox": format!("{base}/inbox")},
            "publicKey": {"id": format!("{actor_id}#main-key"), "owner": actor_id,
                          "publicKeyPem": key.to_public_key().to_public_key_pem(LineEnding::LF).unwrap()},
        });
        if directory {
            actor["maillage:directory"] = json!({});
            actor["outbox"] = json!(format!("{actor_id}/outbox"));
        }
        let shared = Shared {
            mode: Arc::new(tokio::sync::watch::Sender::new(Mode::Up)),
            arrived: Arc::new(Mutex::new(Vec::new())),
            received: Arc::new(Mutex::new(Vec::new())),
            actor,
            documents: Arc::new(Mutex::new(std::collections::HashMap::new())),
        };
        let mut peer = Self {
            port,
            base,
            signer: Signer {
                actor: actor_id,
                key,
            },
            shared,
            server: None,
        };
        peer.serve(listener);
        peer
    }

    fn serve(&mut self, listener: TcpListener) {
        let app = Router::new()
            .route(
                "/users/faulty",
                get(|State(s): State<Shared>| async move {
                    (
                        [("content-type", "application/activity+json")],
                        Json(s.actor.clone()),
                    )
                }),
            )
            .route("/inbox", post(inbox))
            .route("/users/faulty/inbox", post(inbox))
            .route("/users/faulty/outbox", get(document))
            .route("/users/faulty/outbox/{page}", get(document))
            .with_state(self.shared.clone());
        self.server = Some(tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        }));
    }

    /// Serves `doc` at `path` (`/users/faulty/outbox`, `/users/faulty/outbox/2`); the actor
    /// of a directory peer names `/users/faulty/outbox` as its outbox.
    pub fn serve_document(&self, path: &str, doc: Value) {
        self.shared
            .documents
            .lock()
            .unwrap()
            .insert(path.to_owned(), doc);
    }

    /// Stops listening: connections are refused.
    pub fn go_down(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn come_back(&mut self) {
        let port = self.port;
        let listener = eventually("the peer's port to be free again", || async move {
            TcpListener::bind(("127.0.0.1", port)).await.ok()
        })
        .await;
        self.serve(listener);
    }

    pub fn set(&self, mode: Mode) {
        self.shared.mode.send_replace(mode);
    }

    /// Every activity that reached the inbox, whatever it was answered, in order.
    pub fn arrived(&self) -> Vec<Value> {
        self.shared.arrived.lock().unwrap().clone()
    }

    /// Every activity acknowledged (202), in order.
    pub fn received(&self) -> Vec<Value> {
        self.shared.received.lock().unwrap().clone()
    }

    /// The ids of the objects of the Creates acknowledged, in order.
    pub fn created(&self) -> Vec<String> {
        created(&self.received())
    }

    /// The ids of the objects of the Creates that reached the inbox, in order.
    pub fn created_arrived(&self) -> Vec<String> {
        created(&self.arrived())
    }

    /// `node` follows this peer (through its API); returns the Follow as the peer received
    /// it, unanswered.
    pub async fn followed_by(&self, node: &TestNode) -> Value {
        let res = node
            .post("/api/v1/follows", &json!({"target": self.signer.actor}))
            .await;
        assert_eq!(res.status, reqwest::StatusCode::CREATED, "{}", res.text);
        eventually("the Follow at the peer", || async {
            self.arrived().into_iter().find(|a| a["type"] == "Follow")
        })
        .await
    }

    /// `localhost:PORT`: this peer's host in a node's delivery queue.
    pub fn host(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// This peer's row of `node`'s delivery queue (`/api/v1/delivery`), if it has one.
    pub async fn queue_row(&self, node: &TestNode) -> Option<Value> {
        queue_row(node, &self.host()).await
    }

    /// Follows `node`'s first centre and waits for the Accept.
    pub async fn follow(&self, node: &TestNode) {
        let follow = json!({"type": "Follow", "id": format!("{}/follows/{}", self.base, uuid::Uuid::new_v4().simple()),
                            "actor": self.signer.actor, "object": actor(node)});
        let (status, text) = deliver(
            &format!("{}/inbox", node.base),
            &follow,
            &self.signer,
            Tamper::default(),
        )
        .await;
        assert!(status.is_success(), "{status} {text}");
        eventually("the Accept at the faulty peer", || async {
            self.received()
                .iter()
                .any(|a| a["type"] == "Accept")
                .then_some(())
        })
        .await;
    }

    /// Sends `node`'s inbox `activity`, signed by this peer; returns the status and body.
    pub async fn send(&self, node: &TestNode, activity: &Value) -> (reqwest::StatusCode, String) {
        deliver(
            &format!("{}/inbox", node.base),
            activity,
            &self.signer,
            Tamper::default(),
        )
        .await
    }

    /// A new activity id on this peer.
    pub fn new_id(&self, kind: &str) -> String {
        format!("{}/{kind}/{}", self.base, uuid::Uuid::new_v4().simple())
    }

    /// Sends `node` an activity (any: it revives our host there).
    pub async fn say_hello(&self, node: &TestNode) {
        let like = json!({"type": "Like", "id": format!("{}/likes/{}", self.base, uuid::Uuid::new_v4().simple()),
                          "actor": self.signer.actor, "object": actor(node)});
        let (status, _) = deliver(
            &format!("{}/inbox", node.base),
            &like,
            &self.signer,
            Tamper::default(),
        )
        .await;
        assert!(status.is_success());
    }
}

/// `node`'s deliveries by state, all hosts together.
pub async fn delivery_states(node: &TestNode) -> std::collections::BTreeMap<String, i64> {
    node.get("/api/v1/delivery").await.body["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["state"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Publishes recommendation number `n` (software of its own) on `node`; returns its id.
pub async fn publish(node: &TestNode, n: usize) -> String {
    let rec = node
        .create_recommendation(&crate::helpers::recommendation(
            &format!("Logiciel {n}"),
            &format!("https://logiciel-{n}.example"),
            &["Zoom"],
            "videoconf",
        ))
        .await;
    rec["id"].as_str().unwrap().to_owned()
}

fn created(activities: &[Value]) -> Vec<String> {
    activities
        .iter()
        .filter(|a| a["type"] == "Create")
        .map(|a| a["object"]["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn inbox(
    State(s): State<Shared>,
    _headers: HeaderMap,
    Json(activity): Json<Value>,
) -> Response {
    s.arrived.lock().unwrap().push(activity.clone());
    let mut mode = s.mode.subscribe();
    let current = *mode.wait_for(|m| *m != Mode::Hold).await.unwrap();
    match current {
        Mode::Error500 => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Mode::Gone => return StatusCode::GONE.into_response(),
        Mode::Refuse => return StatusCode::FORBIDDEN.into_response(),
        Mode::TooManyOnce => {
            s.mode.send_replace(Mode::Up);
            return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response();
        }
        Mode::Up | Mode::Hold => {}
    }
    s.received.lock().unwrap().push(activity);
    StatusCode::ACCEPTED.into_response()
}

async fn document(State(s): State<Shared>, uri: axum::http::Uri) -> Response {
    // A document set for the path and query (`/outbox?page=2`), else for the path.
    let documents = s.documents.lock().unwrap();
    let with_query = uri.path_and_query().map(|p| p.as_str());
    match with_query
        .and_then(|p| documents.get(p))
        .or_else(|| documents.get(uri.path()))
    {
        Some(doc) => (
            [("content-type", "application/activity+json")],
            Json(doc.clone()),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `host`'s row of `node`'s delivery queue (`/api/v1/delivery`), if it has one.
pub async fn queue_row(node: &TestNode, host: &str) -> Option<Value> {
    let status = node.get("/api/v1/delivery").await.body;
    status["hosts"]
        .as_array()?
        .iter()
        .find(|h| h["host"] == host)
        .cloned()
}

/// Staff of `node` have its deliveries to `host` tried again now (the API; `maillage queue
/// retry` does the same).
pub async fn retry_host(node: &TestNode, host: &str) {
    let res = node
        .post(&format!("/api/v1/delivery/{host}/retry"), &json!({}))
        .await;
    assert_eq!(res.status, reqwest::StatusCode::NO_CONTENT, "{}", res.text);
}
