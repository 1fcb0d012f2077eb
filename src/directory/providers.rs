//! Hosting providers: list, read, create, edit, delete. A provider record is shared by every
//! offer that names it; editing it rewrites those offers and tells followers of this node's
//! centres about the recommendations that changed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::provider::{ProviderCard, ProviderInput, ProviderKind};
use crate::storage::Window;
use crate::storage::providers::{self, ProviderRow};

use super::audit::Action;
use super::federating::recommendation_audience;
use super::recommendations::words;
use super::views::Listing;
use super::{Directory, DirectoryError, now};
use crate::federation::publish;

/// Filters of `GET /api/v1/providers`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ProviderQuery {
    /// Words to find in the name or the website (case and accents ignored).
    pub q: Option<String>,
}

/// A provider as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderView {
    /// Its page on this node, `/providers/{key}`.
    pub id: String,
    /// This node's key for it, which offers name (`hosting[].provider`).
    pub key: String,
    pub name: String,
    pub website: String,
    pub kind: ProviderKind,
    pub chatons: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// How many recommendations offer a service it runs.
    pub offers: usize,
    pub updated: DateTime<Utc>,
}

impl Directory {
    fn provider_view(&self, row: &ProviderRow, offers: usize) -> ProviderView {
        ProviderView {
            id: self.urls().provider(&row.key).to_string(),
            key: row.key.clone(),
            name: row.name.clone(),
            website: row.website.clone(),
            kind: row.kind(),
            chatons: row.chatons,
            country: row.country.clone(),
            offers,
            updated: row.updated_at.and_utc(),
        }
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_providers(
        &self,
        query: &ProviderQuery,
        window: Window,
    ) -> Result<Listing<ProviderView>, DirectoryError> {
        let words = words(query.q.as_deref());
        let page = self
            .db()
            .run(move |conn| {
                let page = ProviderRow::list(conn, &words, window)?;
                let counts = providers::offer_counts(conn)?;
                let rows: Vec<(ProviderRow, usize)> = page
                    .rows
                    .into_iter()
                    .map(|row| {
                        let offers = counts.get(&row.key).copied().unwrap_or(0);
                        (row, offers)
                    })
                    .collect();
                Ok((page.total, rows))
            })
            .await?;
        Ok(Listing {
            total: page.0,
            results: page
                .1
                .iter()
                .map(|(row, offers)| self.provider_view(row, *offers))
                .collect(),
        })
    }

    /// The records as offers show them, by name: what the admin form picks from.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn provider_cards(&self) -> Result<Vec<ProviderCard>, DirectoryError> {
        let rows = self.db().run(providers::all).await?;
        Ok(rows.iter().map(ProviderRow::card).collect())
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn provider(&self, key: &str) -> Result<ProviderView, DirectoryError> {
        let (row, offers) = self.find_provider(key).await?;
        Ok(self.provider_view(&row, offers))
    }

    /// The stored provider as the input a PATCH merges into.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn provider_input(&self, key: &str) -> Result<ProviderInput, DirectoryError> {
        Ok(self.find_provider(key).await?.0.input())
    }

    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn create_provider(
        &self,
        input: &ProviderInput,
    ) -> Result<ProviderView, DirectoryError> {
        let spec = input.validate()?;
        let row = self
            .db()
            .write(move |conn| {
                if let Some(same) = ProviderRow::find_by_website(conn, &spec)? {
                    return Ok(Err(same_website(&same)));
                }
                ProviderRow::insert(conn, &spec, now()).map(Ok)
            })
            .await??;
        let view = self.provider_view(&row, 0);
        self.audited(Action::Created, "provider", &view.key, &view.name)
            .await;
        Ok(view)
    }

    /// Edits the record, rewrites the offers that name it, and sends an `Update` of each of
    /// this node's published recommendations among them (in the same transaction).
    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn update_provider(
        &self,
        key: &str,
        input: &ProviderInput,
    ) -> Result<ProviderView, DirectoryError> {
        let spec = input.validate()?;
        let (current, _) = self.find_provider(key).await?;
        let urls = self.urls().clone();
        let (row, offers) = self
            .db()
            .write(move |conn| {
                if let Some(same) = ProviderRow::find_by_website(conn, &spec)?
                    && same.id != current.id
                {
                    return Ok(Err(same_website(&same)));
                }
                let row = ProviderRow::update(conn, current.id, &spec, now())?;
                let changed = providers::refresh_offers(conn, &row)?;
                for rec in changed.iter().filter(|r| r.local) {
                    let audience = recommendation_audience(rec.status);
                    publish::entry_changed(conn, &urls, &rec.ap_id, audience, audience)?;
                }
                Ok(Ok((row, changed.len())))
            })
            .await??;
        self.federation().wake();
        let view = self.provider_view(&row, offers);
        self.audited(Action::Updated, "provider", &view.key, &view.name)
            .await;
        Ok(view)
    }

    /// Deletes a record that no offer names any more.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn delete_provider(&self, key: &str) -> Result<(), DirectoryError> {
        let (row, offers) = self.find_provider(key).await?;
        let title = row.name.clone();
        if offers > 0 {
            return Err(DirectoryError::Conflict {
                field: None,
                message: format!(
                    "{} runs services offered by {offers} recommendation(s): remove it from \
                     their hosting first (GET /api/v1/recommendations?provider={})",
                    row.name, row.key
                ),
            });
        }
        self.db()
            .write(move |conn| ProviderRow::delete(conn, row.id))
            .await?;
        self.audited(Action::Deleted, "provider", key, &title).await;
        Ok(())
    }

    async fn find_provider(&self, key: &str) -> Result<(ProviderRow, usize), DirectoryError> {
        let owned = key.to_owned();
        self.db()
            .run(move |conn| {
                let Some(row) = ProviderRow::find_by_key(conn, &owned)? else {
                    return Ok(None);
                };
                let offers = providers::offer_count(conn, &row.key)?;
                Ok(Some((row, offers)))
            })
            .await?
            .ok_or_else(|| DirectoryError::NotFound(format!("provider {key}")))
    }
}

fn same_website(same: &ProviderRow) -> DirectoryError {
    DirectoryError::Conflict {
        field: Some("website".into()),
        message: format!(
            "{} already has this website: edit /api/v1/providers/{} instead",
            same.name, same.key
        ),
    }
}
