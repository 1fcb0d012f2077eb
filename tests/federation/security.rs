//! The security baseline, one test per rule: signatures, digests, hosts, paths, dates, sizes,
//! origins, ownership, duplicates, and the fetcher's refusal of private addresses outside the
//! insecure local mode.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, NodeSpec, TestNode, TestNodes, listing, recommendation};
use crate::network::{actor, eventually, find, follow, note_of, public_search};
use crate::on_both_backends;
use crate::peer::{Signer, StubActor, Tamper, deliver, deliver_bytes};

fn create(a: &TestNode, n: &str, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create",
        "id": format!("{}/activities/create/{n}", a.base),
        "actor": actor(a),
        "object": object,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    })
}

/// A, B following A and C, and A's recommendation on B: what the inbox cases start from.
struct Inbox {
    a: TestNode,
    b: TestNode,
    c: TestNode,
    /// B's inbox.
    inbox: String,
    /// Signs as A's centre.
    signer: Signer,
    rec: Value,
    rec_id: String,
    note: Value,
}

async fn inbox_of_b(backend: Backend) -> Inbox {
    let [a, b, c] = TestNodes::start(backend, ["loire", "bretagne", "geneve"]).await;
    follow(&b, &a).await;
    follow(&b, &c).await;
    let inbox = format!("{}/inbox", b.base);
    let signer = Signer::centre_of(&a).await;
    let rec = a
        .create_recommendation(&recommendation(
            "Kanboard",
            "https://kanboard.org",
            &["Trello"],
            "project",
        ))
        .await;
    let rec_id = rec["id"].as_str().unwrap().to_owned();
    eventually("A's recommendation on B", || async {
        find(&public_search(&b, "q=trello").await, &rec_id).cloned()
    })
    .await;
    let note = note_of(&a, &rec_id).await;
    Inbox {
        a,
        b,
        c,
        inbox,
        signer,
        rec,
        rec_id,
        note,
    }
}

/// Unsigned, tampered, stale, oversized or malformed requests are refused.
async fn requests(backend: Backend) {
    // B and C bound, not `..`: the nodes would stop at the end of the statement.
    let Inbox {
        a,
        b: _b,
        c: _c,
        inbox,
        signer,
        note,
        ..
    } = inbox_of_b(backend).await;
    let activity = create(&a, "probe", note.clone());

    // No signature: 401 before anything is fetched (the stub actor sees no request).
    let stub = StubActor::spawn(true).await;
    let unsigned = json!({"type": "Create", "id": format!("{}/users/stub/1", stub.base), "actor": stub.actor_id(), "object": note});
    let (status, _) = deliver(
        &inbox,
        &unsigned,
        &stub.signer,
        Tamper {
            no_signature: true,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        stub.requests().is_empty(),
        "fetched before checking the signature: {:?}",
        stub.requests()
    );

    // Body does not match its Digest.
    let tamper = Tamper {
        digest_of: Some(b"another body".to_vec()),
        ..Default::default()
    };
    assert_eq!(
        deliver(&inbox, &activity, &signer, tamper).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Signed for another host, or another path.
    let tamper = Tamper {
        host: Some("localhost:1".into()),
        ..Default::default()
    };
    assert_eq!(
        deliver(&inbox, &activity, &signer, tamper).await.0,
        StatusCode::UNAUTHORIZED
    );
    let tamper = Tamper {
        signed_path: Some("/centres/bretagne/outbox".into()),
        ..Default::default()
    };
    assert_eq!(
        deliver(&inbox, &activity, &signer, tamper).await.0,
        StatusCode::UNAUTHORIZED
    );
    // Date outside the window, either side.
    let now = std::time::SystemTime::now();
    let hour = std::time::Duration::from_secs(3600);
    for when in [now - 14 * hour, now + 3 * hour] {
        let tamper = Tamper {
            date: Some(httpdate::fmt_http_date(when)),
            ..Default::default()
        };
        assert_eq!(
            deliver(&inbox, &activity, &signer, tamper).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Over 1 MiB: 413, not the library's 500. One byte over, so that the node has read the
    // whole body when it answers: with more still in flight, its close resets the connection
    // and can swallow the answer.
    let mut huge = activity.clone();
    huge["padding"] = json!("");
    let padding = 1024 * 1024 + 1 - huge.to_string().len();
    huge["padding"] = json!("x".repeat(padding));
    assert_eq!(huge.to_string().len(), 1024 * 1024 + 1);
    assert_eq!(
        deliver(&inbox, &huge, &signer, Tamper::default()).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // Not JSON.
    assert_eq!(
        deliver_bytes(&inbox, b"not json".to_vec(), &signer, Tamper::default())
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}
on_both_backends!(inbox_refuses_unsigned_and_tampered_requests, requests);

/// Ids, objects and authorship must agree with the signer; only the owner edits or deletes.
async fn origins(backend: Backend) {
    let Inbox {
        a,
        b,
        c,
        inbox,
        signer,
        rec,
        rec_id,
        note,
    } = inbox_of_b(backend).await;
    // Activity id on another authority than its actor.
    let mut foreign_id = create(&a, "x", note.clone());
    foreign_id["id"] = json!(format!("{}/activities/create/x", c.base));
    let (status, _) = deliver(&inbox, &foreign_id, &signer, Tamper::default()).await;
    assert!(
        status == StatusCode::FORBIDDEN || status == StatusCode::BAD_REQUEST,
        "{status}"
    );
    // Object id on another authority, or attributed to someone else.
    let mut foreign_object = note.clone();
    foreign_object["id"] = json!(format!("{}/recommendations/stolen", c.base));
    let (status, _) = deliver(
        &inbox,
        &create(&a, "y", foreign_object),
        &signer,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut misattributed = note.clone();
    misattributed["attributedTo"] = json!(actor(&c));
    let (status, _) = deliver(
        &inbox,
        &create(&a, "z", misattributed),
        &signer,
        Tamper::default(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // C cannot update or delete A's object.
    let c_signer = Signer::centre_of(&c).await;
    let mut hijacked = note.clone();
    hijacked["attributedTo"] = json!(actor(&c));
    hijacked["maillage:recommendation"]["reviewBody"] = json!("Détourné.");
    let update = json!({"type": "Update", "id": format!("{}/activities/update/h", c.base), "actor": actor(&c), "object": hijacked});
    assert_eq!(
        deliver(&inbox, &update, &c_signer, Tamper::default())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let delete = json!({"type": "Delete", "id": format!("{}/activities/delete/h", c.base), "actor": actor(&c),
                        "object": {"type": "Tombstone", "id": rec_id}});
    assert_eq!(
        deliver(&inbox, &delete, &c_signer, Tamper::default())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let kept = find(&public_search(&b, "q=trello").await, &rec_id)
        .cloned()
        .unwrap();
    assert_eq!(kept["summary"], rec["summary"]);
}
on_both_backends!(inbox_checks_origins_and_ownership, origins);

/// A duplicate is acknowledged and not applied again; an unknown type changes nothing.
async fn duplicates(backend: Backend) {
    let Inbox {
        a,
        b,
        c: _c,
        inbox,
        signer,
        rec_id,
        note,
        ..
    } = inbox_of_b(backend).await;
    // Delivered twice: applied once (the second is acknowledged without being applied).
    let mut edit = note.clone();
    edit["updated"] = json!("2099-01-01T00:00:00Z");
    edit["maillage:recommendation"]["reviewBody"] = json!("Deux fois.");
    let twice = json!({"type": "Update", "id": format!("{}/activities/update/twice", a.base), "actor": actor(&a), "object": edit});
    // Lower-case `sha-256=` as bovine sends it is accepted.
    let tamper = Tamper {
        lowercase_digest: true,
        ..Default::default()
    };
    assert_eq!(
        deliver(&inbox, &twice, &signer, tamper.clone()).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        deliver(&inbox, &twice, &signer, tamper).await.0,
        StatusCode::ACCEPTED
    );
    let db = maillage::startup::open_database(&b.settings).await.unwrap();
    let id = format!("{}/activities/update/twice", a.base);
    let recorded_again = db
        .write(move |conn| {
            maillage::storage::activities::record_received(conn, &id, maillage::storage::now())
        })
        .await
        .unwrap();
    assert!(!recorded_again, "the activity id is recorded once");
    assert_eq!(
        find(&public_search(&b, "q=trello").await, &rec_id).unwrap()["summary"],
        "Deux fois."
    );

    // Unknown activity types are acknowledged and ignored: B holds the same state after.
    let state = || async {
        let mut state = Vec::new();
        for path in [
            "/api/v1/recommendations?per_page=200",
            "/api/v1/follows",
            "/api/v1/followers",
            "/api/v1/endorsements",
            "/api/v1/centres",
        ] {
            let res = b.get(path).await;
            assert_eq!(res.status, StatusCode::OK, "{path}");
            state.push(res.body);
        }
        state
    };
    let before = state().await;
    let like = json!({"type": "Like", "id": format!("{}/likes/1", a.base), "actor": actor(&a), "object": rec_id});
    assert_eq!(
        deliver(&inbox, &like, &signer, Tamper::default()).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(state().await, before, "a Like changed what B holds");
}
on_both_backends!(
    inbox_applies_duplicates_once_and_ignores_unknown_types,
    duplicates
);

/// Outside the insecure local mode, the fetcher refuses loopback and private addresses (at
/// connect time) and plain http, and the inbox refuses http actors.
async fn secure_mode(backend: Backend) {
    let [a, s] = TestNodes::start(
        backend,
        [
            NodeSpec::centre("loire"),
            NodeSpec::centre("secure").with(|s| s.federation.insecure = false),
        ],
    )
    .await;
    // Its ids are https.
    let (_, centres) = listing(&s.get_public("/api/v1/centres").await.body);
    assert!(centres[0]["id"].as_str().unwrap().starts_with("https://"));
    for target in [
        "https://localhost/centres/loire".to_owned(),
        format!("http://localhost:{}/centres/loire", a.port),
        format!("loire@localhost:{}", a.port),
    ] {
        let res = s.post("/api/v1/follows", &json!({"target": target})).await;
        assert!(
            res.status.is_client_error(),
            "{target}: {} {}",
            res.status,
            res.text
        );
        assert_eq!(res.error_field(), Some("target"), "{}", res.text);
    }
    let res = s
        .post(
            "/api/v1/follows",
            &json!({"target": "https://localhost/centres/loire"}),
        )
        .await;
    let message = res.body["error"]["message"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(
        message.contains("`localhost` is a name on this machine")
            && message.contains("maillage_federation_insecure=true"),
        "{message}"
    );
    // An http actor signing to the secure node's inbox is refused.
    let signer = Signer::centre_of(&a).await;
    let follow_req = json!({"type": "Follow", "id": format!("{}/activities/follow/s", a.base), "actor": actor(&a),
                            "object": format!("https://localhost:{}/centres/secure", s.port)});
    let (status, text) = deliver(
        &format!("{}/inbox", s.base),
        &follow_req,
        &signer,
        Tamper {
            host: Some(format!("localhost:{}", s.port)),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(
        text.to_lowercase().contains("only https urls"),
        "the answer says why: {text}"
    );
    let (_, followers) = listing(&s.get("/api/v1/followers").await.body);
    assert!(followers.is_empty(), "{followers:?}");
}
on_both_backends!(secure_mode_refuses_local_peers, secure_mode);
