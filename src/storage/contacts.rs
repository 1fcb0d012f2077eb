//! Mediator contact rows. Personal data: which rows a caller may see is decided by the filter's
//! visibilities, set by the directory from who is asking.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::contact::{ContactDraft, Visibility};
use crate::domain::text::fold;

use super::centres::CentreRow;
use super::schema::{centres, contacts};
use super::{Conn, Page, StorageError, Window};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: i64,
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub name: String,
    pub role: Option<String>,
    /// JSON object `{country, region, department, label}`.
    pub area: String,
    /// JSON array of strings.
    pub skills: String,
    /// JSON array of language tags.
    pub languages: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub contact_form: Option<String>,
    pub visibility: Visibility,
    /// JSON object `{given_at, scope, withdrawn_at}`.
    pub consent: Option<String>,
    pub import_ref: Option<String>,
    pub local: bool,
    pub hidden: bool,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// For copies received from peers: the `updated` their author gave, which orders edits.
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The editable columns, shared by insert and update.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = contacts, treat_none_as_null = true)]
pub struct ContactFields {
    pub name: String,
    pub role: Option<String>,
    pub area: String,
    pub skills: String,
    pub languages: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub contact_form: Option<String>,
    pub visibility: String,
    pub consent: Option<String>,
    pub search_text: String,
    pub updated_at: NaiveDateTime,
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The columns fixed at creation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = contacts)]
pub struct ContactIdentity {
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub import_ref: Option<String>,
    pub local: bool,
    pub created_at: NaiveDateTime,
}

pub type ContactRecord = (ContactRow, CentreRow);

#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub words: Vec<String>,
    pub origin: Option<String>,
    /// The visibilities the caller may see; empty means none.
    pub visibilities: Vec<Visibility>,
    pub include_hidden_by_moderation: bool,
}

macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &ContactFilter = $filter;
        let mut query = contacts::table
            .inner_join(centres::table)
            .filter(contacts::visibility.eq_any(filter.visibilities.iter().map(|v| v.as_str())))
            .into_boxed();
        for word in &filter.words {
            query = query.filter(contacts::search_text.like(format!("%{word}%")));
        }
        if let Some(origin) = &filter.origin {
            query = query.filter(centres::actor_id.eq(origin.clone()));
        }
        if !filter.include_hidden_by_moderation {
            query = query.filter(contacts::hidden.eq(false));
        }
        query
    }};
}

impl ContactRow {
    pub fn insert(
        conn: &mut Conn,
        identity: &ContactIdentity,
        fields: &ContactFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(contacts::table)
            .values((identity, fields))
            .returning(contacts::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn update(
        conn: &mut Conn,
        id: i64,
        fields: &ContactFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(contacts::table.find(id))
            .set(fields)
            .returning(contacts::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(contacts::table.find(id)).execute(conn)?;
        Ok(())
    }

    pub(crate) fn find_by_key(
        conn: &mut Conn,
        key: &str,
    ) -> Result<Option<ContactRecord>, StorageError> {
        Ok(contacts::table
            .inner_join(centres::table)
            .filter(contacts::key.eq(key))
            .select((Self::as_select(), CentreRow::as_select()))
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_ap_id(
        conn: &mut Conn,
        ap_id: &str,
    ) -> Result<Option<ContactRecord>, StorageError> {
        Ok(contacts::table
            .inner_join(centres::table)
            .filter(contacts::ap_id.eq(ap_id))
            .select((Self::as_select(), CentreRow::as_select()))
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_import_ref(
        conn: &mut Conn,
        centre_id: i64,
        import_ref: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(contacts::table
            .filter(contacts::centre_id.eq(centre_id))
            .filter(contacts::import_ref.eq(import_ref))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    pub(crate) fn list(
        conn: &mut Conn,
        filter: &ContactFilter,
        window: Window,
    ) -> Result<Page<ContactRecord>, StorageError> {
        let total: i64 = filtered!(filter).count().get_result(conn)?;
        let rows = filtered!(filter)
            .select((Self::as_select(), CentreRow::as_select()))
            .order((contacts::name.asc(), contacts::id.asc()))
            .offset(window.offset)
            .limit(window.limit)
            .load(conn)?;
        Ok(Page { total, rows })
    }
}

/// The stored columns of a validated card. `remote_updated_at` is the author's `updated` for
/// copies received from peers, None for this node's own.
pub(crate) fn fields(
    draft: &ContactDraft,
    centre: &CentreRow,
    remote_updated_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<ContactFields, StorageError> {
    let mut words: Vec<&str> = vec![&draft.name];
    words.extend(draft.role.as_deref());
    words.extend(draft.skills.iter().map(String::as_str));
    words.extend(draft.languages.iter().map(String::as_str));
    let area = &draft.area;
    words.extend(
        [&area.country, &area.region, &area.department, &area.label]
            .into_iter()
            .filter_map(|v| v.as_deref()),
    );
    words.push(&centre.name);
    Ok(ContactFields {
        name: draft.name.clone(),
        role: draft.role.clone(),
        area: serde_json::to_string(&draft.area)?,
        skills: serde_json::to_string(&draft.skills)?,
        languages: serde_json::to_string(&draft.languages)?,
        email: draft.email.clone(),
        phone: draft.phone.clone(),
        website: draft.website.as_ref().map(ToString::to_string),
        contact_form: draft.contact_form.as_ref().map(ToString::to_string),
        visibility: draft.visibility.as_str().to_owned(),
        consent: draft
            .consent
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?,
        search_text: format!(" {} ", fold(&words.join(" | "))),
        updated_at: now,
        remote_updated_at,
    })
}
