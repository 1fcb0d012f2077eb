//! Mediation places: the national schema's fields through `/api/v1/places`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestNodes, key};
use crate::on_both_backends;

/// A place with the example row of the national standard's fields.
pub fn example_place() -> Value {
    json!({
        "source_id": "structure-1",
        "pivot": "43493312300029",
        "nom": "Médiathèque « L'Île aux mots »",
        "commune": "Saint-Chamond",
        "code_postal": "42400",
        "code_insee": "42207",
        "adresse": "12 rue de la République",
        "latitude": 45.4766,
        "longitude": 4.5125,
        "typologie": ["BIB", "EPN"],
        "telephone": "+33477000000",
        "courriels": ["contact@mediatheque.example"],
        "horaires": "Mo-Su 00:00-24:00",
        "date_maj": "2026-11-30",
        "services": ["Aide aux démarches administratives", "Loisirs et créations numériques"],
        "frais_a_charge": ["Gratuit"],
        "modalites_accompagnement": ["Accompagnement individuel", "Dans un atelier collectif"],
        "prise_rdv": "https://rdv.example/mediatheque"
    })
}

async fn crud(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let res = node.post("/api/v1/places", &example_place()).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let id = res.body["id"].as_str().unwrap().to_owned();
    let place = key(&res.body["id"]);
    assert_eq!(id, node.url(&format!("/places/{place}")), "the id is the place's page");
    assert!(
        res.headers["location"]
            .to_str()
            .unwrap()
            .ends_with(&format!("/api/v1/places/{place}"))
    );
    assert_eq!(res.body["nom"], "Médiathèque « L'Île aux mots »");
    assert_eq!(res.body["services"][1], "Loisirs et créations numériques");
    assert_eq!(res.body["latitude"], 45.4766);
    assert_eq!(res.body["local"], true);
    // Open all week round the clock: the library reads the hours.
    assert_eq!(res.body["hours_now"]["state"], "open", "{}", res.text);

    // Everyone reads places; the list is {total, results}.
    let list = node.get_public("/api/v1/places").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["results"][0]["id"], id.as_str());
    let found = node.get_public("/api/v1/places?q=mediatheque%20chamond").await;
    assert_eq!(found.body["total"], 1, "{}", found.text);
    let none = node.get_public("/api/v1/places?q=lyon").await;
    assert_eq!(none.body["total"], 0);

    // The same producer id twice is a conflict; a bad postcode names its field.
    let again = node.post("/api/v1/places", &example_place()).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    let mut bad = example_place();
    bad["source_id"] = json!("structure-2");
    bad["code_postal"] = json!("4240");
    let bad = node.post("/api/v1/places", &bad).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.error_field(), Some("code_postal"));
    let mut bad = example_place();
    bad["source_id"] = json!("structure-3");
    bad["services"] = json!(["Aide aux demarches administratives"]);
    let bad = node.post("/api/v1/places", &bad).await;
    assert_eq!(bad.error_field(), Some("services.0"));
    // Writing needs a token.
    let anonymous = node
        .request(
            reqwest::Method::POST,
            "/api/v1/places",
            None,
            Some(&example_place()),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    // A merge patch changes the fields it names; null removes an optional one.
    let res = node
        .patch(
            &format!("/api/v1/places/{place}"),
            &json!({"horaires": "Mo-Fr 09:00-12:00", "telephone": null,
                    "publics_specifiquement_adresses": ["Seniors"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["horaires"], "Mo-Fr 09:00-12:00");
    assert!(res.body.get("telephone").is_none());
    assert_eq!(res.body["publics_specifiquement_adresses"][0], "Seniors");
    assert_eq!(res.body["nom"], "Médiathèque « L'Île aux mots »");
    let res = node
        .patch(&format!("/api/v1/places/{place}"), &json!({"latitude": null}))
        .await;
    assert_eq!(res.error_field(), Some("longitude"), "{}", res.text);

    assert_eq!(
        node.delete(&format!("/api/v1/places/{place}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        node.get(&format!("/api/v1/places/{place}")).await.status,
        StatusCode::NOT_FOUND
    );
}
on_both_backends!(places_are_created_read_edited_and_deleted, crud);
