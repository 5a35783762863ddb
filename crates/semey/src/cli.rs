//! The `semey` command line: serve, migrate, load the demo, import files, generate benchmark
//! data, print funding summaries. It only translates between arguments and the services.

use crate::import::{self, Progress};
use crate::places::import::PlaceMapping;
use crate::{AppError, AppState, Config};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use semey_domain::place::PlaceLevel;
use semey_domain::Lang;
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    },
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
    /// Radiation: risk for a place or a point, conversion factors, statistics.
    #[command(subcommand)]
    Radiation(RadiationCommand),
    /// Accounts: add, set a password, disable or enable, list, issue an API token. Passwords
    /// are read from standard input (the first line), never from the command line.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The first one should be an administrator (`--administrator`).
    Add {
        email: String,
        #[arg(long)]
        name: String,
        /// May manage accounts and do everything.
        #[arg(long)]
        administrator: bool,
        /// coordinator, editor or viewer.
        #[arg(long)]
        role: Option<String>,
        /// The organisation (id) an editor or viewer belongs to.
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Set a new password (read from standard input); the account's sessions end.
    Passwd {
        email: String,
        /// Also revoke every API token of the account.
        #[arg(long)]
        revoke_tokens: bool,
    },
    /// Disable an account at once (its sessions end, its API tokens are revoked).
    Disable { email: String },
    /// Enable a disabled account.
    Enable { email: String },
    /// List the accounts.
    List,
    /// Issue an API token for an account, in its role; the secret is printed once.
    Token {
        email: String,
        #[arg(long)]
        name: String,
        /// Days the token is valid.
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

/// Reads a password from standard input: the first line, without its line end.
fn read_password() -> Result<String, AppError> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        eprintln!(
            "New password (at least {} characters), then Enter:",
            crate::accounts::MIN_PASSWORD
        );
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn radiation_command(state: &AppState, cmd: RadiationCommand) -> Result<(), AppError> {
    let cfg = &state.config.radiation;
    let now = time::OffsetDateTime::now_utc();
    match cmd {
        RadiationCommand::Risk { place, at, lang } => {
            let lang = lang.parse::<Lang>().unwrap_or(Lang::En);
            let text = match (place, at) {
                (Some(id), None) => {
                    let id = id.parse::<semey_domain::ids::PlaceId>().map_err(|_| {
                        AppError::Invalid(semey_domain::Invalid::one(
                            "place",
                            "invalid_id",
                            "--place takes a place's id (see `semey` pages or /api/v1/places)",
                        ))
                    })?;
                    let r = crate::radiation::place_risk(&state.store, cfg, id, now).await?;
                    crate::radiation::describe_place(&r, cfg, lang)
                }
                (None, Some(at)) => {
                    let (lat, lon) = at
                        .split_once(',')
                        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                        .ok_or_else(|| {
                            AppError::Invalid(semey_domain::Invalid::one(
                                "at",
                                "bad_coordinates",
                                "--at LAT,LON, e.g. --at 50.41,80.23",
                            ))
                        })?;
                    let (a, _) =
                        crate::radiation::point_risk(&state.store, cfg, lat, lon, now).await?;
                    crate::radiation::describe(&a, cfg, lang)
                }
                _ => {
                    return Err(AppError::Invalid(semey_domain::Invalid::one(
                        "place",
                        "required",
                        "give --place ID or --at LAT,LON",
                    )))
                }
            };
            println!("{text}");
        }
        RadiationCommand::Factors => {
            for f in state.store.factors().await? {
                println!(
                    "{:10} v{}  {:>8} CPM per µSv/h  {}  ({})",
                    f.tube, f.version, f.cpm_per_usv_h, f.source, f.recorded_at
                );
            }
        }
        RadiationCommand::SetFactor {
            tube,
            cpm_per_usv_h,
            source,
        } => {
            let input = semey_domain::radiation::TubeFactor {
                tube,
                cpm_per_usv_h,
                source,
            };
            let written = crate::records::write::<semey_store::Factor>(
                &state.store,
                &crate::accounts::Actor::command_line(),
                None,
                input,
                crate::records::Channel::Api,
            )
            .await?
            .published()?;
            let (tube, v) = (written.tube, written.version);
            println!("{tube}: version {v}, {cpm_per_usv_h} CPM per µSv/h");
            let n = crate::radiation::rebuild(&state.store, cfg, &mut Bar(None)).await?;
            println!("statistics recomputed from {n} measurements");
        }
        RadiationCommand::Rebuild => {
            let n = crate::radiation::rebuild(&state.store, cfg, &mut Bar(None)).await?;
            println!("statistics recomputed from {n} measurements");
        }
    }
    Ok(())
}

async fn user_command(state: &AppState, cmd: UserCommand) -> Result<(), AppError> {
    use crate::accounts::{self, Actor};
    let cli = Actor::command_line();
    let find = |email: String| async move {
        state
            .store
            .user_by_email(&email)
            .await?
            .ok_or_else(|| AppError::NotFound {
                entity: "user",
                id: email,
            })
    };
    match cmd {
        UserCommand::Add {
            email,
            name,
            administrator,
            role,
            organisation,
        } => {
            let role = role
                .as_deref()
                .map(semey_domain::access::Role::parse)
                .transpose()?;
            let organisation = organisation
                .as_deref()
                .map(|o| {
                    o.parse().map_err(|_| {
                        semey_domain::Invalid::one(
                            "organisation",
                            "invalid_value",
                            format!("{o:?} is not an organisation id"),
                        )
                    })
                })
                .transpose()?;
            if let Some(org) = organisation {
                state.store.organisation(org).await?;
            }
            let password = read_password()?;
            let id = accounts::create_user(
                &state.store,
                &cli,
                &email,
                &name,
                password,
                administrator,
                role.map(|r| (r, organisation)),
            )
            .await?;
            println!("account {id} created for {email}");
        }
        UserCommand::Passwd {
            email,
            revoke_tokens,
        } => {
            let user = find(email.clone()).await?;
            accounts::set_password(&state.store, &cli, user.id, read_password()?, revoke_tokens)
                .await?;
            let tokens = if revoke_tokens {
                " and its API tokens are revoked"
            } else {
                ""
            };
            println!("password changed for {email}; its sessions have ended{tokens}");
        }
        UserCommand::Disable { email } => {
            let user = find(email.clone()).await?;
            accounts::set_disabled(&state.store, &cli, user.id, true).await?;
            println!("{email} is disabled");
        }
        UserCommand::Enable { email } => {
            let user = find(email.clone()).await?;
            accounts::set_disabled(&state.store, &cli, user.id, false).await?;
            println!("{email} is enabled");
        }
        UserCommand::List => {
            for u in state.store.list_users().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    u.email,
                    u.name,
                    if u.administrator {
                        "administrator"
                    } else {
                        "-"
                    },
                    u.role.map(|r| r.as_str()).unwrap_or("-"),
                    u.organisation_id
                        .map(|o| o.to_string())
                        .unwrap_or_else(|| "-".into()),
                    if u.disabled { "\tdisabled" } else { "" }
                );
            }
        }
        UserCommand::Token { email, name, days } => {
            let user = find(email).await?;
            let (id, secret) =
                accounts::issue_token(&state.store, &cli, &user, &name, time::Duration::days(days))
                    .await?;
            println!("token {id}: {secret}");
            eprintln!("This secret is shown once; keep it safe. Send it as `Authorization: Bearer <secret>`.");
        }
    }
    Ok(())
}

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
    /// Exchange rates from CSV (currency,date,per_usd,source).
    ExchangeRates { file: PathBuf },
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

#[derive(Debug, Subcommand)]
pub enum RadiationCommand {
    /// The risk estimate for a settlement (--place ID) or a point (--at LAT,LON).
    Risk {
        #[arg(long)]
        place: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        at: Option<String>,
        /// Language of the message: kk, ru, en, zh.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// The conversion factors of Geiger tubes, every version.
    Factors,
    /// Record a new factor for a tube; every statistic is recomputed with it.
    SetFactor {
        tube: String,
        /// Counts per minute that make 1 µSv/h.
        cpm_per_usv_h: f64,
        /// Where the figure comes from.
        #[arg(long)]
        source: String,
    },
    /// Recompute every statistic (hexagons, places) from the stored measurements.
    Rebuild,
}

/// A progress bar on standard error (hidden when it is not a terminal).
struct Bar(Option<ProgressBar>);

impl Progress for Bar {
    fn start(&mut self, phase: &str, total: u64) {
        if let Some(b) = self.0.take() {
            b.finish_and_clear();
        }
        let b = if total > 0 {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "{msg:24} [{bar:40}] {percent:>3}% {elapsed_precise} eta {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            b
        } else {
            let b = ProgressBar::new_spinner();
            b.enable_steady_tick(Duration::from_millis(120));
            b
        };
        b.set_message(phase.to_owned());
        self.0 = Some(b);
    }

    fn set(&mut self, done: u64) {
        if let Some(b) = &self.0 {
            b.set_position(done);
        }
    }

    fn finish(&mut self) {
        if let Some(b) = self.0.take() {
            b.finish_and_clear();
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

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(cli.global.config.as_deref())
        .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    if let Some(db) = cli.global.database {
        config.database = db;
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&config.log)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Generate {
            programmes,
            transactions,
            out,
        } => {
            let bar = ProgressBar::new(transactions as u64);
            bar.set_style(
                ProgressStyle::with_template("generating [{bar:40}] {pos}/{len} {elapsed_precise}")
                    .expect("valid template"),
            );
            let g = crate::generate::generate(&out, programmes, transactions, &mut |n| {
                bar.set_position(n as u64)
            })?;
            bar.finish_and_clear();
            println!(
                "wrote {} organisations, {} programmes, {} exchange rates, {} transactions to {}",
                g.organisations,
                g.programmes,
                g.rates,
                g.transactions,
                out.display()
            );
            return Ok(());
        }
        Command::GenerateMeasurements { rows, out } => {
            let bar = ProgressBar::new(rows as u64);
            bar.set_style(
                ProgressStyle::with_template("generating [{bar:40}] {pos}/{len} {elapsed_precise}")
                    .expect("valid template"),
            );
            let n =
                crate::generate::generate_measurements(&out, rows, Default::default(), &mut |n| {
                    bar.set_position(n as u64)
                })?;
            bar.finish_and_clear();
            println!("wrote {n} readings to {}", out.display());
            return Ok(());
        }
        Command::Migrate => {
            AppState::open(config).await?;
            println!("database is up to date");
            return Ok(());
        }
        _ => {}
    }
    let state = AppState::open(config).await?;
    match cli.command {
        Command::Serve { addr, demo } => {
            if demo {
                println!("{}", crate::demo::load(&state.store).await?);
                println!(
                    "{}",
                    crate::demo::load_radiation(&state.store, &state.config.radiation).await?
                );
            }
            let addr = addr.unwrap_or_else(|| state.config.addr.clone());
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            println!(
                "Semey is listening on http://{} (API docs: /api/docs)",
                listener.local_addr()?
            );
            if state.store.count_users().await? == 0 {
                println!(
                    "No accounts yet. Create the first administrator (the password is read from standard input):\n  semey user add EMAIL --name \"NAME\" --administrator"
                );
            }
            axum::serve(
                listener,
                crate::app(state.clone())
                    .into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
            state.store.close().await;
        }
        Command::Demo => {
            println!("{}", crate::demo::load(&state.store).await?);
            println!(
                "{}",
                crate::demo::load_radiation(&state.store, &state.config.radiation).await?
            );
        }
        Command::User(cmd) => user_command(&state, cmd).await?,
        Command::Import(ImportCommand::Measurements {
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
        }) => {
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
        Command::Import(cmd) => {
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
                    let bytes = read(&file)?;
                    crate::organisations::import::import_organisations(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::Programmes { file } => {
                    let bytes = read(&file)?;
                    crate::programmes::import::import_programmes(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::Transactions { file } => {
                    let bytes = read(&file)?;
                    crate::funding::import::import_transactions(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
                ImportCommand::ExchangeRates { file } => {
                    let bytes = read(&file)?;
                    crate::funding::import::import_exchange_rates(
                        &state.store,
                        &import_source(&file, &bytes),
                        &mut bar,
                    )
                    .await
                }
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
        Command::Summary {
            group_by,
            currency,
            repeat,
        } => {
            let dims = crate::api::parse_dimensions(&group_by)
                .map_err(|m| anyhow::anyhow!("--group-by: {m}"))?;
            let mut times = Vec::with_capacity(repeat.max(1));
            let mut summary = None;
            for _ in 0..repeat.max(1) {
                let started = Instant::now();
                summary = Some(
                    crate::funding::summary(&state.store, &dims, &Default::default(), Lang::En)
                        .await?,
                );
                times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            let s = summary.expect("computed at least once");
            times.sort_by(f64::total_cmp);
            let median = times[times.len() / 2];
            let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
            let kzt = currency.eq_ignore_ascii_case("KZT");
            println!(
                "{:<50} {:>16} {:>16} {:>16} {:>16} {:>8}",
                "group", "required", "committed", "disbursed", "gap", "% funded"
            );
            let fmt = |v: i64| format!("{:.0}", v as f64 / 100.0);
            for g in s.groups.iter() {
                let name: Vec<String> = g
                    .key
                    .iter()
                    .map(|(k, v)| {
                        g.labels
                            .get(k)
                            .cloned()
                            .or(v.clone())
                            .unwrap_or_else(|| "—".into())
                    })
                    .collect();
                let t = if kzt { &g.money.kzt } else { &g.money.usd };
                let pct = t
                    .percent_funded
                    .map(|p| format!("{p:.1}"))
                    .unwrap_or_else(|| "—".into());
                let label: String = name.join(" / ").chars().take(50).collect();
                println!(
                    "{label:<50} {:>16} {:>16} {:>16} {:>16} {pct:>8}",
                    fmt(t.sums.required),
                    fmt(t.sums.committed),
                    fmt(t.sums.disbursed),
                    fmt(t.gap)
                );
            }
            let t = if kzt { &s.total.kzt } else { &s.total.usd };
            println!(
                "{:<50} {:>16} {:>16} {:>16} {:>16}",
                "TOTAL",
                fmt(t.sums.required),
                fmt(t.sums.committed),
                fmt(t.sums.disbursed),
                fmt(t.gap)
            );
            eprintln!(
                "{} groups; {} run(s): median {median:.2} ms, p95 {p95:.2} ms",
                s.groups.len(),
                times.len()
            );
        }
        Command::Radiation(cmd) => radiation_command(&state, cmd).await?,
        Command::Migrate | Command::Generate { .. } | Command::GenerateMeasurements { .. } => {
            unreachable!("handled above")
        }
    }
    Ok(())
}
