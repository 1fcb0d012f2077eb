//! The home page's search box, in a real browser: suggestions as one types, chosen with the
//! keyboard or the mouse (an ARIA combobox); and the same page with JavaScript off, where the
//! box is a plain search field that still finds what is asked.

use fantoccini::key::Key;

use crate::harness::{Browser, Options, assert_no_serious, report};
use crate::helpers::{Backend, TestNode};

async fn demo(options: Options) -> Option<(TestNode, Browser)> {
    let node = TestNode::spawn_demo(Backend::Sqlite).await?;
    let browser = Browser::start_with(&node.base, options).await?;
    Some((node, browser))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn type_in_the_home_box_and_pick_a_suggestion() {
    let Some((node, browser)) = demo(Options::default()).await else {
        return;
    };
    browser.goto("/").await;
    // The script made the box a combobox, closed until something is typed.
    assert_eq!(
        browser.attr("#q", "role").await.as_deref(),
        Some("combobox")
    );
    assert_eq!(
        browser.attr("#q", "aria-expanded").await.as_deref(),
        Some("false")
    );
    let list = browser
        .attr("#q", "aria-controls")
        .await
        .expect("a listbox");

    browser.fill("#q", "goo").await;
    browser.wait_for(&format!("#{list} [role=option]")).await;
    assert_eq!(
        browser.attr("#q", "aria-expanded").await.as_deref(),
        Some("true")
    );
    let options = browser
        .texts(&format!("#{list} [role=option] .label"))
        .await;
    assert!(options.iter().any(|o| o == "Google Drive"), "{options:?}");
    assert!(
        browser
            .text("[role=status]")
            .await
            .starts_with(&format!("{} suggestions", options.len())),
        "the count is announced"
    );
    browser.screenshot("suggestions-open").await;
    let violations = browser.axe_check().await;
    report(&violations, "the home page with suggestions open");
    assert_no_serious(&violations, "the home page with suggestions open");

    // Down moves to a suggestion (the box keeps the focus and names it), Enter opens it.
    browser.press("#q", &Key::Down.to_string()).await;
    let first = browser
        .attr(&format!("#{list} [role=option]"), "id")
        .await
        .unwrap();
    assert_eq!(
        browser.attr("#q", "aria-activedescendant").await,
        Some(first.clone())
    );
    assert_eq!(
        browser
            .attr(&format!("#{first}"), "aria-selected")
            .await
            .as_deref(),
        Some("true")
    );
    let label = browser.text(&format!("#{first} .label")).await;
    browser.press("#q", &Key::Enter.to_string()).await;
    let encoded: String = url::form_urlencoded::byte_serialize(label.as_bytes()).collect();
    browser
        .wait_for_path(&format!("/search?replaces={encoded}"))
        .await;
    assert!(!browser.texts("article.software h3 a").await.is_empty());

    // Escape closes the list; a click on a suggestion opens it.
    browser.goto("/").await;
    browser.fill("#q", "nextc").await;
    browser.wait_for(&format!("#{list} [role=option]")).await;
    browser.press("#q", &Key::Escape.to_string()).await;
    assert_eq!(
        browser.attr("#q", "aria-expanded").await.as_deref(),
        Some("false")
    );
    browser.press("#q", "l").await;
    browser.wait_for("#q[aria-expanded=true]").await;
    browser.click(&format!("#{list} [role=option]")).await;
    browser.wait_for_path("/software/nextcloud").await;
    assert_eq!(browser.text("h1").await, "Nextcloud");
    browser.close().await;
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_search_box_still_searches() {
    let Some((node, browser)) = demo(Options::without_javascript()).await else {
        return;
    };
    browser.goto("/").await;
    // No script ran: the box is the plain field the page was sent with.
    assert_eq!(browser.attr("#q", "role").await, None);
    assert!(!browser.exists("[role=listbox]").await);
    browser
        .fill("#q", "par quoi remplacer Google Drive ?")
        .await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_for("#results-heading").await;
    assert!(browser.path().await.starts_with("/search?q=par+quoi"));
    let names = browser.texts("article.software h3 a").await;
    assert_eq!(
        names.first().map(String::as_str),
        Some("Nextcloud"),
        "{names:?}"
    );
    assert!(names.contains(&"Seafile".to_owned()), "{names:?}");
    // Each centre's reason opens without a script (a details element), and leads on.
    browser.click("article.software details summary").await;
    browser
        .click("article.software details a[href^='/recommendations/']")
        .await;
    browser.wait_for("h1").await;
    assert!(browser.path().await.starts_with("/recommendations/"));
    // Facets and pages are links.
    browser.goto("/search?q=libre").await;
    browser.click("nav.pagination a[rel=next]").await;
    browser.wait_for("nav.pagination [aria-current=page]").await;
    assert!(browser.path().await.ends_with("page=2"));
    browser.screenshot("search-without-javascript").await;
    browser.close().await;
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashtag_and_empty_result_pages_pass_axe() {
    let Some((node, browser)) = demo(Options::default()).await else {
        return;
    };
    browser.goto("/tags/Nextcloud").await;
    assert_eq!(browser.text("h1").await, "#Nextcloud");
    let violations = browser.axe_check().await;
    report(&violations, "a hashtag page");
    assert_no_serious(&violations, "a hashtag page");
    // Nothing found: a closer word, the needs and the tools people leave most.
    browser.goto("/search?q=nexxtcloudd").await;
    browser.click(".did-you-mean a").await;
    browser.wait_for_path("/search?q=nextcloud").await;
    browser.goto("/search?q=zzzzqqqq").await;
    assert!(!browser.texts(".results ul.categories a").await.is_empty());
    browser.screenshot("search-nothing-found").await;
    let violations = browser.axe_check().await;
    report(&violations, "a search that found nothing");
    assert_no_serious(&violations, "a search that found nothing");
    browser.close().await;
    drop(node);
}
