//! The results page: the search form, results (one card per software, contact cards, centres),
//! facets as links (no JavaScript needed), pagination, and what to try when nothing matched.

use askama::Template;
use serde::Deserialize;

use crate::directory::search::SearchQuery;
use crate::directory::views::SearchHit;
use crate::directory::{Access, DirectoryError};
use crate::state::AppState;

use super::frame::Frame;

pub(super) const PER_PAGE: u32 = 20;

/// The query string of `/search`. Everything is text so that a hand-edited URL shows a page,
/// not a bare 400.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct SearchForm {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub replaces: Option<String>,
    pub origin: Option<String>,
    pub license: Option<String>,
    pub region: Option<String>,
    pub audience: Option<String>,
    pub page: Option<String>,
}

/// The filters, in the order the facets are shown.
pub(super) const FILTERS: [&str; 7] = [
    "kind", "category", "replaces", "origin", "license", "region", "audience",
];

impl SearchForm {
    fn get(&self, name: &str) -> Option<&str> {
        let value = match name {
            "q" => &self.q,
            "kind" => &self.kind,
            "category" => &self.category,
            "replaces" => &self.replaces,
            "origin" => &self.origin,
            "license" => &self.license,
            "region" => &self.region,
            "audience" => &self.audience,
            "page" => &self.page,
            _ => &None,
        };
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }

    pub(super) fn page_number(&self) -> u32 {
        self.get("page")
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }

    /// `/search?…` with `name` set to `value` (or removed), back to page 1 unless `name` is
    /// the page itself.
    pub(super) fn href_with(&self, name: &str, value: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for key in ["q"].iter().chain(FILTERS.iter()).chain(["page"].iter()) {
            let v = if *key == name {
                value
            } else if *key == "page" {
                None
            } else {
                self.get(key)
            };
            if let Some(v) = v {
                query.append_pair(key, v);
            }
        }
        let query = query.finish();
        if query.is_empty() {
            "/search".into()
        } else {
            format!("/search?{query}")
        }
    }

    fn to_query(&self) -> SearchQuery {
        let own = |name: &str| self.get(name).map(str::to_owned);
        SearchQuery {
            q: own("q"),
            kind: own("kind"),
            category: own("category"),
            replaces: own("replaces"),
            origin: own("origin"),
            license: own("license"),
            region: own("region"),
            audience: own("audience"),
            page: Some(self.page_number()),
            per_page: Some(PER_PAGE),
        }
    }
}

/// One value of a facet, with how many results have it.
#[derive(Debug, Clone)]
pub(super) struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone)]
pub(super) struct Facet {
    pub name: String,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone)]
pub(super) struct Results {
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub hits: Vec<SearchHit>,
    pub facets: Vec<Facet>,
    /// Words that would find something, when these found nothing.
    pub did_you_mean: Option<String>,
}

/// What an empty result page offers instead: the categories and the most replaced products.
#[derive(Default)]
pub(super) struct Elsewhere {
    pub categories: Vec<super::public::CategoryLink>,
    pub products: Vec<(String, i64)>,
}

/// Runs the directory's search for the page.
pub(super) async fn run(
    state: &AppState,
    form: &SearchForm,
    access: Access,
) -> Result<Results, DirectoryError> {
    let mut found = state.directory.search(&form.to_query(), access).await?;
    // The facets in a fixed order, whatever order the search returns them in.
    let facets = FILTERS
        .iter()
        .filter_map(|name| {
            let values = found.facets.remove(*name)?;
            Some(Facet {
                name: (*name).to_owned(),
                values: values
                    .into_iter()
                    .map(|v| FacetValue {
                        value: v.value,
                        label: v.label,
                        count: v.count,
                    })
                    .collect(),
            })
        })
        .collect();
    Ok(Results {
        total: found.total,
        page: found.page,
        per_page: found.per_page,
        hits: found.results,
        facets,
        did_you_mean: found.did_you_mean,
    })
}

#[derive(Template)]
#[template(path = "search.html")]
pub(super) struct SearchPage {
    page: Frame,
    form: SearchForm,
    results: Results,
    elsewhere: Elsewhere,
}

/// A filter in force, with the link that removes it.
pub(super) struct ActiveFilter {
    pub label: String,
    pub remove: String,
}

impl SearchPage {
    pub(super) fn new(
        page: Frame,
        form: SearchForm,
        results: Results,
        elsewhere: Elsewhere,
    ) -> Self {
        Self {
            page,
            form,
            results,
            elsewhere,
        }
    }

    fn q(&self) -> &str {
        self.form.get("q").unwrap_or("")
    }

    fn active(&self) -> Vec<ActiveFilter> {
        FILTERS
            .iter()
            .filter_map(|name| {
                let value = self.form.get(name)?;
                let shown = self.value_label(name, value);
                Some(ActiveFilter {
                    label: format!("{} : {shown}", self.page.t(&format!("facet-{name}"))),
                    remove: self.form.href_with(name, None),
                })
            })
            .collect()
    }

    /// How a filter value reads: the facet's label when the facet lists it, else translated
    /// (kinds, categories) or as given.
    fn value_label(&self, name: &str, value: &str) -> String {
        if let Some(v) = self
            .results
            .facets
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.values.iter().find(|v| v.value == value))
        {
            return self.facet_label(name, v);
        }
        match name {
            "kind" => self.page.t(&format!("kind-{value}")),
            "category" => self.page.category(value),
            "region" => self.page.region(value),
            "license" => self.page.licence(value).short,
            _ => value.to_owned(),
        }
    }

    fn facet_label(&self, name: &str, v: &FacetValue) -> String {
        match name {
            "kind" => self.page.t(&format!("kind-{}", v.value)),
            "category" => self.page.category(&v.value),
            "region" => self.page.region(&v.value),
            "license" => self.page.licence(&v.value).short,
            _ => v.label.clone(),
        }
    }

    fn is_active(&self, name: &str, value: &str) -> bool {
        self.form.get(name) == Some(value)
    }

    fn facet_href(&self, name: &str, value: &str) -> String {
        if self.is_active(name, value) {
            self.form.href_with(name, None)
        } else {
            self.form.href_with(name, Some(value))
        }
    }

    fn pages(&self) -> u32 {
        let total = u64::try_from(self.results.total).unwrap_or(0);
        u32::try_from(total.div_ceil(u64::from(self.results.per_page)))
            .unwrap_or(u32::MAX)
            .max(1)
    }

    fn page_href(&self, n: impl std::borrow::Borrow<u32>) -> String {
        self.form.href_with("page", Some(&n.borrow().to_string()))
    }

    fn first_shown(&self) -> i64 {
        i64::from(self.results.page - 1) * i64::from(self.results.per_page) + 1
    }

    fn last_shown(&self) -> i64 {
        self.first_shown() - 1 + i64::try_from(self.results.hits.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_links_keep_the_other_filters_and_restart_at_page_one() {
        let form = SearchForm {
            q: Some("visio".into()),
            category: Some("videoconf".into()),
            page: Some("3".into()),
            ..Default::default()
        };
        assert_eq!(
            form.href_with("region", Some("FR-ARA")),
            "/search?q=visio&category=videoconf&region=FR-ARA"
        );
        assert_eq!(form.href_with("category", None), "/search?q=visio");
        assert_eq!(
            form.href_with("page", Some("4")),
            "/search?q=visio&category=videoconf&page=4"
        );
        assert_eq!(SearchForm::default().href_with("q", None), "/search");
    }

    #[test]
    fn a_bad_page_number_is_page_one() {
        for p in ["0", "-2", "abc", ""] {
            let form = SearchForm {
                page: Some(p.into()),
                ..Default::default()
            };
            assert_eq!(form.page_number(), 1, "{p}");
        }
    }
}
