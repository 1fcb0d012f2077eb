//! The admin lists as staff use them (issue 12): search,
//! filter, sort and pages; a delete that asks first (and can be cancelled); bulk unpublish and
//! delete of ticked rows through one confirmation. The delete runs in a browser without
//! JavaScript; the others with it, for axe-core.

use crate::harness::{Browser, Options, assert_no_serious, report};
use crate::helpers::{Backend, TestNode, TestNodes};
use crate::site::create_admin;

const PASSWORD: &str = "un mot de passe assez long";

/// The demo node and a browser logged in to it; without JavaScript where `script` is false
/// (axe-core needs it).
async fn logged_in(script: bool) -> Option<(TestNode, Browser)> {
    let node = TestNodes::demo(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    let options = if script {
        Options::default()
    } else {
        Options::without_javascript()
    };
    let browser = Browser::start_with(&node.base, options).await?;
    browser.goto("/admin/login").await;
    browser.fill("#name", "camille").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for_path("/admin").await;
    Some((node, browser))
}

async fn axe(browser: &Browser, name: &str) {
    let violations = browser.axe_check().await;
    report(&violations, name);
    assert_no_serious(&violations, name);
}

/// Ticks the row of `name`, found by its checkbox's label as a screen reader would.
async fn tick(browser: &Browser, name: &str) {
    let found = browser
        .eval(&format!(
            "(() => {{ const l = [...document.querySelectorAll('td.pick label')] \
               .find(l => l.textContent.trim() === 'Choisir {name}'); \
               if (!l) return false; l.control.click(); return l.control.checked; }})()"
        ))
        .await;
    assert_eq!(found, true, "no checkbox labelled for {name}");
}

/// The names in the list of our recommendations.
async fn ours(browser: &Browser) -> Vec<String> {
    browser.texts("#main table.records tbody th a").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_sort_and_pages_of_the_recommendations() {
    let Some((node, browser)) = logged_in(true).await else {
        return;
    };
    browser.goto("/admin/recommendations?sort=name").await;
    // The demo's recommendations, 25 a page, by name.
    let count = browser
        .text("#main section[aria-labelledby=ours] p[role=status]")
        .await;
    let count: usize = count
        .strip_suffix(" éléments")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{count}"));
    assert!(count > 50, "{count}");
    let pages = count.div_ceil(25);
    let first = ours(&browser).await;
    assert_eq!(first.len(), 25);
    let mut sorted = first.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(first, sorted, "sorted by name");
    assert_eq!(
        browser.texts("nav.pagination li").await,
        (1..=pages).map(|p| p.to_string()).collect::<Vec<_>>()
    );
    browser
        .click(&format!("nav.pagination a[href$='page={pages}']"))
        .await;
    browser
        .wait_for_path(&format!("/admin/recommendations?sort=name&page={pages}"))
        .await;
    assert_eq!(ours(&browser).await.len(), count - (pages - 1) * 25);
    axe(&browser, "the last page of the admin recommendations").await;

    // Search is accent- and case-blind; the filter form is a plain GET.
    browser.fill("#list-q", "LIBREOFFICE").await;
    browser.click("form.list-tools button[type=submit]").await;
    browser.wait_for("#list-q[value=LIBREOFFICE]").await;
    let found = ours(&browser).await;
    assert!(found.iter().any(|n| n == "LibreOffice"), "{found:?}");
    assert!(found.len() < 5, "{found:?}");
    browser.screenshot("admin-list-searched").await;
    drop(node);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_asks_first_and_can_be_cancelled() {
    let Some((node, browser)) = logged_in(false).await else {
        return;
    };
    browser.goto("/admin/recommendations?q=openshot").await;
    assert_eq!(ours(&browser).await, vec!["OpenShot"]);
    browser
        .click("#main table.records a.danger[href$='/delete']")
        .await;
    browser.wait_for("div.confirm").await;
    assert!(browser.path().await.ends_with("/delete"));
    assert_eq!(browser.text("h1").await, "Supprimer « OpenShot » ?");
    browser.screenshot("admin-delete-confirm").await;

    // Cancelled: back to the list, nothing deleted.
    browser.click("div.confirm a").await;
    browser.wait_for_path("/admin/recommendations").await;
    browser.goto("/admin/recommendations?q=openshot").await;
    assert_eq!(ours(&browser).await, vec!["OpenShot"]);

    // Confirmed: deleted, and the public page is gone.
    browser
        .click("#main table.records a.danger[href$='/delete']")
        .await;
    let page = browser.path().await;
    let key = page.split('/').nth(3).unwrap().to_owned();
    browser.click("div.confirm button.danger").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.path().await, "/admin/recommendations?done=deleted");
    assert_eq!(browser.text("p.notice").await, "Supprimé.");
    let public = reqwest::get(node.url(&format!("/recommendations/{key}")))
        .await
        .unwrap();
    assert_eq!(public.status(), reqwest::StatusCode::NOT_FOUND);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_unpublish_then_delete_with_one_confirmation() {
    let Some((node, browser)) = logged_in(true).await else {
        return;
    };
    browser
        .goto("/admin/recommendations?q=obs+shotcut+openshot")
        .await;
    // All the words must match: none has the three names.
    assert!(ours(&browser).await.is_empty());
    browser
        .goto("/admin/recommendations?q=video&sort=name")
        .await;
    let videos = ours(&browser).await;
    assert!(videos.len() >= 2, "{videos:?}");
    let picked = &videos[..2];
    for name in picked {
        tick(&browser, name).await;
    }
    browser.click("form#bulk button[value=unpublish]").await;
    browser.wait_for("div.confirm").await;
    assert_eq!(
        browser.text("h1").await,
        "Dépublier ces 2 éléments ? Ils ne seront plus visibles des visiteurs ni du réseau."
    );
    assert_eq!(browser.texts("div.confirm li").await, picked.to_vec());
    axe(&browser, "the bulk confirmation").await;
    browser.click("div.confirm button[type=submit]").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.text("p.notice").await, "Éléments dépubliés.");

    // Drafts now: the status filter finds exactly them, and visitors no longer do.
    browser.goto("/admin/recommendations?status=draft").await;
    let mut drafts = ours(&browser).await;
    drafts.sort();
    let mut expected = picked.to_vec();
    expected.sort();
    assert_eq!(drafts, expected);
    let search: serde_json::Value =
        reqwest::get(node.url(&format!("/api/v1/search?q={}", picked[0].replace(' ', "+"))))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert!(
        !search
            .to_string()
            .contains(&format!("\"name\":\"{}\"", picked[0])),
        "{search}"
    );

    // Both ticked again and deleted in one go.
    for name in picked {
        tick(&browser, name).await;
    }
    browser.click("form#bulk button[value=delete]").await;
    browser.wait_for("div.confirm button.danger").await;
    assert_eq!(browser.text("h1").await, "Supprimer ces 2 éléments ?");
    axe(&browser, "the bulk delete confirmation").await;
    browser.click("div.confirm button.danger").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.text("p.notice").await, "Éléments supprimés.");
    browser.goto("/admin/recommendations?status=draft").await;
    assert!(ours(&browser).await.is_empty());

    // Nothing ticked: nothing happens, and the list says why.
    browser.click("form#bulk button[value=delete]").await;
    browser.wait_for("p.notice").await;
    assert!(
        browser
            .text("p.notice")
            .await
            .starts_with("Rien n’a été fait")
    );
    browser.close().await;
}

/// The catalogue's record of the software `slug`, from the API.
async fn catalogue(node: &TestNode, slug: &str) -> serde_json::Value {
    let all: serde_json::Value = reqwest::get(node.url("/api/v1/software?per_page=200"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == slug)
        .unwrap_or_else(|| panic!("no {slug} in the catalogue"))
        .clone()
}

/// The recommendation form fills what the catalogue knows (issue 12): a known software typed
/// by name fills its website, repository and licence in the page (with JavaScript) and is
/// saved with the catalogue's (the server fills blanks too, for browsers without it);
/// an unknown one takes its address without `https://` and its licence by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_a_recommendation_by_picking_a_known_software() {
    let Some((node, browser)) = logged_in(true).await else {
        return;
    };
    let known = catalogue(&node, "libreoffice").await;
    browser.goto("/admin/recommendations/new").await;
    assert!(
        browser
            .exists("datalist#known-software option[value='LibreOffice']")
            .await,
        "the catalogue is suggested"
    );
    assert!(
        browser
            .exists("datalist#licence-names option[value='GNU AGPL v3 ou ultérieure']")
            .await
    );
    axe(&browser, "the recommendation form with suggestions").await;
    browser.fill("#software_name", "libreoffice").await;
    // Picked: the script fills the blank fields at once from the suggestion, and says so.
    assert_eq!(
        browser
            .eval("document.querySelector('#software_homepage').value")
            .await,
        known["homepage"]
    );
    assert!(
        browser.text("#software-picked").await.contains("catalogue"),
        "the pick is announced"
    );
    browser.fill("#replaces", "Microsoft Word").await;
    browser
        .eval("document.querySelector('#category').value = 'knowledge'")
        .await;
    browser
        .eval("document.querySelector('#region').value = 'FR-BRE'")
        .await;
    browser
        .fill("#summary", "Pour écrire la documentation du centre.")
        .await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("p.notice").await;
    assert_eq!(browser.path().await, "/admin/recommendations?done=saved");
    // The last changed first: the one just saved, under the catalogue's name.
    browser
        .click("#main table.records tbody tr:first-child td.actions a[href$='/edit']")
        .await;
    browser.wait_for("#software_homepage").await;
    let value = async |css: &str| {
        browser
            .eval(&format!("document.querySelector('{css}').value"))
            .await
    };
    assert_eq!(value("#software_name").await, "LibreOffice");
    assert_eq!(value("#software_homepage").await, known["homepage"]);
    assert_eq!(value("#software_repository").await, known["repository"]);
    assert_eq!(value("#region").await, "FR-BRE");
    let licence = value("#software_license").await;
    assert!(
        !licence.as_str().unwrap().is_empty() && !licence.as_str().unwrap().contains("-only"),
        "the licence by name: {licence}"
    );

    // Sent with only a name: every missing field is said at once, at its field and in the
    // summary, the first error first.
    browser.goto("/admin/recommendations/new").await;
    browser.fill("#software_name", "Logiciel du Forez").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("#error-summary").await;
    let listed = browser.texts("#error-summary li").await;
    assert_eq!(
        listed.len(),
        4,
        "homepage, replaces, category, summary: {listed:?}"
    );
    for control in ["software_homepage", "replaces", "category", "summary"] {
        assert_eq!(
            browser
                .attr(&format!("#{control}"), "aria-invalid")
                .await
                .as_deref(),
            Some("true"),
            "{control}"
        );
    }
    axe(&browser, "the recommendation form with four errors").await;
    browser.screenshot("admin-recommendation-errors").await;

    // Unknown software: the address completed, the licence chosen by name, stored as SPDX.
    browser.goto("/admin/recommendations/new").await;
    browser.fill("#software_name", "Logiciel du Forez").await;
    browser
        .fill("#software_homepage", "www.logiciel-du-forez.example")
        .await;
    browser
        .fill("#software_license", "GNU AGPL v3 ou ultérieure")
        .await;
    browser.fill("#replaces", "Notion").await;
    browser
        .eval("document.querySelector('#category').value = 'knowledge'")
        .await;
    browser.fill("#summary", "Un wiki pour le centre.").await;
    browser.click("main form button[type=submit]").await;
    browser.wait_for("p.notice").await;
    let software = catalogue(&node, "logiciel-du-forez").await;
    assert_eq!(
        software["homepage"],
        "https://www.logiciel-du-forez.example/"
    );
    assert_eq!(software["license"], "AGPL-3.0-or-later");
    browser.close().await;
}
