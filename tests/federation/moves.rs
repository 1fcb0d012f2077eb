//! Moving a centre to a new domain: the old centre (A) moves to a centre of another node (B)
//! that lists it in `alsoKnownAs`; a third node (C) that followed A follows B instead, keeps
//! A's entries, and receives what B publishes.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestNodes, listing, recommendation};
use crate::network::{actor, eventually, find, follow, public_search};
use crate::on_both_backends;
use crate::peer::{Signer, Tamper, deliver};

/// The centre's actor document, as a peer fetches it.
async fn actor_document(node: &crate::helpers::TestNode) -> serde_json::Value {
    node.client
        .get(actor(node))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn move_with_a_follower(backend: Backend) {
    let [a, b, c] = TestNodes::start(backend, ["loire", "loire-nouveau", "geneve"]).await;
    let before = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let old_id = before["id"].as_str().unwrap().to_owned();
    follow(&c, &a).await;
    eventually("A's recommendation on C", || async {
        find(&public_search(&c, "q=zoom").await, &old_id).cloned()
    })
    .await;

    // Not before the new actor names the old one in alsoKnownAs.
    let path = format!("/api/v1/centres/{}/move", a.settings.centre.username);
    let res = a.post(&path, &json!({"target": actor(&b)})).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.error_field(), Some("target"));
    assert!(res.text.contains("alsoKnownAs"), "{}", res.text);
    // Nor does C take a Move that the target does not confirm (signed by A itself).
    let forged = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Move",
        "id": format!("{}/activities/move/forged", a.base),
        "actor": actor(&a),
        "object": actor(&a),
        "target": actor(&b),
    });
    let (status, text) = deliver(
        &format!("{}/inbox", c.base),
        &forged,
        &Signer::centre_of(&a).await,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");

    // Mastodon-like followers of B and of A, which see what a Mastodon server would.
    let watcher_b = crate::hostile::Peer::spawn(|_, _| {}).await;
    watcher_b.follow(&b).await;
    let watcher_a = crate::hostile::Peer::spawn(|_, _| {}).await;
    watcher_a.follow(&a).await;

    let aliases = format!("/api/v1/centres/{}/aliases", b.settings.centre.username);
    let res = b
        .request(
            reqwest::Method::PUT,
            &aliases,
            Some(crate::helpers::ADMIN_TOKEN),
            Some(&json!({"also_known_as": [actor(&a)]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(actor_document(&b).await["alsoKnownAs"], json!([actor(&a)]));
    eventually("B's Update with alsoKnownAs at its follower", || async {
        watcher_b
            .posts()
            .iter()
            .any(|p| p["type"] == "Update" && p["object"]["alsoKnownAs"] == json!([actor(&a)]))
            .then_some(())
    })
    .await;

    let res = a.post(&path, &json!({"target": actor(&b)})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["moved_to"], actor(&b));
    assert_eq!(actor_document(&a).await["movedTo"], actor(&b));
    // A's Mastodon-like follower gets the Update with movedTo, then the Move.
    let sent = eventually("A's Move at its follower", || async {
        let posts = watcher_a.posts();
        posts.iter().any(|p| p["type"] == "Move").then_some(posts)
    })
    .await;
    let update = sent
        .iter()
        .position(|p| p["type"] == "Update" && p["object"]["movedTo"] == actor(&b))
        .expect("an Update with movedTo");
    let moved = sent.iter().position(|p| p["type"] == "Move").unwrap();
    assert!(update < moved, "{sent:?}");
    assert_eq!(sent[moved]["actor"], actor(&a));
    assert_eq!(sent[moved]["object"], actor(&a));
    assert_eq!(sent[moved]["target"], actor(&b));

    // C follows B instead of A.
    eventually("C following B, not A", || async {
        let (_, follows) = listing(&c.get("/api/v1/follows").await.body);
        let targets: Vec<_> = follows
            .iter()
            .filter(|f| f["state"] == "accepted")
            .map(|f| f["target"].as_str().unwrap().to_owned())
            .collect();
        (targets == [actor(&b)] && follows.len() == 1).then_some(())
    })
    .await;
    eventually("A without C as follower", || async {
        let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
        (!followers.iter().any(|f| f["actor"] == actor(&c))).then_some(())
    })
    .await;
    // A's entries stay on C, with A as origin.
    let kept = find(&public_search(&c, "q=zoom").await, &old_id)
        .cloned()
        .expect("A's recommendation kept on C");
    assert_eq!(kept["origin"], actor(&a));
    // What B publishes now reaches C.
    let created = b
        .create_recommendation(&recommendation(
            "Nextcloud",
            "https://nextcloud.com",
            &["Google Drive"],
            "files",
        ))
        .await;
    let new_id = created["id"].as_str().unwrap().to_owned();
    let copy = eventually("B's recommendation on C", || async {
        find(&public_search(&c, "q=google+drive").await, &new_id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&b));

    // A moved centre takes no new followers: C may not follow A again (it is told where A
    // went), and a Mastodon-like server's follow of A is rejected.
    let res = c
        .post("/api/v1/follows", &json!({"target": actor(&a)}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.error_field(), Some("target"));
    assert!(res.text.contains(&actor(&b)), "{}", res.text);
    let latecomer = crate::hostile::Peer::spawn(|_, _| {}).await;
    let follow_id = format!("{}/follows/late", latecomer.actor());
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Follow", "id": follow_id,
        "actor": latecomer.actor(), "object": actor(&a),
    });
    let (status, text) = deliver(
        &format!("{}/inbox", a.base),
        &follow,
        &latecomer.signer,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    eventually("A's Reject of the latecomer's follow", || async {
        latecomer
            .posts()
            .iter()
            .any(|p| p["type"] == "Reject" && p["object"]["id"] == follow_id.as_str())
            .then_some(())
    })
    .await;
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    assert!(
        !followers.iter().any(|f| f["actor"] == latecomer.actor()),
        "{followers:?}"
    );
}
on_both_backends!(
    a_follower_follows_the_new_actor_and_keeps_the_old_entries,
    move_with_a_follower
);
