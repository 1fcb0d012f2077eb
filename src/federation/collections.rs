//! A local centre's collections: its ActivityPub outbox (what it published, in pages: what a
//! new follower backfills from), its followers (a count) and its following. Not to be
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
use crate::storage::places::{PlaceFilter, PlaceRow};
use crate::storage::recommendations::{Order, RecommendationFilter, RecommendationRow};
use crate::storage::{Conn, StorageError, Window};

/// Items per outbox page.
pub const OUTBOX_PAGE: i64 = 50;

#[derive(Deserialize)]
pub(super) struct PageQuery {
    page: Option<u32>,
}

/// The outbox: a Create for every published entry (public contact cards and places included)
/// and every workshop or permanence, and an Announce for every endorsement, newest first, in
/// pages. `network` cards are never listed.
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
/// cards, then its places, then its events, then its endorsements. A page is a window on that
/// sequence.
struct Listed {
    recs_filter: RecommendationFilter,
    cards_filter: ContactFilter,
    places_filter: PlaceFilter,
    recs_total: i64,
    cards_total: i64,
    places_total: i64,
    centre_id: i64,
    events_total: i64,
    endorsements: Vec<EndorsementRow>,
}

impl Listed {
    async fn count(centre: &ApubCentre, data: &Context) -> Result<Self, FederationError> {
        let actor_id = centre.row.actor_id.clone();
        let centre_id = centre.row.id;
        let recs_filter = RecommendationFilter {
            origin: Some(actor_id.clone()),
            public_only: true,
            order: Order::Recent,
            ..Default::default()
        };
        let cards_filter = ContactFilter {
            origin: Some(actor_id.clone()),
            visibilities: vec![Visibility::Public],
            ..Default::default()
        };
        let places_filter = PlaceFilter {
            origin: Some(actor_id.clone()),
            only_local: true,
            ..Default::default()
        };
        let (rf, cf, pf) = (
            recs_filter.clone(),
            cards_filter.clone(),
            places_filter.clone(),
        );
        let (recs_total, cards_total, places_total, events_total, endorsements) = data
            .db
            .run(move |conn| {
                let none = Window {
                    offset: 0,
                    limit: 0,
                };
                Ok((
                    RecommendationRow::list(conn, &rf, none)?.total,
                    ContactRow::list(conn, &cf, none)?.total,
                    PlaceRow::list(conn, &pf, none)?.total,
                    EventRow::ap_ids_of_centre(conn, centre_id, none)?.total,
                    EndorsementRow::by_centre(conn, centre_id)?,
                ))
            })
            .await?;
        Ok(Self {
            recs_filter,
            cards_filter,
            places_filter,
            recs_total,
            cards_total,
            places_total,
            centre_id,
            events_total,
            endorsements,
        })
    }

    fn total(&self) -> i64 {
        self.recs_total
            + self.cards_total
            + self.places_total
            + self.events_total
            + i64::try_from(self.endorsements.len()).unwrap_or(i64::MAX)
    }

    /// The items of the page that starts at `start`.
    async fn page(
        &self,
        start: i64,
        centre: &ApubCentre,
        data: &Context,
    ) -> Result<Vec<Value>, FederationError> {
        let mut items = Vec::new();
        let recs_window = Window {
            offset: start,
            limit: OUTBOX_PAGE,
        };
        let urls = data.urls.clone();
        let recs = {
            let (rf, urls) = (self.recs_filter.clone(), urls.clone());
            // One database task for the whole page.
            data.db
                .run(move |conn| {
                    let page = RecommendationRow::list(conn, &rf, recs_window)?;
                    page.rows
                        .iter()
                        .map(|(rec, _, _)| create_item(conn, &urls, &rec.ap_id))
                        .collect::<Result<Vec<_>, _>>()
                })
                .await?
        };
        items.extend(recs);
        let cards_window = Window {
            offset: (start - self.recs_total).max(0),
            limit: OUTBOX_PAGE - i64::try_from(items.len()).unwrap_or(0),
        };
        if cards_window.limit > 0 {
            let cf = self.cards_filter.clone();
            let cards = data
                .db
                .run(move |conn| {
                    let page = ContactRow::list(conn, &cf, cards_window)?;
                    page.rows
                        .iter()
                        .map(|(card, _)| create_item(conn, &urls, &card.ap_id))
                        .collect::<Result<Vec<_>, _>>()
                })
                .await?;
            items.extend(cards);
        }
        let places_window = Window {
            offset: (start - self.recs_total - self.cards_total).max(0),
            limit: OUTBOX_PAGE - i64::try_from(items.len()).unwrap_or(0),
        };
        if places_window.limit > 0 {
            let pf = self.places_filter.clone();
            let places = data
                .db
                .run(move |conn| {
                    let page = PlaceRow::list(conn, &pf, places_window)?;
                    page.rows
                        .iter()
                        .map(|(place, _)| {
                            Ok(serde_json::to_value(CreateOrUpdatePlace::in_outbox(
                                conn,
                                &place.ap_id,
                            )?)?)
                        })
                        .collect::<Result<Vec<_>, StorageError>>()
                })
                .await?;
            items.extend(places);
        }
        let events_window = Window {
            offset: (start - self.recs_total - self.cards_total - self.places_total).max(0),
            limit: OUTBOX_PAGE - i64::try_from(items.len()).unwrap_or(0),
        };
        if events_window.limit > 0 {
            let centre_id = self.centre_id;
            let events = data
                .db
                .run(move |conn| {
                    let page = EventRow::ap_ids_of_centre(conn, centre_id, events_window)?;
                    page.rows
                        .iter()
                        .map(|ap_id| {
                            Ok(serde_json::to_value(CreateOrUpdateEvent::in_outbox(
                                conn, ap_id,
                            )?)?)
                        })
                        .collect::<Result<Vec<_>, StorageError>>()
                })
                .await?;
            items.extend(events);
        }
        let skip = usize::try_from(
            (start - self.recs_total - self.cards_total - self.places_total - self.events_total)
                .max(0),
        )
        .unwrap_or(0);
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
