//! What a person does on the website, in a real browser: find an alternative, publish a
//! recommendation, switch language; and every main page checked by axe-core.

use crate::harness::{Browser, Options, assert_no_serious, report};
use crate::helpers::{Backend, TestNode, TestNodes};
use crate::site::create_admin;

const PASSWORD: &str = "un mot de passe assez long";

/// The demo node and a browser on it, or `None` where either is not available here.
async fn demo(options: Options) -> Option<(TestNode, Browser)> {
    let node = TestNodes::demo(Backend::Sqlite).await;
    let browser = Browser::start_with(&node.base, options).await?;
    Some((node, browser))
}

async fn axe(browser: &Browser, name: &str) {
    let violations = browser.axe_check().await;
    report(&violations, name);
    assert_no_serious(&violations, name);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_google_drive_and_open_nextcloud() {
    let Some((node, browser)) = demo(Options::default()).await else {
        return;
    };
    browser.goto("/").await;
    assert_eq!(
        browser.text("h1").await,
        "Quel outil voulez-vous remplacer ?"
    );
    browser.screenshot("home-fr").await;
    axe(&browser, "the home page").await;

    browser.fill("#q", "google drive").await;
    browser.click("form[role=search] button[type=submit]").await;
    browser.wait_for("#results-heading").await;
    assert_eq!(browser.path().await, "/search?q=google+drive");
    browser.screenshot("search-google-drive").await;
    axe(&browser, "the results page").await;

    // Facets refine without JavaScript: links with counts.
    assert!(!browser.texts("aside.facets section h3").await.is_empty());
    // From the result to the software page: what it replaces, who recommends it, who helps.
    browser
        .click("#main article.software h3 a[href='/software/nextcloud']")
        .await;
    browser.wait_for("h1").await;
    assert_eq!(browser.path().await, "/software/nextcloud");
    assert_eq!(browser.text("h1").await, "Nextcloud");
    assert!(browser.text("p.lead").await.contains("Google Drive"));
    assert!(
        !browser
            .texts("section[aria-labelledby=mediators] article")
            .await
            .is_empty()
    );
    browser.screenshot("software-nextcloud").await;
    axe(&browser, "the software page").await;

    // A mediator hands it out in a workshop: printed, the navigation and forms are gone.
    let hidden_in_print = browser
        .eval(
            "(() => { for (const s of document.styleSheets) for (const r of s.cssRules) \
               if (r.media && r.media.mediaText === 'print') return r.cssText.includes('header.site'); \
             return false; })()",
        )
        .await;
    assert_eq!(
        hidden_in_print, true,
        "the print stylesheet hides the site header"
    );
    browser.close().await;
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_and_publish_a_recommendation_through_the_form() {
    let Some((node, browser)) = demo(Options::default()).await else {
        return;
    };
    create_admin(&node, "camille", PASSWORD).await;
    browser.goto("/admin/recommendations/new").await;
    // Sent to the login page, and back to the form afterwards.
    assert!(browser.path().await.starts_with("/admin/login"));
    axe(&browser, "the login page").await;
    browser.fill("#name", "camille").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("#software_name").await;
    assert_eq!(browser.path().await, "/admin/recommendations/new");
    axe(&browser, "the recommendation form").await;

    browser.fill("#software_name", "NocoDB").await;
    browser.fill("#software_homepage", "nocodb point com").await;
    browser.fill("#replaces", "Airtable, Google Sheets").await;
    browser
        .eval("document.querySelector('#category').value = 'tables'")
        .await;
    browser
        .fill("#summary", "Tableur-base de données collaboratif.")
        .await;
    browser.click("main form button[type=submit]").await;
    // The error is next to the field, and the rest is kept.
    browser.wait_for("#software_homepage-error").await;
    assert_eq!(browser.text("h1").await, "Nouvelle recommandation");
    browser.screenshot("form-with-error").await;
    axe(&browser, "the form with an error").await;
    let kept = browser
        .eval("document.querySelector('#software_name').value")
        .await;
    assert_eq!(kept, "NocoDB");

    browser
        .fill("#software_homepage", "https://nocodb.com")
        .await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.path().await, "/admin/recommendations?done=saved");
    assert!(
        browser
            .texts("tbody th a")
            .await
            .iter()
            .any(|n| n == "NocoDB")
    );
    browser.screenshot("admin-recommendations").await;
    axe(&browser, "the admin list").await;

    // Published: anyone finds it from the tool they use today.
    browser.goto("/search?q=airtable").await;
    let names = browser.texts("article.software h3 a").await;
    assert!(names.iter().any(|n| n == "NocoDB"), "{names:?}");
    browser.goto("/admin").await;
    axe(&browser, "the admin dashboard").await;
    browser.goto("/admin/network").await;
    axe(&browser, "the network page").await;
    browser.goto("/admin/contacts/new").await;
    axe(&browser, "the contact form").await;
    browser.goto("/admin/providers").await;
    axe(&browser, "the providers list").await;
    browser.goto("/admin/providers/new").await;
    axe(&browser, "the provider form").await;
    browser.goto("/providers").await;
    axe(&browser, "the public providers list").await;
    browser.click("ul.providers li a").await;
    browser.wait_for("dl.facts").await;
    assert!(browser.path().await.starts_with("/providers/"));
    axe(&browser, "a provider page").await;
    // The offers of the recommendation form at phone width: the picker and both fields fit.
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.goto("/admin/recommendations/new").await;
    browser
        .eval("document.querySelector('#hosting').scrollIntoView()")
        .await;
    browser.screenshot("offers-picker-phone").await;
    let overflow = browser
        .eval("String(document.documentElement.scrollWidth - document.documentElement.clientWidth)")
        .await;
    assert_eq!(overflow, "0", "the form scrolls sideways at 390 px");
    browser.close().await;
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_language_and_it_is_remembered() {
    let Some((node, browser)) = demo(Options::default()).await else {
        return;
    };
    browser.goto("/centres").await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "fr");
    assert_eq!(browser.text("h1").await, "Les centres");
    browser.click("nav.languages a[hreflang=en]").await;
    browser.wait_for("html[lang=en]").await;
    assert_eq!(browser.path().await, "/centres");
    assert_eq!(browser.text("h1").await, "Centres");
    browser.screenshot("centres-en").await;
    axe(&browser, "the centres page").await;
    // Still English on the next page, although the browser asks for French.
    browser.click("main article.centre h3 a").await;
    browser.wait_for("h1").await;
    assert_eq!(browser.eval("document.documentElement.lang").await, "en");
    assert_eq!(browser.text("h1").await, "Annuaire libre Loire");
    axe(&browser, "a centre profile").await;
    browser.close().await;
    drop(node);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_visitors_get_english_and_the_other_pages_pass_axe() {
    let Some((node, browser)) = demo(Options::lang("en-GB")).await else {
        return;
    };
    browser.goto("/").await;
    assert_eq!(
        browser.text("h1").await,
        "Which tool do you want to replace?"
    );
    browser.screenshot("home-en").await;
    browser.goto("/categories/files").await;
    axe(&browser, "a category page").await;
    browser.screenshot("category-files").await;
    browser.goto("/search?q=nextcloud&kind=contact").await;
    browser.click("article.contact h3 a").await;
    browser.wait_for("h1").await;
    assert!(browser.path().await.starts_with("/contacts/"));
    browser.screenshot("contact-card").await;
    axe(&browser, "a contact card").await;
    browser.goto("/search?q=nextcloud").await;
    // Each centre's reason is one click away on the software's card, then its page.
    browser.click("article.software details summary").await;
    browser
        .click("article.software details a[href^='/recommendations/']")
        .await;
    browser.wait_for("h1").await;
    assert!(browser.path().await.starts_with("/recommendations/"));
    axe(&browser, "a recommendation page").await;
    // Keyboard: on a page just opened, the first Tab reaches the skip link, which then shows.
    browser.goto("/search?q=nextcloud").await;
    browser.press_tab().await;
    let focused = browser
        .eval("(() => { const a = document.activeElement; return [a.className, a.getAttribute('href'), getComputedStyle(a).left]; })()")
        .await;
    assert_eq!(
        focused,
        serde_json::json!(["skip", "#main", "0px"]),
        "the first Tab focuses the skip link, shown on screen"
    );
    browser.close().await;
    drop(node);
}

/// A new node with nothing in it is no dead end (issue 11): staff read the three ways to fill
/// it, with the command and the links; visitors see which centres it knows. In French and
/// English, on a desktop and at phone width (no sideways scrolling).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_node_says_how_to_fill_it() {
    let node = TestNodes::one(Backend::Sqlite).await;
    for (options, lang, heading, centres) in [
        (
            Options::default(),
            "fr",
            "L’annuaire est encore vide.",
            "Les centres que connaît cet annuaire",
        ),
        (
            Options::lang("en-GB"),
            "en",
            "The directory is still empty.",
            "The centres this directory knows",
        ),
    ] {
        let Some(browser) = Browser::start_with(&node.base, options).await else {
            return;
        };
        browser.goto("/").await;
        assert_eq!(browser.text("#empty").await, heading);
        assert_eq!(
            browser.text(".empty-node pre code").await,
            "maillage import catalogue/starter.json"
        );
        assert_eq!(browser.texts(".empty-node ol.ways > li").await.len(), 3);
        for link in ["/admin/network", "/admin/recommendations/new", "/centres"] {
            assert!(
                browser
                    .exists(&format!(".empty-node a[href='{link}']"))
                    .await,
                "{lang}: no link to {link}"
            );
        }
        assert!(
            browser
                .texts(".empty-node h3")
                .await
                .contains(&centres.to_owned())
        );
        assert_eq!(
            browser.texts(".known-centres li a").await,
            vec!["Annuaire libre Loire"]
        );
        browser.screenshot(&format!("home-empty-{lang}")).await;
        axe(&browser, &format!("the empty home page ({lang})")).await;

        browser
            .client
            .set_window_size(390, 844)
            .await
            .expect("resize the window");
        browser.goto("/").await;
        let width = browser.eval("window.innerWidth").await.as_i64().unwrap();
        assert!(width <= 420, "the window is {width}px wide");
        let overflow = browser
            .eval("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            .await;
        assert_eq!(
            overflow.as_i64(),
            Some(0),
            "{lang}: the page scrolls sideways"
        );
        browser
            .eval("(document.getElementById('empty').scrollIntoView(), true)")
            .await;
        browser
            .screenshot(&format!("home-empty-{lang}-phone"))
            .await;
        browser.close().await;
    }
    drop(node);
}
