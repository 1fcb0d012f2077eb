//! Real-browser tests: a real node (`TestNode`, SQLite, the sample directory) opened in
//! headless Chromium over WebDriver, each page checked for what a person sees, saved as a
//! screenshot under `target/browser-artifacts/`, and run through axe-core for WCAG A/AA.
//!
//! The pages do not depend on the database backend, so these run on SQLite only. Without
//! chromedriver they say they were skipped (`.ci/with-browser cargo test` installs it); on CI
//! they fail instead.

#[path = "../api/helpers.rs"]
mod helpers;
// Shared with the api tests, which use all of it; here only `create_admin`.
#[allow(dead_code)]
#[path = "../api/site.rs"]
mod site;

mod harness;

mod harness_checks;
mod help;
mod lists;
mod pages;
mod phones;
mod places;
mod sheet;
mod staff;
mod suggest;
