//! Workshops and permanences between two nodes: ActivityStreams `Event`s shaped like
//! Mobilizon's, backfilled, pushed, edited, deleted; what a Mastodon server reads of them;
//! hostile events refused or cleaned.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNode, TestNodes, key, listing};
use crate::network::{actor, eventually, follow, note_of, spec};
use crate::on_both_backends;
use crate::peer::{Signer, Tamper, deliver};

fn place() -> Value {
    json!({
        "pivot": "43493312300029",
        "nom": "Médiathèque « L'Île aux mots »",
        "commune": "Saint-Chamond",
        "code_postal": "42400",
        "adresse": "12 rue de la République",
        "latitude": 45.4766,
        "longitude": 4.5125,
        "date_maj": "2026-11-30"
    })
}

/// A workshop `days` from now, 14:00–16:00 at +01:00.
fn workshop(name: &str, place: &str, days: i64) -> Value {
    let day = (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d");
    json!({
        "name": name,
        "start": format!("{day}T14:00:00+01:00"),
        "end": format!("{day}T16:00:00+01:00"),
        "place": place,
        "summary": "Créer son compte & partager un fichier.",
        "booking_url": "https://rdv.example/atelier"
    })
}

async fn events_of(node: &TestNode) -> Vec<Value> {
    listing(&node.get_public("/api/v1/events").await.body).1
}

async fn event_on(node: &TestNode, id: &str) -> Option<Value> {
    events_of(node).await.into_iter().find(|e| e["id"] == id)
}

async fn publish_edit_delete(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"].map(|n| spec(n, false))).await;
    let res = a.post("/api/v1/places", &place()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let place_key = key(&res.body["id"]);
    let res = a
        .post(
            "/api/v1/events",
            &workshop("Atelier Nextcloud", &place_key, 3),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let before = res.body;
    let before_id = before["id"].as_str().unwrap().to_owned();

    // The Event as peers and Mastodon fetch it, shaped like Mobilizon's.
    let event = note_of(&a, &before_id).await;
    assert_eq!(event["type"], "Event");
    assert_eq!(event["id"], before_id.as_str());
    assert_eq!(event["url"], before_id.as_str());
    assert_eq!(event["attributedTo"], actor(&a));
    assert_eq!(
        event["to"][0],
        "https://www.w3.org/ns/activitystreams#Public"
    );
    assert_eq!(event["cc"][0], format!("{}/followers", actor(&a)));
    assert_eq!(event["name"], "Atelier Nextcloud");
    assert_eq!(event["startTime"], before["start"]);
    assert_eq!(event["endTime"], before["end"]);
    assert_eq!(event["location"]["type"], "Place");
    assert_eq!(event["location"]["name"], "Médiathèque « L'Île aux mots »");
    assert_eq!(event["location"]["address"]["type"], "PostalAddress");
    assert_eq!(event["location"]["address"]["postalCode"], "42400");
    assert_eq!(
        event["location"]["address"]["addressLocality"],
        "Saint-Chamond"
    );
    assert_eq!(event["location"]["latitude"], 45.4766);
    assert_eq!(
        event["location"]["id"],
        a.url(&format!("/places/{place_key}"))
    );
    // Mastodon shows an Event as its name, its summary and a link to its url: the summary says
    // when and where in plain text (no markup), then the description.
    let summary = event["summary"].as_str().unwrap();
    assert!(summary.contains("14:00–16:00"), "{summary}");
    assert!(summary.contains("Saint-Chamond"), "{summary}");
    assert!(
        summary.ends_with("Créer son compte & partager un fichier."),
        "{summary}"
    );
    assert!(!summary.contains('<'), "{summary}");
    let content = event["content"].as_str().unwrap();
    assert!(
        content.contains("Créer son compte &amp; partager"),
        "{content}"
    );
    assert!(
        content.contains("href=\"https://rdv.example/atelier\""),
        "{content}"
    );
    assert_eq!(
        event["maillage:event"]["bookingUrl"],
        "https://rdv.example/atelier"
    );

    // Not edited yet: no `updated` (Mastodon shows a status with one as edited).
    assert!(event.get("updated").is_none(), "{event}");

    // B follows A: the earlier event is backfilled, with A as origin and the place's address.
    follow(&b, &a).await;
    let copy = eventually("the earlier event on B", || event_on(&b, &before_id)).await;
    assert_eq!(copy["origin"], actor(&a));
    assert_eq!(copy["local"], false);
    assert_eq!(copy["start"], before["start"]);
    assert_eq!(copy["summary"], "Créer son compte & partager un fichier.");
    assert_eq!(copy["booking_url"], "https://rdv.example/atelier");
    assert_eq!(copy["location"]["locality"], "Saint-Chamond");
    assert_eq!(copy["location"]["latitude"], 45.4766);
    // The place came first in A's outbox: B's copy of the event is at B's copy of the place,
    // whose page lists it among its upcoming workshops.
    let place_id = a.url(&format!("/places/{place_key}"));
    assert_eq!(copy["place"], place_id.as_str(), "{copy}");
    let get_html = |path: String| {
        let client = b.client.clone();
        let url = b.url(&path);
        async move {
            let res = client
                .get(url)
                .header("accept-language", "fr")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.text().await.unwrap()
        }
    };
    let list = get_html("/places".into()).await;
    let keys: std::collections::BTreeSet<&str> = list
        .split("href=\"/places/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|k| !k.is_empty() && !k.contains('?'))
        .collect();
    assert_eq!(keys.len(), 1, "B lists A's place once: {keys:?}");
    let page = get_html(format!("/places/{}", keys.first().unwrap())).await;
    assert!(
        page.contains("Atelier Nextcloud"),
        "B's page of A's place lists the workshop: {page}"
    );
    // A's page for it says when in French, links the place's page and the booking.
    let page = a
        .client
        .get(&before_id)
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("14:00–16:00"), "{html}");
    assert!(
        html.contains(&format!("href=\"/places/{place_key}\"")),
        "{html}"
    );
    assert!(
        html.contains("href=\"https://rdv.example/atelier\""),
        "{html}"
    );

    // Created, edited, deleted on A: B follows within seconds.
    let res = a
        .post(
            "/api/v1/events",
            &workshop("Permanence numérique", &place_key, 5),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.body["id"].as_str().unwrap().to_owned();
    eventually("the new event on B", || event_on(&b, &id)).await;
    let res = a
        .patch(
            &format!("/api/v1/events/{}", key(&res.body["id"])),
            &json!({"name": "Permanence numérique (complet)"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    eventually("the edit on B", || async {
        event_on(&b, &id)
            .await
            .filter(|e| e["name"] == "Permanence numérique (complet)")
    })
    .await;
    assert_eq!(
        a.delete(&format!("/api/v1/events/{}", key(&json!(id))))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    eventually("the deletion on B", || async {
        event_on(&b, &id).await.is_none().then_some(())
    })
    .await;
    let res = a
        .client
        .get(&id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    // The earlier one is still there.
    assert!(event_on(&b, &before_id).await.is_some());
}
on_both_backends!(events_backfill_publish_edit_delete, publish_edit_delete);

/// Events pushed by a followed centre are checked like local input: markup stripped, bad
/// links, inverted times and someone else's ids refused.
async fn hostile(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"].map(|n| spec(n, false))).await;
    follow(&b, &a).await;
    let signer = Signer::centre_of(&a).await;
    let inbox = format!("{}/inbox", b.base);
    let event = |n: &str, name: &str, start: &str, end: &str, booking: &str| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Create",
            "id": format!("{}/activities/create/hostile-{n}", a.base),
            "actor": actor(&a),
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {
                "type": "Event",
                "id": format!("{}/events/hostile-{n}", a.base),
                "attributedTo": actor(&a),
                "name": name,
                "content": "<p>Bonjour</p>",
                "startTime": start,
                "endTime": end,
                "location": {"type": "Place", "name": "<i>Salle</i> 3",
                             "id": "https://elsewhere.example/places/1",
                             "address": {"type": "PostalAddress", "addressLocality": "Lyon"}},
                "maillage:event": {"description": "<script>alert(1)</script>Venez !",
                                   "bookingUrl": booking}
            }
        })
    };
    let (status, text) = deliver(
        &inbox,
        &event(
            "ok",
            "<b>Atelier</b> libre",
            "2030-01-10T14:00:00+01:00",
            "2030-01-10T16:00:00+01:00",
            "https://rdv.example/",
        ),
        &signer,
        Tamper::default(),
    )
    .await;
    assert!(status.is_success(), "{status} {text}");
    let stored = eventually("the cleaned event on B", || async {
        events_of(&b)
            .await
            .into_iter()
            .find(|e| e["id"] == format!("{}/events/hostile-ok", a.base))
    })
    .await;
    assert_eq!(stored["name"], "Atelier libre");
    assert_eq!(stored["summary"], "Venez !");
    assert_eq!(stored["location"]["name"], "Salle 3");
    assert!(
        stored["location"].get("id").is_none(),
        "a place id on another server is dropped"
    );
    for (n, start, end, booking) in [
        (
            "inverted",
            "2030-01-10T16:00:00+01:00",
            "2030-01-10T14:00:00+01:00",
            "https://rdv.example/",
        ),
        (
            "script",
            "2030-01-10T14:00:00+01:00",
            "2030-01-10T16:00:00+01:00",
            "javascript:alert(1)",
        ),
    ] {
        let (status, _) = deliver(
            &inbox,
            &event(n, "Atelier", start, end, booking),
            &signer,
            Tamper::default(),
        )
        .await;
        assert!(status.is_client_error(), "{n}: {status}");
    }
    // An event whose id is on another server than its actor's is refused.
    let mut forged = event(
        "forged",
        "Atelier",
        "2030-01-10T14:00:00+01:00",
        "2030-01-10T16:00:00+01:00",
        "https://rdv.example/",
    );
    forged["object"]["id"] = json!(format!("{}/events/forged", b.base));
    let (status, _) = deliver(&inbox, &forged, &signer, Tamper::default()).await;
    assert!(status.is_client_error(), "{status}");
    let (_, all) = listing(&b.get("/api/v1/events").await.body);
    assert_eq!(all.len(), 1, "{all:?}");

    // Blocking A's domain takes its events away with the rest.
    let res = b
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": format!("localhost:{}", a.port), "rule": "block"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let (total, _) = listing(&b.get("/api/v1/events").await.body);
    assert_eq!(total, 0);
}
on_both_backends!(hostile_events_are_cleaned_or_refused, hostile);
