//! Mediation places between nodes: `Place` objects created, edited and deleted on A reach the
//! nodes that follow it (backfilled, then pushed), shown there with their origin and never
//! editable; a hostile `Place` is refused or cleaned.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNode, TestNodes, key, listing};
use crate::network::{actor, eventually, follow};
use crate::on_both_backends;
use crate::peer::{Signer, Tamper, deliver};

/// A change made to a valid Place before it is sent.
type Change = fn(&mut Value);

fn place(source_id: &str, nom: &str) -> Value {
    json!({
        "source_id": source_id,
        "pivot": "43493312300029",
        "nom": nom,
        "commune": "Saint-Chamond",
        "code_postal": "42400",
        "code_insee": "42207",
        "adresse": "12 rue de la République",
        "latitude": 45.4766,
        "longitude": 4.5125,
        "horaires": "Mo-Fr 09:00-12:00",
        "date_maj": "2026-11-30",
        "services": ["Aide aux démarches administratives"],
        "frais_a_charge": ["Gratuit"],
        "prise_rdv": "https://rdv.example/mediatheque"
    })
}

async fn create(node: &TestNode, body: &Value) -> Value {
    let res = node.post("/api/v1/places", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    res.body
}

/// The places `node` lists (API, public), by id.
async fn places_on(node: &TestNode) -> Vec<Value> {
    let res = node.get_public("/api/v1/places?per_page=100").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    listing(&res.body).1
}

async fn place_on(node: &TestNode, id: &str) -> Option<Value> {
    places_on(node).await.into_iter().find(|p| p["id"] == id)
}

/// A place's `Place` at its id, as an ActivityPub client reads it.
async fn object_of(node: &TestNode, id: &str) -> (StatusCode, Value) {
    let res = node
        .client
        .get(id)
        .header("accept", "application/activity+json")
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or_default())
}

async fn publish_edit_delete(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"]).await;
    let before = create(&a, &place("avant", "Médiathèque Louise Michel")).await;
    let before_id = before["id"].as_str().unwrap().to_owned();

    // The Place at its id: Mobilizon's shape, the schema's fields in `maillage:place`.
    let (status, object) = object_of(&a, &before_id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(object["type"], "Place");
    assert_eq!(object["id"], before_id);
    assert_eq!(object["attributedTo"], actor(&a));
    assert_eq!(object["name"], "Médiathèque Louise Michel");
    assert_eq!(object["latitude"], 45.4766);
    assert_eq!(object["address"]["type"], "PostalAddress");
    assert_eq!(object["address"]["postalCode"], "42400");
    assert_eq!(object["address"]["addressLocality"], "Saint-Chamond");
    assert_eq!(object["maillage:place"]["pivot"], "43493312300029");
    assert_eq!(
        object["maillage:place"]["frais_a_charge"],
        json!(["Gratuit"])
    );

    // B follows A: the earlier place is backfilled, with A as origin.
    follow(&b, &a).await;
    let copy = eventually("the earlier place on B", || async {
        place_on(&b, &before_id).await
    })
    .await;
    assert_eq!(copy["origin"], actor(&a));
    assert_eq!(copy["origin_name"], "Centre loire");
    assert_eq!(copy["local"], false);
    assert_eq!(
        copy["services"],
        json!(["Aide aux démarches administratives"])
    );
    assert_eq!(copy["horaires"], "Mo-Fr 09:00-12:00");
    // B's copy is listed on B's /places and has its page there, which says whose it is; it
    // cannot be edited on B.
    let page = b.get_public("/places").await;
    assert_eq!(page.status, StatusCode::OK);
    let b_key = page
        .text
        .split("href=\"/places/")
        .find_map(|s| {
            s.split_once("\">Médiathèque Louise Michel</a>")
                .map(|(k, _)| k.to_owned())
        })
        .unwrap_or_else(|| panic!("the copy on B's /places: {}", page.text));
    let copy_page = b.get_public(&format!("/places/{b_key}")).await;
    assert_eq!(copy_page.status, StatusCode::OK);
    assert!(
        copy_page.text.contains("Centre loire"),
        "{}",
        copy_page.text
    );
    assert!(copy_page.text.contains(&actor(&a)));
    let res = b
        .patch(&format!("/api/v1/places/{b_key}"), &json!({"nom": "Pris"}))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert_eq!(
        b.delete(&format!("/api/v1/places/{b_key}")).await.status,
        StatusCode::FORBIDDEN
    );

    // Created, edited, deleted on A: B follows.
    let created = create(&a, &place("apres", "Espace numérique du Pilat")).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let copy = eventually("the new place on B", || async { place_on(&b, &id).await }).await;
    assert_eq!(copy["nom"], "Espace numérique du Pilat");
    let res = a
        .patch(
            &format!("/api/v1/places/{}", key(&created["id"])),
            &json!({"nom": "Espace numérique du Pilat (Bourg-Argental)", "latitude": 45.3, "longitude": 4.56}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let edited = eventually("the edit on B", || async {
        place_on(&b, &id)
            .await
            .filter(|p| p["nom"] == "Espace numérique du Pilat (Bourg-Argental)")
    })
    .await;
    assert_eq!(edited["latitude"], 45.3);
    assert_eq!(
        a.delete(&format!("/api/v1/places/{}", key(&created["id"])))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    eventually("the deletion on B", || async {
        place_on(&b, &id).await.is_none().then_some(())
    })
    .await;
    assert_eq!(object_of(&a, &id).await.0, StatusCode::GONE);
    assert!(place_on(&b, &before_id).await.is_some());

    // Blocking A's domain on B removes A's places from B.
    let res = b
        .post(
            "/api/v1/moderation/domains",
            &json!({"domain": format!("localhost:{}", a.port), "rule": "block"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["removed_places"], 1);
    assert!(place_on(&b, &before_id).await.is_none());
}
on_both_backends!(places_publish_edit_delete, publish_edit_delete);

/// Places as a hostile peer could send them, signed with A's real key: markup is reduced to
/// text; bad coordinates, links that are not http(s), coordinates given twice that disagree, an
/// id on another authority, an author other than the sender are refused, and nothing of them
/// is stored.
async fn hostile(backend: Backend) {
    let [a, b] = TestNodes::start(backend, ["loire", "bretagne"]).await;
    follow(&b, &a).await;
    let real = create(&a, &place("reel", "Médiathèque Louise Michel")).await;
    let (_, object) = object_of(&a, real["id"].as_str().unwrap()).await;
    let signer = Signer::centre_of(&a).await;
    let inbox = format!("{}/inbox", b.base);
    let forged = |n: &str, change: &dyn Fn(&mut Value)| {
        let mut o = object.clone();
        let id = format!("{}/places/forged-{n}", a.base);
        o["id"] = json!(id);
        o["url"] = json!(id);
        o["maillage:place"]["source_id"] = json!(format!("forged-{n}"));
        change(&mut o);
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "type": "Create", "id": format!("{}/activities/create/forged-{n}", a.base),
            "actor": actor(&a), "object": o,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        });
        (o["id"].as_str().unwrap().to_owned(), activity)
    };

    // Markup in the texts is reduced to text before it is stored.
    let (id, activity) = forged("markup", &|o| {
        o["name"] = json!("Atelier <script>alert(1)</script><b>libre</b>");
        o["maillage:place"]["nom"] = json!("Atelier <script>alert(1)</script><b>libre</b>");
        o["maillage:place"]["presentation_resume"] =
            json!("<p>Bienvenue <img src=x onerror=alert(1)></p>");
    });
    let (status, text) = deliver(&inbox, &activity, &signer, Tamper::default()).await;
    assert!(status.is_success(), "{status} {text}");
    let copy = eventually("the cleaned place on B", || async {
        place_on(&b, &id).await
    })
    .await;
    assert_eq!(copy["nom"], "Atelier libre");
    assert_eq!(copy["presentation_resume"], "Bienvenue");

    let refused: [(&str, Change); 8] = [
        ("latitude", |o| {
            o["latitude"] = json!(95.0);
            o["maillage:place"]["latitude"] = json!(95.0);
        }),
        ("nan", |o| o["maillage:place"]["longitude"] = json!("NaN")),
        ("not-a-number", |o| o["latitude"] = json!("quarante-cinq")),
        ("disagree", |o| o["latitude"] = json!(48.85)),
        ("javascript", |o| {
            o["maillage:place"]["prise_rdv"] = json!("javascript:alert(1)")
        }),
        ("postcode", |o| {
            o["maillage:place"]["code_postal"] = json!("4240")
        }),
        ("too-long", |o| {
            o["maillage:place"]["nom"] = json!("x".repeat(5000))
        }),
        ("empty-after-markup", |o| {
            o["maillage:place"]["nom"] = json!("<script>alert(1)</script>")
        }),
    ];
    for (n, change) in &refused {
        let (id, activity) = forged(n, change);
        let (status, text) = deliver(&inbox, &activity, &signer, Tamper::default()).await;
        assert!(status.is_client_error(), "{n}: {status} {text}");
        assert!(place_on(&b, &id).await.is_none(), "{n} was stored");
    }

    // Origins: an object on another authority (here B's own), or by another author.
    let foreign = format!("{}/places/not-yours", b.base);
    let (_, mut activity) = forged("foreign", &|_| {});
    activity["object"]["id"] = json!(foreign);
    let (status, text) = deliver(&inbox, &activity, &signer, Tamper::default()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(place_on(&b, &foreign).await.is_none());
    let (id, activity) = forged("author", &|o| o["attributedTo"] = json!(actor(&b)));
    let (status, text) = deliver(&inbox, &activity, &signer, Tamper::default()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(place_on(&b, &id).await.is_none());
    // A Delete of B's own place in A's name changes nothing.
    let mine = create(&b, &place("a-b", "Tiers-lieu de B")).await;
    let delete = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Delete", "id": format!("{}/activities/delete/forged", a.base),
        "actor": actor(&a), "object": mine["id"],
    });
    let (status, _) = deliver(&inbox, &delete, &signer, Tamper::default()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(place_on(&b, mine["id"].as_str().unwrap()).await.is_some());
}
on_both_backends!(hostile_places_are_refused_or_cleaned, hostile);

/// The exact JSON of a Place (FEDERATION.md shows it), redacted as `shapes` redacts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn place_json_shape() {
    let [a] = TestNodes::start(Backend::Sqlite, ["loire"]).await;
    let mut body = place("structure-1", "Médiathèque Louise Michel");
    body["complement_adresse"] = json!("2e étage");
    let created = create(&a, &body).await;
    let (status, object) = object_of(&a, created["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    insta::assert_json_snapshot!("place", crate::shapes::stable(&object, a.port));
}
