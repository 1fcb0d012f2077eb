//! Asking for help in a real browser: the short form at the foot of a software page, refused
//! with the error at its field, then sent, giving the reference to keep.

use crate::harness::{Browser, Options, assert_no_serious, report};
use crate::helpers::{Backend, TestNode};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_asks_for_help_from_a_software_page_and_gets_a_reference() {
    let Some(node) = TestNode::spawn_demo(Backend::Sqlite).await else {
        return;
    };
    let Some(browser) = Browser::start_with(&node.base, Options::default()).await else {
        return;
    };
    browser.goto("/software/nextcloud").await;
    assert!(
        browser
            .text("#help-heading")
            .await
            .contains("Besoin d’aide")
    );
    browser
        .fill("#help-need", "Notre association veut quitter Google Drive.")
        .await;
    browser.fill("#help-name", "Awa Diallo").await;
    browser.fill("#help-contact", "awa@example.org").await;
    browser.fill("#help-postcode", "42000").await;
    browser.screenshot("help-form-on-software-page").await;
    // Sent without ticking the consent box: the form comes back with the error at its field.
    browser.click(".help-form button[type=submit]").await;
    browser.wait_for("#error-summary").await;
    assert!(
        browser
            .text("#help-consent-error")
            .await
            .contains("Cochez la case")
    );
    assert_eq!(
        browser
            .eval("document.getElementById('help-need').value")
            .await
            .as_str(),
        Some("Notre association veut quitter Google Drive."),
        "what was typed stays"
    );
    let violations = browser.axe_check().await;
    report(&violations, "the help form with an error");
    assert_no_serious(&violations, "the help form with an error");
    browser.click("#help-consent").await;
    browser.click(".help-form button[type=submit]").await;
    let reference = browser.wait_for("#help-reference").await;
    let reference = reference.text().await.unwrap();
    assert!(reference.starts_with("AIDE-"), "{reference}");
    browser.screenshot("help-sent").await;
    let violations = browser.axe_check().await;
    report(&violations, "the help request sent");
    assert_no_serious(&violations, "the help request sent");
    let (total, results) = crate::helpers::listing(&node.get("/api/v1/help-requests").await.body);
    assert_eq!(total, 1);
    assert_eq!(results[0]["reference"], reference.as_str());
    assert_eq!(results[0]["software"], "Nextcloud");
    assert_eq!(results[0]["channel"], "web");

    // At a phone's width the form fits the screen (the whole page's width is the sweep's
    // business, in pages.rs).
    browser.client.set_window_size(360, 800).await.unwrap();
    browser.goto("/software/nextcloud").await;
    browser.wait_for("#help-need").await;
    let wide = browser
        .eval(
            "Array.from(document.querySelectorAll('.help-box, .help-box *'))\
             .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)\
             .map(e => e.tagName + '#' + e.id)",
        )
        .await;
    assert_eq!(wide, serde_json::json!([]), "wider than the screen");
    browser
        .eval("document.getElementById('help-heading').scrollIntoView()")
        .await;
    browser.screenshot("help-form-phone").await;
}
