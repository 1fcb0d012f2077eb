//! The admin lists over HTTP (issue 12), on both backends: search, filter and sort as query
//! parameters; bulk publish, unpublish and delete through one confirmation page, and only with
//! the session's CSRF token.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestNodes, key, recommendation};
use crate::on_both_backends;
use crate::site::{Visitor, create_admin};

const PASSWORD: &str = "un mot de passe assez long";

async fn bulk_actions(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let mut keys = Vec::new();
    for (name, homepage, replaces, category) in [
        ("Jitsi Meet", "https://jitsi.org", "Zoom", "videoconf"),
        (
            "Nextcloud",
            "https://nextcloud.com",
            "Google Drive",
            "files",
        ),
        ("PeerTube", "https://joinpeertube.org", "YouTube", "video"),
    ] {
        let created = node
            .create_recommendation(&recommendation(name, homepage, &[replaces], category))
            .await;
        keys.push(key(&created["id"]));
    }
    let status = async |key: &str| {
        let res = node.get(&format!("/api/v1/recommendations/{key}")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        res.body["status"].as_str().unwrap().to_owned()
    };

    // Search (accents and case aside), sort, and the count of what matches.
    let list = visitor.get("/admin/recommendations?q=NEXTCLOUD").await;
    assert_eq!(list.texts("table.records tbody th a"), vec!["Nextcloud"]);
    assert_eq!(list.text_of("p[role=status]").as_deref(), Some("1 élément"));
    let list = visitor.get("/admin/recommendations?sort=name").await;
    assert_eq!(
        list.texts("table.records tbody th a"),
        vec!["Jitsi Meet", "Nextcloud", "PeerTube"]
    );
    assert_eq!(
        list.count("input[type=checkbox][form=bulk][name=key]"),
        3,
        "each row can be ticked"
    );

    // Ticking asks first, naming what was ticked; nothing changes until confirmed.
    let ask = format!(
        "/admin/recommendations/bulk?action=unpublish&key={}&key={}",
        keys[0], keys[2]
    );
    let confirm = visitor.get(&ask).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(
        confirm.texts("div.confirm li"),
        vec!["Jitsi Meet", "PeerTube"]
    );
    assert_eq!(confirm.count("div.confirm input[name=key]"), 2);
    assert_eq!(status(&keys[0]).await, "published");
    let csrf = confirm.csrf();
    let form = |action: &'static str, ks: &[&str]| {
        let mut fields = vec![("csrf", csrf.clone()), ("action", action.to_owned())];
        fields.extend(ks.iter().map(|k| ("key", (*k).to_owned())));
        fields
    };
    let post = async |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        visitor.post("/admin/recommendations/bulk", &fields).await
    };

    // Without the token: refused.
    let mut forged = form("unpublish", &[&keys[0]]);
    forged[0].1 = String::new();
    assert_eq!(post(forged).await.status, StatusCode::FORBIDDEN);
    assert_eq!(status(&keys[0]).await, "published");

    let done = post(form("unpublish", &[&keys[0], &keys[2]])).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(
        done.location.as_deref(),
        Some("/admin/recommendations?done=bulk-unpublish")
    );
    assert_eq!(status(&keys[0]).await, "draft");
    assert_eq!(status(&keys[1]).await, "published");
    assert_eq!(status(&keys[2]).await, "draft");
    assert_eq!(
        node.search("q=jitsi").await.0,
        0,
        "visitors no longer find it"
    );
    let drafts = visitor.get("/admin/recommendations?status=draft").await;
    assert_eq!(
        drafts.texts("table.records tbody th a"),
        vec!["PeerTube", "Jitsi Meet"],
        "the last changed first"
    );

    let done = post(form("publish", &[&keys[0]])).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&keys[0]).await, "published");
    assert_eq!(node.search("q=jitsi").await.0, 1);

    // An action the list does not offer changes nothing.
    let done = post(form("withdraw", &[&keys[1]])).await;
    assert_eq!(
        done.location.as_deref(),
        Some("/admin/recommendations?done=bulk-none")
    );
    assert_eq!(status(&keys[1]).await, "published");

    let done = post(form("delete", &[&keys[1], &keys[2]])).await;
    assert_eq!(
        done.location.as_deref(),
        Some("/admin/recommendations?done=bulk-delete")
    );
    for gone in [&keys[1], &keys[2]] {
        let res = node.get(&format!("/api/v1/recommendations/{gone}")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }
    let list = visitor.get("/admin/recommendations?done=bulk-delete").await;
    assert_eq!(list.texts("table.records tbody th a"), vec!["Jitsi Meet"]);
    assert_eq!(
        list.text_of("p.notice").as_deref(),
        Some("Éléments supprimés.")
    );
}
on_both_backends!(bulk_actions_on_recommendations, bulk_actions);
