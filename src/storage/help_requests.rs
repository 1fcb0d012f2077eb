//! Help request rows and their conversation with a fediverse account (see the migration
//! `2026-12-03-000011_help_requests`). Personal data: nothing here is ever read for a public
//! page, a feed, a search index or an export of the directory.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::help::{Channel, HelpDraft, HelpStatus};

use super::centres::CentreRow;
use super::schema::{centres, contacts, help_messages, help_requests};
use super::{Conn, Page, StorageError, Window};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_requests)]
pub struct HelpRequestRow {
    pub id: i64,
    pub reference: String,
    pub centre_id: i64,
    pub channel: String,
    pub routing: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postcode: Option<String>,
    pub commune: Option<String>,
    pub organisation_kind: String,
    pub need: String,
    pub software: Option<String>,
    pub category: Option<String>,
    pub consent_text: String,
    pub consent_given_at: NaiveDateTime,
    pub account_actor_id: Option<String>,
    pub account_handle: Option<String>,
    pub account_inbox: Option<String>,
    pub origin_node: Option<String>,
    pub source_id: Option<String>,
    pub status: String,
    pub assigned_contact_id: Option<i64>,
    pub staff_notes: String,
    pub notified_at: Option<NaiveDateTime>,
    pub notify_attempts: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = help_requests)]
pub struct NewHelpRequest {
    pub reference: String,
    pub centre_id: i64,
    pub channel: String,
    pub routing: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postcode: Option<String>,
    pub commune: Option<String>,
    pub organisation_kind: String,
    pub need: String,
    pub software: Option<String>,
    pub category: Option<String>,
    pub consent_text: String,
    pub consent_given_at: NaiveDateTime,
    pub account_actor_id: Option<String>,
    pub account_handle: Option<String>,
    pub account_inbox: Option<String>,
    pub origin_node: Option<String>,
    pub source_id: Option<String>,
    pub status: String,
    pub staff_notes: String,
    pub notify_attempts: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl NewHelpRequest {
    /// A checked request from a person (website, API, or a peer's visitor), new, for
    /// `centre_id`. `routing` says why it went there (stored for staff).
    pub(crate) fn from_draft(
        draft: &HelpDraft,
        reference: &str,
        centre_id: i64,
        channel: Channel,
        routing: String,
        origin_node: Option<String>,
        source_id: Option<String>,
    ) -> Self {
        let now = super::now();
        Self {
            reference: reference.to_owned(),
            centre_id,
            channel: channel.as_str().into(),
            routing,
            name: draft.name.clone(),
            email: draft.email.clone(),
            phone: draft.phone.clone(),
            postcode: draft.postcode.clone(),
            commune: draft.commune_name(),
            organisation_kind: draft.organisation_kind.as_str().into(),
            need: draft.need.clone(),
            software: draft.software.clone(),
            category: draft.category.clone(),
            consent_text: draft.consent.text.clone(),
            consent_given_at: draft.consent.given_at.naive_utc(),
            account_actor_id: None,
            account_handle: None,
            account_inbox: None,
            origin_node,
            source_id,
            status: HelpStatus::New.as_str().into(),
            staff_notes: String::new(),
            notify_attempts: 0,
            created_at: now,
            updated_at: now,
        }
    }
}

/// What staff change on a request.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = help_requests, treat_none_as_null = true)]
pub struct HelpHandling {
    pub status: String,
    pub assigned_contact_id: Option<i64>,
    pub staff_notes: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = help_messages)]
pub struct HelpMessageRow {
    pub id: i64,
    pub request_id: i64,
    pub direction: String,
    pub author: String,
    pub body: String,
    pub ap_id: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = help_messages)]
pub struct NewHelpMessage {
    pub request_id: i64,
    pub direction: String,
    pub author: String,
    pub body: String,
    pub ap_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Which requests a staff listing shows.
#[derive(Debug, Clone, Default)]
pub struct HelpFilter {
    pub centre_id: Option<i64>,
    pub status: Option<String>,
}

pub type HelpRecord = (HelpRequestRow, CentreRow);

impl HelpRequestRow {
    pub(crate) fn insert(conn: &mut Conn, row: &NewHelpRequest) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(help_requests::table)
            .values(row)
            .returning(help_requests::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn find_by_reference(
        conn: &mut Conn,
        reference: &str,
    ) -> Result<Option<HelpRecord>, StorageError> {
        Ok(help_requests::table
            .inner_join(centres::table)
            .filter(help_requests::reference.eq(reference))
            .select((Self::as_select(), CentreRow::as_select()))
            .first(conn)
            .optional()?)
    }

    /// Whether the message `source_id` was already stored as a request.
    pub(crate) fn exists_for_source(
        conn: &mut Conn,
        source_id: &str,
    ) -> Result<bool, StorageError> {
        Ok(diesel::select(diesel::dsl::exists(
            help_requests::table.filter(help_requests::source_id.eq(source_id)),
        ))
        .get_result(conn)?)
    }

    /// Newest first.
    pub(crate) fn list(
        conn: &mut Conn,
        filter: &HelpFilter,
        window: Window,
    ) -> Result<Page<HelpRecord>, StorageError> {
        let query = || {
            let mut query = help_requests::table.inner_join(centres::table).into_boxed();
            if let Some(centre) = filter.centre_id {
                query = query.filter(help_requests::centre_id.eq(centre));
            }
            if let Some(status) = &filter.status {
                query = query.filter(help_requests::status.eq(status.clone()));
            }
            query
        };
        let total = query().count().get_result(conn)?;
        let rows = query()
            .order((help_requests::created_at.desc(), help_requests::id.desc()))
            .offset(window.offset)
            .limit(window.limit)
            .select((Self::as_select(), CentreRow::as_select()))
            .load(conn)?;
        Ok(Page { total, rows })
    }

    /// How many requests each status holds.
    pub(crate) fn count_by_status(conn: &mut Conn) -> Result<Vec<(String, i64)>, StorageError> {
        Ok(help_requests::table
            .group_by(help_requests::status)
            .select((help_requests::status, diesel::dsl::count(help_requests::id)))
            .load(conn)?)
    }

    pub(crate) fn update_handling(
        conn: &mut Conn,
        id: i64,
        handling: &HelpHandling,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(help_requests::table.find(id))
            .set(handling)
            .returning(help_requests::all_columns)
            .get_result(conn)?)
    }

    /// Erases a request and its messages; whether there was one.
    pub(crate) fn erase(conn: &mut Conn, reference: &str) -> Result<bool, StorageError> {
        let ids: Vec<i64> = help_requests::table
            .filter(help_requests::reference.eq(reference))
            .select(help_requests::id)
            .load(conn)?;
        erase_ids(conn, &ids)?;
        Ok(!ids.is_empty())
    }

    /// Erases every request received before `cutoff`, with its messages: the retention
    /// period. Returns how many.
    pub(crate) fn erase_older_than(
        conn: &mut Conn,
        cutoff: NaiveDateTime,
    ) -> Result<usize, StorageError> {
        let ids: Vec<i64> = help_requests::table
            .filter(help_requests::created_at.lt(cutoff))
            .select(help_requests::id)
            .load(conn)?;
        erase_ids(conn, &ids)?;
        Ok(ids.len())
    }

    /// Requests whose staff were not told yet, oldest first, with fewer than `max_attempts`
    /// failed attempts.
    pub(crate) fn awaiting_notification(
        conn: &mut Conn,
        max_attempts: i32,
        limit: i64,
    ) -> Result<Vec<HelpRecord>, StorageError> {
        Ok(help_requests::table
            .inner_join(centres::table)
            .filter(help_requests::notified_at.is_null())
            .filter(help_requests::notify_attempts.lt(max_attempts))
            .order(help_requests::id.asc())
            .limit(limit)
            .select((Self::as_select(), CentreRow::as_select()))
            .load(conn)?)
    }

    /// Staff were told (or there is no one to tell): never again.
    pub(crate) fn mark_notified(
        conn: &mut Conn,
        id: i64,
        at: NaiveDateTime,
    ) -> Result<(), StorageError> {
        diesel::update(help_requests::table.find(id))
            .set(help_requests::notified_at.eq(Some(at)))
            .execute(conn)?;
        Ok(())
    }

    pub(crate) fn count_notify_failure(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::update(help_requests::table.find(id))
            .set(help_requests::notify_attempts.eq(help_requests::notify_attempts + 1))
            .execute(conn)?;
        Ok(())
    }

    /// The request a staff reply (`ap_id`) belonged to: an answer to it continues it.
    pub(crate) fn of_message(conn: &mut Conn, ap_id: &str) -> Result<Option<Self>, StorageError> {
        Ok(help_messages::table
            .inner_join(help_requests::table)
            .filter(help_messages::ap_id.eq(ap_id))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }
}

fn erase_ids(conn: &mut Conn, ids: &[i64]) -> Result<(), StorageError> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::delete(help_messages::table.filter(help_messages::request_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(help_requests::table.filter(help_requests::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

impl HelpMessageRow {
    pub(crate) fn insert(conn: &mut Conn, row: &NewHelpMessage) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(help_messages::table)
            .values(row)
            .returning(help_messages::all_columns)
            .get_result(conn)?)
    }

    /// Whether the message `ap_id` is stored already.
    pub(crate) fn exists(conn: &mut Conn, ap_id: &str) -> Result<bool, StorageError> {
        Ok(diesel::select(diesel::dsl::exists(
            help_messages::table.filter(help_messages::ap_id.eq(ap_id)),
        ))
        .get_result(conn)?)
    }

    /// A request's conversation, oldest first.
    pub(crate) fn of_request(conn: &mut Conn, request_id: i64) -> Result<Vec<Self>, StorageError> {
        Ok(help_messages::table
            .filter(help_messages::request_id.eq(request_id))
            .order((help_messages::created_at.asc(), help_messages::id.asc()))
            .select(Self::as_select())
            .load(conn)?)
    }
}

/// The name of the contact a request is assigned to, if it is one of `centre_id`'s.
pub(crate) fn contact_of_centre(
    conn: &mut Conn,
    centre_id: i64,
    key: &str,
) -> Result<Option<(i64, String)>, StorageError> {
    Ok(contacts::table
        .filter(contacts::centre_id.eq(centre_id))
        .filter(contacts::key.eq(key))
        .select((contacts::id, contacts::name))
        .first(conn)
        .optional()?)
}

/// Key and name of a contact, by id.
pub(crate) fn contact_by_id(
    conn: &mut Conn,
    id: i64,
) -> Result<Option<(String, String)>, StorageError> {
    Ok(contacts::table
        .find(id)
        .select((contacts::key, contacts::name))
        .first(conn)
        .optional()?)
}
