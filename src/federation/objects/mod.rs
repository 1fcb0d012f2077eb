//! Our rows as ActivityPub objects (the library's `Object` trait): how they become JSON, and
//! how JSON from peers becomes rows, with the origin checks on the way in.

pub(crate) mod centre;
pub(crate) mod contact;
pub(crate) mod entry;
pub(crate) mod event;
pub(crate) mod html;
pub(crate) mod instance;
pub(crate) mod place;
pub(crate) mod recommendation;

/// At most `max` characters of remote text: peers' strings are stored bounded, not refused.
pub(crate) fn clip(value: &str, max: usize) -> String {
    value.trim().chars().take(max).collect()
}
