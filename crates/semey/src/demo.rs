//! The demo dataset loaded by `semey demo` (and by the README's run command), from the data
//! files in `crates/semey/demo/`, through the same imports users run (so the demo exercises
//! them too).
//!
//! Places and organisations are real: the regions and districts of Abai and East Kazakhstan
//! with their KATO codes, names and simplified outlines (2024 administrative division, geokz,
//! CC BY 4.0), a few settlements of the former test site's surroundings (GeoNames, CC BY 4.0),
//! and stakeholders by name. Programmes, requirements, transactions and exchange rates are
//! ILLUSTRATIVE: invented to show what the platform does, and labelled so in every language.

use crate::accounts::Actor;
use crate::error::AppError;
use crate::import::{Quiet, Source};
use crate::places::import::{import_places, PlaceMapping};
use semey_domain::place::PlaceLevel;
use semey_store::Store;

/// The demo's places, loaded through the same import users run (`semey import places`):
/// simplified outlines of Abai and East Kazakhstan and their districts (geokz, CC BY 4.0,
/// Alexander Rodionov; Bureau of National Statistics) and a few settlements (GeoNames, CC BY
/// 4.0), written by `scripts/demo-places.py` from the reference files.
const PLACE_FILES: [(&str, &[u8], PlaceLevel, &str); 3] = [
    (
        "demo/regions.geojson",
        include_bytes!("../demo/regions.geojson"),
        PlaceLevel::Region,
        "geokz (CC BY 4.0), simplified for the demo",
    ),
    (
        "demo/districts.geojson",
        include_bytes!("../demo/districts.geojson"),
        PlaceLevel::District,
        "geokz (CC BY 4.0), simplified for the demo",
    ),
    (
        "demo/settlements.geojson",
        include_bytes!("../demo/settlements.geojson"),
        PlaceLevel::Settlement,
        "GeoNames (CC BY 4.0)",
    ),
];

const ORGANISATIONS: &[u8] = include_bytes!("../demo/organisations.csv");
const EXCHANGE_RATES: &[u8] = include_bytes!("../demo/exchange-rates.csv");
const PROGRAMMES: &[u8] = include_bytes!("../demo/programmes.csv");
const REQUIREMENTS: &[u8] = include_bytes!("../demo/requirements.csv");
const TRANSACTIONS: &[u8] = include_bytes!("../demo/transactions.csv");
const CONTRIBUTIONS: &[u8] = include_bytes!("../demo/contributions.csv");
const SERVICES: &[u8] = include_bytes!("../demo/services.json");
const RESULTS: &[u8] = include_bytes!("../demo/results.json");
const INDICATOR_VALUES: &[u8] = include_bytes!("../demo/indicator-values.csv");
const COORDINATION: &[u8] = include_bytes!("../demo/coordination.json");
const REPORT: &[u8] = include_bytes!("../demo/report.json");
/// The document library's demo: texts written for the demo (each says so in its first line and
/// its title), with their metadata.
const DOCUMENTS_CSV: &str = include_str!("../demo/documents/documents.csv");
const DOCUMENT_FILES: &[(&str, &[u8])] = &[
    (
        "radon-leaflet.html",
        include_bytes!("../demo/documents/radon-leaflet.html"),
    ),
    (
        "household-survey-summary.txt",
        include_bytes!("../demo/documents/household-survey-summary.txt"),
    ),
    (
        "working-group-minutes.txt",
        include_bytes!("../demo/documents/working-group-minutes.txt"),
    ),
    (
        "screening-notice-zh.txt",
        include_bytes!("../demo/documents/screening-notice-zh.txt"),
    ),
];

/// Everything the demo holds, in the order it depends on itself: the demo dataset, the
/// synthetic radiation survey, the resolutions in `config.resolutions_dir`, and the
/// coordination mechanism (whose decisions name the resolution's paragraphs). A line for each.
pub async fn load_all(
    store: &Store,
    config: &crate::config::Config,
) -> Result<Vec<String>, AppError> {
    Ok(vec![
        load(store).await?.to_string(),
        load_radiation(store, &config.radiation).await?,
        load_resolutions(store, std::path::Path::new(&config.resolutions_dir)).await?,
        load_coordination(store).await?,
        load_report(store).await?,
        load_documents(store, config).await?,
    ])
}

/// The demo's documents: the texts written for it, and the resolution's texts in
/// `config.resolutions_dir` (as the General Assembly's documents), imported as
/// `semey import documents` would. Running it again adds nothing.
pub async fn load_documents(
    store: &Store,
    config: &crate::config::Config,
) -> Result<String, AppError> {
    let dir = tempfile::tempdir()?;
    for (name, bytes) in DOCUMENT_FILES {
        std::fs::write(dir.path().join(name), bytes)?;
    }
    let mut csv = DOCUMENTS_CSV.to_owned();
    let texts = [
        ("en", "English", "английском", "ағылшынша", "英文本"),
        ("zh", "Chinese", "китайском", "қытайша", "中文本"),
    ];
    for (lang, en, ru, kk, zh) in texts {
        let name = format!("A-RES-75-210.{lang}.txt");
        let Ok(bytes) = std::fs::read(std::path::Path::new(&config.resolutions_dir).join(&name))
        else {
            continue;
        };
        std::fs::write(dir.path().join(&name), bytes)?;
        csv.push_str(&format!(
            "{name},\"General Assembly resolution 75/210 on the Semipalatinsk region ({en} text)\",\
             \"Резолюция 75/210 Генеральной Ассамблеи о Семипалатинском регионе (текст на {ru} языке)\",\
             \"БҰҰ Бас Ассамблеясының Семей өңірі туралы 75/210 қарары ({kk} мәтіні)\",\
             大会关于塞米巴拉金斯克地区的第75/210号决议({zh}),\
             The resolution as the United Nations published it.,,,{lang},law,2020-12-21,\
             United Nations General Assembly,United Nations official document,,\n"
        ));
    }
    std::fs::write(dir.path().join(crate::documents::import::METADATA), &csv)?;
    let reader = config.document_reader();
    let report = crate::documents::import::import_documents(
        store,
        &crate::documents::library::Reading::of(config, &reader),
        &Source::new("demo/documents.csv", csv.as_bytes(), Actor::command_line()),
        dir.path(),
        &mut Quiet,
    )
    .await?;
    Ok(format!(
        "documents: {} new, {} already held",
        report.inserted, report.unchanged
    ))
}

/// An illustrative draft of the progress report on the resolution, with a few sections
/// written; once any report is held, nothing.
pub async fn load_report(store: &Store) -> Result<String, AppError> {
    if !store.reports().await?.is_empty() {
        return Ok("progress report: already held".into());
    }
    let mut input: semey_domain::report::ReportInput =
        serde_json::from_slice(REPORT).map_err(|e| {
            AppError::Invalid(semey_domain::Invalid::one(
                "demo/report.json",
                "invalid_json",
                e.to_string(),
            ))
        })?;
    input.resolution_id = store.resolutions().await?.first().map(|r| r.id);
    let mut tx = store.begin().await?;
    crate::records::save_in::<semey_domain::report::Report>(
        store,
        &mut tx,
        &Actor::command_line(),
        None,
        input,
    )
    .await?;
    tx.commit().await?;
    Ok("progress report (illustrative): a draft for 2023–2025".into())
}

/// The illustrative bodies, meetings, decisions and action items, through the import users
/// run (`semey import coordination`); without the resolution they serve, nothing.
pub async fn load_coordination(store: &Store) -> Result<String, AppError> {
    if store.resolutions().await?.is_empty() {
        return Ok(
            "no coordination mechanism: its decisions serve A/RES/75/210, which is not held".into(),
        );
    }
    let src = Source::new(
        "demo/coordination.json",
        COORDINATION,
        Actor::command_line(),
    );
    let report = crate::coordination::import::import_coordination(store, &src, &mut Quiet).await?;
    Ok(format!(
        "coordination mechanism (illustrative): {} bodies, meetings, decisions and action items",
        report.rows
    ))
}

/// What the demo loaded.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub places: usize,
    pub organisations: usize,
    pub programmes: usize,
    pub requirements: usize,
    pub transactions: usize,
    pub contributions: usize,
    pub services: usize,
    pub results: usize,
    pub indicator_periods: usize,
}

impl std::fmt::Display for DemoReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "demo data: {} places, {} organisations, {} programmes (illustrative), {} requirements, {} transactions, {} in-kind contributions, {} services, {} results with {} indicator periods (illustrative)",
            self.places, self.organisations, self.programmes, self.requirements, self.transactions, self.contributions, self.services,
            self.results, self.indicator_periods
        )
    }
}

/// Loads the demo dataset, each file through its import (in the order the files depend on
/// each other). Running it again changes nothing.
pub async fn load(store: &Store) -> Result<DemoReport, AppError> {
    use crate::funding::import::{import_contributions, import_requirements, import_transactions};
    let file = |name: &str, bytes: &'static [u8]| Source::new(name, bytes, Actor::command_line());
    let mut report = load_reference(store).await?;
    let orgs = file("demo/organisations.csv", ORGANISATIONS);
    report.organisations =
        crate::organisations::import::import_organisations(store, &orgs, &mut Quiet)
            .await?
            .rows as usize;
    let programmes = file("demo/programmes.csv", PROGRAMMES);
    report.programmes = crate::programmes::import::import_programmes(store, &programmes, &mut Quiet)
        .await?
        .rows as usize;
    let requirements = file("demo/requirements.csv", REQUIREMENTS);
    report.requirements = import_requirements(store, &requirements, &mut Quiet)
        .await?
        .rows as usize;
    let transactions = file("demo/transactions.csv", TRANSACTIONS);
    report.transactions = import_transactions(store, &transactions, &mut Quiet)
        .await?
        .rows as usize;
    let contributions = file("demo/contributions.csv", CONTRIBUTIONS);
    report.contributions = import_contributions(store, &contributions, &mut Quiet)
        .await?
        .rows as usize;
    let services = file("demo/services.json", SERVICES);
    report.services = crate::services::import::import_services(store, &services, &mut Quiet)
        .await?
        .rows as usize;
    let results = file("demo/results.json", RESULTS);
    report.results = crate::results::import::import_results(store, &results, &mut Quiet)
        .await?
        .rows as usize;
    let values = file("demo/indicator-values.csv", INDICATOR_VALUES);
    report.indicator_periods = crate::results::import::import_values(store, &values, &mut Quiet)
        .await?
        .rows as usize;
    Ok(report)
}

/// The demo's reference data alone: its places and exchange rates (what a file from elsewhere,
/// such as an IATI export, needs in order to be read into an empty platform).
pub async fn load_reference(store: &Store) -> Result<DemoReport, AppError> {
    let mut report = DemoReport::default();
    load_places(store, &mut report).await?;
    crate::funding::import::import_exchange_rates(
        store,
        &Source::new(
            "demo/exchange-rates.csv",
            EXCHANGE_RATES,
            Actor::command_line(),
        ),
        &mut Quiet,
    )
    .await?;
    Ok(report)
}

/// Loads a synthetic radiation survey (drives around the test site's settlements since 2024,
/// labelled as synthetic in its dataset), so the radiation pages have something to show.
/// Running it again adds nothing.
/// The resolutions whose texts are in `dir` (files `SYMBOL.LANG.txt`, one resolution per
/// symbol), imported as `semey import resolution` would; a note when there are none.
pub async fn load_resolutions(store: &Store, dir: &std::path::Path) -> Result<String, AppError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(format!(
            "no resolution texts in {} (import them with `semey import resolution FILE…`)",
            dir.display()
        ));
    };
    let mut groups: std::collections::BTreeMap<String, Vec<std::path::PathBuf>> =
        std::collections::BTreeMap::new();
    for e in entries.flatten() {
        let path = e.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let parts: Vec<&str> = name.split('.').collect();
        if parts.len() == 3 && parts[2] == "txt" && name.starts_with("A-RES-") {
            groups
                .entry(parts[0].to_owned())
                .or_default()
                .push(path.clone());
        }
    }
    let mut lines = Vec::new();
    for (symbol, mut files) in groups {
        files.sort();
        let bytes = files
            .iter()
            .map(std::fs::read)
            .collect::<Result<Vec<_>, _>>()?;
        let sources: Vec<Source<'_>> = files
            .iter()
            .zip(&bytes)
            .map(|(f, b)| {
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or(&symbol);
                Source::new(name, b, Actor::command_line())
            })
            .collect();
        let report =
            crate::mandates::import::import_resolution(store, &sources, &mut Quiet).await?;
        lines.extend(report.notes);
    }
    Ok(if lines.is_empty() {
        format!("no resolution texts in {}", dir.display())
    } else {
        format!("resolutions: {}", lines.join("; "))
    })
}

pub async fn load_radiation(
    store: &Store,
    cfg: &crate::config::RadiationConfig,
) -> Result<String, AppError> {
    // A file of its own: two loads at once (tests in one process) must not share it.
    let file = tempfile::Builder::new()
        .prefix("semey-demo-survey-")
        .suffix(".csv")
        .tempfile()?;
    let path = file.path().to_path_buf();
    crate::generate::generate_measurements(
        &path,
        24_000,
        crate::generate::Survey {
            start: 1_704_067_200, // 2024-01-01
            drive_len: 300,
        },
        &mut |_| {},
    )?;
    let report = crate::radiation::import::import_measurements(
        store,
        cfg,
        &path,
        crate::radiation::import::MeasurementOptions {
            dataset: Some("Demo survey (synthetic)".to_owned()),
            source: Some("Semey demo generator".to_owned()),
            licence: Some("CC0-1.0".to_owned()),
            description: Some(
                "Synthetic readings for trying the platform out: not measurements of anything."
                    .to_owned(),
            ),
            ..Default::default()
        },
        &mut crate::import::Quiet,
    )
    .await;
    drop(file);
    let r = report?;
    Ok(format!(
        "demo radiation survey (synthetic): {} readings, {} new",
        r.rows, r.inserted
    ))
}

async fn load_places(store: &Store, report: &mut DemoReport) -> Result<(), AppError> {
    for (name, bytes, level, source) in PLACE_FILES {
        let mapping = PlaceMapping {
            level: Some(level),
            kato: (level != PlaceLevel::Settlement).then(|| "kato".to_owned()),
            name_kk: Some("name_kk".to_owned()),
            name_ru: Some("name_ru".to_owned()),
            name_en: Some("name_en".to_owned()),
            name_zh: Some("name_zh".to_owned()),
            source: Some(source.to_owned()),
            ..Default::default()
        };
        let file = Source::new(name, bytes, Actor::command_line());
        report.places += import_places(store, &file, mapping, &mut Quiet).await?.rows as usize;
    }
    Ok(())
}
