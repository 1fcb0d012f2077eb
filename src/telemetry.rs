//! Logs: human-readable lines on stderr (stdout is for data), filtered by `MAILLAGE_LOG`
//! (or `RUST_LOG`), [`DEFAULT_FILTER`] otherwise.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// What is logged unless MAILLAGE_LOG says otherwise: our own info, the library's warnings
/// (it logs every fetch at info).
pub const DEFAULT_FILTER: &str = "info,activitypub_federation=warn";

pub fn init() {
    init_with_default(DEFAULT_FILTER);
}

/// Like [`init`] with another default (test suites keep quiet unless asked).
pub fn init_with_default(default_filter: &str) {
    let filter = std::env::var("MAILLAGE_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default_filter));
    // A second init (tests that start several nodes) is harmless: keep the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
