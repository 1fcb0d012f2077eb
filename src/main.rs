use clap::Parser;

/// jemalloc, with its background thread: memory freed after a burst of work (loading data,
/// building the search index, an import) goes back to the system within seconds, where the
/// system allocator kept most of it: an idle node with the demo data holds 5 to 7 MiB less
/// (docs/benchmarks.md, "idle memory"). The library and the tests keep the system allocator.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    maillage::telemetry::init();
    let cli = maillage::cli::Cli::parse();
    match maillage::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", maillage::cli::error_message(&e));
            std::process::ExitCode::FAILURE
        }
    }
}
