//! Where a follow stands: asked, taken or refused. The same states describe our centres'
//! follows of others and others' follows of our centres.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FollowState {
    /// Sent (or received) and not answered yet; a follower waiting for staff approval.
    Pending,
    Accepted,
    Rejected,
}

impl FollowState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    /// The state a stored or sent name stands for; `None` for any other text.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(Self::Pending),
            "accepted" => Some(Self::Accepted),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// Where the backfill of a follow stands: reading the followed centre's outbox, read to its
/// end (or to the safety cap), or stopped by an error (kept for staff to read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BackfillState {
    Running,
    Done,
    Failed,
}

impl BackfillState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    /// The state a stored name stands for; `None` for any other text.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        match value {
            "running" => Some(Self::Running),
            "done" => Some(Self::Done),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_others_are_refused() {
        for state in [
            FollowState::Pending,
            FollowState::Accepted,
            FollowState::Rejected,
        ] {
            assert_eq!(FollowState::parse(state.as_str()), Some(state));
        }
        assert_eq!(FollowState::parse("Accepted"), None);
        assert_eq!(FollowState::parse(""), None);
    }

    #[test]
    fn backfill_states_round_trip_and_others_are_refused() {
        for state in [
            BackfillState::Running,
            BackfillState::Done,
            BackfillState::Failed,
        ] {
            assert_eq!(BackfillState::parse(state.as_str()), Some(state));
        }
        assert_eq!(BackfillState::parse("Done"), None);
    }
}
