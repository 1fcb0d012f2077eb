//! Logging in and out of the admin pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::directory::accounts::{Login, NewSession};
use crate::directory::tokens::random_secret;
use crate::domain::secret::Secret;
use crate::state::AppState;
use crate::state::ClientAddress;
use crate::web::error::{PageError, render};
use crate::web::forms::{FormError, FormErrors};
use crate::web::frame::{Frame, Visit};
use crate::web::public::local_path;
use crate::web::session::{
    AdminForm, login_cookie_name, login_token_ok, secure, session_cookie_name, set_cookie,
};

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    page: Frame,
    token: String,
    name: String,
    next: String,
    error: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn login_page(
    state: &AppState,
    visit: &Visit,
    name: String,
    next: String,
    error: FormErrors,
    status: StatusCode,
) -> Response {
    let secure = secure(state);
    let token = random_secret();
    let page = LoginPage {
        page: visit.frame(state, visit.tr().t("login-title")),
        token: token.clone(),
        name,
        next,
        error,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    // Login CSRF: the form's token must match this cookie (double submit).
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(login_cookie_name(secure), &token, 3600, secure),
    );
    res
}

pub async fn form(
    State(state): State<AppState>,
    visit: Visit,
    Query(next): Query<Next>,
) -> Result<Response, PageError> {
    let next = local_path(next.next.as_deref()).map_err(|e| e.page(visit.lang))?;
    if visit.admin.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(login_page(
        &state,
        &visit,
        String::new(),
        next,
        FormErrors::default(),
        StatusCode::OK,
    ))
}

#[derive(Debug, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: Secret,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    visit: Visit,
    Form(credentials): Form<Credentials>,
) -> Result<Response, PageError> {
    let next = local_path(Some(&credentials.next)).map_err(|e| e.page(visit.lang))?;
    let next = if next == "/" {
        "/admin".to_owned()
    } else {
        next
    };
    if !login_token_ok(&headers, &state, &credentials.csrf) {
        return Err(PageError::new(
            visit.lang,
            StatusCode::FORBIDDEN,
            "error-csrf",
        ));
    }
    let session = state
        .directory
        .login(&credentials.name, credentials.password.expose(), client)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let (message, status) = match session {
        Login::Opened(session) => return Ok(logged_in(&state, &next, &session)),
        Login::Refused => ("login-failed", StatusCode::UNAUTHORIZED),
        Login::Throttled => ("login-throttled", StatusCode::TOO_MANY_REQUESTS),
    };
    let error = FormError {
        control: "password".into(),
        message: visit.tr().t(message),
        ..FormError::default()
    }
    .into();
    Ok(login_page(
        &state,
        &visit,
        credentials.name,
        next,
        error,
        status,
    ))
}

/// Sets the session cookie, drops the login form's, and goes where the person was going.
fn logged_in(state: &AppState, next: &str, session: &NewSession) -> Response {
    let secure = secure(state);
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(
            session_cookie_name(secure),
            session.token.expose(),
            session.max_age_seconds,
            secure,
        ),
    );
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(login_cookie_name(secure), "", 0, secure),
    );
    res
}

#[derive(Debug, Deserialize)]
pub struct Nothing {}

pub async fn logout(
    State(state): State<AppState>,
    AdminForm { visit, .. }: AdminForm<Nothing>,
) -> Result<Response, PageError> {
    if let Some(token) = &visit.session {
        state
            .directory
            .logout(token)
            .await
            .map_err(|e| PageError::from_directory(visit.lang, e))?;
    }
    let secure = secure(&state);
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(session_cookie_name(secure), "", 0, secure),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_the_password_out() {
        let credentials = Credentials {
            name: "camille".into(),
            password: Secret::new("correct horse battery"),
            csrf: String::new(),
            next: String::new(),
        };
        let printed = format!("{credentials:?}");
        assert!(!printed.contains("horse"), "{printed}");
        assert!(printed.contains("camille"), "{printed}");
    }
}
