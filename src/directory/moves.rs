//! Moving a centre to a new domain: staff say which other actors a centre also is
//! (`alsoKnownAs`, so it can be the target of a move) and move a centre to its new actor (a
//! `Move` to its followers). What a received `Move` does is `federation`'s
//! (`activities/move_actor.rs`).

use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::ToSchema;

use crate::domain::FieldError;
use crate::storage::ids::CentreId;
use crate::storage::moves::CentreMove;

use super::{Directory, DirectoryError, now};

/// How many aliases a centre may list.
const MAX_ALIASES: usize = 10;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AliasesInput {
    /// The actor ids (URLs) of the centre's former accounts, e.g. the old actor of a centre
    /// moving here: a `Move` from one of them to this centre is then valid. Replaces the list.
    pub also_known_as: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// The new actor's id (URL). It must list this centre's actor in `alsoKnownAs`.
    pub target: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MoveView {
    /// The centre's actor id.
    pub actor: String,
    pub also_known_as: Vec<String>,
    /// The actor it moved to, once moved.
    pub moved_to: Option<String>,
}

impl Directory {
    /// A local centre's aliases and move.
    #[tracing::instrument(level = "debug", skip(self))]
    pub(crate) async fn centre_move(&self, username: &str) -> Result<MoveView, DirectoryError> {
        let centre = self.local_centre(username).await?;
        let id = CentreId(centre.id);
        let moved = self
            .db()
            .run(move |conn| CentreMove::find(conn, id))
            .await?
            .unwrap_or_default();
        Ok(MoveView {
            actor: centre.actor_id,
            also_known_as: moved.also_known_as,
            moved_to: moved.moved_to,
        })
    }

    /// Sets the actors a local centre says it also is (its actor document's `alsoKnownAs`).
    #[tracing::instrument(skip(self))]
    pub(crate) async fn set_aliases(
        &self,
        username: &str,
        aliases: &[String],
    ) -> Result<MoveView, DirectoryError> {
        let centre = self.local_centre(username).await?;
        if aliases.len() > MAX_ALIASES {
            return Err(
                FieldError::new("also_known_as", format!("at most {MAX_ALIASES} actors")).into(),
            );
        }
        let mut checked = Vec::new();
        for alias in aliases {
            let url = Url::parse(alias.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .ok_or_else(|| {
                    FieldError::new("also_known_as", format!("`{alias}` is not an actor URL"))
                })?;
            if url.as_str() == centre.actor_id {
                return Err(FieldError::new("also_known_as", "lists the centre itself").into());
            }
            if !checked.contains(&url.to_string()) {
                checked.push(url.to_string());
            }
        }
        let id = CentreId(centre.id);
        let (urls, manual_approval) = (
            self.urls().clone(),
            self.federation().data().policy.manual_approval,
        );
        // Followers get the actor's `Update` with its new `alsoKnownAs`, in the same
        // transaction.
        self.db()
            .write(move |conn| {
                let mut moved = CentreMove::find(conn, id)?.unwrap_or_default();
                moved.also_known_as = checked;
                CentreMove::save(conn, id, &moved, now())?;
                crate::federation::publish::profile_changed(conn, &urls, &centre, manual_approval)
            })
            .await?;
        self.federation().wake();
        self.centre_move(username).await
    }

    /// Moves a local centre to `target` (a `Move` to its followers, which follow the new
    /// actor).
    #[tracing::instrument(skip(self))]
    pub(crate) async fn move_centre(
        &self,
        username: &str,
        target: &str,
    ) -> Result<MoveView, DirectoryError> {
        let centre = self.local_centre(username).await?;
        let target = target.trim();
        let url = Url::parse(target)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| FieldError::new("target", "must be the new actor's URL"))?;
        self.federation()
            .move_centre(centre, &url)
            .await
            .map_err(|e| {
                FieldError::new("target", format!("cannot move to `{target}`: {e}")).into()
            })
            .map_err(|e: DirectoryError| e)?;
        self.centre_move(username).await
    }
}
