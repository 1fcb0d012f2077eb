//! Pure types and rules of the directory: parsing and validation of everything a user or a peer
//! sends, the built-in taxonomy and product aliases, the shape of URLs this node mints.
//!
//! Nothing here does I/O or names a framework, so every rule has a unit test beside it.

pub mod category;
pub mod centre;
pub mod communes;
pub mod contact;
pub mod event;
pub mod follow;
pub mod help;
pub mod licence;
pub mod place;
pub mod product;
pub mod provider;
pub mod recommendation;
pub mod region;
pub mod secret;
pub mod software;
pub mod staff;
pub mod text;
pub mod urls;
pub mod validation;
pub mod web_url;

pub use validation::FieldError;

/// Offset and limit of a listing.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub offset: i64,
    pub limit: i64,
}
