use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    semey::cli::run(semey::cli::Cli::parse()).await
}
