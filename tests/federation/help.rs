//! Help requests across the fediverse: a visitor of one node asks a centre of another (a direct
//! message to that centre only, with the visitor's consent); a fediverse account mentions a
//! centre and staff reply to that account only.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNode, TestNodes, listing};
use crate::network::{actor, eventually};
use crate::on_both_backends;
use crate::peer::{StubActor, Tamper, deliver};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

fn consent() -> Value {
    json!({"given_at": chrono::Utc::now().to_rfc3339(),
           "text": "J’accepte que le centre conserve ma demande et me recontacte à son sujet."})
}

fn request_to(centre: &str, transfer: bool) -> Value {
    let mut body = json!({
        "name": "Awa Diallo",
        "email": "awa@example.org",
        "postcode": "35000",
        "organisation_kind": "cooperative",
        "need": "Un agenda partagé pour la coopérative.",
        "centre": centre,
        "consent": consent(),
    });
    if transfer {
        body["transfer_consent"] = json!({
            "given_at": chrono::Utc::now().to_rfc3339(),
            "text": "J’accepte que ma demande soit transmise au serveur de ce centre."
        });
    }
    body
}

async fn ask(node: &TestNode, body: &Value) -> crate::helpers::Response {
    node.request(Method::POST, "/api/v1/help-requests", None, Some(body))
        .await
}

async fn help_requests(node: &TestNode) -> (i64, Vec<Value>) {
    let res = node.get("/api/v1/help-requests").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    listing(&res.body)
}

/// Whether the JSON names the Public collection anywhere.
fn names_public(value: &Value) -> bool {
    let text = value.to_string();
    text.contains(PUBLIC) || text.contains("\"as:Public\"") || text.contains("\"Public\"")
}

async fn to_another_node(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"]).await;
    let centre = format!("bretagne@{}", b.settings.domain);
    // Leaving this node needs the visitor's consent.
    let res = ask(&a, &request_to(&centre, false)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.error_field(), Some("transfer_consent"));
    let res = ask(&a, &request_to(&centre, true)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["forwarded"], true);
    assert_eq!(
        res.body["centre"]["handle"],
        format!("@bretagne@{}", b.settings.domain)
    );
    let reference = res.body["reference"].as_str().unwrap().to_owned();
    // It arrives at B, under the reference the visitor was given, like a local one.
    let stored = eventually("the request at the other node", || async {
        help_requests(&b).await.1.into_iter().next()
    })
    .await;
    assert_eq!(stored["reference"], reference.as_str());
    assert_eq!(stored["channel"], "peer");
    assert_eq!(stored["origin_node"], a.settings.domain.as_str());
    assert_eq!(stored["email"], "awa@example.org");
    assert_eq!(stored["commune"], "Rennes");
    assert_eq!(
        stored["centre"]["handle"],
        format!("@bretagne@{}", b.settings.domain)
    );
    assert!(
        stored["consent"]["text"]
            .as_str()
            .unwrap()
            .starts_with("J’accepte que le centre")
    );
    // A keeps nothing of it.
    assert_eq!(help_requests(&a).await.0, 0);
}

on_both_backends!(
    a_request_to_another_nodes_centre_arrives_there,
    to_another_node
);

/// On the wire: one direct message, to that centre's inbox alone, addressed to it alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_request_is_a_direct_message_to_that_centre_only() {
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let stub = StubActor::spawn(true).await;
    // A follower of A's centre, which must see nothing of it.
    let follower = StubActor::spawn(false).await;
    follow_from(&follower, &a).await;
    let res = ask(&a, &request_to(stub.actor_id(), true)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let create = eventually("the direct message at the centre", || async {
        stub.posted().into_iter().find(|p| p["type"] == "Create")
    })
    .await;
    let only = json!([stub.actor_id()]);
    assert_eq!(create["to"], only, "{create}");
    assert_eq!(create["object"]["to"], only, "{create}");
    assert!(
        create.get("cc").is_none_or(|cc| cc == &json!([])),
        "{create}"
    );
    assert!(!names_public(&create), "{create}");
    assert!(!create.to_string().contains("/followers"), "{create}");
    assert_eq!(create["object"]["type"], "Note");
    assert_eq!(create["object"]["tag"][0]["href"], stub.actor_id());
    let ext = &create["object"]["maillage:helpRequest"];
    assert_eq!(ext["reference"], res.body["reference"]);
    assert_eq!(ext["email"], "awa@example.org");
    assert!(ext["transferConsent"]["text"].is_string());
    // Posted to the centre's own inbox, once.
    let posts: Vec<String> = stub
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("POST"))
        .collect();
    assert_eq!(posts, ["POST /users/stub/inbox"]);
    assert!(
        follower.posted().iter().all(|p| p["type"] != "Create"),
        "{:?}",
        follower.posted()
    );
}

/// `stub` follows `node`'s first centre and waits for the Accept.
async fn follow_from(stub: &StubActor, node: &TestNode) {
    let follow = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
        "id": format!("{}/follows/1", stub.base), "actor": stub.actor_id(), "object": actor(node)});
    let (status, text) = deliver(
        &format!("{}/inbox", node.base),
        &follow,
        &stub.signer,
        Tamper::default(),
    )
    .await;
    assert!(status.is_success(), "{status} {text}");
    eventually("the Accept at the follower", || async {
        stub.posted()
            .iter()
            .any(|p| p["type"] == "Accept")
            .then_some(())
    })
    .await;
}

/// A Mastodon direct message mentioning `target`, as Mastodon 4 sends it.
fn mention(stub: &StubActor, target: &str, n: u32, text: &str, in_reply_to: Option<&str>) -> Value {
    let id = format!("{}/users/stub/statuses/{n}", stub.base);
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams",
                     {"ostatus": "http://ostatus.org#", "sensitive": "as:sensitive"}],
        "id": format!("{id}/activity"),
        "type": "Create",
        "actor": stub.actor_id(),
        "published": chrono::Utc::now().to_rfc3339(),
        "to": [target],
        "cc": [],
        "object": {
            "id": id,
            "type": "Note",
            "summary": null,
            "inReplyTo": in_reply_to,
            "published": chrono::Utc::now().to_rfc3339(),
            "url": format!("{}/@stub/{n}", stub.base),
            "attributedTo": stub.actor_id(),
            "to": [target],
            "cc": [],
            "sensitive": false,
            "content": format!("<p><span class=\"h-card\" translate=\"no\"><a href=\"{target}\" class=\"u-url mention\">@<span>loire</span></a></span> {text}</p>"),
            "contentMap": {"fr": format!("<p>@loire {text}</p>")},
            "attachment": [],
            "tag": [{"type": "Mention", "href": target, "name": "@loire@localhost"}],
            "replies": {"id": format!("{id}/replies"), "type": "Collection"}
        }
    })
}

async fn mention_and_reply(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let centre = actor(&a);
    let stub = StubActor::spawn(false).await;
    let follower = StubActor::spawn(false).await;
    follow_from(&follower, &a).await;
    let inbox = format!("{}/centres/loire/inbox", a.base);
    let message = mention(
        &stub,
        &centre,
        1,
        "Bonjour, je voudrais quitter Gmail.",
        None,
    );
    let (status, text) = deliver(&inbox, &message, &stub.signer, Tamper::default()).await;
    assert!(status.is_success(), "{status} {text}");
    let request = eventually("the mention to become a request", || async {
        help_requests(&a).await.1.into_iter().next()
    })
    .await;
    let stub_host = stub.base.trim_start_matches("http://");
    assert_eq!(request["channel"], "fediverse");
    assert_eq!(request["account"], format!("@stub@{stub_host}"));
    assert_eq!(request["need"], "Bonjour, je voudrais quitter Gmail.");
    assert_eq!(
        request["centre"]["handle"],
        format!("@loire@{}", a.settings.domain)
    );
    let reference = request["reference"].as_str().unwrap().to_owned();
    // Delivered again: stored once.
    let (status, _) = deliver(&inbox, &message, &stub.signer, Tamper::default()).await;
    assert!(status.is_success());
    assert_eq!(help_requests(&a).await.0, 1);
    // A Note mentioning someone else is no request for us.
    let elsewhere = mention(
        &stub,
        &format!("{}/users/other", stub.base),
        2,
        "Salut",
        None,
    );
    let (status, _) = deliver(
        &format!("{}/inbox", a.base),
        &elsewhere,
        &stub.signer,
        Tamper::default(),
    )
    .await;
    assert!(status.is_success());
    // Forged: a Note attributed to another account than the sender.
    let mut forged = mention(&stub, &centre, 3, "Usurpation", None);
    forged["object"]["attributedTo"] = json!(follower.actor_id());
    let (status, _) = deliver(&inbox, &forged, &stub.signer, Tamper::default()).await;
    assert!(status.is_client_error(), "{status}");
    assert_eq!(help_requests(&a).await.0, 1);

    // Staff reply: a direct Note to that account only.
    let res = a
        .post(
            &format!("/api/v1/help-requests/{reference}/replies"),
            &json!({"text": "Bonjour ! Passez nous voir mardi <b>à 14 h</b>."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["status"], "in-progress");
    let reply = eventually("the reply at the account", || async {
        stub.posted().into_iter().find(|p| {
            p["type"] == "Create"
                && p["object"]["content"]
                    .as_str()
                    .is_some_and(|c| c.contains("Passez nous voir"))
        })
    })
    .await;
    let only = json!([stub.actor_id()]);
    assert_eq!(reply["to"], only, "{reply}");
    assert_eq!(reply["object"]["to"], only, "{reply}");
    assert!(reply.get("cc").is_none_or(|cc| cc == &json!([])), "{reply}");
    assert!(!names_public(&reply), "{reply}");
    assert_eq!(reply["actor"], centre.as_str());
    assert_eq!(reply["object"]["attributedTo"], centre.as_str());
    assert_eq!(reply["object"]["inReplyTo"], message["object"]["id"]);
    assert_eq!(reply["object"]["tag"][0]["type"], "Mention");
    assert_eq!(reply["object"]["tag"][0]["href"], stub.actor_id());
    let content = reply["object"]["content"].as_str().unwrap();
    assert!(content.contains("&lt;b&gt;"), "escaped: {content}");
    assert!(
        follower.posted().iter().all(|p| p["type"] != "Create"),
        "the follower sees nothing"
    );
    // The account answers the reply: the same request continues.
    let answer = mention(
        &stub,
        &centre,
        4,
        "Merci, à mardi !",
        reply["object"]["id"].as_str(),
    );
    let (status, _) = deliver(&inbox, &answer, &stub.signer, Tamper::default()).await;
    assert!(status.is_success());
    let res = eventually("the answer in the conversation", || async {
        let res = a.get(&format!("/api/v1/help-requests/{reference}")).await;
        (res.body["messages"].as_array().map(Vec::len) == Some(3)).then_some(res)
    })
    .await;
    assert_eq!(res.body["messages"][2]["body"], "Merci, à mardi !");
    assert_eq!(res.body["messages"][1]["direction"], "out");
    assert_eq!(help_requests(&a).await.0, 1);
}

on_both_backends!(
    a_mention_becomes_a_request_and_the_reply_reaches_that_account_only,
    mention_and_reply
);
