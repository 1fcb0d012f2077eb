//! Mediator contacts: visibility, consent, and what each audience sees.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestNode, TestNodes, key, listing};
use crate::on_both_backends;

/// Hidden by default, with no consent; anything else needs consent; staff delete cards.
async fn hidden_by_default(backend: Backend) {
    let node = TestNodes::one(backend).await;
    // Hidden by default; no consent needed for that.
    let res = node
        .post(
            "/api/v1/contacts",
            &json!({"name": "Camille Exemple", "email": "camille@exemple.org"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["visibility"], "hidden");
    let hidden = key(&res.body["id"]);
    assert!(
        res.headers["location"]
            .to_str()
            .unwrap()
            .ends_with(&format!("/api/v1/contacts/{hidden}"))
    );
    assert_eq!(
        node.get_public(&format!("/api/v1/contacts/{hidden}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        node.get(&format!("/api/v1/contacts/{hidden}")).await.status,
        StatusCode::OK
    );

    // Anything but hidden needs consent, and says which field is missing.
    for visibility in ["local", "network", "public"] {
        let res = node
            .post(
                "/api/v1/contacts",
                &json!({"name": "Yanis", "visibility": visibility}),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{visibility}");
        assert_eq!(res.error_field(), Some("consent"));
    }

    // Delete.
    assert_eq!(
        node.delete(&format!("/api/v1/contacts/{hidden}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        node.get(&format!("/api/v1/contacts/{hidden}")).await.status,
        StatusCode::NOT_FOUND
    );
}
on_both_backends!(cards_are_hidden_unless_consented, hidden_by_default);

/// A public card with a consent scope (name, role, skills, contact form); returns its key.
async fn public_card(node: &TestNode) -> String {
    let res = node
        .post(
            "/api/v1/contacts",
            &json!({
                "name": "Léa Testeuse",
                "role": "formatrice logiciels libres",
                "area": {"country": "CH", "region": "CH-GE"},
                "skills": ["Element", "CryptPad"],
                "languages": ["fr", "en"],
                "email": "lea@exemple.org",
                "phone": "+41 22 000 00 00",
                "contact_form": "https://annuaire.example/contact/lea",
                "visibility": "public",
                "consent": {"given_at": "2026-01-12T15:30:00Z",
                            "scope": ["display_name", "role", "knows_about", "contact_form"]}
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    assert_eq!(res.body["email"], "lea@exemple.org", "staff see everything");
    assert_eq!(
        res.body["consent"]["scope"],
        json!(["name", "role", "skills", "contact_form"])
    );
    key(&res.body["id"])
}

/// What the public sees: consented fields of public cards only, whatever the filter.
async fn the_public_view(backend: Backend) {
    let node = TestNodes::one(backend).await;
    // Public, with a consent scope: the public sees only the consented fields.
    let public = public_card(&node).await;
    let seen = node.get_public(&format!("/api/v1/contacts/{public}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.body["name"], "Léa Testeuse");
    assert_eq!(seen.body["role"], "formatrice logiciels libres");
    assert_eq!(seen.body["skills"], json!(["Element", "CryptPad"]));
    assert_eq!(
        seen.body["contact_form"],
        "https://annuaire.example/contact/lea"
    );
    for private in [
        "email",
        "phone",
        "area",
        "languages",
        "visibility",
        "consent",
    ] {
        assert!(
            seen.body.get(private).is_none(),
            "{private} must not be public: {}",
            seen.text
        );
    }

    // Network: staff only on this node.
    let res = node
        .post(
            "/api/v1/contacts",
            &json!({"name": "Réseau Seulement", "visibility": "network",
                    "consent": {"given_at": "2026-02-01T10:00:00Z"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let network = key(&res.body["id"]);
    assert_eq!(
        node.get_public(&format!("/api/v1/contacts/{network}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let (public_total, public_results) = listing(&node.get_public("/api/v1/contacts").await.body);
    assert_eq!(public_total, 1);
    assert_eq!(public_results[0]["name"], "Léa Testeuse");
    let res = node
        .post("/api/v1/contacts", &json!({"name": "Camille Exemple"}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(listing(&node.get("/api/v1/contacts").await.body).0, 3);
    assert_eq!(
        listing(&node.get("/api/v1/contacts?visibility=network").await.body).0,
        1
    );
    // The public cannot widen its view with a filter.
    assert_eq!(
        listing(
            &node
                .get_public("/api/v1/contacts?visibility=hidden")
                .await
                .body
        )
        .0,
        0
    );
}
on_both_backends!(the_public_sees_only_consented_fields, the_public_view);

/// Withdrawing consent hides the card, until consent is given again.
async fn withdrawn_consent(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let public = public_card(&node).await;
    // Withdrawing consent sends the card back to hidden.
    let res = node
        .patch(
            &format!("/api/v1/contacts/{public}"),
            &json!({"consent": {"withdrawn_at": "2026-07-01T12:00:00Z"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["visibility"], "hidden");
    assert_eq!(res.body["consent"]["given_at"], "2026-01-12T15:30:00Z");
    assert_eq!(
        node.get_public(&format!("/api/v1/contacts/{public}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // And it cannot be made visible again without new consent.
    let res = node
        .patch(
            &format!("/api/v1/contacts/{public}"),
            &json!({"visibility": "public"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["visibility"], "hidden");
    let res = node
        .patch(
            &format!("/api/v1/contacts/{public}"),
            &json!({"visibility": "local", "consent": {"given_at": "2026-08-01T09:00:00Z", "withdrawn_at": null}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert_eq!(res.body["visibility"], "local");
}
on_both_backends!(withdrawn_consent_hides_the_card, withdrawn_consent);

/// Bad values name their field, and nothing is stored.
async fn bad_values(backend: Backend) {
    let node = TestNodes::one(backend).await;
    // Bad channels name their field; nothing changes.
    for (body, field) in [
        (json!({"name": "X", "email": "not-an-email"}), "email"),
        (json!({"name": "X", "phone": "call me maybe"}), "phone"),
        (json!({"name": "X", "website": "ftp://x.org"}), "website"),
        (
            json!({"name": "X", "area": {"region": "Bretagne"}}),
            "area.region",
        ),
        (
            json!({"name": "X", "languages": ["français"]}),
            "languages.0",
        ),
        (json!({"name": ""}), "name"),
        (json!({"name": "X", "visibility": "everyone"}), "visibility"),
        (
            json!({"name": "X", "visibility": "public", "consent": {"given_at": "2099-01-01T00:00:00Z"}}),
            "consent.given_at",
        ),
        (
            json!({"name": "X", "consent": {"given_at": "yesterday"}}),
            "consent.given_at",
        ),
        (
            json!({"name": "X", "visibility": "public", "consent": {"given_at": "2026-01-01T00:00:00Z", "scope": ["shoe_size"]}}),
            "consent.scope.0",
        ),
    ] {
        let res = node.post("/api/v1/contacts", &body).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.text
        );
        assert_eq!(res.error_field(), Some(field), "{}", res.text);
    }
    assert_eq!(listing(&node.get("/api/v1/contacts").await.body).0, 0);
}
on_both_backends!(bad_values_name_their_field, bad_values);
