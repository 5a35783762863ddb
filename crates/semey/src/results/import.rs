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

/// A period as read from the file: its end, target, actual and first line.
type Read = (Date, Option<Figure>, Option<Figure>, u64);

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(
        s.trim(),
        &time::format_description::well_known::Iso8601::DATE,
    )
    .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
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
    let mut problems = Problems::default();
    let mut periods: BTreeMap<(IndicatorId, Date), Read> = BTreeMap::new();
    let mut seen: HashMap<(IndicatorId, Date, String, String, String), u64> = HashMap::new();
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
            progress.set(n as u64);
        }
        let Ok(indicator) = row.get("indicator_id").trim().parse::<IndicatorId>() else {
            problems.line(
                line,
                "indicator_id",
                "unknown_indicator",
                format!("{:?} is not an indicator id", row.get("indicator_id")),
            );
            continue;
        };
        if !indicators.contains_key(&indicator) {
            problems.line(
                line,
                "indicator_id",
                "unknown_indicator",
                format!("there is no indicator {indicator}"),
            );
            continue;
        }
        let (start, end) = match (
            parse_date(row.get("period_start")),
            parse_date(row.get("period_end")),
        ) {
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
        let figure = row.get("figure").trim().to_lowercase();
        if figure != "target" && figure != "actual" {
            problems.line(
                line,
                "figure",
                "unknown_figure",
                format!("{:?} is not target or actual", row.get("figure")),
            );
            continue;
        }
        let dimension = row.get("dimension").trim().to_owned();
        let key = row.get("key").trim().to_owned();
        let value = row.get("value").trim().to_owned();
        if value.is_empty() {
            // A template row left empty: nothing to import.
            continue;
        }
        if let Some(first) = seen.insert(
            (
                indicator,
                start,
                figure.clone(),
                dimension.clone(),
                key.clone(),
            ),
            line,
        ) {
            problems.line(
                line,
                "",
                "duplicate_row",
                format!("this value repeats line {first}"),
            );
            continue;
        }
        let entry = periods
            .entry((indicator, start))
            .or_insert((end, None, None, line));
        if entry.0 != end {
            problems.line(
                line,
                "period_end",
                "period_end_differs",
                format!(
                    "the period starting {start} ends on {} on line {}",
                    entry.0, entry.3
                ),
            );
            continue;
        }
        let slot = if figure == "target" {
            &mut entry.1
        } else {
            &mut entry.2
        };
        let fig = slot.get_or_insert_with(|| Figure {
            value: String::new(),
            comment: String::new(),
            document: None,
            splits: Vec::new(),
        });
        if dimension.is_empty() {
            fig.value = value;
            fig.comment = row.get("comment").trim().to_owned();
            fig.document = row.opt("document").map(|d| d.trim().to_owned());
        } else {
            fig.splits.push(Split {
                dimension,
                key,
                value,
            });
        }
    }
    // Figures given only as splits have no total.
    for ((indicator, start), (_, target, actual, line)) in &periods {
        for (name, f) in [("target", target), ("actual", actual)] {
            if f.as_ref().is_some_and(|f| f.value.is_empty()) {
                problems.line(*line, "value", "total_missing", format!("the {name} of {indicator} from {start} has parts but no total row (a row without dimension)"));
            }
        }
    }
    problems.into_result()?;
    let mut problems = Problems::default();

    // Every period against its indicator, programme and neighbours.
    let ids: Vec<IndicatorId> = periods
        .keys()
        .map(|(i, _)| *i)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let stored = store.periods_of_many(&ids).await?;
    let programme_ids: HashSet<ProgrammeId> = ids.iter().map(|i| indicators[i].1).collect();
    let mut programmes = HashMap::new();
    for p in programme_ids {
        let programme = store.programme(p).await?;
        let groups: Vec<String> = programme
            .target_groups
            .iter()
            .map(|g| g.as_str().to_owned())
            .collect();
        let d = &programme.dates;
        programmes.insert(
            p,
            (
                d.actual_start.or(d.planned_start),
                d.actual_end.or(d.planned_end),
                groups,
            ),
        );
    }
    let place_keys: HashSet<PlaceId> = periods
        .values()
        .flat_map(|(_, t, a, _)| [t, a])
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
    let mut to_write = Vec::new();
    let mut replacing = Vec::new();
    let mut report = ImportReport {
        kind: "indicator values".into(),
        rows: periods.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    for ((indicator, start), (end, target, actual, line)) in &periods {
        let (ind, programme) = &indicators[indicator];
        let (pstart, pend, groups) = &programmes[programme];
        let stored_here = stored.get(indicator).map(Vec::as_slice).unwrap_or(&[]);
        // Neighbours: the stored periods this file does not replace, and the file's others.
        let mut others: Vec<(Date, Date)> = stored_here
            .iter()
            .filter(|p| p.start != *start && !periods.contains_key(&(*indicator, p.start)))
            .map(|p| (p.start, p.end))
            .collect();
        others.extend(
            periods
                .range((*indicator, Date::MIN)..=(*indicator, Date::MAX))
                .filter(|((_, s), _)| s != start)
                .map(|((_, s), (e, ..))| (*s, *e)),
        );
        let period = Period {
            indicator_id: *indicator,
            start: *start,
            end: *end,
            target: target.clone(),
            actual: actual.clone(),
        };
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
        match stored_here.iter().find(|p| p.start == *start) {
            Some(old) if *old == period => report.unchanged += 1,
            Some(_) => {
                report.updated += 1;
                to_write.push(period);
                replacing.push(true);
            }
            None => {
                report.inserted += 1;
                to_write.push(period);
                replacing.push(false);
            }
        }
    }
    problems.into_result()?;
    progress.start("saving indicator values", to_write.len() as u64);
    let mut tx = store.begin().await?;
    for (i, (chunk, flags)) in to_write
        .chunks(4_000)
        .zip(replacing.chunks(4_000))
        .enumerate()
    {
        store.replace_periods(&mut tx, chunk, flags).await?;
        progress.set(((i + 1) * 4_000).min(to_write.len()) as u64);
    }
    // The statuses of the indicators whose periods changed, worked out from what is stored
    // now (the stored periods with the file's in their place).
    let on = super::today();
    let mut changed: HashMap<IndicatorId, Vec<Period>> = HashMap::new();
    for p in &to_write {
        changed.entry(p.indicator_id).or_default().push(p.clone());
    }
    progress.start("working out statuses", changed.len() as u64);
    let mut assessed = Vec::with_capacity(changed.len());
    for (indicator, new) in changed {
        let mut all: Vec<Period> = stored
            .get(&indicator)
            .map(|v| {
                v.iter()
                    .filter(|p| !new.iter().any(|q| q.start == p.start))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        all.extend(new);
        all.sort_by_key(|p| p.start);
        assessed.push((indicator, assess(&indicators[&indicator].0, &all, on)));
    }
    store.set_assessments(&mut tx, &assessed, on).await?;
    let changed_ids: Vec<IndicatorId> = to_write
        .iter()
        .map(|p| p.indicator_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    store.refresh_shared_totals(&mut tx, &changed_ids).await?;
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
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
                out.write_record(&row)
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
