//! Mediation places in the admin pages: linked from the dashboard, created, refused with the
//! error at its field, edited without losing a field, deleted; over HTTP, on both backends.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Backend, TestNodes, listing};
use crate::on_both_backends;
use crate::site::{Visitor, create_admin};

const PASSWORD: &str = "un mot de passe assez long";

async fn places_through_the_forms(backend: Backend) {
    let node = TestNodes::one(backend).await;
    create_admin(&node, "camille", PASSWORD).await;
    let visitor = Visitor::new(&node, "fr");
    visitor.log_in("camille", PASSWORD).await;
    let dashboard = visitor.get("/admin").await;
    assert_eq!(dashboard.count("a[href='/admin/places']"), 1);
    assert_eq!(dashboard.count("a[href='/admin/places/new']"), 1);

    let form = visitor.get("/admin/places/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.unlabelled_controls().is_empty(),
        "{:?}",
        form.unlabelled_controls()
    );
    let csrf = form.csrf();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("nom", "Espace numérique du Pilat"),
        ("pivot", "43493312300029"),
        ("adresse", "3 place de la Liberté"),
        ("code_postal", "4222"),
        ("commune", "Bourg-Argental"),
        ("latitude", "45,2987"),
        ("longitude", "4.5633"),
        ("horaires", "Mo-Fr 09:00-12:00"),
        ("courriels", "accueil@pilat.example, epn@pilat.example"),
        ("services", "Aide aux démarches administratives"),
        ("services", "Loisirs et créations numériques"),
        ("frais_a_charge", "Gratuit"),
        ("date_maj", "2026-11-30"),
    ];

    // A bad postcode: the form again, with what was typed and the error at the field.
    let refused = visitor.post("/admin/places/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.attr("#code_postal", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        refused.text_of("#code_postal-error").as_deref(),
        Some("« 4222 » n’est pas un code postal (5 chiffres).")
    );
    assert_eq!(refused.count("#error-summary a[href='#code_postal']"), 1);
    assert_eq!(
        refused.attr("#nom", "value").as_deref(),
        Some("Espace numérique du Pilat")
    );
    assert_eq!(refused.count("input[name=services][checked]"), 2);
    assert_eq!(listing(&node.get("/api/v1/places").await.body).0, 0);

    // A label the schema does not have is refused at its group.
    fields[4] = ("code_postal", "42220");
    let mut odd = fields.clone();
    odd.push(("frais_a_charge", "Sur devis"));
    let refused = visitor.post("/admin/places/new", &odd).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text_of("#frais_a_charge-error").is_some(),
        "{}",
        refused.text
    );

    let saved = visitor.post("/admin/places/new", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(saved.location.as_deref(), Some("/admin/places?done=saved"));
    let (total, places) = listing(&node.get("/api/v1/places").await.body);
    assert_eq!(total, 1);
    let place: &Value = &places[0];
    assert_eq!(place["latitude"], 45.2987, "a decimal comma is read");
    assert_eq!(place["courriels"][1], "epn@pilat.example");
    assert_eq!(place["services"].as_array().unwrap().len(), 2);
    let key = place["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();

    // Listed, and edited: the form holds every field, a change keeps the others.
    let list = visitor.get("/admin/places").await;
    assert_eq!(
        list.count(&format!("a[href='/admin/places/{key}/edit']")),
        1
    );
    let edit = visitor.get(&format!("/admin/places/{key}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert_eq!(edit.count("input[name=services][checked]"), 2);
    assert_eq!(edit.attr("#latitude", "value").as_deref(), Some("45.2987"));
    let csrf = edit.csrf();
    let mut changed: Vec<(&str, String)> = vec![("csrf", csrf)];
    for name in [
        "nom",
        "pivot",
        "adresse",
        "code_postal",
        "commune",
        "latitude",
        "longitude",
        "horaires",
        "courriels",
        "date_maj",
        "source_id",
    ] {
        let value = edit.attr(&format!("#{name}"), "value").unwrap_or_default();
        changed.push((name, value));
    }
    changed[1].1 = "Espace numérique du Pilat (Bourg-Argental)".into();
    for (name, value) in [
        ("services", "Aide aux démarches administratives"),
        ("services", "Loisirs et créations numériques"),
        ("frais_a_charge", "Gratuit"),
    ] {
        changed.push((name, value.into()));
    }
    let form: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = visitor
        .post(&format!("/admin/places/{key}/edit"), &form)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let after = node.get(&format!("/api/v1/places/{key}")).await.body;
    assert_eq!(after["nom"], "Espace numérique du Pilat (Bourg-Argental)");
    let mut before = place.clone();
    let mut now = after.clone();
    for volatile in ["nom", "updated", "hours_now"] {
        before.as_object_mut().unwrap().remove(volatile);
        now.as_object_mut().unwrap().remove(volatile);
    }
    assert_eq!(now, before, "the edit kept every other field");

    // Deleted.
    let list = visitor.get("/admin/places").await;
    let deleted = visitor
        .post(
            &format!("/admin/places/{key}/delete"),
            &[("csrf", &list.csrf())],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(listing(&node.get("/api/v1/places").await.body).0, 0);
}
on_both_backends!(places_through_the_admin_forms, places_through_the_forms);
