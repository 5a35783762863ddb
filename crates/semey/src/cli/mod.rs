//! The `semey` command line: serve, migrate, load the demo, import files, generate benchmark
//! data, print funding summaries, work with radiation data and accounts. One file per command
//! group; each only translates between arguments and the services.

mod accounts;
mod backup;
mod documents;
mod funding;
mod generate;
mod iati;
mod imports;
mod mandates;
mod opendata;
mod progress;
mod radiation;
mod reports;
mod search;
mod server;
mod services;
mod timing;

pub use accounts::UserCommand;
pub use imports::ImportCommand;
pub use radiation::RadiationCommand;

use crate::{AppState, Config};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "semey",
    version,
    about = "Coordination and information platform for the rehabilitation of the Semipalatinsk region"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Database URL: sqlite://FILE (created on first start) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "SEMEY_DATABASE")]
    pub database: Option<String>,
    /// A TOML configuration file.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server (JSON API, docs at /api/docs).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        addr: Option<String>,
        /// Load the demo dataset before serving (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the database schema.
    Migrate,
    /// Write a consistent copy of the whole database to FILE while the platform runs (SQLite:
    /// a database file; PostgreSQL: a `pg_dump` custom-format archive).
    Backup { file: std::path::PathBuf },
    /// Replace the database by a copy written by `semey backup` (stop the servers first), then
    /// bring its schema up to date.
    Restore { file: std::path::PathBuf },
    /// Load the demo dataset (real places and organisations, illustrative programmes and money).
    Demo,
    /// Import a file. Every import is all-or-nothing and can be re-run safely.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print a funding summary.
    Summary {
        /// Dimensions, comma-separated: area, organisation, place, place:district, year, currency, origin, programme.
        #[arg(long, default_value = "")]
        group_by: String,
        /// Reporting currency of the table: USD or KZT.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// Compute the summary this many times and report the median and 95th-percentile time
        /// (for benchmarks).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
        /// Groups shown at most (the first, in the order of their keys), as the API answers a
        /// page; 0 for all.
        #[arg(long, default_value_t = 1000)]
        limit: i64,
    },
    /// What serves each paragraph of a resolution (its symbol, `A/RES/75/210`).
    Coverage {
        symbol: String,
        /// Compute it this many times and report the median and 95th-percentile time.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// A progress report as PDF, HTML, JSON or Typst source: drafted from today's data for a
    /// period (`--period 2021-01-01..2023-12-31`), or a stored report (`--report ID`), or one
    /// of its published versions (`--version N`).
    Report {
        #[arg(long)]
        period: Option<String>,
        #[arg(long)]
        report: Option<String>,
        #[arg(long)]
        version: Option<i64>,
        /// kk, ru, en or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        /// pdf, html, json or typ (the Typst source).
        #[arg(long, default_value = "pdf")]
        format: String,
        /// Write here (standard output when not given).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The site the figures' sources link to.
        #[arg(long, default_value = "http://localhost:8080")]
        site: String,
        /// Draft and render it this many times and report the times (for benchmarks).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// The services directory.
    #[command(subcommand)]
    Services(ServicesCommand),
    /// The search index: rebuild it, or ask it a question.
    #[command(subcommand)]
    Search(SearchCommand),
    /// Write a large synthetic dataset (CSV) for benchmarks.
    Generate {
        #[arg(long, default_value_t = 10_000)]
        programmes: usize,
        #[arg(long, default_value_t = 1_000_000)]
        transactions: usize,
        /// Folder to write the CSV files into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a Safecast-format CSV of synthetic readings around the test site (benchmarks).
    GenerateMeasurements {
        #[arg(long, default_value_t = 10_000_000)]
        rows: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write results chains and indicator values for the benchmark programmes of `generate`.
    GenerateResults {
        #[arg(long, default_value_t = 10_000)]
        programmes: usize,
        #[arg(long, default_value_t = 5)]
        indicators: usize,
        #[arg(long, default_value_t = 20)]
        periods: usize,
        /// Folder to write results.json and indicator-values.csv into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a JSON file of synthetic services for `semey import services` (benchmarks).
    GenerateServices {
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Export data in exchange formats.
    #[command(subcommand)]
    Export(ExportCommand),
    /// List the address of every page (public and workspace; `{id}` where a record's id goes).
    Pages,
    /// The document library's helpers.
    #[command(subcommand)]
    Documents(DocumentsCommand),
    /// Radiation: risk for a place or a point, conversion factors, statistics.
    #[command(subcommand)]
    Radiation(RadiationCommand),
    /// Accounts: add, set a password, disable or enable, list, issue an API token. Passwords
    /// are read from standard input (the first line), never from the command line.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The programmes as an IATI 2.03 `iati-activities` file (every reporting organisation's,
    /// or one organisation's).
    IatiActivities {
        /// Only the programmes this organisation (its id) reports.
        #[arg(long)]
        organisation: Option<String>,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The reporting organisations as an IATI 2.03 `iati-organisations` file, with their
    /// budgets and expenditure per year.
    IatiOrganisations {
        /// Only this organisation (its id).
        #[arg(long)]
        organisation: Option<String>,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// A whole dataset of the open data catalogue (places, organisations, programmes,
    /// transactions, requirements, exchange-rates, indicators, indicator-values, services,
    /// audit) as a file.
    Data {
        dataset: String,
        /// csv, xlsx, json (geojson for places and services).
        #[arg(long, default_value = "csv")]
        format: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DocumentsCommand {
    /// Read the text of one file (its bytes on standard input) and print what was found as
    /// one JSON line. The server runs this in a process apart for every upload, so that a
    /// hostile file cannot take the server down.
    Read {
        /// The file's format as recognised from its content: pdf, docx, odt, text, html,
        /// png, jpeg, gif or webp.
        format: String,
    },
    /// Write a folder of synthetic documents in four languages with their `documents.csv`,
    /// for `semey import documents` (benchmarks).
    Generate {
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Rebuild the search index from the database: every running server is told to rebuild
    /// its own, and the index in `search_dir` is rebuilt here when no server holds it.
    Rebuild,
    /// Ask every question of a judged set (bench/search/judged.tsv) and report precision at 5
    /// and recall at 10, overall and per language.
    Judge {
        file: std::path::PathBuf,
        /// Leave the Kazakh suffix rules out (to measure what they bring).
        #[arg(long)]
        without_kazakh_stemming: bool,
        /// Leave the five-letter prefixes out (to measure what they bring).
        #[arg(long)]
        without_prefixes: bool,
    },
    /// Ask the search a question and print the hits (as the API answers it).
    Query {
        /// The question.
        text: String,
        /// The reader's language: kk, ru, en or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Ask this many times and report the median and 95th-percentile time (for
        /// benchmarks).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServicesCommand {
    /// The nearest active services to a point, nearest first.
    Nearest {
        #[arg(long)]
        lon: f64,
        #[arg(long)]
        lat: f64,
        /// A need: health_care, screening, mental_health, social_protection, legal_aid,
        /// radiation_measurement, disability or education.
        #[arg(long)]
        category: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Search this many times (from points spread over the region after the first) and
        /// report the median and 95th-percentile time (for benchmarks).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(cli.global.config.as_deref())
        .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    if let Some(db) = cli.global.database {
        config.database = db;
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        // One JSON object a line, with the request's span (its id, method and path).
        logs.json().with_current_span(true).init();
    } else {
        logs.init();
    }
    // Commands that need no database first.
    let command = match cli.command {
        Command::Generate {
            programmes,
            transactions,
            out,
        } => return generate::generate(programmes, transactions, out),
        Command::GenerateMeasurements { rows, out } => {
            return generate::generate_measurements(rows, out)
        }
        Command::GenerateResults {
            programmes,
            indicators,
            periods,
            out,
        } => {
            let n = crate::generate::generate_results(
                &out,
                programmes,
                indicators,
                periods,
                &mut |_| {},
            )?;
            println!(
                "wrote {programmes} results and {n} values to {}",
                out.display()
            );
            return Ok(());
        }
        Command::GenerateServices { rows, out } => {
            let n = crate::generate::generate_services(&out, rows)?;
            println!("wrote {n} services to {}", out.display());
            return Ok(());
        }
        Command::Documents(DocumentsCommand::Generate { rows, out }) => {
            return documents::generate(rows, &out)
        }
        Command::Documents(DocumentsCommand::Read { format }) => return documents::read(&format),
        Command::Pages => {
            for path in crate::page_paths() {
                println!("{path}");
            }
            return Ok(());
        }
        Command::Backup { file } => return backup::backup(&config.database, &file).await,
        Command::Restore { file } => return backup::restore(&config.database, &file).await,
        other => other,
    };
    let state = AppState::open(config).await?;
    match command {
        Command::Migrate => println!("database is up to date"),
        Command::Serve { addr, demo } => server::serve(&state, addr, demo).await?,
        Command::Demo => {
            for line in crate::demo::load_all(&state.store, &state.config).await? {
                println!("{line}");
            }
        }
        Command::User(cmd) => accounts::user_command(&state, cmd).await?,
        Command::Import(cmd) => imports::import(&state, cmd).await?,
        Command::Summary {
            group_by,
            currency,
            repeat,
            limit,
        } => funding::summary(&state, group_by, currency, repeat, limit).await?,
        Command::Coverage { symbol, repeat } => mandates::coverage(&state, symbol, repeat).await?,
        Command::Report {
            period,
            report,
            version,
            lang,
            format,
            output,
            site,
            repeat,
        } => {
            let args = reports::ReportArgs {
                report,
                period,
                lang,
                format,
                version,
                output,
                site,
                repeat,
            };
            reports::report(&state, args).await?
        }
        Command::Services(ServicesCommand::Nearest {
            lon,
            lat,
            category,
            limit,
            repeat,
        }) => services::nearest(&state, lon, lat, category, limit, repeat).await?,
        Command::Search(SearchCommand::Rebuild) => search::rebuild(&state).await?,
        Command::Search(SearchCommand::Judge {
            file,
            without_kazakh_stemming,
            without_prefixes,
        }) => {
            let rules = crate::search::Rules {
                kazakh_stemming: !without_kazakh_stemming,
                prefixes: !without_prefixes,
            };
            search::judge(&state, &file, rules).await?
        }
        Command::Search(SearchCommand::Query {
            text,
            lang,
            limit,
            repeat,
        }) => search::query(&state, text, &lang, limit, repeat).await?,
        Command::Radiation(cmd) => radiation::radiation_command(&state, cmd).await?,
        Command::Export(ExportCommand::IatiActivities { organisation, out }) => {
            iati::export(
                &state,
                iati::File::Activities,
                organisation.as_deref(),
                &out,
            )
            .await?
        }
        Command::Export(ExportCommand::IatiOrganisations { organisation, out }) => {
            iati::export(
                &state,
                iati::File::Organisations,
                organisation.as_deref(),
                &out,
            )
            .await?
        }
        Command::Export(ExportCommand::Data {
            dataset,
            format,
            out,
        }) => opendata::export(&state, &dataset, &format, &out).await?,
        Command::Generate { .. }
        | Command::GenerateMeasurements { .. }
        | Command::GenerateServices { .. }
        | Command::GenerateResults { .. }
        | Command::Backup { .. }
        | Command::Restore { .. }
        | Command::Documents(_)
        | Command::Pages => {
            unreachable!("answered above without a database")
        }
    }
    Ok(())
}
