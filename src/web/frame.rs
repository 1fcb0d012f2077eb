//! What every page shares: the visitor (language, admin session) and the frame the base
//! template draws (title, navigation, language switcher, CSRF token for forms).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::directory::Access;
use crate::directory::accounts::Admin;
use crate::state::AppState;

use super::i18n::{Lang, Tr};
use super::session;

/// Who is looking at a page, read from the request.
#[derive(Debug, Clone)]
pub(crate) struct Visit {
    pub lang: Lang,
    pub admin: Option<Admin>,
    /// The session cookie's secret, when logged in (the CSRF token derives from it).
    pub session: Option<String>,
    /// Path and query of this page, to come back to after switching language or logging in.
    pub here: String,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await?;
        let secure = session::secure(state);
        let session = session::cookie(&parts.headers, session::session_cookie_name(secure));
        let admin = match &session {
            Some(token) => state.directory.session(token).await.unwrap_or_else(|e| {
                tracing::warn!("reading the session: {e}");
                None
            }),
            None => None,
        };
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        Ok(Self {
            lang,
            session: session.filter(|_| admin.is_some()),
            admin,
            here,
        })
    }
}

impl Visit {
    pub(crate) fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    pub(crate) fn frame(&self, state: &AppState, title: impl Into<String>) -> Frame {
        Frame {
            tr: self.tr(),
            title: title.into(),
            here: self.here.clone(),
            admin: self.admin.as_ref().map(|a| a.name.clone()),
            administrator: self.administrator(),
            csrf: self
                .session
                .as_deref()
                .map(session::csrf_token)
                .unwrap_or_default(),
            node: state.settings.centre.name.clone(),
        }
    }

    /// Whether the person logged in is an administrator (not only an editor).
    pub(crate) fn administrator(&self) -> bool {
        self.admin
            .as_ref()
            .is_some_and(|a| a.role.is_administrator())
    }

    /// Staff when logged in: admin pages show drafts and every card.
    pub(crate) fn access(&self) -> Access {
        if self.admin.is_some() {
            Access::Staff
        } else {
            Access::Public
        }
    }
}

/// The part of every page the base template draws.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub tr: Tr,
    pub title: String,
    pub here: String,
    /// The logged-in admin's name.
    pub admin: Option<String>,
    /// Whether they are an administrator: editors are not offered the profile, the network
    /// or the accounts.
    pub administrator: bool,
    /// The token forms carry; empty when not logged in.
    pub csrf: String,
    /// The node's first centre, shown beside the site name.
    pub node: String,
}

/// One entry of the language switcher.
pub(crate) struct LanguageLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl Frame {
    pub(crate) fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// The message `{prefix}-{value}`: the label of a stored value (`level-avoid`).
    pub(crate) fn tk(&self, prefix: &str, value: impl std::fmt::Display) -> String {
        self.tr.t(&format!("{prefix}-{value}"))
    }

    pub(crate) fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tr.t1(key, name, value)
    }

    pub(crate) fn count(&self, key: &str, count: impl std::borrow::Borrow<i64>) -> String {
        self.tr.count(key, *count.borrow())
    }

    /// Whether a link from stored data may be an `href`: only http(s) URLs (never
    /// `javascript:`), whatever a peer sent.
    pub(crate) fn is_http(&self, url: &str) -> bool {
        url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    }

    /// The host of a URL (`frama.space`), to tell apart two offers of one provider.
    pub(crate) fn host(&self, url: &str) -> Option<String> {
        url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
    }

    pub(crate) fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    pub(crate) fn languages(&self) -> Vec<LanguageLink> {
        Lang::ALL
            .iter()
            .map(|l| LanguageLink {
                code: l.code(),
                name: l.native_name(),
                href: format!(
                    "/lang/{}?back={}",
                    l.code(),
                    url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect::<String>()
                ),
                current: *l == self.tr.lang,
            })
            .collect()
    }

    /// The login link of the menu: back to this page after logging in (the home page and the
    /// login page itself lead to the admin pages).
    pub(crate) fn login_href(&self) -> String {
        let path = self.here.split('?').next().unwrap_or("/");
        if path == "/" || path.starts_with("/admin/login") {
            "/admin/login".to_owned()
        } else {
            format!(
                "/admin/login?next={}",
                url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect::<String>()
            )
        }
    }

    /// This site's page of a centre: `/centres/name`, or `/centres/name@domain` for a
    /// centre of another node.
    pub(crate) fn centre_href(&self, centre: &crate::directory::views::CentreView) -> String {
        if centre.local {
            format!("/centres/{}", centre.username)
        } else {
            format!("/centres/{}", centre.handle.trim_start_matches('@'))
        }
    }

    /// A category's label in the page's language.
    pub(crate) fn category(&self, id: &str) -> String {
        crate::domain::category::Category::find(id)
            .map(|c| c.label(self.lang()).to_owned())
            .unwrap_or_else(|| id.to_owned())
    }

    /// A date as people read it in the page's language ("2 décembre 2026", "2 December 2026").
    pub(crate) fn date(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        crate::domain::event::date_text(at.date_naive(), self.lang())
    }
}

/// Whether the request comes from a page of this site (or says nothing about it). Browsers send
/// `Origin` on POST; a form posted from another site is refused even before the CSRF token is
/// checked.
pub(super) fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let ours = state.directory.urls().base().origin().ascii_serialization();
    origin == ours
}
