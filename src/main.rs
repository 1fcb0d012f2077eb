use clap::Parser;

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
