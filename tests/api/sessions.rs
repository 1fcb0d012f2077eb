//! Admin sessions as a browser keeps them: over https the cookies are `__Host-` and
//! `Secure`; a session lasts a week, on the server as in the cookie; a new password closes
//! the account's sessions (others stay open).

use chrono::TimeDelta;
use diesel::prelude::*;
use maillage::storage::schema::sessions;
use reqwest::StatusCode;

use crate::helpers::{Backend, NodeSpec, TestNode, TestNodes, production_missing};
use crate::site::{Visitor, create_admin};

const PASSWORD: &str = "un mot de passe assez long";
const WEEK: i64 = 7 * 24 * 3600;

/// Logs in through the form, posting from `origin` as the browser would; returns the raw
/// `Set-Cookie` of the session.
async fn log_in_from(visitor: &Visitor<'_>, name: &str, origin: &str) -> String {
    let form = visitor.get("/admin/login").await;
    let res = visitor
        .post_from(
            "/admin/login",
            &[
                ("csrf", &form.csrf()),
                ("name", name),
                ("password", PASSWORD),
                ("next", "/admin"),
            ],
            origin,
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    visitor
        .set_cookies
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|c| c.contains("maillage_session="))
        .cloned()
        .expect("a session cookie")
}

/// Whether the visitor's session opens the dashboard (else it is sent to the login page).
async fn logged_in(visitor: &Visitor<'_>) -> bool {
    let page = visitor.get("/admin").await;
    match page.status {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            assert!(
                page.location
                    .as_deref()
                    .is_some_and(|l| l.starts_with("/admin/login")),
                "{:?}",
                page.location
            );
            false
        }
        other => panic!("/admin answered {other}"),
    }
}

fn attributes(cookie: &str) -> Vec<String> {
    cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_cookies_are_host_only_and_secure() {
    if production_missing().await {
        return;
    }
    let [secure, local] = TestNodes::start(
        Backend::Sqlite,
        [NodeSpec::default().production(), NodeSpec::centre("local")],
    )
    .await;
    create_admin(&secure, "camille", PASSWORD).await;
    create_admin(&local, "camille", PASSWORD).await;
    // Logged in through the node's TLS terminator, as a browser would on https.
    assert!(secure.base.starts_with("https://"), "{}", secure.base);
    let visitor = Visitor::new(&secure, "fr");
    let cookie = log_in_from(&visitor, "camille", &secure.base).await;
    assert!(cookie.starts_with("__Host-maillage_session="), "{cookie}");
    let set = attributes(&cookie);
    for wanted in ["secure", "httponly", "samesite=strict", "path=/"] {
        assert!(set.iter().any(|a| a == wanted), "{wanted}: {cookie}");
    }
    assert!(!set.iter().any(|a| a.starts_with("domain")), "{cookie}");
    let login_cookies: Vec<String> = visitor
        .set_cookies
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c.contains("maillage_login="))
        .cloned()
        .collect();
    assert!(
        !login_cookies.is_empty()
            && login_cookies
                .iter()
                .all(|c| c.starts_with("__Host-maillage_login=") && c.contains("Secure")),
        "{login_cookies:?}"
    );
    assert!(logged_in(&visitor).await);

    // On a local http node a Secure cookie would be dropped by the browser: neither.
    let visitor = Visitor::new(&local, "fr");
    let cookie = log_in_from(&visitor, "camille", &local.base).await;
    assert!(cookie.starts_with("maillage_session="), "{cookie}");
    assert!(
        !attributes(&cookie).iter().any(|a| a == "secure"),
        "{cookie}"
    );
}

/// Moves every session of the node's database `by` into the past.
async fn age_sessions(node: &TestNode, by: TimeDelta) {
    let db = maillage::startup::open_database(&node.settings)
        .await
        .unwrap();
    db.write(move |conn| {
        let now = maillage::storage::now();
        Ok(diesel::update(sessions::table)
            .set((
                sessions::created_at.eq(now - by),
                sessions::expires_at.eq(now - by + TimeDelta::days(7)),
            ))
            .execute(conn)?)
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_lasts_a_week() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    let cookie = log_in_from(&visitor, "camille", &node.base).await;
    assert!(
        attributes(&cookie)
            .iter()
            .any(|a| *a == format!("max-age={WEEK}")),
        "{cookie}"
    );
    age_sessions(&node, TimeDelta::days(6)).await;
    assert!(logged_in(&visitor).await, "six days old");
    age_sessions(&node, TimeDelta::days(7) + TimeDelta::minutes(1)).await;
    assert!(!logged_in(&visitor).await, "a week and a minute old");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_closes_the_accounts_sessions() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    create_admin(&node, "dominique", PASSWORD).await;
    let camille = Visitor::new(&node, "fr");
    log_in_from(&camille, "camille", &node.base).await;
    let dominique = Visitor::new(&node, "fr");
    log_in_from(&dominique, "dominique", &node.base).await;
    assert!(logged_in(&camille).await && logged_in(&dominique).await);
    // What `maillage admin create-user camille` does for an existing account.
    let (directory, _) = maillage::startup::open_directory(&node.settings)
        .await
        .unwrap();
    assert!(
        !directory
            .create_account("camille", "un autre mot de passe long")
            .await
            .unwrap(),
        "the account existed"
    );
    assert!(!logged_in(&camille).await, "camille's session closed");
    assert!(logged_in(&dominique).await, "dominique's session kept");
}
