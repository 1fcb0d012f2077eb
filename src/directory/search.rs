//! Searching the directory: one card per software (every centre's recommendation of it), the
//! mediators' contact cards and the centres, in one ranked listing with facet counts; and
//! suggestions as one types. The full-text index (`crate::search`) finds the keys; the records
//! are then loaded from the database and shown with the same views as everywhere else, and who
//! may see what is checked again on the loaded rows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::FieldError;
use crate::domain::category::Category;
use crate::domain::provider::HostedOffer;
use crate::domain::recommendation::Status;
use crate::domain::text::fold;
use crate::domain::{product, region};
use crate::search::{Found, Kind, Request, SuggestionKind};
use crate::storage::centres::CentreRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::search::{self as rows, RecommendationSource, Selection};

use super::contacts::visible_to;
use super::views::{
    CentreCard, CentreRef, ContactView, MediatorRef, RecommendationView, SearchHit, SoftwareCard,
};
use super::{Access, Directory, DirectoryError};

/// Results per page when the caller does not say.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Most values listed per facet, the most frequent first.
const FACET_VALUES: usize = 50;
/// Mediators named on a software card.
const MEDIATORS_PER_CARD: usize = 3;
/// Most suggestions answered.
pub const MAX_SUGGESTIONS: usize = 10;

/// Parameters of a search (`GET /api/v1/search`, the website's search page).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What the visitor asks, in French or English: a product to replace ("google drive",
    /// "par quoi remplacer WhatsApp ?"), a need ("visio", "faire un sondage"), a software, a
    /// person's role or name, a centre. Accents and case are ignored, intent words ("remplacer",
    /// "alternative à", "instead of") never have to match, synonyms and gendered forms find
    /// each other, prefixes and one typo in longer words are allowed ("nextclod").
    pub q: Option<String>,
    /// `software`, `contact` or `centre`; all three when absent.
    pub kind: Option<String>,
    /// Category id (`files`, `videoconf`...).
    pub category: Option<String>,
    /// A replaced product by any of its names (`hangouts` is Google Meet).
    pub replaces: Option<String>,
    /// The centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// SPDX licence expression of the software, as the `license` facet lists it.
    pub license: Option<String>,
    /// ISO 3166 code; a country also matches its subdivisions. Centres of that region come
    /// first on each card.
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
    /// How many results match, over all pages: one per software, contact card and centre.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub results: Vec<SearchHit>,
    /// Facet name (`kind`, `category`, `replaces`, `origin`, `license`, `region`,
    /// `audience`) -> its values among the results, the most frequent first. Counts are of
    /// results (a software recommended by three centres counts once), over the whole matching
    /// set with every active filter applied: the `kind` counts add up to `total`; a software
    /// filed in two categories counts in both.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// When nothing matched: the same words with each unknown one replaced by the closest word
    /// the directory knows, when that finds something ("nexcloud" -> "nextcloud").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
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

/// Parameters of `GET /api/v1/suggest`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// What has been typed so far.
    pub q: Option<String>,
    /// `fr` (default) or `en`: the language of category labels.
    pub lang: Option<String>,
    /// How many suggestions, at most 10. Default 8.
    pub limit: Option<u32>,
}

/// What the search box proposes while one types.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Suggestions {
    pub suggestions: Vec<SuggestionView>,
}

/// One suggestion: a replaced product, a software or a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SuggestionView {
    /// `product`, `software` or `category`.
    pub kind: String,
    /// What to show.
    pub label: String,
    /// The product's canonical name, the software's slug, the category's id.
    pub value: String,
    /// Where the website shows it: the alternatives to the product, the software's page, the
    /// category's page.
    pub href: String,
    /// Software replacing the product or filed in the category; centres recommending the
    /// software.
    pub count: u64,
}

/// A trimmed, non-empty parameter.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse_kind(value: &str) -> Result<Kind, FieldError> {
    let value = value.to_lowercase();
    Kind::parse(&value).ok_or_else(|| {
        let reason = if value == "recommendation" {
            "recommendations are gathered in one `software` result per software; use \
             `software`, or GET /api/v1/recommendations for each centre's entries"
                .to_owned()
        } else {
            format!("`{value}` is not one of software, contact, centre")
        };
        FieldError::new("kind", reason)
    })
}

impl Directory {
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn search(
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
            kind: given(&query.kind).map(parse_kind).transpose()?,
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
        let near = request.region.clone();
        let found = self.search_index().await?.search(request).await?;
        let total = i64::try_from(found.total).unwrap_or(i64::MAX);
        let did_you_mean = found.did_you_mean.clone();
        let (results, facets) = self.load_hits(found, access, near).await?;
        Ok(SearchResults {
            total,
            page,
            per_page,
            results,
            facets,
            did_you_mean,
        })
    }

    /// The records behind a page of hits, in rank order, and the facets with their labels.
    async fn load_hits(
        &self,
        found: Found,
        access: Access,
        near: Option<String>,
    ) -> Result<(Vec<SearchHit>, BTreeMap<String, Vec<FacetCount>>), DirectoryError> {
        let ids = |kind: Kind| -> Vec<i64> {
            found
                .hits
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect()
        };
        let (software, cards, centres) =
            (ids(Kind::Software), ids(Kind::Contact), ids(Kind::Centre));
        let facet_origins: BTreeSet<String> = found
            .facets
            .get("origin")
            .into_iter()
            .flatten()
            .map(|(value, _)| value.clone())
            .collect();
        let loaded = self
            .db()
            .run(move |conn| {
                let recs = rows::recommendations_of_software(conn, &software)?;
                let mut actors = facet_origins;
                for rec in &recs {
                    actors.extend(rec.endorsed_by.iter().cloned());
                }
                Ok(Loaded {
                    software: rows::software(conn, Selection::Ids(&software))?,
                    recs,
                    contacts: rows::contacts(conn, Selection::Ids(&cards))?,
                    centres: rows::centres(conn, Selection::Ids(&centres))?,
                    names: rows::centre_names(conn, &actors)?,
                    home: CentreRow::list_local(conn)?
                        .into_iter()
                        .next()
                        .and_then(|c| c.region),
                })
            })
            .await?;
        let Loaded {
            software,
            recs,
            contacts,
            centres,
            names,
            home,
        } = loaded;
        let near = near.or(home);

        let staff = access == Access::Staff;
        let shown_rec =
            |row: &RecommendationRow| staff || (row.status == Status::Published && !row.hidden);
        let mut by_software: HashMap<i64, Vec<&RecommendationSource>> = HashMap::new();
        for rec in recs.iter().filter(|r| shown_rec(&r.row)) {
            by_software.entry(rec.software.id).or_default().push(rec);
        }
        let knowing = self
            .mediators_knowing(software.iter().map(|s| s.name.as_str()), access)
            .await?;
        let visibilities = visible_to(access);
        let mut software: HashMap<i64, _> = software.into_iter().map(|s| (s.id, s)).collect();
        let mut contacts: HashMap<i64, _> = contacts.into_iter().map(|c| (c.0.id, c)).collect();
        let mut centres: HashMap<i64, _> = centres.into_iter().map(|c| (c.id, c)).collect();
        let mut results = Vec::with_capacity(found.hits.len());
        for (kind, id) in &found.hits {
            let hit = match kind {
                Kind::Software => software.remove(id).and_then(|row| {
                    let recs = by_software.remove(id).unwrap_or_default();
                    (!recs.is_empty()).then(|| {
                        let mediators = knowing.get(&fold(&row.name)).cloned().unwrap_or_default();
                        SearchHit::Software(software_card(
                            &row,
                            &recs,
                            &names,
                            near.as_deref(),
                            mediators,
                        ))
                    })
                }),
                Kind::Contact => contacts
                    .remove(id)
                    .filter(|(row, _)| {
                        visibilities.contains(&row.visibility) && (staff || !row.hidden)
                    })
                    .map(|(row, centre)| {
                        SearchHit::Contact(ContactView::build(&row, &centre, access))
                    }),
                Kind::Centre => centres
                    .remove(id)
                    .filter(|row| row.is_directory)
                    .map(|row| {
                        SearchHit::Centre(CentreCard {
                            kind: Kind::Centre.as_str().into(),
                            centre: (&row).into(),
                        })
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
                        label: facet_label(&name, &value, &names),
                        value,
                        count,
                    })
                    .collect();
                (name, counts)
            })
            .collect();
        Ok((results, facets))
    }

    /// The mediators who know each of these software, by folded software name, as `access`
    /// may see them.
    async fn mediators_knowing(
        &self,
        software: impl Iterator<Item = &str>,
        access: Access,
    ) -> Result<HashMap<String, Vec<MediatorRef>>, DirectoryError> {
        let names: Vec<String> = software.map(fold).collect();
        if names.is_empty() {
            return Ok(HashMap::new());
        }
        let ids = self
            .search_index()
            .await?
            .knowing(names, access == Access::Public, MEDIATORS_PER_CARD)
            .await?;
        let all: Vec<i64> = ids
            .values()
            .flatten()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let cards = self
            .db()
            .run(move |conn| rows::contacts(conn, Selection::Ids(&all)))
            .await?;
        let visibilities = visible_to(access);
        let staff = access == Access::Staff;
        let views: HashMap<i64, MediatorRef> = cards
            .iter()
            .filter(|(row, _)| visibilities.contains(&row.visibility) && (staff || !row.hidden))
            .map(|(row, centre)| (row.id, (&ContactView::build(row, centre, access)).into()))
            .collect();
        Ok(ids
            .into_iter()
            .map(|(name, ids)| {
                let refs = ids.iter().filter_map(|id| views.get(id).cloned()).collect();
                (name, refs)
            })
            .collect())
    }

    /// What to propose for what has been typed so far.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn suggest(
        &self,
        query: &SuggestQuery,
    ) -> Result<Suggestions, DirectoryError> {
        let limit = query.limit.unwrap_or(8);
        if limit == 0 || limit as usize > MAX_SUGGESTIONS {
            return Err(FieldError::new(
                "limit",
                format!("must be between 1 and {MAX_SUGGESTIONS}"),
            )
            .into());
        }
        let english = match given(&query.lang).map(str::to_lowercase).as_deref() {
            None | Some("fr") => false,
            Some("en") => true,
            Some(other) => {
                return Err(FieldError::new("lang", format!("`{other}` is not fr or en")).into());
            }
        };
        let typed = given(&query.q).unwrap_or_default();
        let found = self
            .search_index()
            .await?
            .suggest(typed, limit as usize)
            .await?;
        let suggestions = found
            .into_iter()
            .map(|s| {
                let encoded: String =
                    url::form_urlencoded::byte_serialize(s.value.as_bytes()).collect();
                let (label, href) = match s.kind {
                    SuggestionKind::Product => (s.label, format!("/search?replaces={encoded}")),
                    SuggestionKind::Software => (s.label, format!("/software/{encoded}")),
                    SuggestionKind::Category => (
                        Category::find(&s.value)
                            .map(|c| c.label(if english { "en" } else { "fr" }).to_owned())
                            .unwrap_or(s.label),
                        format!("/categories/{encoded}"),
                    ),
                };
                SuggestionView {
                    kind: s.kind.as_str().into(),
                    label,
                    value: s.value,
                    href,
                    count: s.count,
                }
            })
            .collect();
        Ok(Suggestions { suggestions })
    }
}

/// What one search loads from the database.
struct Loaded {
    software: Vec<crate::storage::software::SoftwareRow>,
    recs: Vec<RecommendationSource>,
    contacts: Vec<crate::storage::contacts::ContactRecord>,
    centres: Vec<CentreRow>,
    /// Centre names by actor id (facet labels, endorsers).
    names: HashMap<String, String>,
    /// The region of this node's first centre.
    home: Option<String>,
}

/// How far apart two regions are: 0 the same, 1 the same country, 2 another country; None
/// when either is unknown.
fn distance(a: Option<&str>, b: Option<&str>) -> Option<u8> {
    let (a, b) = (a?.to_uppercase(), b?.to_uppercase());
    let country = |code: &str| code.split('-').next().unwrap_or_default().to_owned();
    Some(if a == b {
        0
    } else if country(&a) == country(&b) {
        1
    } else {
        2
    })
}

/// The card of a software from the recommendations the caller may see (at least one).
fn software_card(
    row: &crate::storage::software::SoftwareRow,
    recs: &[&RecommendationSource],
    names: &HashMap<String, String>,
    near: Option<&str>,
    mediators: Vec<MediatorRef>,
) -> SoftwareCard {
    // Local first, then nearest, then by name; a region unknown comes after every known one.
    let mut ordered: Vec<&RecommendationSource> = recs.to_vec();
    let place = |r: &RecommendationSource| r.row.region.clone().or(r.centre.region.clone());
    ordered.sort_by_key(|r| {
        (
            !r.centre.local,
            distance(place(r).as_deref(), near).unwrap_or(3),
            fold(&r.centre.name),
            r.row.id,
        )
    });
    let mut replaces = BTreeSet::new();
    let mut categories = BTreeSet::new();
    let mut hosting: Vec<HostedOffer> = Vec::new();
    let mut recommended_by: Vec<CentreRef> = Vec::new();
    let mut recommendations = Vec::with_capacity(ordered.len());
    for rec in &ordered {
        replaces.extend(rec.replaces.iter().map(|p| product::canonical_name(p)));
        categories.insert(rec.row.category.clone());
        let view = RecommendationView::build(
            &rec.row,
            &rec.centre,
            &rec.software,
            rec.replaces.clone(),
            rec.endorsed_by.clone(),
        );
        for h in &view.hosting {
            if !hosting.iter().any(|k| k.url == h.url) {
                hosting.push(h.clone());
            }
        }
        if !recommended_by.iter().any(|c| c.id == rec.centre.actor_id) {
            recommended_by.push(CentreRef {
                id: rec.centre.actor_id.clone(),
                name: rec.centre.name.clone(),
                local: rec.centre.local,
                endorses: false,
            });
        }
        recommendations.push(view);
    }
    for rec in &ordered {
        for endorser in &rec.endorsed_by {
            if !recommended_by.iter().any(|c| c.id == *endorser) {
                recommended_by.push(CentreRef {
                    id: endorser.clone(),
                    name: names
                        .get(endorser)
                        .cloned()
                        .unwrap_or_else(|| endorser.clone()),
                    local: false,
                    endorses: true,
                });
            }
        }
    }
    SoftwareCard {
        kind: Kind::Software.as_str().into(),
        slug: row.slug.clone(),
        name: row.name.clone(),
        homepage: row.homepage.clone(),
        license: row.license.clone(),
        replaces: replaces.into_iter().collect(),
        categories: categories.into_iter().collect(),
        centres: u64::try_from(recommended_by.len()).unwrap_or(u64::MAX),
        recommended_by,
        recommendations,
        hosting,
        mediators,
    }
}

/// What a person reads for a facet value.
fn facet_label(facet: &str, value: &str, centre_names: &HashMap<String, String>) -> String {
    match facet {
        "kind" => match Kind::parse(value) {
            Some(Kind::Software) => "Logiciel".into(),
            Some(Kind::Contact) => "Médiateur ou médiatrice".into(),
            Some(Kind::Centre) => "Centre".into(),
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
        assert_eq!(facet_label("kind", "centre", &names), "Centre");
        assert_eq!(
            facet_label("license", "AGPL-3.0-or-later", &names),
            "AGPL-3.0-or-later"
        );
    }

    #[test]
    fn regions_are_near_in_the_same_code_then_the_same_country() {
        assert_eq!(distance(Some("FR-ARA"), Some("fr-ara")), Some(0));
        assert_eq!(distance(Some("FR-ARA"), Some("FR-BRE")), Some(1));
        assert_eq!(distance(Some("FR"), Some("FR-BRE")), Some(1));
        assert_eq!(distance(Some("CH-GE"), Some("FR-ARA")), Some(2));
        assert_eq!(distance(None, Some("FR-ARA")), None);
    }

    #[test]
    fn recommendation_results_name_what_replaced_them() {
        let err = parse_kind("Recommendation").unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.reason.contains("software"), "{}", err.reason);
        assert!(parse_kind("places").unwrap_err().reason.contains("centre"));
        assert_eq!(parse_kind("CENTRE").unwrap(), Kind::Centre);
    }
}
