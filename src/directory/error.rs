//! What a use case can refuse, in terms the HTTP layer and the CLI can each present.

use crate::domain::FieldError;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Bad input: which field and why.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("{0} not found")]
    NotFound(String),
    /// The request contradicts what is stored (a duplicate, a remote object).
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// The object is not this node's to change (a copy received from a peer).
    #[error("{0}")]
    Forbidden(String),
    /// Too many requests from one client lately: try again later.
    #[error("{0}")]
    Throttled(String),
    /// A remote server could not be reached, or answered something unusable.
    #[error("{0}")]
    Remote(String),
    #[error(transparent)]
    Storage(StorageError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error("{0}")]
    Internal(String),
}

impl From<crate::federation::FederationError> for DirectoryError {
    fn from(error: crate::federation::FederationError) -> Self {
        use crate::federation::FederationError as F;
        match error {
            F::NotFound(what) => Self::NotFound(what),
            F::Forbidden(message) => Self::Forbidden(message),
            F::Storage(e) => e.into(),
            F::Internal(message) => Self::Internal(message),
            // A peer that cannot be reached or answers nonsense: the caller's target is at fault.
            other => Self::Remote(other.to_string()),
        }
    }
}

impl From<StorageError> for DirectoryError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Conflict(what) => Self::Conflict {
                field: None,
                message: format!("already exists ({what})"),
            },
            StorageError::NotFound => Self::NotFound("object".into()),
            other => Self::Storage(other),
        }
    }
}
