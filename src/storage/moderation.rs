//! Moderation state: blocked and allowed domains, and hiding single remote objects.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    centres, contacts, deliveries, domain_rules, followers, follows, places, recommendations,
};
use super::{Conn, StorageError};

/// What a rule does to a domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Nothing from it is taken, nothing is sent to it, its copies are removed.
    Block,
    /// Taken even when the node federates with allowed domains only.
    Allow,
}

impl RuleKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Block => "block",
            Self::Allow => "allow",
        }
    }

    /// The rule a stored or typed name stands for; `None` for any other text.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        [Self::Block, Self::Allow]
            .into_iter()
            .find(|rule| rule.as_str() == value)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = domain_rules)]
#[expect(
    dead_code,
    reason = "a row holds its whole table row; not every column is read"
)]
pub(crate) struct DomainRule {
    pub domain: String,
    pub rule: RuleKind,
    pub created_at: NaiveDateTime,
}

pub(crate) fn set_rule(
    conn: &mut Conn,
    domain: &str,
    rule: RuleKind,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    diesel::delete(domain_rules::table.find(domain)).execute(conn)?;
    diesel::insert_into(domain_rules::table)
        .values((
            domain_rules::domain.eq(domain),
            domain_rules::rule.eq(rule.as_str()),
            domain_rules::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn remove_rule(conn: &mut Conn, domain: &str) -> Result<bool, StorageError> {
    Ok(diesel::delete(domain_rules::table.find(domain)).execute(conn)? > 0)
}

pub(crate) fn rule_for(conn: &mut Conn, domain: &str) -> Result<Option<RuleKind>, StorageError> {
    Ok(domain_rules::table
        .find(domain)
        .select(domain_rules::rule)
        .first(conn)
        .optional()?)
}

pub(crate) fn list_rules(conn: &mut Conn) -> Result<Vec<DomainRule>, StorageError> {
    Ok(domain_rules::table
        .order(domain_rules::domain.asc())
        .select(DomainRule::as_select())
        .load(conn)?)
}

/// Whether an actor's authority (`host` or `host:port`, normalised) falls under a rule for
/// `domain`: the same authority, or, for a rule naming a host alone, that host on any port.
pub(crate) fn rule_covers(domain: &str, authority: &str) -> bool {
    authority == domain
        || (!domain.contains(':')
            && authority
                .strip_prefix(domain)
                .is_some_and(|port| port.starts_with(':')))
}

/// The remote actors a rule for `domain` covers (see [`rule_covers`]).
fn actors_of(conn: &mut Conn, domain: &str) -> Result<Vec<i64>, StorageError> {
    let candidates: Vec<(i64, String)> = centres::table
        .filter(centres::local.eq(false))
        .filter(
            centres::domain
                .eq(domain)
                .or(centres::domain.like(format!("{}:%", like_escape(domain)))),
        )
        .select((centres::id, centres::domain))
        .load(conn)?;
    Ok(candidates
        .into_iter()
        .filter(|(_, authority)| rule_covers(domain, authority))
        .map(|(id, _)| id)
        .collect())
}

fn like_escape(text: &str) -> String {
    // Domains hold no `%` or `_` once normalised, but a rule is typed by a person.
    text.replace(['%', '_'], "")
}

/// What a block removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Purged {
    pub recommendations: usize,
    pub contacts: usize,
    pub places: usize,
    /// Follows of our centres by the domain's actors, and ours of them.
    pub follows: usize,
    /// Deliveries to the domain that were still waiting.
    pub deliveries: usize,
}

/// Cuts a blocked domain off: every copy received from its actors goes (their endorsements
/// follow by cascade), its actors stop following our centres and ours stop following them, and
/// nothing still queued for it is sent.
pub(crate) fn purge_domain(conn: &mut Conn, domain: &str) -> Result<Purged, StorageError> {
    let actors = actors_of(conn, domain)?;
    let recommendations =
        diesel::delete(recommendations::table.filter(recommendations::centre_id.eq_any(&actors)))
            .execute(conn)?;
    let contacts = diesel::delete(contacts::table.filter(contacts::centre_id.eq_any(&actors)))
        .execute(conn)?;
    let places =
        diesel::delete(places::table.filter(places::centre_id.eq_any(&actors))).execute(conn)?;
    // Their workshops and permanences go too.
    diesel::delete(
        super::schema::events::table.filter(super::schema::events::centre_id.eq_any(&actors)),
    )
    .execute(conn)?;
    let follows = diesel::delete(followers::table.filter(followers::actor_id.eq_any(&actors)))
        .execute(conn)?
        + diesel::delete(follows::table.filter(follows::target_id.eq_any(&actors)))
            .execute(conn)?;
    let hosts: Vec<String> = deliveries::table
        .filter(deliveries::state.eq(super::delivery::DeliveryState::Pending.as_str()))
        .select(deliveries::host)
        .distinct()
        .load(conn)?;
    let mut deliveries_cancelled = 0;
    for host in hosts.iter().filter(|h| rule_covers(domain, h)) {
        deliveries_cancelled += diesel::update(
            deliveries::table
                .filter(deliveries::host.eq(host))
                .filter(deliveries::state.eq(super::delivery::DeliveryState::Pending.as_str())),
        )
        .set((
            deliveries::state.eq(super::delivery::DeliveryState::Rejected.as_str()),
            deliveries::last_error.eq(format!("{domain} is blocked here")),
        ))
        .execute(conn)?;
    }
    Ok(Purged {
        recommendations,
        contacts,
        places,
        follows,
        deliveries: deliveries_cancelled,
    })
}

/// The domains blocked here.
pub(crate) fn blocked_domains(conn: &mut Conn) -> Result<Vec<String>, StorageError> {
    Ok(domain_rules::table
        .filter(domain_rules::rule.eq(RuleKind::Block.as_str()))
        .select(domain_rules::domain)
        .load(conn)?)
}

/// Hides or shows one remote object (recommendation or contact) by its ActivityPub id.
/// Returns false when no remote object has that id.
pub(crate) fn set_hidden(conn: &mut Conn, ap_id: &str, hidden: bool) -> Result<bool, StorageError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_rule_covers_every_port_a_host_and_port_rule_one() {
        assert!(rule_covers("example.org", "example.org"));
        assert!(rule_covers("example.org", "example.org:8443"));
        assert!(!rule_covers("example.org", "notexample.org"));
        assert!(!rule_covers("example.org", "example.org.evil"));
        assert!(rule_covers("localhost:8081", "localhost:8081"));
        assert!(!rule_covers("localhost:8081", "localhost:8082"));
        assert!(!rule_covers("localhost:8081", "localhost"));
    }
}
