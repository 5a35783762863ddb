//! `semey import …`: files into the platform, each all-or-nothing, with progress bars.

use super::progress::Bar;
use crate::import::{self, Progress};
use crate::places::import::PlaceMapping;
use crate::{AppError, AppState};
use clap::Subcommand;
use semey_domain::place::PlaceLevel;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Regions, districts or settlements from GeoJSON (geokz, GeoNames or mapped fields).
    Places {
        file: PathBuf,
        /// Level of the places in the file (detected when absent).
        #[arg(long)]
        level: Option<String>,
        /// Property holding the KATO code.
        #[arg(long)]
        kato: Option<String>,
        #[arg(long)]
        name_kk: Option<String>,
        #[arg(long)]
        name_ru: Option<String>,
        #[arg(long)]
        name_en: Option<String>,
        #[arg(long)]
        name_zh: Option<String>,
        /// Property holding the population.
        #[arg(long)]
        population: Option<String>,
        /// Year the population figures refer to.
        #[arg(long)]
        population_year: Option<i32>,
        /// Where the file comes from (stored with every place).
        #[arg(long)]
        source: Option<String>,
    },
    /// Organisations from CSV.
    Organisations { file: PathBuf },
    /// Programmes and projects from CSV.
    Programmes { file: PathBuf },
    /// Transactions from CSV.
    Transactions { file: PathBuf },
    /// Funding requirements from CSV (programme,period_start,period_end,amount,currency,description).
    Requirements { file: PathBuf },
    /// In-kind contributions from CSV (programme,category,provider_org,date,description,
    /// quantity,unit,value,currency[,reference]).
    Contributions { file: PathBuf },
    /// Exchange rates from CSV (currency,date,per_usd,source).
    ExchangeRates { file: PathBuf },
    /// A General Assembly resolution from its plain text, one file per language (the language
    /// from the name, `A-RES-75-210.en.txt`, else from the script).
    Resolution {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Services of the directory from a JSON array (organisations, places and programmes by
    /// name; see docs/import-formats.md).
    Services { file: PathBuf },
    /// The files of a folder into the document library, with their metadata in
    /// `DIR/documents.csv` (see docs/import-formats.md).
    Documents { dir: PathBuf },
    /// The coordination mechanism from JSON: bodies, their meetings with decisions and action
    /// items (organisations, places, programmes and mandates by name; see
    /// docs/import-formats.md).
    Coordination { file: PathBuf },
    /// Programmes' results chains from a JSON array (programmes by IATI identifier; see
    /// docs/import-formats.md).
    Results { file: PathBuf },
    /// Indicators' targets and actuals from CSV (the template of a programme's results page:
    /// indicator_id,indicator,period_start,period_end,figure,dimension,key,value,comment,document).
    IndicatorValues { file: PathBuf },
    /// IATI 2.01–2.03 activities (an iati-activities XML file from any publisher): programmes
    /// by iati-identifier, organisations, budgets, transactions, places and results. Streamed;
    /// all or nothing; a re-import changes nothing.
    Iati { file: PathBuf },
    /// Radiation measurements: Safecast bulk CSV, Safecast API CSV or JSON, bGeigie logs, a
    /// CSV of any layout (--map), GeoJSON points. All or nothing; a re-import adds nothing.
    Measurements {
        file: PathBuf,
        /// safecast-csv, safecast-api-csv, safecast-api-json, bgeigie, csv, geojson (detected
        /// when absent).
        #[arg(long)]
        format: Option<String>,
        /// Skip malformed rows (and list them) instead of refusing the file.
        #[arg(long)]
        lenient: bool,
        /// The dataset the file belongs to (default: the file's name).
        #[arg(long)]
        dataset: Option<String>,
        /// Who measured (default: Safecast for Safecast formats).
        #[arg(long)]
        source: Option<String>,
        /// The data's licence (default: CC0-1.0 for Safecast formats).
        #[arg(long)]
        licence: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Where the data can be found.
        #[arg(long)]
        url: Option<String>,
        /// The Geiger tube of the file's devices, for count rates (default: the configuration's).
        #[arg(long)]
        tube: Option<String>,
        /// Column mapping of a CSV of your own layout:
        /// time=COL,lat=COL,lon=COL,value=COL,unit=COL (or unit:=usv/h),device=,height=,nuclide=
        #[arg(long)]
        map: Option<String>,
        /// Keep readings outside the area of interest (Kazakhstan unless configured).
        #[arg(long)]
        everywhere: bool,
        /// How precisely the file's positions are known, in metres.
        #[arg(long)]
        precision: Option<f64>,
    },
}

pub(super) async fn import(state: &AppState, cmd: ImportCommand) -> anyhow::Result<()> {
    match cmd {
        ImportCommand::Measurements {
            file,
            format,
            lenient,
            dataset,
            source,
            licence,
            description,
            url,
            tube,
            map,
            everywhere,
            precision,
        } => {
            let format = format
                .map(|f| {
                    crate::radiation::import::Format::parse(&f).ok_or_else(|| {
                        anyhow::anyhow!(
                            "--format {f:?}: one of {}",
                            crate::radiation::import::Format::ALL
                                .map(|f| f.as_str())
                                .join(", ")
                        )
                    })
                })
                .transpose()?;
            let mapping = map
                .map(|m| {
                    crate::radiation::import::ColumnMapping::parse(&m)
                        .map_err(|e| anyhow::anyhow!("--map: {e}"))
                })
                .transpose()?;
            let opts = crate::radiation::import::MeasurementOptions {
                format,
                lenient,
                dataset,
                source,
                licence,
                description,
                url,
                tube,
                mapping,
                everywhere,
                precision_m: precision,
                actor: crate::accounts::Actor::operator(),
                ..Default::default()
            };
            let mut bar = Bar(None);
            let started = Instant::now();
            let r = crate::radiation::import::import_measurements(
                &state.store,
                &state.config.radiation,
                &file,
                opts,
                &mut bar,
            )
            .await;
            bar.finish();
            match r {
                Ok(r) => {
                    let secs = started.elapsed().as_secs_f64();
                    print!("{r}");
                    println!(
                        "  took {secs:.2} s ({:.0} rows/s)",
                        r.rows as f64 / secs.max(1e-9)
                    );
                }
                Err(AppError::Import(errors)) => {
                    eprintln!(
                        "nothing was imported from {}: {} problem(s)",
                        file.display(),
                        errors.len()
                    );
                    for e in errors {
                        eprintln!("  {}: {}", e.field, e.message);
                    }
                    eprintln!("(--lenient imports the good rows and lists the others)");
                    std::process::exit(1);
                }
                Err(e) => return Err(e.into()),
            }
        }
        cmd => {
            let mut bar = Bar(None);
            let started = Instant::now();
            let report = match cmd {
                ImportCommand::Places {
                    file,
                    level,
                    kato,
                    name_kk,
                    name_ru,
                    name_en,
                    name_zh,
                    population,
                    population_year,
                    source,
                } => {
                    let level = level.map(|l| PlaceLevel::parse(&l)).transpose()?;
                    let mapping = PlaceMapping {
                        level,
                        kato,
                        name_kk,
                        name_ru,
                        name_en,
                        name_zh,
                        population,
                        population_year,
                        region_label: None,
                        source,
                    };
                    let bytes = read(&file)?;
                    crate::places::import::import_places(
                        &state.store,
                        &import_source(&file, &bytes),
                        mapping,
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::Organisations { file } => {
                    import_table(state, Table::Organisations, &file, &mut bar).await
                }
                ImportCommand::Programmes { file } => {
                    import_table(state, Table::Programmes, &file, &mut bar).await
                }
                ImportCommand::Transactions { file } => {
                    import_table(state, Table::Transactions, &file, &mut bar).await
                }
                ImportCommand::Requirements { file } => {
                    import_table(state, Table::Requirements, &file, &mut bar).await
                }
                ImportCommand::Contributions { file } => {
                    import_table(state, Table::Contributions, &file, &mut bar).await
                }
                ImportCommand::ExchangeRates { file } => {
                    import_table(state, Table::ExchangeRates, &file, &mut bar).await
                }
                ImportCommand::Results { file } => {
                    let bytes = read(&file)?;
                    crate::results::import::import_results(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::IndicatorValues { file } => {
                    let bytes = read(&file)?;
                    crate::results::import::import_values(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::Resolution { files } => {
                    let bytes = files.iter().map(read).collect::<Result<Vec<_>, _>>()?;
                    let sources: Vec<import::Source<'_>> = files
                        .iter()
                        .zip(&bytes)
                        .map(|(f, b)| import_source(f, b))
                        .collect();
                    crate::mandates::import::import_resolution(&state.store, &sources, &mut bar)
                        .await
                }
                ImportCommand::Services { file } => {
                    let bytes = read(&file)?;
                    crate::services::import::import_services(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::Documents { dir } => {
                    let csv = dir.join(crate::documents::import::METADATA);
                    let bytes = read(&csv)?;
                    let reader = state.config.document_reader();
                    crate::documents::import::import_documents(
                        &state.store,
                        &crate::documents::library::Reading::of(&state.config, &reader),
                        &import_source(&csv, &bytes),
                        &dir,
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::Coordination { file } => {
                    let bytes = read(&file)?;
                    crate::coordination::import::import_coordination(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::Iati { file } => super::iati::import(state, &file, &mut bar).await,
                ImportCommand::Measurements { .. } => unreachable!("handled above"),
            };
            bar.finish();
            match report {
                Ok(r) => println!("{r}  took {:.2} s", started.elapsed().as_secs_f64()),
                Err(AppError::Import(errors)) => {
                    eprintln!(
                        "nothing was imported: the file has {} problem(s)",
                        errors.len()
                    );
                    for e in errors {
                        eprintln!("  {}: {}", e.field, e.message);
                    }
                    std::process::exit(1);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

/// The CSV tables `semey import` reads.
enum Table {
    Organisations,
    Programmes,
    Transactions,
    Requirements,
    Contributions,
    ExchangeRates,
}

/// Imports one CSV table file with its feature's import.
async fn import_table(
    state: &AppState,
    table: Table,
    file: &PathBuf,
    bar: &mut Bar,
) -> Result<crate::import::ImportReport, AppError> {
    let bytes = read(file)?;
    let src = import_source(file, &bytes);
    let store = &state.store;
    match table {
        Table::Organisations => {
            crate::organisations::import::import_organisations(store, &src, bar).await
        }
        Table::Programmes => crate::programmes::import::import_programmes(store, &src, bar).await,
        Table::Transactions => crate::funding::import::import_transactions(store, &src, bar).await,
        Table::Requirements => crate::funding::import::import_requirements(store, &src, bar).await,
        Table::Contributions => {
            crate::funding::import::import_contributions(store, &src, bar).await
        }
        Table::ExchangeRates => {
            crate::funding::import::import_exchange_rates(store, &src, bar).await
        }
    }
}

/// A file to import, run by the operator at this terminal.
fn import_source<'a>(path: &std::path::Path, bytes: &'a [u8]) -> import::Source<'a> {
    import::Source::new(
        path.display().to_string(),
        bytes,
        crate::accounts::Actor::operator(),
    )
}

fn read(file: &PathBuf) -> Result<Vec<u8>, AppError> {
    std::fs::read(file).map_err(|e| {
        AppError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", file.display()),
        ))
    })
}
