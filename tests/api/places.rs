//! Mediation places: the national schema's fields through `/api/v1/places`.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::maillage;
use crate::helpers::{Backend, TestNode, TestNodes, key, skip};
use crate::on_both_backends;
use crate::site::Visitor;

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
    assert_eq!(
        id,
        node.url(&format!("/places/{place}")),
        "the id is the place's page"
    );
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
    let found = node
        .get_public("/api/v1/places?q=mediatheque%20chamond")
        .await;
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
        .patch(
            &format!("/api/v1/places/{place}"),
            &json!({"latitude": null}),
        )
        .await;
    assert_eq!(res.error_field(), Some("latitude"), "{}", res.text);

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

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/lieux-mediation-numerique"
);

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// Runs `maillage import FILE` against the node's database; returns (success, stdout, stderr).
fn import(node: &TestNode, file: &str) -> (bool, String, String) {
    let out = maillage(node).args(["import", file]).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn export(node: &TestNode) -> String {
    let out = maillage(node)
        .args(["export", "--format", "lieux-csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every place as the API lists it (the listing is by name).
async fn all_places(node: &TestNode) -> Vec<Value> {
    let res = node.get("/api/v1/places?per_page=100").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    res.body["results"].as_array().unwrap().clone()
}

/// Checks a file with the Frictionless validator against the schema v1.0.2 (installed by
/// `.ci/with-frictionless`; skipped, with the reason counted, where it is not).
fn frictionless_accepts(file: &std::path::Path) -> Option<bool> {
    let Some(validator) = std::env::var_os("MAILLAGE_TEST_FRICTIONLESS") else {
        skip("the Frictionless validator is not installed (run under .ci/with-frictionless)");
        return None;
    };
    let out = Command::new(validator)
        .args(["validate", "--trusted", "--json", "--schema"])
        .arg(fixture("schema.json"))
        .arg(file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        report["valid"].as_bool(),
        Some(out.status.success()),
        "{report}"
    );
    if !out.status.success() {
        eprintln!("frictionless: {report}");
    }
    Some(out.status.success())
}

/// The standard's example and our tricky file import; a bad row refuses the whole file naming
/// its row and column; a second import changes nothing; the export validates against the
/// schema and imports into another node unchanged.
async fn lieux_files(backend: Backend) {
    let [node, other] = TestNodes::start(backend, ["loire", "rhone"]).await;
    let (ok, stdout, stderr) = import(&node, &fixture("exemple-valide.csv"));
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("places:   1 created, 0 updated, 0 already there"),
        "{stdout}"
    );

    // One bad postcode on the fourth row: nothing written, row and column named.
    let tricky = std::fs::read_to_string(fixture("lieux-difficiles.csv")).unwrap();
    let bad = tricky.replacen(",42410,", ",4241,", 1);
    assert_ne!(bad, tricky);
    let bad_file = node.data_dir.path().join("bad.csv");
    std::fs::write(&bad_file, &bad).unwrap();
    let (ok, _, stderr) = import(&node, bad_file.to_str().unwrap());
    assert!(!ok);
    assert!(stderr.contains("row 5, column code_postal"), "{stderr}");
    assert!(stderr.contains("`4241`"), "{stderr}");
    assert_eq!(all_places(&node).await.len(), 1);
    if let Some(valid) = frictionless_accepts(&bad_file) {
        assert!(!valid, "Frictionless refuses the bad postcode too");
    }

    let (ok, stdout, stderr) = import(&node, &fixture("lieux-difficiles.csv"));
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("places:   6 created, 0 updated, 0 already there"),
        "{stdout}"
    );
    let before = all_places(&node).await;
    assert_eq!(before.len(), 7);
    let bus = before
        .iter()
        .find(|p| p["source_id"] == "bus-numerique-42")
        .unwrap();
    assert_eq!(bus["itinerance"], json!(["Itinérant"]));
    assert!(bus.get("latitude").is_none());
    let key_of_bus = key(&bus["id"]);
    let lien = before
        .iter()
        .find(|p| p["source_id"] == "st-etienne-1")
        .unwrap();
    assert_eq!(lien["nom"], "Tiers-lieu \"Le Lien\", Saint-Étienne");
    assert_eq!(
        lien["publics_specifiquement_adresses"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert!(lien["presentation_detail"].as_str().unwrap().contains('\n'));

    near_me(&node).await;
    pages(&node).await;

    // Again: nothing changes, not even a date.
    let (ok, stdout, _) = import(&node, &fixture("lieux-difficiles.csv"));
    assert!(ok);
    assert!(
        stdout.contains("places:   0 created, 0 updated, 6 already there"),
        "{stdout}"
    );
    assert_eq!(all_places(&node).await, before);

    // The export validates and goes through another node unchanged.
    let exported = export(&node);
    let file = node.data_dir.path().join("lieux.csv");
    std::fs::write(&file, &exported).unwrap();
    if let Some(valid) = frictionless_accepts(&file) {
        assert!(valid, "{exported}");
    }
    let (ok, _, stderr) = import(&other, file.to_str().unwrap());
    assert!(ok, "{stderr}");
    assert_eq!(export(&other), exported);
    let strip = |places: Vec<Value>| -> Vec<Value> {
        places
            .into_iter()
            .map(|mut p| {
                for volatile in ["id", "origin", "origin_name", "updated", "hours_now"] {
                    p.as_object_mut().unwrap().remove(volatile);
                }
                p
            })
            .collect()
    };
    assert_eq!(strip(all_places(&other).await), strip(before));
    // An edit shows in the next export; importing it back onto the node updates that place.
    let copies = all_places(&other).await;
    let copy = copies
        .iter()
        .find(|p| p["source_id"] == "bus-numerique-42")
        .unwrap();
    let res = other
        .patch(
            &format!("/api/v1/places/{}", key(&copy["id"])),
            &json!({"nom": "Bus numérique du Pilat (nouveau)"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    std::fs::write(&file, export(&other)).unwrap();
    let (ok, stdout, _) = import(&node, file.to_str().unwrap());
    assert!(ok);
    assert!(
        stdout.contains("places:   0 created, 1 updated, 6 already there"),
        "{stdout}"
    );
    assert_eq!(
        node.get(&format!("/api/v1/places/{key_of_bus}")).await.body["nom"],
        "Bus numérique du Pilat (nouveau)"
    );
}
on_both_backends!(lieux_csv_files_import_validate_and_round_trip, lieux_files);

/// `near=`: a postcode or a commune name, nearest first, with the distance; a place without
/// coordinates is placed at its commune.
async fn near_me(node: &TestNode) {
    let near = |q: &'static str| async move {
        let res = node
            .get_public(&format!("/api/v1/places?near={q}&per_page=50"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text);
        res.body
    };
    let listing = near("42400").await;
    let order: Vec<&str> = listing["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source_id"].as_str().unwrap())
        .collect();
    assert_eq!(order[0], "st-chamond-mediatheque", "{order:?}");
    let at = |id: &str| order.iter().position(|o| *o == id).unwrap();
    assert!(at("st-etienne-1") < at("lyon-3"), "{order:?}");
    assert!(at("lyon-3") < at("ajaccio-pan"), "{order:?}");
    assert_eq!(listing["total"], 7);
    let results = listing["results"].as_array().unwrap();
    assert_eq!(results[0]["distance_km"], 0.0);
    let st_etienne = &results[at("st-etienne-1")];
    let km = st_etienne["distance_km"].as_f64().unwrap();
    assert!((9.0..12.0).contains(&km), "{km}");
    // The bus has no coordinates: it stands at Pélussin's town hall.
    let bus = &results[at("bus-numerique-42")];
    assert_eq!(bus["point"]["from"], "commune");
    assert!(bus["distance_km"].as_f64().unwrap() < 20.0, "{bus}");
    let distances: Vec<f64> = results
        .iter()
        .map(|p| p["distance_km"].as_f64().unwrap())
        .collect();
    assert!(distances.is_sorted(), "{distances:?}");

    for commune in ["saint-etienne", "SAINT%20%C3%89TIENNE", "St-Etienne"] {
        assert_eq!(
            near(commune).await["results"][0]["source_id"],
            "st-etienne-1",
            "{commune}"
        );
    }
    let paged = node
        .get_public("/api/v1/places?near=lyon&per_page=2&page=2")
        .await;
    assert_eq!(paged.body["total"], 7, "{}", paged.text);
    assert_eq!(paged.body["results"].as_array().unwrap().len(), 2);
    let unknown = node.get_public("/api/v1/places?near=Atlantide").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.error_field(), Some("near"));
}

/// `/places?near=` lists the nearest first without JavaScript; a place's page says whether it
/// is open, in the visitor's language.
async fn pages(node: &TestNode) {
    let visitor = Visitor::new(node, "fr-FR,fr;q=0.9");
    let page = visitor.get("/places?near=42400").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let names = page.texts("ol.place-list > li h3");
    assert_eq!(names[0], "Médiathèque « L'Île aux mots »", "{names:?}");
    let at = |name: &str| names.iter().position(|n| n.contains(name)).unwrap();
    assert!(at("Saint-Étienne") < at("Lyon 3e"), "{names:?}");
    assert_eq!(page.attr("input#near", "value").as_deref(), Some("42400"));
    assert!(page.texts("ol.place-list .distance")[1].ends_with(" km"));
    assert_eq!(
        page.attr("ol.place-list > li", "data-latitude").as_deref(),
        Some("45.4766")
    );
    let unknown = visitor.get("/places?near=Atlantide").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.text_of("p.notice").unwrap().contains("Atlantide"));
    assert_eq!(unknown.count("ol.place-list > li"), 0);

    let href = page.attr("ol.place-list > li h3 a", "href").unwrap();
    let place = visitor.get(&href).await;
    assert_eq!(place.status, StatusCode::OK);
    assert_eq!(
        place.text_of("h1").as_deref(),
        Some("Médiathèque « L'Île aux mots »")
    );
    let hours = place.text_of("p.hours").unwrap();
    assert!(
        hours.starts_with("Ouvert · ferme ") || hours.starts_with("Fermé · ouvre "),
        "{hours}"
    );
    assert!(
        place.text.contains("Point d'accès numérique CAF")
            || place.text.contains("Point d&#39;accès numérique CAF")
    );
    let english = Visitor::new(node, "en-GB,en;q=0.9").get(&href).await;
    let hours = english.text_of("p.hours").unwrap();
    assert!(
        hours.starts_with("Open · closes ") || hours.starts_with("Closed · opens "),
        "{hours}"
    );
}

/// A software page says who can help near a postcode, without JavaScript: the form, then the
/// nearest places of the directory with their distance.
async fn help_near_you(backend: Backend) {
    let node = TestNodes::sample(backend).await;
    let visitor = Visitor::new(&node, "fr-FR,fr;q=0.9");
    let page = visitor.get("/software/nextcloud").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(
        page.text_of("section.nearby h2").as_deref(),
        Some("Qui peut vous aider près de chez vous")
    );
    assert_eq!(page.count("section.nearby form input[name=near]"), 1);
    assert_eq!(page.count("section.nearby li.place"), 0);

    let page = visitor.get("/software/nextcloud?near=42400").await;
    assert_eq!(page.status, StatusCode::OK);
    let places = page.texts("section.nearby li.place .address");
    assert_eq!(places.len(), 3, "{places:?}");
    assert!(places[0].contains("42000 Saint-Étienne"), "{places:?}");
    assert!(places[1].contains("42000 Saint-Étienne"), "{places:?}");
    assert!(places[2].contains("35000 Rennes"), "{places:?}");
    let km = page.texts("section.nearby .distance");
    assert!(km[0].ends_with(" km") && km[0].contains(','), "{km:?}");
    assert_eq!(
        page.attr("section.nearby input[name=near]", "value")
            .as_deref(),
        Some("42400")
    );
    assert_eq!(page.count("section.nearby a[href='/places?near=42400']"), 1);
    let href = page.attr("section.nearby li.place h3 a", "href").unwrap();
    assert_eq!(visitor.get(&href).await.status, StatusCode::OK);

    let unknown = visitor.get("/software/nextcloud?near=Atlantide").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(
        unknown
            .text_of("section.nearby p.notice")
            .unwrap()
            .contains("Atlantide")
    );
}
on_both_backends!(software_pages_say_who_can_help_nearby, help_near_you);
