//! Maillage: a federated directory of free-software alternatives and digital mediators.
//!
//! # Module map
//!
//! | module       | owns                                                                 |
//! |--------------|----------------------------------------------------------------------|
//! | `domain`     | pure types and rules: parsing, validation, taxonomy, URL shapes       |
//! | `storage`    | the database: connections, migrations, queries (the only user of diesel) |
//! | `federation` | ActivityPub (the only user of activitypub_federation): actors, objects, |
//! |              | inbox, outbox, backfill, the persistent delivery queue's workers       |
//! | `directory`  | the use cases: publish, follow, endorse, moderate, import, export,    |
//! |              | search, tokens, the delivery queue as operators see it               |
//! | `search`     | the full-text index, derived from the database and fed by its change |
//! |              | feed (the only user of tantivy): one document per software, contact  |
//! |              | and centre; reads queries with a reviewed lexicon; answers keys,     |
//! |              | counts, facets and suggestions                                       |
//! | `http`       | axum: the JSON API, errors, feeds, metrics                           |
//! | `web`        | the website: public pages and admin pages (askama, Fluent fr/en)      |
//! | `config`, `cli`, `startup`, `telemetry` | running the node                            |
//!
//! Dependencies point one way: `domain` <- `storage` <- `federation` <- `directory` <- `http`,
//! `web`; and `storage` <- `search` <- `directory`.

pub mod cli;
pub mod config;
pub mod directory;
pub mod domain;
pub mod failure;
pub mod federation;
#[cfg(test)]
mod fuzzing;
pub mod http;
pub mod search;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod web;
