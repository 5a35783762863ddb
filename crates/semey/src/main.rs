/// The allocator: glibc's spent a third of a large import looking through its free lists
/// (bench/RESULTS.md, the values import); mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    semey::cli::run(semey::cli::Cli::parse()).await
}
