//! Directory entries as ActivityPub objects: recommendations and contact cards, both `Note`s.
//! This file holds what they share (loading, addressing, the library's `Object` trait, the
//! checks on the way in); `recommendation.rs` and `contact.rs` hold what each one is.

use activitypub_federation::config::Data;
use activitypub_federation::traits::Object;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use url::Url;

use super::centre::{self, ApubCentre};
use super::{contact, event, place, recommendation};
use crate::domain::contact::{ContactDraft, Visibility};
use crate::domain::recommendation::{RecommendationDraft, Status};
use crate::domain::urls::NodeUrls;
use crate::federation::audience::{self, Audience};
use crate::federation::checks::{check_domain, verify_same_authority};
use crate::federation::protocol::note::Note;
use crate::federation::protocol::public_collection;
use crate::federation::{FederationData, FederationError, authority};
use crate::storage::centres::CentreRow;
use crate::storage::contacts::ContactRow;
use crate::storage::recommendations::RecommendationRow;
use crate::storage::software::SoftwareRow;
use crate::storage::{Conn, StorageError, activities, now, products};

#[derive(Debug, Clone)]
pub enum Entry {
    Recommendation {
        rec: RecommendationRow,
        centre: CentreRow,
        software: SoftwareRow,
        replaces: Vec<String>,
    },
    Contact {
        row: ContactRow,
        centre: CentreRow,
    },
}

#[derive(Debug, Clone)]
pub struct ApubEntry {
    pub id: Url,
    pub entry: Entry,
}

impl ApubEntry {
    pub(crate) fn centre(&self) -> &CentreRow {
        match &self.entry {
            Entry::Recommendation { centre, .. } | Entry::Contact { centre, .. } => centre,
        }
    }

    pub(crate) fn is_local(&self) -> bool {
        match &self.entry {
            Entry::Recommendation { rec, .. } => rec.local,
            Entry::Contact { row, .. } => row.local,
        }
    }

    /// What may be sent to other servers at all: published recommendations, and contacts
    /// whose visibility is `network` or `public`.
    pub(crate) fn is_federated(&self) -> bool {
        match &self.entry {
            Entry::Recommendation { rec, .. } => rec.status == Status::Published,
            Entry::Contact { row, .. } => {
                matches!(row.visibility, Visibility::Network | Visibility::Public)
            }
        }
    }

    /// Whether only peer directory centres may receive it (`network` contacts).
    pub(crate) fn is_network_only(&self) -> bool {
        matches!(&self.entry, Entry::Contact { row, .. }
            if row.visibility == Visibility::Network)
    }

    /// Loads the entry with this id from the database.
    pub(crate) async fn load(
        id: &Url,
        data: &Data<FederationData>,
    ) -> Result<Option<Self>, FederationError> {
        let key = id.to_string();
        Ok(data.db.run(move |conn| Self::load_in(conn, &key)).await?)
    }

    /// The same, on a connection (inside a transaction).
    pub(crate) fn load_in(conn: &mut Conn, ap_id: &str) -> Result<Option<Self>, StorageError> {
        let Ok(id) = Url::parse(ap_id) else {
            return Ok(None);
        };
        if let Some((rec, centre, software)) = RecommendationRow::find_by_ap_id(conn, ap_id)? {
            let replaces = products::names_of(conn, rec.id)?;
            return Ok(Some(Self {
                id,
                entry: Entry::Recommendation {
                    rec,
                    centre,
                    software,
                    replaces,
                },
            }));
        }
        Ok(
            ContactRow::find_by_ap_id(conn, ap_id)?.map(|(row, centre)| Self {
                id,
                entry: Entry::Contact { row, centre },
            }),
        )
    }
}

/// The Note of a local entry, addressed as its visibility says: Public and followers, or, for
/// a `network` card, the directory centres that follow its author and nobody else.
pub(crate) fn note(
    conn: &mut Conn,
    urls: &NodeUrls,
    entry: &ApubEntry,
) -> Result<Note, StorageError> {
    let centre = ApubCentre::new(entry.centre().clone())
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let (to, cc) = if entry.is_network_only() {
        let (_, peers) = audience::reached(conn, centre.row.id, Audience::DirectoryPeers)?;
        (peers, Vec::new())
    } else {
        (vec![public_collection()], vec![centre.followers_url()])
    };
    let note = match &entry.entry {
        Entry::Recommendation {
            rec,
            software,
            replaces,
            ..
        } => recommendation::note(
            &entry.id,
            &centre,
            recommendation::Recommended {
                rec,
                software,
                replaces,
            },
            urls.base(),
            to,
            cc,
        ),
        Entry::Contact { row, .. } => contact::note(&entry.id, &centre, row, to, cc),
    };
    note.map_err(|e| StorageError::Corrupt(e.to_string()))
}

#[async_trait]
impl Object for ApubEntry {
    type DataType = FederationData;
    type Kind = Note;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        // Copies are kept up to date by pushed activities; never refetch a stored one.
        None
    }

    async fn read_from_id(
        id: Url,
        data: &Data<FederationData>,
    ) -> Result<Option<Self>, FederationError> {
        Self::load(&id, data).await
    }

    async fn into_json(self, data: &Data<FederationData>) -> Result<Note, FederationError> {
        let urls = data.urls.clone();
        Ok(data.db.run(move |conn| note(conn, &urls, &self)).await?)
    }

    async fn verify(
        json: &Note,
        expected: &Url,
        data: &Data<FederationData>,
    ) -> Result<(), FederationError> {
        // The object comes from where its id says, and its author is on the same authority.
        verify_same_authority(json.id.inner(), expected)?;
        verify_same_authority(json.attributed_to.inner(), json.id.inner())?;
        check_domain(data, json.id.inner()).await?;
        match (&json.recommendation, &json.contact) {
            (Some(_), None) | (None, Some(_)) => Ok(()),
            _ => Err(FederationError::BadRequest(format!(
                "{} is not a directory entry (no maillage:recommendation or maillage:contact)",
                json.id.inner()
            ))),
        }
    }

    async fn from_json(json: Note, data: &Data<FederationData>) -> Result<Self, FederationError> {
        let id = json.id.inner().clone();
        // (`apply` refuses a deleted id, in the same transaction as the write.)
        let author = centre::dereference(json.attributed_to.inner(), data).await?;
        let prepared = prepare(json)?;
        data.db
            .write(move |conn| apply(conn, &prepared, &author.row))
            .await??;
        Self::load(&id, data)
            .await?
            .ok_or_else(|| FederationError::Internal(format!("{id} was stored but cannot be read")))
    }
}

/// A received entry, validated and ready to store.
pub(crate) enum Prepared {
    Recommendation {
        id: Url,
        draft: RecommendationDraft,
        updated: NaiveDateTime,
    },
    Contact {
        id: Url,
        draft: ContactDraft,
        updated: NaiveDateTime,
    },
    /// A mediation place (`objects::place`).
    Place(Box<place::Prepared>),
    /// A workshop or permanence (`objects::event`).
    Event(Box<event::PreparedEvent>),
}

/// Stores or updates the copy of a received entry, on a connection (one transaction may apply
/// a whole page of a backfill). A deleted id stays deleted (`Gone`); an edit older than the
/// copy (by the author's `updated`) changes nothing; an object owned by another actor is refused.
/// The same entry stored at the same time by another transaction (a backfill and a pushed
/// Create, or two replicas) is found on a second try instead of failing the whole batch.
pub(crate) fn apply(
    conn: &mut Conn,
    prepared: &Prepared,
    author: &CentreRow,
) -> Result<Result<(), FederationError>, StorageError> {
    crate::storage::again_on_conflict(conn, |conn| apply_once(conn, prepared, author))
}

fn apply_once(
    conn: &mut Conn,
    prepared: &Prepared,
    author: &CentreRow,
) -> Result<Result<(), FederationError>, StorageError> {
    let (id, updated) = match prepared {
        Prepared::Recommendation { id, updated, .. } | Prepared::Contact { id, updated, .. } => {
            (id, *updated)
        }
        Prepared::Place(place) => return place::apply(conn, place, author),
        Prepared::Event(event) => return event::apply(conn, event, author),
    };
    if activities::is_tombstoned(conn, id.as_str())? {
        return Ok(Err(FederationError::Gone(id.to_string())));
    }
    match prepared {
        Prepared::Recommendation { draft, .. } => {
            recommendation::apply(conn, id, draft, updated, author)
        }
        Prepared::Contact { draft, .. } => contact::apply(conn, id, draft, updated, author),
        Prepared::Place(place) => place::apply(conn, place, author),
        Prepared::Event(event) => event::apply(conn, event, author),
    }
}

/// Validates a received Note's extension with the same rules as local input: a bad value
/// refuses the object.
pub(crate) fn prepare(note: Note) -> Result<Prepared, FederationError> {
    let id = note.id.inner().clone();
    let updated = note
        .updated
        .or(note.published)
        .map_or_else(now, |t| t.naive_utc());
    if let Some(ext) = note.recommendation {
        let draft = recommendation::prepare(ext)?;
        return Ok(Prepared::Recommendation { id, draft, updated });
    }
    let Some(ext) = note.contact else {
        return Err(FederationError::BadRequest(format!(
            "{id} is not a directory entry"
        )));
    };
    let draft = contact::prepare(ext)?;
    Ok(Prepared::Contact { id, draft, updated })
}

/// Whether `id` names an object of this node (by authority).
pub(crate) fn is_local_id(id: &Url, data: &Data<FederationData>) -> bool {
    authority(id) == data.urls.authority()
}
