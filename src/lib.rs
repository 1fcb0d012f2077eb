//! Maillage: a federated directory of free-software alternatives and digital mediators.
//!
//! # Module map
//!
//! | module       | owns                                                                 |
//! |--------------|----------------------------------------------------------------------|
//! | `domain`     | pure types and rules: parsing, validation, taxonomy, URL shapes       |
//! | `storage`    | the database: connections, migrations, queries (the only user of diesel) |
//! | `federation` | ActivityPub (the only user of activitypub_federation)                  |
//! | `directory`  | the use cases: publish, import, export, search, tokens                |
//! | `http`       | axum: the JSON API, errors, exports over HTTP                          |
//! | `config`, `cli`, `startup`, `telemetry` | running the node                            |
//!
//! Dependencies point one way: `domain` <- `storage` <- `federation` <- `directory` <- `http`.

pub mod cli;
pub mod config;
pub mod directory;
pub mod domain;
pub mod federation;
pub mod http;
pub mod startup;
pub mod storage;
pub mod telemetry;
