//! Error pages: a readable page in the visitor's language, with the right status.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::directory::DirectoryError;
use crate::failure::Incident;

use super::i18n::{Lang, Tr};

/// A page that could not be shown. `message` is a translation key; `detail` is shown as is.
#[derive(Debug)]
pub(crate) struct PageError {
    lang: Lang,
    status: StatusCode,
    message: &'static str,
    detail: Option<String>,
    /// An internal failure's reference, for the operator.
    reference: Option<String>,
}

impl PageError {
    pub(crate) fn new(lang: Lang, status: StatusCode, message: &'static str) -> Self {
        Self {
            lang,
            status,
            message,
            detail: None,
            reference: None,
        }
    }

    /// The page for an internal failure: logged under a reference the page shows.
    pub(crate) fn internal(lang: Lang, cause: &dyn std::fmt::Display) -> Self {
        let incident = Incident::log("page", cause);
        Self {
            reference: Some(incident.reference().to_owned()),
            ..Self::new(lang, StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
        }
    }

    pub(crate) fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub(crate) fn not_found(lang: Lang) -> Self {
        Self::new(lang, StatusCode::NOT_FOUND, "error-not-found")
    }

    /// The page for a failed use case. Internal failures are logged, not shown.
    pub(crate) fn from_directory(lang: Lang, error: DirectoryError) -> Self {
        match error {
            DirectoryError::NotFound(_) => Self::not_found(lang),
            DirectoryError::Invalid(e) => {
                Self::new(lang, StatusCode::BAD_REQUEST, "error-bad-form").detail(e.to_string())
            }
            DirectoryError::Forbidden(m) => {
                Self::new(lang, StatusCode::FORBIDDEN, "error-forbidden").detail(m)
            }
            DirectoryError::Conflict { message, .. } => {
                Self::new(lang, StatusCode::CONFLICT, "error-conflict").detail(message)
            }
            DirectoryError::Remote(m) => {
                Self::new(lang, StatusCode::BAD_GATEWAY, "error-remote").detail(m)
            }
            DirectoryError::Throttled(_) => {
                Self::new(lang, StatusCode::TOO_MANY_REQUESTS, "error-throttled")
            }
            other => Self::internal(lang, &other),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    tr: Tr,
    status: u16,
    message: String,
    detail: Option<&'a str>,
    reference: Option<&'a str>,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let tr = Tr::new(self.lang);
        let page = ErrorPage {
            tr,
            status: self.status.as_u16(),
            message: tr.t(self.message),
            detail: self.detail.as_deref(),
            reference: self.reference.as_deref(),
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!("rendering the error page: {e}");
                (self.status, self.status.to_string()).into_response()
            }
        }
    }
}

/// Renders a template, or the error page if it cannot be.
pub(super) fn render(lang: Lang, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError::internal(lang, &format!("rendering a page: {e}")).into_response(),
    }
}
