//! Admin sessions and CSRF protection.
//!
//! The session cookie holds a random secret (only its SHA-256 is stored): `HttpOnly`,
//! `SameSite=Strict`, and `Secure` with the `__Host-` prefix whenever the node is served over
//! https. Forms of logged-in pages carry a token derived from the session secret (a keyed hash
//! the attacker cannot compute without the cookie); the login form, which has no session yet,
//! uses a double-submit cookie. Every POST from another origin is refused.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::state::AppState;

use super::error::PageError;
use super::frame::{Visit, same_origin};

/// Whether cookies get `Secure`: the node is served over https (always, outside the insecure
/// local mode).
pub(super) fn secure(state: &AppState) -> bool {
    state.directory.urls().base().scheme() == "https"
}

pub(super) fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-maillage_session"
    } else {
        "maillage_session"
    }
}

pub(super) fn login_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-maillage_login"
    } else {
        "maillage_login"
    }
}

/// The value of a cookie of the request.
pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value for a secret cookie; `max_age` 0 deletes it.
pub(super) fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let cookie = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie values are ASCII")
}

/// The CSRF token of the forms of a session.
pub(super) fn csrf_token(session: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"maillage csrf v1\0");
    hasher.update(session.as_bytes());
    format!("{:x}", hasher.finalize())
}

fn tokens_match(a: &str, b: &str) -> bool {
    crate::directory::tokens::constant_time_eq(a.as_bytes(), b.as_bytes())
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A logged-in visitor; others are sent to the login page and brought back afterwards.
pub(super) struct AdminVisit(pub Visit);

impl FromRequestParts<AppState> for AdminVisit {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(visit) = Visit::from_request_parts(parts, state).await;
        if visit.admin.is_none() {
            return Err(to_login(&visit.here));
        }
        if let Some(refusal) = refuse_editors(&visit, parts.uri.path()) {
            return Err(refusal);
        }
        Ok(Self(visit))
    }
}

/// The admin pages only administrators open (issue 12): the centre's profile, the network
/// (follows, followers, endorsements, moderation, the delivery queue) and the accounts.
/// Editors keep the content: recommendations, contact cards, places, providers, events. One
/// list, read by every admin extractor, so that no handler can forget the check.
const ADMINISTRATOR_PAGES: &[&str] = &[
    "/admin/profile",
    "/admin/accounts",
    "/admin/network",
    "/admin/networks",
    "/admin/follow",
    "/admin/follows/",
    "/admin/followers/",
    "/admin/endorse",
    "/admin/endorsements/",
    "/admin/hide",
    "/admin/domains",
    "/admin/queue/",
    "/admin/relays",
    "/admin/aliases",
    "/admin/move",
];

pub(super) fn administrators_only(path: &str) -> bool {
    ADMINISTRATOR_PAGES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'))
    })
}

/// The refusal (403, with a page that says why) of an editor asking for an administrator's
/// page.
fn refuse_editors(visit: &Visit, path: &str) -> Option<Response> {
    (administrators_only(path) && !visit.administrator()).then(|| {
        PageError::new(
            visit.lang,
            StatusCode::FORBIDDEN,
            "error-administrators-only",
        )
        .into_response()
    })
}

/// Middleware: a form posted to an admin page is done as the account of its session, the
/// name the audit log records (see `directory::audit`).
pub(crate) async fn acting(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let writes =
        req.method() == axum::http::Method::POST && req.uri().path().starts_with("/admin/");
    let token = writes
        .then(|| cookie(req.headers(), session_cookie_name(secure(&state))))
        .flatten();
    let account = match token {
        Some(token) => state.directory.session(&token).await.ok().flatten(),
        None => None,
    };
    match account {
        Some(admin) => crate::directory::audit::acting_as(admin.name, next.run(req)).await,
        None => next.run(req).await,
    }
}

pub(super) fn to_login(back: &str) -> Response {
    let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    Redirect::to(&format!("/admin/login?next={next}")).into_response()
}

/// A form posted by a logged-in admin from one of our pages: origin and CSRF token checked,
/// then the body decoded as `T` (repeated names become lists, as browsers send checkboxes).
pub(super) struct AdminForm<T> {
    pub visit: Visit,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for AdminForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Ok(visit) = Visit::from_request_parts(&mut parts, state).await;
        let Some(session) = visit.session.clone() else {
            return Err(to_login("/admin"));
        };
        if !same_origin(&parts.headers, state) {
            return Err(forbidden(&visit));
        }
        if let Some(refusal) = refuse_editors(&visit, parts.uri.path()) {
            return Err(refusal);
        }
        let limit = state.settings.http.max_body_bytes;
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
            PageError::new(visit.lang, StatusCode::PAYLOAD_TOO_LARGE, "error-too-large")
                .into_response()
        })?;
        let csrf: CsrfField = serde_html_form::from_bytes(&bytes).unwrap_or(CsrfField {
            csrf: String::new(),
        });
        if !tokens_match(&csrf.csrf, &csrf_token(&session)) {
            return Err(forbidden(&visit));
        }
        let form = serde_html_form::from_bytes(&bytes).map_err(|e| {
            PageError::new(visit.lang, StatusCode::BAD_REQUEST, "error-bad-form")
                .detail(e.to_string())
                .into_response()
        })?;
        Ok(Self { visit, form })
    }
}

/// A form with files (`multipart/form-data`) posted by a logged-in admin from one of our pages:
/// origin and CSRF token checked as for [`AdminForm`]. Text controls come as `fields`, files
/// as `files` (empty file controls, which browsers send when nothing was picked, are left
/// out). Each file is read up to `file_cap + 1` bytes, so that the form can name the control
/// of one too large (files are images: the cap is `directory::media::MAX_IMAGE_BYTES`); the
/// whole body is capped by the route's `DefaultBodyLimit`.
pub(super) struct AdminUpload {
    pub visit: Visit,
    pub fields: std::collections::HashMap<String, String>,
    pub files: std::collections::HashMap<String, Vec<u8>>,
}

impl AdminUpload {
    pub(super) fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

impl FromRequest<AppState> for AdminUpload {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let file_cap = crate::directory::media::MAX_IMAGE_BYTES;
        let (mut parts, body) = req.into_parts();
        let Ok(visit) = Visit::from_request_parts(&mut parts, state).await;
        let Some(session) = visit.session.clone() else {
            return Err(to_login("/admin"));
        };
        if !same_origin(&parts.headers, state) {
            return Err(forbidden(&visit));
        }
        if let Some(refusal) = refuse_editors(&visit, parts.uri.path()) {
            return Err(refusal);
        }
        let bad = |e: axum::extract::multipart::MultipartError| {
            let (status, key) = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                (StatusCode::PAYLOAD_TOO_LARGE, "error-too-large")
            } else {
                (StatusCode::BAD_REQUEST, "error-bad-form")
            };
            PageError::new(visit.lang, status, key)
                .detail(e.body_text())
                .into_response()
        };
        let request = Request::from_parts(parts, body);
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|e| {
                PageError::new(visit.lang, StatusCode::BAD_REQUEST, "error-bad-form")
                    .detail(e.body_text())
                    .into_response()
            })?;
        let mut fields = std::collections::HashMap::new();
        let mut files = std::collections::HashMap::new();
        while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or_default().to_owned();
            if field.file_name().is_some() {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    let room = (file_cap + 1).saturating_sub(bytes.len());
                    bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                if !bytes.is_empty() {
                    files.insert(name, bytes);
                }
            } else {
                fields.insert(name, field.text().await.map_err(bad)?);
            }
        }
        let csrf = fields.get("csrf").map(String::as_str).unwrap_or_default();
        if !tokens_match(csrf, &csrf_token(&session)) {
            return Err(forbidden(&visit));
        }
        Ok(Self {
            visit,
            fields,
            files,
        })
    }
}

fn forbidden(visit: &Visit) -> Response {
    PageError::new(visit.lang, StatusCode::FORBIDDEN, "error-csrf").into_response()
}

/// Checks the login form's double-submit token against its cookie.
pub(super) fn login_token_ok(headers: &HeaderMap, state: &AppState, submitted: &str) -> bool {
    let secure = secure(state);
    same_origin(headers, state)
        && cookie(headers, login_cookie_name(secure))
            .is_some_and(|expected| tokens_match(&expected, submitted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrator_pages_are_told_from_editor_pages() {
        for path in [
            "/admin/profile",
            "/admin/accounts",
            "/admin/accounts/camille/delete",
            "/admin/network",
            "/admin/networks",
            "/admin/networks/reseau/admit",
            "/admin/follow",
            "/admin/follows/abc/delete",
            "/admin/followers/abc/decide",
            "/admin/endorse",
            "/admin/domains/delete",
            "/admin/queue/retry",
        ] {
            assert!(administrators_only(path), "{path}");
        }
        for path in [
            "/admin",
            "/admin/password",
            "/admin/recommendations/new",
            "/admin/contacts",
            "/admin/places/x/edit",
            "/admin/providers",
            "/admin/profiles",
            "/admin/networking",
        ] {
            assert!(!administrators_only(path), "{path}");
        }
    }

    #[test]
    fn csrf_tokens_are_tied_to_the_session() {
        assert_eq!(csrf_token("a"), csrf_token("a"));
        assert_ne!(csrf_token("a"), csrf_token("b"));
        assert_ne!(csrf_token("a"), "a");
    }

    #[test]
    fn secret_cookies_are_strict_and_http_only() {
        let c = set_cookie("__Host-maillage_session", "s3cret", 60, true);
        let c = c.to_str().unwrap();
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        let c = set_cookie("maillage_session", "s", 60, false);
        assert!(!c.to_str().unwrap().contains("Secure"));
    }
}
