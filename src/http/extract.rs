//! Request extractors that answer in the API's error shape: JSON bodies whose errors name the
//! field, bearer authentication, and pagination.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::IntoParams;

use crate::directory::Access;
use crate::domain::FieldError;
use crate::domain::Window;

use super::error::ApiError;
use crate::state::AppState;

/// A JSON body. Syntax errors answer 400; a value of the wrong shape answers 422 naming the
/// field (`software.homepage`); an oversized body answers 413.
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let bytes = read_body(req, state).await?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?;
        decode(value).map(JsonBody)
    }
}

/// A JSON merge patch (RFC 7396) body: an object whose members replace the stored ones,
/// `null` clearing them.
pub(crate) struct MergePatch(pub Value);

impl FromRequest<AppState> for MergePatch {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let JsonBody(value) = JsonBody::<Value>::from_request(req, state).await?;
        if !value.is_object() {
            return Err(ApiError::bad_request(
                "a PATCH body must be a JSON object (a JSON merge patch)",
            ));
        }
        Ok(Self(value))
    }
}

impl MergePatch {
    /// Applies the patch to `current` and decodes the result, naming fields in errors.
    pub(crate) fn apply<T: Serialize + DeserializeOwned>(
        &self,
        current: &T,
    ) -> Result<T, ApiError> {
        let mut merged = serde_json::to_value(current).map_err(|e| ApiError::internal(&e))?;
        json_patch::merge(&mut merged, &self.0);
        decode(merged)
    }
}

async fn read_body(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::payload_too_large(state.settings.http.max_body_bytes)
        } else {
            ApiError::bad_request(rejection.body_text())
        }
    })
}

/// Decodes a JSON value, turning serde's message into a field path and a reason.
pub(crate) fn decode<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut field = e.path().to_string();
        if field == "." {
            field.clear();
        }
        let reason = e.inner().to_string();
        // serde reports a missing member at its parent: name the member itself. (An unknown
        // member's path already ends with its name.)
        if let Some(name) = backquoted_after(&reason, "missing field ") {
            field = if field.is_empty() {
                name
            } else {
                format!("{field}.{name}")
            };
        }
        ApiError::invalid(FieldError::new(field, reason))
    })
}

fn backquoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split('`').next().map(str::to_owned)
}

/// Query-string parameters; a malformed query answers 400 in the API's error shape.
pub(crate) struct Params<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
    }
}

/// The bearer token of a request, if it sends one in the `Bearer TOKEN` shape.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()
        .and_then(|h| {
            let (scheme, token) = h.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty())
}

/// Middleware: a write made with a valid API token is done as `token:LABEL`, the name the
/// audit log records (see `directory::audit`).
pub(crate) async fn acting(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let holder = match bearer(req.headers()) {
        Some(token) if writes => state.directory.token_holder(token).await.ok().flatten(),
        _ => None,
    };
    match holder {
        Some(who) => crate::directory::audit::acting_as(who, next.run(req)).await,
        None => next.run(req).await,
    }
}

/// Who is calling: staff with a valid bearer token, or the public without one.
/// A token that is present but wrong answers 401 rather than falling back to public access.
pub(crate) struct Caller(pub Access);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if !parts.headers.contains_key(AUTHORIZATION) {
            return Ok(Self(Access::Public));
        }
        let token = bearer(&parts.headers).ok_or_else(|| {
            ApiError::unauthorized("the Authorization header must be `Bearer TOKEN`")
        })?;
        if state.directory.verify_token(token).await? {
            Ok(Self(Access::Staff))
        } else {
            Err(ApiError::unauthorized(
                "this token is not valid (unknown or revoked)",
            ))
        }
    }
}

/// Staff only: writes and everything personal beyond what consent makes public.
pub(crate) struct Staff;

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, state).await?.0 {
            Access::Staff => Ok(Self),
            Access::Public => Err(ApiError::unauthorized(
                "this needs an admin token: send `Authorization: Bearer TOKEN` \
                 (create one with `maillage token create`)",
            )),
        }
    }
}

/// `page` (from 1) and `per_page` of a listing.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
pub(crate) struct Paging {
    /// Page number, from 1. Default 1.
    pub page: Option<u32>,
    /// Results per page. Default 20, at most the node's `http.max_page_size`.
    pub per_page: Option<u32>,
}

impl Paging {
    pub(crate) fn window(self, max_page_size: u32) -> Result<Window, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(20);
        if page == 0 {
            return Err(FieldError::new("page", "starts at 1").into());
        }
        if per_page == 0 || per_page > max_page_size {
            return Err(FieldError::new(
                "per_page",
                format!("must be between 1 and {max_page_size}"),
            )
            .into());
        }
        Ok(Window {
            offset: i64::from(page - 1) * i64::from(per_page),
            limit: i64::from(per_page),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::recommendation::RecommendationInput;
    use serde_json::json;

    fn field_of(value: Value) -> Option<String> {
        let err = decode::<RecommendationInput>(value).err().unwrap();
        assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
        err.field().map(str::to_owned)
    }

    #[test]
    fn decode_names_missing_unknown_and_mistyped_fields() {
        let mut base = json!({
            "software": {"name": "N", "homepage": "https://n.org"},
            "replaces": ["Zoom"], "category": "files", "summary": "S"
        });
        assert!(decode::<RecommendationInput>(base.clone()).is_ok());
        base["software"].as_object_mut().unwrap().remove("homepage");
        assert_eq!(field_of(base.clone()).as_deref(), Some("software.homepage"));
        base["software"]["homepage"] = json!("https://n.org");
        base["colour"] = json!("blue");
        assert_eq!(field_of(base.clone()).as_deref(), Some("colour"));
        base.as_object_mut().unwrap().remove("colour");
        base["replaces"] = json!("Zoom");
        assert_eq!(field_of(base.clone()).as_deref(), Some("replaces"));
        base["replaces"] = json!(["Zoom"]);
        base["level"] = json!("mandatory");
        assert_eq!(field_of(base).as_deref(), Some("level"));
    }

    #[test]
    fn paging_bounds() {
        let w = Paging {
            page: Some(3),
            per_page: Some(10),
        }
        .window(200)
        .unwrap();
        assert_eq!((w.offset, w.limit), (20, 10));
        assert!(
            Paging {
                page: Some(0),
                per_page: None
            }
            .window(200)
            .is_err()
        );
        assert!(
            Paging {
                page: None,
                per_page: Some(201)
            }
            .window(200)
            .is_err()
        );
    }
}
