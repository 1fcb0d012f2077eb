//! The audit log in the admin pages (issue 12): the latest changes on the dashboard, every
//! change, page by page, at `/admin/audit`. Each entry is one sentence in the visitor's
//! language: "camille a modifié la recommandation « Nextcloud »".

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::directory::audit::AuditEntry;
use crate::domain::Window;
use crate::state::AppState;
use crate::web::error::{PageError, render};
use crate::web::frame::Frame;
use crate::web::i18n::Tr;
use crate::web::session::AdminVisit;

/// Entries on the dashboard.
pub const ON_DASHBOARD: i64 = 8;
const PER_PAGE: i64 = 50;

/// One entry as a page shows it.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub at: chrono::DateTime<chrono::Utc>,
    pub sentence: String,
}

pub fn lines(tr: Tr, entries: Vec<AuditEntry>) -> Vec<AuditLine> {
    entries
        .into_iter()
        .map(|e| {
            let sentence = tr
                .with_args(
                    "audit-entry",
                    &[
                        ("actor", e.actor.clone()),
                        ("action", e.action.clone()),
                        ("kind", e.kind.clone()),
                        ("title", e.title.clone()),
                    ],
                )
                .unwrap_or_else(|| format!("{} {} {} {}", e.actor, e.action, e.kind, e.title));
            AuditLine { at: e.at, sentence }
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct PageNumber {
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Frame,
    lines: Vec<AuditLine>,
    number: u32,
    previous: Option<u32>,
    next: Option<u32>,
}

/// `GET /admin/audit?page=N`
pub async fn page(
    State(state): State<AppState>,
    AdminVisit(visit): AdminVisit,
    Query(number): Query<PageNumber>,
) -> Result<Response, PageError> {
    let number = number.page.unwrap_or(1).max(1);
    let listing = state
        .directory
        .audit_log(Window {
            offset: i64::from(number - 1) * PER_PAGE,
            limit: PER_PAGE,
        })
        .await
        .map_err(|e| PageError::from_directory(visit.lang, e))?;
    let page = AuditPage {
        page: visit.frame(&state, visit.tr().t("admin-audit")),
        next: (i64::from(number) * PER_PAGE < listing.total).then_some(number + 1),
        previous: (number > 1).then(|| number - 1),
        lines: lines(visit.tr(), listing.results),
        number,
    };
    Ok(render(visit.lang, &page))
}
