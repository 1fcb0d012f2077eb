//! A software recommended by several centres is one search result on a node that follows them:
//! one card naming every centre (this node's first, then the nearest), in the API and on the
//! website.

use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNode, TestNodes, recommendation};
use crate::network::{actor, eventually, follow};
use crate::on_both_backends;

async fn set_region(node: &TestNode, region: &str) {
    let username = &node.settings.centre.username;
    let res = node
        .patch(
            &format!("/api/v1/centres/{username}"),
            &json!({"region": region}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
}

async fn publish_nextcloud(node: &TestNode, homepage: &str, replaces: &str, summary: &str) {
    let mut rec = recommendation("Nextcloud", homepage, &[replaces], "files");
    rec["summary"] = json!(summary);
    node.create_recommendation(&rec).await;
}

/// The software cards of a public search on `node`.
async fn cards(node: &TestNode, query: &str) -> Vec<Value> {
    node.search(query)
        .await
        .1
        .into_iter()
        .filter(|r| r["kind"] == "software")
        .collect()
}

async fn one_card(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    let [c] = TestNodes::start(backend, ["geneve"]).await;
    // B is in Brittany; A nearby (same country), C abroad: on B, nearer centres come first,
    // whatever their names ("Centre geneve" sorts before "Centre loire").
    set_region(&a, "FR-ARA").await;
    set_region(&b, "FR-BRE").await;
    set_region(&c, "CH-GE").await;
    publish_nextcloud(
        &a,
        "https://nextcloud.com/",
        "Google Drive",
        "Le cloud de la Loire.",
    )
    .await;
    publish_nextcloud(
        &b,
        "https://www.nextcloud.com",
        "Dropbox",
        "Notre cloud breton.",
    )
    .await;
    publish_nextcloud(
        &c,
        "https://nextcloud.com",
        "OneDrive",
        "Le cloud genevois.",
    )
    .await;
    follow(&b, &a).await;
    follow(&b, &c).await;

    let card = eventually("Nextcloud from three centres on B", || async {
        cards(&b, "q=nextcloud")
            .await
            .into_iter()
            .find(|card| card["centres"] == 3)
    })
    .await;
    // One card, whatever product one asks about, in any of the three centres' words.
    for query in [
        "q=nextcloud",
        "q=google+drive",
        "q=dropbox",
        "q=onedrive",
        "q=cloud",
    ] {
        let found = cards(&b, query).await;
        assert_eq!(found.len(), 1, "{query}: {found:?}");
        assert_eq!(found[0]["name"], "Nextcloud", "{query}");
    }
    let centres: Vec<(&str, bool)> = card["recommended_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["local"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        centres,
        vec![
            (actor(&b).as_str(), true),
            (actor(&a).as_str(), false),
            (actor(&c).as_str(), false),
        ]
    );
    let summaries: Vec<&str> = card["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        vec![
            "Notre cloud breton.",
            "Le cloud de la Loire.",
            "Le cloud genevois."
        ]
    );
    let replaces: Vec<&str> = card["replaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        replaces,
        vec!["Dropbox", "Google Drive", "Microsoft OneDrive"]
    );
    // Facets count the card once; each centre's filter finds it.
    let res = b.get_public("/api/v1/search?q=nextcloud").await;
    assert_eq!(res.body["total"], 1, "{}", res.text);
    assert_eq!(
        res.body["facets"]["kind"],
        json!([{"value": "software", "label": "Logiciel", "count": 1}])
    );
    for centre in [&a, &b, &c] {
        let origin: String =
            url::form_urlencoded::byte_serialize(actor(centre).as_bytes()).collect();
        let found = cards(&b, &format!("q=nextcloud&origin={origin}")).await;
        assert_eq!(found.len(), 1, "{}", actor(centre));
    }

    // The website shows the same: one card naming the three centres, B's first.
    let html = b
        .client
        .get(b.url("/search?q=nextcloud"))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = Html::parse_document(&html);
    let card = Selector::parse("#main article.software").unwrap();
    let articles: Vec<_> = page.select(&card).collect();
    assert_eq!(articles.len(), 1, "{html}");
    let names = Selector::parse(".centres .centre").unwrap();
    let named: Vec<String> = articles[0]
        .select(&names)
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(
        named,
        vec!["Centre bretagne", "Centre loire", "Centre geneve"]
    );
    let reasons = Selector::parse("details").unwrap();
    assert_eq!(articles[0].select(&reasons).count(), 3);
}
on_both_backends!(a_software_from_several_centres_is_one_card, one_card);
