//! Bearer tokens: writes need one, a wrong or revoked one is refused, and the public sees only
//! what is public.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Backend, TestNodes, key, listing, recommendation};
use crate::on_both_backends;

async fn tokens(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let body = recommendation("Jitsi Meet", "https://jitsi.org", &["Zoom"], "videoconf");

    // No token, a malformed header, an unknown token: 401 with WWW-Authenticate, nothing stored.
    let res = node
        .request(Method::POST, "/api/v1/recommendations", None, Some(&body))
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error_code(), Some("unauthorized"));
    assert_eq!(res.headers["www-authenticate"], "Bearer");
    let res = node
        .client
        .post(node.url("/api/v1/recommendations"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = node
        .request(
            Method::POST,
            "/api/v1/recommendations",
            Some("mlg_wrong"),
            Some(&body),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // A wrong token on a public read is refused too, rather than silently ignored.
    let res = node
        .request(Method::GET, "/api/v1/search", Some("mlg_wrong"), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        listing(&node.get("/api/v1/recommendations").await.body).0,
        0
    );

    // Every write route needs the token.
    let created = node.create_recommendation(&body).await;
    let k = key(&created["id"]);
    for (method, path) in [
        (Method::PATCH, format!("/api/v1/recommendations/{k}")),
        (Method::DELETE, format!("/api/v1/recommendations/{k}")),
        (Method::POST, "/api/v1/contacts".to_owned()),
        (Method::POST, "/api/v1/centres".to_owned()),
        (Method::PATCH, "/api/v1/centres/loire".to_owned()),
    ] {
        let res = node
            .request(method.clone(), &path, None, Some(&json!({})))
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }

    // Tokens made through the directory work until revoked.
    let app = maillage::startup::open_directory(&node.settings)
        .await
        .unwrap()
        .0;
    let token = app.create_token("test").await.unwrap();
    assert!(token.token.starts_with("mlg_"));
    let res = node
        .request(
            Method::GET,
            "/api/v1/contacts?visibility=hidden",
            Some(&token.token),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(app.revoke_token(&token.id.to_string()).await.unwrap());
    let res = node
        .request(Method::GET, "/api/v1/contacts", Some(&token.token), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(!app.revoke_token("mlg_unknown").await.unwrap());
}
on_both_backends!(writes_need_a_valid_token, tokens);
