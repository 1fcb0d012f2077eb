//! `GET /api/v1/search`: recommendations and contacts in one listing.
//!
//! This first version matches folded words (case and accents ignored) against a search text
//! stored with each record, which holds every name of the replaced products; the full-text index
//! replaces it later without changing the response.

use crate::storage::Window;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::storage::contacts::ContactFilter;
use crate::storage::recommendations::Order;

use super::contacts::visible_to;
use super::recommendations::{RecommendationQuery, words};
use super::views::{Listing, SearchHit};
use super::{Access, Directory, DirectoryError};

/// Parameters of `GET /api/v1/search`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Words to find, in French or English, accents and case ignored ("google drive", "visio").
    pub q: Option<String>,
    /// Category id.
    pub category: Option<String>,
    /// A replaced product by any of its names.
    pub replaces: Option<String>,
    /// The authoring centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// `recommendation` or `contact`; both when absent.
    pub kind: Option<String>,
    /// ISO 3166 code.
    pub region: Option<String>,
}

impl Directory {
    pub async fn search(
        &self,
        query: &SearchQuery,
        window: Window,
        access: Access,
    ) -> Result<Listing<SearchHit>, DirectoryError> {
        let kind = query.kind.as_deref().map(|k| k.trim().to_lowercase());
        let kind = kind.as_deref().filter(|k| !k.is_empty());
        if let Some(k) = kind
            && k != "recommendation"
            && k != "contact"
        {
            return Err(crate::domain::FieldError::new(
                "kind",
                format!("`{k}` is not one of recommendation, contact"),
            )
            .into());
        }
        // Filters that only recommendations have leave contacts out.
        let recommendation_only = [&query.category, &query.replaces, &query.region]
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()));
        let want_recommendations = kind != Some("contact");
        let want_contacts = kind != Some("recommendation") && !recommendation_only;

        let mut results = Vec::new();
        let mut total = 0;
        let mut window = window;
        if want_recommendations {
            let rq = RecommendationQuery {
                q: query.q.clone(),
                category: query.category.clone(),
                replaces: query.replaces.clone(),
                origin: query.origin.clone(),
                region: query.region.clone(),
                ..Default::default()
            };
            let mut filter = self.recommendation_filter(&rq, access).await?;
            filter.order = Order::Name;
            let listing = self.list_recommendation_views(filter, window).await?;
            total += listing.total;
            window = after(window, listing.total, listing.results.len());
            results.extend(listing.results.into_iter().map(SearchHit::Recommendation));
        }
        if want_contacts {
            let filter = ContactFilter {
                words: words(query.q.as_deref()),
                origin: self.origin_actor(query.origin.clone()).await?,
                visibilities: visible_to(access),
                include_hidden_by_moderation: access == Access::Staff,
            };
            let listing = self.list_contact_views(filter, window, access).await?;
            total += listing.total;
            results.extend(listing.results.into_iter().map(SearchHit::Contact));
        }
        Ok(Listing { total, results })
    }
}

/// The window left for the next kind once `total` results of this kind were counted and
/// `shown` of them returned.
fn after(window: Window, total: i64, shown: usize) -> Window {
    let shown = i64::try_from(shown).unwrap_or(i64::MAX);
    Window {
        offset: (window.offset - total).max(0),
        limit: (window.limit - shown).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_continue_from_one_kind_to_the_next() {
        // 25 recommendations, page of 10 starting at 20: 5 recommendations then 5 contacts.
        let w = after(
            Window {
                offset: 20,
                limit: 10,
            },
            25,
            5,
        );
        assert_eq!((w.offset, w.limit), (0, 5));
        // Page starting at 30: no recommendation left, contacts start at 5.
        let w = after(
            Window {
                offset: 30,
                limit: 10,
            },
            25,
            0,
        );
        assert_eq!((w.offset, w.limit), (5, 10));
    }
}
