//! Federation between real nodes: three nodes (A, B, C) in one process on `localhost:<port>`,
//! each scenario asserting on the *other* nodes, on SQLite and on PostgreSQL.

#[path = "../api/helpers.rs"]
mod helpers;
// Shared with the api tests, which use all of it; here the admin pages' visitor.
#[allow(dead_code)]
#[path = "../api/site.rs"]
mod site;

mod audience;
mod backfill_styles;
mod backfill_whole;
mod delivery;
mod events;
mod faulty;
mod fedify;
mod fetching;
mod fixtures;
mod groups;
mod help;
mod hostile;
mod mastodon;
mod moves;
mod network;
mod peer;
mod places;
mod production;
mod queue;
mod relays;
mod replicas;
mod scenarios;
mod search_cards;
mod security;
mod shapes;
