//! Snapshots of the JSON this node publishes (actor, WebFinger, NodeInfo, a recommendation, a
//! contact card), so any change to the federation surface shows in review. Ports, keys, random
//! ids and dates are redacted.

use serde_json::{Value, json};

use crate::helpers::{Backend, TestNodes, recommendation};
use crate::network::actor;

async fn fetch(client: &reqwest::Client, url: &str, accept: &str) -> (String, Value) {
    let res = client
        .get(url)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{url}: {}", res.status());
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    (content_type, res.json().await.unwrap())
}

/// Replaces what changes from run to run: the port, 32-hex-digit keys, PEM keys.
pub(crate) fn stable(value: &Value, port: u16) -> Value {
    let text = value
        .to_string()
        .replace(&format!("localhost:{port}"), "localhost:PORT");
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            .count();
        if run == 32 {
            out.push_str("KEY");
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    let mut value: Value = serde_json::from_str(&out).unwrap();
    redact_keys(&mut value);
    value
}

fn redact_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "publicKeyPem" {
                    *v = json!("[PEM]");
                } else if matches!(k.as_str(), "published" | "updated") && v.is_string() {
                    *v = json!("[DATE]");
                } else {
                    redact_keys(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_keys),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_json_shapes() {
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let res = a
        .patch(
            "/api/v1/centres/loire",
            &json!({"summary": "Médiation numérique dans la Loire.", "region": "FR-ARA",
                                               "website": "https://loire.example"}),
        )
        .await;
    assert!(res.status.is_success());
    let mut body = recommendation(
        "Nextcloud",
        "https://nextcloud.com/",
        &["Google Drive", "Dropbox"],
        "files",
    );
    body["software"]["license"] = json!("AGPL-3.0");
    body["hosting"] = json!([{"name": "Framasoft", "url": "https://frama.space"}]);
    body["audience"] = json!(["associations"]);
    let rec = a.create_recommendation(&body).await;
    let card = a
        .post("/api/v1/contacts", &json!({"name": "Camille Exemple", "role": "médiatrice numérique",
            "skills": ["Nextcloud"], "email": "camille@exemple.org", "contact_form": "https://loire.example/contact",
            "visibility": "public",
            "consent": {"given_at": "2026-05-20T10:00:00Z", "scope": ["name", "role", "skills", "contact_form"]}}))
        .await
        .body;
    let ap = "application/activity+json";
    let (content_type, actor_json) = fetch(&a.client, &actor(&a), ap).await;
    assert_eq!(content_type, "application/activity+json");
    insta::assert_json_snapshot!("actor", stable(&actor_json, a.port));
    let (content_type, webfinger) = fetch(
        &a.client,
        &format!(
            "{}/.well-known/webfinger?resource=acct:loire@localhost:{}",
            a.base, a.port
        ),
        "application/jrd+json",
    )
    .await;
    assert_eq!(content_type, "application/jrd+json");
    insta::assert_json_snapshot!("webfinger", stable(&webfinger, a.port));
    let (_, links) = fetch(
        &a.client,
        &format!("{}/.well-known/nodeinfo", a.base),
        "application/json",
    )
    .await;
    let (_, nodeinfo) = fetch(
        &a.client,
        links["links"][0]["href"].as_str().unwrap(),
        "application/json",
    )
    .await;
    insta::assert_json_snapshot!("nodeinfo", stable(&nodeinfo, a.port), {".software.version" => "[VERSION]"});
    let (_, note) = fetch(&a.client, rec["id"].as_str().unwrap(), ap).await;
    insta::assert_json_snapshot!("recommendation", stable(&note, a.port));
    let (_, contact) = fetch(&a.client, card["id"].as_str().unwrap(), ap).await;
    insta::assert_json_snapshot!("contact", stable(&contact, a.port));
    let (_, outbox) = fetch(&a.client, &format!("{}/outbox", actor(&a)), ap).await;
    insta::assert_json_snapshot!("outbox", stable(&outbox, a.port));
}
