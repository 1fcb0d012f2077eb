//! Backfill from outboxes written in other servers' styles: items listed inline (as a small
//! server written in C does), an embedded first page whose items are `items`, a `next` page
//! fetched, and no `totalItems` anywhere.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faulty::FaultyPeer;
use crate::helpers::{Backend, TestNodes, listing};
use crate::network::eventually;
use crate::on_both_backends;

/// A Create of a recommendation of `software` by the peer, as its outbox lists it.
pub(crate) fn create(
    peer: &FaultyPeer,
    n: u32,
    software: &str,
    homepage: &str,
    replaces: &str,
) -> Value {
    let actor = &peer.signer.actor;
    let id = format!("{}/notes/{n}", peer.base);
    json!({
        "type": "Create", "id": format!("{id}/activity"), "actor": actor,
        "object": {
            "type": "Note", "id": id, "attributedTo": actor,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "content": format!("<p>{software}</p>"),
            "published": "2026-11-20T10:00:00Z",
            "maillage:recommendation": {
                "itemReviewed": {"name": software, "url": homepage},
                "category": "files", "replaces": [replaces],
                "reviewBody": format!("{software} remplace {replaces}."),
                "inLanguage": "fr", "level": "recommended"
            }
        }
    })
}

async fn outbox_styles(backend: Backend) {
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    let peer = FaultyPeer::start().await;
    let outbox = format!("{}/outbox", peer.signer.actor);
    peer.serve_document(
        "/users/faulty/outbox",
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "OrderedCollection", "id": outbox,
            "orderedItems": [create(&peer, 1, "Nextcloud", "https://nextcloud.com", "Google Drive")],
            "first": {
                "type": "CollectionPage", "id": format!("{outbox}/1"),
                "items": [create(&peer, 2, "Seafile", "https://www.seafile.com", "Dropbox")],
                "next": format!("{outbox}/2")
            }
        }),
    );
    peer.serve_document(
        "/users/faulty/outbox/2",
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "OrderedCollectionPage", "id": format!("{outbox}/2"),
            "orderedItems": [create(&peer, 3, "Syncthing", "https://syncthing.net", "OneDrive")]
        }),
    );
    let follow = peer.followed_by(&b).await;
    let accept = json!({"type": "Accept", "id": peer.new_id("accepts"),
                        "actor": peer.signer.actor, "object": follow});
    let (status, text) = peer.send(&b, &accept).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let names = eventually("the three recommendations backfilled on B", || async {
        let res = b
            .get(&format!(
                "/api/v1/recommendations?origin={}",
                urlencoding(&peer.signer.actor)
            ))
            .await;
        let (_, found) = listing(&res.body);
        let mut names: Vec<String> = found
            .iter()
            .map(|r| {
                r["software"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        names.sort();
        (names.len() == 3).then_some(names)
    })
    .await;
    assert_eq!(names, ["Nextcloud", "Seafile", "Syncthing"]);
}
on_both_backends!(
    outboxes_with_inline_embedded_and_fetched_pages_backfill,
    outbox_styles
);

fn urlencoding(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
