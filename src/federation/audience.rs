//! Who receives what a local centre publishes: the inboxes of its accepted followers that an
//! [`Audience`] reaches, and the directory centres among them.

use url::Url;

use super::{Context, FederationError};
use crate::storage::follows::{FollowState, FollowerRow};
use crate::storage::{Conn, StorageError, moderation};

/// Who receives an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    /// Nobody: drafts, withdrawn recommendations, `hidden` and `local` contacts.
    Nobody,
    /// Followers that are directory centres only (`network` contacts), addressed to them.
    DirectoryPeers,
    /// Followers that are directory centres, trusted or not: what a network passes on of the
    /// entries a newly admitted member published before (Maillage nodes take it in; Mastodon
    /// and its kin would show each as a fresh boost).
    Directories,
    /// Every follower, and Public.
    Everyone,
}

/// The followers of a centre that an audience reaches: their inboxes (shared ones where they
/// have them), and the actor ids of the trusted directory centres among them.
pub(crate) fn reached(
    conn: &mut Conn,
    centre_id: i64,
    audience: Audience,
) -> Result<(Vec<Url>, Vec<Url>), StorageError> {
    if audience == Audience::Nobody {
        return Ok((Vec::new(), Vec::new()));
    }
    let followers = FollowerRow::list(conn, Some(centre_id), Some(FollowState::Accepted))?;
    // A block ends the domain's follows; this keeps a follower whose domain got blocked by
    // another process sharing the database out as well, until the block's purge runs.
    let blocked = moderation::blocked_domains(conn)?;
    let mut inboxes = Vec::new();
    let mut directory_actors = Vec::new();
    for (follower, actor) in followers {
        if blocked
            .iter()
            .any(|d| moderation::rule_covers(d, &actor.domain))
        {
            continue;
        }
        // `network` cards (personal data) go only to directory centres staff trusted.
        let peer = actor.is_directory && follower.trusted;
        if (audience == Audience::DirectoryPeers && !peer)
            || (audience == Audience::Directories && !actor.is_directory)
        {
            continue;
        }
        if peer && let Ok(id) = Url::parse(&actor.actor_id) {
            directory_actors.push(id);
        }
        if let Ok(inbox) = Url::parse(
            actor
                .shared_inbox_url
                .as_deref()
                .unwrap_or(&actor.inbox_url),
        ) && !inboxes.contains(&inbox)
        {
            inboxes.push(inbox);
        }
    }
    Ok((inboxes, directory_actors))
}

/// The inboxes of a centre's accepted followers that `audience` reaches.
pub(crate) async fn follower_inboxes(
    centre_id: i64,
    audience: Audience,
    data: &Context,
) -> Result<Vec<Url>, FederationError> {
    let (inboxes, _) = data
        .db
        .run(move |conn| reached(conn, centre_id, audience))
        .await?;
    Ok(inboxes)
}
