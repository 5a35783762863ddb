//! `semey import indicator-values FILE.csv` (layout in `docs/import-formats.md`): targets and
//! actuals of indicators' periods, one row per figure — a total, or one part of a split. The
//! same layout is the template a programme's results page offers to download.
//!
//! All-or-nothing: every row is checked (each problem named with its line), then every period
//! against its indicator, its programme and its neighbours; nothing is stored unless all pass.
//! Idempotent: a period equal to the stored one is left alone. Files can be large (a
//! million values), so the periods are written in bulk with one audit line for the file, and
//! the statuses of the indicators concerned are worked out again in the same transaction.

use crate::import::{CsvTable, ImportReport, Problems, Progress, Source};
use crate::AppError;
use semey_domain::ids::{IndicatorId, PlaceId, ProgrammeId};
use semey_domain::results::{assess, Figure, Period, PeriodContext, Split};
use semey_store::Store;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::Date;

/// The columns of a values file, in the template's order.
pub const COLUMNS: [&str; 10] = [
    "indicator_id",
    "indicator",
    "period_start",
    "period_end",
    "figure",
    "dimension",
    "key",
    "value",
    "comment",
    "document",
];

/// What a programme sets for its periods: its start and end when known, its target groups.
type Frame = (Option<Date>, Option<Date>, Vec<String>);

/// A target or an actual as read from the file, with the lines its parts came from.
struct ReadFigure {
    figure: Figure,
    total_line: Option<u64>,
    split_lines: Vec<u64>,
}

/// A period as read from the file: its end, target, actual and first line.
struct ReadPeriod {
    end: Date,
    target: Option<ReadFigure>,
    actual: Option<ReadFigure>,
    line: u64,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

/// Parses dates, remembering the last one: the rows of a period follow each other, so most
/// rows repeat the dates of the row before.
#[derive(Default)]
struct DateCache(String, Option<Date>);

impl DateCache {
    fn parse(&mut self, s: &str) -> Result<Date, String> {
        if let Some(d) = self.1.filter(|_| self.0 == s) {
            return Ok(d);
        }
        let d = parse_date(s)?;
        self.0.clear();
        self.0.push_str(s);
        self.1 = Some(d);
        Ok(d)
    }
}

/// `semey import indicator-values FILE.csv`.
pub async fn import_values(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let table = CsvTable::parse(
        src.bytes,
        &[
            "indicator_id",
            "period_start",
            "period_end",
            "figure",
            "value",
        ],
    )?;
    let indicators = store.all_indicators().await?;
    let periods = read_values(&table, &indicators, progress)?;

    // The periods in order of indicator and start, with the line each begins on.
    let mut lines = Vec::with_capacity(periods.len());
    let periods: Vec<Period> = periods
        .into_iter()
        .map(|((indicator_id, start), r)| {
            lines.push(r.line);
            Period {
                indicator_id,
                start,
                end: r.end,
                target: r.target.map(|f| f.figure),
                actual: r.actual.map(|f| f.figure),
            }
        })
        .collect();
    // Each indicator's periods are a run of that list.
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, p) in periods.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if periods[r.start].indicator_id == p.indicator_id => r.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }

    // What the periods are checked against: the stored periods of their indicators, their
    // programmes' dates and target groups, the places their splits name.
    let ids: Vec<IndicatorId> = runs.iter().map(|r| periods[r.start].indicator_id).collect();
    let stored = store.periods_of_many(&ids).await?;
    let programme_ids: Vec<ProgrammeId> = ids
        .iter()
        .map(|i| indicators[i].1)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let programmes: HashMap<ProgrammeId, Frame> = store
        .programmes_by_ids(&programme_ids)
        .await?
        .into_iter()
        .map(|p| {
            let d = &p.dates;
            let groups = p.target_groups.iter().map(|g| g.as_str().to_owned());
            (
                p.id,
                (
                    d.actual_start.or(d.planned_start),
                    d.actual_end.or(d.planned_end),
                    groups.collect(),
                ),
            )
        })
        .collect();
    let place_keys: HashSet<PlaceId> = periods
        .iter()
        .flat_map(|p| [&p.target, &p.actual])
        .flatten()
        .flat_map(|f| &f.splits)
        .filter(|s| s.dimension == "place")
        .filter_map(|s| s.key.parse().ok())
        .collect();
    let mut places = HashSet::new();
    for p in place_keys {
        if store.place(p).await.is_ok() {
            places.insert(p);
        }
    }
    let place_exists = |p: &PlaceId| places.contains(p);

    // Every period against its indicator, programme and neighbours; the status of every
    // indicator whose periods change, from what will be stored (the stored periods with the
    // file's in their place).
    let mut problems = Problems::default();
    let mut to_write: Vec<(&Period, bool)> = Vec::with_capacity(periods.len());
    let mut assessed = Vec::new();
    let mut report = ImportReport {
        kind: "indicator values".into(),
        rows: periods.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    let on = super::today();
    progress.start("checking periods", periods.len() as u64);
    for run in runs {
        progress.set(run.start as u64);
        let here = &periods[run.clone()];
        let indicator = here[0].indicator_id;
        let (ind, programme) = &indicators[&indicator];
        let (pstart, pend, groups) = &programmes[programme];
        let stored_here = stored.get(&indicator).map(Vec::as_slice).unwrap_or(&[]);
        let kept: Vec<&Period> = stored_here
            .iter()
            .filter(|s| here.binary_search_by_key(&s.start, |p| p.start).is_err())
            .collect();
        let spans: Vec<(Date, Date)> = kept
            .iter()
            .map(|p| (p.start, p.end))
            .chain(here.iter().map(|p| (p.start, p.end)))
            .collect();
        let writes_before = to_write.len();
        for (period, line) in here.iter().zip(&lines[run]) {
            let others: Vec<(Date, Date)> = spans
                .iter()
                .filter(|(s, _)| *s != period.start)
                .copied()
                .collect();
            let cx = PeriodContext {
                indicator: ind,
                programme_start: *pstart,
                programme_end: *pend,
                target_groups: groups,
                others: &others,
                place_exists: &place_exists,
            };
            if let Err(e) = period.check(&cx) {
                problems.invalid(*line, e);
                continue;
            }
            match stored_here.iter().find(|p| p.start == period.start) {
                Some(old) if old == period => report.unchanged += 1,
                Some(_) => {
                    report.updated += 1;
                    to_write.push((period, true));
                }
                None => {
                    report.inserted += 1;
                    to_write.push((period, false));
                }
            }
        }
        if to_write.len() > writes_before && problems.count() == 0 {
            let assessment = if kept.is_empty() {
                assess(ind, here, on)
            } else {
                let mut all: Vec<Period> = kept.into_iter().cloned().collect();
                all.extend(here.iter().cloned());
                all.sort_by_key(|p| p.start);
                assess(ind, &all, on)
            };
            assessed.push((indicator, assessment));
        }
    }
    problems.into_result()?;

    progress.start("saving indicator values", to_write.len() as u64);
    let mut tx = store.begin().await?;
    for (i, chunk) in to_write.chunks(4_000).enumerate() {
        store.replace_periods(&mut tx, chunk).await?;
        progress.set(((i + 1) * 4_000).min(to_write.len()) as u64);
    }
    store.set_assessments(&mut tx, &assessed, on).await?;
    let changed: Vec<IndicatorId> = assessed.iter().map(|(i, _)| *i).collect();
    store.refresh_shared_totals(&mut tx, &changed).await?;
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}

/// Reads every row of a values file into periods by indicator and start, naming each problem
/// with its line: unknown indicators, dates, figures; repeated rows; periods whose end differs
/// between rows; figures given only as parts.
fn read_values(
    table: &CsvTable,
    indicators: &HashMap<IndicatorId, (semey_domain::results::Indicator, ProgrammeId)>,
    progress: &mut dyn Progress,
) -> Result<BTreeMap<(IndicatorId, Date), ReadPeriod>, AppError> {
    let at = |c: &str| table.position(c);
    let (c_indicator, c_start, c_end, c_figure) = (
        at("indicator_id"),
        at("period_start"),
        at("period_end"),
        at("figure"),
    );
    let (c_dimension, c_key, c_value, c_comment, c_document) = (
        at("dimension"),
        at("key"),
        at("value"),
        at("comment"),
        at("document"),
    );
    let mut problems = Problems::default();
    let mut periods: BTreeMap<(IndicatorId, Date), ReadPeriod> = BTreeMap::new();
    let (mut starts, mut ends) = (DateCache::default(), DateCache::default());
    let mut last_indicator: Option<(String, IndicatorId)> = None;
    progress.start("checking indicator values", table.len() as u64);
    for (n, row) in table.rows().enumerate() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        if n % 10_000 == 0 {
            progress.set(row.byte);
        }
        let text = row.cell(c_indicator);
        let indicator = match &last_indicator {
            Some((t, id)) if t == text => *id,
            _ => {
                let Ok(id) = text.parse::<IndicatorId>() else {
                    problems.line(
                        line,
                        "indicator_id",
                        "unknown_indicator",
                        format!("{text:?} is not an indicator id"),
                    );
                    continue;
                };
                if !indicators.contains_key(&id) {
                    problems.line(
                        line,
                        "indicator_id",
                        "unknown_indicator",
                        format!("there is no indicator {id}"),
                    );
                    continue;
                }
                last_indicator = Some((text.to_owned(), id));
                id
            }
        };
        let (start, end) = match (starts.parse(row.cell(c_start)), ends.parse(row.cell(c_end))) {
            (Ok(s), Ok(e)) => (s, e),
            (Err(m), _) => {
                problems.line(line, "period_start", "invalid_date", m);
                continue;
            }
            (_, Err(m)) => {
                problems.line(line, "period_end", "invalid_date", m);
                continue;
            }
        };
        let figure = row.cell(c_figure);
        let is_target = figure.eq_ignore_ascii_case("target");
        if !is_target && !figure.eq_ignore_ascii_case("actual") {
            problems.line(
                line,
                "figure",
                "unknown_figure",
                format!("{figure:?} is not target or actual"),
            );
            continue;
        }
        let value = row.cell(c_value);
        if value.is_empty() {
            // A template row left empty: nothing to import.
            continue;
        }
        let entry = periods.entry((indicator, start)).or_insert(ReadPeriod {
            end,
            target: None,
            actual: None,
            line,
        });
        if entry.end != end {
            problems.line(
                line,
                "period_end",
                "period_end_differs",
                format!(
                    "the period starting {start} ends on {} on line {}",
                    entry.end, entry.line
                ),
            );
            continue;
        }
        let read = if is_target {
            &mut entry.target
        } else {
            &mut entry.actual
        }
        .get_or_insert_with(|| ReadFigure {
            figure: Figure {
                value: String::new(),
                comment: String::new(),
                document: None,
                splits: Vec::new(),
            },
            total_line: None,
            split_lines: Vec::new(),
        });
        // A text cell of a downloaded template comes back with the apostrophe that kept a
        // spreadsheet from reading it as a formula.
        let unneutralise = crate::presentation::table::unneutralise;
        let (dimension, key) = (
            unneutralise(row.cell(c_dimension)),
            unneutralise(row.cell(c_key)),
        );
        let first = if dimension.is_empty() {
            read.total_line
        } else {
            read.figure
                .splits
                .iter()
                .position(|s| s.dimension == dimension && s.key == key)
                .map(|i| read.split_lines[i])
        };
        if let Some(first) = first {
            problems.line(
                line,
                "",
                "duplicate_row",
                format!("this value repeats line {first}"),
            );
            continue;
        }
        if dimension.is_empty() {
            read.total_line = Some(line);
            read.figure.value = value.to_owned();
            read.figure.comment = unneutralise(row.cell(c_comment)).to_owned();
            read.figure.document = Some(unneutralise(row.cell(c_document)))
                .filter(|d| !d.is_empty())
                .map(str::to_owned);
        } else {
            read.split_lines.push(line);
            read.figure.splits.push(Split {
                dimension: dimension.to_owned(),
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
    }
    // Figures given only as splits have no total.
    for ((indicator, start), p) in &periods {
        for (name, f) in [("target", &p.target), ("actual", &p.actual)] {
            if f.as_ref().is_some_and(|f| f.total_line.is_none()) {
                problems.line(p.line, "value", "total_missing", format!("the {name} of {indicator} from {start} has parts but no total row (a row without dimension)"));
            }
        }
    }
    problems.into_result()?;
    Ok(periods)
}

/// The values template of a programme: one row per indicator, period and figure held (or one
/// empty target and actual row per indicator without periods), in the import's layout.
pub async fn template(store: &Store, programme: ProgrammeId) -> Result<String, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS)
        .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))?;
    for r in store.results_of(programme).await? {
        for ind in &r.indicators {
            let Some(id) = ind.id else { continue };
            let title = ind
                .title
                .best(semey_domain::Lang::En)
                .unwrap_or_default()
                .to_owned();
            let periods = store.periods(id).await?;
            let mut rows: Vec<[String; 10]> = Vec::new();
            for p in &periods {
                for (name, f) in [("target", &p.target), ("actual", &p.actual)] {
                    let base =
                        |dimension: &str, key: &str, value: &str, comment: &str, doc: &str| {
                            [
                                id.to_string(),
                                title.clone(),
                                p.start.to_string(),
                                p.end.to_string(),
                                name.to_owned(),
                                dimension.to_owned(),
                                key.to_owned(),
                                value.to_owned(),
                                comment.to_owned(),
                                doc.to_owned(),
                            ]
                        };
                    match f {
                        Some(f) => {
                            rows.push(base(
                                "",
                                "",
                                &f.value,
                                &f.comment,
                                f.document.as_deref().unwrap_or(""),
                            ));
                            for s in &f.splits {
                                rows.push(base(&s.dimension, &s.key, &s.value, "", ""));
                            }
                        }
                        None => rows.push(base("", "", "", "", "")),
                    }
                }
            }
            if periods.is_empty() {
                for name in ["target", "actual"] {
                    rows.push([
                        id.to_string(),
                        title.clone(),
                        String::new(),
                        String::new(),
                        name.to_owned(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ]);
                }
            }
            for row in rows {
                let safe = row
                    .iter()
                    .map(|c| crate::presentation::table::spreadsheet_safe(c));
                out.write_record(safe.map(|c| c.into_owned()))
                    .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))?;
            }
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
}

/// The name a result is known by in its programme: its English title, else any.
fn result_key(t: &semey_domain::LocalText) -> String {
    t.best(semey_domain::Lang::En)
        .unwrap_or_default()
        .trim()
        .to_lowercase()
}

/// `semey import results FILE.json`: a JSON array of results in the API's shape, with
/// `programme` (its IATI identifier) instead of `programme_id`. A result whose programme
/// already has one of the same title is updated (so importing the same file again changes
/// nothing); indicators may carry their own ids, which values files then name.
pub async fn import_results(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    use semey_domain::results::{ProgrammeResult, ResultInput};
    use serde_json::Value;
    src.authorise()?;
    let entries = crate::import::fields::json_array(src.bytes, "results")?;
    let programmes = store.programme_ids_by_identifier().await?;
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    let mut seen = HashMap::new();
    progress.start("checking results", entries.len() as u64);
    for (i, mut e) in entries.into_iter().enumerate() {
        let at = format!("entry {}", i + 1);
        let Some(obj) = e.as_object_mut() else {
            problems.at(&at, "", "not_an_object", "each entry is a result object");
            continue;
        };
        let name = obj
            .remove("programme")
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let Some(programme) = programmes.get(&name).copied() else {
            problems.at(
                &at,
                "programme",
                "unknown_programme",
                format!("no programme with the IATI identifier {name:?}"),
            );
            continue;
        };
        obj.insert("programme_id".into(), Value::String(programme.to_string()));
        let input: ResultInput = match serde_path_to_error::deserialize(e) {
            Ok(v) => v,
            Err(err) => {
                problems.at(
                    &at,
                    &err.path().to_string(),
                    "invalid_value",
                    err.inner().to_string(),
                );
                continue;
            }
        };
        let key = (programme, result_key(&input.title));
        if let Some(first) = seen.insert(key.clone(), i + 1) {
            problems.at(
                &at,
                "title",
                "duplicate_row",
                format!("this result repeats entry {first}"),
            );
            continue;
        }
        let existing = store
            .results_of(programme)
            .await?
            .into_iter()
            .find(|r| result_key(&r.title) == key.1)
            .map(|r| r.id);
        match input.clone().check(
            existing.unwrap_or_default(),
            semey_domain::ids::IndicatorId::new,
        ) {
            Ok(_) => rows.push((at, existing, input)),
            Err(inv) => problems.invalid_at(&at, inv),
        }
    }
    problems.into_result()?;
    let report = ImportReport {
        kind: "results".into(),
        rows: rows.len() as u64,
        ..Default::default()
    };
    crate::import::records::save_rows::<ProgrammeResult>(
        store,
        src,
        report,
        rows,
        Problems::default(),
        progress,
    )
    .await
}
