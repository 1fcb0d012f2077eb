//! Our rows as ActivityPub objects (the library's `Object` trait): how they become JSON, and
//! how JSON from peers becomes rows, with the origin checks on the way in.

pub mod centre;
pub mod contact;
pub mod entry;
pub mod event;
pub mod html;
pub mod instance;
pub mod place;
pub mod recommendation;

/// At most `max` characters of remote text: peers' strings are stored bounded, not refused.
pub(crate) fn clip(value: &str, max: usize) -> String {
    value.trim().chars().take(max).collect()
}
