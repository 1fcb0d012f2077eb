//! The admin pages over HTTP: login (argon2, cookie, CSRF), the forms with their errors next to
//! the field, and the network page, in both languages.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestNodes, eventually};
use crate::on_both_backends;
use crate::site::{Visitor, create_admin};

const PASSWORD: &str = "un mot de passe assez long";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_pages_need_a_login_and_bring_you_back() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    let page = visitor.get("/admin/recommendations").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/login?next=%2Fadmin%2Frecommendations")
    );

    // The login form's token must come with its cookie (login CSRF).
    let form = visitor
        .get("/admin/login?next=%2Fadmin%2Frecommendations")
        .await;
    let csrf = form.csrf();
    let stranger = Visitor::new(&node, "fr");
    let forged = stranger
        .post(
            "/admin/login",
            &[("csrf", &csrf), ("name", "camille"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // A wrong password: the form again, the error next to the password field.
    let wrong = visitor
        .post(
            "/admin/login",
            &[
                ("csrf", &csrf),
                ("name", "camille"),
                ("password", "pas le bon mot de passe"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.attr("#password", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        wrong.text_of("#password-error").as_deref(),
        Some("Nom ou mot de passe incorrect.")
    );

    let csrf = wrong.csrf();
    let ok = visitor
        .post(
            "/admin/login",
            &[
                ("csrf", &csrf),
                ("name", "camille"),
                ("password", PASSWORD),
                ("next", "/admin/recommendations"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location.as_deref(), Some("/admin/recommendations"));
    let session = visitor
        .set_cookies
        .lock()
        .unwrap()
        .iter()
        .find(|c| c.starts_with("maillage_session="))
        .cloned()
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    let list = visitor.get("/admin/recommendations").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.text_of("h1").as_deref(), Some("Recommandations"));

    // Logging out ends the session on the server, not only in the browser.
    let csrf = list.csrf();
    let out = visitor.post("/admin/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!visitor.has_cookie("maillage_session"));
    assert_eq!(visitor.get("/admin").await.status, StatusCode::SEE_OTHER);
}

/// "Connexion" in the menu of a public page brings staff back to that page once logged in;
/// from the home page it leads to the admin pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_menu_login_returns_to_the_page_it_was_clicked_on() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    let home = visitor.get("/").await;
    assert_eq!(
        home.attr("nav a[href^='/admin/login']", "href").as_deref(),
        Some("/admin/login")
    );
    let page = visitor.get("/search?q=drive").await;
    let link = page
        .attr("nav a[href^='/admin/login']", "href")
        .expect("a login link in the menu");
    assert_eq!(link, "/admin/login?next=%2Fsearch%3Fq%3Ddrive");
    let form = visitor.get(&link).await;
    let next = form.attr("input[name=next]", "value").expect("next field");
    let done = visitor
        .post(
            "/admin/login",
            &[
                ("csrf", &form.csrf()),
                ("name", "camille"),
                ("password", PASSWORD),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.location.as_deref(), Some("/search?q=drive"));
}

async fn publishing_through_the_forms(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let framasoft = node
        .post(
            "/api/v1/providers",
            &serde_json::json!({"name": "Framasoft", "website": "framasoft.org",
                "kind": "association", "chatons": true, "country": "FR"}),
        )
        .await;
    assert_eq!(framasoft.status, StatusCode::CREATED, "{}", framasoft.text);
    let form = visitor.get("/admin/recommendations/new").await;
    assert_eq!(form.status, StatusCode::OK);
    // The offers pick their provider from the records.
    assert_eq!(
        form.count("#offer_0_provider option[value='framasoft']"),
        1,
        "{}",
        form.text
    );
    let csrf = form.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("software_name", "Jitsi Meet"),
        ("software_homepage", "pas une adresse"),
        ("replaces", "Zoom, Hangouts"),
        ("category", "videoconf"),
        ("summary", "Visioconférence sans compte."),
        ("language", "fr"),
        ("level", "recommended"),
        ("status", "published"),
        // The provider picked, the address without its scheme, the name left blank.
        ("offer_0_provider", "framasoft"),
        ("offer_0_name", ""),
        ("offer_0_url", "framatalk.org"),
        ("offer_1_provider", ""),
        ("offer_1_name", ""),
        ("offer_1_url", ""),
    ];

    // A bad address: the form comes back with what was typed and the error at the field.
    let refused = visitor.post("/admin/recommendations/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused
            .attr("#software_homepage", "aria-invalid")
            .as_deref(),
        Some("true")
    );
    // Said in the visitor's language.
    assert!(
        refused
            .text_of("#software_homepage-error")
            .unwrap()
            .contains("adresse web"),
        "{:?}",
        refused.text_of("#software_homepage-error")
    );
    assert_eq!(
        refused.attr("#software_name", "value").as_deref(),
        Some("Jitsi Meet")
    );
    assert_eq!(
        refused.count("#error-summary a[href='#software_homepage']"),
        1
    );

    // Three mistakes at once: all three come back together, each at its field and in the
    // summary in the order of the form, so staff mend them in one go.
    let mut many = fields.clone();
    many[3] = ("replaces", " ");
    many[5] = ("summary", "");
    let refused = visitor.post("/admin/recommendations/new", &many).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for control in ["software_homepage", "replaces", "summary"] {
        assert_eq!(
            refused
                .attr(&format!("#{control}"), "aria-invalid")
                .as_deref(),
            Some("true"),
            "{control}"
        );
        assert!(
            refused.text_of(&format!("#{control}-error")).is_some(),
            "{control}"
        );
    }
    assert_eq!(refused.count("#error-summary li"), 3, "{}", refused.text);
    assert_eq!(
        refused
            .attr("#error-summary li:first-child a", "href")
            .as_deref(),
        Some("#software_homepage")
    );
    assert_eq!(
        refused
            .attr("#error-summary li:last-child a", "href")
            .as_deref(),
        Some("#summary")
    );

    // Without the CSRF token, or from another site: refused, nothing written.
    fields[2] = ("software_homepage", "https://jitsi.org");
    let no_token: Vec<_> = fields
        .iter()
        .filter(|(k, _)| *k != "csrf")
        .cloned()
        .collect();
    let forged = visitor.post("/admin/recommendations/new", &no_token).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let cross = visitor
        .post_from(
            "/admin/recommendations/new",
            &fields,
            "https://evil.example",
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert_eq!(node.search("q=jitsi").await.0, 0);

    let saved = visitor.post("/admin/recommendations/new", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(
        saved.location.as_deref(),
        Some("/admin/recommendations?done=saved")
    );
    let list = visitor.get("/admin/recommendations?done=saved").await;
    assert_eq!(list.text_of("p.notice").as_deref(), Some("Enregistré."));
    let (_, found) = node.search("q=hangouts").await;
    assert!(found.iter().any(|r| r["name"] == "Jitsi Meet"), "{found:?}");
    let jitsi = found.iter().find(|r| r["name"] == "Jitsi Meet").unwrap();
    let offer = &jitsi["recommendations"][0]["hosting"][0];
    assert_eq!(offer["name"], "Framasoft", "{offer}");
    assert_eq!(offer["url"], "https://framatalk.org/");
    assert_eq!(offer["provider"]["key"], "framasoft");
    assert_eq!(offer["provider"]["chatons"], true);

    // Edit: the form is filled with what is stored; the change shows publicly.
    let edit = list
        .attr("td.actions a[href$='/edit']", "href")
        .expect("an edit link");
    let form = visitor.get(&edit).await;
    assert_eq!(
        form.attr("#software_name", "value").as_deref(),
        Some("Jitsi Meet")
    );
    assert_eq!(
        form.attr("#replaces", "value").as_deref(),
        Some("Zoom, Google Meet")
    );
    assert_eq!(
        form.attr("#offer_0_provider option[selected]", "value")
            .as_deref(),
        Some("framasoft")
    );
    let csrf = form.csrf();
    let mut changed = fields.clone();
    changed[0] = ("csrf", csrf.as_str());
    changed[5] = ("summary", "Visioconférence libre, sans compte.");
    let res = visitor.post(&edit, &changed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let (_, found) = node.search("q=jitsi").await;
    assert_eq!(
        found[0]["recommendations"][0]["summary"],
        "Visioconférence libre, sans compte."
    );

    // Delete: the list links to a page that asks first; only its form deletes, with the token.
    let list = visitor.get("/admin/recommendations").await;
    let ask = list.attr("td.actions a[href$='/delete']", "href").unwrap();
    let confirm = visitor.get(&ask).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(
        confirm.text_of("h1").as_deref(),
        Some("Supprimer « Jitsi Meet » ?")
    );
    assert_eq!(node.search("q=jitsi").await.0, 1, "asking deletes nothing");
    let delete = confirm.attr("div.confirm form", "action").unwrap();
    assert_eq!(delete, ask, "the confirmation posts to the same address");
    assert_eq!(
        confirm.attr("div.confirm a", "href").as_deref(),
        Some("/admin/recommendations")
    );
    let forged = visitor.post(&delete, &[("csrf", "")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let res = visitor.post(&delete, &[("csrf", &confirm.csrf())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(node.search("q=jitsi").await.0, 0);
}
on_both_backends!(
    recommendations_are_published_through_the_forms,
    publishing_through_the_forms
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_card_is_written_with_its_consent() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "en-GB");
    visitor.log_in("camille", PASSWORD).await;
    let form = visitor.get("/admin/contacts/new").await;
    assert_eq!(form.attr("html", "lang").as_deref(), Some("en"));
    let csrf = form.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", "Alex Martin"),
        ("role", "mediator"),
        ("email", "alex@example.org"),
        ("phone", "+33 6 11 22 33 44"),
        ("visibility", "public"),
        ("consent_given", "on"),
        ("consent_date", "2026-11-02"),
        ("consent_scope", "name"),
        ("consent_scope", "role"),
        ("consent_scope", "email"),
    ];
    let bad_date: Vec<_> = fields
        .iter()
        .map(|(k, v)| {
            if *k == "consent_date" {
                (*k, "2 Nov")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let refused = visitor.post("/admin/contacts/new", &bad_date).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#consent-error").unwrap().contains("date"));

    let saved = visitor.post("/admin/contacts/new", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let list = visitor.get("/admin/contacts").await;
    let card_link = list.attr("tbody th a", "href").unwrap();
    let public = Visitor::new(&node, "en").get(&card_link).await;
    assert_eq!(public.text_of("h1").as_deref(), Some("Alex Martin"));
    assert!(public.text.contains("alex@example.org"));
    assert!(!public.text.contains("+33 6"), "no consent for the phone");
    // The edit form shows the consent as stored.
    let edit = visitor
        .get(&format!(
            "{}/edit",
            card_link.replace("/contacts/", "/admin/contacts/")
        ))
        .await;
    assert_eq!(edit.attr("#scope-email", "checked").as_deref(), Some(""));
    assert_eq!(edit.attr("#scope-phone", "checked"), None);
    assert_eq!(
        edit.attr("#consent_date", "value").as_deref(),
        Some("2026-11-02")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_page_shows_errors_at_the_field_and_keeps_rules() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    for (lang, title) in [("fr", "Réseau"), ("en", "Network")] {
        let visitor = Visitor::new(&node, lang);
        visitor.log_in("camille", PASSWORD).await;
        let page = visitor.get("/admin/network").await;
        assert_eq!(page.text_of("h1").as_deref(), Some(title));
        let dashboard = visitor.get("/admin").await;
        assert!(
            dashboard.text_of("#queue").is_some(),
            "the delivery queue is on the dashboard"
        );
    }
    let visitor = Visitor::new(&node, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let page = visitor.get("/admin/network").await;
    let csrf = page.csrf();
    let follow = visitor
        .post("/admin/follow", &[("csrf", &csrf), ("target", "")])
        .await;
    assert_eq!(follow.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        follow.attr("#target", "aria-invalid").as_deref(),
        Some("true")
    );

    let block = visitor
        .post(
            "/admin/domains",
            &[
                ("csrf", &csrf),
                ("domain", "spam.example"),
                ("rule", "block"),
            ],
        )
        .await;
    assert_eq!(block.status, StatusCode::SEE_OTHER);
    let page = visitor.get("/admin/network?done=rule-saved").await;
    assert_eq!(
        page.text_of("p.notice").as_deref(),
        Some("Règle enregistrée.")
    );
    assert!(
        page.texts("section[aria-labelledby=moderation] li")
            .iter()
            .any(|t| t.contains("spam.example"))
    );
    let rules = node.get("/api/v1/moderation/domains").await;
    assert!(rules.text.contains("spam.example"), "{}", rules.text);
}

/// Guessing passwords: after ten failures for one account, even the right password waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_are_throttled() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    let mut csrf = visitor.get("/admin/login").await.csrf();
    for attempt in 0..10 {
        let wrong = format!("mauvais mot de passe {attempt}");
        let res = visitor
            .post(
                "/admin/login",
                &[("csrf", &csrf), ("name", "camille"), ("password", &wrong)],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        csrf = res.csrf();
    }
    let res = visitor
        .post(
            "/admin/login",
            &[("csrf", &csrf), ("name", "camille"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text_of("#password-error")
            .unwrap()
            .contains("quart d’heure")
    );
    // Another account is not affected.
    create_admin(&node, "dominique", PASSWORD).await;
    Visitor::new(&node, "fr")
        .log_in("dominique", PASSWORD)
        .await;
}

/// Following another node's centre from the network page, then unfollowing it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_and_unfollow_a_centre_from_the_network_page() {
    let a = TestNodes::demo(Backend::Sqlite).await;
    let b = TestNodes::one(Backend::Sqlite).await;
    create_admin(&b, "camille", PASSWORD).await;
    let visitor = Visitor::new(&b, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let page = visitor.get("/admin/network").await;
    let target = format!("loire@localhost:{}", a.port);
    let res = visitor
        .post(
            "/admin/follow",
            &[("csrf", &page.csrf()), ("target", &target)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(
        res.location.as_deref(),
        Some("/admin/network?done=followed")
    );
    // The follow is listed; A's recommendations arrive (backfill) and show on B's site.
    eventually("A's recommendations on B", || async {
        (b.search("q=nextcloud&kind=software").await.0 > 0).then_some(())
    })
    .await;
    let page = visitor.get("/admin/network?done=followed").await;
    assert_eq!(
        page.text_of("p.notice").as_deref(),
        Some("Demande d’abonnement envoyée.")
    );
    // The backfill's progress, as the API reports it, in staff's words.
    let items = eventually("the backfill done, by the API", || async {
        let follows = b.get("/api/v1/follows").await.body;
        let backfill = &follows["results"][0]["backfill"];
        (backfill["state"] == "done").then(|| backfill["items"].as_i64().unwrap())
    })
    .await;
    assert!(items > 100, "{items} items taken from the demo data");
    assert_eq!(
        visitor
            .get("/admin/network")
            .await
            .text_of("section[aria-labelledby=following] .backfill")
            .as_deref(),
        Some(format!("– {items} entrées reçues, terminé").as_str())
    );
    // The delivery of the Follow shows in the dashboard's queue table, by host.
    let dashboard = visitor.get("/admin").await;
    let hosts = dashboard.texts("section[aria-labelledby=queue] tbody th");
    assert!(
        hosts
            .iter()
            .any(|h| h.starts_with(&format!("localhost:{}", a.port))),
        "{hosts:?}"
    );
    let centres = Visitor::new(&b, "fr").get("/centres").await;
    assert!(
        centres
            .texts("section[aria-labelledby=network] h3")
            .contains(&"Annuaire libre Loire".to_owned())
    );
    let unfollow = page
        .attr(
            "section[aria-labelledby=following] form[action$='/delete']",
            "action",
        )
        .expect("an unfollow button");
    let res = visitor.post(&unfollow, &[("csrf", &page.csrf())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = visitor.get("/admin/network").await;
    assert_eq!(page.text_of("section[aria-labelledby=following] ul"), None);
}

/// Every admin page, in both languages: its language, one h1, a label for every control.
async fn every_admin_page_in_both_languages(backend: Backend) {
    let node = TestNodes::demo(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    for (accept, lang) in [("fr-FR", "fr"), ("en-GB", "en")] {
        let visitor = Visitor::new(&node, accept);
        visitor.log_in("camille", PASSWORD).await;
        let recommendations = visitor.get("/admin/recommendations").await;
        let contacts = visitor.get("/admin/contacts").await;
        let mut pages = vec![
            "/admin".to_owned(),
            "/admin/recommendations".to_owned(),
            "/admin/recommendations/new".to_owned(),
            "/admin/contacts".to_owned(),
            "/admin/contacts/new".to_owned(),
            "/admin/network".to_owned(),
        ];
        pages.extend(recommendations.attr("td.actions a[href$='/edit']", "href"));
        pages.extend(contacts.attr("td.actions a[href$='/edit']", "href"));
        assert_eq!(
            pages.len(),
            8,
            "the demo has recommendations and cards to edit"
        );
        for path in &pages {
            let page = visitor.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path} ({lang})");
            assert_eq!(page.attr("html", "lang").as_deref(), Some(lang), "{path}");
            assert_eq!(page.count("h1"), 1, "{path}");
            assert_eq!(page.unlabelled_controls(), Vec::<String>::new(), "{path}");
            // Every form posts its CSRF token.
            let forms = scraper::Selector::parse("form[method=post]").unwrap();
            for form in page.html.select(&forms) {
                let token = scraper::Selector::parse("input[name=csrf]").unwrap();
                assert_eq!(
                    form.select(&token).count(),
                    1,
                    "{path}: a form without token"
                );
            }
        }
    }
}
on_both_backends!(
    every_admin_page_renders_in_french_and_english,
    every_admin_page_in_both_languages
);

/// Staff keep the provider records the offers pick from: errors at the field, the record
/// refused for deletion while an offer names it.
async fn provider_records_in_the_admin(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let dashboard = visitor.get("/admin").await;
    assert_eq!(dashboard.count("a[href='/admin/providers']"), 1);
    let form = visitor.get("/admin/providers/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.unlabelled_controls().is_empty(),
        "{:?}",
        form.unlabelled_controls()
    );
    let csrf = form.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("name", "La Mère Zaclys"),
        ("website", "zaclys.com"),
        ("kind", "association"),
        ("chatons", "on"),
        ("country", "France"),
    ];
    let refused = visitor.post("/admin/providers/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.attr("#country", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        refused.attr("#website", "value").as_deref(),
        Some("zaclys.com")
    );
    fields[5] = ("country", "fr");
    let saved = visitor.post("/admin/providers/new", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let record = node.get_public("/api/v1/providers/la-mere-zaclys").await;
    assert_eq!(record.body["website"], "https://zaclys.com/");
    assert_eq!(record.body["chatons"], true);
    assert_eq!(record.body["country"], "FR");

    // The edit form is filled with the record; unticking CHATONS is saved.
    let edit = visitor.get("/admin/providers/la-mere-zaclys/edit").await;
    assert_eq!(
        edit.attr("#name", "value").as_deref(),
        Some("La Mère Zaclys")
    );
    assert_eq!(edit.attr("#chatons", "checked").as_deref(), Some(""));
    let csrf = edit.csrf();
    let res = visitor
        .post(
            "/admin/providers/la-mere-zaclys/edit",
            &[
                ("csrf", csrf.as_str()),
                ("name", "Zaclys"),
                ("website", "https://zaclys.com/"),
                ("kind", "association"),
                ("country", "FR"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let record = node.get_public("/api/v1/providers/la-mere-zaclys").await;
    assert_eq!(record.body["name"], "Zaclys");
    assert_eq!(record.body["chatons"], false);

    // Named by an offer: no delete button, and a forced delete says why.
    let mut nextcloud = crate::helpers::recommendation(
        "Nextcloud",
        "https://nextcloud.com",
        &["Google Drive"],
        "files",
    );
    nextcloud["hosting"] = serde_json::json!([{"name": "Nuage", "url": "https://nuage.zaclys.com",
        "provider": "la-mere-zaclys"}]);
    let created = node.create_recommendation(&nextcloud).await;
    let list = visitor.get("/admin/providers").await;
    assert_eq!(
        list.count("a[href='/admin/providers/la-mere-zaclys/delete']"),
        0
    );
    let res = visitor
        .post(
            "/admin/providers/la-mere-zaclys/delete",
            &[("csrf", &list.csrf())],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.text_of("p.error").unwrap().contains("la-mere-zaclys"),
        "{}",
        res.text
    );
    let res = node
        .patch(
            &format!(
                "/api/v1/recommendations/{}",
                crate::helpers::key(&created["id"])
            ),
            &serde_json::json!({"hosting": []}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let list = visitor.get("/admin/providers").await;
    let res = visitor
        .post(
            "/admin/providers/la-mere-zaclys/delete",
            &[("csrf", &list.csrf())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        node.get_public("/api/v1/providers/la-mere-zaclys")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
on_both_backends!(
    providers_are_kept_in_the_admin,
    provider_records_in_the_admin
);
