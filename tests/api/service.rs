//! Service endpoints: health, the OpenAPI document, the taxonomy, unknown paths.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestNodes, listing};
use crate::on_both_backends;

async fn service(backend: Backend) {
    let node = TestNodes::one(backend).await;
    let health = node.get_public("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body["database"], "ok");

    let doc = node.get_public("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/recommendations",
        "/api/v1/recommendations/{key}",
        "/api/v1/contacts",
        "/api/v1/contacts/{key}",
        "/api/v1/centres",
        "/api/v1/centres/{username}",
        "/api/v1/search",
        "/api/v1/categories",
        "/api/v1/software",
        "/api/v1/export",
    ] {
        assert!(
            doc.body["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(
        doc.body["components"]["schemas"]
            .get("RecommendationInput")
            .is_some()
    );

    let (total, categories) = listing(&node.get_public("/api/v1/categories").await.body);
    assert_eq!(total, 35);
    let files = categories.iter().find(|c| c["id"] == "files").unwrap();
    assert_eq!(files["label"]["fr"], "Stockage et partage de fichiers");
    assert_eq!(files["label"]["en"], "File storage & sharing");
    assert_eq!(files["recommendations"], 0);

    let missing = node.get_public("/api/v1/nothing-here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), Some("not_found"));
}
on_both_backends!(health_openapi_and_taxonomy, service);

/// `/metrics` on a node that has delivered nothing yet: every delivery state is there at 0
/// (an empty page would look like a broken exporter, and dashboards need the series).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_before_the_first_delivery_report_every_state_at_zero() {
    let node = TestNodes::one(Backend::Sqlite).await;
    let metrics = node
        .client
        .get(node.url("/metrics"))
        .bearer_auth(crate::helpers::ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for state in ["pending", "delivered", "rejected", "gone", "expired"] {
        assert!(
            metrics.contains(&format!("maillage_deliveries{{state=\"{state}\"}} 0")),
            "{state}: {metrics}"
        );
    }
}
