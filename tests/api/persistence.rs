//! Nothing acknowledged is lost: across a restart, and across `kill -9` of the real binary.

use std::process::{Child, Stdio};

use reqwest::StatusCode;
use serde_json::json;

use crate::cli::maillage;
use crate::helpers::{
    ADMIN_TOKEN, Backend, TestNode, TestNodes, eventually, key, listing, recommendation,
};
use crate::on_both_backends;

async fn restart(backend: Backend) {
    let mut node = TestNodes::one(backend).await;
    let rec = node
        .create_recommendation(&recommendation(
            "Framadate",
            "https://framadate.org",
            &["Doodle"],
            "scheduling",
        ))
        .await;
    let contact = node
        .post(
            "/api/v1/contacts",
            &json!({"name": "Samuel Démo", "visibility": "local",
                                          "consent": {"given_at": "2026-03-01T10:00:00Z"}}),
        )
        .await;
    assert_eq!(contact.status, StatusCode::CREATED);
    node.post(
        "/api/v1/centres",
        &json!({"username": "geneve", "name": "Genève"}),
    )
    .await;

    node.restart().await;

    let got = node
        .get_public(&format!("/api/v1/recommendations/{}", key(&rec["id"])))
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, rec);
    let got = node
        .get_public(&format!("/api/v1/contacts/{}", key(&contact.body["id"])))
        .await;
    assert_eq!(got.body["name"], "Samuel Démo");
    let (centres, _) = listing(&node.get_public("/api/v1/centres").await.body);
    assert_eq!(centres, 2, "the first centre is not created twice");
}
on_both_backends!(everything_survives_a_restart, restart);

/// The real binary serving the node's database and port; killed (SIGKILL) when dropped.
struct Binary(Child);

impl Binary {
    /// Starts it and returns once it answers.
    async fn start(node: &TestNode) -> Self {
        let child = maillage(node)
            .env("MAILLAGE_BIND", &node.settings.bind)
            .env("MAILLAGE_ADMIN_TOKEN", ADMIN_TOKEN)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("binary starts");
        let binary = Self(child);
        eventually("the binary to answer /healthz", || async {
            let res = node.client.get(node.url("/healthz")).send().await.ok()?;
            (res.status() == StatusCode::OK).then_some(())
        })
        .await;
        binary
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        // `Child::kill` sends SIGKILL: no chance to flush anything it had not committed.
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

async fn killed(backend: Backend) {
    let mut node = TestNodes::one(backend).await;
    // The in-process server made the database; the real binary takes over its port.
    node.stop_server().await;
    let binary = Binary::start(&node).await;
    let mut keys = Vec::new();
    for i in 0..25 {
        let body = recommendation(
            &format!("Logiciel {i}"),
            &format!("https://logiciel-{i}.example"),
            &["Zoom"],
            "videoconf",
        );
        let created = node.create_recommendation(&body).await;
        keys.push(key(&created["id"]));
    }
    // Every write above was acknowledged: now kill without warning.
    drop(binary);

    let _binary = Binary::start(&node).await;
    for k in &keys {
        let res = node
            .get_public(&format!("/api/v1/recommendations/{k}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{k} lost after kill -9");
    }
    assert_eq!(
        listing(&node.get("/api/v1/recommendations?per_page=100").await.body).0,
        25
    );
}
on_both_backends!(acknowledged_writes_survive_kill_9, killed);
