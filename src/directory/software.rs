//! The software catalogue: one record per software, whoever recommends it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::storage::Window;
use crate::storage::software::SoftwareRow;

use super::views::{Listing, SoftwareView};
use super::{Directory, DirectoryError};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SoftwareEntry {
    #[serde(flatten)]
    pub software: SoftwareView,
    /// How many centres recommend it (published recommendations).
    pub recommended_by: i64,
}

impl Directory {
    /// Software that has at least one published recommendation, by name.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_software(
        &self,
        window: Window,
    ) -> Result<Listing<SoftwareEntry>, DirectoryError> {
        let page = self
            .db()
            .run(move |conn| SoftwareRow::list_recommended(conn, window))
            .await?;
        Ok(Listing {
            total: page.total,
            results: page
                .rows
                .iter()
                .map(|(row, n)| SoftwareEntry {
                    software: row.into(),
                    recommended_by: *n,
                })
                .collect(),
        })
    }
}

impl Directory {
    /// One software record by its slug.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn software_by_slug(
        &self,
        slug: &str,
    ) -> Result<SoftwareView, DirectoryError> {
        let owned = slug.trim().to_lowercase();
        self.db()
            .run(move |conn| SoftwareRow::find_by_slug(conn, &owned))
            .await?
            .map(|row| (&row).into())
            .ok_or_else(|| DirectoryError::NotFound(format!("software `{slug}`")))
    }
}
