//! A test peer that speaks HTTP signatures itself, so tests can send exactly the requests a
//! real (or hostile) server would: signed as a node's centre with its real key, or as a stub
//! actor served from here, with the host, path, date or digest tampered with.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine as _;
use maillage::storage::centres::CentreRow;
use reqwest::StatusCode;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::TestNode;

#[derive(Clone)]
pub struct Signer {
    pub actor: String,
    pub key: RsaPrivateKey,
}

impl Signer {
    /// Signs as the first centre of `node`, with its real private key.
    pub async fn centre_of(node: &TestNode) -> Self {
        let db = maillage::startup::open_database(&node.settings)
            .await
            .unwrap();
        let username = node.settings.centre.username.clone();
        let row = db
            .run(move |conn| CentreRow::find_local(conn, &username))
            .await
            .unwrap()
            .unwrap();
        Self {
            actor: row.actor_id,
            key: RsaPrivateKey::from_pkcs8_pem(row.private_key.as_deref().unwrap()).unwrap(),
        }
    }
}

/// What to tamper with in a delivery.
#[derive(Default, Clone)]
pub struct Tamper {
    pub no_signature: bool,
    /// Sign for this host instead of the target's (and send it as the Host header).
    pub host: Option<String>,
    /// Sign for this path instead of the one posted to.
    pub signed_path: Option<String>,
    /// Date header, `httpdate` format.
    pub date: Option<String>,
    /// Digest of another body.
    pub digest_of: Option<Vec<u8>>,
    /// `sha-256=` instead of `SHA-256=` (bovine does this).
    pub lowercase_digest: bool,
}

/// POSTs `activity` to `url` signed by `signer`, tampered as asked; returns the status.
pub async fn deliver(
    url: &str,
    activity: &Value,
    signer: &Signer,
    tamper: Tamper,
) -> (StatusCode, String) {
    let body = serde_json::to_vec(activity).unwrap();
    deliver_bytes(url, body, signer, tamper).await
}

pub async fn deliver_bytes(
    url: &str,
    body: Vec<u8>,
    signer: &Signer,
    tamper: Tamper,
) -> (StatusCode, String) {
    let parsed = url::Url::parse(url).unwrap();
    let real_host = match parsed.port() {
        Some(port) => format!("{}:{port}", parsed.host_str().unwrap()),
        None => parsed.host_str().unwrap().to_owned(),
    };
    let host = tamper.host.clone().unwrap_or(real_host);
    let path = tamper
        .signed_path
        .clone()
        .unwrap_or_else(|| parsed.path().to_owned());
    let date = tamper
        .date
        .clone()
        .unwrap_or_else(|| httpdate::fmt_http_date(std::time::SystemTime::now()));
    let digest_body = tamper.digest_of.clone().unwrap_or_else(|| body.clone());
    let algorithm = if tamper.lowercase_digest {
        "sha-256"
    } else {
        "SHA-256"
    };
    let digest = format!(
        "{algorithm}={}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&digest_body))
    );
    let signing_string =
        format!("(request-target): post {path}\nhost: {host}\ndate: {date}\ndigest: {digest}");
    let signature = signer
        .key
        .sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(signing_string.as_bytes()),
        )
        .unwrap();
    let header = format!(
        "keyId=\"{}#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{}\"",
        signer.actor,
        base64::engine::general_purpose::STANDARD.encode(signature)
    );
    // Trusting the test CA too: production nodes are reached over https.
    let mut req = crate::helpers::production::client_builder()
        .build()
        .unwrap()
        .post(url)
        .header("host", host)
        .header("date", date)
        .header("digest", digest)
        .header("content-type", "application/activity+json")
        .body(body);
    if !tamper.no_signature {
        req = req.header("signature", header);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

/// A stub actor served from this test process: a Mastodon-like `Person` (or, with
/// `directory`, a centre claiming the Maillage extension) with a key of its own. It records
/// every request it gets.
pub struct StubActor {
    pub base: String,
    pub signer: Signer,
    pub requests: Arc<Mutex<Vec<String>>>,
    /// Every request with its headers, as received.
    pub seen: Arc<Mutex<Vec<SeenRequest>>>,
    /// The JSON bodies posted to it (its inboxes), in order.
    pub posted: Arc<Mutex<Vec<Value>>>,
    _server: tokio::task::JoinHandle<()>,
}

impl StubActor {
    pub async fn spawn(directory: bool) -> Self {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let base = format!("http://localhost:{port}");
        let actor_id = format!("{base}/users/stub");
        let public_pem = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        let mut doc = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": if directory { "Organization" } else { "Person" },
            "id": actor_id,
            "preferredUsername": "stub",
            "name": "Stub <script>alert(1)</script>",
            "summary": "<p>Un <b>pair</b> de test</p><script>alert(1)</script>",
            "inbox": format!("{actor_id}/inbox"),
            "endpoints": {"sharedInbox": format!("{base}/inbox")},
            "publicKey": {"id": format!("{actor_id}#main-key"), "owner": actor_id, "publicKeyPem": public_pem},
        });
        if directory {
            doc["maillage:directory"] = json!({});
        }
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let posted = Arc::new(Mutex::new(Vec::new()));
        let state = (doc, requests.clone(), posted.clone());
        let recorder = seen.clone();
        let app = Router::new()
            .route(
                "/users/stub",
                get(
                    |State((doc, log, _)): State<Shared>,
                     headers: axum::http::HeaderMap| async move {
                        let signed = if headers.contains_key("signature") {
                            " (signed)"
                        } else {
                            ""
                        };
                        log.lock().unwrap().push(format!("GET /users/stub{signed}"));
                        ([("content-type", "application/activity+json")], Json(doc))
                    },
                ),
            )
            // /redirect/N answers with N redirects (absolute Locations) before the actor.
            .route(
                "/redirect/{n}",
                get({
                    let base = base.clone();
                    move |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                        let to = if n <= 1 {
                            format!("{base}/users/stub")
                        } else {
                            format!("{base}/redirect/{}", n - 1)
                        };
                        axum::response::Redirect::temporary(&to)
                    }
                }),
            )
            .fallback(
                |State((_, log, posted)): State<Shared>, req: axum::extract::Request| async move {
                    log.lock()
                        .unwrap()
                        .push(format!("{} {}", req.method(), req.uri()));
                    let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                        .await
                        .unwrap_or_default();
                    if let Ok(json) = serde_json::from_slice::<Value>(&body) {
                        posted.lock().unwrap().push(json);
                    }
                    StatusCode::ACCEPTED
                },
            )
            .with_state(state)
            .layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    let recorder = recorder.clone();
                    async move {
                        recorder.lock().unwrap().push(SeenRequest::of(&req));
                        next.run(req).await
                    }
                },
            ));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base,
            signer: Signer {
                actor: actor_id,
                key,
            },
            requests,
            seen,
            posted,
            _server: server,
        }
    }

    pub fn actor_id(&self) -> &str {
        &self.signer.actor
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn seen(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }

    /// The activities posted to its inboxes.
    pub fn posted(&self) -> Vec<Value> {
        self.posted.lock().unwrap().clone()
    }
}

/// The state of a stub's routes: its actor document, its request log, what was posted.
type Shared = (Value, Arc<Mutex<Vec<String>>>, Arc<Mutex<Vec<Value>>>);

/// A request as a peer received it: what a signature is checked against.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    /// Names lower-cased, as HTTP/1.1 servers read them.
    pub headers: Vec<(String, String)>,
}

impl SeenRequest {
    fn of(req: &axum::extract::Request) -> Self {
        Self {
            method: req.method().as_str().to_owned(),
            path: req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            headers: req
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
                .collect(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The signature's parameters (`keyId`, `algorithm`, `headers`, `signature`, `created`…).
    pub fn signature(&self) -> std::collections::BTreeMap<String, String> {
        let header = self.header("signature").unwrap_or_default();
        let mut params = std::collections::BTreeMap::new();
        // `name="value"` or `name=number`, comma-separated; values hold no quotes.
        for part in header.split(',') {
            if let Some((name, value)) = part.split_once('=') {
                params.insert(
                    name.trim().to_owned(),
                    value.trim().trim_matches('"').to_owned(),
                );
            }
        }
        params
    }

    /// Checks the signature with Mastodon's rules (app/controllers/concerns/
    /// signature_verification.rb and app/lib/signed_request.rb, v4): the `Date` header or
    /// `(created)` signed; `Host` signed on a GET, `Digest` on a POST; the time within 12 hours
    /// before and 1 hour after now; the signing string rebuilt from the headers received and
    /// verified with `public_key_pem` (rsa-sha256, or hs2019 read as rsa-sha256).
    pub fn verify_as_mastodon(&self, public_key_pem: &str) -> Result<(), String> {
        use rsa::pkcs8::DecodePublicKey;
        let params = self.signature();
        let signed: Vec<&str> = params
            .get("headers")
            .map_or("date", String::as_str)
            .split_whitespace()
            .collect();
        if !signed.contains(&"date") && !signed.contains(&"(created)") {
            return Err(
                "Mastodon requires the Date header or (created) pseudo-header to be signed".into(),
            );
        }
        if self.method == "GET" && !signed.contains(&"host") {
            return Err(
                "Mastodon requires the Host header to be signed when doing a GET request".into(),
            );
        }
        if self.method == "POST" && !signed.contains(&"digest") {
            return Err(
                "Mastodon requires the Digest header to be signed when doing a POST request".into(),
            );
        }
        let now = std::time::SystemTime::now();
        let in_window = |at: std::time::SystemTime| {
            at <= now + std::time::Duration::from_secs(3600)
                && at + std::time::Duration::from_secs(12 * 3600) >= now
        };
        if signed.contains(&"date") {
            let date = self
                .header("date")
                .and_then(|d| httpdate::parse_http_date(d).ok())
                .ok_or("no readable Date header")?;
            if !in_window(date) {
                return Err("Signed request date outside acceptable time window".into());
            }
        }
        let mut lines = Vec::new();
        for name in &signed {
            let value = match *name {
                "(request-target)" => format!("{} {}", self.method.to_lowercase(), self.path),
                "(created)" | "(expires)" => params
                    .get(name.trim_matches(['(', ')']))
                    .cloned()
                    .ok_or_else(|| format!("{name} is signed but not given"))?,
                header => self
                    .header(header)
                    .ok_or_else(|| format!("{header} is signed but was not received"))?
                    .to_owned(),
            };
            lines.push(format!("{name}: {value}"));
        }
        let algorithm = params.get("algorithm").map_or("hs2019", String::as_str);
        if algorithm != "rsa-sha256" && algorithm != "hs2019" {
            return Err(format!("Unsupported signature algorithm {algorithm}"));
        }
        let signature = base64::engine::general_purpose::STANDARD
            .decode(params.get("signature").ok_or("no signature")?)
            .map_err(|e| e.to_string())?;
        let key =
            rsa::RsaPublicKey::from_public_key_pem(public_key_pem).map_err(|e| e.to_string())?;
        key.verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(lines.join("\n").as_bytes()),
            &signature,
        )
        .map_err(|_| format!("Verification failed for {}", lines.join(" | ")))
    }
}
