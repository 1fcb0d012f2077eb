//! Hosting providers: one record per organisation, named by recommendations' offers, with a
//! page, in the API; an edit shows in every offer, a provider still offered cannot be deleted.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNodes, key, listing, recommendation};
use crate::on_both_backends;
use crate::site::Visitor;

fn zaclys() -> Value {
    json!({"name": "La Mère Zaclys", "website": "zaclys.com", "kind": "association",
        "chatons": true, "country": "fr"})
}

async fn records(backend: Backend) {
    let node = TestNodes::one(backend).await;

    // Created with a completed website and an upper-cased country; its id is its page.
    let res = node.post("/api/v1/providers", &zaclys()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let provider = res.body.clone();
    assert_eq!(provider["key"], "la-mere-zaclys");
    assert_eq!(provider["id"], node.url("/providers/la-mere-zaclys"));
    assert_eq!(provider["website"], "https://zaclys.com/");
    assert_eq!(provider["country"], "FR");
    assert_eq!(provider["offers"], 0);
    assert!(
        res.headers["location"]
            .to_str()
            .unwrap()
            .ends_with("/api/v1/providers/la-mere-zaclys")
    );

    // The same website written differently is the same provider: 409 naming the record.
    let mut again = zaclys();
    again["website"] = json!("https://www.zaclys.com/");
    let res = node.post("/api/v1/providers", &again).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert_eq!(res.error_field(), Some("website"));
    assert!(res.text.contains("la-mere-zaclys"), "{}", res.text);
    let mut bad = zaclys();
    bad["website"] = json!("autre.example");
    bad["country"] = json!("France");
    let res = node.post("/api/v1/providers", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.error_field(), Some("country"));

    // An offer names it by key; an unknown key is refused at its field.
    let mut nextcloud = recommendation(
        "Nextcloud",
        "https://nextcloud.com",
        &["Google Drive"],
        "files",
    );
    nextcloud["hosting"] = json!([{"name": "Nuage", "url": "https://nuage.zaclys.com",
        "provider": "nobody"}]);
    let res = node.post("/api/v1/recommendations", &nextcloud).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.error_field(), Some("hosting.0.provider"));
    nextcloud["hosting"][0]["provider"] = json!("la-mere-zaclys");
    let created = node.create_recommendation(&nextcloud).await;
    let card = &created["hosting"][0]["provider"];
    assert_eq!(card["name"], "La Mère Zaclys", "{created}");
    assert_eq!(card["chatons"], true);
    assert_eq!(card["kind"], "association");

    // Or describes it: the record with that website, else a new one.
    let mut jitsi = recommendation("Jitsi Meet", "https://jitsi.org", &["Zoom"], "videoconf");
    jitsi["hosting"] = json!([
        {"name": "Framatalk", "url": "https://framatalk.org", "provider":
            {"name": "Framasoft", "website": "framasoft.org", "kind": "association",
             "chatons": true}},
        {"name": "Zaclys Visio", "url": "https://visio.zaclys.com", "provider":
            {"name": "Autre nom", "website": "http://www.zaclys.com", "kind": "company"}},
    ]);
    let created_jitsi = node.create_recommendation(&jitsi).await;
    assert_eq!(created_jitsi["hosting"][0]["provider"]["key"], "framasoft");
    // Found by its website, and not changed by a description.
    assert_eq!(
        created_jitsi["hosting"][1]["provider"]["name"],
        "La Mère Zaclys"
    );
    let (total, providers) = listing(&node.get_public("/api/v1/providers").await.body);
    assert_eq!(total, 2);
    assert_eq!(providers[0]["name"], "Framasoft");
    assert_eq!(providers[1]["offers"], 2);

    // An edit of the record shows in every offer that names it.
    let res = node
        .patch(
            "/api/v1/providers/la-mere-zaclys",
            &json!({"name": "Zaclys", "chatons": false}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["offers"], 2);
    for (rec, offer) in [(&created, 0), (&created_jitsi, 1)] {
        let now = node
            .get(&format!("/api/v1/recommendations/{}", key(&rec["id"])))
            .await
            .body;
        let card = &now["hosting"][offer]["provider"];
        assert_eq!(card["name"], "Zaclys", "{now}");
        assert_eq!(card["chatons"], false);
    }
    let (total, hosted) = listing(
        &node
            .get_public("/api/v1/recommendations?provider=la-mere-zaclys")
            .await
            .body,
    );
    assert_eq!(total, 2, "{hosted:?}");
    let (total, _) = listing(
        &node
            .get_public("/api/v1/recommendations?provider=%25")
            .await
            .body,
    );
    assert_eq!(total, 0, "a key is not a pattern");

    // Its page says what it is and lists the recommendations offering its services.
    let visitor = Visitor::new(&node, "fr");
    let page = visitor.get("/providers/la-mere-zaclys").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text_of("h1").as_deref(), Some("Zaclys"));
    assert!(page.text.contains("Association"), "{}", page.text);
    assert!(page.text.contains("Non membre"));
    assert_eq!(page.count("article.card"), 2, "{}", page.text);
    let software = visitor.get("/software/nextcloud").await;
    assert_eq!(
        software.count("a[href='/providers/la-mere-zaclys']"),
        1,
        "{}",
        software.text
    );
    let list = visitor.get("/providers").await;
    assert_eq!(list.count("ul.providers li"), 2);

    // Still offered: not deleted. Once no offer names it: deleted.
    let res = node.delete("/api/v1/providers/la-mere-zaclys").await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    for rec in [&created, &created_jitsi] {
        let res = node
            .patch(
                &format!("/api/v1/recommendations/{}", key(&rec["id"])),
                &json!({"hosting": []}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    }
    let res = node.delete("/api/v1/providers/la-mere-zaclys").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    assert_eq!(
        node.get_public("/api/v1/providers/la-mere-zaclys")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Writes need the token.
    let res = node
        .request(
            reqwest::Method::POST,
            "/api/v1/providers",
            None,
            Some(&zaclys()),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}
on_both_backends!(providers_are_shared_records_named_by_offers, records);
