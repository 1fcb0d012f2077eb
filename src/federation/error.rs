//! Federation's errors, and the status each answers with on the inbox and object routes.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::domain::FieldError;
use crate::failure::{self, Incident};
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The request is not signed, or not by whom it claims (401).
    #[error("{0}")]
    Unauthorized(String),
    /// A signature that does not verify with the sender's key (401): the key may have been
    /// rotated, so the sender's actor may be fetched again once.
    #[error("{0}")]
    BadSignature(String),
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
    /// The sender's host sent more than its share lately (429, with `Retry-After`).
    #[error("too many requests from this host; retry in {} s", .0.as_secs().max(1))]
    TooMany(std::time::Duration),
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
    pub(crate) fn status(&self) -> StatusCode {
        use activitypub_federation::error::Error as Lib;
        match self {
            Self::Unauthorized(_) | Self::BadSignature(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) | Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Gone(_) => StatusCode::GONE,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
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
        let incident = match status {
            // A peer that failed us (an origin unreachable, a fetched document unusable): the
            // sender is told what, and will try again; nothing is wrong with this node.
            StatusCode::BAD_GATEWAY => {
                tracing::warn!("federation request failed on a peer's side: {self}");
                None
            }
            s if s.is_server_error() => Some(Incident::log("federation", &self)),
            _ => {
                tracing::info!("federation request refused ({status}): {self}");
                None
            }
        };
        let code = match status {
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::GONE => "gone",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
            StatusCode::BAD_GATEWAY => "bad_gateway",
            s if s.is_server_error() => "internal",
            _ => "bad_request",
        };
        let message = match &incident {
            Some(incident) => incident.message(),
            None => self.to_string(),
        };
        let mut response = failure::json(status, code, message, None);
        if let Self::TooMany(wait) = self {
            let seconds = wait.as_secs().max(1).to_string();
            if let Ok(value) = axum::http::HeaderValue::from_str(&seconds) {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_requests_say_when_to_come_back() {
        let res = FederationError::TooMany(std::time::Duration::from_millis(2500)).into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()["retry-after"], "2");
        let res = FederationError::TooMany(std::time::Duration::from_millis(10)).into_response();
        assert_eq!(res.headers()["retry-after"], "1");
    }

    /// An origin that could not be reached is the peer's failure, not ours: the sender reads
    /// what failed, not an incident reference.
    #[tokio::test]
    async fn a_peer_that_failed_us_is_named_not_an_incident() {
        let unreachable = activitypub_federation::error::Error::Other(
            "error sending request for url (https://origin.example/places/1)".into(),
        );
        let res = FederationError::Library(unreachable).into_response();
        assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
        let body = axum::body::to_bytes(res.into_body(), 4096).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "bad_gateway", "{body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("https://origin.example/places/1"),
            "{body}"
        );
        assert!(!message.contains("internal error"), "{body}");
    }
}
