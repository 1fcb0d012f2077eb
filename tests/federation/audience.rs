//! Who receives what: only published recommendations leave the node, and `network` contact
//! cards are addressed to the peer directory centres alone, never to Public or to the
//! followers collection.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faulty::FaultyPeer;
use crate::helpers::{Backend, TestNode, TestNodes, eventually, key, recommendation};
use crate::network::actor;
use crate::on_both_backends;

const PUBLIC: [&str; 3] = [
    "https://www.w3.org/ns/activitystreams#Public",
    "as:Public",
    "Public",
];

/// The activities `peer` received about the object `id`, in order.
fn about(peer: &FaultyPeer, id: &str) -> Vec<Value> {
    peer.arrived()
        .into_iter()
        .filter(|a| a["object"] == id || a["object"]["id"] == id)
        .collect()
}

async fn outbox(node: &TestNode) -> String {
    node.client
        .get(format!("{}/outbox?page=1", actor(node)))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Drafts reach no follower, pushed or in the outbox; a published recommendation does, and
/// withdrawing it sends its Delete.
async fn only_published(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let mut early = recommendation(
        "Brouillon",
        "https://brouillon.example",
        &["Zoom"],
        "videoconf",
    );
    early["status"] = json!("draft");
    let early = a.create_recommendation(&early).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    let mut draft = recommendation(
        "Esquisse",
        "https://esquisse.example",
        &["Zoom"],
        "videoconf",
    );
    draft["status"] = json!("draft");
    let draft = a.create_recommendation(&draft).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let published = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // One host's deliveries go out in order: the draft, made first, would have come first.
    eventually("the published recommendation at the peer", || async {
        (!about(&peer, &published).is_empty()).then_some(())
    })
    .await;
    assert!(about(&peer, &draft).is_empty(), "a draft was sent");
    let outbox = outbox(&a).await;
    assert!(outbox.contains(&published), "{outbox}");
    assert!(
        !outbox.contains(&draft) && !outbox.contains(&early),
        "{outbox}"
    );
    // Withdrawn: followers are told to delete it, and it leaves the outbox.
    let res = a
        .patch(
            &format!("/api/v1/recommendations/{}", key(&json!(published))),
            &json!({"status": "withdrawn"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    eventually("the Delete of the withdrawn recommendation", || async {
        about(&peer, &published)
            .iter()
            .any(|a| a["type"] == "Delete")
            .then_some(())
    })
    .await;
    assert!(!outbox_contains(&a, &published).await);
    assert!(about(&peer, &draft).is_empty() && about(&peer, &early).is_empty());
}
on_both_backends!(only_published_recommendations_federate, only_published);

async fn outbox_contains(node: &TestNode, id: &str) -> bool {
    outbox(node).await.contains(id)
}

/// Every address of an activity and of its embedded object.
fn addresses(activity: &Value) -> Vec<String> {
    let mut all = Vec::new();
    for holder in [activity, &activity["object"]] {
        for field in ["to", "cc", "bto", "bcc", "audience"] {
            match &holder[field] {
                Value::String(s) => all.push(s.clone()),
                Value::Array(list) => {
                    all.extend(list.iter().filter_map(|v| v.as_str().map(str::to_owned)))
                }
                _ => {}
            }
        }
    }
    all
}

/// A `network` card's Create, Update and Delete go to the peer directory centres only,
/// addressed to their actors: never to Public, never to the followers collection, never to
/// an ordinary follower.
async fn network_cards(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let peer = FaultyPeer::start().await;
    peer.follow(&a).await;
    // Personal data reaches only the directory centres the staff trust.
    crate::hostile::trust(&a, &peer.signer.actor).await;
    let person = FaultyPeer::person().await;
    person.follow(&a).await;
    let consent = json!({"given_at": "2026-05-20T10:00:00Z"});
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Réseau Seul", "role": "médiatrice", "visibility": "network",
                    "consent": consent}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let card = res.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/contacts/{}", key(&res.body["id"]));
    assert_eq!(
        a.patch(&path, &json!({"role": "formatrice"})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        a.patch(&path, &json!({"visibility": "hidden"}))
            .await
            .status,
        StatusCode::OK
    );
    let activities = eventually(
        "the card's Create, Update and Delete at the peer",
        || async {
            let got = about(&peer, &card);
            let kinds: Vec<&str> = got.iter().map(|a| a["type"].as_str().unwrap()).collect();
            (kinds == ["Create", "Update", "Delete"]).then_some(got)
        },
    )
    .await;
    let followers = format!("{}/followers", actor(&a));
    for activity in &activities {
        let to = addresses(activity);
        assert!(
            to.iter()
                .all(|t| !PUBLIC.contains(&t.as_str()) && *t != followers),
            "{}: {to:?}",
            activity["type"]
        );
        assert!(
            to.contains(&peer.signer.actor),
            "{}: {to:?}",
            activity["type"]
        );
    }
    // A public card reaches the ordinary follower; the network card, sent before it on the
    // same queue, never did.
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Publique", "visibility": "public", "consent": consent}),
        )
        .await;
    let public = res.body["id"].as_str().unwrap().to_owned();
    eventually("the public card at the ordinary follower", || async {
        (!about(&person, &public).is_empty()).then_some(())
    })
    .await;
    assert!(
        about(&person, &card).is_empty(),
        "{:?}",
        about(&person, &card)
    );
}
on_both_backends!(
    network_cards_are_addressed_to_peer_centres_only,
    network_cards
);
