//! Maillage: a federated directory of free-software alternatives and digital mediators.
//!
//! # Module map
//!
//! | module       | owns                                                                 |
//! |--------------|----------------------------------------------------------------------|
//! | `domain`     | pure types and rules: parsing, validation, taxonomy, URL shapes, the |
//! |              | states stored as enums (status, level, visibility, follow state)     |
//! | `storage`    | the database: connections, migrations, queries (the only user of     |
//! |              | diesel); stored enums read strictly, unknown values refused          |
//! | `federation` | ActivityPub (the only user of activitypub_federation): one file per  |
//! |              | activity in `activities/` (wire struct, sending, receiving), objects, |
//! |              | origin checks, inbox, collections, backfill, the persistent delivery |
//! |              | queue and its workers                                                |
//! | `directory`  | the use cases: publish, follow, endorse, moderate, import, export,    |
//! |              | search, tokens, the delivery queue as operators see it               |
//! | `mail`       | e-mail out through the configured SMTP server (the only user of      |
//! |              | lettre): staff notifications of help requests                        |
//! | `search`     | the full-text index, derived from the database and fed by its change |
//! |              | feed (the only user of tantivy): one document per software, contact  |
//! |              | and centre; reads queries with a reviewed lexicon; answers keys,     |
//! |              | counts, facets and suggestions                                       |
//! | `state`      | what both HTTP edges share: `AppState`, the client address           |
//! | `http`       | axum: the JSON API, feeds, metrics, the API's errors                 |
//! | `web`        | the website: public pages and admin pages (askama, Fluent fr/en)      |
//! | `failure`    | how a failure is answered over HTTP, for the API, the pages and      |
//! |              | federation: the JSON error body, internal failures logged with a     |
//! |              | reference id                                                         |
//! | `startup`    | the composition root: database, federation, directory, state, router |
//! | `config`, `cli`, `telemetry` | running the node                                     |
//!
//! Dependencies point one way: `domain` <- `storage` <- `federation` <- `directory` <- `state`
//! <- `http`, `web` <- `startup`; and `storage` <- `search` <- `directory`. `http` and `web`
//! do not import each other. `ARCHITECTURE.md` draws the layers, where each activity lives and
//! the path from an HTTP request to a delivery.
//!
//! What the binary, the integration tests and the benchmarks use is `pub`; everything else is
//! `pub(crate)`, so the compiler reports what nothing uses. The HTTP edges (`state`, `http`,
//! `web`, `failure`) are reached only through `startup` and are crate-private.

pub mod cli;
pub mod config;
pub mod directory;
pub mod domain;
pub(crate) mod failure;
pub mod federation;
#[cfg(test)]
mod fuzzing;
pub(crate) mod http;
#[cfg(test)]
mod layering;
pub mod mail;
pub mod search;
pub mod startup;
pub(crate) mod state;
pub mod storage;
pub mod telemetry;
pub(crate) mod web;
