//! What operators see of outgoing delivery: the queue per destination host, and the levers
//! to retry or purge a host.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::storage::delivery::{self, DeliveryState};

use super::{Directory, DirectoryError, now};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HostStatus {
    pub host: String,
    /// Deliveries waiting for this host.
    pub pending: i64,
    /// Failures in a row.
    pub failures: i32,
    /// Failing for days: tried once a day until it answers or sends us something.
    pub unavailable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_success: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub next_attempt: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueStatus {
    pub hosts: Vec<HostStatus>,
    /// Deliveries by state: pending, delivered, rejected, gone, expired.
    pub deliveries: Vec<StateCount>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StateCount {
    pub state: String,
    pub count: i64,
}

impl Directory {
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn queue_status(&self) -> Result<QueueStatus, DirectoryError> {
        let (hosts, states) = self
            .db()
            .run(|conn| Ok((delivery::stats(conn)?, delivery::count_by_state(conn)?)))
            .await?;
        Ok(QueueStatus {
            hosts: hosts
                .into_iter()
                .map(|(h, pending)| HostStatus {
                    host: h.host,
                    pending,
                    failures: h.fail_count,
                    unavailable: h.unavailable,
                    last_success: h.last_success_at.map(|t| t.and_utc()),
                    last_failure: h.last_failure_at.map(|t| t.and_utc()),
                    last_error: h.last_error,
                    next_attempt: h.next_attempt_at.and_utc(),
                })
                .collect(),
            // Every state, 0 included: a node that has delivered nothing yet still reports
            // its (empty) queue, and a dashboard's series exist from the first scrape.
            deliveries: DeliveryState::ALL
                .into_iter()
                .map(|state| StateCount {
                    state: state.as_str().to_owned(),
                    count: states
                        .iter()
                        .find(|(s, _)| *s == state)
                        .map_or(0, |(_, n)| *n),
                })
                .collect(),
        })
    }

    /// Tries a host again now, whatever its backoff.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn retry_host(&self, host: &str) -> Result<(), DirectoryError> {
        let h = host.trim().to_lowercase();
        if self
            .db()
            .write(move |conn| delivery::revive(conn, &h, now()))
            .await?
        {
            self.federation().wake();
            Ok(())
        } else {
            Err(DirectoryError::NotFound(format!(
                "delivery host `{}`",
                host.trim()
            )))
        }
    }

    /// Drops what is waiting for a host; returns how many deliveries.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn purge_host(&self, host: &str) -> Result<usize, DirectoryError> {
        let h = host.trim().to_lowercase();
        Ok(self
            .db()
            .write(move |conn| delivery::purge(conn, &h))
            .await?)
    }
}
