//! Networks of centres: a local `Group` actor whose members' recommendations, places and
//! workshops it re-announces to its followers (the federation side is `federation::groups`).
//! A centre asks to join by following the network; staff admit it (the network follows it
//! back, so its entries reach the network) or remove it (what was announced of it is
//! withdrawn at the network's followers).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::FieldError;
use crate::domain::centre::NewCentreInput;
use crate::storage::centres::CentreRow;
use crate::storage::follows::{FollowRow, FollowState, FollowerRow};
use crate::storage::groups::GROUP;

use super::federating::FollowView;
use super::views::CentreView;
use super::{Directory, DirectoryError};

/// A centre in a network's list: one that asked to join, or a member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NetworkMemberView {
    /// The centre's actor id (what `POST /api/v1/networks/{name}/members` and `DELETE
    /// /api/v1/networks/{name}/members?actor=` take).
    pub actor: String,
    /// `name@domain`.
    pub handle: String,
    pub name: String,
    /// `requested`: follows the network, not admitted yet; `admitted`: admitted, the network's
    /// follow waits for the centre's answer; `member`: its entries are re-announced;
    /// `refused`: the centre refused the network's follow.
    pub state: String,
    /// Whether it follows the network (receives what the network announces).
    pub follows_network: bool,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// The centre's actor id or `name@domain`, among the centres that follow the network.
    pub actor: String,
}

impl Directory {
    /// A new network of centres on this node: an actor of type `Group`.
    #[tracing::instrument(skip(self, input))]
    pub(crate) async fn create_network(
        &self,
        input: &NewCentreInput,
    ) -> Result<CentreView, DirectoryError> {
        self.create_actor(input, GROUP).await
    }

    /// This node's networks.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn networks(&self) -> Result<Vec<CentreView>, DirectoryError> {
        let rows = self.db().run(CentreRow::list_local).await?;
        Ok(rows
            .iter()
            .filter(|r| r.actor_type == GROUP)
            .map(Into::into)
            .collect())
    }

    /// A local network by name (a 404 for a centre that is not a network).
    async fn network(&self, name: &str) -> Result<CentreRow, DirectoryError> {
        let row = self.local_centre(name).await?;
        if row.actor_type != GROUP {
            return Err(DirectoryError::NotFound(format!("network `{name}`")));
        }
        Ok(row)
    }

    /// The centres that asked to join a network (they follow it) and its members.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn network_members(
        &self,
        name: &str,
    ) -> Result<Vec<NetworkMemberView>, DirectoryError> {
        let network = self.network(name).await?;
        let id = network.id;
        let (followers, follows) = self
            .db()
            .run(move |conn| {
                // Accepted, or waiting under manual approval: admitting a centre approves it.
                let followers: Vec<(FollowerRow, CentreRow)> =
                    FollowerRow::list(conn, Some(id), None)?
                        .into_iter()
                        .filter(|(f, _)| f.state != FollowState::Rejected)
                        .collect();
                let follows: Vec<(FollowRow, CentreRow)> = FollowRow::list(conn)?
                    .into_iter()
                    .filter(|(f, _)| f.follower_id == id)
                    .collect();
                Ok((followers, follows))
            })
            .await?;
        let mut members: Vec<NetworkMemberView> = follows
            .iter()
            .map(|(follow, actor)| {
                let state = match follow.state {
                    FollowState::Pending => "admitted",
                    FollowState::Accepted => "member",
                    FollowState::Rejected => "refused",
                };
                member_view(
                    actor,
                    state,
                    followers.iter().any(|(_, a)| a.id == actor.id),
                )
            })
            .collect();
        for (_, actor) in &followers {
            if actor.is_directory && !follows.iter().any(|(_, a)| a.id == actor.id) {
                members.push(member_view(actor, "requested", true));
            }
        }
        Ok(members)
    }

    /// Admits a centre that asked to join (it follows the network; a follow waiting for approval
    /// is accepted): the network follows it, and once the centre accepts, relays what it
    /// publishes.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn admit_member(
        &self,
        name: &str,
        input: &MemberInput,
    ) -> Result<FollowView, DirectoryError> {
        let network = self.network(name).await?;
        let wanted = input.actor.trim().trim_start_matches('@').to_owned();
        let id = network.id;
        let candidate = self
            .db()
            .run(move |conn| FollowerRow::list(conn, Some(id), None))
            .await?
            .into_iter()
            .filter(|(f, _)| f.state != FollowState::Rejected)
            .find(|(_, a)| a.actor_id == wanted || handle(a) == wanted);
        let Some((follower, candidate)) = candidate else {
            return Err(FieldError::new(
                "actor",
                format!(
                    "`{wanted}` does not follow the network: a centre asks to join by following it"
                ),
            )
            .into());
        };
        if !candidate.is_directory {
            return Err(FieldError::new(
                "actor",
                "is not a directory centre: only directory centres can be members",
            )
            .into());
        }
        if follower.state == FollowState::Pending {
            // Under manual approval: admitting the centre accepts its follow too.
            self.decide_follower(&follower.key, true).await?;
        }
        self.follow(Some(name), &candidate.actor_id).await
    }

    /// Removes a member: the network stops following it, and every Announce it made of what
    /// came from it is undone at the network's followers.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn remove_member(
        &self,
        name: &str,
        actor: &str,
    ) -> Result<(), DirectoryError> {
        let network = self.network(name).await?;
        let wanted = actor.trim().trim_start_matches('@').to_owned();
        let id = network.id;
        let found = self
            .db()
            .run(move |conn| {
                Ok(FollowRow::list(conn)?.into_iter().find(|(f, a)| {
                    f.follower_id == id && (a.actor_id == wanted || handle(a) == wanted)
                }))
            })
            .await?;
        let Some((follow, member)) = found else {
            return Err(DirectoryError::NotFound(format!(
                "member `{actor}` of network `{name}`"
            )));
        };
        let follow_id = follow.id;
        self.db()
            .write(move |conn| FollowRow::delete(conn, follow_id))
            .await?;
        self.federation()
            .send_unfollow(network.clone(), member.clone(), &follow.activity_id)
            .await?;
        self.federation().withdraw_member(network, member).await?;
        Ok(())
    }
}

fn handle(actor: &CentreRow) -> String {
    format!("{}@{}", actor.username, actor.domain)
}

fn member_view(actor: &CentreRow, state: &str, follows_network: bool) -> NetworkMemberView {
    NetworkMemberView {
        actor: actor.actor_id.clone(),
        handle: handle(actor),
        name: actor.name.clone(),
        state: state.to_owned(),
        follows_network,
    }
}
