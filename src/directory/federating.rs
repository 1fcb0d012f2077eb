//! The directory's side of federation: following centres, approving followers, endorsing, and
//! telling peers about every change to what this node publishes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::FieldError;
use crate::domain::contact::Visibility;
use crate::domain::recommendation::Status;
use crate::federation::activity_id;
use crate::federation::audience::Audience;
use crate::storage::centres::CentreRow;
use crate::storage::endorsements::EndorsementRow;
use crate::storage::follows::{BackfillState, FollowRow, FollowState, FollowerRow};
use crate::storage::ids::{CentreId, RecommendationId};
use crate::storage::moves::CentreMove;
use crate::storage::recommendations::RecommendationRow;

use super::{Directory, DirectoryError, new_key, now};

/// Who receives a recommendation in this status.
pub(crate) fn recommendation_audience(status: Status) -> Audience {
    if status == Status::Published {
        Audience::Everyone
    } else {
        Audience::Nobody
    }
}

/// Who receives a contact card with this visibility.
pub(crate) fn contact_audience(visibility: Visibility) -> Audience {
    match visibility {
        Visibility::Public => Audience::Everyone,
        Visibility::Network => Audience::DirectoryPeers,
        Visibility::Hidden | Visibility::Local => Audience::Nobody,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FollowView {
    /// KEY of `DELETE /api/v1/follows/{KEY}`.
    pub id: String,
    /// The followed centre's actor id.
    pub target: String,
    pub target_name: String,
    /// `pending`, `accepted` or `rejected`.
    pub state: String,
    /// The local centre that follows.
    pub centre: String,
    /// How far reading the followed centre's outbox has gone (absent until the follow is
    /// accepted).
    pub backfill: Option<BackfillView>,
}

/// The progress of a follow's backfill: the followed centre's outbox read to its end, in the
/// background, resumed after a restart.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BackfillView {
    /// `running`, `done` or `failed`.
    pub state: BackfillState,
    /// Outbox items taken in so far (entries, places, workshops, endorsements).
    pub items: i64,
    /// Outbox pages fetched so far.
    pub pages: i64,
    /// Why it failed (`failed` only).
    pub error: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended (`done` or `failed`).
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FollowerView {
    /// KEY of `POST /api/v1/followers/{KEY}/approve` and `/refuse`.
    pub id: String,
    /// The follower's actor id.
    pub actor: String,
    pub name: String,
    /// `Organization` for centres, `Person` for people on Mastodon...
    pub actor_type: String,
    /// Whether it is a Maillage directory centre.
    pub directory: bool,
    /// `pending`, `accepted` or `rejected`.
    pub state: String,
    /// The local centre it follows.
    pub centre: String,
    /// Staff trust it with `network` contact cards (directory centres only; `POST
    /// /api/v1/followers/{KEY}/trust` or `/distrust`).
    pub trusted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EndorsementView {
    /// KEY of `DELETE /api/v1/endorsements/{KEY}`.
    pub id: String,
    /// The endorsed recommendation's id.
    pub object: String,
    /// The endorsing centre's actor id.
    pub centre: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowInput {
    /// `name@domain` (a leading `@` is fine) or an actor URL.
    pub target: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndorsementInput {
    /// The id (URL) of the recommendation to endorse.
    pub object: String,
}

impl Directory {
    /// Follows a remote directory centre from a local centre (the first one by default).
    #[tracing::instrument(skip(self))]
    pub(crate) async fn follow(
        &self,
        centre: Option<&str>,
        target: &str,
    ) -> Result<FollowView, DirectoryError> {
        let follower = self.local_centre_or_first(centre).await?;
        let target = target.trim();
        if target.is_empty() {
            return Err(FieldError::new(
                "target",
                "must name a centre: name@domain or an actor URL",
            )
            .into());
        }
        let remote = self
            .federation()
            .resolve_actor(target)
            .await
            .map_err(|e| match e {
                crate::federation::FederationError::Forbidden(m) => DirectoryError::Forbidden(m),
                other => {
                    FieldError::new("target", format!("`{target}` cannot be followed: {other}"))
                        .into()
                }
            })?;
        if remote.local {
            return Err(FieldError::new("target", "is a centre of this node").into());
        }
        // A centre known to have moved (a verified Move): follow its new actor instead.
        let moved = {
            let id = CentreId(remote.id);
            self.db()
                .run(move |conn| CentreMove::find(conn, id))
                .await?
                .and_then(|m| m.moved_to)
        };
        if let Some(new_actor) = moved {
            return Err(FieldError::new(
                "target",
                format!("`{target}` has moved to {new_actor}: follow that one instead"),
            )
            .into());
        }
        // Any actor can be followed (a Mastodon account, another directory's relay...); only
        // what directory centres publish enters the directory.
        let (follower_id, target_id) = (CentreId(follower.id), CentreId(remote.id));
        if let Some(existing) = self
            .db()
            .run(move |conn| FollowRow::find_between(conn, follower_id, target_id))
            .await?
            .filter(|f| f.state != FollowState::Rejected)
        {
            return Ok(follow_view(&existing, &remote, &follower));
        }
        let key = new_key();
        let activity = activity_id(self.urls(), &format!("follow/{key}"));
        let row = {
            let (key, activity) = (key.clone(), activity.to_string());
            self.db()
                .write(move |conn| {
                    FollowRow::upsert_pending(conn, &key, &activity, follower_id, target_id, now())
                })
                .await?
        };
        self.federation()
            .send_follow(follower.clone(), remote.clone(), &activity)
            .await?;
        Ok(follow_view(&row, &remote, &follower))
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn follows(&self) -> Result<Vec<FollowView>, DirectoryError> {
        let rows = self.db().run(FollowRow::list).await?;
        let locals = self.db().run(CentreRow::list_local).await?;
        Ok(rows
            .iter()
            .filter_map(|(row, target)| {
                let follower = locals.iter().find(|c| c.id == row.follower_id)?;
                Some(follow_view(row, target, follower))
            })
            .collect())
    }

    /// One follow, with the progress of its backfill.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn follow_of(&self, key: &str) -> Result<FollowView, DirectoryError> {
        let (row, target, follower) = self.find_follow(key).await?;
        Ok(follow_view(&row, &target, &follower))
    }

    /// A follow by key, with the followed centre and the local centre that follows.
    async fn find_follow(
        &self,
        key: &str,
    ) -> Result<(FollowRow, CentreRow, CentreRow), DirectoryError> {
        let owned = key.to_owned();
        let (row, target) = self
            .db()
            .run(move |conn| FollowRow::find_by_key(conn, &owned))
            .await?
            .ok_or_else(|| DirectoryError::NotFound(format!("follow `{key}`")))?;
        let follower_id = row.follower_id;
        let follower = self
            .db()
            .run(move |conn| CentreRow::find(conn, follower_id))
            .await?;
        Ok((row, target, follower))
    }

    /// Stops following: sends Undo, forgets the follow. Copies received stay, with their origin.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn unfollow(&self, key: &str) -> Result<(), DirectoryError> {
        let (row, target, follower) = self.find_follow(key).await?;
        let id = row.id;
        self.db()
            .write(move |conn| FollowRow::delete(conn, id))
            .await?;
        self.federation()
            .send_unfollow(follower, target, &row.activity_id)
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn followers(
        &self,
        state: Option<&str>,
    ) -> Result<Vec<FollowerView>, DirectoryError> {
        let state = state
            .map(|s| {
                FollowState::parse(s).ok_or_else(|| {
                    FieldError::new("state", "expected pending, accepted or rejected")
                })
            })
            .transpose()?;
        let rows = self
            .db()
            .run(move |conn| FollowerRow::list(conn, None, state))
            .await?;
        let locals = self.db().run(CentreRow::list_local).await?;
        Ok(rows
            .iter()
            .filter_map(|(row, actor)| {
                let centre = locals.iter().find(|c| c.id == row.centre_id)?;
                Some(follower_view(row, actor, centre))
            })
            .collect())
    }

    /// A follower by its KEY: the follow, the follower's actor, the local centre it follows.
    async fn follower(
        &self,
        key: &str,
    ) -> Result<(FollowerRow, CentreRow, CentreRow), DirectoryError> {
        let owned = key.to_owned();
        self.db()
            .run(move |conn| {
                let Some((row, actor)) = FollowerRow::find_by_key(conn, &owned)? else {
                    return Ok(None);
                };
                let centre = CentreRow::find(conn, row.centre_id)?;
                Ok(Some((row, actor, centre)))
            })
            .await?
            .ok_or_else(|| DirectoryError::NotFound(format!("follower `{key}`")))
    }

    /// Approves (`accept`) or refuses a follower waiting for approval.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn decide_follower(
        &self,
        key: &str,
        accept: bool,
    ) -> Result<FollowerView, DirectoryError> {
        let (row, actor, centre) = self.follower(key).await?;
        if row.state != FollowState::Pending {
            return Err(DirectoryError::Conflict {
                field: None,
                message: format!("this follower is {} already", row.state.as_str()),
            });
        }
        let state = if accept {
            FollowState::Accepted
        } else {
            FollowState::Rejected
        };
        let id = row.id;
        self.db()
            .write(move |conn| FollowerRow::set_state(conn, id, state, now()))
            .await?;
        let mut updated = row.clone();
        updated.state = state;
        if accept {
            self.federation()
                .approve_follower(centre.clone(), actor.clone(), row)
                .await?;
        } else {
            self.federation()
                .refuse_follower(centre.clone(), actor.clone(), row)
                .await?;
        }
        Ok(follower_view(&updated, &actor, &centre))
    }

    /// Trusts an accepted follower that is a directory centre with the `network` contact cards
    /// of the centre it follows (they are sent at once), or stops trusting it (it is asked to
    /// delete them). Personal data never goes to a peer staff have not trusted.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn trust_follower(
        &self,
        key: &str,
        trusted: bool,
    ) -> Result<FollowerView, DirectoryError> {
        let (row, actor, centre) = self.follower(key).await?;
        if trusted && !actor.is_directory {
            return Err(DirectoryError::Conflict {
                field: None,
                message: format!(
                    "{} is not a directory centre: only directory centres receive `network` \
                     contact cards",
                    actor.actor_id
                ),
            });
        }
        if trusted && row.state != FollowState::Accepted {
            return Err(DirectoryError::Conflict {
                field: None,
                message: format!("this follower is {}: approve it first", row.state.as_str()),
            });
        }
        let mut updated = row.clone();
        updated.trusted = trusted;
        if row.trusted != trusted {
            let id = row.id;
            self.db()
                .write(move |conn| FollowerRow::set_trusted(conn, id, trusted))
                .await?;
            self.federation()
                .follower_trust_changed(centre.clone(), actor.clone(), trusted)
                .await?;
        }
        Ok(follower_view(&updated, &actor, &centre))
    }

    /// Endorses a recommendation of another centre: Announce to our followers and its author.
    #[tracing::instrument(skip(self))]
    pub(crate) async fn endorse(
        &self,
        centre: Option<&str>,
        object: &str,
    ) -> Result<EndorsementView, DirectoryError> {
        let centre = self.local_centre_or_first(centre).await?;
        let id = object.trim().to_owned();
        let (rec, origin, _) = self
            .db()
            .run(move |conn| RecommendationRow::find_by_ap_id(conn, &id))
            .await?
            .ok_or_else(|| {
                FieldError::new(
                    "object",
                    format!("no recommendation `{}` on this node", object.trim()),
                )
            })?;
        if rec.local {
            return Err(FieldError::new("object", "is this node's own recommendation").into());
        }
        if rec.status != Status::Published || rec.hidden {
            return Err(FieldError::new("object", "is not shown on this node").into());
        }
        let key = new_key();
        let activity = activity_id(self.urls(), &format!("announce/{key}"));
        let (centre_id, rec_id) = (CentreId(centre.id), RecommendationId(rec.id));
        let row = {
            let (key, activity) = (key.clone(), activity.to_string());
            self.db()
                .write(move |conn| {
                    EndorsementRow::insert_if_new(conn, &key, &activity, centre_id, rec_id, now())
                })
                .await?
        };
        if row.key == key {
            self.federation()
                .send_announce(centre.clone(), &rec.ap_id, origin, &activity)
                .await?;
        }
        Ok(EndorsementView {
            id: row.key,
            object: rec.ap_id,
            centre: centre.actor_id,
        })
    }

    #[tracing::instrument(skip(self))]
    pub(crate) async fn unendorse(&self, key: &str) -> Result<(), DirectoryError> {
        let owned = key.to_owned();
        let row = self
            .db()
            .run(move |conn| EndorsementRow::find_by_key(conn, &owned))
            .await?
            .ok_or_else(|| DirectoryError::NotFound(format!("endorsement `{key}`")))?;
        let (centre_id, rec_id, id) = (row.centre_id, row.recommendation_id, row.id);
        let centre = self
            .db()
            .run(move |conn| CentreRow::find(conn, centre_id))
            .await?;
        if !centre.local {
            return Err(DirectoryError::Forbidden(
                "only the endorsing centre can withdraw it".into(),
            ));
        }
        let ap_id = self
            .db()
            .run(move |conn| RecommendationRow::ap_id_of(conn, rec_id))
            .await?
            .unwrap_or_default();
        let origin = {
            let ap_id = ap_id.clone();
            self.db()
                .run(move |conn| RecommendationRow::find_by_ap_id(conn, &ap_id))
                .await?
                .map(|(_, origin, _)| origin)
        };
        self.db()
            .write(move |conn| EndorsementRow::delete(conn, id))
            .await?;
        if let Some(origin) = origin {
            self.federation()
                .send_unannounce(centre, &ap_id, origin, &row.activity_id)
                .await?;
        }
        Ok(())
    }

    /// The endorsements this node's centres made.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn endorsements(&self) -> Result<Vec<EndorsementView>, DirectoryError> {
        let locals = self.db().run(CentreRow::list_local).await?;
        let mut out = Vec::new();
        for centre in locals {
            let id = centre.id;
            let rows = self
                .db()
                .run(move |conn| EndorsementRow::by_centre(conn, id))
                .await?;
            for row in rows {
                let rec_id = row.recommendation_id;
                let object = self
                    .db()
                    .run(move |conn| RecommendationRow::ap_id_of(conn, rec_id))
                    .await?
                    .unwrap_or_default();
                out.push(EndorsementView {
                    id: row.key,
                    object,
                    centre: centre.actor_id.clone(),
                });
            }
        }
        Ok(out)
    }
}

fn follow_view(row: &FollowRow, target: &CentreRow, follower: &CentreRow) -> FollowView {
    FollowView {
        id: row.key.clone(),
        target: target.actor_id.clone(),
        target_name: target.name.clone(),
        state: row.state.as_str().to_owned(),
        centre: follower.username.clone(),
        backfill: row.backfill_state.map(|state| BackfillView {
            state,
            items: row.backfill_items,
            pages: row.backfill_pages,
            error: row.backfill_error.clone(),
            started_at: row.backfill_started_at.map(|t| t.and_utc()),
            finished_at: row.backfilled_at.map(|t| t.and_utc()),
        }),
    }
}

fn follower_view(row: &FollowerRow, actor: &CentreRow, centre: &CentreRow) -> FollowerView {
    FollowerView {
        id: row.key.clone(),
        actor: actor.actor_id.clone(),
        name: actor.name.clone(),
        actor_type: actor.actor_type.clone(),
        directory: actor.is_directory,
        state: row.state.as_str().to_owned(),
        centre: centre.username.clone(),
        trusted: row.trusted,
    }
}
