//! Mediation places (the national schema "Lieux de médiation numérique"): create, read, edit,
//! delete, list. Places are public: everyone sees them, staff manage them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::communes;
use crate::domain::place::{HoursNow, PlaceDraft, PlaceInput, hours_now};
use crate::federation::publish::{place_changed, place_deleted};
use crate::storage::centres::CentreRow;
use crate::storage::places::{
    self, PlaceFields, PlaceFilter, PlaceIdentity, PlaceRecord, PlaceRow,
};
use crate::storage::{StorageError, Window};

use super::audit::Action;
use super::recommendations::words;
use super::views::Listing;
use super::{Access, Directory, DirectoryError, new_key, now};

/// Filters of `GET /api/v1/places`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PlaceQuery {
    /// Words to find in the name, commune, address, summary or services (case and accents
    /// ignored).
    pub q: Option<String>,
    /// The centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// A postcode or a commune name (accents and case ignored; `Sainte-Marie (15)` for a
    /// homonym): the places nearest to it first, each with its `distance_km`. Places with no
    /// point (no coordinates, a commune unknown to the table) are left out.
    pub near: Option<String>,
}

/// A place as the API shows it: its absolute id (also its web page and its ActivityPub id), who
/// publishes it, the schema's fields, and whether it is open now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlaceView {
    /// Always `place`.
    pub kind: String,
    pub id: String,
    /// This node's key for it (its page is `/places/{key}`).
    #[serde(skip)]
    pub key: String,
    /// The publishing centre's actor id.
    pub origin: String,
    pub origin_name: String,
    pub local: bool,
    #[serde(flatten)]
    pub place: PlaceInput,
    /// Whether it is open now, read from `horaires`; absent without hours or when they do not
    /// follow the OpenStreetMap syntax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_now: Option<HoursNow>,
    /// Where to put it on a map: its own coordinates, or else its commune's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub point: Option<Point>,
    /// With `near`: how far it is, in kilometres, as the crow flies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    pub updated: DateTime<Utc>,
}

/// A place's point on a map.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
    /// `place` (its own coordinates) or `commune` (its commune's, for a place without them).
    pub from: &'static str,
}

impl PlaceView {
    pub(crate) fn build(row: &PlaceRow, centre: &CentreRow) -> Result<Self, StorageError> {
        let place = row.input()?;
        let hours_now = place
            .horaires
            .as_deref()
            .and_then(|h| hours_now(h, &place.code_postal, Utc::now()));
        let point = match place.latitude.zip(place.longitude) {
            Some((latitude, longitude)) => Some(Point {
                latitude,
                longitude,
                from: "place",
            }),
            None => communes::point_of(place.code_insee.as_deref(), &place.code_postal).map(
                |(latitude, longitude)| Point {
                    latitude,
                    longitude,
                    from: "commune",
                },
            ),
        };
        Ok(Self {
            kind: "place".into(),
            id: row.ap_id.clone(),
            key: row.key.clone(),
            origin: centre.actor_id.clone(),
            origin_name: centre.name.clone(),
            local: row.local,
            place,
            hours_now,
            point,
            distance_km: None,
            updated: row.updated_at.and_utc(),
        })
    }
}

/// What writing an imported place did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
    Unchanged,
}

impl Directory {
    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn create_place(
        &self,
        centre: Option<&str>,
        input: &PlaceInput,
    ) -> Result<PlaceView, DirectoryError> {
        let draft = input.validate()?;
        let centre = self.local_centre_or_first(centre).await?;
        let key = self.insert_place(&centre, draft).await?;
        let view = self.place(&key, Access::Staff).await?;
        self.audited(Action::Created, "place", &key, &view.place.nom)
            .await;
        Ok(view)
    }

    async fn insert_place(
        &self,
        centre: &CentreRow,
        draft: PlaceDraft,
    ) -> Result<String, DirectoryError> {
        let key = new_key();
        // One instant for both: a place's object says `updated` only once it was edited.
        let at = now();
        let identity = PlaceIdentity {
            ap_id: self.urls().place(&key).to_string(),
            key: key.clone(),
            centre_id: centre.id,
            local: true,
            created_at: at,
        };
        let mut fields = places::fields(&draft, centre, None, at)?;
        // Every place has a producer's id, so that an export imports back onto itself.
        fields.source_id.get_or_insert_with(|| key.clone());
        let urls = self.urls().clone();
        self.db()
            .write(move |conn| {
                PlaceRow::insert(conn, &identity, &fields)?;
                // The activities go in the same transaction as the change.
                place_changed(conn, &urls, &identity.ap_id, true)
            })
            .await?;
        self.federation().wake();
        Ok(key)
    }

    /// Writes an imported place: a new one, or the centre's place with the same `source_id`
    /// when any field differs; a place the same in every field is left as it is.
    pub(crate) async fn upsert_place(
        &self,
        centre: &CentreRow,
        draft: PlaceDraft,
    ) -> Result<Upserted, DirectoryError> {
        let existing = match draft.place().source_id.clone() {
            Some(source_id) => {
                let centre_id = centre.id;
                self.db()
                    .run(move |conn| PlaceRow::find_by_source_id(conn, centre_id, &source_id))
                    .await?
            }
            None => None,
        };
        let Some(row) = existing else {
            self.insert_place(centre, draft).await?;
            return Ok(Upserted::Created);
        };
        if row.input()? == *draft.place() {
            return Ok(Upserted::Unchanged);
        }
        self.write_place(row, places::fields(&draft, centre, None, now())?)
            .await?;
        Ok(Upserted::Updated)
    }

    /// One place by key. Places hidden by this node's moderators are shown to staff only.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn place(
        &self,
        key: &str,
        access: Access,
    ) -> Result<PlaceView, DirectoryError> {
        let (row, centre) = self.find_place(key).await?;
        if row.hidden && access != Access::Staff {
            return Err(not_found(key));
        }
        Ok(PlaceView::build(&row, &centre)?)
    }

    /// The stored place as the input a PATCH merges into.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn place_input(&self, key: &str) -> Result<PlaceInput, DirectoryError> {
        let (row, _) = self.find_place(key).await?;
        Ok(row.input()?)
    }

    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn update_place(
        &self,
        key: &str,
        input: &PlaceInput,
    ) -> Result<PlaceView, DirectoryError> {
        let draft = input.validate()?;
        let (row, centre) = self.find_place(key).await?;
        ensure_local(&row)?;
        self.write_place(row, places::fields(&draft, &centre, None, now())?)
            .await?;
        let view = self.place(key, Access::Staff).await?;
        self.audited(Action::Updated, "place", key, &view.place.nom)
            .await;
        Ok(view)
    }

    /// Saves an edit of a local place, and its Update for the followers.
    async fn write_place(&self, row: PlaceRow, fields: PlaceFields) -> Result<(), DirectoryError> {
        let urls = self.urls().clone();
        self.db()
            .write(move |conn| {
                PlaceRow::update(conn, row.id, &fields)?;
                place_changed(conn, &urls, &row.ap_id, false)
            })
            .await?;
        self.federation().wake();
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    pub(crate) async fn delete_place(&self, key: &str) -> Result<(), DirectoryError> {
        let (row, centre) = self.find_place(key).await?;
        let title = row.nom.clone();
        ensure_local(&row)?;
        let urls = self.urls().clone();
        self.db()
            .write(move |conn| {
                PlaceRow::delete(conn, row.id)?;
                place_deleted(conn, &urls, &row.ap_id, &centre)
            })
            .await?;
        self.federation().wake();
        self.audited(Action::Deleted, "place", key, &title).await;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_places(
        &self,
        query: &PlaceQuery,
        window: Window,
        access: Access,
    ) -> Result<Listing<PlaceView>, DirectoryError> {
        let filter = PlaceFilter {
            words: words(query.q.as_deref()),
            origin: self.origin_actor(query.origin.clone()).await?,
            only_local: false,
            include_hidden_by_moderation: access == Access::Staff,
        };
        if let Some(near) = query.near.as_deref().filter(|n| !n.trim().is_empty()) {
            let commune = communes::find("near", near)?;
            let here = (commune.latitude, commune.longitude);
            let rows = self
                .db()
                .run(move |conn| PlaceRow::all(conn, &filter))
                .await?;
            let mut near: Vec<PlaceView> = views(&rows)?
                .into_iter()
                .filter_map(|mut view| {
                    let point = view.point?;
                    let km = communes::distance_km(here, (point.latitude, point.longitude));
                    view.distance_km = Some((km * 100.0).round() / 100.0);
                    Some(view)
                })
                .collect();
            // Stable: equal distances keep the listing's order, by name.
            near.sort_by(|a, b| {
                let km = |v: &PlaceView| v.distance_km.unwrap_or(f64::MAX);
                km(a).total_cmp(&km(b))
            });
            let total = i64::try_from(near.len()).unwrap_or(i64::MAX);
            let start = usize::try_from(window.offset).unwrap_or(usize::MAX);
            let limit = usize::try_from(window.limit).unwrap_or(0);
            return Ok(Listing {
                total,
                results: near.into_iter().skip(start).take(limit).collect(),
            });
        }
        let page = self
            .db()
            .run(move |conn| PlaceRow::list(conn, &filter, window))
            .await?;
        Ok(Listing {
            total: page.total,
            results: views(&page.rows)?,
        })
    }

    /// This node's own places, every one, by name (for the export).
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn local_places(&self) -> Result<Vec<PlaceInput>, DirectoryError> {
        let filter = PlaceFilter {
            only_local: true,
            include_hidden_by_moderation: true,
            ..Default::default()
        };
        let rows = self
            .db()
            .run(move |conn| PlaceRow::all(conn, &filter))
            .await?;
        Ok(rows
            .iter()
            .map(|(row, _)| row.input())
            .collect::<Result<_, _>>()?)
    }

    async fn find_place(&self, key: &str) -> Result<PlaceRecord, DirectoryError> {
        let owned = key.to_owned();
        self.db()
            .run(move |conn| PlaceRow::find_by_key(conn, &owned))
            .await?
            .ok_or_else(|| not_found(key))
    }
}

fn views(rows: &[PlaceRecord]) -> Result<Vec<PlaceView>, StorageError> {
    rows.iter()
        .map(|(row, centre)| PlaceView::build(row, centre))
        .collect()
}

fn not_found(key: &str) -> DirectoryError {
    DirectoryError::NotFound(format!("place `{key}`"))
}

fn ensure_local(row: &PlaceRow) -> Result<(), DirectoryError> {
    if row.local {
        Ok(())
    } else {
        Err(DirectoryError::Forbidden(
            "this place was received from another node: only its author can change it".into(),
        ))
    }
}
