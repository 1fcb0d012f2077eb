//! What a staff account may do on its node (issue 12). Editors keep the directory's content
//! up to date; administrators also speak for the centre (its profile), choose whom it federates
//! with, and manage the accounts.

/// A staff account's role, stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything an editor does, plus the profile, the network (follows, followers,
    /// endorsements, moderation, the delivery queue) and the accounts.
    Administrator,
    /// Recommendations, contact cards, places, providers and events.
    Editor,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Administrator, Role::Editor];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::Editor => "editor",
        }
    }

    pub(crate) fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub(crate) fn is_administrator(self) -> bool {
        self == Self::Administrator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_back_their_names_only() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Administrator"), None);
        assert_eq!(Role::parse(""), None);
    }
}
