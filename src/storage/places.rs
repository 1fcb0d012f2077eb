//! Mediation place rows. Columns carry the national schema's field names; the twelve list
//! fields are one JSON object in `lists` (see the migration).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::place::{Lists, PlaceDraft, PlaceInput};
use crate::domain::text::fold;

use super::centres::CentreRow;
use super::schema::{centres, places};
use super::{Conn, Page, StorageError, Window};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = places)]
pub struct PlaceRow {
    pub id: i64,
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub source_id: Option<String>,
    pub pivot: String,
    pub nom: String,
    pub commune: String,
    pub code_postal: String,
    pub code_insee: Option<String>,
    pub adresse: String,
    pub complement_adresse: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub telephone: Option<String>,
    pub horaires: Option<String>,
    pub presentation_resume: Option<String>,
    pub presentation_detail: Option<String>,
    pub source: Option<String>,
    pub structure_parente: Option<String>,
    pub date_maj: String,
    pub autres_formations_labels: Option<String>,
    pub fiche_acces_libre: Option<String>,
    pub prise_rdv: Option<String>,
    /// JSON object: schema field name → list of values.
    pub lists: String,
    pub local: bool,
    pub hidden: bool,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The editable columns, shared by insert and update.
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = places, treat_none_as_null = true)]
pub struct PlaceFields {
    pub source_id: Option<String>,
    pub pivot: String,
    pub nom: String,
    pub commune: String,
    pub code_postal: String,
    pub code_insee: Option<String>,
    pub adresse: String,
    pub complement_adresse: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub telephone: Option<String>,
    pub horaires: Option<String>,
    pub presentation_resume: Option<String>,
    pub presentation_detail: Option<String>,
    pub source: Option<String>,
    pub structure_parente: Option<String>,
    pub date_maj: String,
    pub autres_formations_labels: Option<String>,
    pub fiche_acces_libre: Option<String>,
    pub prise_rdv: Option<String>,
    pub lists: String,
    pub search_text: String,
    pub updated_at: NaiveDateTime,
    pub remote_updated_at: Option<NaiveDateTime>,
}

/// The columns fixed at creation.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = places)]
pub struct PlaceIdentity {
    pub key: String,
    pub ap_id: String,
    pub centre_id: i64,
    pub local: bool,
    pub created_at: NaiveDateTime,
}

pub type PlaceRecord = (PlaceRow, CentreRow);

#[derive(Debug, Clone, Default)]
pub struct PlaceFilter {
    pub words: Vec<String>,
    /// The publishing centre's actor id.
    pub origin: Option<String>,
    /// Only this node's own places (not copies received from peers).
    pub only_local: bool,
    pub include_hidden_by_moderation: bool,
}

macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &PlaceFilter = $filter;
        let mut query = places::table.inner_join(centres::table).into_boxed();
        for word in &filter.words {
            query = query.filter(places::search_text.like(format!("%{word}%")));
        }
        if let Some(origin) = &filter.origin {
            query = query.filter(centres::actor_id.eq(origin.clone()));
        }
        if filter.only_local {
            query = query.filter(places::local.eq(true));
        }
        if !filter.include_hidden_by_moderation {
            query = query.filter(places::hidden.eq(false));
        }
        query
    }};
}

impl PlaceRow {
    pub(crate) fn insert(
        conn: &mut Conn,
        identity: &PlaceIdentity,
        fields: &PlaceFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::insert_into(places::table)
            .values((identity, fields))
            .returning(places::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn update(
        conn: &mut Conn,
        id: i64,
        fields: &PlaceFields,
    ) -> Result<Self, StorageError> {
        Ok(diesel::update(places::table.find(id))
            .set(fields)
            .returning(places::all_columns)
            .get_result(conn)?)
    }

    pub(crate) fn delete(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
        diesel::delete(places::table.find(id)).execute(conn)?;
        Ok(())
    }

    pub(crate) fn find_by_key(
        conn: &mut Conn,
        key: &str,
    ) -> Result<Option<PlaceRecord>, StorageError> {
        Ok(places::table
            .inner_join(centres::table)
            .filter(places::key.eq(key))
            .select((Self::as_select(), CentreRow::as_select()))
            .first(conn)
            .optional()?)
    }

    pub(crate) fn find_by_ap_id(
        conn: &mut Conn,
        ap_id: &str,
    ) -> Result<Option<PlaceRecord>, StorageError> {
        Ok(places::table
            .inner_join(centres::table)
            .filter(places::ap_id.eq(ap_id))
            .select((Self::as_select(), CentreRow::as_select()))
            .first(conn)
            .optional()?)
    }

    /// A centre's place by the producer's own id (the schema's `id`).
    pub(crate) fn find_by_source_id(
        conn: &mut Conn,
        centre_id: i64,
        source_id: &str,
    ) -> Result<Option<Self>, StorageError> {
        Ok(places::table
            .filter(places::centre_id.eq(centre_id))
            .filter(places::source_id.eq(source_id))
            .select(Self::as_select())
            .first(conn)
            .optional()?)
    }

    /// One page of places, by name.
    pub(crate) fn list(
        conn: &mut Conn,
        filter: &PlaceFilter,
        window: Window,
    ) -> Result<Page<PlaceRecord>, StorageError> {
        let total: i64 = filtered!(filter).count().get_result(conn)?;
        let rows = filtered!(filter)
            .select((Self::as_select(), CentreRow::as_select()))
            .order((places::nom.asc(), places::id.asc()))
            .offset(window.offset)
            .limit(window.limit)
            .load(conn)?;
        Ok(Page { total, rows })
    }

    /// Every place the filter lets through, by name (for an order computed outside the
    /// database, such as distance, and for exports). A node holds hundreds or thousands.
    pub(crate) fn all(
        conn: &mut Conn,
        filter: &PlaceFilter,
    ) -> Result<Vec<PlaceRecord>, StorageError> {
        Ok(filtered!(filter)
            .select((Self::as_select(), CentreRow::as_select()))
            .order((places::nom.asc(), places::id.asc()))
            .load(conn)?)
    }

    /// The place as its schema fields.
    pub(crate) fn input(&self) -> Result<PlaceInput, StorageError> {
        let mut input = PlaceInput {
            source_id: self.source_id.clone(),
            pivot: self.pivot.clone(),
            nom: self.nom.clone(),
            commune: self.commune.clone(),
            code_postal: self.code_postal.clone(),
            code_insee: self.code_insee.clone(),
            adresse: self.adresse.clone(),
            complement_adresse: self.complement_adresse.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            telephone: self.telephone.clone(),
            horaires: self.horaires.clone(),
            presentation_resume: self.presentation_resume.clone(),
            presentation_detail: self.presentation_detail.clone(),
            source: self.source.clone(),
            structure_parente: self.structure_parente.clone(),
            date_maj: self.date_maj.clone(),
            autres_formations_labels: self.autres_formations_labels.clone(),
            fiche_acces_libre: self.fiche_acces_libre.clone(),
            prise_rdv: self.prise_rdv.clone(),
            ..Default::default()
        };
        let lists: Lists = serde_json::from_str(&self.lists)?;
        input
            .set_lists(lists)
            .map_err(|e| StorageError::Corrupt(format!("places.lists of {}: {e}", self.key)))?;
        Ok(input)
    }
}

/// The stored columns of a validated place. `remote_updated_at` is the author's `updated` for
/// copies received from peers, None for this node's own.
pub(crate) fn fields(
    draft: &PlaceDraft,
    centre: &CentreRow,
    remote_updated_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<PlaceFields, StorageError> {
    let p = draft.place();
    let mut words: Vec<&str> = vec![&p.nom, &p.commune, &p.code_postal, &p.adresse];
    words.extend(p.presentation_resume.as_deref());
    words.extend(p.services.iter().map(String::as_str));
    words.push(&centre.name);
    Ok(PlaceFields {
        source_id: p.source_id.clone(),
        pivot: p.pivot.clone(),
        nom: p.nom.clone(),
        commune: p.commune.clone(),
        code_postal: p.code_postal.clone(),
        code_insee: p.code_insee.clone(),
        adresse: p.adresse.clone(),
        complement_adresse: p.complement_adresse.clone(),
        latitude: p.latitude,
        longitude: p.longitude,
        telephone: p.telephone.clone(),
        horaires: p.horaires.clone(),
        presentation_resume: p.presentation_resume.clone(),
        presentation_detail: p.presentation_detail.clone(),
        source: p.source.clone(),
        structure_parente: p.structure_parente.clone(),
        date_maj: p.date_maj.clone(),
        autres_formations_labels: p.autres_formations_labels.clone(),
        fiche_acces_libre: p.fiche_acces_libre.clone(),
        prise_rdv: p.prise_rdv.clone(),
        lists: serde_json::to_string(&p.lists())?,
        search_text: format!(" {} ", fold(&words.join(" | "))),
        updated_at: now,
        remote_updated_at,
    })
}
