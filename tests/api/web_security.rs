//! Hostile visitors of the website and the API: login floods, open redirects, framing and
//! sniffing, formulas in the CSV export, connections that never finish their headers, secrets
//! in logs.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{ADMIN_TOKEN, Backend, NodeSpec, TestNode, TestNodes, recommendation};
use crate::on_both_backends;
use crate::site::create_admin;

const PASSWORD: &str = "un mot de passe assez long";

/// One login attempt through the form, as a browser behind a proxy that says the visitor is
/// `forwarded_for`: the form (its CSRF cookie and token), then the post. Returns the status.
async fn attempt(
    node: &TestNode,
    forwarded_for: Option<&str>,
    name: &str,
    password: &str,
) -> StatusCode {
    attempt_next(node, forwarded_for, name, password, "/admin").await
}

async fn attempt_next(
    node: &TestNode,
    forwarded_for: Option<&str>,
    name: &str,
    password: &str,
    next: &str,
) -> StatusCode {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let with_xff = |req: reqwest::RequestBuilder| match forwarded_for {
        Some(xff) => req.header("x-forwarded-for", xff),
        None => req,
    };
    let form = with_xff(client.get(node.url("/admin/login")))
        .send()
        .await
        .unwrap();
    let cookie = form
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("maillage_login="))
        .expect("the login cookie");
    let html = form.text().await.unwrap();
    let csrf = scraper::Html::parse_document(&html)
        .select(&scraper::Selector::parse("input[name=csrf]").unwrap())
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap()
        .to_owned();
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf.as_str()),
            ("name", name),
            ("password", password),
            ("next", next),
        ])
        .finish();
    with_xff(client.post(node.url("/admin/login")))
        .header(COOKIE, cookie)
        .header(ORIGIN, &node.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn behind_a_proxy(backend: Backend) -> TestNode {
    let [node] = TestNodes::start(
        backend,
        [NodeSpec::default().with(|s| s.http.trusted_proxies = vec!["127.0.0.1".into()])],
    )
    .await;
    node
}

/// Issue item 8: A flood of wrong passwords from one address does not keep the account's owner out:
/// the right password from another address logs in. The flooding address is held back.
async fn flood_from_one_address(backend: Backend) {
    let node = behind_a_proxy(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let mut statuses = Vec::new();
    for n in 0..15 {
        statuses.push(attempt(&node, Some("203.0.113.7"), "camille", &format!("faux {n}")).await);
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert!(
        statuses[10..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(
        attempt(&node, Some("198.51.100.2"), "camille", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the owner, from another address, logs in"
    );
    assert_eq!(
        attempt(&node, Some("203.0.113.7"), "camille", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the flooding address waits"
    );
}
on_both_backends!(
    a_flood_from_one_address_does_not_lock_the_owner_out,
    flood_from_one_address
);

/// Issue item 7: Thirty wrong passwords at once are counted like thirty in a row: ten are checked, twenty
/// wait. (Counted before the check, atomically, in the database.)
async fn concurrent_attempts(backend: Backend) {
    let node = behind_a_proxy(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    create_admin(&node, "dominique", PASSWORD).await;
    let node = std::sync::Arc::new(node);
    let mut set = tokio::task::JoinSet::new();
    for n in 0..30 {
        let node = node.clone();
        set.spawn(async move {
            attempt(&node, Some("203.0.113.9"), "camille", &format!("faux {n}")).await
        });
    }
    let mut concurrent = set.join_all().await;
    concurrent.sort();
    let mut sequential = Vec::new();
    for n in 0..30 {
        sequential.push(attempt(&node, Some("203.0.113.10"), "dominique", &format!("x {n}")).await);
    }
    sequential.sort();
    let count = |all: &[StatusCode], s| all.iter().filter(|x| **x == s).count();
    assert_eq!(
        count(&sequential, StatusCode::UNAUTHORIZED),
        10,
        "{sequential:?}"
    );
    assert_eq!(count(&sequential, StatusCode::TOO_MANY_REQUESTS), 20);
    assert_eq!(concurrent, sequential);
}
on_both_backends!(
    concurrent_wrong_passwords_count_like_sequential_ones,
    concurrent_attempts
);

/// Failures are kept in the database: a restart does not give a guesser ten more tries.
async fn survives_restart(backend: Backend) {
    let mut node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    for n in 0..10 {
        assert_eq!(
            attempt(&node, None, "camille", &format!("faux {n}")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    node.restart().await;
    assert_eq!(
        attempt(&node, None, "camille", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
on_both_backends!(login_failures_survive_a_restart, survives_restart);

/// Without a trusted proxy in front, `X-Forwarded-For` is the visitor's own word: ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_ignored_from_untrusted_peers() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    for n in 0..10 {
        let xff = format!("192.0.2.{n}");
        assert_eq!(
            attempt(&node, Some(&xff), "camille", &format!("faux {n}")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&node, Some("192.0.2.200"), "camille", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Issue item 5: Where to go back to after switching language or logging in: control characters are
/// refused (browsers drop tabs and newlines, so `/\t/evil.example` is `//evil.example`);
/// anything that leaves the site becomes `/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_open_redirect() {
    let node = TestNodes::one(Backend::Sqlite).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for back in [
        "/%09/evil.example/g",
        "/%0A/evil.example",
        "/%0D%0ASet-Cookie:%20x=1",
    ] {
        let res = client
            .get(node.url(&format!("/lang/en?back={back}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{back}");
        let res = client
            .get(node.url(&format!("/admin/login?next={back}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{back}");
    }
    for (back, expected) in [
        ("//evil.example/g", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example/", "/"),
        ("/search%3Fq%3Dzoom", "/search?q=zoom"),
    ] {
        let res = client
            .get(node.url(&format!("/lang/en?back={back}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{back}");
        assert_eq!(res.headers()[LOCATION], expected, "{back}");
    }
    create_admin(&node, "camille", PASSWORD).await;
    assert_eq!(
        attempt_next(&node, None, "camille", PASSWORD, "/\t/evil.example").await,
        StatusCode::BAD_REQUEST
    );
}

/// Issue item 9: Every answer, page or API or ActivityPub document or error, forbids framing, sniffing,
/// scripts and loads from elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_headers_everywhere() {
    let node = TestNodes::one(Backend::Sqlite).await;
    for (path, accept) in [
        ("/", "text/html"),
        ("/admin/login", "text/html"),
        ("/api/v1/categories", "application/json"),
        ("/centres/loire", "application/activity+json"),
        ("/no/such/page", "text/html"),
    ] {
        let res = node
            .client
            .get(node.url(path))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        for part in [
            "default-src 'none'",
            "script-src 'self';",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
    }
}

/// Issue item 10: Text that begins like a spreadsheet formula leaves in the CSV export as text.
async fn csv_formulas(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let mut rec = recommendation(
        "Nextcloud",
        "https://nextcloud.com",
        &["Google Drive"],
        "files",
    );
    rec["summary"] = json!("=HYPERLINK(\"https://evil.example\",\"Cliquez\")");
    rec["rationale"] = json!("+33 1 23 45 67 89 -- @SUM(A1)");
    node.create_recommendation(&rec).await;
    let res = node.get_public("/api/v1/export?format=csv").await;
    assert_eq!(res.status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(res.text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert!(row[column("summary")].starts_with("'=HYPERLINK"), "{row:?}");
    assert!(row[column("rationale")].starts_with("'+33"), "{row:?}");
    for cell in row.iter() {
        assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
    }
}
on_both_backends!(csv_cells_never_begin_a_formula, csv_formulas);

/// Also seen: a connection that never finishes its headers, or stays idle after an answer, is
/// closed after `http.header_timeout_seconds`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_connections_are_closed() {
    let [node] = TestNodes::start(
        Backend::Sqlite,
        [NodeSpec::default().with(|s| s.http.header_timeout_seconds = 1)],
    )
    .await;
    let closed = |mut stream: tokio::net::TcpStream| async move {
        let mut buf = vec![0u8; 64 * 1024];
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await
        .is_ok()
    };
    // Headers begun, never finished.
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", node.port))
        .await
        .unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    assert!(
        closed(slow).await,
        "a connection with unfinished headers stays open"
    );
    // One request answered, then idle.
    let mut idle = tokio::net::TcpStream::connect(("127.0.0.1", node.port))
        .await
        .unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    assert!(
        closed(idle).await,
        "an idle kept-alive connection stays open"
    );
}

/// Also seen: private keys, password hashes and tokens never print (`Debug`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_do_not_print() {
    let node = TestNodes::one(Backend::Sqlite).await;
    create_admin(&node, "camille", PASSWORD).await;
    let db = maillage::startup::open_database(&node.settings)
        .await
        .unwrap();
    let (centre, account) = db
        .run(|conn| {
            Ok((
                maillage::storage::centres::CentreRow::find_local(conn, "loire")?.unwrap(),
                maillage::storage::accounts::AccountRow::find_by_name(conn, "camille")?.unwrap(),
            ))
        })
        .await
        .unwrap();
    assert!(centre.private_key.is_some());
    let printed = format!("{centre:?} {account:?} {:?}", node.settings);
    for secret in ["PRIVATE KEY", "$argon2", ADMIN_TOKEN] {
        assert!(!printed.contains(secret), "{secret} printed: {printed}");
    }
}
