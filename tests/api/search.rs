//! Search over the sample directory: replaced products in any case, accents, aliases, filters,
//! and what the public sees compared with staff.

use crate::helpers::{Backend, TestNode, listing};
use crate::on_both_backends;

fn names(results: &[serde_json::Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| {
            r["software"]["name"]
                .as_str()
                .or(r["name"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

async fn search(backend: Backend) {
    let Some(node) = TestNode::spawn_demo(backend).await else {
        return;
    };

    for q in ["google+drive", "GOOGLE%20DRIVE", "Google+Drive"] {
        let (total, results) = node.search(&format!("q={q}")).await;
        let found = names(&results);
        assert_eq!(total, 2, "{q}: {found:?}");
        assert!(
            found.contains(&"Nextcloud".to_owned()) && found.contains(&"Seafile".to_owned()),
            "{found:?}"
        );
        for r in &results {
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
            assert!(
                r["software"]["homepage"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://")
            );
        }
    }
    // Aliases of products.
    let (_, results) = node.search("q=hangouts").await;
    assert_eq!(names(&results), vec!["Jitsi Meet"]);
    let (_, results) = node.search("q=twitter").await;
    assert_eq!(names(&results), vec!["Mastodon"]);
    let (_, results) = node.search("replaces=twitter").await;
    assert_eq!(names(&results), vec!["Mastodon"]);
    // Accents and case do not matter, in both directions.
    let (_, accented) = node.search("q=visioconf%C3%A9rence").await;
    let (_, plain) = node.search("q=VISIOCONFERENCE").await;
    assert_eq!(names(&accented), names(&plain));
    assert!(
        names(&plain).contains(&"Jitsi Meet".to_owned()),
        "{:?}",
        names(&plain)
    );
    // English category labels are searchable too.
    let (_, results) = node.search("q=video+conferencing").await;
    assert!(names(&results).contains(&"BigBlueButton".to_owned()));

    // Filters.
    let (total, results) = node.search("category=videoconf").await;
    assert_eq!(total, 3, "{:?}", names(&results));
    assert!(results.iter().all(|r| r["category"] == "videoconf"));
    let (total, _) = node.search("q=zoom&category=videoconf").await;
    assert_eq!(total, 3);
    let (total, _) = node.search("origin=nobody@nowhere.example").await;
    assert_eq!(total, 0);
    let (total, _) = node
        .search(&format!(
            "origin=http://localhost:{}/centres/loire&kind=recommendation",
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
    assert_eq!(names(&results), vec!["Camille Exemple-Durand"]);
    // Med-002 is `local`: shown on its own node.
    let (_, results) = node.search("q=yanis").await;
    assert_eq!(names(&results), vec!["Yanis Fictif-Martin"]);

    // Both kinds together, paged across the boundary.
    let (all, _) = node.search("per_page=200").await;
    assert_eq!(all, 64 + 3);
    let (total, page) = node.search("per_page=5&page=13").await;
    assert_eq!(total, 67);
    let kinds: Vec<&str> = page.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec![
            "recommendation",
            "recommendation",
            "recommendation",
            "recommendation",
            "contact"
        ]
    );
    let (_, last) = node.search("per_page=5&page=14").await;
    assert_eq!(last.len(), 2);

    let res = node.get_public("/api/v1/search?kind=places").await;
    assert_eq!(res.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_field(), Some("kind"));
}
on_both_backends!(search_finds_alternatives, search);
