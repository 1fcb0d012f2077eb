//! Origin and policy checks, in one place: whatever arrives (an activity in an inbox, an
//! object fetched or embedded, a backfilled outbox item) and whatever we are about to fetch
//! passes through these. Origins compare the whole authority (host and port): the library
//! compares hosts only, and on one machine every node is `localhost`.

use url::Url;

use super::egress::Refusal;
use super::{FederationData, FederationError, authority};
use crate::domain::urls::host_of;
use crate::storage::moderation::{self, RuleKind};

/// Refuses an object whose id is not on the authority (host and port) it was expected from.
pub(crate) fn verify_same_authority(id: &Url, expected: &Url) -> Result<(), FederationError> {
    if authority(id) == authority(expected) {
        Ok(())
    } else {
        Err(FederationError::Forbidden(format!(
            "{id} does not belong to {}",
            authority(expected)
        )))
    }
}

/// An activity's id is on its actor's authority (host and port).
pub(crate) fn verify_activity_origin(id: &Url, actor: &Url) -> Result<(), FederationError> {
    verify_same_authority(id, actor)
}

/// A Create or Update of an object: the activity on the actor's server, the object attributed
/// to the actor (only the author creates or edits its objects) and on the same server.
pub(crate) fn verify_authored(
    activity: &Url,
    actor: &Url,
    object: &Url,
    attributed_to: &Url,
) -> Result<(), FederationError> {
    verify_activity_origin(activity, actor)?;
    if attributed_to != actor {
        return Err(FederationError::Forbidden(format!(
            "{object} is attributed to {attributed_to}, not to {actor}"
        )));
    }
    verify_same_authority(object, actor)
}

/// Refuses actors and objects from blocked domains, and, in allow-list mode, from domains not
/// on the list.
pub(crate) async fn check_domain(data: &FederationData, url: &Url) -> Result<(), FederationError> {
    match moderation_refusal(data, url).await? {
        None => Ok(()),
        Some(refusal) => Err(FederationError::Forbidden(refusal.to_string())),
    }
}

/// The moderation rule that keeps `url`'s host out, if any. Rules name a host (`example.org`,
/// for every port) or a host and port (`localhost:8081`); both sides are normalised
/// authorities, so `localhost.:8081` is `localhost:8081`.
pub(crate) async fn moderation_refusal(
    data: &FederationData,
    url: &Url,
) -> Result<Option<Refusal>, FederationError> {
    let full = authority(url);
    if full == data.urls.authority() {
        return Ok(None);
    }
    let host = host_of(&full).to_owned();
    let rule = match rule_of(data, full.clone()).await? {
        Some(rule) => Some(rule),
        None if host != full => rule_of(data, host).await?,
        None => None,
    };
    Ok(match rule {
        Some(RuleKind::Block) => Some(Refusal::Blocked { host: full }),
        Some(RuleKind::Allow) => None,
        None if data.policy.allowlist_mode => Some(Refusal::NotAllowed { host: full }),
        None => None,
    })
}

/// The moderation rule for a domain, from a cache that lives a few seconds (every incoming
/// activity and every fetch asks; rules change rarely, and changes here clear it at once).
async fn rule_of(
    data: &FederationData,
    domain: String,
) -> Result<Option<RuleKind>, FederationError> {
    if let Some(rule) = data.domain_rules.get(&domain).await {
        return Ok(rule);
    }
    let key = domain.clone();
    let rule = data
        .db
        .run(move |conn| moderation::rule_for(conn, &key))
        .await?;
    data.domain_rules.insert(domain, rule).await;
    Ok(rule)
}
