//! Federation's errors, and the status each answers with on the inbox and object routes.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::FieldError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The request is not signed, or not by whom it claims (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Refused by policy: blocked domain, not on the allow list, not the owner (403).
    #[error("{0}")]
    Forbidden(String),
    /// Malformed or inconsistent (400).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0} not found")]
    NotFound(String),
    /// The object was deleted (410).
    #[error("{0} was deleted")]
    Gone(String),
    #[error("request body too large")]
    TooLarge,
    /// A remote object refused by our rules: invalid field values.
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("federation: {0}")]
    Library(#[from] activitypub_federation::error::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{0}")]
    Internal(String),
}

impl FederationError {
    pub fn status(&self) -> StatusCode {
        use activitypub_federation::error::Error as Lib;
        match self {
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) | Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Gone(_) => StatusCode::GONE,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Library(e) => match e {
                Lib::ActivitySignatureInvalid | Lib::ActivityBodyDigestInvalid => {
                    StatusCode::UNAUTHORIZED
                }
                Lib::NotFound => StatusCode::NOT_FOUND,
                Lib::ObjectDeleted(_) => StatusCode::GONE,
                Lib::UrlVerificationError(_) | Lib::ParseReceivedActivity { .. } => {
                    StatusCode::BAD_REQUEST
                }
                Lib::RequestLimit
                | Lib::DomainResolveError(_)
                | Lib::ResolveInternalIpError(..) => StatusCode::BAD_REQUEST,
                _ => StatusCode::BAD_GATEWAY,
            },
            Self::Storage(StorageError::NotFound) => StatusCode::NOT_FOUND,
            Self::Storage(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<serde_json::Error> for FederationError {
    fn from(e: serde_json::Error) -> Self {
        Self::BadRequest(e.to_string())
    }
}

impl From<url::ParseError> for FederationError {
    fn from(e: url::ParseError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

impl IntoResponse for FederationError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!("federation: {self}");
        } else {
            tracing::info!("federation request refused ({status}): {self}");
        }
        let code = match status {
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::GONE => "gone",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            s if s.is_server_error() => "internal",
            _ => "bad_request",
        };
        let message = if status.is_server_error() {
            "internal error; the node's log has the details".to_owned()
        } else {
            self.to_string()
        };
        (
            status,
            Json(json!({"error": {"code": code, "message": message}})),
        )
            .into_response()
    }
}
