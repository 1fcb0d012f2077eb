//! What every admin list shares (issue 12): search, filter, sort and pages over the records
//! of one kind, and the confirmation page that a delete (one record) or a bulk action (the
//! ticked ones) goes through before anything changes. Both work without JavaScript: the
//! filters are a GET form, "Supprimer" is a link to a page that asks, and only that page's
//! form posts (with the session's CSRF token, as every admin form).
//!
//! The lists are a few hundred records of one centre at most, read whole by the directory
//! (as before this module); filtering and paging them here keeps the directory's queries as
//! they are. The actions themselves are the directory's use cases, one record at a time, so
//! federation sends what a single edit or delete sends.

use std::cmp::Ordering;

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use crate::domain::text::fold;
use crate::web::error::{PageError, render};
use crate::web::frame::{Frame, Visit};

/// Rows on one page of an admin list.
pub const PER_PAGE: usize = 25;

/// The list's query string: `?q=…&status=…&sort=…&page=…`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub status: String,
    pub sort: String,
    pub page: Option<usize>,
    /// The page of the second list (records received from the network), where there is one.
    pub received_page: Option<usize>,
}

impl ListQuery {
    /// The same search, on the second list's pages.
    pub fn received(&self) -> Self {
        Self {
            page: self.received_page,
            received_page: None,
            ..self.clone()
        }
    }
}

/// One choice of a filter or sort select.
pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The search, filter and sort form above a list, and the pages below it.
pub struct Tools {
    /// The list's path, `/admin/recommendations`.
    pub path: &'static str,
    /// `page`, or `received_page` for the second list of a page.
    pub page_param: &'static str,
    pub q: String,
    pub status: String,
    /// Empty when the kind has no status to filter on.
    pub statuses: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub sort: String,
    /// Records that match the search and filter, all pages.
    pub matching: usize,
    pub page: usize,
    pub pages: usize,
    /// The bulk actions offered on the ticked rows (`publish`, `unpublish`, `delete`).
    pub actions: Vec<Choice>,
}

impl Tools {
    /// The address of another page of the same search.
    pub fn page_href(&self, page: &usize) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &self.q),
            ("status", &self.status),
            ("sort", &self.sort),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if *page > 1 {
            query.append_pair(self.page_param, &page.to_string());
        }
        let query = query.finish();
        if query.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?{query}", self.path)
        }
    }

    pub fn page_numbers(&self) -> Vec<usize> {
        (1..=self.pages).collect()
    }

    pub fn filtered(&self) -> bool {
        !self.q.is_empty() || !self.status.is_empty()
    }
}

/// A sort offered on a list: its name in `?sort=` and the order.
pub type Sort<T> = (&'static str, fn(&T, &T) -> Ordering);

/// How one kind of record is searched and sorted: its text (folded for search), and the sorts
/// offered, the first being the default (the last changed first, where staff find what they
/// just saved).
pub struct Listing<T: 'static> {
    pub path: &'static str,
    pub text: fn(&T) -> String,
    pub status: Option<fn(&T) -> String>,
    pub statuses: &'static [&'static str],
    /// The messages naming the statuses: `status` for `status-draft`.
    pub status_prefix: &'static str,
    pub sorts: &'static [Sort<T>],
    pub actions: &'static [&'static str],
}

impl<T: 'static> Listing<T> {
    /// The page of `rows` the query asks for, and the tools that show how it was chosen.
    pub fn pick(&self, rows: Vec<T>, query: &ListQuery, visit: &Visit) -> (Vec<T>, Tools) {
        let tr = visit.tr();
        let words = fold(&query.q);
        let status = self
            .statuses
            .iter()
            .find(|s| **s == query.status)
            .copied()
            .unwrap_or_default();
        let mut rows: Vec<T> = rows
            .into_iter()
            .filter(|row| {
                let text = fold(&(self.text)(row));
                words.split(' ').all(|w| text.contains(w))
            })
            .filter(|row| match (status, self.status) {
                ("", _) | (_, None) => true,
                (wanted, Some(of)) => of(row) == wanted,
            })
            .collect();
        let (sort, order) = self
            .sorts
            .iter()
            .find(|(name, _)| *name == query.sort)
            .or(self.sorts.first())
            .copied()
            .expect("every listing has a sort");
        rows.sort_by(order);
        let matching = rows.len();
        let pages = matching.div_ceil(PER_PAGE).max(1);
        let page = query.page.unwrap_or(1).clamp(1, pages);
        let shown = rows
            .into_iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .collect();
        let choices = |values: &[&'static str], prefix: &str, current: &str| {
            values
                .iter()
                .map(|&value| Choice {
                    value,
                    label: tr.t(&format!("{prefix}-{value}")),
                    selected: value == current,
                })
                .collect()
        };
        let tools = Tools {
            path: self.path,
            page_param: "page",
            q: query.q.trim().to_owned(),
            status: status.to_owned(),
            statuses: choices(self.statuses, self.status_prefix, status),
            sorts: choices(
                &self.sorts.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                "list-sort",
                sort,
            ),
            sort: if sort == self.sorts[0].0 {
                String::new()
            } else {
                sort.to_owned()
            },
            matching,
            page,
            pages,
            actions: choices(self.actions, "bulk", ""),
        };
        (shown, tools)
    }

    /// `pick` for the second list of the page (records received from the network), with its
    /// own pages and no bulk actions.
    pub fn pick_received(&self, rows: Vec<T>, query: &ListQuery, visit: &Visit) -> (Vec<T>, Tools) {
        let (rows, mut tools) = self.pick(rows, &query.received(), visit);
        tools.page_param = "received_page";
        tools.actions.clear();
        (rows, tools)
    }
}

/// The ticked rows of a list and what to do with them, as the list's GET form sends them
/// (`?action=delete&key=a&key=b`) and the confirmation's POST repeats them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Bulk {
    pub action: String,
    pub key: Vec<String>,
}

impl Bulk {
    pub fn from_query(query: Option<&str>) -> Self {
        serde_html_form::from_str(query.unwrap_or_default()).unwrap_or_default()
    }
}

/// "Supprimer « X » ?": the page a delete or a bulk action shows before it changes anything.
#[derive(Template)]
#[template(path = "admin/confirm.html")]
pub struct Confirm {
    pub page: Frame,
    /// What the records are, for the list of names.
    pub names: Vec<String>,
    /// Where the confirmation posts.
    pub action: String,
    /// The bulk action and keys repeated in the post; empty for one record's delete.
    pub bulk: String,
    pub keys: Vec<String>,
    pub confirm: String,
    pub danger: bool,
    /// The list to go back to.
    pub cancel: String,
}

/// The confirmation of deleting one record named `name`.
pub fn confirm_delete(
    state: &crate::state::AppState,
    visit: &Visit,
    list: &str,
    key: &str,
    name: &str,
) -> Response {
    let tr = visit.tr();
    let page = Confirm {
        page: visit.frame(state, tr.t1("confirm-delete", "name", name)),
        names: Vec::new(),
        action: format!("{list}/{key}/delete"),
        bulk: String::new(),
        keys: Vec::new(),
        confirm: tr.t1("delete-named", "name", name),
        danger: true,
        cancel: list.to_owned(),
    };
    render(visit.lang, &page)
}

/// The confirmation of a bulk action on the records named `names` (keys and names in the same
/// order); an unknown action or nothing ticked sends back to the list.
pub fn confirm_bulk(
    state: &crate::state::AppState,
    visit: &Visit,
    list: &str,
    allowed: &[&str],
    bulk: Bulk,
    names: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let tr = visit.tr();
    if !allowed.contains(&bulk.action.as_str()) || names.is_empty() {
        return Ok(super::done(list, "bulk-none"));
    }
    let mut names = names;
    names.sort_by_cached_key(|(_, name)| fold(name));
    let count = i64::try_from(names.len()).unwrap_or(i64::MAX);
    let title = tr.count(&format!("confirm-bulk-{}", bulk.action), count);
    let (keys, names): (Vec<String>, Vec<String>) = names.into_iter().unzip();
    let page = Confirm {
        page: visit.frame(state, title),
        names,
        action: format!("{list}/bulk"),
        confirm: tr.count(&format!("bulk-{}-count", bulk.action), count),
        danger: bulk.action == "delete",
        bulk: bulk.action,
        keys,
        cancel: list.to_owned(),
    };
    Ok(render(visit.lang, &page))
}

/// Whether the post names an action of `allowed` and at least one record; if not, nothing is
/// done and the list says so.
pub fn refused(bulk: &Bulk, list: &str, allowed: &[&str]) -> Option<Response> {
    (!allowed.contains(&bulk.action.as_str()) || bulk.key.is_empty())
        .then(|| super::done(list, "bulk-none"))
}

/// Back to the list once every ticked record went through the action.
pub fn bulk_done(list: &str, bulk: &Bulk) -> Response {
    super::done(list, &format!("bulk-{}", bulk.action))
}
