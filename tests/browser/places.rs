//! `/places` in a real browser: the list is the page without JavaScript; with it, the map
//! (Leaflet, served by the node) shows one marker per listed place. The tiles point at the
//! node itself (tests/api/helpers.rs), so nothing is fetched from the internet.

use crate::harness::{Browser, Options, assert_no_serious, report};
use crate::helpers::{Backend, TestNode};

async fn demo(options: Options) -> Option<(TestNode, Browser)> {
    let node = TestNode::spawn_demo(Backend::Sqlite).await?;
    let browser = Browser::start_with(&node.base, options).await?;
    Some((node, browser))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_places_list_gets_a_map_with_a_marker_per_place() {
    let Some((_node, browser)) = demo(Options::default()).await else {
        return;
    };
    browser.goto("/places?near=42400").await;
    browser.wait_for(".leaflet-marker-icon").await;
    let listed = browser.texts("ol.place-list > li h3").await;
    // The demo's places: two in Saint-Étienne (a fixed one and its bus), one in Rennes.
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(
        listed[2].contains("Tilleuls"),
        "Rennes is the farthest: {listed:?}"
    );
    let markers = browser
        .eval("document.querySelectorAll('.leaflet-marker-icon').length")
        .await;
    assert_eq!(markers.as_u64(), Some(3));
    assert_eq!(browser.attr("#map", "hidden").await, None);
    let titles = browser
        .eval(
            "Array.from(document.querySelectorAll('.leaflet-marker-icon'))\
             .map(m => m.getAttribute('title'))",
        )
        .await;
    assert!(titles.to_string().contains("Tilleuls"), "{titles}");
    assert!(
        browser
            .text(".leaflet-control-attribution")
            .await
            .contains("OpenStreetMap")
    );
    browser.screenshot("places-map").await;
    let violations = browser.axe_check().await;
    report(&violations, "the places page with its map");
    assert_no_serious(&violations, "the places page with its map");

    // At a phone's width the map and the list stack; look at the screenshot.
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.goto("/places?near=Saint-%C3%89tienne").await;
    browser.wait_for(".leaflet-marker-icon").await;
    browser.screenshot("places-map-phone").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_list_is_the_page() {
    let Some((_node, browser)) = demo(Options::without_javascript()).await else {
        return;
    };
    browser.goto("/places?near=35000").await;
    let listed = browser.texts("ol.place-list > li h3").await;
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(listed[0].contains("Tilleuls"), "Rennes first: {listed:?}");
    assert!(browser.attr("#map", "hidden").await.is_some());
    assert!(!browser.exists(".leaflet-marker-icon").await);
    browser.screenshot("places-list-without-javascript").await;
}
