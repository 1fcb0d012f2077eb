//! Black-box tests of a node: each test starts real nodes on free localhost ports, with a fresh
//! database each, and talks HTTP to them (or runs the `maillage` binary). Every scenario runs
//! on SQLite and on PostgreSQL (see `helpers::Backend`).

mod helpers;

mod admin_lists;
mod admin_pages;
mod admin_places;
mod admin_profile;
mod auth;
mod catalogue;
mod centres;
mod cli;
mod compose;
mod contacts;
mod events;
mod export_import;
mod help;
mod labels;
mod pages;
mod persistence;
mod places;
mod providers;
mod readme;
mod recommendations;
mod search;
mod search_queries;
mod service;
mod sessions;
mod site;
mod staff;
mod web_security;
