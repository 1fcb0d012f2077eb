//! A mediator's contact card as an ActivityPub object: the `Note` built from our row (only
//! what the person consented to publish), and a received `maillage:contact` validated and
//! stored as a remote copy. `entry` dispatches here.

use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::NoteType;
use chrono::{NaiveDateTime, Utc};
use url::Url;

use super::centre::ApubCentre;
use super::html;
use crate::domain::contact::{self, Area, Consent, ContactDraft, ContactInput, Visibility};
use crate::federation::FederationError;
use crate::federation::protocol::note::{ContactExt, Note};
use crate::storage::centres::CentreRow;
use crate::storage::contacts::{self as contact_rows, ContactIdentity, ContactRow};
use crate::storage::{Conn, StorageError, now};

/// Validates a received `maillage:contact` with the rules of local input.
pub(super) fn prepare(ext: ContactExt) -> Result<ContactDraft, FederationError> {
    let visibility = match Visibility::parse(&ext.visibility) {
        Some(v @ (Visibility::Public | Visibility::Network)) => v,
        _ => {
            return Err(FederationError::BadRequest(format!(
                "a contact card cannot be federated with visibility `{}`",
                ext.visibility
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
    Ok(draft)
}

/// Stores or updates the copy of the received card `id` by `author` (the caller checked it is
/// not tombstoned).
pub(super) fn apply(
    conn: &mut Conn,
    id: &Url,
    draft: &ContactDraft,
    updated: NaiveDateTime,
    author: &CentreRow,
) -> Result<Result<(), FederationError>, StorageError> {
    let now = now();
    let existing = ContactRow::find_by_ap_id(conn, id.as_str())?;
    if let Some((row, _)) = &existing {
        if row.centre_id != author.id {
            return Ok(Err(FederationError::Forbidden(format!(
                "{id} belongs to another actor"
            ))));
        }
        if row.remote_updated_at.is_some_and(|known| known >= updated) {
            return Ok(Ok(()));
        }
    }
    let fields = contact_rows::fields(draft, author, Some(updated), now)?;
    match existing {
        Some((row, _)) => {
            ContactRow::update(conn, row.id, &fields)?;
        }
        None => {
            let identity = ContactIdentity {
                key: crate::storage::new_key(),
                ap_id: id.to_string(),
                centre_id: author.id,
                import_ref: None,
                local: false,
                created_at: now,
            };
            ContactRow::insert(conn, &identity, &fields)?;
        }
    }
    Ok(Ok(()))
}

pub(super) fn note(
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
        visibility: row.visibility.as_str().to_owned(),
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
        // Only after an edit: Mastodon shows a post with `updated` as edited.
        updated: (row.updated_at > row.created_at).then(|| row.updated_at.and_utc()),
        url: Some(id.clone()),
        tag: Vec::new(),
        attachment: Vec::new(),
        recommendation: None,
        contact: Some(ext),
    })
}
