//! `GET /metrics`: Prometheus text format, names prefixed `maillage_`. Open, or behind the
//! admin token when `http.metrics_public` is false.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::error::ApiError;
use super::extract::Caller;
use crate::directory::Access;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HostLabel {
    host: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: String,
}

async fn metrics(
    State(state): State<AppState>,
    Caller(access): Caller,
) -> Result<impl IntoResponse, ApiError> {
    if !state.settings.http.metrics_public && access != Access::Staff {
        return Err(ApiError::unauthorized(
            "metrics need the admin token (http.metrics_public is off)",
        ));
    }
    let queue = state.directory.queue_status().await?;
    let mut registry = Registry::with_prefix("maillage");
    let pending = Family::<HostLabel, Gauge>::default();
    let failures = Family::<HostLabel, Gauge>::default();
    let unavailable = Family::<HostLabel, Gauge>::default();
    let last_success = Family::<HostLabel, Gauge>::default();
    let deliveries = Family::<StateLabel, Gauge>::default();
    for h in &queue.hosts {
        let label = HostLabel {
            host: h.host.clone(),
        };
        pending.get_or_create(&label).set(h.pending);
        failures.get_or_create(&label).set(i64::from(h.failures));
        unavailable
            .get_or_create(&label)
            .set(i64::from(h.unavailable));
        if let Some(t) = h.last_success {
            last_success.get_or_create(&label).set(t.timestamp());
        }
    }
    for s in &queue.deliveries {
        deliveries
            .get_or_create(&StateLabel {
                state: s.state.clone(),
            })
            .set(s.count);
    }
    registry.register(
        "delivery_queue_depth",
        "Deliveries waiting, per destination host",
        pending,
    );
    registry.register(
        "delivery_host_failures",
        "Failed attempts in a row, per destination host",
        failures,
    );
    registry.register(
        "delivery_host_unavailable",
        "1 when a host has failed for days",
        unavailable,
    );
    registry.register(
        "delivery_host_last_success_timestamp_seconds",
        "When a host last acknowledged a delivery (Unix time)",
        last_success,
    );
    registry.register("deliveries", "Deliveries kept, by state", deliveries);
    let mut body = String::new();
    encode(&mut body, &registry).map_err(|e| ApiError::internal(&e))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    ))
}
