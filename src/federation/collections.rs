//! A local centre's collections: its ActivityPub outbox (what it published, in pages: what a
//! new follower backfills from; a network's lists the entries it relays, as its boosts), its
//! followers (a count) and its following. Not to be
//! confused with the delivery queue (`federation::delivery::queue`).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use super::activities::{Announce, CreateOrUpdate, CreateOrUpdateEvent, CreateOrUpdatePlace};
use super::objects::centre::ApubCentre;
use super::protocol::collections::{OrderedCollection, OrderedCollectionPage};
use super::routes::{activity_json, local_centre};
use super::{Context, Federation, FederationError};
use crate::domain::contact::Visibility;
use crate::domain::urls::NodeUrls;
use crate::storage::contacts::{ContactFilter, ContactRow};
use crate::storage::endorsements::EndorsementRow;
use crate::storage::events::EventRow;
use crate::storage::follows::{FollowRow, FollowState, FollowerRow};
use crate::storage::groups::{GROUP, GroupAnnounceRow};
use crate::storage::places::{PlaceFilter, PlaceRow};
use crate::storage::recommendations::RecommendationRow;
use crate::storage::{Conn, StorageError, Window};

/// Items per outbox page.
pub const OUTBOX_PAGE: i64 = 50;

#[derive(Deserialize)]
pub(super) struct PageQuery {
    page: Option<u32>,
}

/// The outbox: a Create for every published entry (public contact cards and places included)
/// and every workshop or permanence, for a network an Announce of every entry it relays, and
/// an Announce for every endorsement, newest first, in pages. `network` cards are never listed.
pub(super) async fn outbox(
    State(fed): State<Federation>,
    Path(username): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, FederationError> {
    let data = fed.context();
    let centre = ApubCentre::new(local_centre(&fed, &username).await?)?;
    let listed = Listed::count(&centre, &data).await?;
    let outbox_id = centre.outbox_url();
    let base = outbox_id.to_string();
    let page_url = |n: i64| Url::parse(&format!("{base}?page={n}")).expect("valid outbox page");
    let pages = (listed.total() + OUTBOX_PAGE - 1) / OUTBOX_PAGE;
    let Some(n) = query.page else {
        return Ok(activity_json(OrderedCollection {
            kind: "OrderedCollection".into(),
            id: outbox_id.clone(),
            total_items: listed.total(),
            first: Some(page_url(1)),
            last: Some(page_url(pages.max(1))),
            ordered_items: None,
        }));
    };
    let n = i64::from(n.max(1));
    let items = listed.page((n - 1) * OUTBOX_PAGE, &centre, &data).await?;
    Ok(activity_json(OrderedCollectionPage {
        kind: "OrderedCollectionPage".into(),
        id: page_url(n),
        part_of: outbox_id,
        next: (n < pages).then(|| page_url(n + 1)),
        prev: (n > 1).then(|| page_url(n - 1)),
        ordered_items: items,
    }))
}

/// What a centre's outbox lists, in order: its public recommendations, then its public
/// cards, then its places, then its events, then (a network) the entries it relays, then its
/// endorsements. A page is a window on that
/// sequence.
struct Listed {
    stored: Stored,
    endorsements: Vec<EndorsementRow>,
}

/// The sections of the outbox read from the database, in order, with their sizes.
#[derive(Clone)]
struct Stored {
    cards_filter: ContactFilter,
    places_filter: PlaceFilter,
    centre_id: i64,
    /// The centre if it is a network (a local `Group`), whose outbox lists what it relays.
    network: Option<ApubCentre>,
    /// Items in each section, in [`Section::ORDER`].
    totals: [i64; 5],
}

#[derive(Clone, Copy)]
enum Section {
    Recommendations,
    Cards,
    Places,
    Events,
    /// A network's boosts of its members' entries.
    Relayed,
}

impl Section {
    const ORDER: [Self; 5] = [
        Self::Recommendations,
        Self::Cards,
        Self::Places,
        Self::Events,
        Self::Relayed,
    ];
}

impl Listed {
    async fn count(centre: &ApubCentre, data: &Context) -> Result<Self, FederationError> {
        let mut stored = Stored::of(centre);
        let counted = stored.clone();
        let (totals, endorsements) = data
            .db
            .run(move |conn| {
                let totals = counted.totals(conn)?;
                Ok((totals, EndorsementRow::by_centre(conn, counted.centre_id)?))
            })
            .await?;
        stored.totals = totals;
        Ok(Self {
            stored,
            endorsements,
        })
    }

    fn total(&self) -> i64 {
        self.stored.totals.iter().sum::<i64>()
            + i64::try_from(self.endorsements.len()).unwrap_or(i64::MAX)
    }

    /// The items of the page that starts at `start`.
    async fn page(
        &self,
        start: i64,
        centre: &ApubCentre,
        data: &Context,
    ) -> Result<Vec<Value>, FederationError> {
        let (stored, urls) = (self.stored.clone(), data.urls.clone());
        // One database task for the stored sections of the page.
        let mut items = data
            .db
            .run(move |conn| stored.items(conn, &urls, start))
            .await?;
        let before: i64 = self.stored.totals.iter().sum();
        let skip = usize::try_from((start - before).max(0)).unwrap_or(0);
        let room = usize::try_from(OUTBOX_PAGE)
            .unwrap_or(50)
            .saturating_sub(items.len());
        for endorsement in self.endorsements.iter().skip(skip).take(room) {
            if let Some(ap_id) = endorsed_object(endorsement, data).await? {
                let announce = Announce::in_outbox(
                    Url::parse(&endorsement.activity_id)?,
                    centre,
                    &ap_id,
                    endorsement.created_at.and_utc(),
                );
                items.push(serde_json::to_value(announce)?);
            }
        }
        Ok(items)
    }
}

impl Stored {
    /// The filters of a centre's public entries, places and events (sizes not yet counted).
    fn of(centre: &ApubCentre) -> Self {
        let actor_id = &centre.row.actor_id;
        Self {
            cards_filter: ContactFilter {
                origin: Some(actor_id.clone()),
                visibilities: vec![Visibility::Public],
                ..Default::default()
            },
            places_filter: PlaceFilter {
                origin: Some(actor_id.clone()),
                only_local: true,
                ..Default::default()
            },
            centre_id: centre.row.id,
            network: (centre.row.actor_type == GROUP).then(|| centre.clone()),
            totals: [0; 5],
        }
    }

    fn totals(&self, conn: &mut Conn) -> Result<[i64; 5], StorageError> {
        let none = Window {
            offset: 0,
            limit: 0,
        };
        Ok([
            RecommendationRow::count_public_of_centre(conn, self.centre_id)?,
            ContactRow::list(conn, &self.cards_filter, none)?.total,
            PlaceRow::list(conn, &self.places_filter, none)?.total,
            EventRow::ap_ids_of_centre(conn, self.centre_id, none)?.total,
            if self.network.is_some() {
                GroupAnnounceRow::count_listed(conn, self.centre_id)?
            } else {
                0
            },
        ])
    }

    /// The stored items of the page that starts at `start`: each section is read from where
    /// the page starts within it, for the room the sections before it left.
    fn items(
        &self,
        conn: &mut Conn,
        urls: &NodeUrls,
        start: i64,
    ) -> Result<Vec<Value>, StorageError> {
        let mut items = Vec::new();
        let mut before = 0;
        for (section, total) in Section::ORDER.into_iter().zip(self.totals) {
            let window = Window {
                offset: (start - before).max(0),
                limit: OUTBOX_PAGE - i64::try_from(items.len()).unwrap_or(0),
            };
            if window.limit > 0 {
                items.extend(self.section(conn, urls, section, window)?);
            }
            before += total;
        }
        Ok(items)
    }

    /// One window of one section.
    fn section(
        &self,
        conn: &mut Conn,
        urls: &NodeUrls,
        section: Section,
        window: Window,
    ) -> Result<Vec<Value>, StorageError> {
        match section {
            Section::Recommendations => {
                RecommendationRow::public_ap_ids_of_centre(conn, self.centre_id, window)?
                    .iter()
                    .map(|ap_id| create_item(conn, urls, ap_id))
                    .collect()
            }
            Section::Cards => ContactRow::list(conn, &self.cards_filter, window)?
                .rows
                .iter()
                .map(|(card, _)| create_item(conn, urls, &card.ap_id))
                .collect(),
            Section::Places => PlaceRow::list(conn, &self.places_filter, window)?
                .rows
                .iter()
                .map(|(place, _)| {
                    Ok(serde_json::to_value(CreateOrUpdatePlace::in_outbox(
                        conn,
                        &place.ap_id,
                    )?)?)
                })
                .collect(),
            Section::Events => EventRow::ap_ids_of_centre(conn, self.centre_id, window)?
                .rows
                .iter()
                .map(|ap_id| {
                    Ok(serde_json::to_value(CreateOrUpdateEvent::in_outbox(
                        conn, ap_id,
                    )?)?)
                })
                .collect(),
            Section::Relayed => {
                let Some(network) = &self.network else {
                    return Ok(Vec::new());
                };
                GroupAnnounceRow::listed(conn, self.centre_id, window)?
                    .into_iter()
                    .map(|boost| {
                        let id = Url::parse(&boost.announce_id)
                            .map_err(|e| StorageError::Corrupt(format!("announce id: {e}")))?;
                        let announce = Announce::in_outbox(
                            id,
                            network,
                            &boost.object_id,
                            boost.created_at.and_utc(),
                        );
                        Ok(serde_json::to_value(announce)?)
                    })
                    .collect()
            }
        }
    }
}

async fn endorsed_object(
    endorsement: &EndorsementRow,
    data: &Context,
) -> Result<Option<String>, FederationError> {
    let rec_id = endorsement.recommendation_id;
    Ok(data
        .db
        .run(move |conn| RecommendationRow::ap_id_of(conn, rec_id))
        .await?)
}

/// The Create of one local entry, as an outbox item.
fn create_item(conn: &mut Conn, urls: &NodeUrls, ap_id: &str) -> Result<Value, StorageError> {
    Ok(serde_json::to_value(CreateOrUpdate::in_outbox(
        conn, urls, ap_id,
    )?)?)
}

pub(super) async fn followers(
    State(fed): State<Federation>,
    Path(username): Path<String>,
) -> Result<Response, FederationError> {
    let centre = ApubCentre::new(local_centre(&fed, &username).await?)?;
    let id = centre.row.id;
    let total = fed
        .data()
        .db
        .run(move |conn| Ok(FollowerRow::list(conn, Some(id), Some(FollowState::Accepted))?.len()))
        .await?;
    // The count only: who follows a centre is its followers' business.
    Ok(activity_json(OrderedCollection {
        kind: "OrderedCollection".into(),
        id: centre.followers_url(),
        total_items: i64::try_from(total).unwrap_or(i64::MAX),
        first: None,
        last: None,
        ordered_items: None,
    }))
}

pub(super) async fn following(
    State(fed): State<Federation>,
    Path(username): Path<String>,
) -> Result<Response, FederationError> {
    let centre = ApubCentre::new(local_centre(&fed, &username).await?)?;
    let id = centre.row.id;
    let followed = fed
        .data()
        .db
        .run(move |conn| {
            Ok(FollowRow::list(conn)?
                .into_iter()
                .filter(|(f, _)| f.follower_id == id && f.state == FollowState::Accepted)
                .map(|(_, target)| target.actor_id)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(activity_json(OrderedCollection {
        kind: "OrderedCollection".into(),
        id: centre.following_url(),
        total_items: i64::try_from(followed.len()).unwrap_or(i64::MAX),
        first: None,
        last: None,
        ordered_items: Some(followed.into_iter().map(Value::String).collect()),
    }))
}
