//! The audit log (issue 12): who created, changed or deleted what, from the admin pages or
//! with an API token.
//!
//! Who acts is set once per request by each HTTP edge (`acting_as`, around the handler: the
//! account of the admin session, or `token:LABEL` for the API) rather than passed through every
//! use case; the use cases here record what they changed with `audited`, which reads it. A
//! change made with nobody acting (the command line, federation) is not logged here: the
//! operator's shell history and the federation logs tell those.

use std::future::Future;

use crate::domain::Window;
use crate::storage::audit::{AuditRow, NewAuditRow};

use super::views::Listing;
use super::{Directory, DirectoryError, now};

tokio::task_local! {
    static ACTING: String;
}

/// Runs `work` (a request's handler) with `who` as the person or token acting.
pub(crate) async fn acting_as<F: Future>(who: String, work: F) -> F::Output {
    ACTING.scope(who, work).await
}

fn acting() -> Option<String> {
    ACTING.try_with(Clone::clone).ok()
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    Deleted,
}

impl Action {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Deleted => "deleted",
        }
    }
}

/// One entry of the log, as the pages show it.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    /// `created`, `updated` or `deleted`.
    pub action: String,
    /// `recommendation`, `contact`, `place`, `provider`, `event`, `profile`, `account`.
    pub kind: String,
    pub key: String,
    pub title: String,
}

impl Directory {
    /// Records a change just made, when someone is acting. A failure to record is logged and
    /// does not undo the change, which is already saved and sent.
    pub(crate) async fn audited(&self, action: Action, kind: &'static str, key: &str, title: &str) {
        let Some(actor) = acting() else {
            return;
        };
        let row = NewAuditRow {
            at: now(),
            actor,
            action: action.as_str().to_owned(),
            kind: kind.to_owned(),
            object_key: key.to_owned(),
            title: title.chars().take(200).collect(),
        };
        if let Err(e) = self
            .db()
            .write(move |conn| AuditRow::insert(conn, &row))
            .await
        {
            tracing::error!(kind, key, "recording a change in the audit log: {e}");
        }
    }

    /// A page of the log, newest first.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn audit_log(
        &self,
        window: Window,
    ) -> Result<Listing<AuditEntry>, DirectoryError> {
        let (rows, total) = self
            .db()
            .run(move |conn| AuditRow::page(conn, window.offset, window.limit))
            .await?;
        Ok(Listing {
            total,
            results: rows
                .into_iter()
                .map(|r| AuditEntry {
                    at: r.at.and_utc(),
                    actor: r.actor,
                    action: r.action,
                    kind: r.kind,
                    key: r.object_key,
                    title: r.title,
                })
                .collect(),
        })
    }
}
