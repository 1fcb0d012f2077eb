//! Directory entries as ActivityPub objects: recommendations and contact cards, both `Note`s.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::NoteType;
use activitypub_federation::traits::Object;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use url::Url;

use chrono::NaiveDateTime;

use crate::domain::contact::{self, Area, Consent, ContactDraft, ContactInput, Visibility};
use crate::domain::recommendation::{
    Hosting, Level, RecommendationDraft, RecommendationInput, Status,
};
use crate::domain::software::SoftwareInput;
use crate::domain::urls::NodeUrls;
use crate::federation::outgoing::Audience;
use crate::federation::protocol::note::{
    ContactExt, HostingExt, Note, RecommendationExt, SoftwareExt,
};
use crate::federation::protocol::public_collection;
use crate::federation::{FederationData, FederationError, authority};
use crate::storage::centres::CentreRow;
use crate::storage::contacts::{self, ContactIdentity, ContactRow};
use crate::storage::recommendations::{self, RecommendationIdentity, RecommendationRow};
use crate::storage::software::{self as software_rows, SoftwareRow};
use crate::storage::{Conn, StorageError, activities, now, products};

use super::centre::{self, ApubCentre};
use super::{html, verify_same_authority};

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
    pub fn centre(&self) -> &CentreRow {
        match &self.entry {
            Entry::Recommendation { centre, .. } | Entry::Contact { centre, .. } => centre,
        }
    }

    pub fn is_local(&self) -> bool {
        match &self.entry {
            Entry::Recommendation { rec, .. } => rec.local,
            Entry::Contact { row, .. } => row.local,
        }
    }

    /// What may be sent to other servers at all: published recommendations, and contacts
    /// whose visibility is `network` or `public`.
    pub fn is_federated(&self) -> bool {
        match &self.entry {
            Entry::Recommendation { rec, .. } => rec.status == Status::Published.as_str(),
            Entry::Contact { row, .. } => matches!(
                Visibility::from_stored(&row.visibility),
                Visibility::Network | Visibility::Public
            ),
        }
    }

    /// Whether only peer directory centres may receive it (`network` contacts).
    pub fn is_network_only(&self) -> bool {
        matches!(&self.entry, Entry::Contact { row, .. }
            if Visibility::from_stored(&row.visibility) == Visibility::Network)
    }

    /// Loads the entry with this id from the database.
    pub async fn load(
        id: &Url,
        data: &Data<FederationData>,
    ) -> Result<Option<Self>, FederationError> {
        let key = id.to_string();
        Ok(data.db.run(move |conn| Self::load_in(conn, &key)).await?)
    }

    /// The same, on a connection (inside a transaction).
    pub fn load_in(conn: &mut Conn, ap_id: &str) -> Result<Option<Self>, StorageError> {
        let Ok(id) = Url::parse(ap_id) else {
            return Ok(None);
        };
        if let Some((rec, centre, software)) = RecommendationRow::find_by_ap_id(conn, ap_id)? {
            let replaces = products::names_for(conn, &[rec.id])?
                .remove(&rec.id)
                .unwrap_or_default();
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
pub fn note(conn: &mut Conn, urls: &NodeUrls, entry: &ApubEntry) -> Result<Note, StorageError> {
    let centre = ApubCentre::new(entry.centre().clone())
        .map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let (to, cc) = if entry.is_network_only() {
        let (_, peers) =
            crate::federation::outbox::audience(conn, centre.row.id, Audience::DirectoryPeers)?;
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
        } => recommendation_note(
            &entry.id,
            &centre,
            rec,
            software,
            replaces,
            urls.base(),
            to,
            cc,
        ),
        Entry::Contact { row, .. } => contact_note(&entry.id, &centre, row, to, cc),
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
        crate::federation::inbox::check_domain(data, json.id.inner()).await?;
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
pub enum Prepared {
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
}

/// Validates a received Note's extension with the same rules as local input: a bad value
/// refuses the object.
pub fn prepare(note: Note) -> Result<Prepared, FederationError> {
    let id = note.id.inner().clone();
    let updated = note
        .updated
        .or(note.published)
        .map_or_else(now, |t| t.naive_utc());
    if let Some(ext) = note.recommendation {
        let input = RecommendationInput {
            software: SoftwareInput {
                name: ext.item_reviewed.name,
                homepage: ext.item_reviewed.url,
                repository: ext.item_reviewed.code_repository,
                license: ext.item_reviewed.license,
                wikidata: ext.item_reviewed.same_as,
            },
            replaces: ext.replaces,
            category: ext.category,
            summary: ext.review_body,
            language: Some(ext.in_language),
            rationale: ext.description,
            level: match ext.level.as_str() {
                "usable" => Level::Usable,
                "avoid" => Level::Avoid,
                _ => Level::Recommended,
            },
            region: ext.spatial_coverage,
            hosting: ext
                .hosting
                .into_iter()
                .map(|h| Hosting {
                    name: h.name,
                    url: h.url,
                })
                .collect(),
            audience: ext.audience,
            status: Status::Published,
        };
        return Ok(Prepared::Recommendation {
            id,
            draft: input.validate()?,
            updated,
        });
    }
    let Some(ext) = note.contact else {
        return Err(FederationError::BadRequest(format!(
            "{id} is not a directory entry"
        )));
    };
    let visibility = match ext.visibility.as_str() {
        "public" => Visibility::Public,
        "network" => Visibility::Network,
        other => {
            return Err(FederationError::BadRequest(format!(
                "a contact card cannot be federated with visibility `{other}`"
            )));
        }
    };
    let input = ContactInput {
        name: ext.name,
        role: ext.job_title,
        area: ext.area_served,
        skills: ext.knows_about,
        languages: ext.knows_language,
        email: ext.email,
        phone: ext.telephone,
        website: ext.url,
        contact_form: ext.contact_point,
        // The card's author recorded the person's consent; what it sent is what was consented.
        visibility: Visibility::Hidden,
        consent: None,
    };
    let mut draft = input.validate(Utc::now())?;
    draft.visibility = visibility;
    Ok(Prepared::Contact { id, draft, updated })
}

/// Stores or updates the copy of a received entry, on a connection (one transaction may apply
/// a whole page of a backfill). A deleted id stays deleted (`Gone`); an edit older than the
/// copy (by the author's `updated`) changes nothing; an object owned by another actor is refused.
pub fn apply(
    conn: &mut Conn,
    prepared: &Prepared,
    author: &CentreRow,
) -> Result<Result<(), FederationError>, StorageError> {
    let now = now();
    match prepared {
        Prepared::Recommendation { id, draft, updated } => {
            if activities::is_tombstoned(conn, id.as_str())? {
                return Ok(Err(FederationError::Gone(id.to_string())));
            }
            let existing = RecommendationRow::find_by_ap_id(conn, id.as_str())?;
            if let Some((rec, _, _)) = &existing {
                if rec.centre_id != author.id {
                    return Ok(Err(FederationError::Forbidden(format!(
                        "{id} belongs to another actor"
                    ))));
                }
                if rec.remote_updated_at.is_some_and(|known| known >= *updated) {
                    return Ok(Ok(()));
                }
            }
            let software = software_rows::upsert(conn, &draft.software, false, now)?;
            let published_before = existing
                .as_ref()
                .and_then(|(r, _, _)| r.published_at)
                .or(Some(*updated));
            let fields = recommendations::fields(
                draft,
                author,
                &software,
                published_before,
                Some(*updated),
                now,
            )?;
            let rec_id = match &existing {
                Some((rec, _, old_software)) => {
                    RecommendationRow::update(conn, rec.id, &fields)?;
                    if old_software.id != software.id {
                        SoftwareRow::delete_if_unused(conn, old_software.id)?;
                    }
                    rec.id
                }
                None => {
                    let identity = RecommendationIdentity {
                        key: uuid::Uuid::new_v4().simple().to_string(),
                        ap_id: id.to_string(),
                        centre_id: author.id,
                        local: false,
                        created_at: now,
                    };
                    RecommendationRow::insert(conn, &identity, &fields)?.id
                }
            };
            recommendations::link_products(conn, rec_id, draft)?;
        }
        Prepared::Contact { id, draft, updated } => {
            if activities::is_tombstoned(conn, id.as_str())? {
                return Ok(Err(FederationError::Gone(id.to_string())));
            }
            let existing = ContactRow::find_by_ap_id(conn, id.as_str())?;
            if let Some((row, _)) = &existing {
                if row.centre_id != author.id {
                    return Ok(Err(FederationError::Forbidden(format!(
                        "{id} belongs to another actor"
                    ))));
                }
                if row.remote_updated_at.is_some_and(|known| known >= *updated) {
                    return Ok(Ok(()));
                }
            }
            let fields = contacts::fields(draft, author, Some(*updated), now)?;
            match existing {
                Some((row, _)) => {
                    ContactRow::update(conn, row.id, &fields)?;
                }
                None => {
                    let identity = ContactIdentity {
                        key: uuid::Uuid::new_v4().simple().to_string(),
                        ap_id: id.to_string(),
                        centre_id: author.id,
                        import_ref: None,
                        local: false,
                        created_at: now,
                    };
                    ContactRow::insert(conn, &identity, &fields)?;
                }
            }
        }
    }
    Ok(Ok(()))
}

/// `GoogleDrive` from "Google Drive": a hashtag Mastodon links.
pub fn hashtag(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn hashtag_link(base: &Url, tag: &str) -> (String, serde_json::Value) {
    let href = base
        .join(&format!("tags/{tag}"))
        .map(|u| u.to_string())
        .unwrap_or_default();
    let html = format!(
        "<a href=\"{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
        html::attr(&href),
        html::escape(tag)
    );
    (
        html,
        json!({"type": "Hashtag", "href": href, "name": format!("#{tag}")}),
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the parts of one Note"
)]
fn recommendation_note(
    id: &Url,
    centre: &ApubCentre,
    rec: &RecommendationRow,
    software: &SoftwareRow,
    replaces: &[String],
    base: &Url,
    to: Vec<Url>,
    cc: Vec<Url>,
) -> Result<Note, FederationError> {
    let english = rec.language.starts_with("en");
    let hosting: Vec<Hosting> = serde_json::from_str(&rec.hosting).unwrap_or_default();
    let audience: Vec<String> = serde_json::from_str(&rec.audience).unwrap_or_default();
    let products = list_words(replaces, if english { "and" } else { "et" });
    let mut content = format!(
        "<p><strong>{}</strong>{}{}.</p>{}",
        html::escape(&software.name),
        if english {
            ", a free alternative to "
        } else {
            ", alternative libre à "
        },
        html::escape(&products),
        html::paragraphs(&rec.summary),
    );
    if !hosting.is_empty() {
        let links: Vec<String> = hosting
            .iter()
            .map(|h| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    html::attr(&h.url),
                    html::escape(&h.name)
                )
            })
            .collect();
        content.push_str(&format!(
            "<p>{} {}</p>",
            if english {
                "Hosted by:"
            } else {
                "Hébergement :"
            },
            links.join(", ")
        ));
    }
    content.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>",
        html::attr(&software.homepage),
        html::escape(&software.homepage)
    ));
    let mut tags = vec![
        hashtag(&software.name),
        (if english {
            "FreeSoftware"
        } else {
            "LogicielLibre"
        })
        .to_owned(),
    ];
    for name in replaces {
        tags.push(format!("Alternative{}", hashtag(name)));
    }
    tags.dedup();
    let (links, tag_objects): (Vec<String>, Vec<serde_json::Value>) =
        tags.iter().map(|t| hashtag_link(base, t)).unzip();
    content.push_str(&format!("<p>{}</p>", links.join(" ")));
    let ext = RecommendationExt {
        item_reviewed: SoftwareExt {
            name: software.name.clone(),
            url: software.homepage.clone(),
            code_repository: software.repository.clone(),
            license: software.license.clone(),
            same_as: software
                .wikidata
                .as_ref()
                .map(|w| format!("https://www.wikidata.org/wiki/{w}")),
        },
        category: rec.category.clone(),
        replaces: replaces.to_vec(),
        review_body: rec.summary.clone(),
        description: rec.rationale.clone(),
        in_language: rec.language.clone(),
        level: rec.level.clone(),
        spatial_coverage: rec.region.clone(),
        audience,
        hosting: hosting
            .into_iter()
            .map(|h| HostingExt {
                name: h.name,
                url: h.url,
            })
            .collect(),
    };
    let homepage = json!({"type": "Link", "href": software.homepage, "name": software.name});
    Ok(Note {
        kind: NoteType::Note,
        id: ObjectId::from(id.clone()),
        attributed_to: centre.id.clone().into(),
        to,
        cc,
        content_map: Some(
            [(rec.language.clone(), content.clone())]
                .into_iter()
                .collect(),
        ),
        content,
        published: rec.published_at.map(|t| t.and_utc()),
        updated: Some(rec.updated_at.and_utc()),
        url: Some(id.clone()),
        tag: tag_objects,
        attachment: vec![homepage],
        recommendation: Some(ext),
        contact: None,
    })
}

fn contact_note(
    id: &Url,
    centre: &ApubCentre,
    row: &ContactRow,
    to: Vec<Url>,
    cc: Vec<Url>,
) -> Result<Note, FederationError> {
    let consent: Option<Consent> = row
        .consent
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok());
    // Only what the person consented to publish leaves the node.
    let allowed = |term: &str| contact::allows(consent.as_ref(), term);
    let list = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
    let ext = ContactExt {
        name: row.name.clone(),
        job_title: row.role.clone().filter(|_| allowed("role")),
        area_served: serde_json::from_str::<Area>(&row.area)
            .ok()
            .filter(|a| allowed("area") && *a != Area::default()),
        knows_about: if allowed("skills") {
            list(&row.skills)
        } else {
            Vec::new()
        },
        knows_language: if allowed("languages") {
            list(&row.languages)
        } else {
            Vec::new()
        },
        email: row.email.clone().filter(|_| allowed("email")),
        telephone: row.phone.clone().filter(|_| allowed("phone")),
        url: row.website.clone().filter(|_| allowed("website")),
        contact_point: row.contact_form.clone().filter(|_| allowed("contact_form")),
        visibility: row.visibility.clone(),
    };
    let mut content = format!("<p><strong>{}</strong>", html::escape(&ext.name));
    if let Some(role) = &ext.job_title {
        content.push_str(&format!(", {}", html::escape(role)));
    }
    content.push_str("</p>");
    if !ext.knows_about.is_empty() {
        content.push_str(&format!(
            "<p>{}</p>",
            html::escape(&ext.knows_about.join(", "))
        ));
    }
    let mut channels = Vec::new();
    if let Some(form) = &ext.contact_point {
        channels.push(format!(
            "<a href=\"{}\">{}</a>",
            html::attr(form),
            html::escape(form)
        ));
    }
    if let Some(email) = &ext.email {
        channels.push(format!(
            "<a href=\"mailto:{}\">{}</a>",
            html::attr(email),
            html::escape(email)
        ));
    }
    if let Some(phone) = &ext.telephone {
        channels.push(html::escape(phone));
    }
    if let Some(site) = &ext.url {
        channels.push(format!(
            "<a href=\"{}\">{}</a>",
            html::attr(site),
            html::escape(site)
        ));
    }
    if !channels.is_empty() {
        content.push_str(&format!("<p>{}</p>", channels.join(" · ")));
    }
    Ok(Note {
        kind: NoteType::Note,
        id: ObjectId::from(id.clone()),
        attributed_to: centre.id.clone().into(),
        to,
        cc,
        content_map: None,
        content,
        published: Some(row.created_at.and_utc()),
        updated: Some(row.updated_at.and_utc()),
        url: Some(id.clone()),
        tag: Vec::new(),
        attachment: Vec::new(),
        recommendation: None,
        contact: Some(ext),
    })
}

fn list_words(items: &[String], and: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

/// Whether `id` names an object of this node (by authority).
pub fn is_local_id(id: &Url, data: &Data<FederationData>) -> bool {
    authority(id) == data.urls.authority()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_camel_case() {
        assert_eq!(hashtag("Google Drive"), "GoogleDrive");
        assert_eq!(hashtag("X (Twitter)"), "XTwitter");
        assert_eq!(hashtag("Jitsi Meet"), "JitsiMeet");
        assert_eq!(hashtag("Galène"), "Galène");
    }
}
