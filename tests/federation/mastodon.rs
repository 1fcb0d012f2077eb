//! What Mastodon (and servers like it) need from a centre, checked on our own documents, and
//! the mechanisms that let them talk to us: key rotation, the instance actor signing fetches,
//! following ordinary accounts, and the Atom feed for people without a fediverse account.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNodes, listing, recommendation};
use crate::network::{actor, eventually, find, follow, note_of, public_search};
use crate::on_both_backends;
use crate::peer::{Signer, StubActor, Tamper, deliver};

async fn get_json(client: &reqwest::Client, url: &str, accept: &str) -> Value {
    let res = client
        .get(url)
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{url}");
    res.json().await.unwrap()
}

/// The constraints Mastodon's code enforces on what it fetches and receives, each with the
/// place in Mastodon (v4) where it is enforced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_satisfy_mastodon() {
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    a.patch(
        "/api/v1/centres/loire",
        &json!({"summary": "Médiation numérique.", "website": "https://loire.example",
                "region": "FR-ARA", "contact": "contact@loire.example",
                "icon": "https://loire.example/logo.png", "header": "https://loire.example/banniere.png"}),
    )
    .await;
    let rec = a
        .create_recommendation(&recommendation(
            "Nextcloud",
            "https://nextcloud.com",
            &["Google Drive"],
            "files",
        ))
        .await;
    let ap = "application/activity+json";
    let actor_id = actor(&a);
    let doc = get_json(&a.client, &actor_id, ap).await;

    // app/services/activitypub/fetch_remote_actor_service.rb: the fetched document's id is
    // the URL it was fetched from, and its type one of the supported actor types
    // (ActivityPub::FetchRemoteActorService::SUPPORTED_TYPES).
    assert_eq!(doc["id"], actor_id.as_str());
    assert!(
        ["Application", "Group", "Organization", "Person", "Service"]
            .contains(&doc["type"].as_str().unwrap())
    );
    // app/models/account.rb (USERNAME_RE) for the username; the actor id has a path.
    let username = doc["preferredUsername"].as_str().unwrap();
    let valid = username
        .split(['.', '-'])
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    assert!(valid, "{username}");
    assert!(url::Url::parse(&actor_id).unwrap().path().len() > 1);
    // app/services/activitypub/process_account_service.rb: inbox, shared inbox, outbox,
    // followers; the key's owner is the actor; the profile page; icon and header images;
    // manuallyApprovesFollowers, discoverable, indexable; published.
    assert!(doc["inbox"].as_str().unwrap().starts_with(&a.base));
    assert_eq!(doc["endpoints"]["sharedInbox"], format!("{}/inbox", a.base));
    assert!(doc["outbox"].is_string() && doc["followers"].is_string());
    assert_eq!(doc["publicKey"]["owner"], actor_id.as_str());
    assert_eq!(doc["publicKey"]["id"], format!("{actor_id}#main-key"));
    assert!(
        doc["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
    assert!(doc["url"].is_string());
    assert_eq!(doc["icon"]["type"], "Image");
    assert_eq!(doc["image"]["url"], "https://loire.example/banniere.png");
    assert_eq!(doc["manuallyApprovesFollowers"], false);
    assert_eq!(doc["discoverable"], true);
    assert_eq!(doc["indexable"], true);
    assert!(doc["published"].is_string());
    assert!(doc["summary"].as_str().unwrap().starts_with("<p>"));
    // app/services/activitypub/process_account_service.rb (fields): PropertyValue
    // attachments with name and HTML value; rel="me" lets Mastodon verify the website.
    let fields = doc["attachment"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Site web", "Région", "Contact"]);
    assert!(fields.iter().all(|f| f["type"] == "PropertyValue"));
    assert!(fields[0]["value"].as_str().unwrap().contains("rel=\"me"));
    assert!(
        fields[2]["value"]
            .as_str()
            .unwrap()
            .contains("mailto:contact@loire.example")
    );

    // app/services/activitypub/fetch_remote_actor_service.rb (check_webfinger!): WebFinger
    // for acct:username@domain answers with a self link whose href is exactly the actor id.
    let webfinger = get_json(
        &a.client,
        &format!(
            "{}/.well-known/webfinger?resource=acct:{username}@localhost:{}",
            a.base, a.port
        ),
        "application/jrd+json",
    )
    .await;
    assert_eq!(
        webfinger["subject"],
        format!("acct:{username}@localhost:{}", a.port)
    );
    let links = webfinger["links"].as_array().unwrap();
    let self_link = links.iter().find(|l| l["rel"] == "self").unwrap();
    assert_eq!(self_link["href"], actor_id.as_str());
    assert_eq!(self_link["type"], "application/activity+json");

    // app/lib/activitypub/activity/create.rb and app/lib/activitypub/parser/status_parser.rb:
    // a Note, attributed to the actor, on the actor's host; Public in `to` makes it public;
    // `published`; no `summary` (it would become a content warning); `contentMap` gives the
    // language; hashtags are `Hashtag` tags named `#tag` whose names match Tag::HASHTAG_RE,
    // and the content links them with class "hashtag".
    let note = note_of(&a, rec["id"].as_str().unwrap()).await;
    assert_eq!(note["type"], "Note");
    assert_eq!(note["attributedTo"], actor_id.as_str());
    assert!(
        note["to"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "https://www.w3.org/ns/activitystreams#Public")
    );
    // app/lib/activitypub/activity/create.rb: a status with `updated` is shown as edited, so
    // a new Note has none, and an edited one has a later one.
    assert!(note["published"].is_string());
    assert!(note.get("updated").is_none(), "{note}");
    let res = a
        .patch(
            &format!(
                "/api/v1/recommendations/{}",
                crate::helpers::key(&rec["id"])
            ),
            &json!({"summary": "Vos fichiers chez vous."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let note = note_of(&a, rec["id"].as_str().unwrap()).await;
    let time = |field: &str| {
        chrono::DateTime::parse_from_rfc3339(note[field].as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{field} of {note}: {e}"))
    };
    assert!(time("updated") > time("published"), "{note}");
    assert!(note.get("summary").is_none());
    assert!(note["contentMap"]["fr"].is_string());
    let tags = note["tag"].as_array().unwrap();
    assert!(tags.iter().all(|t| t["type"] == "Hashtag"));
    for tag in tags {
        let name = tag["name"].as_str().unwrap();
        let bare = name.strip_prefix('#').unwrap();
        assert!(
            bare.chars().all(char::is_alphanumeric) && bare.chars().any(char::is_alphabetic),
            "{name}"
        );
        assert!(
            note["content"]
                .as_str()
                .unwrap()
                .contains(&format!("#<span>{bare}</span>"))
        );
    }
    let names: Vec<&str> = tags.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec!["#Nextcloud", "#LogicielLibre", "#AlternativeGoogleDrive"]
    );
    assert_eq!(note["attachment"][0]["type"], "Link");
    assert_eq!(note["attachment"][0]["href"], "https://nextcloud.com/");
}

async fn key_rotation(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"]).await;
    let rec = a
        .create_recommendation(&recommendation(
            "Rallly",
            "https://rallly.co",
            &["Doodle"],
            "scheduling",
        ))
        .await;
    let id = rec["id"].as_str().unwrap().to_owned();
    follow(&b, &a).await;
    eventually("A's recommendation on B", || async {
        find(&public_search(&b, "q=rallly").await, &id).cloned()
    })
    .await;

    // A rotates its key; B still has the old one.
    let db = maillage::startup::open_database(&a.settings).await.unwrap();
    let pair = maillage::federation::keys::generate().unwrap();
    db.write(move |conn| {
        let centre = maillage::storage::centres::CentreRow::find_local(conn, "loire")?.unwrap();
        maillage::storage::centres::CentreRow::replace_keys(
            conn,
            centre.id,
            &pair.public_key_pem,
            &pair.private_key_pem,
        )
    })
    .await
    .unwrap();
    let signer = Signer::centre_of(&a).await;
    let mut note = note_of(&a, &id).await;
    note["updated"] = json!("2099-01-01T00:00:00Z");
    note["maillage:recommendation"]["reviewBody"] = json!("Signé avec la nouvelle clé.");
    let update = json!({"type": "Update", "id": format!("{}/activities/update/rotated", a.base), "actor": actor(&a), "object": note});
    let (status, text) = deliver(
        &format!("{}/inbox", b.base),
        &update,
        &signer,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    assert_eq!(
        find(&public_search(&b, "q=rallly").await, &id).unwrap()["summary"],
        "Signé avec la nouvelle clé."
    );

    // A key that is not A's at all stays refused after the one refetch.
    let stub = StubActor::spawn(false).await;
    let impostor = Signer {
        actor: actor(&a),
        ..stub.signer.clone()
    };
    let update = json!({"type": "Update", "id": format!("{}/activities/update/impostor", a.base), "actor": actor(&a), "object": note});
    let (status, _) = deliver(
        &format!("{}/inbox", b.base),
        &update,
        &impostor,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
on_both_backends!(a_rotated_key_is_refetched_once, key_rotation);

async fn instance_actor_and_accounts(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    // The instance actor, found through NodeInfo (FEP-2677).
    let links = get_json(
        &a.client,
        &format!("{}/.well-known/nodeinfo", a.base),
        "application/json",
    )
    .await;
    let href = links["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "https://www.w3.org/ns/activitystreams#Application")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_owned();
    let instance = get_json(&a.client, &href, "application/activity+json").await;
    assert_eq!(instance["type"], "Application");
    assert_eq!(instance["publicKey"]["owner"], href.as_str());

    // Fetches are signed with it: an authorized-fetch server would answer them.
    let stub = StubActor::spawn(false).await;
    let res = a
        .post("/api/v1/follows", &json!({"target": stub.actor_id()}))
        .await;
    assert_eq!(
        res.status,
        StatusCode::CREATED,
        "an ordinary account can be followed: {}",
        res.text
    );
    assert!(
        stub.requests()
            .iter()
            .any(|r| r == "GET /users/stub (signed)"),
        "{:?}",
        stub.requests()
    );

    // Its posts arrive without error and stay out of the directory.
    let post = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create", "id": format!("{}/users/stub/statuses/1/activity", stub.base),
        "actor": stub.actor_id(),
        "object": {"type": "Note", "id": format!("{}/users/stub/statuses/1", stub.base),
                   "attributedTo": stub.actor_id(), "content": "<p>Bonjour !</p>",
                   "to": ["https://www.w3.org/ns/activitystreams#Public"]},
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let (status, _) = deliver(
        &format!("{}/inbox", a.base),
        &post,
        &stub.signer,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(listing(&a.get("/api/v1/search?q=bonjour").await.body).0, 0);
}
on_both_backends!(
    instance_actor_signs_and_accounts_can_be_followed,
    instance_actor_and_accounts
);

async fn atom_feed(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    a.create_recommendation(&recommendation(
        "Jitsi Meet",
        "https://jitsi.org",
        &["Zoom", "Skype"],
        "videoconf",
    ))
    .await;
    let mut draft = recommendation("Draft", "https://draft.example", &["Zoom"], "videoconf");
    draft["status"] = json!("draft");
    a.create_recommendation(&draft).await;
    let res = a
        .client
        .get(format!("{}/feed.atom", actor(&a)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed: atom_syndication::Feed = res.text().await.unwrap().parse().unwrap();
    assert_eq!(feed.title().as_str(), "Centre loire – recommandations");
    assert_eq!(feed.entries().len(), 1, "drafts are not in the feed");
    let entry = &feed.entries()[0];
    assert_eq!(
        entry.title().as_str(),
        "Jitsi Meet à la place de Zoom, Skype"
    );
    assert!(
        entry.links()[0]
            .href()
            .starts_with(&format!("{}/recommendations/", a.base))
    );
    // The profile page points readers at it.
    let page = a
        .client
        .get(actor(&a))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("application/atom+xml") && page.contains("feed.atom"),
        "{page}"
    );
    assert_eq!(
        a.client
            .get(format!("{}/centres/nobody/feed.atom", a.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
on_both_backends!(each_centre_has_an_atom_feed, atom_feed);

/// What we sign, as a Mastodon server checks it: the instance actor's fetch (Mastodon in
/// authorized-fetch mode refuses a GET whose signature leaves out `Host`) and a delivery, read
/// from the requests a peer actually received.
async fn signatures_as_mastodon_reads_them(backend: Backend) {
    let [a] = TestNodes::start(backend, ["loire"]).await;
    let stub = StubActor::spawn(false).await;
    let res = a
        .post("/api/v1/follows", &json!({"target": stub.actor_id()}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let seen = eventually("the Follow delivered to the stub", || async {
        let seen = stub.seen();
        seen.iter().any(|r| r.method == "POST").then_some(seen)
    })
    .await;
    let key_of = |key_id: String| {
        let client = a.client.clone();
        async move {
            let actor = key_id.split('#').next().unwrap().to_owned();
            let doc = get_json(&client, &actor, "application/activity+json").await;
            assert_eq!(doc["publicKey"]["id"], key_id.as_str());
            doc["publicKey"]["publicKeyPem"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let fetch = seen
        .iter()
        .find(|r| r.method == "GET" && r.path == "/users/stub")
        .expect("the stub's actor was fetched");
    let key_id = fetch.signature()["keyId"].clone();
    assert_eq!(
        key_id,
        format!("{}/actor#main-key", a.base),
        "signed by the instance actor"
    );
    let signed = fetch.signature()["headers"].clone();
    for header in ["(request-target)", "host", "date"] {
        assert!(
            signed.split(' ').any(|h| h == header),
            "{header} not in {signed}"
        );
    }
    fetch
        .verify_as_mastodon(&key_of(key_id).await)
        .unwrap_or_else(|e| panic!("the fetch: {e}"));

    let delivery = seen.iter().find(|r| r.method == "POST").unwrap();
    let key_id = delivery.signature()["keyId"].clone();
    assert_eq!(key_id, format!("{}#main-key", actor(&a)));
    delivery
        .verify_as_mastodon(&key_of(key_id).await)
        .unwrap_or_else(|e| panic!("the delivery: {e}"));
    // What FEDERATION.md says we sign is what was sent.
    let documented =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/FEDERATION.md")).unwrap();
    for (request, what) in [(fetch, "fetches"), (delivery, "deliveries")] {
        let params = request.signature();
        let line = format!(
            "{what}: `{}` over `{}`",
            params["algorithm"], params["headers"]
        );
        assert!(
            documented.contains(&line),
            "FEDERATION.md should say: {line}"
        );
    }
}
on_both_backends!(
    signatures_pass_mastodons_checks,
    signatures_as_mastodon_reads_them
);
