//! Mediator contact cards: create, read, edit, delete, list — with visibility and consent.

use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::contact::{Area, Consent, ContactDraft, ContactInput, Visibility};
use crate::storage::centres::CentreRow;
use crate::storage::contacts::{self, ContactFilter, ContactIdentity, ContactRecord, ContactRow};
use crate::storage::{StorageError, Window};

use super::audit::Action;
use super::federating::contact_audience;
use super::recommendations::words;
use super::views::{ContactView, Listing};
use super::{Access, Directory, DirectoryError, new_key, now};
use crate::federation::audience::Audience;
use crate::federation::publish;

/// Filters of `GET /api/v1/contacts`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ContactQuery {
    /// Words to find (case and accents ignored).
    pub q: Option<String>,
    /// The centre: actor id, `@user@domain` or a local username.
    pub origin: Option<String>,
    /// Staff only: `hidden`, `local`, `network` or `public`.
    pub visibility: Option<String>,
}

/// The visibilities a caller may see on this node.
pub(crate) fn visible_to(access: Access) -> Vec<Visibility> {
    let all = [
        Visibility::Hidden,
        Visibility::Local,
        Visibility::Network,
        Visibility::Public,
    ];
    all.into_iter()
        .filter(|v| access == Access::Staff || v.is_public_here())
        .collect()
}

impl Directory {
    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn create_contact(
        &self,
        centre: Option<&str>,
        input: &ContactInput,
    ) -> Result<ContactView, DirectoryError> {
        let draft = input.validate(Utc::now())?;
        let centre = self.local_centre_or_first(centre).await?;
        let view = self.insert_contact(centre, draft, None).await?;
        self.audited(Action::Created, "contact", &view.key, &view.name)
            .await;
        Ok(view)
    }

    /// Inserts a validated card for a local centre; `import_ref` records where an imported card
    /// came from, so that importing the same file again finds it.
    pub(crate) async fn insert_contact(
        &self,
        centre: CentreRow,
        draft: ContactDraft,
        import_ref: Option<String>,
    ) -> Result<ContactView, DirectoryError> {
        let key = new_key();
        // One instant for both: a card's Note says `updated` only once it was edited.
        let at = now();
        let identity = ContactIdentity {
            ap_id: self.urls().contact(&key).to_string(),
            key: key.clone(),
            centre_id: centre.id,
            import_ref,
            local: true,
            created_at: at,
        };
        let fields = contacts::fields(&draft, &centre, None, at)?;
        let (ap_id, audience) = (identity.ap_id.clone(), contact_audience(draft.visibility));
        let urls = self.urls().clone();
        self.db()
            .write(move |conn| {
                ContactRow::insert(conn, &identity, &fields)?;
                publish::entry_changed(conn, &urls, &ap_id, Audience::Nobody, audience)
            })
            .await?;
        self.federation().wake();
        self.contact(&key, Access::Staff).await
    }

    /// One card by key. The public sees it only when its visibility is `local` or `public`.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn contact(
        &self,
        key: &str,
        access: Access,
    ) -> Result<ContactView, DirectoryError> {
        let (row, centre) = self.find_contact(key).await?;
        let visible = access == Access::Staff || (row.visibility.is_public_here() && !row.hidden);
        if !visible {
            return Err(not_found(key));
        }
        Ok(ContactView::build(&row, &centre, access))
    }

    /// The stored card as the input a PATCH merges into.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn contact_input(&self, key: &str) -> Result<ContactInput, DirectoryError> {
        let (row, _) = self.find_contact(key).await?;
        let area: Area = serde_json::from_str(&row.area).map_err(StorageError::from)?;
        Ok(ContactInput {
            name: row.name,
            role: row.role,
            area: Some(area).filter(|a| *a != Area::default()),
            skills: serde_json::from_str(&row.skills).map_err(StorageError::from)?,
            languages: serde_json::from_str(&row.languages).map_err(StorageError::from)?,
            email: row.email,
            phone: row.phone,
            website: row.website,
            contact_form: row.contact_form,
            visibility: row.visibility,
            consent: row
                .consent
                .as_deref()
                .map(serde_json::from_str::<Consent>)
                .transpose()
                .map_err(StorageError::from)?,
        })
    }

    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn update_contact(
        &self,
        key: &str,
        input: &ContactInput,
    ) -> Result<ContactView, DirectoryError> {
        let draft = input.validate(Utc::now())?;
        let (row, centre) = self.find_contact(key).await?;
        ensure_local(&row)?;
        let fields = contacts::fields(&draft, &centre, None, now())?;
        let (ap_id, before, after) = (
            row.ap_id.clone(),
            contact_audience(row.visibility),
            contact_audience(draft.visibility),
        );
        let urls = self.urls().clone();
        self.db()
            .write(move |conn| {
                ContactRow::update(conn, row.id, &fields)?;
                publish::entry_changed(conn, &urls, &ap_id, before, after)
            })
            .await?;
        self.federation().wake();
        let view = self.contact(key, Access::Staff).await?;
        self.audited(Action::Updated, "contact", key, &view.name)
            .await;
        Ok(view)
    }

    #[tracing::instrument(skip(self))]
    pub(crate) async fn delete_contact(&self, key: &str) -> Result<(), DirectoryError> {
        let (row, centre) = self.find_contact(key).await?;
        let title = row.name.clone();
        ensure_local(&row)?;
        let (ap_id, before) = (row.ap_id.clone(), contact_audience(row.visibility));
        let urls = self.urls().clone();
        self.db()
            .write(move |conn| {
                ContactRow::delete(conn, row.id)?;
                publish::entry_deleted(conn, &urls, &ap_id, &centre, before)
            })
            .await?;
        self.federation().wake();
        self.audited(Action::Deleted, "contact", key, &title).await;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_contacts(
        &self,
        query: &ContactQuery,
        window: Window,
        access: Access,
    ) -> Result<Listing<ContactView>, DirectoryError> {
        let mut visibilities = visible_to(access);
        if let Some(wanted) = query.visibility.as_deref().map(|v| v.trim().to_lowercase())
            && !wanted.is_empty()
        {
            visibilities.retain(|v| Some(*v) == Visibility::parse(&wanted));
        }
        let filter = ContactFilter {
            words: words(query.q.as_deref()),
            origin: self.origin_actor(query.origin.clone()).await?,
            visibilities,
            include_hidden_by_moderation: access == Access::Staff,
        };
        self.list_contact_views(filter, window, access).await
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_contact_views(
        &self,
        filter: ContactFilter,
        window: Window,
        access: Access,
    ) -> Result<Listing<ContactView>, DirectoryError> {
        let page = self
            .db()
            .run(move |conn| ContactRow::list(conn, &filter, window))
            .await?;
        Ok(Listing {
            total: page.total,
            results: page
                .rows
                .iter()
                .map(|(row, centre)| ContactView::build(row, centre, access))
                .collect(),
        })
    }

    async fn find_contact(&self, key: &str) -> Result<ContactRecord, DirectoryError> {
        let owned = key.to_owned();
        self.db()
            .run(move |conn| ContactRow::find_by_key(conn, &owned))
            .await?
            .ok_or_else(|| not_found(key))
    }
}

fn not_found(key: &str) -> DirectoryError {
    DirectoryError::NotFound(format!("contact `{key}`"))
}

fn ensure_local(row: &ContactRow) -> Result<(), DirectoryError> {
    if row.local {
        Ok(())
    } else {
        Err(DirectoryError::Forbidden(
            "this contact was received from another node: only its author can change it".into(),
        ))
    }
}
