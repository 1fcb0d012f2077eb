//! The instance actor (FEP-2677): an `Application` at `/actor` whose key signs this node's
//! fetches, so objects can be fetched from servers in "authorized fetch" mode without signing
//! as one of the centres.

use activitypub_federation::config::Data;
use activitypub_federation::traits::{Actor as LibActor, Object};
use async_trait::async_trait;
use url::Url;

use crate::domain::secret::Secret;
use crate::federation::protocol::actor::{Actor, Endpoints};
use crate::federation::{FederationData, FederationError};

#[derive(Debug, Clone)]
pub(crate) struct InstanceActor {
    pub id: Url,
    pub public_key_pem: String,
    pub private_key_pem: Secret,
    pub inbox: Url,
    /// The host name: what WebFinger and Mastodon show as its username.
    pub username: String,
}

impl InstanceActor {
    pub(crate) fn new(base: &Url, public_key_pem: String, private_key_pem: String) -> Self {
        Self {
            id: base.join("actor").expect("valid path"),
            inbox: base.join("inbox").expect("valid path"),
            username: base.host_str().unwrap_or("maillage").to_owned(),
            public_key_pem,
            private_key_pem: Secret::new(private_key_pem),
        }
    }

    pub(crate) fn to_json(&self) -> Actor {
        Actor {
            kind: "Application".into(),
            id: Url::clone(&self.id).into(),
            preferred_username: self.username.clone(),
            name: Some(format!("Maillage ({})", self.username)),
            summary: Some(
                "<p>The instance actor of this Maillage node: it signs the node's requests.</p>"
                    .into(),
            ),
            url: None,
            inbox: self.inbox.clone(),
            outbox: None,
            followers: None,
            following: None,
            endpoints: Some(Endpoints {
                shared_inbox: Some(self.inbox.clone()),
            }),
            public_key: self.public_key(),
            icon: None,
            image: None,
            attachment: Vec::new(),
            manually_approves_followers: true,
            discoverable: Some(false),
            indexable: Some(false),
            published: None,
            directory: None,
            also_known_as: Vec::new(),
            moved_to: None,
        }
    }
}

#[async_trait]
impl Object for InstanceActor {
    type DataType = FederationData;
    type Kind = Actor;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(
        _id: Url,
        _data: &Data<FederationData>,
    ) -> Result<Option<Self>, FederationError> {
        // Only ever used locally to sign; never looked up.
        Ok(None)
    }

    async fn into_json(self, _data: &Data<FederationData>) -> Result<Actor, FederationError> {
        Ok(self.to_json())
    }

    async fn verify(
        _json: &Actor,
        _expected: &Url,
        _data: &Data<FederationData>,
    ) -> Result<(), FederationError> {
        Err(FederationError::BadRequest(
            "the instance actor is not received".into(),
        ))
    }

    async fn from_json(
        _json: Actor,
        _data: &Data<FederationData>,
    ) -> Result<Self, FederationError> {
        Err(FederationError::BadRequest(
            "the instance actor is not received".into(),
        ))
    }
}

impl LibActor for InstanceActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_key_pem.expose().to_owned())
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_leaves_the_private_key_out() {
        let actor = InstanceActor::new(
            &Url::parse("https://a.example/").unwrap(),
            "-----BEGIN PUBLIC KEY-----".into(),
            "-----BEGIN PRIVATE KEY-----MIIEvQIBADAN".into(),
        );
        let printed = format!("{actor:?}");
        assert!(!printed.contains("PRIVATE KEY"), "{printed}");
        assert!(printed.contains("a.example"), "{printed}");
    }
}
