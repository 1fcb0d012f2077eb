//! Centres: the configured first one, more through the API, profile edits.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestNodes, listing, recommendation};
use crate::on_both_backends;

async fn centres(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let (total, results) = listing(&node.get_public("/api/v1/centres").await.body);
    assert_eq!(total, 1);
    let first = &results[0];
    assert_eq!(first["username"], "loire");
    assert_eq!(first["name"], "Annuaire libre Loire");
    assert_eq!(first["handle"], format!("@loire@localhost:{}", node.port));
    assert_eq!(
        first["id"],
        format!("http://localhost:{}/centres/loire", node.port)
    );
    assert_eq!(first["local"], true);

    // Another centre on the same node.
    let res = node
        .post("/api/v1/centres", &json!({"username": "Bretagne", "name": "Annuaire des communs Bretagne",
                                          "region": "fr-bre", "website": "https://communs.example"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["username"], "bretagne");
    assert_eq!(res.body["region"], "FR-BRE");
    assert!(
        res.headers["location"]
            .to_str()
            .unwrap()
            .ends_with("/api/v1/centres/bretagne")
    );

    for (body, status, field) in [
        (
            json!({"username": "bretagne", "name": "Doublon"}),
            StatusCode::CONFLICT,
            "username",
        ),
        (
            json!({"username": "-bad-", "name": "X"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "username",
        ),
        (
            json!({"username": "ok", "name": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "name",
        ),
        (
            json!({"username": "ok", "name": "X", "icon": "data:image/png;base64,xx"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "icon",
        ),
        (
            json!({"name": "X"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "username",
        ),
    ] {
        let res = node.post("/api/v1/centres", &body).await;
        assert_eq!(res.status, status, "{}", res.text);
        assert_eq!(res.error_field(), Some(field), "{}", res.text);
    }
    assert_eq!(listing(&node.get_public("/api/v1/centres").await.body).0, 2);

    // Profile edits.
    let res = node
        .patch(
            "/api/v1/centres/loire",
            &json!({"summary": "Médiation numérique dans la Loire.", "region": "FR-ARA"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["summary"], "Médiation numérique dans la Loire.");
    assert_eq!(res.body["name"], "Annuaire libre Loire");
    let res = node
        .patch("/api/v1/centres/loire", &json!({"region": null}))
        .await;
    assert!(res.body.get("region").is_none());
    let res = node
        .patch("/api/v1/centres/loire", &json!({"website": "not a url"}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_field(), Some("website"));
    let res = node
        .patch("/api/v1/centres/loire", &json!({"username": "renamed"}))
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a username cannot change"
    );
    assert_eq!(
        node.patch("/api/v1/centres/nowhere", &json!({"name": "X"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        node.get_public("/api/v1/centres/bretagne").await.body["name"],
        "Annuaire des communs Bretagne"
    );

    // A recommendation written as the second centre has it as origin.
    let res = node
        .post(
            "/api/v1/recommendations?centre=bretagne",
            &recommendation("WordPress", "https://wordpress.org", &["Wix"], "web"),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(
        res.body["origin"],
        format!("http://localhost:{}/centres/bretagne", node.port)
    );
    assert_eq!(res.body["origin_name"], "Annuaire des communs Bretagne");
    let res = node
        .post(
            "/api/v1/recommendations?centre=nowhere",
            &recommendation("WordPress", "https://wordpress.org", &["Wix"], "web"),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // Two centres recommending the same software: one software, recommended by two centres.
    node.create_recommendation(&recommendation(
        "WordPress",
        "http://www.WordPress.org/",
        &["Blogger"],
        "web",
    ))
    .await;
    let (total, results) = listing(&node.get_public("/api/v1/software").await.body);
    assert_eq!(total, 1);
    assert_eq!(results[0]["recommended_by"], 2);
    let (n, recs) = listing(
        &node
            .get_public("/api/v1/recommendations?software=wordpress")
            .await
            .body,
    );
    assert_eq!(n, 2);
    let summaries: Vec<&str> = recs
        .iter()
        .map(|r| r["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries.contains(&"WordPress remplace Wix.")
            && summaries.contains(&"WordPress remplace Blogger.")
    );
}
on_both_backends!(centres_are_created_and_edited, centres);

/// A fresh centre is not a blank profile on the fediverse: its actor has a description built
/// from its name and region, and an avatar the node draws, served as a PNG with cache headers;
/// both give way to what staff set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_centre_has_a_description_and_an_avatar() {
    let node = TestNodes::one(Backend::Sqlite).await;
    let res = node
        .post(
            "/api/v1/centres",
            &json!({"username": "bretagne", "name": "Les communs bretons", "region": "FR-BRE"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    // The centre as a fediverse server fetches it.
    let actor_of = || async {
        node.client
            .get(node.url("/centres/bretagne"))
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    let actor = actor_of().await;
    let summary = actor["summary"].as_str().unwrap_or_default();
    assert!(
        summary.contains("Les communs bretons") && summary.contains("en Bretagne"),
        "{actor}"
    );
    let icon = actor["icon"]["url"].as_str().expect("an icon").to_owned();
    assert_eq!(icon, node.url("/centres/bretagne/avatar.png"));
    let image = node.client.get(&icon).send().await.unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert!(
        image.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age"),
    );
    let etag = image.headers()["etag"].clone();
    let bytes = image.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    let again = node
        .client
        .get(&icon)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        node.client
            .get(node.url("/centres/nobody/avatar.png"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // What staff set wins.
    let res = node
        .patch(
            "/api/v1/centres/bretagne",
            &json!({"summary": "Nos ateliers à Rennes.", "icon": "https://communs.example/logo.png"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["icon"], "https://communs.example/logo.png");
    let actor = actor_of().await;
    assert_eq!(
        actor["summary"].as_str(),
        Some("<p>Nos ateliers à Rennes.</p>"),
        "{actor}"
    );
    assert_eq!(actor["icon"]["url"], "https://communs.example/logo.png");
}
