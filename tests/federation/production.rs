//! Federation in production mode (`NodeSpec::production()`, `tests/api/production.rs`): nodes
//! with `federation.insecure` off, https ids without a port, behind TLS terminators on
//! `nN.maillage.test:443`; the ActivityPub library out of its debug mode (no explicit ports,
//! https WebFinger, actors refetched after a day); the node's egress rules in force. What the
//! insecure local mode of the other files would hide.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, NodeSpec, TestNodes, listing, production_missing};
use crate::network::{actor, eventually, find, follow, public_search, staff_search};
use crate::on_both_backends;

async fn publish_edit_delete(backend: Backend) {
    if production_missing().await {
        return;
    }
    crate::scenarios::publish_edit_delete_in(backend, true).await;
}
on_both_backends!(follow_backfill_publish_edit_delete, publish_edit_delete);

/// `network` cards reach a trusted peer centre over https, and are never served to anyone who
/// asks; public cards are.
async fn network_cards(backend: Backend) {
    if production_missing().await {
        return;
    }
    let [a, b] = TestNodes::start(
        backend,
        [
            NodeSpec::centre("loire").production(),
            NodeSpec::centre("bretagne").production(),
        ],
    )
    .await;
    assert!(actor(&a).starts_with("https://n"), "{}", actor(&a));
    follow(&b, &a).await;
    crate::hostile::trust(&a, &actor(&b)).await;
    let consent = json!({"given_at": "2026-05-20T10:00:00Z"});
    let mut ids = Vec::new();
    for visibility in ["network", "public"] {
        let res = a
            .post(
                "/api/v1/contacts",
                &json!({"name": format!("Carte {visibility}"), "role": "médiatrice",
                        "visibility": visibility, "consent": consent}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        ids.push(res.body["id"].as_str().unwrap().to_owned());
    }
    let [network, public] = [&ids[0], &ids[1]];
    assert!(network.starts_with(&a.base), "{network}");
    eventually("both cards on B for its staff", || async {
        let found = staff_search(&b, "kind=contact").await;
        (find(&found, network).is_some() && find(&found, public).is_some()).then_some(())
    })
    .await;
    let seen = public_search(&b, "kind=contact").await;
    assert!(find(&seen, public).is_some() && find(&seen, network).is_none());
    for (id, expected) in [(network, StatusCode::NOT_FOUND), (public, StatusCode::OK)] {
        let res = a
            .client
            .get(id.as_str())
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), expected, "{id}");
    }
}
on_both_backends!(network_cards_reach_a_trusted_peer_over_https, network_cards);

/// The follow's answer: its status, and the error's field and message.
async fn follow_answer(node: &crate::helpers::TestNode, target: &str) -> (StatusCode, String) {
    let res = node
        .post("/api/v1/follows", &json!({"target": target}))
        .await;
    if res.status.is_client_error() {
        assert_eq!(res.error_field(), Some("target"), "{target}: {}", res.text);
    }
    (res.status, res.text)
}

/// A production node reaches a listed peer on https and the default port only: the same peer,
/// really served on another port over TLS, or over plain http on port 80, is refused; a peer
/// not in `federation.allowed_private_hosts` is refused for its loopback address. Then the
/// same peer on https and port 443 is followed (the refusals were the rules', not the network).
async fn egress(backend: Backend) {
    if production_missing().await {
        return;
    }
    let [s, mut p] = TestNodes::start(
        backend,
        [
            NodeSpec::centre("secure").production(),
            NodeSpec::centre("bretagne").production(),
        ],
    )
    .await;
    let [q] = TestNodes::start(backend, [NodeSpec::centre("ailleurs").production()]).await;
    let name = p.settings.domain.clone();
    let node_port = p.port;
    let terminator = p.terminator.as_mut().unwrap();
    let tls_port = terminator.also_on(0, true, node_port).await;
    terminator.also_on(80, false, node_port).await;
    // Both extra ports do serve the peer: what follows is refused by rule only.
    let res = crate::helpers::production::client_builder()
        .build()
        .unwrap()
        .get(format!("https://{name}:{tls_port}/centres/bretagne"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = reqwest::get(format!("http://{name}/centres/bretagne"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    for target in [
        format!("https://{name}:{tls_port}/centres/bretagne"),
        format!("bretagne@{name}:{tls_port}"),
        format!("http://{name}/centres/bretagne"),
        format!("{}/centres/ailleurs", q.base),
        q.handle(),
    ] {
        let (status, text) = follow_answer(&s, &target).await;
        assert!(status.is_client_error(), "{target}: {status} {text}");
    }
    let (_, follows) = listing(&s.get("/api/v1/follows").await.body);
    assert!(follows.is_empty(), "{follows:?}");

    let (status, text) = follow_answer(&s, &p.handle()).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    eventually("the follow of the listed peer accepted", || async {
        let (_, follows) = listing(&s.get("/api/v1/follows").await.body);
        follows.into_iter().find(|f| f["state"] == "accepted")
    })
    .await;
}
on_both_backends!(only_https_on_the_default_port_to_listed_peers, egress);
