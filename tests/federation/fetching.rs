//! The fetcher's bounds on what other servers answer: a server that never answers is given
//! up after 10 s, a document over 1 MiB is refused (the same actor, small, is taken).

use std::time::{Duration, Instant};

use axum::routing::get;
use reqwest::StatusCode;
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNodes};
use crate::on_both_backends;

/// Serves `/users/small` (an actor), `/users/huge` (the same, padded to 2 MiB) and
/// `/users/silent` (never answers); returns the base URL.
async fn awkward_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let pem = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let actor = |name: &str| {
        let id = format!("{base}/users/{name}");
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": "Person", "id": id, "preferredUsername": name,
            "inbox": format!("{id}/inbox"),
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem},
        })
    };
    let small = actor("small");
    let mut huge = actor("huge");
    huge["summary"] = json!("x".repeat(2 * 1024 * 1024));
    let json = |doc: Value| {
        move || {
            let doc = doc.clone();
            async move {
                (
                    [("content-type", "application/activity+json")],
                    doc.to_string(),
                )
            }
        }
    };
    let app = axum::Router::new()
        .route("/users/small", get(json(small)))
        .route("/users/huge", get(json(huge)))
        .route(
            "/users/silent",
            get(|| async {
                std::future::pending::<()>().await;
                ""
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

async fn fetch_limits(backend: Backend) {
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    let base = awkward_server().await;
    let res = b
        .post(
            "/api/v1/follows",
            &json!({"target": format!("{base}/users/small")}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "the small actor: {}",
        res.text
    );

    let res = b
        .post(
            "/api/v1/follows",
            &json!({"target": format!("{base}/users/huge")}),
        )
        .await;
    assert!(
        res.status.is_client_error(),
        "a 2 MiB actor: {} {}",
        res.status,
        res.text
    );
    assert_eq!(res.error_field(), Some("target"), "{}", res.text);

    // The test client itself gives up after 30 s: an answer at all shows the node's bound.
    let started = Instant::now();
    let res = b
        .post(
            "/api/v1/follows",
            &json!({"target": format!("{base}/users/silent")}),
        )
        .await;
    let waited = started.elapsed();
    assert!(
        res.status.is_client_error(),
        "a silent server: {} {}",
        res.status,
        res.text
    );
    assert_eq!(res.error_field(), Some("target"), "{}", res.text);
    assert!(
        waited >= Duration::from_secs(9) && waited < Duration::from_secs(25),
        "given up after {waited:?}"
    );
}
on_both_backends!(fetches_are_bounded_in_time_and_size, fetch_limits);
