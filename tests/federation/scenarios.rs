//! What users must see when centres federate: follow and backfill, publish/edit/delete,
//! one software recommended by several centres, endorsements, contacts by visibility,
//! moderation.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::faulty::{FaultyPeer, queue_row, retry_host};
use crate::helpers::{Backend, NodeSpec, TestNode, TestNodes, key, listing, recommendation};
use crate::network::{
    actor, eventually, find, follow, handle, note_of, public_search, spec, staff_search,
};
use crate::on_both_backends;
use crate::peer::{Signer, StubActor, Tamper, deliver};
use crate::site::{Visitor, create_admin};

fn inbox(node: &TestNode) -> String {
    format!("{}/inbox", node.base)
}

async fn publish_edit_delete(backend: Backend) {
    publish_edit_delete_in(backend, false).await;
}

/// Also run in production mode (`production.rs`).
pub async fn publish_edit_delete_in(backend: Backend, production: bool) {
    let [a, b, c] = TestNodes::start(
        backend,
        ["loire", "bretagne", "geneve"].map(|name| spec(name, production)),
    )
    .await;
    let before = a
        .create_recommendation(&recommendation(
            "Nextcloud",
            "https://nextcloud.com",
            &["Google Drive"],
            "files",
        ))
        .await;

    // B follows A: accepted at once, A lists B as a directory follower.
    let follow_b = follow(&b, &a).await;
    let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
    assert_eq!(followers.len(), 1);
    assert_eq!(followers[0]["actor"], actor(&b));
    assert_eq!(followers[0]["directory"], true);
    assert_eq!(followers[0]["state"], "accepted");
    follow(&c, &a).await;

    // Backfill: what A published before the follow, with A as origin.
    let id = before["id"].as_str().unwrap().to_owned();
    let copy = eventually("the earlier recommendation on B", || async {
        find(&public_search(&b, "q=google+drive").await, &id).cloned()
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    assert_eq!(copy["origin_name"], "Centre loire");
    assert_eq!(copy["local"], false);
    assert_eq!(copy["summary"], before["summary"]);
    assert_eq!(copy["software"]["name"], "Nextcloud");

    // Create, Update, Delete reach B within seconds.
    let created = a
        .create_recommendation(&recommendation(
            "Jitsi Meet",
            "https://jitsi.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    eventually("the new recommendation on B", || async {
        find(&public_search(&b, "q=zoom").await, &id).cloned()
    })
    .await;
    let old_note = note_of(&a, &id).await;
    let res = a
        .patch(
            &format!("/api/v1/recommendations/{}", key(&created["id"])),
            &json!({"summary": "Visio sans compte."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    eventually("the edit on B", || async {
        find(&public_search(&b, "q=zoom").await, &id)
            .filter(|r| r["summary"] == "Visio sans compte.")
            .cloned()
    })
    .await;

    // An edit older than what B has is ignored.
    let signer = Signer::centre_of(&a).await;
    let mut stale = old_note.clone();
    stale["updated"] = json!("2001-01-01T00:00:00Z");
    stale["maillage:recommendation"]["reviewBody"] = json!("Ancienne version.");
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Update", "id": format!("{}/activities/update/stale", a.base),
        "actor": actor(&a), "object": stale,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let (status, text) = deliver(&inbox(&b), &update, &signer, Tamper::default()).await;
    assert!(status.is_success(), "{status} {text}");
    let still = find(&public_search(&b, "q=zoom").await, &id)
        .cloned()
        .unwrap();
    assert_eq!(still["summary"], "Visio sans compte.");

    // Delete: gone from B; a replayed Create does not bring it back.
    assert_eq!(
        a.delete(&format!("/api/v1/recommendations/{}", key(&created["id"])))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    eventually("the deletion on B", || async {
        find(&public_search(&b, "q=zoom").await, &id)
            .is_none()
            .then_some(())
    })
    .await;
    let replay = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create", "id": format!("{}/activities/create/replayed", a.base),
        "actor": actor(&a), "object": old_note,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let (status, _) = deliver(&inbox(&b), &replay, &signer, Tamper::default()).await;
    assert!(status.is_success());
    assert!(
        find(&staff_search(&b, "q=zoom").await, &id).is_none(),
        "a deleted object came back"
    );
    // A answers 410 for it now.
    let res = a
        .client
        .get(&id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::GONE);

    // B unfollows: A forgets B, and B receives nothing new (C, still following, is the clock).
    let res = b
        .delete(&format!(
            "/api/v1/follows/{}",
            follow_b["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    eventually("A to forget B", || async {
        let (_, followers) = listing(&a.get("/api/v1/followers").await.body);
        (!followers.iter().any(|f| f["actor"] == actor(&b))).then_some(())
    })
    .await;
    let later = a
        .create_recommendation(&recommendation(
            "PeerTube",
            "https://joinpeertube.org",
            &["YouTube"],
            "video",
        ))
        .await;
    let later_id = later["id"].as_str().unwrap().to_owned();
    eventually("the new recommendation on C", || async {
        find(&public_search(&c, "q=youtube").await, &later_id).cloned()
    })
    .await;
    assert!(find(&staff_search(&b, "q=youtube").await, &later_id).is_none());
}
on_both_backends!(follow_backfill_publish_edit_delete, publish_edit_delete);

async fn shared_software(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"]).await;
    let mut mine = recommendation(
        "Nextcloud",
        "https://nextcloud.com/",
        &["Google Drive"],
        "files",
    );
    mine["summary"] = json!("Le cloud associatif de la Loire.");
    a.create_recommendation(&mine).await;
    let mut theirs = recommendation(
        "Nextcloud",
        "https://www.nextcloud.com",
        &["Dropbox"],
        "files",
    );
    theirs["summary"] = json!("Recommandé par la Bretagne.");
    b.create_recommendation(&theirs).await;
    follow(&b, &a).await;
    let software = eventually("Nextcloud recommended by two centres on B", || async {
        let (_, list) = listing(&b.get_public("/api/v1/software").await.body);
        list.into_iter()
            .find(|s| s["name"] == "Nextcloud" && s["recommended_by"] == 2)
    })
    .await;
    let (n, recs) = listing(
        &b.get_public(&format!(
            "/api/v1/recommendations?software={}",
            software["slug"].as_str().unwrap()
        ))
        .await
        .body,
    );
    assert_eq!(n, 2);
    let summaries: Vec<&str> = recs
        .iter()
        .map(|r| r["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries.contains(&"Le cloud associatif de la Loire.")
            && summaries.contains(&"Recommandé par la Bretagne.")
    );
    let origins: Vec<&str> = recs.iter().map(|r| r["origin"].as_str().unwrap()).collect();
    assert!(origins.contains(&actor(&a).as_str()) && origins.contains(&actor(&b).as_str()));
    let (total, _) = listing(&b.get_public("/api/v1/software").await.body);
    assert_eq!(total, 1);
}
on_both_backends!(one_software_recommended_by_two_centres, shared_software);

/// A's recommendation, followed by B: the starting point of the endorsement cases.
async fn recommended_by_a_on_b(a: &TestNode, b: &TestNode) -> (Value, String) {
    let rec = a
        .create_recommendation(&recommendation(
            "Framadate",
            "https://framadate.org",
            &["Doodle"],
            "scheduling",
        ))
        .await;
    let id = rec["id"].as_str().unwrap().to_owned();
    follow(b, a).await;
    eventually("A's recommendation on B", || async {
        find(&public_search(b, "q=doodle").await, &id).cloned()
    })
    .await;
    (rec, id)
}

/// B endorses A's recommendation: C, following only B, gets it from its origin; A learns of
/// it; B's Undo withdraws it downstream.
async fn endorsements(backend: Backend) {
    let [a, b, c] = TestNodes::start(backend, ["loire", "bretagne", "geneve"]).await;
    let (rec, id) = recommended_by_a_on_b(&a, &b).await;
    follow(&c, &b).await;
    let res = b.post("/api/v1/endorsements", &json!({"object": id})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let endorsement = res.body["id"].as_str().unwrap().to_owned();
    let on_c = eventually("the endorsed recommendation on C", || async {
        find(&public_search(&c, "q=doodle").await, &id).cloned()
    })
    .await;
    assert_eq!(on_c["origin"], actor(&a));
    assert_eq!(on_c["endorsed_by"], json!([actor(&b)]));
    assert_eq!(on_c["summary"], rec["summary"]);
    eventually("the endorsement on A", || async {
        let mine = a
            .get(&format!("/api/v1/recommendations/{}", key(&rec["id"])))
            .await
            .body;
        (mine["endorsed_by"] == json!([actor(&b)])).then_some(())
    })
    .await;
    assert_eq!(
        b.delete(&format!("/api/v1/endorsements/{endorsement}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    eventually("the endorsement withdrawn on C", || async {
        let r = find(&public_search(&c, "q=doodle").await, &id).cloned()?;
        (r["endorsed_by"] == json!([])).then_some(())
    })
    .await;
}
on_both_backends!(endorsements_reach_followers_of_the_endorser, endorsements);

/// A node following B after B endorsed gets the endorsement by backfill.
async fn endorsements_backfilled(backend: Backend) {
    let [a, b, d] = TestNodes::start(backend, ["loire", "bretagne", "jura"]).await;
    let (_, id) = recommended_by_a_on_b(&a, &b).await;
    let res = b.post("/api/v1/endorsements", &json!({"object": id})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    follow(&d, &b).await;
    let on_d = eventually("the endorsed recommendation on D by backfill", || async {
        find(&public_search(&d, "q=doodle").await, &id).cloned()
    })
    .await;
    assert_eq!(on_d["origin"], actor(&a));
    assert_eq!(on_d["endorsed_by"], json!([actor(&b)]));
}
on_both_backends!(
    a_later_follower_gets_endorsements_by_backfill,
    endorsements_backfilled
);

/// C, following only B, gets B's endorsement of A's recommendation even though A was down when
/// the endorsement came: C answers B with an error rather than drop it, and B's queue delivers
/// the Announce again once A is back. Staff's "retry now" on B stands in for the backoff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endorsement_whose_origin_is_down_arrives_once_it_is_back() {
    let [mut a, b, mut c] =
        TestNodes::start(Backend::Sqlite, ["loire", "bretagne", "geneve"]).await;
    let (_, id) = recommended_by_a_on_b(&a, &b).await;
    follow(&c, &b).await;
    let c_host = c.settings.domain.clone();

    // C is down when B endorses: the Announce waits in B's queue.
    c.stop_server().await;
    let res = b.post("/api/v1/endorsements", &json!({"object": id})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    eventually("B's Announce to C failed once", || async {
        queue_row(&b, &c_host)
            .await
            .filter(|h| h["failures"].as_i64() >= Some(1))
    })
    .await;

    // C is back, A is down: C cannot fetch the recommendation from its origin, and says so.
    a.stop_server().await;
    c.restart().await;
    retry_host(&b, &c_host).await;
    let row = eventually("B's second attempt at C answered", || async {
        queue_row(&b, &c_host)
            .await
            .filter(|h| h["failures"].as_i64() >= Some(2) || h["pending"] == 0)
    })
    .await;
    assert!(
        row["pending"].as_i64() >= Some(1),
        "B still holds the Announce for C: {row}"
    );

    // A is back: the next attempt brings the recommendation to C, endorsed by B.
    a.restart().await;
    retry_host(&b, &c_host).await;
    let on_c = eventually("the endorsed recommendation on C", || async {
        find(&public_search(&c, "q=doodle").await, &id).cloned()
    })
    .await;
    assert_eq!(on_c["origin"], actor(&a));
    assert_eq!(on_c["endorsed_by"], json!([actor(&b)]));
}

/// A boost by an account B follows, which is no directory centre, is not an endorsement. The
/// boost is followed by a real endorsement of the same recommendation: endorsements are
/// stored after the sender got its 202, so B's is waited for, and by then the boost, sent
/// first, had every chance to be stored too.
async fn boost_by_an_account(backend: Backend) {
    let [a, b, c] = TestNodes::start(backend, ["loire", "bretagne", "geneve"]).await;
    let (_, id) = recommended_by_a_on_b(&a, &b).await;
    follow(&c, &b).await;
    // C follows P, an ordinary account, which accepts: P is followed, not a directory centre.
    let p = FaultyPeer::person().await;
    let follow_p = p.followed_by(&c).await;
    let accept = json!({"type": "Accept", "id": p.new_id("accepts"), "actor": p.signer.actor,
                        "object": follow_p});
    let (status, text) = p.send(&c, &accept).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    eventually("C's follow of P accepted", || async {
        let (_, follows) = listing(&c.get("/api/v1/follows").await.body);
        follows
            .into_iter()
            .find(|f| f["target"] == p.signer.actor.as_str() && f["state"] == "accepted")
    })
    .await;
    let boost = json!({"type": "Announce", "id": p.new_id("boosts"), "actor": p.signer.actor,
                       "object": id, "to": ["https://www.w3.org/ns/activitystreams#Public"]});
    let (status, text) = p.send(&c, &boost).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    let res = b.post("/api/v1/endorsements", &json!({"object": id})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let on_c = eventually("B's endorsement on C", || async {
        find(&public_search(&c, "q=doodle").await, &id)
            .filter(|r| r["endorsed_by"] != json!([]))
            .cloned()
    })
    .await;
    assert_eq!(on_c["endorsed_by"], json!([actor(&b)]), "the boost counted");
}
on_both_backends!(
    a_boost_by_a_followed_account_is_not_an_endorsement,
    boost_by_an_account
);

/// Endorsing one's own recommendation or an unknown id is refused.
async fn endorsements_refused(backend: Backend) {
    let [b] = TestNodes::start(backend, ["bretagne"]).await;
    let own = b
        .create_recommendation(&recommendation(
            "Paheko",
            "https://paheko.cloud",
            &["Ciel Associations"],
            "assoc-accounting",
        ))
        .await;
    let res = b
        .post("/api/v1/endorsements", &json!({"object": own["id"]}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_field(), Some("object"));
    let res = b
        .post(
            "/api/v1/endorsements",
            &json!({"object": "https://nowhere.example/r/1"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_field(), Some("object"));
}
on_both_backends!(
    own_or_unknown_recommendations_cannot_be_endorsed,
    endorsements_refused
);

/// Accept and Reject count only from the actor the Follow was sent to, and only for a Follow
/// of ours.
async fn forged_answers(backend: Backend) {
    let [c] = TestNodes::start(backend, ["geneve"]).await;
    let p = FaultyPeer::person().await;
    let x = FaultyPeer::person().await;
    let follow_p = p.followed_by(&c).await;
    let state = || async {
        let (_, follows) = listing(&c.get("/api/v1/follows").await.body);
        follows[0]["state"].as_str().unwrap().to_owned()
    };
    for kind in ["Accept", "Reject"] {
        let forged = json!({"type": kind, "id": x.new_id("answers"), "actor": x.signer.actor,
                            "object": follow_p});
        let (status, text) = x.send(&c, &forged).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{kind} by another actor: {text}"
        );
        let unknown = json!({"type": kind, "id": p.new_id("answers"), "actor": p.signer.actor,
                             "object": format!("{}/activities/follow/not-ours", c.base)});
        let (status, text) = p.send(&c, &unknown).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{kind} of no Follow of ours: {text}"
        );
        assert_eq!(state().await, "pending");
    }
    let reject = json!({"type": "Reject", "id": p.new_id("answers"), "actor": p.signer.actor,
                        "object": follow_p["id"]});
    let (status, text) = p.send(&c, &reject).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{text}");
    assert_eq!(state().await, "rejected");
}
on_both_backends!(forged_accepts_and_rejects_are_refused, forged_answers);

async fn only_followed(backend: Backend) {
    let [a, c] = TestNodes::start(backend, ["loire", "geneve"]).await;
    let rec = a
        .create_recommendation(&recommendation(
            "Mobilizon",
            "https://mobilizon.org",
            &["Meetup"],
            "events",
        ))
        .await;
    let note = note_of(&a, rec["id"].as_str().unwrap()).await;
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create", "id": format!("{}/activities/create/unsolicited", a.base),
        "actor": actor(&a), "object": note,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let signer = Signer::centre_of(&a).await;
    let (status, _) = deliver(
        &format!("{}/inbox", c.base),
        &create,
        &signer,
        Tamper::default(),
    )
    .await;
    assert!(status.is_success());
    assert!(
        staff_search(&c, "q=meetup").await.is_empty(),
        "C does not follow A"
    );
}
on_both_backends!(only_followed_centres_enter_the_directory, only_followed);

async fn contacts(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"]).await;
    let consent = json!({"given_at": "2026-05-20T10:00:00Z"});
    let mut ids = std::collections::HashMap::new();
    for visibility in ["hidden", "local", "network", "public"] {
        let mut card = json!({"name": format!("Carte {visibility}"), "role": "médiatrice",
                              "contact_form": "https://exemple.org/contact", "visibility": visibility});
        if visibility != "hidden" {
            card["consent"] = consent.clone();
        }
        let res = a.post("/api/v1/contacts", &card).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
        ids.insert(visibility, res.body["id"].as_str().unwrap().to_owned());
    }
    // A non-directory follower (a Mastodon account) follows A too.
    let stub = StubActor::spawn(false).await;
    let follow_stub = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Follow", "id": format!("{}/follows/1", stub.base),
        "actor": stub.actor_id(), "object": actor(&a),
    });
    let (status, text) = deliver(
        &format!("{}/inbox", a.base),
        &follow_stub,
        &stub.signer,
        Tamper::default(),
    )
    .await;
    assert!(status.is_success(), "{status} {text}");
    eventually("A's Accept at the stub", || async {
        stub.requests()
            .iter()
            .any(|r| r.starts_with("POST"))
            .then_some(())
    })
    .await;
    follow(&b, &a).await;
    // `network` cards go to the directory centres A's staff trust.
    crate::hostile::trust(&a, &actor(&b)).await;

    // B's staff see network and public cards; B's public only the public one.
    let staff = eventually("A's network and public cards on B", || async {
        let found = staff_search(&b, "kind=contact").await;
        (found.len() == 2).then_some(found)
    })
    .await;
    assert!(find(&staff, &ids["network"]).is_some() && find(&staff, &ids["public"]).is_some());
    let public = public_search(&b, "kind=contact").await;
    assert_eq!(public.len(), 1);
    assert_eq!(public[0]["id"], ids["public"].as_str());
    assert!(find(&public_search(&b, "q=carte").await, &ids["network"]).is_none());

    // Unsigned fetches of A's cards: only the public one is served.
    for (visibility, expected) in [
        ("hidden", 404),
        ("local", 404),
        ("network", 404),
        ("public", 200),
    ] {
        let res = a
            .client
            .get(&ids[visibility])
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), expected, "{visibility}");
    }
    // Nor is a network card in A's outbox.
    let outbox = a
        .client
        .get(format!("{}/outbox?page=1", actor(&a)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        outbox.contains(&ids["public"])
            && !outbox.contains(&ids["network"])
            && !outbox.contains(&ids["local"])
    );

    // A new network card reaches B but not the Mastodon follower; a public one reaches both.
    let seen_by_stub = stub.requests().len();
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Réseau Deux", "visibility": "network", "consent": consent}),
        )
        .await;
    let network2 = res.body["id"].as_str().unwrap().to_owned();
    eventually("the new network card on B", || async {
        find(&staff_search(&b, "kind=contact").await, &network2).cloned()
    })
    .await;
    let res = a
        .post(
            "/api/v1/contacts",
            &json!({"name": "Publique Deux", "visibility": "public", "consent": consent}),
        )
        .await;
    let public2 = res.body["id"].as_str().unwrap().to_owned();
    eventually("the new public card on B", || async {
        find(&public_search(&b, "kind=contact").await, &public2).cloned()
    })
    .await;
    eventually("the public card at the stub", || async {
        (stub.requests().len() > seen_by_stub).then_some(())
    })
    .await;
    assert_eq!(
        stub.requests().len(),
        seen_by_stub + 1,
        "the stub got the public card only: {:?}",
        stub.requests()
    );

    // Consent withdrawn, or back to hidden: B purges the card.
    let res = a
        .patch(
            &format!("/api/v1/contacts/{}", key(&json!(ids["public"]))),
            &json!({"consent": {"withdrawn_at": "2026-07-01T12:00:00Z"}}),
        )
        .await;
    assert_eq!(res.body["visibility"], "hidden");
    let res = a
        .patch(
            &format!("/api/v1/contacts/{}", key(&json!(ids["network"]))),
            &json!({"visibility": "hidden"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    eventually("both cards purged on B", || async {
        let found = staff_search(&b, "kind=contact").await;
        (find(&found, &ids["public"]).is_none() && find(&found, &ids["network"]).is_none())
            .then_some(())
    })
    .await;
}
on_both_backends!(contacts_follow_the_visibility_table, contacts);

async fn moderation(backend: Backend) {
    let [a, b, c] = TestNodes::start(backend, ["loire", "bretagne", "geneve"]).await;
    let rec = a
        .create_recommendation(&recommendation(
            "Etherpad",
            "https://etherpad.org",
            &["Google Docs"],
            "office",
        ))
        .await;
    let other = a
        .create_recommendation(&recommendation(
            "Lufi",
            "https://lufi.example",
            &["WeTransfer"],
            "utilities",
        ))
        .await;
    let id = rec["id"].as_str().unwrap().to_owned();
    follow(&b, &a).await;
    follow(&b, &c).await;
    eventually("A's items on B", || async {
        (public_search(&b, "q=wetransfer").await.len() == 1).then_some(())
    })
    .await;
    eventually("A's items on B", || async {
        find(&public_search(&b, "q=etherpad").await, &id).cloned()
    })
    .await;

    // Hide one item.
    let res = b
        .post("/api/v1/moderation/hidden", &json!({"object": id}))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    assert!(find(&public_search(&b, "q=etherpad").await, &id).is_none());
    assert!(
        find(&staff_search(&b, "q=etherpad").await, &id).is_some(),
        "staff still see it"
    );
    let res = b
        .post(
            "/api/v1/moderation/hidden",
            &json!({"object": "https://nowhere.example/x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Local items are not hidden this way.
    let own = b
        .create_recommendation(&recommendation(
            "Galène",
            "https://galene.org",
            &["Zoom"],
            "videoconf",
        ))
        .await;
    let res = b
        .post("/api/v1/moderation/hidden", &json!({"object": own["id"]}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Block A's domain: its items leave B, its activities are refused.
    let res = b
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": format!("localhost:{}", a.port), "rule": "block"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["removed_recommendations"], 2);
    assert!(staff_search(&b, "q=wetransfer").await.is_empty());
    assert!(find(&staff_search(&b, "q=etherpad").await, &id).is_none());
    let signer = Signer::centre_of(&a).await;
    let note = note_of(&a, other["id"].as_str().unwrap()).await;
    let create = json!({"type": "Create", "id": format!("{}/activities/create/after-block", a.base),
                        "actor": actor(&a), "object": note});
    let (status, _) = deliver(
        &format!("{}/inbox", b.base),
        &create,
        &signer,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let res = b
        .post("/api/v1/follows", &json!({"target": handle(&a)}))
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "B does not fetch from a blocked domain: {}",
        res.text
    );
    let (_, rules) = listing(&b.get("/api/v1/moderation/domains").await.body);
    assert_eq!(rules.len(), 1);
    let res = b
        .delete(&format!("/api/v1/moderation/domains/localhost:{}", a.port))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);

    // Allow-list mode: only listed domains federate.
    let [d] = TestNodes::start(
        backend,
        [NodeSpec::centre("jura").with(|s| s.federation.allowlist_mode = true)],
    )
    .await;
    let res = d
        .post("/api/v1/follows", &json!({"target": handle(&a)}))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = d
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": format!("localhost:{}", a.port), "rule": "allow"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    follow(&d, &a).await;
    let res = d
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": "nope nope", "rule": "allow"}),
        )
        .await;
    assert_eq!(res.error_field(), Some("domain"));
    let res = d
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": "x.example", "rule": "maybe"}),
        )
        .await;
    assert_eq!(res.error_field(), Some("rule"));
}
on_both_backends!(moderation_hides_blocks_and_allows, moderation);

async fn manual_approval(backend: Backend) {
    let [e, b] = TestNodes::start(
        backend,
        [
            NodeSpec::centre("vosges").with(|s| s.federation.manual_approval = true),
            NodeSpec::centre("bretagne"),
        ],
    )
    .await;
    let actor_json: Value = b
        .client
        .get(actor(&e))
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(actor_json["manuallyApprovesFollowers"], true);
    let res = b
        .post("/api/v1/follows", &json!({"target": handle(&e)}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(res.body["state"], "pending");
    let pending = eventually("a pending follower on E", || async {
        let (_, list) = listing(&e.get("/api/v1/followers?state=pending").await.body);
        list.into_iter().next()
    })
    .await;
    assert_eq!(pending["actor"], actor(&b));
    let res = e
        .post(
            &format!(
                "/api/v1/followers/{}/approve",
                pending["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["state"], "accepted");
    eventually("B's follow accepted", || async {
        let (_, follows) = listing(&b.get("/api/v1/follows").await.body);
        follows.into_iter().find(|f| f["state"] == "accepted")
    })
    .await;
    let res = e
        .post(
            &format!(
                "/api/v1/followers/{}/approve",
                pending["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // Refusing another follower sends Reject.
    let [c] = TestNodes::start(backend, ["geneve"]).await;
    c.post("/api/v1/follows", &json!({"target": handle(&e)}))
        .await;
    let pending = eventually("C pending on E", || async {
        let (_, list) = listing(&e.get("/api/v1/followers?state=pending").await.body);
        list.into_iter().next()
    })
    .await;
    let res = e
        .post(
            &format!(
                "/api/v1/followers/{}/refuse",
                pending["id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await;
    assert_eq!(res.body["state"], "rejected");
    eventually("C's follow rejected", || async {
        let (_, follows) = listing(&c.get("/api/v1/follows").await.body);
        follows.into_iter().find(|f| f["state"] == "rejected")
    })
    .await;
}
on_both_backends!(manual_approval_of_followers, manual_approval);

async fn remote_input(backend: Backend) {
    let [a, b, c] = TestNodes::start(backend, ["loire", "bretagne", "geneve"]).await;

    // A remote actor's HTML is stored as text.
    let stub = StubActor::spawn(true).await;
    let res = b
        .post("/api/v1/follows", &json!({"target": stub.actor_id()}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["state"], "pending");
    let (_, centres) = listing(&b.get_public("/api/v1/centres").await.body);
    let remote = centres
        .iter()
        .find(|c| c["id"] == stub.actor_id())
        .expect("the stub is listed");
    assert_eq!(remote["summary"], "Un pair de test");
    assert_eq!(remote["local"], false);

    // One redirect is followed, two are not.
    let res = c
        .post(
            "/api/v1/follows",
            &json!({"target": format!("{}/redirect/1", stub.base)}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = c
        .post(
            "/api/v1/follows",
            &json!({"target": format!("{}/redirect/2", stub.base)}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert_eq!(res.error_field(), Some("target"));

    // An endorsement carrying a doctored copy: C takes the object from its origin, not from B.
    let rec = a
        .create_recommendation(&recommendation(
            "Sympa",
            "https://www.sympa.community",
            &["Google Groups"],
            "mailing",
        ))
        .await;
    let id = rec["id"].as_str().unwrap().to_owned();
    follow(&c, &b).await;
    let mut doctored = note_of(&a, &id).await;
    doctored["maillage:recommendation"]["reviewBody"] = json!("Copie trafiquée.");
    doctored["content"] = json!("<p>Copie trafiquée</p>");
    let announce = json!({
        "type": "Announce", "id": format!("{}/activities/announce/doctored", b.base),
        "actor": actor(&b), "object": doctored,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let signer = Signer::centre_of(&b).await;
    let (status, text) = deliver(
        &format!("{}/inbox", c.base),
        &announce,
        &signer,
        Tamper::default(),
    )
    .await;
    assert!(status.is_success(), "{status} {text}");
    // Endorsements are taken in after the sender got its answer: wait for it.
    let copy = eventually("the endorsed object on C", || async {
        find(&public_search(&c, "q=sympa").await, &id)
            .filter(|r| r["endorsed_by"] == json!([actor(&b)]))
            .cloned()
    })
    .await;
    assert_eq!(copy["summary"], rec["summary"]);
    assert_eq!(copy["origin"], actor(&a));
    assert_eq!(copy["endorsed_by"], json!([actor(&b)]));

    // `maillage follow` from the command line does what the API does.
    let out = c
        .command()
        .env("MAILLAGE_LOG", "warn")
        .args(["follow", &handle(&a)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(line.contains(&actor(&a)), "{line}");
    eventually("the command-line follow accepted", || async {
        let (_, follows) = listing(&c.get("/api/v1/follows").await.body);
        follows
            .into_iter()
            .find(|f| f["target"] == actor(&a) && f["state"] == "accepted")
    })
    .await;
}
on_both_backends!(remote_input_is_checked_and_sanitised, remote_input);

/// Offers carry their provider's card: a peer files it under its own record of the same
/// website (never changing that record) or makes one; an edit of the provider reaches peers
/// as an `Update` of the recommendations that offer its services.
async fn providers_travel_with_offers(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"].map(|n| spec(n, false))).await;
    // B already knows Framasoft, and says it differently.
    let res = b
        .post(
            "/api/v1/providers",
            &json!({"name": "Frama (fiche locale)", "website": "https://framasoft.org",
                "kind": "association", "chatons": false}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    for provider in [
        json!({"name": "La Mère Zaclys", "website": "zaclys.com", "kind": "association",
            "chatons": true, "country": "FR"}),
        json!({"name": "Framasoft", "website": "framasoft.org", "kind": "association",
            "chatons": true, "country": "FR"}),
    ] {
        let res = a.post("/api/v1/providers", &provider).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    }
    let mut nextcloud = recommendation(
        "Nextcloud",
        "https://nextcloud.com",
        &["Google Drive"],
        "files",
    );
    nextcloud["hosting"] = json!([
        {"name": "Nuage", "url": "https://nuage.zaclys.com", "provider": "la-mere-zaclys"},
        {"name": "Framaspace", "url": "https://frama.space", "provider": "framasoft"},
    ]);
    let created = a.create_recommendation(&nextcloud).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let note = note_of(&a, &id).await;
    let card = &note["maillage:recommendation"]["hosting"][0]["provider"];
    assert_eq!(card["name"], "La Mère Zaclys", "{note}");
    assert_eq!(card["url"], "https://zaclys.com/");
    assert_eq!(card["kind"], "association");
    assert_eq!(card["chatons"], true);
    assert_eq!(card["addressCountry"], "FR");

    follow(&b, &a).await;
    let copy = eventually("A's recommendation on B", || async {
        find(&public_search(&b, "q=nextcloud").await, &id).cloned()
    })
    .await;
    let zaclys = &copy["hosting"][0]["provider"];
    assert_eq!(zaclys["name"], "La Mère Zaclys", "{copy}");
    assert_eq!(zaclys["chatons"], true);
    // B's own record of Framasoft, unchanged by A's description.
    let framasoft = &copy["hosting"][1]["provider"];
    assert_eq!(framasoft["name"], "Frama (fiche locale)", "{copy}");
    assert_eq!(framasoft["chatons"], false);
    let (total, _) = listing(&b.get_public("/api/v1/providers").await.body);
    assert_eq!(
        total, 2,
        "B made a record of Zaclys, kept its own Framasoft"
    );

    // A renames Zaclys: its recommendation is sent again, with the new card.
    let res = a
        .patch(
            "/api/v1/providers/la-mere-zaclys",
            &json!({"name": "Zaclys"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let note = note_of(&a, &id).await;
    assert_eq!(
        note["maillage:recommendation"]["hosting"][0]["provider"]["name"],
        "Zaclys"
    );
    assert_ne!(note["updated"], note["published"], "{note}");
    let before = copy["updated"].clone();
    eventually("the Update of A's recommendation on B", || async {
        find(&public_search(&b, "q=nextcloud").await, &id)
            .filter(|r| r["updated"] != before)
            .cloned()
    })
    .await;
}
on_both_backends!(
    providers_travel_with_the_offers_that_name_them,
    providers_travel_with_offers
);

/// A profile edit reaches followers at once as an `Update` of the actor (as Mastodon sends on
/// every profile save); only the actor itself can update it.
async fn profile_updates(backend: Backend) {
    let [a, b, c] = TestNodes::start(
        backend,
        ["loire", "bretagne", "geneve"].map(|n| spec(n, false)),
    )
    .await;
    follow(&b, &a).await;
    let res = a
        .patch(
            "/api/v1/centres/loire",
            &json!({"name": "Loire Numérique", "summary": "Les ateliers du jeudi.",
                    "icon": "https://loire.example/logo.png"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let remote = eventually("A's new profile on B", || async {
        let (_, centres) = listing(&b.get_public("/api/v1/centres").await.body);
        centres
            .into_iter()
            .find(|c| c["id"] == actor(&a) && c["name"] == "Loire Numérique")
    })
    .await;
    assert_eq!(remote["summary"], "Les ateliers du jeudi.");
    assert_eq!(remote["icon"], "https://loire.example/logo.png");

    // Staff save the profile page with an avatar from their computer: the same Update goes out.
    create_admin(&a, "camille", "un mot de passe assez long").await;
    let staff = Visitor::new(&a, "fr");
    staff.log_in("camille", "un mot de passe assez long").await;
    let csrf = staff.get("/admin/profile").await.csrf();
    let saved = staff
        .post_multipart(
            "/admin/profile",
            &[
                ("csrf", &csrf),
                ("name", "Loire Numérique, ateliers"),
                ("summary", "Les ateliers du jeudi et du samedi."),
                ("region", "FR-ARA"),
                ("icon_current", "https://loire.example/logo.png"),
            ],
            &[(
                "icon_file",
                "logo.png",
                "image/png",
                crate::helpers::png_picture(64, 64),
            )],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let remote = eventually("A's profile page edit on B", || async {
        let (_, centres) = listing(&b.get_public("/api/v1/centres").await.body);
        centres
            .into_iter()
            .find(|c| c["id"] == actor(&a) && c["name"] == "Loire Numérique, ateliers")
    })
    .await;
    assert_eq!(remote["summary"], "Les ateliers du jeudi et du samedi.");
    assert_eq!(remote["region"], "FR-ARA");
    let icon = remote["icon"].as_str().expect("A's uploaded avatar on B");
    assert!(
        icon.starts_with(&format!("{}/images/", actor(&a))),
        "{icon}"
    );

    // C (whom B also knows) cannot rename A: dropped unread (202) or refused, B keeps A's name.
    follow(&b, &c).await;
    let signer = Signer::centre_of(&c).await;
    let mut forged = note_of(&a, &actor(&a)).await;
    forged["name"] = json!("Usurpé");
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Update", "id": format!("{}/activities/update/forged", c.base),
        "actor": actor(&c), "object": forged,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    });
    let (status, text) = deliver(&inbox(&b), &update, &signer, Tamper::default()).await;
    assert!(
        status == StatusCode::ACCEPTED || status.is_client_error(),
        "{status} {text}"
    );
    let (_, centres) = listing(&b.get_public("/api/v1/centres").await.body);
    let a_on_b = centres.iter().find(|x| x["id"] == actor(&a)).unwrap();
    assert_eq!(a_on_b["name"], "Loire Numérique, ateliers");
}
on_both_backends!(
    a_profile_edit_reaches_followers_as_an_update,
    profile_updates
);
