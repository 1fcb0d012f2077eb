//! This node's centres: the first one from the configuration, others through the API.

use crate::domain::centre::{CentreProfile, CentreProfileInput, NewCentreInput, Username};
use crate::federation::keys;
use crate::storage::centres::{CentreProfileChanges, CentreRow, NewCentreRow};

use super::audit::Action;
use super::views::CentreView;
use super::{Directory, DirectoryError, now};
use crate::federation::publish;

impl Directory {
    /// Creates the configured first centre if the node has no centre yet. Returns it (or the
    /// node's first centre when one exists already).
    #[tracing::instrument(skip(self))]
    pub(crate) async fn ensure_first_centre(
        &self,
        username: &str,
        name: &str,
    ) -> Result<CentreView, DirectoryError> {
        let existing = self.db().run(CentreRow::list_local).await?;
        if let Some(first) = existing.first() {
            return Ok(first.into());
        }
        let input = NewCentreInput {
            username: username.to_owned(),
            profile: CentreProfileInput {
                name: name.to_owned(),
                ..Default::default()
            },
        };
        self.create_centre(&input).await
    }

    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn create_centre(
        &self,
        input: &NewCentreInput,
    ) -> Result<CentreView, DirectoryError> {
        self.create_actor(input, "Organization").await
    }

    /// A new local actor: a centre (`Organization`) or a network of centres (`Group`).
    pub(super) async fn create_actor(
        &self,
        input: &NewCentreInput,
        actor_type: &str,
    ) -> Result<CentreView, DirectoryError> {
        let username = Username::parse("username", &input.username)?;
        let profile = input.profile.validate()?;
        // Key generation takes CPU time: keep it off the async threads.
        let keypair = tokio::task::spawn_blocking(keys::generate)
            .await
            .map_err(|e| DirectoryError::Internal(e.to_string()))?
            .map_err(|e| DirectoryError::Internal(e.to_string()))?;
        let summary = profile.summary.clone().unwrap_or_else(|| {
            CentreProfile::default_summary(&profile.name, profile.region.as_deref())
        });
        let urls = self.urls().clone();
        let t = now();
        let row = NewCentreRow {
            actor_id: urls.centre(username.as_str()).to_string(),
            username: username.as_str().to_owned(),
            domain: urls.authority(),
            name: profile.name,
            summary: Some(summary),
            website: profile.website.map(|u| u.to_string()),
            region: profile.region,
            icon: profile.icon.map(|u| u.to_string()),
            local: true,
            public_key: keypair.public_key_pem,
            private_key: Some(keypair.private_key_pem.expose().to_owned()),
            inbox_url: urls.centre_inbox(username.as_str()).to_string(),
            shared_inbox_url: Some(urls.shared_inbox().to_string()),
            created_at: t,
            updated_at: t,
            actor_type: actor_type.to_owned(),
            is_directory: true,
            manually_approves: false,
            outbox_url: Some(format!("{}/outbox", urls.centre(username.as_str()))),
            last_refreshed_at: None,
            header: profile.header.map(|u| u.to_string()),
            contact: profile.contact,
        };
        let name = username.as_str().to_owned();
        let created = self
            .db()
            .write(move |conn| {
                if CentreRow::find_local(conn, &name)?.is_some() {
                    return Ok(None);
                }
                CentreRow::insert(conn, &row).map(Some)
            })
            .await?;
        match created {
            Some(row) => Ok((&row).into()),
            None => Err(DirectoryError::Conflict {
                field: Some("username".into()),
                message: format!(
                    "a centre named `{}` already exists on this node",
                    username.as_str()
                ),
            }),
        }
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_centres(&self) -> Result<Vec<CentreView>, DirectoryError> {
        let rows = self.db().run(CentreRow::list_all).await?;
        Ok(rows.iter().map(Into::into).collect())
    }

    /// The networks of centres this node hosts or knows, for the directory page (a network
    /// is an actor like a centre, but publishes nothing of its own: it relays its members).
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn known_networks(&self) -> Result<Vec<CentreView>, DirectoryError> {
        let rows = self.db().run(CentreRow::list_networks).await?;
        Ok(rows.iter().map(Into::into).collect())
    }

    /// The centres of the directory page: this node's, then those it knows from the network,
    /// each with its number of recommendations and the date of the latest change (freshness).
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn centre_overview(&self) -> Result<Vec<CentreOverview>, DirectoryError> {
        let (rows, activity) = self
            .db()
            .run(|conn| Ok((CentreRow::list_all(conn)?, CentreRow::activity(conn)?)))
            .await?;
        let activity: std::collections::HashMap<i64, (i64, Option<chrono::NaiveDateTime>)> =
            activity
                .into_iter()
                .map(|(id, n, t)| (id, (n, t)))
                .collect();
        Ok(rows
            .iter()
            .map(|row| {
                let (count, latest) = activity
                    .get(&row.id)
                    .map(|(n, t)| (*n, t.map(|t| t.and_utc())))
                    .unwrap_or((0, None));
                CentreOverview {
                    centre: row.into(),
                    recommendations: count,
                    latest_change: latest,
                    last_refreshed: row.last_refreshed_at.map(|t| t.and_utc()),
                }
            })
            .collect())
    }

    /// Any directory centre this node knows, by `username` (local) or `username@domain`.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn find_centre(&self, handle: &str) -> Result<CentreView, DirectoryError> {
        let handle = handle.trim().trim_start_matches('@').to_lowercase();
        let Some((username, domain)) = handle.split_once('@') else {
            return self.get_centre(&handle).await;
        };
        let (username, domain) = (username.to_owned(), domain.to_owned());
        self.db()
            .run(move |conn| CentreRow::find_by_handle(conn, &username, &domain))
            .await?
            .map(|row| (&row).into())
            .ok_or_else(|| DirectoryError::NotFound(format!("centre `{handle}`")))
    }

    /// The node's first centre: the one its printed sheets and its home page speak for.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn first_centre(&self) -> Result<CentreView, DirectoryError> {
        Ok((&self.local_centre_or_first(None).await?).into())
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn get_centre(&self, username: &str) -> Result<CentreView, DirectoryError> {
        Ok((&self.local_centre(username).await?).into())
    }

    /// A centre of this node by username, or the node's first centre when `username` is None.
    pub(crate) async fn local_centre_or_first(
        &self,
        username: Option<&str>,
    ) -> Result<CentreRow, DirectoryError> {
        match username {
            Some(name) => self.local_centre(name).await,
            None => self
                .db()
                .run(CentreRow::list_local)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| DirectoryError::NotFound("centre".into())),
        }
    }

    pub(crate) async fn local_centre(&self, username: &str) -> Result<CentreRow, DirectoryError> {
        let name = username.trim().to_lowercase();
        self.db()
            .run(move |conn| CentreRow::find_local(conn, &name))
            .await?
            .ok_or_else(|| DirectoryError::NotFound(format!("centre `{}`", username.trim())))
    }

    /// The editable profile of a centre, as the input a PATCH merges into.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn centre_profile(
        &self,
        username: &str,
    ) -> Result<CentreProfileInput, DirectoryError> {
        let row = self.local_centre(username).await?;
        Ok(CentreProfileInput {
            name: row.name,
            summary: row.summary,
            website: row.website,
            region: row.region,
            icon: row.icon,
            header: row.header,
            contact: row.contact,
        })
    }

    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn update_centre(
        &self,
        username: &str,
        input: &CentreProfileInput,
    ) -> Result<CentreView, DirectoryError> {
        let CentreProfile {
            name,
            summary,
            website,
            region,
            icon,
            header,
            contact,
        } = input.validate()?;
        let row = self.local_centre(username).await?;
        let changes = CentreProfileChanges {
            name,
            summary,
            website: website.map(|u| u.to_string()),
            region,
            icon: icon.map(|u| u.to_string()),
            header: header.map(|u| u.to_string()),
            contact,
            updated_at: now(),
        };
        let urls = self.urls().clone();
        let manual_approval = self.federation().data().policy.manual_approval;
        let updated = self
            .db()
            .write(move |conn| {
                let updated = CentreRow::update_profile(conn, row.id, &changes)?;
                publish::profile_changed(conn, &urls, &updated, manual_approval)?;
                Ok(updated)
            })
            .await?;
        self.federation().wake();
        self.audited(Action::Updated, "profile", &updated.username, &updated.name)
            .await;
        Ok((&updated).into())
    }
}

/// A centre as the centres page lists it.
#[derive(Debug, Clone)]
pub struct CentreOverview {
    pub centre: CentreView,
    /// Published recommendations of it that this node holds.
    pub recommendations: i64,
    pub latest_change: Option<chrono::DateTime<chrono::Utc>>,
    /// When this node last fetched the centre's profile (remote centres).
    pub last_refreshed: Option<chrono::DateTime<chrono::Utc>>,
}
