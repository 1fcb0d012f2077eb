//! Help requests as direct messages: a `Create` of a `Note` addressed to one actor only (`to`
//! is that actor, never Public or a followers collection), as Mastodon sends a direct message.
//!
//! - **Sent to a peer's centre**: a visitor of this node chose a centre of another node and
//!   agreed that the request leaves this node. The Note carries the request as
//!   `maillage:helpRequest`; the receiving node stores it like one of its own.
//! - **Received from anyone**: a Note that mentions one of our centres (a `Mention` tag, or the
//!   centre in `to`/`cc`) becomes a request from that account; an answer to one of our replies
//!   continues its request.
//! - **Staff replies** go back to that account only, mentioning it, in reply to its message.
//!
//! Their ids (`/help-messages/{key}`) are not served: a direct message is not fetched by
//! anyone but its addressee, who receives it whole.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::CreateType;
use activitypub_federation::kinds::object::NoteType;
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use activitypub_federation::traits::Activity;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::domain::help::{
    self, Channel, ConsentInput, HelpDraft, HelpRequestInput, HelpStatus, NEED_MAX,
};
use crate::domain::urls::NodeUrls;
use crate::federation::checks::verify_authored;
use crate::federation::delivery::queue::enqueue_in;
use crate::federation::objects::centre::ApubCentre;
use crate::federation::objects::{clip, html};
use crate::federation::{FederationData, FederationError, activity_id, authority};
use crate::storage::centres::CentreRow;
use crate::storage::help_requests::{
    HelpMessageRow, HelpRequestRow, NewHelpMessage, NewHelpRequest,
};
use crate::storage::{Conn, StorageError, new_key, now};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateMessage {
    #[serde(rename = "type")]
    pub kind: CreateType,
    pub id: Url,
    pub actor: ObjectId<ApubCentre>,
    pub object: MessageNote,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub to: Vec<Url>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[serde(deserialize_with = "deserialize_one_or_many")]
    pub cc: Vec<Url>,
}

/// A message: a Note that is not a directory entry, and either mentions someone or carries a
/// help request. Anything else fails to parse here and is tried as the next activity.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RawNote")]
pub struct MessageNote {
    #[serde(rename = "type")]
    pub kind: NoteType,
    pub id: Url,
    pub attributed_to: Url,
    pub to: Vec<Url>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Url>,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Value>,
    #[serde(
        rename = "maillage:helpRequest",
        skip_serializing_if = "Option::is_none"
    )]
    pub help_request: Option<HelpRequestExt>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNote {
    #[serde(rename = "type")]
    kind: NoteType,
    id: Url,
    attributed_to: Url,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    cc: Vec<Url>,
    #[serde(default)]
    content: String,
    #[serde(default, deserialize_with = "deserialize_skip_error")]
    in_reply_to: Option<Url>,
    #[serde(default, deserialize_with = "deserialize_skip_error")]
    published: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "deserialize_skip_error")]
    tag: Vec<Value>,
    #[serde(rename = "maillage:helpRequest", default)]
    help_request: Option<HelpRequestExt>,
    #[serde(rename = "maillage:recommendation", default)]
    recommendation: Option<Value>,
    #[serde(rename = "maillage:contact", default)]
    contact: Option<Value>,
}

impl TryFrom<RawNote> for MessageNote {
    type Error = &'static str;

    fn try_from(raw: RawNote) -> Result<Self, Self::Error> {
        if raw.recommendation.is_some() || raw.contact.is_some() {
            return Err("a directory entry, not a message");
        }
        if raw.help_request.is_none() && mentions(&raw.tag).next().is_none() {
            return Err("a Note that mentions no one");
        }
        Ok(Self {
            kind: raw.kind,
            id: raw.id,
            attributed_to: raw.attributed_to,
            to: raw.to,
            cc: raw.cc,
            content: raw.content,
            in_reply_to: raw.in_reply_to,
            published: raw.published,
            tag: raw.tag,
            help_request: raw.help_request,
        })
    }
}

/// The actors a Note's `Mention` tags point to.
fn mentions(tag: &[Value]) -> impl Iterator<Item = Url> + '_ {
    tag.iter()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("Mention"))
        .filter_map(|t| t.get("href").and_then(Value::as_str))
        .filter_map(|href| Url::parse(href).ok())
}

/// A request forwarded to a peer's centre (Maillage term), in schema.org words where they
/// exist.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpRequestExt {
    /// The reference the visitor was given, which the receiving node keeps.
    pub reference: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    /// `association`, `cooperative`, `local-authority`, `company`, `individual`, `other`.
    pub organisation_kind: String,
    pub need: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Consent to be contacted, and consent that the request leave the visitor's node.
    pub consent: ConsentExt,
    pub transfer_consent: ConsentExt,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentExt {
    pub given_at: DateTime<Utc>,
    pub text: String,
}

impl From<&help::Consent> for ConsentExt {
    fn from(consent: &help::Consent) -> Self {
        Self {
            given_at: consent.given_at,
            text: consent.text.clone(),
        }
    }
}

impl From<&ConsentExt> for ConsentInput {
    fn from(consent: &ConsentExt) -> Self {
        Self {
            given_at: consent.given_at,
            text: consent.text.clone(),
        }
    }
}

fn message_id(urls: &NodeUrls) -> Url {
    urls.base()
        .join(&format!("help-messages/{}", new_key()))
        .expect("a valid path")
}

/// `@name@domain` linked to the actor, as Mastodon writes a mention.
fn mention_html(actor: &Url, handle: &str) -> String {
    let name = handle.trim_start_matches('@');
    let short = name.split('@').next().unwrap_or(name);
    format!(
        "<span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">@<span>{}</span></a></span>",
        html::attr(actor.as_str()),
        html::escape(short)
    )
}

fn mention_tag(actor: &Url, handle: &str) -> Value {
    serde_json::json!({
        "type": "Mention",
        "href": actor,
        "name": format!("@{}", handle.trim_start_matches('@')),
    })
}

fn corrupt(e: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(e.to_string())
}

/// Queues, in `conn`'s transaction, the request `draft` from `sender` (a centre of this node)
/// to the centre `target` of another node, as a direct message to it alone.
pub(crate) fn queue_forward(
    conn: &mut Conn,
    urls: &NodeUrls,
    sender: &CentreRow,
    target: &CentreRow,
    draft: &HelpDraft,
    reference: &str,
) -> Result<(), StorageError> {
    let transfer = draft
        .transfer_consent
        .as_ref()
        .ok_or_else(|| corrupt("a forwarded request without consent to forward it"))?;
    let target_id = Url::parse(&target.actor_id).map_err(corrupt)?;
    let inbox = Url::parse(&target.inbox_url).map_err(corrupt)?;
    let sender_id = Url::parse(&sender.actor_id).map_err(corrupt)?;
    let handle = format!("{}@{}", target.username, target.domain);
    let text = format!(
        "Demande d’aide {reference} de {} transmise par {} :\n\n{}",
        draft.name, sender.name, draft.need
    );
    let note = MessageNote {
        kind: NoteType::Note,
        id: message_id(urls),
        attributed_to: sender_id.clone(),
        to: vec![target_id.clone()],
        cc: Vec::new(),
        content: format!(
            "<p>{}</p>{}",
            mention_html(&target_id, &handle),
            html::paragraphs(&text)
        ),
        in_reply_to: None,
        published: Some(Utc::now()),
        tag: vec![mention_tag(&target_id, &handle)],
        help_request: Some(HelpRequestExt {
            reference: reference.to_owned(),
            name: draft.name.clone(),
            email: draft.email.clone(),
            telephone: draft.phone.clone(),
            postal_code: draft.postcode.clone(),
            address_locality: draft.commune_name(),
            organisation_kind: draft.organisation_kind.as_str().to_owned(),
            need: draft.need.clone(),
            software: draft.software.clone(),
            category: draft.category.clone(),
            consent: (&draft.consent).into(),
            transfer_consent: transfer.into(),
        }),
    };
    send(conn, urls, sender, note, inbox)
}

/// Queues a staff reply from `centre` to the account that wrote `request`, to it alone, in
/// answer to its last message. Returns the reply's id.
pub(crate) fn queue_reply(
    conn: &mut Conn,
    urls: &NodeUrls,
    centre: &CentreRow,
    request: &HelpRequestRow,
    in_reply_to: Option<&str>,
    text: &str,
) -> Result<Url, StorageError> {
    let (Some(actor), Some(inbox)) = (&request.account_actor_id, &request.account_inbox) else {
        return Err(corrupt("a reply to a request without a fediverse account"));
    };
    let account = Url::parse(actor).map_err(corrupt)?;
    let inbox = Url::parse(inbox).map_err(corrupt)?;
    let handle = request
        .account_handle
        .clone()
        .unwrap_or_else(|| account.to_string());
    let id = message_id(urls);
    let note = MessageNote {
        kind: NoteType::Note,
        id: id.clone(),
        attributed_to: Url::parse(&centre.actor_id).map_err(corrupt)?,
        to: vec![account.clone()],
        cc: Vec::new(),
        content: format!(
            "<p>{}</p>{}",
            mention_html(&account, &handle),
            html::paragraphs(text)
        ),
        in_reply_to: in_reply_to.and_then(|r| Url::parse(r).ok()),
        published: Some(Utc::now()),
        tag: vec![mention_tag(&account, &handle)],
        help_request: None,
    };
    send(conn, urls, centre, note, inbox)?;
    Ok(id)
}

fn send(
    conn: &mut Conn,
    urls: &NodeUrls,
    from: &CentreRow,
    note: MessageNote,
    inbox: Url,
) -> Result<(), StorageError> {
    let id = activity_id(urls, "create");
    let activity = CreateMessage {
        kind: CreateType::Create,
        id: id.clone(),
        actor: ObjectId::from(note.attributed_to.clone()),
        to: note.to.clone(),
        cc: Vec::new(),
        object: note,
    };
    enqueue_in(conn, &id, from.id, activity, &[inbox], &urls.authority())
}

#[async_trait]
impl Activity for CreateMessage {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<FederationData>) -> Result<(), FederationError> {
        verify_authored(
            &self.id,
            self.actor.inner(),
            &self.object.id,
            &self.object.attributed_to,
        )
    }

    async fn receive(self, data: &Data<FederationData>) -> Result<(), FederationError> {
        let local = data.urls.authority();
        // The centre written to: the first of ours the Note mentions, else addresses.
        let mut addressed = mentions(&self.object.tag)
            .chain(self.object.to.iter().cloned())
            .chain(self.object.cc.iter().cloned())
            .filter(|url| authority(url) == local)
            .map(|url| url.to_string())
            .collect::<Vec<_>>();
        addressed.dedup();
        let actor = self.actor.inner().to_string();
        let stored = data
            .db
            .write(move |conn| store(conn, &actor, &addressed, self.object))
            .await?;
        match stored {
            Stored::Request(reference) => {
                tracing::info!(%reference, "help request received by direct message");
                data.help_wake.notify_one();
            }
            Stored::Message(reference) => {
                tracing::info!(%reference, "a message continues a help request");
            }
            Stored::Nothing(why) => tracing::info!("message not stored: {why}"),
            Stored::Refused(why) => return Err(FederationError::BadRequest(why)),
        }
        Ok(())
    }
}

enum Stored {
    Request(String),
    Message(String),
    Nothing(&'static str),
    /// A forwarded request that breaks a rule: the sender is told why.
    Refused(String),
}

fn store(
    conn: &mut Conn,
    actor_id: &str,
    addressed: &[String],
    note: MessageNote,
) -> Result<Stored, StorageError> {
    let Some(centre) = addressed
        .iter()
        .map(|id| CentreRow::find_by_actor_id(conn, id))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .find(|c| c.local)
    else {
        return Ok(Stored::Nothing(
            "it is not addressed to a centre of this node",
        ));
    };
    let source = note.id.to_string();
    if HelpRequestRow::exists_for_source(conn, &source)? || HelpMessageRow::exists(conn, &source)? {
        return Ok(Stored::Nothing("stored already"));
    }
    let Some(sender) = CentreRow::find_by_actor_id(conn, actor_id)? else {
        return Ok(Stored::Nothing("its author is not known"));
    };
    let now = now();
    if let Some(ext) = note.help_request {
        if !sender.is_directory {
            return Ok(Stored::Nothing(
                "a help request from an actor that is not a centre",
            ));
        }
        return store_forwarded(conn, &centre, &sender, ext, source);
    }
    let text = without_leading_mentions(&html::to_text(&note.content));
    if text.is_empty() {
        return Ok(Stored::Nothing("an empty message"));
    }
    let handle = format!("@{}@{}", sender.username, sender.domain);
    // An answer to one of our replies continues its request.
    if let Some(parent) = note.in_reply_to.as_ref()
        && let Some(request) = HelpRequestRow::of_message(conn, parent.as_str())?
        && request.account_actor_id.as_deref() == Some(actor_id)
    {
        HelpMessageRow::insert(
            conn,
            &NewHelpMessage {
                request_id: request.id,
                direction: "in".into(),
                author: handle,
                body: clip(&text, NEED_MAX),
                ap_id: Some(source),
                created_at: now,
            },
        )?;
        return Ok(Stored::Message(request.reference));
    }
    let reference = help::new_reference();
    let given_at = note.published.map_or(now, |p| p.naive_utc()).min(now);
    let row = HelpRequestRow::insert(
        conn,
        &NewHelpRequest {
            reference: reference.clone(),
            centre_id: centre.id,
            channel: Channel::Fediverse.as_str().into(),
            routing: "chosen".into(),
            name: clip(&sender.name, help::NAME_MAX),
            email: None,
            phone: None,
            postcode: None,
            commune: None,
            organisation_kind: help::OrganisationKind::Other.as_str().into(),
            need: clip(&text, NEED_MAX),
            software: None,
            category: None,
            consent_text: format!(
                "Message sent from the fediverse account {handle} to @{}@{}; replies go to \
                 that account only.",
                centre.username, centre.domain
            ),
            consent_given_at: given_at,
            account_actor_id: Some(actor_id.to_owned()),
            account_handle: Some(handle.clone()),
            account_inbox: Some(sender.inbox_url.clone()),
            origin_node: Some(sender.domain.clone()),
            source_id: Some(source.clone()),
            status: HelpStatus::New.as_str().into(),
            staff_notes: String::new(),
            notify_attempts: 0,
            created_at: now,
            updated_at: now,
        },
    )?;
    HelpMessageRow::insert(
        conn,
        &NewHelpMessage {
            request_id: row.id,
            direction: "in".into(),
            author: handle,
            body: clip(&text, NEED_MAX),
            ap_id: Some(source),
            created_at: now,
        },
    )?;
    Ok(Stored::Request(reference))
}

/// A request a peer's visitor addressed to one of our centres: checked by the same rules as
/// one made here, and kept under the reference the visitor was given.
fn store_forwarded(
    conn: &mut Conn,
    centre: &CentreRow,
    sender: &CentreRow,
    ext: HelpRequestExt,
    source: String,
) -> Result<Stored, StorageError> {
    let input = HelpRequestInput {
        name: ext.name,
        email: ext.email,
        phone: ext.telephone,
        postcode: ext.postal_code,
        commune: ext.address_locality,
        organisation_kind: ext.organisation_kind,
        need: ext.need,
        software: ext.software,
        category: ext.category,
        centre: Some(centre.username.clone()),
        consent: Some((&ext.consent).into()),
        transfer_consent: Some((&ext.transfer_consent).into()),
    };
    let draft = match input.validate(Utc::now()) {
        Ok(draft) => draft,
        Err(e) => return Ok(Stored::Refused(format!("maillage:helpRequest: {e}"))),
    };
    let reference = help::parse_reference(&ext.reference)
        .filter(|r| !matches!(HelpRequestRow::find_by_reference(conn, r), Ok(Some(_))))
        .unwrap_or_else(help::new_reference);
    HelpRequestRow::insert(
        conn,
        &NewHelpRequest::from_draft(
            &draft,
            &reference,
            centre.id,
            Channel::Peer,
            "chosen".into(),
            Some(sender.domain.clone()),
            Some(source),
        ),
    )?;
    Ok(Stored::Request(reference))
}

/// "@centre@node Bonjour…" → "Bonjour…": the mentions a message opens with are its address.
fn without_leading_mentions(text: &str) -> String {
    let mut rest = text.trim_start();
    while rest.starts_with('@') {
        rest = rest
            .split_once(char::is_whitespace)
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    rest.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_mentions_are_dropped() {
        assert_eq!(
            without_leading_mentions("@centre@node.example @autre Bonjour, j’aimerais de l’aide"),
            "Bonjour, j’aimerais de l’aide"
        );
        assert_eq!(without_leading_mentions("@centre@node"), "");
        assert_eq!(without_leading_mentions("Merci @centre"), "Merci @centre");
    }

    #[test]
    fn only_notes_that_mention_someone_are_messages() {
        let mention = serde_json::json!({
            "type": "Note", "id": "https://m.example/notes/1",
            "attributedTo": "https://m.example/users/a", "content": "<p>hi</p>",
            "to": "https://n.example/centres/c",
            "tag": [{"type": "Mention", "href": "https://n.example/centres/c"}]
        });
        assert!(serde_json::from_value::<MessageNote>(mention.clone()).is_ok());
        let mut plain = mention.clone();
        plain["tag"] = serde_json::json!([{"type": "Hashtag", "name": "#x"}]);
        assert!(serde_json::from_value::<MessageNote>(plain).is_err());
        let mut entry = mention;
        entry["maillage:recommendation"] = serde_json::json!({});
        assert!(serde_json::from_value::<MessageNote>(entry).is_err());
    }
}
