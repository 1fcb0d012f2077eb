//! ActivityPub. The only module that names activitypub_federation.
//!
//! So far it provides the centres' key pairs; the protocol itself (actors, inboxes, delivery)
//! comes with the federation issue.

pub mod keys;
