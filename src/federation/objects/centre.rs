//! Actors: our centres as `Organization`s, and remote actors (centres or anyone following us).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::{Actor as LibActor, Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use url::Url;

use crate::domain::region;
use crate::domain::urls::NodeUrls;
use crate::federation::protocol::actor::{Actor, DirectoryCentre, Endpoints, Image};
use crate::federation::{FederationData, FederationError, authority};
use crate::storage::centres::{CentreRow, NewCentreRow};

use super::{clip, html};
use crate::federation::checks::{check_domain, verify_same_authority};

#[derive(Debug, Clone)]
pub struct ApubCentre {
    pub id: Url,
    pub row: CentreRow,
}

impl ApubCentre {
    /// The actor document: what `GET` of the actor answers and what an `Update` of it carries.
    pub(crate) fn document(
        &self,
        urls: &NodeUrls,
        manual_approval: bool,
    ) -> Result<Actor, FederationError> {
        let row = &self.row;
        let profile = urls.base().join(&format!("centres/{}", row.username))?;
        Ok(Actor {
            // `Organization`, or `Group` for a network of centres.
            kind: row.actor_type.clone(),
            id: self.id.clone().into(),
            preferred_username: row.username.clone(),
            name: Some(row.name.clone()),
            summary: row.summary.as_deref().map(html::paragraphs),
            url: Some(profile),
            inbox: Url::parse(&row.inbox_url)?,
            outbox: Some(self.outbox_url()),
            followers: Some(self.followers_url()),
            following: Some(self.following_url()),
            endpoints: row
                .shared_inbox_url
                .as_deref()
                .map(Url::parse)
                .transpose()?
                .map(|u| Endpoints {
                    shared_inbox: Some(u),
                }),
            public_key: self.public_key(),
            icon: row
                .avatar()
                .as_deref()
                .map(Url::parse)
                .transpose()?
                .map(|url| Image {
                    kind: "Image".into(),
                    url,
                }),
            image: row
                .header
                .as_deref()
                .map(Url::parse)
                .transpose()?
                .map(|url| Image {
                    kind: "Image".into(),
                    url,
                }),
            attachment: profile_fields(row),
            manually_approves_followers: manual_approval,
            discoverable: Some(true),
            indexable: Some(true),
            published: Some(row.created_at.and_utc()),
            directory: Some(DirectoryCentre {
                website: row.website.as_deref().map(Url::parse).transpose()?,
                region: row.region.clone(),
            }),
            also_known_as: Vec::new(),
            moved_to: None,
        })
    }

    pub(crate) fn new(row: CentreRow) -> Result<Self, FederationError> {
        let id = Url::parse(&row.actor_id)?;
        Ok(Self { id, row })
    }

    pub(crate) fn followers_url(&self) -> Url {
        Url::parse(&format!("{}/followers", self.row.actor_id)).expect("valid actor id")
    }

    pub(crate) fn outbox_url(&self) -> Url {
        Url::parse(&format!("{}/outbox", self.row.actor_id)).expect("valid actor id")
    }

    pub(crate) fn following_url(&self) -> Url {
        Url::parse(&format!("{}/following", self.row.actor_id)).expect("valid actor id")
    }
}

#[async_trait]
impl Object for ApubCentre {
    type DataType = FederationData;
    type Kind = Actor;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        // Local centres are never refetched; remote ones when their copy gets old.
        if self.row.local {
            None
        } else {
            Some(
                self.row
                    .last_refreshed_at
                    .unwrap_or(self.row.updated_at)
                    .and_utc(),
            )
        }
    }

    async fn read_from_id(
        id: Url,
        data: &Data<FederationData>,
    ) -> Result<Option<Self>, FederationError> {
        let row = data
            .db
            .run(move |conn| CentreRow::find_by_actor_id(conn, id.as_str()))
            .await?;
        row.map(Self::new).transpose()
    }

    async fn into_json(self, data: &Data<FederationData>) -> Result<Actor, FederationError> {
        let mut document = self.document(&data.urls, data.policy.manual_approval)?;
        crate::federation::activities::move_actor::add_move(&mut document, &self.row, data).await?;
        Ok(document)
    }

    async fn verify(
        json: &Actor,
        expected: &Url,
        data: &Data<FederationData>,
    ) -> Result<(), FederationError> {
        verify_same_authority(json.id.inner(), expected)?;
        check_domain(data, json.id.inner()).await?;
        // The key must be the actor's own, not one borrowed from another actor.
        if json.public_key.owner != *json.id.inner() {
            return Err(FederationError::Forbidden(format!(
                "the public key of {} belongs to {}",
                json.id.inner(),
                json.public_key.owner
            )));
        }
        verify_same_authority(&json.inbox, json.id.inner())?;
        // The inbox is where our signed deliveries go: it must be a URL we may contact.
        data.egress
            .check(&json.inbox)
            .map_err(|refusal| FederationError::Forbidden(refusal.to_string()))?;
        Ok(())
    }

    async fn from_json(json: Actor, data: &Data<FederationData>) -> Result<Self, FederationError> {
        let id = json.id.inner().clone();
        let now = crate::storage::now();
        let directory = json.directory.clone();
        let shared_inbox = json
            .endpoints
            .and_then(|e| e.shared_inbox)
            .filter(|inbox| acceptable_shared_inbox(inbox, &id, data));
        let row = NewCentreRow {
            actor_id: id.to_string(),
            username: clip(&json.preferred_username, 100),
            domain: authority(&id),
            name: clip(
                json.name
                    .as_deref()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or(&json.preferred_username),
                100,
            ),
            summary: json
                .summary
                .as_deref()
                .map(|s| clip(&html::to_text(s), 2000)),
            website: directory
                .as_ref()
                .and_then(|d| d.website.as_ref())
                .filter(|u| is_web(u))
                .map(ToString::to_string),
            region: directory
                .as_ref()
                .and_then(|d| d.region.as_deref())
                .and_then(|r| region::parse("region", r).ok()),
            icon: json.icon.map(|i| i.url).filter(is_web).map(String::from),
            local: false,
            public_key: json.public_key.public_key_pem,
            private_key: None,
            inbox_url: json.inbox.to_string(),
            shared_inbox_url: shared_inbox.map(String::from),
            created_at: now,
            updated_at: now,
            actor_type: clip(&json.kind, 40),
            is_directory: directory.is_some(),
            manually_approves: json.manually_approves_followers,
            outbox_url: json.outbox.map(|u| u.to_string()),
            last_refreshed_at: Some(now),
            header: json.image.map(|i| i.url).filter(is_web).map(String::from),
            contact: None,
        };
        let row = data
            .db
            .write(move |conn| CentreRow::upsert_remote(conn, &row))
            .await?;
        Self::new(row)
    }
}

/// Links we show and re-publish (icons, headers, websites): web pages only, never
/// `javascript:`, `data:` or `file:` URLs.
fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host().is_some()
}

/// A shared inbox is used for our deliveries instead of the actor's inbox: like the inbox, it
/// must be on the actor's own authority and a URL this node may contact; otherwise it is
/// dropped (deliveries go to the actor's inbox).
fn acceptable_shared_inbox(inbox: &Url, actor: &Url, data: &Data<FederationData>) -> bool {
    if authority(inbox) != authority(actor) {
        tracing::info!("ignoring the shared inbox {inbox} of {actor}: on another host");
        return false;
    }
    if let Err(refusal) = data.egress.check(inbox) {
        tracing::info!("ignoring the shared inbox of {actor}: {refusal}");
        return false;
    }
    true
}

/// Mastodon's profile fields: website, region and contact, as `PropertyValue`s whose values
/// are HTML (links carry `rel="me"` so Mastodon can verify the website).
fn profile_fields(row: &CentreRow) -> Vec<serde_json::Value> {
    let link = |href: &str, text: &str| {
        format!(
            "<a href=\"{}\" rel=\"me nofollow noopener noreferrer\" target=\"_blank\">{}</a>",
            html::attr(href),
            html::escape(text)
        )
    };
    let shown = |url: &str| {
        url.trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned()
    };
    let mut fields = Vec::new();
    if let Some(website) = &row.website {
        fields.push(("Site web", link(website, &shown(website))));
    }
    if let Some(region) = &row.region {
        fields.push(("Région", html::escape(region)));
    }
    if let Some(contact) = &row.contact {
        let value = if contact.contains("://") {
            link(contact, &shown(contact))
        } else {
            link(&format!("mailto:{contact}"), contact)
        };
        fields.push(("Contact", value));
    }
    fields
        .into_iter()
        .map(|(name, value)| serde_json::json!({"type": "PropertyValue", "name": name, "value": value}))
        .collect()
}

impl LibActor for ApubCentre {
    fn public_key_pem(&self) -> &str {
        &self.row.public_key
    }

    fn private_key_pem(&self) -> Option<String> {
        self.row.private_key.as_ref().map(|k| k.expose().to_owned())
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.row.inbox_url).expect("stored inbox URLs are valid")
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.row
            .shared_inbox_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
    }
}

/// The actor behind an id, fetched if unknown or stale.
pub(crate) async fn dereference(
    id: &Url,
    data: &Data<FederationData>,
) -> Result<ApubCentre, FederationError> {
    ObjectId::<ApubCentre>::from(id.clone())
        .dereference(data)
        .await
}
