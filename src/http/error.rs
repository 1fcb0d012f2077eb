//! The one error type of the HTTP edge: every failure becomes
//! `{"error": {"code", "message", "field"?}}` with a fitting status. Internal failures are
//! logged with a reference and answered without their details.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::directory::DirectoryError;
use crate::directory::import::ImportError;
use crate::domain::FieldError;
pub(crate) use crate::failure::ErrorBody;
use crate::failure::{self, Incident};

#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub(crate) fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than the {limit} bytes this node accepts"),
        )
    }

    pub(crate) fn invalid(error: FieldError) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            message: format!("{}: {}", error.field, error.reason),
            field: Some(error.field).filter(|f| !f.is_empty()),
        }
    }

    /// Logs the cause under a reference and answers 500 with the reference only.
    pub(crate) fn internal(cause: &dyn std::fmt::Display) -> Self {
        let incident = Incident::log("api", cause);
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            incident.message(),
        )
    }

    #[cfg(test)]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    #[cfg(test)]
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::invalid(error)
    }
}

impl From<DirectoryError> for ApiError {
    fn from(error: DirectoryError) -> Self {
        match error {
            DirectoryError::Invalid(e) => Self::invalid(e),
            DirectoryError::NotFound(what) => Self::not_found(format!("{what} not found")),
            DirectoryError::Conflict { field, message } => Self {
                field,
                ..Self::new(StatusCode::CONFLICT, "conflict", message)
            },
            DirectoryError::Forbidden(message) => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            DirectoryError::Remote(message) => {
                Self::new(StatusCode::BAD_GATEWAY, "remote_error", message)
            }
            DirectoryError::Throttled(message) => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
            }
            DirectoryError::Storage(e) => Self::internal(&e),
            DirectoryError::Search(e) => Self::internal(&e),
            DirectoryError::Internal(e) => Self::internal(&e),
        }
    }
}

impl From<ImportError> for ApiError {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::Refused(refused) => {
                let first = refused.0.first().cloned();
                Self {
                    field: first.map(|f| f.field),
                    ..Self::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid",
                        refused.to_string(),
                    )
                }
            }
            ImportError::Directory(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = failure::json(self.status, self.code, self.message, self.field);
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
