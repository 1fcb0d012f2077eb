//! Searching the directory: recommendations, contact cards and software in one ranked listing,
//! with facet counts. The full-text index (`crate::search`) finds the keys; the records are
//! then loaded from the database and shown with the same views as everywhere else, and who may
//! see what is checked again on the loaded rows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::FieldError;
use crate::domain::category::Category;
use crate::domain::{product, region};
use crate::search::{Found, Kind, Request};
use crate::storage::search::{self as rows, Selection};

use super::contacts::visible_to;
use super::views::{ContactView, RecommendationView, SearchHit, SoftwareHit};
use super::{Access, Directory, DirectoryError};

/// Results per page when the caller does not say.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Most values listed per facet, the most frequent first.
const FACET_VALUES: usize = 50;

/// Parameters of a search (`GET /api/v1/search`, the website's search page).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find, in French or English; accents and case ignored, prefixes and one typo
    /// in longer words allowed ("google drive", "visio", "nextclod").
    pub q: Option<String>,
    /// `recommendation`, `contact` or `software`; all three when absent.
    pub kind: Option<String>,
    /// Category id (`files`, `videoconf`...).
    pub category: Option<String>,
    /// A replaced product by any of its names (`hangouts` is Google Meet).
    pub replaces: Option<String>,
    /// The centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// SPDX licence expression of the software, as the `license` facet lists it.
    pub license: Option<String>,
    /// ISO 3166 code; a country also matches its subdivisions.
    pub region: Option<String>,
    /// An audience, as the `audience` facet lists it.
    pub audience: Option<String>,
    /// Page number, from 1. Default 1.
    pub page: Option<u32>,
    /// Results per page. Default 20, at most the node's `http.max_page_size`.
    pub per_page: Option<u32>,
}

/// One page of a search, with the facets of everything that matched.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    /// How many entries match, over all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub results: Vec<SearchHit>,
    /// Facet name (`kind`, `category`, `replaces`, `origin`, `license`, `region`,
    /// `audience`) -> its values among the matches, the most frequent first. Counts are over
    /// the whole matching set with every active filter applied.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
}

/// A facet value and how many matches have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FacetCount {
    /// What to pass back as the filter of the same name.
    pub value: String,
    /// What to show a person: a centre's name, a category's French label.
    pub label: String,
    pub count: u64,
}

/// A trimmed, non-empty parameter.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Directory {
    pub async fn search(
        &self,
        query: &SearchQuery,
        access: Access,
    ) -> Result<SearchResults, DirectoryError> {
        let page = query.page.unwrap_or(1);
        let per_page = query.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(FieldError::new("page", "starts at 1").into());
        }
        let max = self.max_page_size();
        if per_page == 0 || per_page > max {
            return Err(FieldError::new("per_page", format!("must be between 1 and {max}")).into());
        }
        let request = Request {
            words: query.q.clone().unwrap_or_default(),
            kind: given(&query.kind)
                .map(|k| {
                    let k = k.to_lowercase();
                    Kind::parse(&k).ok_or_else(|| {
                        FieldError::new(
                            "kind",
                            format!("`{k}` is not one of recommendation, contact, software"),
                        )
                    })
                })
                .transpose()?,
            category: given(&query.category)
                .map(|c| Category::parse("category", c).map(|c| c.id.to_owned()))
                .transpose()?,
            replaces: given(&query.replaces).map(product::canonical_name),
            origin: self
                .origin_actor(given(&query.origin).map(str::to_owned))
                .await?,
            license: given(&query.license).map(str::to_owned),
            region: given(&query.region)
                .map(|r| region::parse("region", r))
                .transpose()?,
            audience: given(&query.audience).map(str::to_owned),
            public_only: access == Access::Public,
            offset: usize::try_from(u64::from(page - 1) * u64::from(per_page))
                .unwrap_or(usize::MAX),
            limit: usize::try_from(per_page).unwrap_or(usize::MAX),
        };
        let found = self.search_index().await?.search(request).await?;
        let total = i64::try_from(found.total).unwrap_or(i64::MAX);
        let (results, facets) = self.load_hits(found, access).await?;
        Ok(SearchResults {
            total,
            page,
            per_page,
            results,
            facets,
        })
    }

    /// The records behind a page of hits, in rank order, and the facets with their labels.
    async fn load_hits(
        &self,
        found: Found,
        access: Access,
    ) -> Result<(Vec<SearchHit>, BTreeMap<String, Vec<FacetCount>>), DirectoryError> {
        let ids = |kind: Kind| -> Vec<i64> {
            found
                .hits
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect()
        };
        let (recs, cards, software) = (
            ids(Kind::Recommendation),
            ids(Kind::Contact),
            ids(Kind::Software),
        );
        let origins: BTreeSet<String> = found
            .facets
            .get("origin")
            .into_iter()
            .flatten()
            .map(|(value, _)| value.clone())
            .collect();
        let (recs, cards, software, software_recs, centre_names) = self
            .db()
            .run(move |conn| {
                Ok((
                    rows::recommendations(conn, Selection::Ids(&recs))?,
                    rows::contacts(conn, Selection::Ids(&cards))?,
                    rows::software(conn, Selection::Ids(&software))?,
                    rows::recommendations_of_software(conn, &software)?,
                    rows::centre_names(conn, &origins)?,
                ))
            })
            .await?;

        let staff = access == Access::Staff;
        let shown_rec = |row: &crate::storage::recommendations::RecommendationRow| {
            staff || (row.status == "published" && !row.hidden)
        };
        let visibilities = visible_to(access);
        let mut recs: HashMap<i64, _> = recs.into_iter().map(|r| (r.row.id, r)).collect();
        let mut cards: HashMap<i64, _> = cards.into_iter().map(|c| (c.0.id, c)).collect();
        let mut software: HashMap<i64, _> = software.into_iter().map(|s| (s.id, s)).collect();
        let mut results = Vec::with_capacity(found.hits.len());
        for (kind, id) in &found.hits {
            let hit = match kind {
                Kind::Recommendation => recs.remove(id).filter(|r| shown_rec(&r.row)).map(|r| {
                    SearchHit::Recommendation(RecommendationView::build(
                        &r.row,
                        &r.centre,
                        &r.software,
                        r.replaces,
                        r.endorsed_by,
                    ))
                }),
                Kind::Contact => cards
                    .remove(id)
                    .filter(|(row, _)| {
                        visibilities.contains(&row.visibility) && (staff || !row.hidden)
                    })
                    .map(|(row, centre)| {
                        SearchHit::Contact(ContactView::build(&row, &centre, access))
                    }),
                Kind::Software => software.remove(id).and_then(|row| {
                    let of_it: Vec<_> = software_recs
                        .iter()
                        .filter(|r| r.software.id == row.id && shown_rec(&r.row))
                        .collect();
                    (!of_it.is_empty())
                        .then(|| SearchHit::Software(SoftwareHit::build(&row, &of_it)))
                }),
            };
            results.extend(hit);
        }

        let facets = found
            .facets
            .into_iter()
            .map(|(name, values)| {
                let counts = values
                    .into_iter()
                    .take(FACET_VALUES)
                    .map(|(value, count)| FacetCount {
                        label: facet_label(&name, &value, &centre_names),
                        value,
                        count,
                    })
                    .collect();
                (name, counts)
            })
            .collect();
        Ok((results, facets))
    }
}

/// What a person reads for a facet value.
fn facet_label(facet: &str, value: &str, centre_names: &HashMap<String, String>) -> String {
    match facet {
        "kind" => match Kind::parse(value) {
            Some(Kind::Recommendation) => "Recommandation".into(),
            Some(Kind::Contact) => "Médiateur ou médiatrice".into(),
            Some(Kind::Software) => "Logiciel".into(),
            None => value.into(),
        },
        "category" => Category::find(value).map_or(value, |c| c.fr).into(),
        "origin" => centre_names
            .get(value)
            .cloned()
            .unwrap_or_else(|| value.into()),
        _ => value.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_values_get_human_labels() {
        let names = HashMap::from([("https://a.example/centres/x".into(), "Centre X".into())]);
        assert_eq!(
            facet_label("category", "files", &names),
            "Stockage et partage de fichiers"
        );
        assert_eq!(
            facet_label("origin", "https://a.example/centres/x", &names),
            "Centre X"
        );
        assert_eq!(facet_label("kind", "software", &names), "Logiciel");
        assert_eq!(
            facet_label("license", "AGPL-3.0-or-later", &names),
            "AGPL-3.0-or-later"
        );
    }
}
