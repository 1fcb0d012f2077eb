//! The software catalogue: one record per software, whoever recommends it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::software::SoftwareSpec;
use crate::domain::text;
use crate::storage::software::{SoftwareFacts, SoftwareRow};
use crate::storage::{Conn, StorageError, Window};

use super::views::{Listing, SoftwareView};
use super::{Directory, DirectoryError, now};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SoftwareEntry {
    #[serde(flatten)]
    pub software: SoftwareView,
    /// How many centres recommend it (published recommendations).
    pub recommended_by: i64,
}

/// Finds the record this description is about, or creates it. `authoritative` descriptions
/// (from this node's own centres) update the record's facts; others only fill in what is
/// missing, so a peer cannot rewrite what local staff entered.
pub(crate) fn upsert(
    conn: &mut Conn,
    spec: &SoftwareSpec,
    authoritative: bool,
) -> Result<SoftwareRow, StorageError> {
    SoftwareRow::lock_for_matching(conn)?;
    let keys = spec.match_keys();
    let facts = SoftwareFacts {
        name: spec.name.clone(),
        homepage: spec.homepage.to_string(),
        homepage_key: keys.homepage,
        repository: spec.repository.as_ref().map(ToString::to_string),
        repository_key: keys.repository,
        license: spec.license.as_ref().map(ToString::to_string),
        wikidata: keys.wikidata,
    };
    let now = now();
    match SoftwareRow::find_match(conn, &facts)? {
        Some(existing) => {
            let merged = if authoritative {
                SoftwareFacts {
                    repository: facts.repository.or(existing.repository.clone()),
                    repository_key: facts.repository_key.or(existing.repository_key.clone()),
                    license: facts.license.or(existing.license.clone()),
                    wikidata: facts.wikidata.or(existing.wikidata.clone()),
                    ..facts
                }
            } else {
                SoftwareFacts {
                    name: existing.name.clone(),
                    homepage: existing.homepage.clone(),
                    homepage_key: existing.homepage_key.clone(),
                    repository: existing.repository.clone().or(facts.repository),
                    repository_key: existing.repository_key.clone().or(facts.repository_key),
                    license: existing.license.clone().or(facts.license),
                    wikidata: existing.wikidata.clone().or(facts.wikidata),
                }
            };
            if unchanged(&existing, &merged) {
                Ok(existing)
            } else {
                SoftwareRow::update(conn, existing.id, &merged, now)
            }
        }
        None => {
            let base = match text::slug(&facts.name) {
                s if s.is_empty() => "software".to_owned(),
                s => s,
            };
            let mut slug = base.clone();
            let mut n = 2;
            while SoftwareRow::slug_taken(conn, &slug)? {
                slug = format!("{base}-{n}");
                n += 1;
            }
            SoftwareRow::insert(conn, &slug, &facts, now)
        }
    }
}

fn unchanged(row: &SoftwareRow, facts: &SoftwareFacts) -> bool {
    row.name == facts.name
        && row.homepage == facts.homepage
        && row.repository == facts.repository
        && row.license == facts.license
        && row.wikidata == facts.wikidata
}

impl Directory {
    /// Software that has at least one published recommendation, by name.
    pub async fn list_software(
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
