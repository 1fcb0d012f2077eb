//! Publishing recommendations: create, read, edit, delete, list.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::FieldError;
use crate::domain::product;
use crate::domain::provider::{HostedOffer, ProviderChoice, ProviderRef};
use crate::domain::recommendation::{Hosting, RecommendationDraft, RecommendationInput, Status};
use crate::domain::software::SoftwareInput;
use crate::domain::text::fold;
use crate::storage::centres::CentreRow;
use crate::storage::endorsements::EndorsementRow;
use crate::storage::ids::{CentreId, SoftwareId};
use crate::storage::providers::{self, ProviderRow};
use crate::storage::recommendations::{
    self, RecommendationFilter, RecommendationIdentity, RecommendationRecord, RecommendationRow,
};
use crate::storage::software::{self, SoftwareRow};
use crate::storage::{Conn, StorageError, Window, products};

use super::audit::Action;
use super::federating::recommendation_audience;
use super::views::{Listing, RecommendationView};
use super::{Access, Directory, DirectoryError, new_key, now};
use crate::federation::audience::Audience;
use crate::federation::publish;

/// What [`Directory::insert_recommendation`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inserted {
    New(String),
    Existing {
        key: String,
        software: String,
        category: String,
    },
}

/// Filters of `GET /api/v1/recommendations`, as the caller gives them.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct RecommendationQuery {
    /// Words to find (case and accents ignored).
    pub q: Option<String>,
    /// Category id.
    pub category: Option<String>,
    /// A replaced product, by any of its names ("google drive", "hangouts").
    pub replaces: Option<String>,
    /// The authoring centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// `published`, `draft` or `withdrawn` (the public only ever sees `published`).
    pub status: Option<String>,
    /// ISO 3166 code; a country also matches its subdivisions.
    pub region: Option<String>,
    /// Software slug.
    pub software: Option<String>,
    /// Key of a hosting provider (`GET /api/v1/providers`): recommendations with an offer it runs.
    pub provider: Option<String>,
}

impl Directory {
    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn create_recommendation(
        &self,
        centre: Option<&str>,
        input: &RecommendationInput,
    ) -> Result<RecommendationView, DirectoryError> {
        let draft = input.validate()?;
        self.check_providers(&draft).await?;
        let centre = self.local_centre_or_first(centre).await?;
        match self.insert_recommendation(centre, draft).await? {
            Inserted::New(key) => {
                let view = self.recommendation(&key, Access::Staff).await?;
                self.audited(Action::Created, "recommendation", &key, &view.software.name)
                    .await;
                Ok(view)
            }
            Inserted::Existing {
                key,
                software,
                category,
            } => Err(already_recommended(&software, &category, &key)),
        }
    }

    /// Stores a new recommendation of a local centre, unless the centre already recommends
    /// this software in this category.
    pub(crate) async fn insert_recommendation(
        &self,
        centre: CentreRow,
        draft: RecommendationDraft,
    ) -> Result<Inserted, DirectoryError> {
        Ok(self.insert_recommendation_noting(centre, draft).await?.0)
    }

    /// [`insert_recommendation`](Self::insert_recommendation), saying also whether the
    /// software record was updated with the draft's facts (for import reports).
    pub(crate) async fn insert_recommendation_noting(
        &self,
        centre: CentreRow,
        draft: RecommendationDraft,
    ) -> Result<(Inserted, bool), DirectoryError> {
        let key = new_key();
        let ap_id = self.urls().recommendation(&key).to_string();
        let audience = recommendation_audience(draft.status);
        let urls = self.urls().clone();
        let identity = RecommendationIdentity {
            ap_id: ap_id.clone(),
            key: key.clone(),
            centre_id: centre.id,
            local: true,
            created_at: now(),
        };
        let inserted = self
            .db()
            .write(move |conn| {
                let at = now();
                let software = software::upsert(conn, &draft.software, true, at)?;
                // Stamped with this write's time, and not by its creation (`now` is already
                // to the precision both backends keep).
                let updated = software.updated_at == at && software.created_at != at;
                if let Some(same) = same_recommendation(conn, &centre, &software, &draft, None)? {
                    return Ok((
                        Inserted::Existing {
                            key: same.key,
                            software: software.name,
                            category: draft.category.id.to_owned(),
                        },
                        updated,
                    ));
                }
                let offers = providers::offers(conn, &draft.hosting, at)?;
                let fields =
                    recommendations::fields(&draft, &centre, &software, &offers, None, None, at)?;
                let row = RecommendationRow::insert(conn, &identity, &fields)?;
                recommendations::link_products(conn, row.id, &draft)?;
                // The activities go in the same transaction as the change.
                publish::entry_changed(conn, &urls, &ap_id, Audience::Nobody, audience)?;
                Ok((Inserted::New(key), updated))
            })
            .await?;
        self.federation().wake();
        Ok(inserted)
    }

    /// One recommendation by key. The public sees only published, unhidden ones.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn recommendation(
        &self,
        key: &str,
        access: Access,
    ) -> Result<RecommendationView, DirectoryError> {
        let record = self.find_recommendation(key).await?;
        let (rec, _, _) = &record;
        if access == Access::Public && (rec.status != Status::Published || rec.hidden) {
            return Err(not_found(key));
        }
        self.view_one(record).await
    }

    /// The stored recommendation as the input a PATCH merges into.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn recommendation_input(
        &self,
        key: &str,
    ) -> Result<RecommendationInput, DirectoryError> {
        let (rec, _, software) = self.find_recommendation(key).await?;
        let replaces = self.replaced_products(rec.id).await?;
        Ok(RecommendationInput {
            software: SoftwareInput {
                name: software.name,
                homepage: software.homepage,
                repository: software.repository,
                license: software.license,
                wikidata: software.wikidata,
            },
            replaces,
            category: rec.category,
            summary: rec.summary,
            language: Some(rec.language),
            rationale: rec.rationale,
            level: rec.level,
            region: rec.region,
            hosting: serde_json::from_str::<Vec<HostedOffer>>(&rec.hosting)
                .unwrap_or_default()
                .into_iter()
                .map(|offer| Hosting {
                    name: offer.name,
                    url: offer.url,
                    provider: offer.provider.map(|p| ProviderRef::Key(p.key)),
                })
                .collect(),
            audience: serde_json::from_str(&rec.audience).unwrap_or_default(),
            status: rec.status,
        })
    }

    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn update_recommendation(
        &self,
        key: &str,
        input: &RecommendationInput,
    ) -> Result<RecommendationView, DirectoryError> {
        let draft = input.validate()?;
        self.check_providers(&draft).await?;
        let (rec, centre, old_software) = self.find_recommendation(key).await?;
        ensure_local(&rec)?;
        let (ap_id, before, after) = (
            rec.ap_id.clone(),
            recommendation_audience(rec.status),
            recommendation_audience(draft.status),
        );
        let urls = self.urls().clone();
        let outcome = self
            .db()
            .write(move |conn| {
                let software = software::upsert(conn, &draft.software, true, now())?;
                if let Some(same) =
                    same_recommendation(conn, &centre, &software, &draft, Some(rec.id))?
                {
                    return Ok(Err(already_recommended(
                        &software.name,
                        draft.category.id,
                        &same.key,
                    )));
                }
                let offers = providers::offers(conn, &draft.hosting, now())?;
                let fields = recommendations::fields(
                    &draft,
                    &centre,
                    &software,
                    &offers,
                    rec.published_at,
                    None,
                    now(),
                )?;
                RecommendationRow::update(conn, rec.id, &fields)?;
                recommendations::link_products(conn, rec.id, &draft)?;
                if old_software.id != software.id {
                    SoftwareRow::delete_if_unused(conn, old_software.id)?;
                }
                publish::entry_changed(conn, &urls, &ap_id, before, after)?;
                Ok(Ok(()))
            })
            .await?;
        outcome?;
        self.federation().wake();
        let view = self.recommendation(key, Access::Staff).await?;
        self.audited(Action::Updated, "recommendation", key, &view.software.name)
            .await;
        Ok(view)
    }

    /// Every provider named by key exists (a described one is found or created on write).
    async fn check_providers(&self, draft: &RecommendationDraft) -> Result<(), DirectoryError> {
        for (i, offer) in draft.hosting.iter().enumerate() {
            if let Some(ProviderChoice::Key(key)) = &offer.provider {
                let found = {
                    let key = key.clone();
                    self.db()
                        .run(move |conn| ProviderRow::find_by_key(conn, &key))
                        .await?
                };
                if found.is_none() {
                    return Err(FieldError::new(
                        format!("hosting.{i}.provider"),
                        format!("no provider `{key}` on this node (see /api/v1/providers)"),
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    pub(crate) async fn delete_recommendation(&self, key: &str) -> Result<(), DirectoryError> {
        let (rec, centre, software) = self.find_recommendation(key).await?;
        ensure_local(&rec)?;
        let (ap_id, before) = (rec.ap_id.clone(), recommendation_audience(rec.status));
        let urls = self.urls().clone();
        let title = software.name.clone();
        self.db()
            .write(move |conn| {
                RecommendationRow::delete(conn, rec.id)?;
                SoftwareRow::delete_if_unused(conn, software.id)?;
                publish::recommendation_deleted(conn, &urls, &ap_id, &centre, before)
            })
            .await?;
        self.federation().wake();
        self.audited(Action::Deleted, "recommendation", key, &title)
            .await;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_recommendations(
        &self,
        query: &RecommendationQuery,
        window: Window,
        access: Access,
    ) -> Result<Listing<RecommendationView>, DirectoryError> {
        let filter = self.recommendation_filter(query, access).await?;
        self.list_recommendation_views(filter, window).await
    }

    pub(crate) async fn recommendation_filter(
        &self,
        query: &RecommendationQuery,
        access: Access,
    ) -> Result<RecommendationFilter, DirectoryError> {
        let software_id = match query.software.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(slug) => {
                let slug = slug.to_owned();
                // An unknown slug matches nothing rather than everything.
                Some(
                    self.db()
                        .run(move |conn| SoftwareRow::find_by_slug(conn, &slug))
                        .await?
                        .map_or(-1, |s| s.id),
                )
            }
        };
        let non_empty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Ok(RecommendationFilter {
            words: words(query.q.as_deref()),
            category: non_empty(&query.category).map(|c| c.to_lowercase()),
            product_key: non_empty(&query.replaces).map(|p| fold(&product::canonical_name(&p))),
            origin: self.origin_actor(non_empty(&query.origin)).await?,
            status: non_empty(&query.status)
                .map(|s| {
                    Status::parse(&s.to_lowercase()).ok_or_else(|| {
                        FieldError::new("status", "expected published, draft or withdrawn")
                    })
                })
                .transpose()?,
            software_id,
            region: non_empty(&query.region).map(|r| r.to_uppercase()),
            provider_key: non_empty(&query.provider),
            public_only: access == Access::Public,
            order: Default::default(),
        })
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_recommendation_views(
        &self,
        filter: RecommendationFilter,
        window: Window,
    ) -> Result<Listing<RecommendationView>, DirectoryError> {
        let (page, mut names, mut endorsers) = self
            .db()
            .run(move |conn| {
                let page = RecommendationRow::list(conn, &filter, window)?;
                let ids: Vec<i64> = page.rows.iter().map(|(r, _, _)| r.id).collect();
                let names = products::names_for(conn, &ids)?;
                let endorsers = EndorsementRow::endorsers_of(conn, &ids)?;
                Ok((page, names, endorsers))
            })
            .await?;
        Ok(Listing {
            total: page.total,
            results: page
                .rows
                .iter()
                .map(|(rec, centre, software)| {
                    let replaces = names.remove(&rec.id).unwrap_or_default();
                    let endorsed_by = endorsers.remove(&rec.id).unwrap_or_default();
                    RecommendationView::build(rec, centre, software, replaces, endorsed_by)
                })
                .collect(),
        })
    }

    /// An `origin` filter given as an actor id, `@user@domain` or a local username.
    pub(crate) async fn origin_actor(
        &self,
        origin: Option<String>,
    ) -> Result<Option<String>, DirectoryError> {
        let Some(origin) = origin else {
            return Ok(None);
        };
        if origin.starts_with("http://") || origin.starts_with("https://") {
            return Ok(Some(origin));
        }
        let username = origin
            .trim_start_matches('@')
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(Some(match self.local_centre(&username).await {
            Ok(centre) => centre.actor_id,
            // Unknown: a value that matches no centre, so the listing is empty.
            Err(DirectoryError::NotFound(_)) => origin,
            Err(e) => return Err(e),
        }))
    }

    async fn find_recommendation(&self, key: &str) -> Result<RecommendationRecord, DirectoryError> {
        let owned = key.to_owned();
        self.db()
            .run(move |conn| RecommendationRow::find_by_key(conn, &owned))
            .await?
            .ok_or_else(|| not_found(key))
    }

    async fn view_one(
        &self,
        record: RecommendationRecord,
    ) -> Result<RecommendationView, DirectoryError> {
        let id = record.0.id;
        let replaces = self.replaced_products(id).await?;
        let endorsed_by = self
            .db()
            .run(move |conn| EndorsementRow::endorsers_of(conn, &[id]))
            .await?
            .remove(&id)
            .unwrap_or_default();
        let (rec, centre, software) = &record;
        Ok(RecommendationView::build(
            rec,
            centre,
            software,
            replaces,
            endorsed_by,
        ))
    }

    /// The names of the products one recommendation replaces, in order.
    async fn replaced_products(&self, id: i64) -> Result<Vec<String>, DirectoryError> {
        Ok(self
            .db()
            .run(move |conn| products::names_of(conn, id))
            .await?)
    }
}

/// Folded search words of a query.
pub(crate) fn words(q: Option<&str>) -> Vec<String> {
    q.map(fold)
        .unwrap_or_default()
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(10)
        .map(str::to_owned)
        .collect()
}

fn not_found(key: &str) -> DirectoryError {
    DirectoryError::NotFound(format!("recommendation `{key}`"))
}

fn ensure_local(rec: &RecommendationRow) -> Result<(), DirectoryError> {
    if rec.local {
        Ok(())
    } else {
        Err(DirectoryError::Forbidden(
            "this recommendation was received from another node: only its author can change it"
                .into(),
        ))
    }
}

fn already_recommended(software: &str, category: &str, key: &str) -> DirectoryError {
    DirectoryError::Conflict {
        field: Some("software".into()),
        message: format!(
            "this centre already recommends {software} in category `{category}` \
             (recommendation {key}): edit that one instead"
        ),
    }
}

/// Another recommendation of this centre for the same software in the same category.
fn same_recommendation(
    conn: &mut Conn,
    centre: &CentreRow,
    software: &SoftwareRow,
    draft: &RecommendationDraft,
    current: Option<i64>,
) -> Result<Option<RecommendationRow>, StorageError> {
    let same = RecommendationRow::find_same(
        conn,
        CentreId(centre.id),
        SoftwareId(software.id),
        draft.category.id,
    )?;
    Ok(same.filter(|s| Some(s.id) != current))
}

impl Directory {
    /// Published, visible recommendations per category id.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn published_per_category(
        &self,
    ) -> Result<Vec<(String, i64)>, DirectoryError> {
        Ok(self
            .db()
            .run(RecommendationRow::count_published_by_category)
            .await?)
    }
}

impl Directory {
    /// The replaced products most often recommended against, with their counts.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn most_replaced(
        &self,
        limit: i64,
    ) -> Result<Vec<(String, i64)>, DirectoryError> {
        Ok(self
            .db()
            .run(move |conn| crate::storage::products::most_replaced(conn, limit))
            .await?)
    }
}
