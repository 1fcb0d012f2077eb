//! Requests for help: a visitor (website, API) asks for accompaniment and the request reaches
//! the right centre; staff handle it (status, assignment, notes, replies to fediverse
//! accounts); staff are told by e-mail; requests are erased after the retention period or on
//! demand by their reference.
//!
//! Where a request goes: the centre the visitor chose; else the centre of this node with a
//! mediation place nearest the visitor's commune (within [`NEAR_KM`]); else a centre of this
//! node whose region holds the commune; else the node's first centre. A centre of another node
//! gets it as a direct ActivityPub message, only once the visitor agreed that it leaves this
//! node; this node then keeps nothing of it but the delivery, until it is delivered and pruned.

use std::net::IpAddr;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::communes;
use crate::domain::help::{
    self, Channel, HelpDraft, HelpRequestInput, HelpStatus, OrganisationKind,
};
use crate::domain::region;
use crate::domain::urls::NodeUrls;
use crate::federation::activities::help_message;
use crate::mail::Mailer;
use crate::storage::centres::CentreRow;
use crate::storage::help_requests::{
    self as rows, HelpFilter, HelpHandling, HelpMessageRow, HelpRequestRow, NewHelpMessage,
    NewHelpRequest,
};
use crate::storage::places::{PlaceFilter, PlaceRow};
use crate::storage::{Conn, StorageError, Window, accounts};

use super::audit::Action;
use super::views::Listing;
use super::{Directory, DirectoryError, now};

/// A place this close to the visitor's commune makes its centre the one to help.
pub const NEAR_KM: f64 = 40.0;
/// Failed attempts to tell staff of one request before giving up (the request stays in the
/// admin pages either way).
const MAX_NOTIFY_ATTEMPTS: i32 = 5;
/// The window over which [`HelpPolicy::per_address`] counts (the login throttle's table and
/// window).
const ADDRESS_WINDOW: StdDuration = super::accounts::LOGIN_WINDOW;

/// The settings of help requests (`[help]`).
#[derive(Debug, Clone, Copy)]
pub struct HelpPolicy {
    pub retention_days: u32,
    pub per_address: u32,
}

/// The centre a request went to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelpCentre {
    pub name: String,
    /// `@username@domain`.
    pub handle: String,
    /// Its page.
    pub url: String,
}

impl HelpCentre {
    fn of(row: &CentreRow, urls: &NodeUrls) -> Self {
        let url = if row.local {
            urls.base()
                .join(&format!("centres/{}", row.username))
                .map(|u| u.to_string())
                .unwrap_or_else(|_| row.actor_id.clone())
        } else {
            row.actor_id.clone()
        };
        Self {
            name: row.name.clone(),
            handle: format!("@{}@{}", row.username, row.domain),
            url,
        }
    }
}

/// What the visitor is told once the request is sent: the reference to keep.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelpSubmitted {
    /// Keep it: it names the request to the centre, and erases it (`DELETE
    /// /api/v1/help-requests/{reference}`).
    pub reference: String,
    pub centre: HelpCentre,
    /// The request left this node for the centre's (a centre of another node).
    pub forwarded: bool,
    /// Days the request is kept before it is erased.
    pub retention_days: u32,
}

/// How a request came to its centre.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum Routing {
    /// The visitor chose the centre (or wrote to it).
    Chosen,
    /// The nearest mediation place of the centre.
    Place { place: String, km: u32 },
    /// A centre of the visitor's region.
    Region { region: String },
    /// No centre near: the node's first centre.
    First,
}

impl Routing {
    fn stored(&self) -> String {
        match self {
            Self::Chosen => "chosen".into(),
            Self::Place { place, km } => format!("place|{km}|{place}"),
            Self::Region { region } => format!("region|{region}"),
            Self::First => "first".into(),
        }
    }

    fn from_stored(value: &str) -> Self {
        let mut parts = value.splitn(3, '|');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("place"), Some(km), Some(place)) => Self::Place {
                place: place.to_owned(),
                km: km.parse().unwrap_or(0),
            },
            (Some("region"), Some(region), None) => Self::Region {
                region: region.to_owned(),
            },
            (Some("first"), None, None) => Self::First,
            _ => Self::Chosen,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentView {
    pub given_at: DateTime<Utc>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignedContact {
    pub key: String,
    pub name: String,
}

/// A message of the conversation with a fediverse account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelpMessageView {
    /// `in` (from the account) or `out` (a staff reply).
    pub direction: String,
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A request as staff see it (never anyone else).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelpRequestView {
    pub reference: String,
    pub centre: HelpCentre,
    pub channel: Channel,
    pub routing: Routing,
    pub status: HelpStatus,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    pub organisation_kind: OrganisationKind,
    pub need: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub consent: ConsentView,
    /// The fediverse account that wrote, replies go to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The node it came through (a peer's visitor, a fediverse account's server).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin_node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<AssignedContact>,
    pub notes: String,
    pub messages: Vec<HelpMessageView>,
    /// Whether staff were told by e-mail.
    pub notified: bool,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// When it will be erased.
    pub erased_after: DateTime<Utc>,
}

/// Filters of `GET /api/v1/help-requests`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct HelpQuery {
    /// `new`, `in-progress` or `done`.
    pub status: Option<String>,
    /// A centre of this node (username).
    pub centre: Option<String>,
}

/// What staff change (`PATCH /api/v1/help-requests/{reference}`); absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpUpdate {
    #[serde(default)]
    pub status: Option<String>,
    /// The key of a contact card of the centre; empty to unassign.
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A staff reply to the fediverse account that wrote.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HelpReply {
    pub text: String,
}

/// How many requests stand in each state.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct HelpCounts {
    pub new: i64,
    pub in_progress: i64,
    pub done: i64,
}

/// Where a request goes.
enum Destination {
    Local(CentreRow, Routing),
    /// A centre of another node.
    Peer(CentreRow),
}

impl Directory {
    fn help_view(
        &self,
        row: HelpRequestRow,
        centre: &CentreRow,
        assigned_to: Option<AssignedContact>,
        messages: Vec<HelpMessageRow>,
    ) -> HelpRequestView {
        let created = row.created_at.and_utc();
        HelpRequestView {
            centre: HelpCentre::of(centre, self.urls()),
            channel: Channel::from_stored(&row.channel),
            routing: Routing::from_stored(&row.routing),
            status: HelpStatus::from_stored(&row.status),
            organisation_kind: OrganisationKind::from_stored(&row.organisation_kind),
            consent: ConsentView {
                given_at: row.consent_given_at.and_utc(),
                text: row.consent_text,
            },
            account: row.account_handle,
            origin_node: row.origin_node,
            assigned_to,
            notes: row.staff_notes,
            messages: messages
                .into_iter()
                .map(|m| HelpMessageView {
                    direction: m.direction,
                    author: m.author,
                    body: m.body,
                    at: m.created_at.and_utc(),
                })
                .collect(),
            notified: row.notified_at.is_some(),
            created,
            updated: row.updated_at.and_utc(),
            erased_after: created + Duration::days(i64::from(self.help_policy().retention_days)),
            reference: row.reference,
            name: row.name,
            email: row.email,
            phone: row.phone,
            postcode: row.postcode,
            commune: row.commune,
            need: row.need,
            software: row.software,
            category: row.category,
        }
    }

    /// A request from a visitor (website or API), from `client`: checked, counted against
    /// the address's allowance, routed, stored or forwarded. Nothing is stored when it is
    /// refused.
    #[tracing::instrument(level = "debug", skip_all, fields(%client))]
    pub(crate) async fn submit_help_request(
        &self,
        input: &HelpRequestInput,
        channel: Channel,
        client: IpAddr,
    ) -> Result<HelpSubmitted, DirectoryError> {
        let draft = input.validate(Utc::now())?;
        let destination = self.help_destination(&draft).await?;
        if let Destination::Peer(centre) = &destination
            && draft.transfer_consent.is_none()
        {
            return Err(crate::domain::FieldError::coded(
                "transfer_consent",
                "help-transfer",
                format!(
                    "{} is a centre of another node ({}): the request leaves this node only \
                     with the person's consent (transfer_consent.given_at, \
                     transfer_consent.text)",
                    centre.name, centre.domain
                ),
                &[("node", &centre.domain)],
            )
            .into());
        }
        self.count_help_attempt(client).await?;
        let reference = help::new_reference();
        let retention_days = self.help_policy().retention_days;
        match destination {
            Destination::Local(centre, routing) => {
                let row = new_row(&draft, &reference, &centre, channel, &routing);
                self.db()
                    .write(move |conn| HelpRequestRow::insert(conn, &row))
                    .await?;
                tracing::info!(%reference, centre = %centre.username, "help request received");
                self.federation().data().help_wake.notify_one();
                Ok(HelpSubmitted {
                    reference,
                    centre: HelpCentre::of(&centre, self.urls()),
                    forwarded: false,
                    retention_days,
                })
            }
            Destination::Peer(target) => {
                let sender = self.local_centre_or_first(None).await?;
                let urls = self.urls().clone();
                {
                    let (target, reference) = (target.clone(), reference.clone());
                    self.db()
                        .write(move |conn| {
                            help_message::queue_forward(
                                conn, &urls, &sender, &target, &draft, &reference,
                            )
                        })
                        .await?;
                }
                self.federation().wake();
                tracing::info!(%reference, to = %target.actor_id, "help request forwarded");
                Ok(HelpSubmitted {
                    reference,
                    centre: HelpCentre::of(&target, self.urls()),
                    forwarded: true,
                    retention_days,
                })
            }
        }
    }

    pub(crate) fn help_policy(&self) -> HelpPolicy {
        self.inner.help
    }

    /// One more request from `client`; refused past `help.per_address` per window.
    async fn count_help_attempt(&self, client: IpAddr) -> Result<(), DirectoryError> {
        let key = format!("help:{}", client.to_canonical());
        let window = Duration::from_std(ADDRESS_WINDOW).unwrap_or(Duration::minutes(15));
        let count = self
            .db()
            .write(move |conn| {
                let now = now();
                accounts::count_attempt(conn, &key, now, now - window)
            })
            .await?;
        if count > i64::from(self.help_policy().per_address) {
            tracing::warn!(%client, "help requests throttled");
            return Err(DirectoryError::Throttled(format!(
                "too many requests for help from this address lately: try again in {} minutes",
                ADDRESS_WINDOW.as_secs() / 60
            )));
        }
        Ok(())
    }

    async fn help_destination(&self, draft: &HelpDraft) -> Result<Destination, DirectoryError> {
        let not_a_centre = |value: &str| {
            DirectoryError::from(crate::domain::FieldError::coded(
                "centre",
                "help-centre",
                format!("`{value}` is not a centre this node knows"),
                &[("value", &value)],
            ))
        };
        if let Some(chosen) = draft.centre.as_deref() {
            // A centre named by its actor id (the pages of places name theirs so).
            if chosen.starts_with("http://") || chosen.starts_with("https://") {
                let id = chosen.to_owned();
                let known = self
                    .db()
                    .run(move |conn| CentreRow::find_by_actor_id(conn, &id))
                    .await?;
                let row = match known {
                    Some(row) => row,
                    None => self
                        .federation()
                        .resolve_actor(chosen)
                        .await
                        .map_err(|_| not_a_centre(chosen))?,
                };
                // A network relays its members' entries; it has no staff to answer.
                if row.is_network() {
                    return Err(not_a_centre(chosen));
                }
                return match (row.local, row.is_directory) {
                    (true, _) => Ok(Destination::Local(row, Routing::Chosen)),
                    (false, true) => Ok(Destination::Peer(row)),
                    (false, false) => Err(not_a_centre(chosen)),
                };
            }
            let handle = chosen.trim_start_matches('@');
            if let Some((username, domain)) = handle.split_once('@')
                && domain != self.urls().authority()
            {
                let (username, domain) = (username.to_owned(), domain.to_owned());
                let known = self
                    .db()
                    .run(move |conn| CentreRow::find_by_handle(conn, &username, &domain))
                    .await?;
                let target = match known {
                    Some(row) => row,
                    None => self
                        .federation()
                        .resolve_actor(handle)
                        .await
                        .map_err(|_| not_a_centre(chosen))?,
                };
                if !target.is_directory || target.local || target.is_network() {
                    return Err(not_a_centre(chosen));
                }
                return Ok(Destination::Peer(target));
            }
            let username = handle.split('@').next().unwrap_or_default().trim();
            if username.is_empty() {
                return Err(not_a_centre(chosen));
            }
            let centre = self
                .local_centre(username)
                .await
                .map_err(|_| not_a_centre(chosen))?;
            if centre.is_network() {
                return Err(not_a_centre(chosen));
            }
            return Ok(Destination::Local(centre, Routing::Chosen));
        }
        let point = draft.point();
        let insee = draft.commune.map(|c| c.insee.clone());
        let (centre, routing) = self
            .db()
            .run(move |conn| nearest_centre(conn, point, insee.as_deref()))
            .await?;
        Ok(Destination::Local(centre, routing))
    }

    /// Staff: requests, newest first.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn list_help_requests(
        &self,
        query: &HelpQuery,
        window: Window,
    ) -> Result<Listing<HelpRequestView>, DirectoryError> {
        let status = match query.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(HelpStatus::parse("status", s)?.as_str().to_owned()),
        };
        let centre_id = match query.centre.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(self.local_centre(name).await?.id),
        };
        let filter = HelpFilter { centre_id, status };
        let page = self
            .db()
            .run(move |conn| {
                let page = HelpRequestRow::list(conn, &filter, window)?;
                let mut out = Vec::with_capacity(page.rows.len());
                for (row, centre) in page.rows {
                    let assigned = assigned(conn, &row)?;
                    let messages = HelpMessageRow::of_request(conn, row.id)?;
                    out.push((row, centre, assigned, messages));
                }
                Ok((page.total, out))
            })
            .await?;
        Ok(Listing {
            total: page.0,
            results: page
                .1
                .into_iter()
                .map(|(row, centre, assigned, messages)| {
                    self.help_view(row, &centre, assigned, messages)
                })
                .collect(),
        })
    }

    /// Staff: one request by its reference.
    #[tracing::instrument(level = "debug", skip_all)]
    pub(crate) async fn help_request(
        &self,
        reference: &str,
    ) -> Result<HelpRequestView, DirectoryError> {
        let reference = canonical(reference)?;
        let (row, centre, assigned, messages) = self
            .db()
            .run(move |conn| {
                let Some((row, centre)) = HelpRequestRow::find_by_reference(conn, &reference)?
                else {
                    return Err(StorageError::NotFound);
                };
                let assigned = assigned(conn, &row)?;
                let messages = HelpMessageRow::of_request(conn, row.id)?;
                Ok((row, centre, assigned, messages))
            })
            .await
            .map_err(not_found)?;
        Ok(self.help_view(row, &centre, assigned, messages))
    }

    /// Staff: status, assignment to one of the centre's mediators, notes.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn update_help_request(
        &self,
        reference: &str,
        update: &HelpUpdate,
    ) -> Result<HelpRequestView, DirectoryError> {
        let reference = canonical(reference)?;
        let status = update
            .status
            .as_deref()
            .map(|s| HelpStatus::parse("status", s))
            .transpose()?;
        let notes = update.notes.as_deref().map(help::notes_text).transpose()?;
        let assign = update.assigned_to.clone();
        let lookup = reference.clone();
        let outcome = self
            .db()
            .write(move |conn| {
                let Some((row, centre)) = HelpRequestRow::find_by_reference(conn, &lookup)? else {
                    return Err(StorageError::NotFound);
                };
                let assigned_contact_id = match assign.as_deref().map(str::trim) {
                    None => row.assigned_contact_id,
                    Some("") => None,
                    Some(key) => match rows::contact_of_centre(conn, centre.id, key)? {
                        Some((id, _)) => Some(id),
                        None => {
                            return Ok(Err(format!(
                                "`{key}` is not a contact card of {}",
                                centre.name
                            )));
                        }
                    },
                };
                HelpRequestRow::update_handling(
                    conn,
                    row.id,
                    &HelpHandling {
                        status: status.map_or(row.status.clone(), |s| s.as_str().to_owned()),
                        assigned_contact_id,
                        staff_notes: notes.unwrap_or(row.staff_notes.clone()),
                        updated_at: now(),
                    },
                )?;
                Ok(Ok(()))
            })
            .await
            .map_err(not_found)?;
        if let Err(message) = outcome {
            return Err(crate::domain::FieldError::new("assigned_to", message).into());
        }
        // The reference, never the person's name: the log outlives the request.
        self.audited(Action::Updated, "help-request", &reference, &reference)
            .await;
        self.help_request(&reference).await
    }

    /// Staff: a reply to the fediverse account that wrote, sent to it alone. `author` is the
    /// staff member's name, kept with the reply.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn reply_to_help_request(
        &self,
        reference: &str,
        reply: &HelpReply,
        author: &str,
    ) -> Result<HelpRequestView, DirectoryError> {
        let reference = canonical(reference)?;
        let text = help::reply_text(&reply.text)?;
        let (urls, author, lookup) = (self.urls().clone(), author.to_owned(), reference.clone());
        let sent = self
            .db()
            .write(move |conn| {
                let Some((row, centre)) = HelpRequestRow::find_by_reference(conn, &lookup)? else {
                    return Err(StorageError::NotFound);
                };
                if row.account_actor_id.is_none() {
                    return Ok(false);
                }
                // In answer to the account's last message.
                let last_in = HelpMessageRow::of_request(conn, row.id)?
                    .into_iter()
                    .rev()
                    .find(|m| m.direction == "in")
                    .and_then(|m| m.ap_id);
                let id = help_message::queue_reply(
                    conn,
                    &urls,
                    &centre,
                    &row,
                    last_in.as_deref(),
                    &text,
                )?;
                HelpMessageRow::insert(
                    conn,
                    &NewHelpMessage {
                        request_id: row.id,
                        direction: "out".into(),
                        author,
                        body: text,
                        ap_id: Some(id.to_string()),
                        created_at: now(),
                    },
                )?;
                if HelpStatus::from_stored(&row.status) == HelpStatus::New {
                    HelpRequestRow::update_handling(
                        conn,
                        row.id,
                        &HelpHandling {
                            status: HelpStatus::InProgress.as_str().into(),
                            assigned_contact_id: row.assigned_contact_id,
                            staff_notes: row.staff_notes.clone(),
                            updated_at: now(),
                        },
                    )?;
                }
                Ok(true)
            })
            .await
            .map_err(not_found)?;
        if !sent {
            return Err(DirectoryError::Conflict {
                field: Some("reply".into()),
                message: "this request did not come from a fediverse account: answer the \
                          person by e-mail or phone"
                    .into(),
            });
        }
        self.federation().wake();
        self.audited(Action::Updated, "help-request", &reference, &reference)
            .await;
        self.help_request(&reference).await
    }

    /// Erases a request on demand (anyone holding its reference: the visitor, or staff).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn erase_help_request(&self, reference: &str) -> Result<(), DirectoryError> {
        let reference = canonical(reference)?;
        let lookup = reference.clone();
        let erased = self
            .db()
            .write(move |conn| HelpRequestRow::erase(conn, &lookup))
            .await?;
        if erased {
            tracing::info!("a help request was erased on demand");
            // Logged when staff erase it (a visitor erasing theirs is no staff change).
            self.audited(Action::Deleted, "help-request", &reference, &reference)
                .await;
            Ok(())
        } else {
            Err(DirectoryError::NotFound("help request".into()))
        }
    }

    /// Erases the requests older than the retention period. Returns how many.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn erase_expired_help_requests(&self) -> Result<usize, DirectoryError> {
        let cutoff = now() - Duration::days(i64::from(self.help_policy().retention_days));
        let erased = self
            .db()
            .write(move |conn| HelpRequestRow::erase_older_than(conn, cutoff))
            .await?;
        if erased > 0 {
            tracing::info!(erased, "help requests past their retention period erased");
        }
        Ok(erased)
    }

    /// How many requests stand in each state (the dashboard's count).
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn help_counts(&self) -> Result<HelpCounts, DirectoryError> {
        let counts = self.db().run(HelpRequestRow::count_by_status).await?;
        let mut out = HelpCounts::default();
        for (status, n) in counts {
            match HelpStatus::from_stored(&status) {
                HelpStatus::New => out.new += n,
                HelpStatus::InProgress => out.in_progress += n,
                HelpStatus::Done => out.done += n,
            }
        }
        Ok(out)
    }

    /// Tells staff of the requests they were not told of yet, by e-mail to their centre's
    /// contact address. A centre without an e-mail address is skipped (its requests are in
    /// the admin pages). Returns how many messages were sent.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn notify_help_requests(
        &self,
        mailer: &Mailer,
    ) -> Result<usize, DirectoryError> {
        let waiting = self
            .db()
            .run(|conn| HelpRequestRow::awaiting_notification(conn, MAX_NOTIFY_ATTEMPTS, 50))
            .await?;
        let mut sent = 0;
        for (row, centre) in waiting {
            let id = row.id;
            let Some(to) = centre.contact.as_deref().and_then(help::email_of_contact) else {
                tracing::info!(centre = %centre.username, "no e-mail address to tell of a help request");
                self.db()
                    .write(move |conn| HelpRequestRow::mark_notified(conn, id, now()))
                    .await?;
                continue;
            };
            let (subject, body) = self.notification(&row, &centre);
            match mailer.send(&to, &subject, body).await {
                Ok(()) => {
                    sent += 1;
                    self.db()
                        .write(move |conn| HelpRequestRow::mark_notified(conn, id, now()))
                        .await?;
                }
                Err(e) => {
                    tracing::warn!(reference = %row.reference, "telling staff of a help request: {e}");
                    self.db()
                        .write(move |conn| HelpRequestRow::count_notify_failure(conn, id))
                        .await?;
                }
            }
        }
        Ok(sent)
    }

    /// The message to staff: what is needed and where to answer, in French (the centres'
    /// language; the admin page shows the rest).
    fn notification(&self, row: &HelpRequestRow, centre: &CentreRow) -> (String, String) {
        let link = self
            .urls()
            .base()
            .join(&format!("admin/help/{}", row.reference))
            .map(|u| u.to_string())
            .unwrap_or_default();
        let subject = format!("Demande d’aide {} — {}", row.reference, row.name);
        let mut body = format!(
            "Une nouvelle demande d’aide est arrivée pour {}.\n\n\
             Référence : {}\nDe : {}\n",
            centre.name, row.reference, row.name
        );
        if let Some(commune) = &row.commune {
            body.push_str(&format!(
                "Commune : {commune} ({})\n",
                row.postcode.as_deref().unwrap_or("")
            ));
        }
        if let Some(email) = &row.email {
            body.push_str(&format!("E-mail : {email}\n"));
        }
        if let Some(phone) = &row.phone {
            body.push_str(&format!("Téléphone : {phone}\n"));
        }
        if let Some(account) = &row.account_handle {
            body.push_str(&format!("Compte du fediverse : {account}\n"));
        }
        body.push_str(&format!(
            "\nBesoin :\n{}\n\nPour la traiter :\n{link}\n\n\
             Cette demande contient des données personnelles :\n\
             elle sera effacée {} jours après son arrivée.\n",
            row.need,
            self.help_policy().retention_days
        ));
        (subject, body)
    }
}

fn canonical(reference: &str) -> Result<String, DirectoryError> {
    help::parse_reference(reference).ok_or_else(|| DirectoryError::NotFound("help request".into()))
}

fn not_found(error: StorageError) -> DirectoryError {
    match error {
        StorageError::NotFound => DirectoryError::NotFound("help request".into()),
        other => other.into(),
    }
}

fn assigned(
    conn: &mut Conn,
    row: &HelpRequestRow,
) -> Result<Option<AssignedContact>, StorageError> {
    Ok(match row.assigned_contact_id {
        Some(id) => rows::contact_by_id(conn, id)?.map(|(key, name)| AssignedContact { key, name }),
        None => None,
    })
}

fn new_row(
    draft: &HelpDraft,
    reference: &str,
    centre: &CentreRow,
    channel: Channel,
    routing: &Routing,
) -> NewHelpRequest {
    NewHelpRequest::from_draft(
        draft,
        reference,
        centre.id,
        channel,
        routing.stored(),
        None,
        None,
    )
}

/// The centre of this node nearest the visitor: by its places, then its region, then the
/// node's first centre.
fn nearest_centre(
    conn: &mut Conn,
    point: Option<(f64, f64)>,
    insee: Option<&str>,
) -> Result<(CentreRow, Routing), StorageError> {
    let centres = CentreRow::list_local_centres(conn)?;
    let first = centres.first().cloned().ok_or(StorageError::NotFound)?;
    if let Some(visitor) = point {
        let places = PlaceRow::all(
            conn,
            &PlaceFilter {
                only_local: true,
                ..PlaceFilter::default()
            },
        )?;
        let nearest = places
            .iter()
            .filter_map(|(place, centre)| {
                let at = match (place.latitude, place.longitude) {
                    (Some(lat), Some(lon)) => Some((lat, lon)),
                    _ => communes::point_of(place.code_insee.as_deref(), &place.code_postal),
                }?;
                Some((communes::distance_km(visitor, at), place, centre))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((km, place, centre)) = nearest
            && km <= NEAR_KM
        {
            return Ok((
                centre.clone(),
                Routing::Place {
                    place: place.nom.clone(),
                    km: km.round() as u32,
                },
            ));
        }
    }
    if let Some(region) = insee.and_then(region::of_commune)
        && let Some(centre) = centres.iter().find(|c| {
            c.region
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(region))
        })
    {
        return Ok((
            centre.clone(),
            Routing::Region {
                region: region.to_owned(),
            },
        ));
    }
    Ok((first, Routing::First))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_reads_back_as_stored() {
        for routing in [
            Routing::Chosen,
            Routing::First,
            Routing::Region {
                region: "FR-ARA".into(),
            },
            Routing::Place {
                place: "Médiathèque | Tarentaize".into(),
                km: 3,
            },
        ] {
            assert_eq!(Routing::from_stored(&routing.stored()), routing);
        }
    }
}
