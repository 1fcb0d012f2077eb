//! The JSON on the wire, field for field. Parsing is lenient where real servers differ
//! (one value or a list, missing optional fields) and strict where our rules depend on it.
//! The activities' structs live with their handling, in `federation::activities`.

pub mod actor;
pub mod collections;
pub mod context;
pub mod event;
pub mod note;
pub mod place;

pub use activitypub_federation::kinds::public as public_collection;
