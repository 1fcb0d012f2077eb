//! Relays: staff subscribe this node to a Mastodon/LitePub relay and unsubscribe it. What
//! a subscription sends and takes in is `federation::relays`'.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::FieldError;
use crate::storage::relays::RelayRow;

use super::{Directory, DirectoryError};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelayInput {
    /// The relay's inbox URL, as Mastodon's admin asks for (`https://relay.example/inbox`),
    /// or its actor URL (`https://relay.example/actor`).
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RelayView {
    /// KEY of `DELETE /api/v1/relays/{KEY}`.
    pub id: String,
    /// The relay actor's id.
    pub actor: String,
    /// Where our Follow and our public recommendations go.
    pub inbox: String,
    /// `pending` (the relay has not answered yet), `accepted` or `rejected`.
    pub state: String,
    pub created_at: DateTime<Utc>,
    /// When the state last changed.
    pub updated_at: DateTime<Utc>,
    /// The Follows sent (or tried) so far: while the relay has not answered, the Follow is
    /// sent again, with backoff.
    pub attempts: i32,
    /// When the Follow goes again if the relay has still not answered (`pending` only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last Follow did not reach the relay (it could not be reached, or answered an
    /// error); absent when it did.
    pub last_error: Option<String>,
}

fn relay_view(row: &RelayRow) -> RelayView {
    RelayView {
        id: row.key.clone(),
        actor: row.actor_id.clone(),
        inbox: row.inbox_url.clone(),
        state: row.state.as_str().to_owned(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at.map(|t| t.and_utc()),
        last_error: row.last_error.clone(),
    }
}

impl Directory {
    /// Subscribes the node to a relay: its instance actor follows the relay.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn subscribe_relay(&self, url: &str) -> Result<RelayView, DirectoryError> {
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(FieldError::new(
                "url",
                "must be the relay's inbox or actor URL (https://relay.example/inbox)",
            )
            .into());
        }
        let row = self
            .federation()
            .subscribe_relay(url)
            .await
            .map_err(|e| match e {
                crate::federation::FederationError::Forbidden(m) => DirectoryError::Forbidden(m),
                other => {
                    FieldError::new("url", format!("`{url}` cannot be subscribed to: {other}"))
                        .into()
                }
            })?;
        Ok(relay_view(&row))
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn relays(&self) -> Result<Vec<RelayView>, DirectoryError> {
        let rows = self.db().run(RelayRow::list).await?;
        Ok(rows.iter().map(relay_view).collect())
    }

    /// Ends a subscription (sends the relay an Undo of the Follow).
    #[tracing::instrument(skip(self))]
    pub(crate) async fn unsubscribe_relay(&self, key: &str) -> Result<(), DirectoryError> {
        let owned = key.to_owned();
        let row = self
            .db()
            .run(move |conn| RelayRow::find_by_key(conn, &owned))
            .await?
            .ok_or_else(|| DirectoryError::NotFound(format!("relay {key}")))?;
        self.federation().unsubscribe_relay(row).await?;
        Ok(())
    }
}
