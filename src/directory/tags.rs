//! Hashtag pages: the recommendations a hashtag of our Notes names, so that the `Hashtag`
//! links other servers show (`https://DOMAIN/tags/Nextcloud`) lead to what they name.
//!
//! A Note's hashtags are the software's name, `#LogicielLibre` (`#FreeSoftware` in English)
//! and `#Alternative<Product>` per replaced product (`federation::objects::recommendation`). A tag is
//! read back the same way, without regard to case or accents: `nextcloud`, `NextCloud` and
//! `Nextcloud` are one tag.

use crate::domain::text::fold;
use crate::federation::objects::recommendation::hashtag;
use crate::storage::Window;

use super::recommendations::RecommendationQuery;
use super::views::RecommendationView;
use super::{Access, Directory, DirectoryError};

/// The hashtags every recommendation carries.
const EVERY_RECOMMENDATION: [&str; 2] = ["LogicielLibre", "FreeSoftware"];
const ALTERNATIVE: &str = "alternative";

/// The recommendations of one hashtag.
#[derive(Debug, Clone)]
pub struct Tagged {
    /// The tag as the hashtag is written (`Nextcloud`, `AlternativeGoogleDrive`).
    pub tag: String,
    /// Published recommendations carrying it, the most recent first.
    pub recommendations: Vec<RecommendationView>,
}

/// A tag as compared: folded, without spaces.
fn tag_key(tag: &str) -> String {
    fold(tag).replace(' ', "")
}

impl Directory {
    /// The published recommendations whose Notes carry `#tag`; NotFound when no software or
    /// product is named so.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn tagged(&self, tag: &str, window: Window) -> Result<Tagged, DirectoryError> {
        let key = tag_key(tag.trim().trim_start_matches('#'));
        let not_found = || DirectoryError::NotFound(format!("hashtag `{}`", tag.trim()));
        if key.is_empty() {
            return Err(not_found());
        }
        if let Some(every) = EVERY_RECOMMENDATION.iter().find(|t| tag_key(t) == key) {
            let all = self
                .list_recommendations(&RecommendationQuery::default(), window, Access::Public)
                .await?;
            return Ok(Tagged {
                tag: (*every).to_owned(),
                recommendations: all.results,
            });
        }
        let (software, products) = self
            .db()
            .run(|conn| {
                Ok((
                    crate::storage::search::software(conn, crate::storage::search::Selection::All)?,
                    crate::storage::products::all_names(conn)?,
                ))
            })
            .await?;
        let mut queries: Vec<(String, RecommendationQuery)> = Vec::new();
        for row in software
            .iter()
            .filter(|s| tag_key(&hashtag(&s.name)) == key)
        {
            queries.push((
                hashtag(&row.name),
                RecommendationQuery {
                    software: Some(row.slug.clone()),
                    ..Default::default()
                },
            ));
        }
        if let Some(product) = key.strip_prefix(ALTERNATIVE) {
            for name in products.iter().filter(|p| tag_key(&hashtag(p)) == product) {
                queries.push((
                    format!("Alternative{}", hashtag(name)),
                    RecommendationQuery {
                        replaces: Some(name.clone()),
                        ..Default::default()
                    },
                ));
            }
        }
        let Some(tag) = queries.first().map(|(tag, _)| tag.clone()) else {
            return Err(not_found());
        };
        let mut recommendations: Vec<RecommendationView> = Vec::new();
        for (_, query) in &queries {
            for rec in self
                .list_recommendations(query, window, Access::Public)
                .await?
                .results
            {
                if !recommendations.iter().any(|r| r.id == rec.id) {
                    recommendations.push(rec);
                }
            }
        }
        recommendations.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
        recommendations.truncate(usize::try_from(window.limit).unwrap_or(usize::MAX));
        Ok(Tagged {
            tag,
            recommendations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_compare_without_case_accents_or_spaces() {
        assert_eq!(tag_key("Galène"), "galene");
        assert_eq!(tag_key(&hashtag("Google Drive")), "googledrive");
        assert_eq!(tag_key("AlternativeGoogleDrive"), "alternativegoogledrive");
        assert_eq!(tag_key(&hashtag("X (Twitter)")), "xtwitter");
    }
}
