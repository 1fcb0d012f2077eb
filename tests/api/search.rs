//! Search over the sample directory and over entries made by the tests: replaced products and
//! their aliases, accents, prefixes and typos, facets, pages, ranking, what the public sees
//! compared with staff, read-your-writes, and rebuilding the index. (What visitors ask, in
//! their own words, is in `search_queries`.)

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNode, TestNodes, key, listing, recommendation};
use crate::on_both_backends;

fn names(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| r["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The whole answer of a public search.
async fn body(node: &TestNode, query: &str) -> Value {
    let res = node.get_public(&format!("/api/v1/search?{query}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.body
}

/// `value -> count` of one facet.
fn facet(body: &Value, name: &str) -> Vec<(String, u64)> {
    body["facets"][name]
        .as_array()
        .unwrap_or_else(|| panic!("no facet {name}: {body}"))
        .iter()
        .map(|f| {
            (
                f["value"].as_str().unwrap().to_owned(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn count_of(body: &Value, name: &str, value: &str) -> u64 {
    facet(body, name)
        .into_iter()
        .find(|(v, _)| v == value)
        .map_or(0, |(_, n)| n)
}

async fn search(backend: Backend) {
    let node = TestNodes::sample(backend).await;

    for q in ["google+drive", "GOOGLE%20DRIVE", "Google+Drive"] {
        let (total, results) = node.search(&format!("q={q}")).await;
        let found = names(&results);
        assert_eq!(total, 2, "{q}: {found:?}");
        assert!(
            found.contains(&"Nextcloud".to_owned()) && found.contains(&"Seafile".to_owned()),
            "{found:?}"
        );
        // Each software is a card holding its centres' recommendations.
        for card in &results {
            assert_eq!(card["kind"], "software");
            let recs = card["recommendations"].as_array().unwrap();
            assert_eq!(recs.len(), 1);
            let r = &recs[0];
            assert_eq!(r["kind"], "recommendation");
            assert!(r["id"].as_str().unwrap().starts_with("http://localhost:"));
            assert_eq!(
                r["origin"],
                format!("http://localhost:{}/centres/loire", node.port)
            );
            assert!(
                r["replaces"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p == "Google Drive")
            );
            assert!(!r["summary"].as_str().unwrap().is_empty());
        }
    }
    let (total, results) = node.search("q=google+drive&kind=software").await;
    assert_eq!(total, 2, "{:?}", names(&results));
    for r in &results {
        assert_eq!(r["kind"], "software");
        assert!(r["homepage"].as_str().unwrap().starts_with("https://"));
        assert!(r["centres"].as_u64().unwrap() >= 1);
        assert!(
            r["replaces"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == "Google Drive")
        );
        assert!(
            r["categories"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "files")
        );
    }

    // Aliases of products, by words and by filter.
    let (_, results) = node.search("q=hangouts&kind=software").await;
    assert_eq!(names(&results), vec!["Jitsi Meet"]);
    let (_, results) = node.search("q=twitter&kind=software").await;
    assert_eq!(names(&results)[0], "Mastodon");
    let (_, results) = node.search("replaces=twitter&kind=software").await;
    assert_eq!(names(&results), vec!["Mastodon"]);
    let (_, results) = node.search("q=x&kind=software").await;
    assert!(
        names(&results).contains(&"Mastodon".to_owned()),
        "{:?}",
        names(&results)
    );
    // Accents and case do not matter, in both directions.
    let (_, accented) = node.search("q=visioconf%C3%A9rence").await;
    let (_, plain) = node.search("q=VISIOCONFERENCE").await;
    assert_eq!(names(&accented), names(&plain));
    assert!(
        names(&plain).contains(&"Jitsi Meet".to_owned()),
        "{:?}",
        names(&plain)
    );
    // A prefix, and a typo in a longer word.
    let (_, results) = node.search("q=visio&kind=software").await;
    assert!(
        names(&results).contains(&"Jitsi Meet".to_owned()),
        "{:?}",
        names(&results)
    );
    let (_, results) = node.search("q=nextclod").await;
    assert!(
        names(&results).contains(&"Nextcloud".to_owned()),
        "{:?}",
        names(&results)
    );
    // English category labels are searchable too, and stemmed.
    let (_, results) = node.search("q=video+conferencing").await;
    assert!(names(&results).contains(&"BigBlueButton".to_owned()));

    // Filters.
    let (total, results) = node.search("category=videoconf&kind=software").await;
    assert_eq!(total, 3, "{:?}", names(&results));
    assert!(
        results
            .iter()
            .all(|r| r["categories"] == json!(["videoconf"]))
    );
    let (total, _) = node.search("q=zoom&category=videoconf&kind=software").await;
    assert_eq!(total, 3);
    let (total, _) = node.search("origin=nobody@nowhere.example").await;
    assert_eq!(total, 0);
    let (total, _) = node
        .search(&format!(
            "origin=http://localhost:{}/centres/loire&kind=software",
            node.port
        ))
        .await;
    assert_eq!(total, 64);

    // Contacts: the public sees local and public cards, staff see all five.
    let (public, results) = node.search("kind=contact").await;
    assert_eq!(public, 3, "{:?}", names(&results));
    assert!(results.iter().all(|r| r["kind"] == "contact"));
    assert!(
        !names(&results).contains(&"Aïcha Specimen".to_owned()),
        "withdrew consent"
    );
    let staff = node.get("/api/v1/search?kind=contact").await;
    assert_eq!(listing(&staff.body).0, 5);
    let (_, results) = node.search("q=mediatrice").await;
    assert_eq!(names(&results)[0], "Camille Exemple-Durand");
    let (_, results) = node.search("q=yanis").await;
    assert_eq!(names(&results), vec!["Yanis Fictif-Martin"]);

    // Bad values name their field.
    for (query, field) in [
        ("kind=places", "kind"),
        ("category=spaceships", "category"),
        ("region=France", "region"),
        ("page=0", "page"),
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
    ] {
        let res = node.get_public(&format!("/api/v1/search?{query}")).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(res.error_field(), Some(field), "{query}");
    }
}
on_both_backends!(search_finds_alternatives, search);

async fn facets_and_pages(backend: Backend) {
    let node = TestNodes::sample(backend).await;
    let all = body(&node, "per_page=5").await;
    let total = all["total"].as_i64().unwrap();
    let software = count_of(&all, "kind", "software");
    // One result per recommended software (64), per public contact (3) and per centre (1).
    assert_eq!(software, 64);
    assert_eq!(count_of(&all, "kind", "contact"), 3);
    assert_eq!(count_of(&all, "kind", "centre"), 1);
    assert_eq!(total, 64 + 3 + 1);
    assert_eq!(
        (all["page"].as_u64(), all["per_page"].as_u64()),
        (Some(1), Some(5))
    );
    assert_eq!(all["results"].as_array().unwrap().len(), 5);
    let kinds = all["facets"]["kind"].as_array().unwrap();
    assert!(
        kinds
            .iter()
            .any(|k| k["value"] == "software" && k["label"] == "Logiciel")
    );
    let categories = all["facets"]["category"].as_array().unwrap();
    assert!(
        categories
            .iter()
            .any(|c| c["value"] == "files" && c["label"] == "Stockage et partage de fichiers")
    );
    let origin = &all["facets"]["origin"][0];
    assert_eq!(origin["label"], "Annuaire libre Loire");
    assert!(!facet(&all, "replaces").is_empty());
    assert!(!facet(&all, "license").is_empty());

    // Counts follow the filters, and a facet value given back as a filter finds its count.
    let videoconf = body(&node, "category=videoconf").await;
    assert_eq!(
        facet(&videoconf, "category")[0],
        (
            "videoconf".to_owned(),
            u64::try_from(total_of(&videoconf)).unwrap()
        )
    );
    assert_eq!(count_of(&videoconf, "kind", "software"), 3);
    assert_eq!(count_of(&videoconf, "kind", "contact"), 0);
    let (license, count) = facet(&all, "license")[0].clone();
    let (total, _) = node
        .search(&format!("license={}", urlencode(&license)))
        .await;
    assert_eq!(u64::try_from(total).unwrap(), count, "{license}");
    let (product, count) = facet(&all, "replaces")[0].clone();
    let (total, _) = node
        .search(&format!("replaces={}", urlencode(&product)))
        .await;
    assert_eq!(u64::try_from(total).unwrap(), count, "{product}");

    // Pages cover every hit once, in a stable order.
    let mut seen = Vec::new();
    for page in 1.. {
        let page = body(&node, &format!("per_page=40&page={page}")).await;
        let results = page["results"].as_array().unwrap().clone();
        if results.is_empty() {
            break;
        }
        assert_eq!(page["total"].as_i64(), Some(total_of(&all)));
        seen.extend(results.iter().map(|r| {
            format!(
                "{}:{}",
                r["kind"].as_str().unwrap(),
                r["id"].as_str().or(r["slug"].as_str()).unwrap()
            )
        }));
    }
    assert_eq!(seen.len() as i64, total_of(&all));
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
}
on_both_backends!(search_counts_facets_and_pages, facets_and_pages);

fn total_of(body: &Value) -> i64 {
    body["total"].as_i64().unwrap()
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

async fn ranking_and_visibility(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let res = node
        .post(
            "/api/v1/centres",
            &json!({"username": "bretagne", "name": "Annuaire des communs Bretagne"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    // Two centres recommend Popular, one recommends Lonely: same words, Popular first.
    let popular = recommendation(
        "Popular Tableur",
        "https://popular.example",
        &["Google Sheets"],
        "office",
    );
    let lonely = recommendation(
        "Lonely Tableur",
        "https://lonely.example",
        &["Google Sheets"],
        "office",
    );
    node.create_recommendation(&lonely).await;
    node.create_recommendation(&popular).await;
    let res = node
        .post("/api/v1/recommendations?centre=bretagne", &popular)
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let (_, results) = node.search("q=tableur&kind=software").await;
    assert_eq!(names(&results), vec!["Popular Tableur", "Lonely Tableur"]);
    assert_eq!(results[0]["centres"], 2);
    // One card, both centres' recommendations in it.
    assert_eq!(results[0]["recommendations"].as_array().unwrap().len(), 2);

    // A draft, a moderation-hidden entry and a hidden card: staff only, counts included.
    let mut draft = recommendation(
        "Brouillon Secret",
        "https://draft.example",
        &["Zoom"],
        "videoconf",
    );
    draft["status"] = json!("draft");
    node.create_recommendation(&draft).await;
    let res = node
        .post(
            "/api/v1/contacts",
            &json!({"name": "Carte Cachée", "role": "médiation"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    for query in [
        "q=brouillon",
        "q=secret",
        "q=zoom",
        "q=cachee",
        "category=videoconf",
    ] {
        let found = body(&node, query).await;
        assert_eq!(total_of(&found), 0, "{query}: {found}");
        assert!(facet(&found, "kind").is_empty(), "{query}");
    }
    let everything = body(&node, "per_page=50").await;
    assert_eq!(count_of(&everything, "category", "videoconf"), 0);
    assert_eq!(count_of(&everything, "replaces", "Zoom"), 0);
    let staff = node.get("/api/v1/search?q=brouillon").await;
    assert_eq!(
        listing(&staff.body).0,
        1,
        "the draft's software: {}",
        staff.text
    );
    assert_eq!(
        listing(&staff.body).1[0]["recommendations"][0]["status"],
        "draft"
    );
    let staff = node.get("/api/v1/search?q=cachee").await;
    assert_eq!(listing(&staff.body).0, 1);
}
on_both_backends!(search_ranks_and_hides, ranking_and_visibility);

async fn read_your_writes(backend: Backend) {
    let node = TestNodes::one(backend).await;
    // "mediation" finds an accented card as soon as it is written.
    let res = node
        .post(
            "/api/v1/contacts",
            &json!({"name": "Inès Exemple", "role": "Médiation numérique",
                    "visibility": "local",
                    "consent": {"given_at": "2026-01-12T15:30:00Z"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let card = key(&res.body["id"]);
    let (_, results) = node.search("q=mediation").await;
    assert_eq!(names(&results), vec!["Inès Exemple"]);

    let created = node
        .create_recommendation(&recommendation(
            "Galène",
            "https://galene.org",
            &["Hangouts"],
            "videoconf",
        ))
        .await;
    let rec = key(&created["id"]);
    let (_, results) = node.search("q=meet&kind=software").await;
    assert_eq!(names(&results), vec!["Galène"]);
    let (_, results) = node.search("q=visio&kind=software").await;
    assert_eq!(names(&results), vec!["Galène"]);

    let res = node
        .patch(
            &format!("/api/v1/recommendations/{rec}"),
            &json!({"replaces": ["Zoom"], "summary": "Pour les réunions en ligne."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let (total, results) = node.search("q=hangouts").await;
    assert_eq!(total, 0, "{results:#?}");
    let (_, results) = node.search("q=zoom&kind=software").await;
    assert_eq!(names(&results), vec!["Galène"]);

    let res = node.delete(&format!("/api/v1/recommendations/{rec}")).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let (total, results) = node.search("q=galene").await;
    assert_eq!(total, 0, "{:?}", names(&results));
    let res = node.delete(&format!("/api/v1/contacts/{card}")).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    let (total, _) = node.search("q=mediation").await;
    assert_eq!(total, 0);
}
on_both_backends!(search_reads_its_writes, read_your_writes);

async fn rebuild(backend: Backend) {
    let mut node = TestNodes::sample(backend).await;
    node.create_recommendation(&recommendation(
        "Visiolibre",
        "https://visiolibre.example",
        &["Hangouts"],
        "videoconf",
    ))
    .await;
    let queries = ["per_page=200", "q=hangouts", "q=nextclod", "category=files"];
    let mut before = Vec::new();
    for q in queries {
        before.push(answer(&body(&node, q).await));
    }
    let index = node.data_dir.path().join("search-index");
    assert!(
        index.join("meta.json").is_file(),
        "the index is kept on disk"
    );

    // Restarted as it was, then with the index deleted, then with it damaged.
    node.restart().await;
    for (q, expected) in queries.iter().zip(&before) {
        assert_eq!(
            &answer(&body(&node, q).await),
            expected,
            "{q} after a restart"
        );
    }
    node.stop_server().await;
    std::fs::remove_dir_all(&index).unwrap();
    node.restart().await;
    for (q, expected) in queries.iter().zip(&before) {
        assert_eq!(
            &answer(&body(&node, q).await),
            expected,
            "{q} after deleting the index"
        );
    }
    node.stop_server().await;
    std::fs::write(index.join("meta.json"), "not an index").unwrap();
    node.restart().await;
    for (q, expected) in queries.iter().zip(&before) {
        assert_eq!(
            &answer(&body(&node, q).await),
            expected,
            "{q} after damaging the index"
        );
    }
}
on_both_backends!(search_rebuilds_its_index, rebuild);

/// What must not change when the index is rebuilt: the total, the facets, and which entries
/// match. (BM25 counts deleted documents until segments merge, so among scores that differ by
/// a hair the order of a query with words may differ; without words it may not.)
fn answer(body: &Value) -> Value {
    let mut ids: Vec<String> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().or(r["slug"].as_str()).unwrap().to_owned())
        .collect();
    if body["results"].as_array().unwrap().len() < 200 {
        ids.sort();
    }
    json!({"total": body["total"], "facets": body["facets"], "ids": ids})
}
