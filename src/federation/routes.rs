//! The federation surface over HTTP: WebFinger, NodeInfo, actors, inboxes, outboxes, the
//! followers and following collections, and every object at its id (JSON for ActivityPub
//! clients, a page for browsers).

use activitypub_federation::axum::json::FederationJson;
use activitypub_federation::fetch::webfinger::{build_webfinger_response, extract_webfinger_name};
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::Object;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use super::objects::centre::ApubCentre;
use super::objects::entry::ApubEntry;
use super::protocol::collections::{OrderedCollection, OrderedCollectionPage};
use super::protocol::context::context;
use super::protocol::public_collection;
use super::{Federation, FederationError, inbox};
use crate::domain::urls::NodeUrls;
use crate::storage::centres::CentreRow;
use crate::storage::contacts::{ContactFilter, ContactRow};
use crate::storage::endorsements::EndorsementRow;
use crate::storage::follows::{ACCEPTED, FollowRow, FollowerRow};
use crate::storage::recommendations::{Order, RecommendationFilter, RecommendationRow};
use crate::storage::{Conn, StorageError, Window, activities};

/// Items per outbox page.
pub const OUTBOX_PAGE: i64 = 50;

pub fn routes<S: Clone + Send + Sync + 'static>(federation: Federation) -> Router<S> {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .route("/inbox", post(shared_inbox))
        .route("/actor", get(instance_actor))
        .route("/actor/inbox", post(shared_inbox))
        .route("/centres/{username}/inbox", post(centre_inbox))
        .route("/centres/{username}/outbox", get(outbox))
        .route("/centres/{username}/followers", get(followers))
        .route("/centres/{username}/following", get(following))
        .with_state(federation)
}

pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| {
            a.contains("application/activity+json") || a.contains("application/ld+json")
        })
}

fn activity_json(value: impl serde::Serialize) -> Response {
    FederationJson(WithContext::new(value, context())).into_response()
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: String,
}

async fn webfinger(
    State(fed): State<Federation>,
    Query(query): Query<WebfingerQuery>,
) -> Result<Response, FederationError> {
    let data = fed.context();
    let name = extract_webfinger_name(&query.resource, &data)
        .map_err(|_| FederationError::NotFound(query.resource.clone()))?
        .to_lowercase();
    let centre = local_centre(&fed, &name).await?;
    let id = Url::parse(&centre.actor_id)?;
    let mut response = build_webfinger_response(query.resource.clone(), id.clone());
    // The profile page too, as Mastodon publishes it.
    response.aliases = vec![id];
    // The library writes absent members as `null` (`"template": null`); JRD (RFC 7033) has
    // no null members, and strict clients refuse them.
    let mut body =
        serde_json::to_value(&response).map_err(|e| FederationError::Internal(e.to_string()))?;
    if let Some(links) = body["links"].as_array_mut() {
        for link in links.iter_mut().filter_map(Value::as_object_mut) {
            link.retain(|_, value| !value.is_null());
        }
    }
    let mut res = Json(body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/jrd+json"),
    );
    Ok(res)
}

async fn nodeinfo_links(State(fed): State<Federation>) -> Json<Value> {
    let href = fed
        .data()
        .urls
        .base()
        .join("nodeinfo/2.1")
        .expect("valid path");
    Json(json!({"links": [
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": href},
        // FEP-2677: where to find the instance actor.
        {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": fed.instance_actor().id},
    ]}))
}

async fn instance_actor(State(fed): State<Federation>) -> Response {
    activity_json(fed.instance_actor().to_json())
}

async fn nodeinfo(State(fed): State<Federation>) -> Result<Response, FederationError> {
    let (centres, recommendations) = fed
        .data()
        .db
        .run(|conn| {
            let centres = CentreRow::list_local(conn)?.len();
            let filter = RecommendationFilter {
                public_only: true,
                ..Default::default()
            };
            let recs = RecommendationRow::list(
                conn,
                &filter,
                Window {
                    offset: 0,
                    limit: 0,
                },
            )?
            .total;
            Ok((centres, recs))
        })
        .await?;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "maillage",
            "version": env!("CARGO_PKG_VERSION"),
            "homepage": fed.data().urls.base(),
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": false,
        "usage": {"users": {"total": centres}, "localPosts": recommendations},
        "metadata": {
            "nodeName": fed.data().urls.authority(),
            "directory": {"centres": centres, "recommendations": recommendations},
        },
    });
    let mut res = Json(body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
        ),
    );
    Ok(res)
}

async fn local_centre(fed: &Federation, username: &str) -> Result<CentreRow, FederationError> {
    let name = username.to_lowercase();
    fed.data()
        .db
        .run(move |conn| CentreRow::find_local(conn, &name))
        .await?
        .ok_or_else(|| FederationError::NotFound(format!("centre {username}")))
}

/// A local centre's actor document. Browsers get the website's page at the same URL (the
/// website routes by `Accept` with [`wants_activity_json`]).
pub async fn actor(
    State(fed): State<Federation>,
    Path(username): Path<String>,
) -> Result<Response, FederationError> {
    let centre = ApubCentre::new(local_centre(&fed, &username).await?)?;
    let json = centre.into_json(&fed.context()).await?;
    Ok(activity_json(json))
}

async fn shared_inbox(
    State(fed): State<Federation>,
    request: Request,
) -> Result<StatusCode, FederationError> {
    inbox::receive(&fed, request).await
}

async fn centre_inbox(
    State(fed): State<Federation>,
    Path(username): Path<String>,
    request: Request,
) -> Result<StatusCode, FederationError> {
    local_centre(&fed, &username).await?;
    inbox::receive(&fed, request).await
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u32>,
}

/// The outbox: a Create for every published entry (public contact cards included) and an
/// Announce for every endorsement, newest first, in pages. `network` cards are never listed.
async fn outbox(
    State(fed): State<Federation>,
    Path(username): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, FederationError> {
    let data = fed.context();
    let centre = ApubCentre::new(local_centre(&fed, &username).await?)?;
    let outbox_id = centre.outbox_url();
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
        visibilities: vec!["public".into()],
        ..Default::default()
    };
    let (recs_total, cards_total, endorsements) = {
        let (rf, cf) = (recs_filter.clone(), cards_filter.clone());
        data.db
            .run(move |conn| {
                let none = Window {
                    offset: 0,
                    limit: 0,
                };
                Ok((
                    RecommendationRow::list(conn, &rf, none)?.total,
                    ContactRow::list(conn, &cf, none)?.total,
                    EndorsementRow::by_centre(conn, centre_id)?,
                ))
            })
            .await?
    };
    let total = recs_total + cards_total + i64::try_from(endorsements.len()).unwrap_or(i64::MAX);
    let base = outbox_id.to_string();
    let page_url = |n: i64| Url::parse(&format!("{base}?page={n}")).expect("valid outbox page");
    let pages = (total + OUTBOX_PAGE - 1) / OUTBOX_PAGE;
    let Some(n) = query.page else {
        return Ok(activity_json(OrderedCollection {
            kind: "OrderedCollection".into(),
            id: outbox_id.clone(),
            total_items: total,
            first: Some(page_url(1)),
            last: Some(page_url(pages.max(1))),
            ordered_items: None,
        }));
    };
    let n = i64::from(n.max(1));
    // The items in order: recommendations, then public cards, then endorsements; the page is
    // a window on that sequence.
    let start = (n - 1) * OUTBOX_PAGE;
    let mut items = Vec::new();
    let recs_window = Window {
        offset: start,
        limit: OUTBOX_PAGE,
    };
    let urls = data.urls.clone();
    let recs = {
        let (rf, urls) = (recs_filter.clone(), urls.clone());
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
        offset: (start - recs_total).max(0),
        limit: OUTBOX_PAGE - i64::try_from(items.len()).unwrap_or(0),
    };
    if cards_window.limit > 0 {
        let cf = cards_filter.clone();
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
    let skip = usize::try_from((start - recs_total - cards_total).max(0)).unwrap_or(0);
    let room = usize::try_from(OUTBOX_PAGE)
        .unwrap_or(50)
        .saturating_sub(items.len());
    for endorsement in endorsements.iter().skip(skip).take(room) {
        if let Some(ap_id) = endorsed_object(endorsement, &data).await? {
            items.push(json!({
                "type": "Announce",
                "id": endorsement.activity_id,
                "actor": centre.id,
                "object": ap_id,
                "to": [public_collection()],
                "cc": [centre.followers_url()],
                "published": endorsement.created_at.and_utc(),
            }));
        }
    }
    Ok(activity_json(OrderedCollectionPage {
        kind: "OrderedCollectionPage".into(),
        id: page_url(n),
        part_of: outbox_id,
        next: (n < pages).then(|| page_url(n + 1)),
        prev: (n > 1).then(|| page_url(n - 1)),
        ordered_items: items,
    }))
}

async fn endorsed_object(
    endorsement: &EndorsementRow,
    data: &super::Context,
) -> Result<Option<String>, FederationError> {
    let rec_id = endorsement.recommendation_id;
    Ok(data
        .db
        .run(move |conn| RecommendationRow::ap_id_of(conn, rec_id))
        .await?)
}

/// The Create of one local entry, as an outbox item.
fn create_item(conn: &mut Conn, urls: &NodeUrls, ap_id: &str) -> Result<Value, StorageError> {
    let entry = ApubEntry::load_in(conn, ap_id)?.ok_or(StorageError::NotFound)?;
    let note = super::objects::entry::note(conn, urls, &entry)?;
    Ok(json!({
        "type": "Create",
        "id": format!("{ap_id}#create"),
        "actor": note.attributed_to,
        "published": note.published,
        "to": note.to,
        "cc": note.cc,
        "object": note,
    }))
}

async fn followers(
    State(fed): State<Federation>,
    Path(username): Path<String>,
) -> Result<Response, FederationError> {
    let centre = ApubCentre::new(local_centre(&fed, &username).await?)?;
    let id = centre.row.id;
    let total = fed
        .data()
        .db
        .run(move |conn| Ok(FollowerRow::list(conn, Some(id), Some(ACCEPTED))?.len()))
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

async fn following(
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
                .filter(|(f, _)| f.follower_id == id && f.state == ACCEPTED)
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

/// A local recommendation's Note (browsers get the website's page at the same URL).
pub async fn recommendation(
    State(fed): State<Federation>,
    Path(key): Path<String>,
) -> Result<Response, FederationError> {
    let id = fed.data().urls.recommendation(&key);
    object(&fed, id).await
}

/// A local contact card's Note, when its visibility lets it be served.
pub async fn contact(
    State(fed): State<Federation>,
    Path(key): Path<String>,
) -> Result<Response, FederationError> {
    let id = fed.data().urls.contact(&key);
    object(&fed, id).await
}

/// A local object at its id: the Note; 410 with a Tombstone once deleted. Drafts, `hidden`, `local` and `network` cards are not served: they
/// leave the node only by being pushed to whom may have them.
async fn object(fed: &Federation, id: Url) -> Result<Response, FederationError> {
    let data = fed.context();
    let entry = ApubEntry::load(&id, &data).await?;
    let Some(entry) = entry.filter(|e| e.is_local() && e.is_federated() && !e.is_network_only())
    else {
        let key = id.to_string();
        if data
            .db
            .run(move |conn| activities::is_tombstoned(conn, &key))
            .await?
        {
            let tombstone = json!({"type": "Tombstone", "id": id});
            let mut res = activity_json(tombstone);
            *res.status_mut() = StatusCode::GONE;
            return Ok(res);
        }
        return Err(FederationError::NotFound(id.to_string()));
    };
    let note = entry.into_json(&data).await?;
    Ok(activity_json(note))
}
