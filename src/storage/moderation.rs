//! Moderation state: blocked and allowed domains, and hiding single remote objects.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{centres, contacts, domain_rules, recommendations};
use super::{Conn, StorageError};

pub const BLOCK: &str = "block";
pub const ALLOW: &str = "allow";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = domain_rules)]
pub struct DomainRule {
    pub domain: String,
    pub rule: String,
    pub created_at: NaiveDateTime,
}

pub fn set_rule(
    conn: &mut Conn,
    domain: &str,
    rule: &str,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::delete(domain_rules::table.find(domain)).execute(conn)?;
    diesel::insert_into(domain_rules::table)
        .values((
            domain_rules::domain.eq(domain),
            domain_rules::rule.eq(rule),
            domain_rules::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove_rule(conn: &mut Conn, domain: &str) -> Result<bool, StorageError> {
    Ok(diesel::delete(domain_rules::table.find(domain)).execute(conn)? > 0)
}

pub fn rule_for(conn: &mut Conn, domain: &str) -> Result<Option<String>, StorageError> {
    Ok(domain_rules::table
        .find(domain)
        .select(domain_rules::rule)
        .first(conn)
        .optional()?)
}

pub fn list_rules(conn: &mut Conn) -> Result<Vec<DomainRule>, StorageError> {
    Ok(domain_rules::table
        .order(domain_rules::domain.asc())
        .select(DomainRule::as_select())
        .load(conn)?)
}

/// Removes every copy received from actors of `domain` (their recommendations, contacts and
/// endorsements follow by cascade). Returns how many recommendations and contacts went.
pub fn purge_domain(conn: &mut Conn, domain: &str) -> Result<(usize, usize), StorageError> {
    let actors = centres::table
        .filter(centres::domain.eq(domain))
        .filter(centres::local.eq(false))
        .select(centres::id);
    let recs =
        diesel::delete(recommendations::table.filter(recommendations::centre_id.eq_any(actors)))
            .execute(conn)?;
    let actors = centres::table
        .filter(centres::domain.eq(domain))
        .filter(centres::local.eq(false))
        .select(centres::id);
    let cards =
        diesel::delete(contacts::table.filter(contacts::centre_id.eq_any(actors))).execute(conn)?;
    Ok((recs, cards))
}

/// Hides or shows one remote object (recommendation or contact) by its ActivityPub id.
/// Returns false when no remote object has that id.
pub fn set_hidden(conn: &mut Conn, ap_id: &str, hidden: bool) -> Result<bool, StorageError> {
    let recs = diesel::update(
        recommendations::table
            .filter(recommendations::ap_id.eq(ap_id))
            .filter(recommendations::local.eq(false)),
    )
    .set(recommendations::hidden.eq(hidden))
    .execute(conn)?;
    let cards = diesel::update(
        contacts::table
            .filter(contacts::ap_id.eq(ap_id))
            .filter(contacts::local.eq(false)),
    )
    .set(contacts::hidden.eq(hidden))
    .execute(conn)?;
    Ok(recs + cards > 0)
}
