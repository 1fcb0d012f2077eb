//! The public website, page by page, in French and in English, as HTML parsed from real HTTP
//! answers of a node loaded with the sample directory.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestNodes, key};
use crate::on_both_backends;
use crate::site::Visitor;

/// Pages every visitor can open on the demo node.
const PAGES: &[&str] = &[
    "/",
    "/search",
    "/search?q=google+drive",
    "/search?q=visio&page=1",
    "/software/nextcloud",
    "/centres",
    "/centres/loire",
    "/categories/files",
    "/search?q=zzzzqqqq",
    "/tags/Nextcloud",
    "/tags/AlternativeGoogleDrive",
    "/places",
    "/places?near=42400",
    "/places?near=Atlantide",
];

async fn every_page_in_both_languages(backend: Backend) {
    let node = TestNodes::demo(backend).await;
    for (accept, lang, skip) in [
        ("fr-FR,fr;q=0.9", "fr", "Aller au contenu"),
        ("en-GB,en;q=0.9", "en", "Skip to content"),
    ] {
        let visitor = Visitor::new(&node, accept);
        for path in PAGES {
            let page = visitor.get(path).await;
            assert_eq!(
                page.status,
                StatusCode::OK,
                "{path} ({lang}): {}",
                page.text
            );
            assert_eq!(page.attr("html", "lang").as_deref(), Some(lang), "{path}");
            assert_eq!(page.text_of("a.skip").as_deref(), Some(skip), "{path}");
            assert_eq!(page.attr("a.skip", "href").as_deref(), Some("#main"));
            assert_eq!(page.count("main#main"), 1, "{path}");
            assert_eq!(page.count("h1"), 1, "{path}: one h1");
            assert!(
                page.text_of("title")
                    .is_some_and(|t| t.ends_with("Maillage"))
            );
            // Every form control has a label.
            assert_eq!(page.unlabelled_controls(), Vec::<String>::new(), "{path}");
        }
        let missing = visitor.get("/software/does-not-exist").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.attr("html", "lang").as_deref(), Some(lang));
    }
}
on_both_backends!(
    every_public_page_renders_in_french_and_english,
    every_page_in_both_languages
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switcher_is_remembered_and_stays_on_the_site() {
    let node = TestNodes::demo(Backend::Sqlite).await;
    let visitor = Visitor::new(&node, "fr-FR");
    let home = visitor.get("/search?q=zoom").await;
    assert_eq!(home.attr("html", "lang").as_deref(), Some("fr"));
    let to_english = home
        .attr("nav.languages a[hreflang=en]", "href")
        .expect("a link to the English page");
    let switched = visitor.get(&to_english).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location.as_deref(), Some("/search?q=zoom"));
    // The choice beats Accept-Language from now on.
    let again = visitor.get("/search?q=zoom").await;
    assert_eq!(again.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(again.text_of("h1").as_deref(), Some("Results for “zoom”"));
    // No open redirect through the switcher.
    let away = visitor.get("/lang/fr?back=//evil.example/").await;
    assert_eq!(away.location.as_deref(), Some("/"));
}

async fn search_page_finds_alternatives(backend: Backend) {
    let node = TestNodes::sample(backend).await;
    let visitor = Visitor::new(&node, "fr");
    let page = visitor.get("/search?q=google+drive").await;
    // One card per software.
    let names = page.texts("article.software h3 a");
    assert_eq!(names, vec!["Nextcloud", "Seafile"]);
    assert!(page.text_of("h1").unwrap().contains("google drive"));
    // The search box keeps the words.
    assert_eq!(
        page.attr("input#q", "value").as_deref(),
        Some("google drive")
    );
    // Facets are links with counts; following one filters and keeps the words.
    let facet = page
        .attr("aside.facets a[href*='category=files']", "href")
        .expect("a category facet");
    assert!(facet.contains("q=google+drive"), "{facet}");
    let filtered = visitor.get(&facet).await;
    assert_eq!(filtered.count("article.software"), 2);
    assert_eq!(
        filtered.count(".active-filters a"),
        1,
        "the filter shows, with a way to remove it"
    );
    // A page number that is not one is page 1, not an error: the same results, in order.
    let odd = visitor.get("/search?q=google+drive&page=abc").await;
    assert_eq!(odd.status, StatusCode::OK);
    let results = "#main article h3 a";
    assert!(!page.texts(results).is_empty());
    assert_eq!(odd.texts(results), page.texts(results));
    let first = visitor.get("/search?q=libre").await;
    let second = visitor.get("/search?q=libre&page=2").await;
    assert!(
        !second.texts(results).is_empty(),
        "the demo has a second page for libre"
    );
    assert_ne!(second.texts(results), first.texts(results));
    // Nothing found says so and helps: the needs and the tools people leave most.
    let none = visitor.get("/search?q=zzzzqqqq").await;
    assert_eq!(
        none.text_of("#results-heading").as_deref(),
        Some("Aucun résultat")
    );
    assert!(none.count(".results ul.categories a[href^='/categories/']") > 10);
    assert!(none.count(".results ul.chips a[href^='/search?replaces=']") > 5);
    // A word the directory knows better is offered.
    let close = visitor.get("/search?q=nexxtcloudd").await;
    assert_eq!(
        close.attr(".did-you-mean a", "href").as_deref(),
        Some("/search?q=nextcloud")
    );
}
on_both_backends!(
    the_search_page_finds_alternatives,
    search_page_finds_alternatives
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_software_page_gathers_reasons_hosts_and_mediators() {
    let node = TestNodes::demo(Backend::Sqlite).await;
    let page = Visitor::new(&node, "fr").get("/software/nextcloud").await;
    assert_eq!(page.text_of("h1").as_deref(), Some("Nextcloud"));
    let lead = page.text_of("p.lead").unwrap();
    assert!(lead.contains("Google Drive"), "{lead}");
    assert!(page.text_of("#why").is_some());
    assert!(page.count("section[aria-labelledby=why] article") >= 1);
    // Summaries carry their own language.
    assert!(
        page.attr("section[aria-labelledby=why] p[lang]", "lang")
            .is_some()
    );
    let mediators = page.texts("section[aria-labelledby=mediators] article h3");
    assert!(
        !mediators.is_empty(),
        "a mediator of the sample knows Nextcloud"
    );
    // The print stylesheet exists and hides the navigation.
    let css = node
        .client
        .get(node.url("/static/site.css"))
        .send()
        .await
        .unwrap();
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let css = css.text().await.unwrap();
    assert!(css.contains("@media print"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_card_shows_only_what_the_person_consented_to() {
    let node = TestNodes::one(Backend::Sqlite).await;
    let res = node
        .post(
            "/api/v1/contacts",
            &json!({
                "name": "Dominique Médiatrice",
                "role": "médiatrice",
                "email": "dominique@example.org",
                "phone": "+33 4 00 00 00 00",
                "visibility": "public",
                "consent": {"given_at": "2026-11-01T10:00:00Z", "scope": ["name", "role", "email"]}
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let card = Visitor::new(&node, "fr")
        .get(&format!("/contacts/{}", key(&res.body["id"])))
        .await;
    assert_eq!(card.status, StatusCode::OK);
    assert_eq!(card.text_of("h1").as_deref(), Some("Dominique Médiatrice"));
    assert_eq!(
        card.attr("a[href^='mailto:']", "href").as_deref(),
        Some("mailto:dominique@example.org")
    );
    assert!(
        !card.text.contains("+33 4"),
        "the phone was not consented to"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_text_is_escaped_and_only_http_links_are_links() {
    let node = TestNodes::one(Backend::Sqlite).await;
    let created = node
        .create_recommendation(&json!({
            "software": {"name": "<img src=x onerror=alert(1)>Tool", "homepage": "https://tool.example"},
            "replaces": ["<script>alert(2)</script>"],
            "category": "files",
            "summary": "<script>alert(3)</script> résumé",
            "hosting": [{"name": "Host", "url": "https://host.example"}]
        }))
        .await;
    let page = Visitor::new(&node, "fr")
        .get(&format!("/recommendations/{}", key(&created["id"])))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.count("main script"), 0);
    assert_eq!(page.count("main img"), 0);
    assert!(
        page.text_of(".summary")
            .unwrap()
            .contains("<script>alert(3)</script>")
    );
    for href in page
        .html
        .select(&scraper::Selector::parse("main a").unwrap())
        .filter_map(|a| a.value().attr("href"))
    {
        assert!(
            href.starts_with('/') || href.starts_with("http://") || href.starts_with("https://"),
            "{href}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activitypub_clients_and_browsers_share_the_ids() {
    let node = TestNodes::demo(Backend::Sqlite).await;
    let (_, results) = node.search("q=nextcloud&kind=software").await;
    let id = results[0]["recommendations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let note = node
        .client
        .get(&id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), StatusCode::OK);
    assert!(
        note.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("activity+json")
    );
    let html = node
        .client
        .get(&id)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let actor = node
        .client
        .get(node.url("/centres/loire"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    let actor: serde_json::Value = actor.json().await.unwrap();
    assert_eq!(actor["preferredUsername"], "loire");
    // JSON-LD clients ask with the ActivityStreams profile (the spec's other media type).
    let ld = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";
    for url in [id.clone(), node.url("/centres/loire")] {
        let res = node
            .client
            .get(&url)
            .header("accept", ld)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            content_type.contains("activity+json") || content_type.contains("ld+json"),
            "{url}: {content_type}"
        );
        let doc: serde_json::Value = res.json().await.unwrap();
        assert_eq!(doc["id"], url.as_str());
    }
}
