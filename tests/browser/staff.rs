//! Centre staff in a real browser (issue 12): the profile page with an avatar picked on the
//! computer, seen on the public page and in the actor document.

use crate::harness::{Browser, Options, assert_no_serious, report};
use crate::helpers::{Backend, TestNodes, png_picture};
use crate::site::create_admin;

const PASSWORD: &str = "un mot de passe assez long";

async fn axe(browser: &Browser, name: &str) {
    let violations = browser.axe_check().await;
    report(&violations, name);
    assert_no_serious(&violations, name);
}

async fn log_in(browser: &Browser, name: &str, next: &str) {
    browser.goto(next).await;
    assert!(browser.path().await.starts_with("/admin/login"));
    browser.fill("#name", name).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("main h1").await;
    assert_eq!(browser.path().await, next);
}

/// How far the page scrolls sideways, in CSS pixels.
async fn overflow(browser: &Browser) -> String {
    browser
        .eval("String(document.documentElement.scrollWidth - document.documentElement.clientWidth)")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_the_profile_with_an_avatar_from_the_computer() {
    let node = TestNodes::demo(Backend::Sqlite).await;
    let Some(browser) = Browser::start_with(&node.base, Options::default()).await else {
        return;
    };
    create_admin(&node, "camille", PASSWORD).await;
    log_in(&browser, "camille", "/admin/profile").await;
    axe(&browser, "the profile page").await;

    let avatar = node.settings.data_dir.join("mon-logo.png");
    std::fs::write(&avatar, png_picture(640, 480)).unwrap();
    browser.fill("#name", "Loire Numérique").await;
    browser.fill("#website", "www.loire-numerique.fr").await;
    browser.fill("#contact", "accueil@loire-numerique.fr").await;
    browser
        .eval("document.querySelector('#region').value = 'FR-ARA'")
        .await;
    browser
        .press("#icon", avatar.to_str().expect("a UTF-8 path"))
        .await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.path().await, "/admin/profile?done=saved");
    let icon = browser
        .attr("img.preview-icon", "src")
        .await
        .expect("the new avatar on the form");
    assert!(icon.contains("/centres/loire/images/"), "{icon}");
    browser.screenshot("admin-profile").await;
    axe(&browser, "the profile page after saving").await;
    // Usable on a phone: nothing scrolls sideways at 360 px.
    browser.client.set_window_size(360, 800).await.unwrap();
    browser.goto("/admin/profile").await;
    let wide = browser.eval("Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right)).join(' ')").await;
    assert_eq!(
        overflow(&browser).await,
        "0",
        "the profile page at 360 px: {wide}"
    );
    browser.client.set_window_size(1280, 900).await.unwrap();

    // Visitors see the new avatar (loaded by the browser), the name and the contact link.
    browser.click("a[href$='/centres/loire']").await;
    browser.wait_for("img.avatar").await;
    assert_eq!(
        browser.attr("img.avatar", "src").await.as_deref(),
        Some(icon.as_str())
    );
    let loaded = browser
        .eval("String(document.querySelector('img.avatar').naturalWidth)")
        .await;
    assert_eq!(loaded, "400");
    assert_eq!(browser.text("main h1").await, "Loire Numérique");
    assert!(
        browser
            .exists("a[href='mailto:accueil@loire-numerique.fr']")
            .await
    );
    axe(&browser, "the centre page with its avatar").await;

    // And so does the fediverse.
    let actor: serde_json::Value = node
        .client
        .get(node.url("/centres/loire"))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(actor["icon"]["url"], icon.as_str());
    assert_eq!(actor["name"], "Loire Numérique");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_edits_recommendations_but_not_the_profile_or_the_accounts() {
    let node = TestNodes::demo(Backend::Sqlite).await;
    let Some(browser) = Browser::start_with(&node.base, Options::default()).await else {
        return;
    };
    create_admin(&node, "camille", PASSWORD).await;
    log_in(&browser, "camille", "/admin/accounts").await;
    axe(&browser, "the accounts page").await;
    browser.fill("#name", "dominique").await;
    browser
        .eval("document.querySelector('#role').value = 'editor'")
        .await;
    browser
        .click("form[action='/admin/accounts'] button[type=submit]")
        .await;
    let one_time = browser
        .wait_for("#one-time-password")
        .await
        .text()
        .await
        .unwrap();
    browser.screenshot("admin-accounts-created").await;
    axe(&browser, "the accounts page with a one-time password").await;
    browser.client.set_window_size(360, 800).await.unwrap();
    assert_eq!(overflow(&browser).await, "0", "the accounts page at 360 px");
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser
        .click("nav form[action='/admin/logout'] button")
        .await;
    browser.wait_for("main").await;

    // The editor logs in with the one-time password and edits a recommendation.
    browser.goto("/admin/recommendations").await;
    browser.fill("#name", "dominique").await;
    browser.fill("#password", &one_time).await;
    browser.click("main form button[type=submit]").await;
    browser.click("a[href$='/edit']").await;
    browser.wait_for("#summary").await;
    browser
        .fill("#summary", "Relu par Dominique : simple à prendre en main.")
        .await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.path().await, "/admin/recommendations?done=saved");

    // The profile and the accounts are refused, with a page that says why.
    for path in ["/admin/profile", "/admin/accounts"] {
        browser.goto(path).await;
        let text = browser.text("main").await;
        assert!(
            text.contains("réservée aux administrateurs"),
            "{path}: {text}"
        );
    }
    axe(&browser, "the page refused to an editor").await;
    // Their own password they change.
    browser.goto("/admin/password").await;
    axe(&browser, "the password page").await;
    browser.fill("#current", &one_time).await;
    browser.fill("#new", "une phrase de passe bien à moi").await;
    browser
        .fill("#again", "une phrase de passe bien à moi")
        .await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.path().await, "/admin/password?done=saved");
    browser.close().await;
}
