//! The pages a node serves today: a centre and its objects at their ids (the minimal pages of
//! `federation::routes`, until the website proper replaces them).

use crate::harness::{Browser, assert_no_serious, report};
use crate::helpers::{Backend, TestNode};

/// The demo node and a browser on it, or `None` where either is not available here.
async fn demo() -> Option<(TestNode, Browser)> {
    let node = TestNode::spawn_demo(Backend::Sqlite).await?;
    let browser = Browser::start(&node.base).await?;
    Some((node, browser))
}

/// The id (a page URL on the node) of the recommendation of `software` found by `q`.
async fn recommendation_url(node: &TestNode, q: &str, software: &str) -> String {
    let (_, results) = node.search(q).await;
    results
        .iter()
        .find(|r| r["software"]["name"] == software)
        .and_then(|r| r["id"].as_str())
        .unwrap_or_else(|| panic!("no {software} for {q}: {results:?}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_centre_page_shows_its_name_and_passes_axe() {
    let Some((node, browser)) = demo().await else {
        return;
    };
    browser.goto("/centres/loire").await;

    assert_eq!(browser.text("h1").await, "Annuaire libre Loire");
    assert_eq!(
        browser.eval("document.documentElement.lang").await,
        "fr",
        "the page says which language it is in"
    );
    assert!(browser.text("main").await.contains("@loire@localhost:"));
    browser.screenshot("centre-page").await;

    let violations = browser.axe_check().await;
    report(&violations, "the centre page");
    assert_no_serious(&violations, "the centre page");
    browser.close().await;
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recommendation_page_links_to_its_centre() {
    let Some((node, browser)) = demo().await else {
        return;
    };
    let url = recommendation_url(&node, "q=google+drive", "Nextcloud").await;
    browser.goto(&url).await;

    assert_eq!(browser.text("h1").await, "Nextcloud");
    browser.screenshot("recommendation-page").await;
    let violations = browser.axe_check().await;
    report(&violations, "a recommendation page");
    assert_no_serious(&violations, "a recommendation page");

    // Its author is one click away.
    browser.click("main a[href$='/centres/loire']").await;
    assert_eq!(browser.text("h1").await, "Annuaire libre Loire");
    assert_eq!(browser.path().await, "/centres/loire");
    browser.close().await;
    drop(node);
}
