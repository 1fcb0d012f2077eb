//! Several staff per centre (issue 12): an administrator creates accounts with a one-time
//! password and a role; editors keep the content but are refused the profile, the network and
//! the accounts; everyone changes their own password; the last administrator stays.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestNodes};
use crate::on_both_backends;
use crate::site::{Visitor, create_admin};

const PASSWORD: &str = "un mot de passe assez long";
const NEW_PASSWORD: &str = "une phrase de passe bien à moi";

async fn staff_and_roles(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let camille = Visitor::new(&node, "fr");
    camille.log_in("camille", PASSWORD).await;
    let page = camille.get("/admin/accounts").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.unlabelled_controls().is_empty(),
        "{:?}",
        page.unlabelled_controls()
    );
    // The account that existed before is an administrator.
    assert!(page.text.contains("Administrateur ou administratrice"));
    let csrf = page.csrf();

    // A bad name is refused at its field; a good one gives a one-time password, once.
    let refused = camille
        .post(
            "/admin/accounts",
            &[("csrf", &csrf), ("name", "do minique"), ("role", "editor")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#name-error").is_some(), "{}", refused.text);
    let created = camille
        .post(
            "/admin/accounts",
            &[("csrf", &csrf), ("name", "dominique"), ("role", "editor")],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let one_time = created
        .text_of("#one-time-password")
        .expect("the one-time password");
    assert_eq!(one_time.len(), 23, "{one_time}");
    assert!(
        camille
            .get("/admin/accounts")
            .await
            .text_of("#one-time-password")
            .is_none()
    );
    let again = camille
        .post(
            "/admin/accounts",
            &[("csrf", &csrf), ("name", "dominique"), ("role", "editor")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.text
    );

    // The editor logs in with it, edits content, and is refused the administrators' pages.
    let dominique = Visitor::new(&node, "fr");
    dominique.log_in("dominique", &one_time).await;
    let dashboard = dominique.get("/admin").await;
    assert_eq!(dashboard.count("a[href='/admin/profile']"), 0);
    assert_eq!(dashboard.count("a[href='/admin/accounts']"), 0);
    assert_eq!(dashboard.count("a[href='/admin/password']"), 1);
    for path in [
        "/admin/recommendations/new",
        "/admin/contacts",
        "/admin/places",
        "/admin/providers",
    ] {
        assert_eq!(dominique.get(path).await.status, StatusCode::OK, "{path}");
    }
    let editor_csrf = dashboard.csrf();
    for path in [
        "/admin/profile",
        "/admin/accounts",
        "/admin/network",
        "/admin/accounts/camille/delete",
    ] {
        let refused = dominique.get(path).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            refused.text.contains("réservée aux administrateurs"),
            "{path}"
        );
    }
    for path in [
        "/admin/accounts",
        "/admin/accounts/camille/delete",
        "/admin/follow",
        "/admin/queue/retry",
    ] {
        let refused = dominique
            .post(
                path,
                &[
                    ("csrf", &editor_csrf),
                    ("name", "mallory"),
                    ("role", "administrator"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    let refused = dominique
        .post_multipart(
            "/admin/profile",
            &[("csrf", &editor_csrf), ("name", "Pris")],
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        camille
            .get("/admin/accounts")
            .await
            .count("h2.account-name"),
        2
    );

    // Dominique replaces the one-time password: the current one is required, the other
    // session (another browser) is closed, this one stays.
    let elsewhere = Visitor::new(&node, "fr");
    elsewhere.log_in("dominique", &one_time).await;
    let wrong = dominique
        .post(
            "/admin/password",
            &[
                ("csrf", &editor_csrf),
                ("current", "pas le bon"),
                ("new", NEW_PASSWORD),
                ("again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.text_of("#current-error").as_deref(),
        Some("Ce n’est pas votre mot de passe actuel.")
    );
    let differ = dominique
        .post(
            "/admin/password",
            &[
                ("csrf", &editor_csrf),
                ("current", &one_time),
                ("new", NEW_PASSWORD),
                ("again", "autre chose encore"),
            ],
        )
        .await;
    assert_eq!(differ.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(differ.text_of("#again-error").is_some());
    // A new password too short and a copy that differs: both said at once.
    let both = dominique
        .post(
            "/admin/password",
            &[
                ("csrf", &editor_csrf),
                ("current", &one_time),
                ("new", "court"),
                ("again", "autre"),
            ],
        )
        .await;
    assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(both.text_of("#new-error").is_some(), "{}", both.text);
    assert!(both.text_of("#again-error").is_some(), "{}", both.text);
    assert_eq!(both.count("#error-summary li"), 2);
    let changed = dominique
        .post(
            "/admin/password",
            &[
                ("csrf", &editor_csrf),
                ("current", &one_time),
                ("new", NEW_PASSWORD),
                ("again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert_eq!(dominique.get("/admin").await.status, StatusCode::OK);
    let closed = elsewhere.get("/admin").await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert!(closed.location.unwrap().starts_with("/admin/login"));
    Visitor::new(&node, "fr")
        .log_in("dominique", NEW_PASSWORD)
        .await;

    // Never the last administrator: neither removed nor demoted.
    let last = camille
        .post("/admin/accounts/camille/delete", &[("csrf", &csrf)])
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.text);
    let last = camille
        .post(
            "/admin/accounts/camille/role",
            &[("csrf", &csrf), ("role", "editor")],
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.text);
    // With a second administrator, the first can go (asked first, on a page of its own).
    let promoted = camille
        .post(
            "/admin/accounts/dominique/role",
            &[("csrf", &csrf), ("role", "administrator")],
        )
        .await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER, "{}", promoted.text);
    assert_eq!(
        dominique.get("/admin/accounts").await.status,
        StatusCode::OK
    );
    let confirm = dominique.get("/admin/accounts/camille/delete").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(
        confirm.count("form[action='/admin/accounts/camille/delete'] button"),
        1
    );
    let removed = dominique
        .post("/admin/accounts/camille/delete", &[("csrf", &editor_csrf)])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text);
    // Camille's session ended with the account.
    assert_eq!(camille.get("/admin").await.status, StatusCode::SEE_OTHER);
    let last = dominique
        .post(
            "/admin/accounts/dominique/role",
            &[("csrf", &editor_csrf), ("role", "editor")],
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
}
on_both_backends!(administrators_and_editors, staff_and_roles);

/// A new one-time password closes the sessions of the account it is for.
async fn reset_by_an_administrator(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    create_admin(&node, "sacha", PASSWORD).await;
    let camille = Visitor::new(&node, "fr");
    camille.log_in("camille", PASSWORD).await;
    let sacha = Visitor::new(&node, "fr");
    sacha.log_in("sacha", PASSWORD).await;
    let csrf = camille.get("/admin/accounts").await.csrf();
    let reset = camille
        .post("/admin/accounts/sacha/reset", &[("csrf", &csrf)])
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    let one_time = reset.text_of("#one-time-password").unwrap();
    assert_eq!(sacha.get("/admin").await.status, StatusCode::SEE_OTHER);
    Visitor::new(&node, "fr").log_in("sacha", &one_time).await;
    assert_eq!(camille.get("/admin").await.status, StatusCode::OK);
}
on_both_backends!(
    a_reset_password_closes_that_accounts_sessions,
    reset_by_an_administrator
);

/// Who changed what, from the pages and with an API token, on the dashboard and paged.
async fn audit_log(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let camille = Visitor::new(&node, "fr");
    camille.log_in("camille", PASSWORD).await;
    let empty = camille.get("/admin").await;
    assert_eq!(
        empty
            .text_of("section[aria-labelledby=audit-heading] p")
            .as_deref(),
        Some("Aucune modification enregistrée pour l’instant.")
    );
    let csrf = empty.csrf();
    let created = camille
        .post(
            "/admin/accounts",
            &[("csrf", &csrf), ("name", "dominique"), ("role", "editor")],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK);
    // With the configured API token, then on the contact form.
    let rec = node
        .create_recommendation(&crate::helpers::recommendation(
            "Nextcloud",
            "https://nextcloud.com",
            &["Google Drive"],
            "files",
        ))
        .await;
    let key = crate::helpers::key(&rec["id"]);
    assert_eq!(
        node.delete(&format!("/api/v1/recommendations/{key}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Reading changes nothing in the log.
    assert_eq!(
        node.get("/api/v1/recommendations").await.status,
        StatusCode::OK
    );

    let dashboard = camille.get("/admin").await;
    let entries = dashboard.texts("ol.audit li");
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(
        entries[0].ends_with("token:configuration a supprimé la recommandation « Nextcloud »"),
        "{entries:?}"
    );
    assert!(
        entries[1].ends_with("token:configuration a créé la recommandation « Nextcloud »"),
        "{entries:?}"
    );
    assert!(
        entries[2].ends_with("camille a créé le compte « dominique (editor) »"),
        "{entries:?}"
    );

    // Paged on its own page, newest first, 50 a page.
    for n in 0..50 {
        let res = node
            .post(
                "/api/v1/providers",
                &serde_json::json!({"name": format!("Hébergeur {n}"), "website": format!("hebergeur{n}.example"),
                    "kind": "association", "chatons": false, "country": "FR"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    }
    let first = camille.get("/admin/audit").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.count("ol.audit li"), 50);
    assert!(first.texts("ol.audit li")[0].contains("« Hébergeur 49 »"));
    assert_eq!(
        first.attr("a[rel=next]", "href").as_deref(),
        Some("/admin/audit?page=2")
    );
    let second = camille.get("/admin/audit?page=2").await;
    assert_eq!(second.count("ol.audit li"), 3);
    assert!(second.attr("a[rel=next]", "href").is_none());
    assert_eq!(camille.get("/admin").await.count("ol.audit li"), 8);
}
on_both_backends!(changes_are_logged_with_who_made_them, audit_log);
