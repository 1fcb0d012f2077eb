//! How a failure is answered over HTTP, written once for the JSON API, the website's pages and
//! the federation routes: the JSON error body the API and federation share, and the one way an
//! internal failure is handled: logged with a short reference id, answered with the reference
//! and never the details. Each edge still picks its statuses (`http::error`, `web::error`,
//! `federation::error`): a bad form is a 400 page, a bad API body a 422.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An internal failure, logged under a reference that the answer shows: an operator finds the
/// cause in the log from what the user reports.
#[derive(Debug, Clone)]
pub(crate) struct Incident {
    reference: String,
}

impl Incident {
    /// Logs `cause` under a new reference. `edge` says where it surfaced (`api`, `page`,
    /// `federation`).
    pub(crate) fn log(edge: &'static str, cause: &dyn std::fmt::Display) -> Self {
        let mut reference = uuid::Uuid::new_v4().simple().to_string();
        reference.truncate(12);
        tracing::error!(reference, edge, "internal error: {cause}");
        Self { reference }
    }

    pub(crate) fn reference(&self) -> &str {
        &self.reference
    }

    /// What a client is told.
    pub(crate) fn message(&self) -> String {
        format!(
            "internal error (reference {}); the node's log has the details",
            self.reference
        )
    }
}

/// The body of every JSON error answer (API and federation).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// Machine-readable: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
    /// `payload_too_large`, `invalid`, `internal`.
    pub code: String,
    /// For people: what is wrong and, where it helps, what to do.
    pub message: String,
    /// Dotted path of the offending field (`software.homepage`), when one is at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A JSON error answer.
pub(crate) fn json(
    status: StatusCode,
    code: &str,
    message: String,
    field: Option<String>,
) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            field,
        },
    };
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incident_is_answered_with_its_reference_only() {
        let incident = Incident::log("test", &"database password is hunter2");
        assert_eq!(incident.reference().len(), 12);
        assert!(incident.message().contains(incident.reference()));
        assert!(!incident.message().contains("hunter2"));
    }
}
