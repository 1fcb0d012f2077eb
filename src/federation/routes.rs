//! The federation surface over HTTP: WebFinger, NodeInfo, actors, inboxes, every object at its
//! id (JSON for ActivityPub clients, a page for browsers), and the routes of the collections
//! (outbox, followers, following: see `collections`).

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

use super::activities::Tombstone;
use super::objects::centre::ApubCentre;
use super::objects::entry::ApubEntry;
use super::protocol::context::context;
use super::{Federation, FederationError, collections, inbox};
use crate::storage::centres::CentreRow;
use crate::storage::recommendations::{RecommendationFilter, RecommendationRow};
use crate::storage::{Window, activities};

pub(crate) fn routes<S: Clone + Send + Sync + 'static>(federation: Federation) -> Router<S> {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .route("/inbox", post(shared_inbox))
        .route("/actor", get(instance_actor))
        .route("/actor/inbox", post(shared_inbox))
        .route("/centres/{username}/inbox", post(centre_inbox))
        .route("/centres/{username}/outbox", get(collections::outbox))
        .route("/centres/{username}/followers", get(collections::followers))
        .route("/centres/{username}/following", get(collections::following))
        .with_state(federation)
}

pub(crate) fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| {
            a.contains("application/activity+json") || a.contains("application/ld+json")
        })
}

pub(super) fn activity_json(value: impl serde::Serialize) -> Response {
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

pub(super) async fn local_centre(
    fed: &Federation,
    username: &str,
) -> Result<CentreRow, FederationError> {
    let name = username.to_lowercase();
    fed.data()
        .db
        .run(move |conn| CentreRow::find_local(conn, &name))
        .await?
        .ok_or_else(|| FederationError::NotFound(format!("centre {username}")))
}

/// A local centre's actor document. Browsers get the website's page at the same URL (the
/// website routes by `Accept` with [`wants_activity_json`]).
pub(crate) async fn actor(
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

/// A local recommendation's Note (browsers get the website's page at the same URL).
pub(crate) async fn recommendation(
    State(fed): State<Federation>,
    Path(key): Path<String>,
) -> Result<Response, FederationError> {
    let id = fed.data().urls.recommendation(&key);
    object(&fed, id).await
}

/// A local contact card's Note, when its visibility lets it be served.
pub(crate) async fn contact(
    State(fed): State<Federation>,
    Path(key): Path<String>,
) -> Result<Response, FederationError> {
    let id = fed.data().urls.contact(&key);
    object(&fed, id).await
}

/// A local workshop or permanence's Event; 410 with a Tombstone once deleted.
pub(crate) async fn event(
    State(fed): State<Federation>,
    Path(key): Path<String>,
) -> Result<Response, FederationError> {
    use super::objects::event::ApubEvent;
    let id = fed.data().urls.event(&key);
    let data = fed.context();
    match ApubEvent::load(&id, &data).await?.filter(|e| e.row.local) {
        Some(event) => Ok(activity_json(event.into_json(&data).await?)),
        None => gone_or_missing(&data, id).await,
    }
}

/// A local object at its id: the Note; 410 with a Tombstone once deleted. Drafts, `hidden`, `local` and `network` cards are not served: they
/// leave the node only by being pushed to whom may have them.
async fn object(fed: &Federation, id: Url) -> Result<Response, FederationError> {
    let data = fed.context();
    let entry = ApubEntry::load(&id, &data).await?;
    let Some(entry) = entry.filter(|e| e.is_local() && e.is_federated() && !e.is_network_only())
    else {
        return gone_or_missing(&data, id).await;
    };
    let note = entry.into_json(&data).await?;
    Ok(activity_json(note))
}

/// What stands at the id of an object we do not serve: a Tombstone (410) once deleted, else
/// 404.
async fn gone_or_missing(data: &super::Context, id: Url) -> Result<Response, FederationError> {
    let key = id.to_string();
    if data
        .db
        .run(move |conn| activities::is_tombstoned(conn, &key))
        .await?
    {
        let mut res = activity_json(Tombstone::new(id));
        *res.status_mut() = StatusCode::GONE;
        return Ok(res);
    }
    Err(FederationError::NotFound(id.to_string()))
}
