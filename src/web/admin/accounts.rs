//! `/admin/accounts` (administrators): the node's staff, with their roles; creating an account
//! (its one-time password is shown once), changing a role, a new one-time password, removing
//! an account after a confirmation page; never the last administrator. And `/admin/password`
//! (everyone logged in): changing one's own password.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::directory::accounts::{MIN_PASSWORD_CHARS, StaffView, check_password};
use crate::domain::FieldError;
use crate::domain::secret::Secret;
use crate::domain::staff::Role;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::forms::FormErrors;
use crate::web::frame::{Frame, Visit};
use crate::web::session::{AdminForm, AdminVisit};

use super::{Done, done, form_error, save};

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    page: Frame,
    notice: Option<String>,
    accounts: Vec<StaffView>,
    roles: [Role; 2],
    /// The account just created or reset, with its one-time password (shown once).
    handed: Option<(String, Secret)>,
    form: NewAccountForm,
    error: FormErrors,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewAccountForm {
    pub name: String,
    pub role: String,
}

const NEW_ACCOUNT_CONTROLS: &[&str] = &["name", "role"];

fn role(field: &str, value: &str) -> Result<Role, FieldError> {
    Role::parse(value).ok_or_else(|| FieldError::new(field, "must be administrator or editor"))
}

async fn accounts_page(
    state: &AppState,
    visit: &Visit,
    notice: Option<String>,
    handed: Option<(String, Secret)>,
    form: NewAccountForm,
    error: FormErrors,
) -> Result<Response, PageError> {
    let accounts = state
        .directory
        .staff()
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let status = if error.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = AccountsPage {
        page: visit.frame(state, visit.tr().t("admin-accounts")),
        notice,
        accounts,
        roles: Role::ALL,
        handed,
        form,
        error,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    Ok(res)
}

/// `GET /admin/accounts`
pub async fn list(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let notice = done.message(&visit.frame(&state, String::new()));
    let form = NewAccountForm {
        role: Role::Editor.as_str().into(),
        ..Default::default()
    };
    accounts_page(&state, &visit, notice, None, form, FormErrors::default()).await
}

/// `POST /admin/accounts`: the new account's one-time password is on the page answered (not
/// a redirect: it must not sit in a URL or be shown twice).
pub async fn create(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<NewAccountForm>,
) -> Result<Response, PageError> {
    let created = match role("role", &form.role) {
        Ok(role) => state.directory.add_account(&form.name, role).await,
        Err(e) => Err(e.into()),
    };
    match created {
        Ok(password) => {
            let handed = Some((form.name.trim().to_owned(), password));
            let notice = Some(visit.tr().t("done-account-created"));
            let fresh = NewAccountForm {
                role: Role::Editor.as_str().into(),
                ..Default::default()
            };
            accounts_page(&state, &visit, notice, handed, fresh, FormErrors::default()).await
        }
        Err(e) => {
            let error = form_error(visit.lang, e, NEW_ACCOUNT_CONTROLS)?;
            accounts_page(&state, &visit, None, None, form, error).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// `POST /admin/accounts/{name}/role`
pub async fn change_role(
    State(state): State<AppState>,
    Path(name): Path<String>,
    AdminForm { visit, form }: AdminForm<RoleForm>,
) -> Result<Response, PageError> {
    let changed = match role("role", &form.role) {
        Ok(role) => state.directory.change_staff(&name, Some(role)).await,
        Err(e) => Err(e.into()),
    };
    changed.map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done("/admin/accounts", "saved"))
}

/// `POST /admin/accounts/{name}/reset`: a new one-time password, shown once.
pub async fn reset(
    State(state): State<AppState>,
    Path(name): Path<String>,
    AdminForm { visit, .. }: AdminForm<super::login::Nothing>,
) -> Result<Response, PageError> {
    let password = state
        .directory
        .reset_password(&name)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let notice = Some(visit.tr().t("done-password-reset"));
    let form = NewAccountForm {
        role: Role::Editor.as_str().into(),
        ..Default::default()
    };
    accounts_page(
        &state,
        &visit,
        notice,
        Some((name, password)),
        form,
        FormErrors::default(),
    )
    .await
}

#[derive(Template)]
#[template(path = "admin/account_delete.html")]
struct DeletePage {
    page: Frame,
    name: String,
}

/// `GET /admin/accounts/{name}/delete`: asks first (works without JavaScript).
pub async fn confirm_delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
    AdminVisit(visit): AdminVisit,
) -> Result<Response, PageError> {
    let exists = state
        .directory
        .staff()
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?
        .iter()
        .any(|a| a.name == name);
    if !exists {
        return Err(PageError::not_found(visit.lang));
    }
    let page = DeletePage {
        page: visit.frame(&state, visit.tr().t1("account-delete-title", "name", &name)),
        name,
    };
    Ok(render(visit.lang, &page))
}

/// `POST /admin/accounts/{name}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
    AdminForm { visit, .. }: AdminForm<super::login::Nothing>,
) -> Result<Response, PageError> {
    state
        .directory
        .change_staff(&name, None)
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    Ok(done("/admin/accounts", "deleted"))
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    page: Frame,
    notice: Option<String>,
    min_chars: usize,
    error: FormErrors,
}

fn password_page(
    state: &AppState,
    visit: &Visit,
    notice: Option<String>,
    error: FormErrors,
) -> Response {
    let status = if error.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PasswordPage {
        page: visit.frame(state, visit.tr().t("admin-password")),
        notice,
        min_chars: MIN_PASSWORD_CHARS,
        error,
    };
    let mut res = render(visit.lang, &page);
    *res.status_mut() = status;
    res
}

/// `GET /admin/password`
pub async fn password_form(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(done): Query<Done>,
) -> Response {
    let notice = done.message(&visit.frame(&state, String::new()));
    password_page(&state, &visit, notice, FormErrors::default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current: Secret,
    new: Secret,
    again: Secret,
}

/// The new password's rules and the repeated copy, shown together; whether the current
/// password is right is the directory's to say, once these hold.
impl super::Checked for PasswordForm {
    fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if let Err(e) = check_password(self.new.expose()) {
            problems.push(FieldError {
                field: "new".into(),
                ..e
            });
        }
        if self.new.expose() != self.again.expose() {
            problems.push(FieldError::coded(
                "again",
                "passwords-differ",
                "differs from the new password",
                &[],
            ));
        }
        problems
    }
}

const PASSWORD_CONTROLS: &[&str] = &["current", "new", "again"];

/// `POST /admin/password`
pub async fn change_password(
    State(state): State<AppState>,
    AdminForm { visit, form }: AdminForm<PasswordForm>,
) -> Result<Response, PageError> {
    let session = visit.session.clone().unwrap_or_default();
    let input = Ok(form);
    save(
        visit.lang,
        PASSWORD_CONTROLS,
        input,
        async |form| {
            state
                .directory
                .change_own_password(&session, form.current.expose(), form.new.expose())
                .await
        },
        "/admin/password",
        |error| password_page(&state, &visit, None, error),
    )
    .await
}
