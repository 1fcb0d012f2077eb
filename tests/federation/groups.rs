//! Networks of centres (FEP-1b12 `Group`s): three centres on three nodes join a network hosted
//! on a fourth; a fifth node and a Mastodon-style account follow only the network and receive
//! every member's recommendations, places and workshops with their origin, then their edits and
//! deletions; a removed member's entries go (but stay where its origin is followed directly). Two networks members of each other relay an entry
//! once each.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faulty::{queue_row, retry_host};
use crate::helpers::{Backend, TestNode, TestNodes, key, listing, recommendation};
use crate::network::{actor, eventually, find, follow, note_of, public_search, spec};
use crate::on_both_backends;
use crate::peer::{StubActor, Tamper, deliver};
use crate::site::{Visitor, create_admin};

fn network_actor(node: &TestNode, name: &str) -> String {
    format!("{}/centres/{name}", node.base)
}

/// Creates the network `name` on `node`.
async fn create_network(node: &TestNode, name: &str) {
    let res = node
        .post(
            "/api/v1/networks",
            &json!({"username": name, "name": format!("Réseau {name}")}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["id"], network_actor(node, name));
}

/// `follower`'s first centre follows the network `name` of `host` (accepted at once).
async fn follow_network(follower: &TestNode, host: &TestNode, name: &str) {
    let target = network_actor(host, name);
    let res = follower
        .post("/api/v1/follows", &json!({"target": target}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.body["id"].as_str().unwrap().to_owned();
    eventually("the follow of the network to be accepted", || async {
        let (_, follows) = listing(&follower.get("/api/v1/follows").await.body);
        follows
            .into_iter()
            .find(|f| f["id"] == id.as_str() && f["state"] == "accepted")
    })
    .await;
}

async fn members(host: &TestNode, name: &str) -> Vec<Value> {
    let res = host.get(&format!("/api/v1/networks/{name}/members")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    listing(&res.body).1
}

/// Staff of `host` admit `member`'s first centre (which follows the network) and wait until
/// it is a member.
async fn admit(host: &TestNode, name: &str, member: &str) {
    let res = host
        .post(
            &format!("/api/v1/networks/{name}/members"),
            &json!({"actor": member}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    eventually("the centre to be a member", || async {
        members(host, name)
            .await
            .into_iter()
            .find(|m| m["actor"] == member && m["state"] == "member")
    })
    .await;
}

fn place(source_id: &str, nom: &str) -> Value {
    json!({
        "source_id": source_id, "pivot": "43493312300029", "nom": nom,
        "commune": "Saint-Chamond", "code_postal": "42400", "code_insee": "42207",
        "adresse": "12 rue de la République", "latitude": 45.4766, "longitude": 4.5125,
        "date_maj": "2026-11-30"
    })
}

fn workshop(name: &str, place: &str) -> Value {
    let day = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%d");
    json!({
        "name": name, "start": format!("{day}T14:00:00+01:00"),
        "end": format!("{day}T16:00:00+01:00"), "place": place,
        "summary": "Créer son compte."
    })
}

async fn created(node: &TestNode, path: &str, body: &Value) -> Value {
    let res = node.post(path, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body
}

async fn listed(node: &TestNode, path: &str, id: &str) -> Option<Value> {
    let res = node.get_public(&format!("{path}?per_page=100")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    listing(&res.body).1.into_iter().find(|p| p["id"] == id)
}

/// A Mastodon-style account follows the network, with the Follow Mastodon sent to a Lemmy
/// community (`tests/fixtures/fediverse/mastodon/follow-asonix.json`), its ids made ours.
async fn mastodon_follows(stub: &StubActor, host: &TestNode, network: &str) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/fediverse/mastodon/follow-asonix.json"
    ))
    .unwrap();
    let mut follow: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(follow["object"], "https://ds9.lemmy.ml/c/testcom");
    follow["id"] = json!(format!(
        "{}/1ea87517-63c5-4118-8831-460ee641b2cf",
        stub.base
    ));
    follow["actor"] = json!(stub.actor_id());
    follow["object"] = json!(network);
    let (status, text) = deliver(
        &format!("{}/inbox", host.base),
        &follow,
        &stub.signer,
        Tamper::default(),
    )
    .await;
    assert!(status.is_success(), "{status} {text}");
    eventually("the Accept at the Mastodon follower", || async {
        stub.posted()
            .iter()
            .any(|p| p["type"] == "Accept" && p["actor"] == network)
            .then_some(())
    })
    .await;
}

/// The Announces `network` posted to the stub about `object` (a boost, or an activity naming it).
fn announces_of(stub: &StubActor, network: &str, object: &str) -> Vec<Value> {
    stub.posted()
        .into_iter()
        .filter(|p| p["type"] == "Announce" && p["actor"] == network)
        .filter(|p| p["object"] == object || p["object"]["object"] == object)
        .collect()
}

async fn three_centres_one_network(backend: Backend) {
    let [n, a, b, c, f] = TestNodes::start(
        backend,
        ["hub", "loire", "bretagne", "geneve", "savoie"].map(|name| spec(name, false)),
    )
    .await;
    create_network(&n, "reseau").await;
    let network = network_actor(&n, "reseau");
    // The network is a Group, as Lemmy's communities, with the directory extension.
    let doc = note_of(&n, &network).await;
    assert_eq!(doc["type"], "Group");
    assert!(doc["maillage:directory"].is_object(), "{doc}");

    // Three centres ask to join by following it; staff see the requests, then admit them.
    for member in [&a, &b, &c] {
        follow_network(member, &n, "reseau").await;
    }
    let requests = members(&n, "reseau").await;
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests.iter().all(|m| m["state"] == "requested"));
    for member in [&a, &b, &c] {
        admit(&n, "reseau", &actor(member)).await;
    }
    // B also follows C directly: C's entries reach it both ways (kept once).
    follow(&b, &c).await;
    // A node and a Mastodon account follow only the network.
    follow_network(&f, &n, "reseau").await;
    let stub = StubActor::spawn(false).await;
    mastodon_follows(&stub, &n, &network).await;

    // Each member publishes: a recommendation (A), a place (B), a workshop (C).
    let rec = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let rec_id = rec["id"].as_str().unwrap().to_owned();
    let place_b = created(&b, "/api/v1/places", &place("b-1", "Médiathèque de Brest")).await;
    let place_id = place_b["id"].as_str().unwrap().to_owned();
    let place_c = created(&c, "/api/v1/places", &place("c-1", "Maison de Genève")).await;
    let event = created(
        &c,
        "/api/v1/events",
        &workshop("Atelier Nextcloud", &key(&place_c["id"])),
    )
    .await;
    let event_id = event["id"].as_str().unwrap().to_owned();

    // The fifth node has them all, each with its origin centre (not the network).
    let copy = eventually("A's recommendation on F", || async {
        find(&public_search(&f, "q=zoom").await, &rec_id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    let copy = eventually("B's place on F", || async {
        listed(&f, "/api/v1/places", &place_id).await
    })
    .await;
    assert_eq!(copy["origin"], actor(&b));
    let copy = eventually("C's workshop on F", || async {
        listed(&f, "/api/v1/events", &event_id).await
    })
    .await;
    assert_eq!(copy["origin"], actor(&c));
    // So does every member, of the others' entries.
    for (node, name) in [(&a, "A"), (&b, "B")] {
        eventually(&format!("C's workshop on member {name}"), || async {
            listed(node, "/api/v1/events", &event_id).await
        })
        .await;
    }
    let (_, on_b) = listing(&b.get_public("/api/v1/events?per_page=100").await.body);
    assert_eq!(
        on_b.iter().filter(|e| e["id"] == event_id.as_str()).count(),
        1
    );

    // The Mastodon account got a boost of each, by the network, naming the origin's object.
    for object in [&rec_id, &place_id, &event_id] {
        let boosts = eventually("the network's boost at the Mastodon follower", || async {
            let found = announces_of(&stub, &network, object);
            (!found.is_empty()).then_some(found)
        })
        .await;
        assert_eq!(
            boosts[0]["object"],
            object.as_str(),
            "a boost: {}",
            boosts[0]
        );
        assert_eq!(
            boosts[0]["to"][0],
            "https://www.w3.org/ns/activitystreams#Public"
        );
        assert_eq!(boosts[0]["cc"][0], format!("{network}/followers"));
    }

    // An edit at the origin follows; so does a deletion.
    let res = a
        .patch(
            &format!("/api/v1/recommendations/{}", key(&rec["id"])),
            &json!({"summary": "Visio sans compte."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    eventually("the edit on F", || async {
        find(&public_search(&f, "q=zoom").await, &rec_id)
            .filter(|r| r["summary"] == "Visio sans compte.")
            .cloned()
    })
    .await;
    let updates = announces_of(&stub, &network, &rec_id);
    assert!(
        updates.iter().any(|u| u["object"]["type"] == "Update"),
        "{updates:?}"
    );
    let res = b
        .delete(&format!("/api/v1/places/{}", key(&place_b["id"])))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    eventually("the place gone from F", || async {
        listed(&f, "/api/v1/places", &place_id)
            .await
            .is_none()
            .then_some(())
    })
    .await;
    // Mastodon ignores an Announce of a Delete: the boost is undone too.
    eventually("the deleted place's boost undone", || async {
        stub.posted()
            .iter()
            .any(|p| {
                p["type"] == "Undo"
                    && p["actor"] == network
                    && p["object"]["object"] == place_id.as_str()
            })
            .then_some(())
    })
    .await;

    // A removed member's entries go, from F and from the members that got them through the
    // network; the Mastodon account gets the boost undone.
    let res = n
        .delete(&format!(
            "/api/v1/networks/reseau/members?actor={}",
            actor(&c)
        ))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    for node in [&f, &a] {
        eventually("C's workshop withdrawn", || async {
            listed(node, "/api/v1/events", &event_id)
                .await
                .is_none()
                .then_some(())
        })
        .await;
    }
    eventually("the Undo at the Mastodon follower", || async {
        stub.posted()
            .iter()
            .any(|p| {
                p["type"] == "Undo"
                    && p["actor"] == network
                    && p["object"]["type"] == "Announce"
                    && p["object"]["object"] == event_id.as_str()
            })
            .then_some(())
    })
    .await;
    // B follows C itself: it keeps them.
    assert!(listed(&b, "/api/v1/events", &event_id).await.is_some());
    // The others' entries stay.
    assert!(find(&public_search(&f, "q=zoom").await, &rec_id).is_some());
    let left = members(&n, "reseau").await;
    assert!(
        !left
            .iter()
            .any(|m| m["actor"] == actor(&c) && m["state"] == "member")
    );
}
on_both_backends!(three_centres_one_network, three_centres_one_network);

/// Two networks, each a member of the other, and a centre member of the first: its entry
/// reaches a follower of the second, and each network announces it once.
async fn a_loop_of_networks(backend: Backend) {
    let [n1, n2, a, g] = TestNodes::start(
        backend,
        ["hub1", "hub2", "loire", "savoie"].map(|name| spec(name, false)),
    )
    .await;
    create_network(&n1, "un").await;
    create_network(&n2, "deux").await;
    let (one, two) = (network_actor(&n1, "un"), network_actor(&n2, "deux"));
    // Each network joins the other: it follows the other, as a member centre does, and is
    // admitted.
    for (joiner, name, host, hosted) in [(&n1, "un", &n2, "deux"), (&n2, "deux", &n1, "un")] {
        let res = joiner
            .post(
                &format!("/api/v1/follows?centre={name}"),
                &json!({"target": network_actor(host, hosted)}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        let joined = network_actor(joiner, name);
        eventually("the network's follow of the other accepted", || async {
            members(host, hosted)
                .await
                .into_iter()
                .find(|m| m["actor"] == joined.as_str())
        })
        .await;
        admit(host, hosted, &joined).await;
    }
    follow_network(&a, &n1, "un").await;
    admit(&n1, "un", &actor(&a)).await;
    follow_network(&g, &n2, "deux").await;
    let stub = StubActor::spawn(false).await;
    mastodon_follows(&stub, &n1, &one).await;
    mastodon_follows(&stub, &n2, &two).await;

    let rec = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let rec_id = rec["id"].as_str().unwrap().to_owned();
    let copy = eventually("A's recommendation on G, through both networks", || async {
        find(&public_search(&g, "q=zoom").await, &rec_id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    eventually("both networks' boosts", || async {
        (!announces_of(&stub, &one, &rec_id).is_empty()
            && !announces_of(&stub, &two, &rec_id).is_empty())
        .then_some(())
    })
    .await;
    // A later entry, once both networks boosted it, marks that the first went round: had the
    // loop not ended, the first would have been announced again meanwhile.
    let later = a
        .create_recommendation(&recommendation(
            "Nextcloud",
            "https://nextcloud.com",
            &["Google Drive"],
            "files",
        ))
        .await;
    let later_id = later["id"].as_str().unwrap().to_owned();
    eventually("the later entry's boosts", || async {
        (!announces_of(&stub, &one, &later_id).is_empty()
            && !announces_of(&stub, &two, &later_id).is_empty())
        .then_some(())
    })
    .await;
    assert_eq!(announces_of(&stub, &one, &rec_id).len(), 1);
    assert_eq!(announces_of(&stub, &two, &rec_id).len(), 1);
}
on_both_backends!(a_loop_of_networks, a_loop_of_networks);

/// A network member of another passes on its withdrawals: A is a member of `deux`, itself a
/// member of `un`, which G and a Mastodon account follow. When `deux` removes A, `un` undoes
/// its own Announce of A's entry: G drops its copy, the Mastodon account gets the Undo.
async fn nested_withdrawal(backend: Backend) {
    let [n1, n2, a, g] = TestNodes::start(
        backend,
        ["hub1", "hub2", "loire", "savoie"].map(|name| spec(name, false)),
    )
    .await;
    create_network(&n1, "un").await;
    create_network(&n2, "deux").await;
    let (one, two) = (network_actor(&n1, "un"), network_actor(&n2, "deux"));
    let res = n2
        .post("/api/v1/follows?centre=deux", &json!({"target": one}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    eventually("deux's request to join un", || async {
        members(&n1, "un")
            .await
            .into_iter()
            .find(|m| m["actor"] == two.as_str())
    })
    .await;
    admit(&n1, "un", &two).await;
    follow_network(&a, &n2, "deux").await;
    admit(&n2, "deux", &actor(&a)).await;
    follow_network(&g, &n1, "un").await;
    let stub = StubActor::spawn(false).await;
    mastodon_follows(&stub, &n1, &one).await;

    let rec = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let rec_id = rec["id"].as_str().unwrap().to_owned();
    eventually("A's recommendation on G, through deux then un", || async {
        find(&public_search(&g, "q=zoom").await, &rec_id).cloned()
    })
    .await;
    eventually("un's boost at the Mastodon follower", || async {
        (!announces_of(&stub, &one, &rec_id).is_empty()).then_some(())
    })
    .await;

    let res = n2
        .delete(&format!(
            "/api/v1/networks/deux/members?actor={}",
            actor(&a)
        ))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    eventually("un's Undo at the Mastodon follower", || async {
        stub.posted()
            .iter()
            .any(|p| {
                p["type"] == "Undo"
                    && p["actor"] == one.as_str()
                    && p["object"]["type"] == "Announce"
                    && p["object"]["object"] == rec_id.as_str()
            })
            .then_some(())
    })
    .await;
    eventually("A's recommendation withdrawn from G", || async {
        find(&public_search(&g, "q=zoom").await, &rec_id)
            .is_none()
            .then_some(())
    })
    .await;
}
on_both_backends!(a_nested_network_passes_on_a_withdrawal, nested_withdrawal);

/// The admin page: staff create a network, see a centre's request to join, admit it, remove it.
async fn staff_pages(backend: Backend) {
    let [n, a] = TestNodes::start(backend, ["hub", "loire"].map(|name| spec(name, false))).await;
    create_admin(&n, "camille", "un mot de passe assez long").await;
    let staff = Visitor::new(&n, "fr");
    staff.log_in("camille", "un mot de passe assez long").await;
    let page = staff.get("/admin/networks").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.unlabelled_controls().is_empty(),
        "{:?}",
        page.unlabelled_controls()
    );
    let csrf = page.csrf();
    let made = staff
        .post(
            "/admin/networks",
            &[
                ("csrf", &csrf),
                ("username", "reseau"),
                ("name", "Réseau Loire"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    // A name already taken is refused next to the field.
    let again = staff
        .post(
            "/admin/networks",
            &[("csrf", &csrf), ("username", "reseau"), ("name", "Autre")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    follow_network(&a, &n, "reseau").await;
    let page = staff.get("/admin/networks").await;
    let items = page.texts("#network-reseau ~ ul li");
    assert!(
        items
            .iter()
            .any(|t| t.contains("Centre loire") && t.contains("demande à rejoindre")),
        "{items:?}"
    );
    let admitted = staff
        .post(
            "/admin/networks/reseau/admit",
            &[("csrf", &csrf), ("actor", &actor(&a))],
        )
        .await;
    assert_eq!(admitted.status, StatusCode::SEE_OTHER, "{}", admitted.text);
    eventually("the centre a member", || async {
        staff
            .get("/admin/networks")
            .await
            .texts("#network-reseau ~ ul li")
            .into_iter()
            .find(|t| t.contains("Centre loire") && t.contains("membre"))
    })
    .await;
    let removed = staff
        .post(
            "/admin/networks/reseau/remove",
            &[("csrf", &csrf), ("actor", &actor(&a))],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text);
    let left = members(&n, "reseau").await;
    assert!(
        left.iter().all(|m| m["state"] == "requested"),
        "still following the network, no longer a member: {left:?}"
    );
}
on_both_backends!(staff_create_networks_and_admit_members, staff_pages);

/// Under manual approval, a centre's follow of the network waits; admitting the centre
/// approves it as well.
async fn manual_approval(backend: Backend) {
    let [n, a] = TestNodes::start(
        backend,
        [
            spec("hub", false).with(|s| s.federation.manual_approval = true),
            spec("loire", false),
        ],
    )
    .await;
    create_network(&n, "reseau").await;
    let res = a
        .post(
            "/api/v1/follows",
            &json!({"target": network_actor(&n, "reseau")}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let request = eventually("the request to join", || async {
        members(&n, "reseau").await.into_iter().next()
    })
    .await;
    assert_eq!(request["state"], "requested");
    assert_eq!(request["actor"], actor(&a));
    admit(&n, "reseau", &actor(&a)).await;
    eventually("the centre's follow of the network accepted", || async {
        let (_, follows) = listing(&a.get("/api/v1/follows").await.body);
        follows.into_iter().find(|f| f["state"] == "accepted")
    })
    .await;
}
on_both_backends!(admitting_approves_a_waiting_follow, manual_approval);

/// The network's outbox: `(totalItems, items of its first page)`.
async fn network_outbox(host: &TestNode, name: &str) -> (i64, Vec<Value>) {
    let outbox = note_of(host, &format!("{}/outbox", network_actor(host, name))).await;
    let total = outbox["totalItems"].as_i64().unwrap();
    let first = note_of(host, outbox["first"].as_str().unwrap()).await;
    (
        total,
        first["orderedItems"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    )
}

/// A node whose centre follows the network only after its members published gets all their
/// entries, each with its origin, from the network's outbox (its boosts, listed); a deleted
/// entry is not listed.
async fn a_later_follower_gets_the_history(backend: Backend) {
    let [n, a, b, f] = TestNodes::start(
        backend,
        ["hub", "loire", "bretagne", "savoie"].map(|name| spec(name, false)),
    )
    .await;
    create_network(&n, "reseau").await;
    let network = network_actor(&n, "reseau");
    for member in [&a, &b] {
        follow_network(member, &n, "reseau").await;
        admit(&n, "reseau", &actor(member)).await;
    }
    let rec = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let rec_id = rec["id"].as_str().unwrap().to_owned();
    let place_b = created(&b, "/api/v1/places", &place("b-1", "Médiathèque de Brest")).await;
    let place_id = place_b["id"].as_str().unwrap().to_owned();
    let gone = created(&b, "/api/v1/places", &place("b-2", "Maison fermée")).await;
    let gone_id = gone["id"].as_str().unwrap().to_owned();
    let objects = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| i["object"].as_str().map(str::to_owned))
            .collect()
    };
    eventually("the network's outbox to list the three entries", || async {
        let (total, items) = network_outbox(&n, "reseau").await;
        (total == 3 && objects(&items).contains(&gone_id)).then_some(())
    })
    .await;
    let res = b
        .delete(&format!("/api/v1/places/{}", key(&gone["id"])))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);

    // The network's outbox lists its boost of each entry still there, and no other.
    let (total, items) = eventually("the deleted place gone from the outbox", || async {
        let (total, items) = network_outbox(&n, "reseau").await;
        (total == 2 && !objects(&items).contains(&gone_id)).then_some((total, items))
    })
    .await;
    let listed_objects = objects(&items);
    assert!(listed_objects.contains(&rec_id), "{items:?}");
    assert!(listed_objects.contains(&place_id), "{items:?}");
    assert_eq!(items.len(), 2, "{items:?}");
    let boost = items
        .iter()
        .find(|i| i["object"] == rec_id.as_str())
        .unwrap();
    assert_eq!(boost["type"], "Announce");
    assert_eq!(boost["actor"], network.as_str());
    assert_eq!(boost["cc"][0], format!("{network}/followers"));
    assert_eq!(total, 2);

    // F follows the network now: it gets both, from their origin, with it as author.
    follow_network(&f, &n, "reseau").await;
    let copy = eventually("A's recommendation on F", || async {
        find(&public_search(&f, "q=zoom").await, &rec_id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    let copy = eventually("B's place on F", || async {
        listed(&f, "/api/v1/places", &place_id).await
    })
    .await;
    assert_eq!(copy["origin"], actor(&b));
    assert!(listed(&f, "/api/v1/places", &gone_id).await.is_none());
}
on_both_backends!(
    a_later_follower_gets_the_history,
    a_later_follower_gets_the_history
);

/// A centre admitted after it published: its earlier entries reach a Maillage node that
/// follows the network, but a Mastodon-style follower gets no boost of them (only of what
/// the member publishes afterwards).
async fn an_admitted_member_passes_on_its_history(backend: Backend) {
    let [n, a, f] = TestNodes::start(
        backend,
        ["hub", "loire", "savoie"].map(|name| spec(name, false)),
    )
    .await;
    create_network(&n, "reseau").await;
    let network = network_actor(&n, "reseau");
    follow_network(&f, &n, "reseau").await;
    let stub = StubActor::spawn(false).await;
    mastodon_follows(&stub, &n, &network).await;
    follow_network(&a, &n, "reseau").await;

    // A publishes before it is admitted.
    let old = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let old_id = old["id"].as_str().unwrap().to_owned();
    let old_place = created(
        &a,
        "/api/v1/places",
        &place("a-1", "Maison de Saint-Chamond"),
    )
    .await;
    let old_place_id = old_place["id"].as_str().unwrap().to_owned();
    admit(&n, "reseau", &actor(&a)).await;

    // F, which followed the network before, gets them, with A as their origin.
    let copy = eventually("A's earlier recommendation on F", || async {
        find(&public_search(&f, "q=zoom").await, &old_id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    let copy = eventually("A's earlier place on F", || async {
        listed(&f, "/api/v1/places", &old_place_id).await
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));

    // What A publishes now is boosted to the Mastodon follower; what it published before is
    // not (it came after them: they were queued when the member was backfilled).
    let new = a
        .create_recommendation(&recommendation(
            "Nextcloud",
            "https://nextcloud.com",
            &["Google Drive"],
            "files",
        ))
        .await;
    let new_id = new["id"].as_str().unwrap().to_owned();
    eventually("the new entry's boost at the Mastodon follower", || async {
        (!announces_of(&stub, &network, &new_id).is_empty()).then_some(())
    })
    .await;
    for object in [&old_id, &old_place_id] {
        let boosts = announces_of(&stub, &network, object);
        assert!(boosts.is_empty(), "an old entry boosted: {boosts:?}");
    }
    // The network's outbox lists all three.
    let (total, _) = network_outbox(&n, "reseau").await;
    assert_eq!(total, 3);
}
on_both_backends!(
    an_admitted_member_passes_on_its_history,
    an_admitted_member_passes_on_its_history
);

/// A member that follows only the network gets a relayed place even though its origin was
/// down when the network's Announce came: the member answers the network with an error rather
/// than drop the entry, and the network's queue delivers the Announce again once the origin is
/// back. Staff's "retry now" (`/api/v1/delivery/HOST/retry`) stands in for the backoff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relayed_entry_whose_origin_is_down_arrives_once_it_is_back() {
    let [n, mut a, mut c] = TestNodes::start(
        Backend::Sqlite,
        ["hub", "loire", "geneve"].map(|name| spec(name, false)),
    )
    .await;
    create_network(&n, "reseau").await;
    for member in [&a, &c] {
        follow_network(member, &n, "reseau").await;
        admit(&n, "reseau", &actor(member)).await;
    }
    let a_host = a.settings.domain.clone();

    // A is down when C publishes: the network's relay to A waits in the network's queue.
    a.stop_server().await;
    let place_c = created(&c, "/api/v1/places", &place("c-1", "Maison de Genève")).await;
    let place_id = place_c["id"].as_str().unwrap().to_owned();
    eventually("the network's relay to A failed once", || async {
        queue_row(&n, &a_host)
            .await
            .filter(|h| h["failures"].as_i64() >= Some(1))
    })
    .await;

    // A is back, C is down: A cannot fetch the place from its origin, and says so.
    c.stop_server().await;
    a.restart().await;
    retry_host(&n, &a_host).await;
    let row = eventually("the network's second attempt at A answered", || async {
        queue_row(&n, &a_host)
            .await
            .filter(|h| h["failures"].as_i64() >= Some(2) || h["pending"] == 0)
    })
    .await;
    assert!(
        row["pending"].as_i64() >= Some(1),
        "the network still holds the Announce for A: {row}"
    );
    assert!(listed(&a, "/api/v1/places", &place_id).await.is_none());

    // C is back: the next attempt brings the place to A, with C as its origin.
    c.restart().await;
    retry_host(&n, &a_host).await;
    let copy = eventually("C's place on A", || async {
        listed(&a, "/api/v1/places", &place_id).await
    })
    .await;
    assert_eq!(copy["origin"], actor(&c));
}
