use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    maillage::telemetry::init();
    let cli = maillage::cli::Cli::parse();
    match maillage::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
