//! Helpers for several nodes: named centres, following, waiting for something to arrive.

use reqwest::StatusCode;
use serde_json::{Value, json};

// The one bounded wait, kept reachable here for the files that import it from this module.
pub use crate::helpers::eventually;
use crate::helpers::{NodeSpec, TestNode, listing};

/// The centre `name` on a node, in production mode or not.
pub fn spec(name: &str, production: bool) -> NodeSpec {
    let spec = NodeSpec::centre(name);
    if production { spec.production() } else { spec }
}

pub fn handle(node: &TestNode) -> String {
    node.handle()
}

pub fn actor(node: &TestNode) -> String {
    format!("{}/centres/{}", node.base, node.settings.centre.username)
}

/// `follower` follows `target`'s first centre and waits for the Accept.
pub async fn follow(follower: &TestNode, target: &TestNode) -> Value {
    let res = follower
        .post("/api/v1/follows", &json!({"target": handle(target)}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["target"], actor(target));
    let id = res.body["id"].as_str().unwrap().to_owned();
    eventually("the follow to be accepted", || async {
        let (_, follows) = listing(&follower.get("/api/v1/follows").await.body);
        follows
            .into_iter()
            .find(|f| f["id"] == id.as_str() && f["state"] == "accepted")
    })
    .await
}

/// Staff search on `node` (everything it holds): its entries (each software card's
/// recommendations, and the contact cards).
pub async fn staff_search(node: &TestNode, query: &str) -> Vec<Value> {
    let res = node
        .get(&format!("/api/v1/search?per_page=200&{query}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    entries(listing(&res.body).1)
}

/// Public search on `node`: its entries (each software card's recommendations, and the
/// contact cards).
pub async fn public_search(node: &TestNode, query: &str) -> Vec<Value> {
    entries(node.search(&format!("per_page=200&{query}")).await.1)
}

fn entries(results: Vec<Value>) -> Vec<Value> {
    results
        .into_iter()
        .flat_map(|r| match r["kind"].as_str() {
            Some("software") => r["recommendations"].as_array().cloned().unwrap_or_default(),
            Some("contact") => vec![r],
            _ => Vec::new(),
        })
        .collect()
}

pub fn find<'a>(results: &'a [Value], id: &str) -> Option<&'a Value> {
    results.iter().find(|r| r["id"] == id)
}

/// An object fetched at its id as an ActivityPub client would.
pub async fn note_of(node: &TestNode, id: &str) -> Value {
    let res = node
        .client
        .get(id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{id}");
    res.json().await.unwrap()
}
