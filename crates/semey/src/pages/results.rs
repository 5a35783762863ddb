//! A programme's results: the chain as a tree (results, then their indicators), each
//! indicator's baseline, targets and actuals over time as a chart (with the table beside it),
//! its latest split as bars, and its status with the reason in words.

use super::context::*;
use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::presentation::i18n::{t, t_args};
use crate::results::programme_results_of;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::ids::ProgrammeId;
use semey_domain::lang::Lang;
use semey_domain::results::{value_of, Assessment, Indicator, Period, Status};

/// One indicator as the page shows it.
struct IndicatorCard {
    title: String,
    /// "people · count, more is better"
    kind: String,
    status_code: &'static str,
    status: String,
    /// The reason in words.
    reason: String,
    baseline: String,
    chart: Option<String>,
    table: Option<String>,
    splits: Option<String>,
    /// (period, comment or document) lines under the chart.
    notes: Vec<(String, String)>,
}

struct ResultSection {
    kind: String,
    title: String,
    description: String,
    indicators: Vec<IndicatorCard>,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    c: Chrome,
    programme_href: String,
    title: String,
    status_code: &'static str,
    status: String,
    rule: String,
    sections: Vec<ResultSection>,
    /// (label, figure, what it is computed from, link to those records)
    efficiency: Vec<(String, String, String, String)>,
    /// (service page, name, kind) of the services the programme funds or whose results they
    /// serve: where people get what the programme delivers.
    services: Vec<(String, String, String)>,
}

fn status_code(s: Status) -> &'static str {
    s.as_str()
}

fn number(lang: Lang, v: f64) -> String {
    format::measure(lang, v)
}

/// The reason of a status in words a coordinator understands.
fn reason(lang: Lang, a: Option<&Assessment>, status: Status) -> String {
    let Some(a) = a else {
        return t(lang, "results-reason-not_assessed");
    };
    match a.reason.as_str() {
        "compared" => t_args(
            lang,
            &format!("results-reason-{}", status.as_str()),
            &[
                (
                    "achieved",
                    format::percent(lang, 100.0 * a.achieved.unwrap_or(0.0)).into(),
                ),
                (
                    "expected",
                    format::percent(lang, 100.0 * a.expected.unwrap_or(0.0)).into(),
                ),
                ("ratio", format!("{:.2}", a.ratio.unwrap_or(0.0)).into()),
            ],
        ),
        "period_ended_unreported" => t_args(
            lang,
            "results-reason-period_ended_unreported",
            &[(
                "date",
                a.period_end
                    .map(|d| format::date(lang, d))
                    .unwrap_or_default()
                    .into(),
            )],
        ),
        other => t(lang, &format!("results-reason-{other}")),
    }
}

fn period_label(lang: Lang, p: &Period) -> String {
    if p.start.year() == p.end.year()
        && p.start.ordinal() == 1
        && p.end.month() == time::Month::December
        && p.end.day() == 31
    {
        p.start.year().to_string()
    } else {
        format!(
            "{} – {}",
            format::date(lang, p.start),
            format::date(lang, p.end)
        )
    }
}

fn card(
    lang: Lang,
    ind: &Indicator,
    periods: &[Period],
    a: Option<&Assessment>,
    status: Status,
) -> IndicatorCard {
    let num = |f: &Option<semey_domain::results::Figure>| {
        f.as_ref()
            .and_then(|f| value_of(ind.measure, &ind.levels, &f.value).ok())
            .and_then(|v| v.number())
    };
    let direction = if ind.ascending {
        "results-ascending"
    } else {
        "results-descending"
    };
    let kind = [
        ind.unit.clone(),
        t(lang, &format!("results-measure-{}", ind.measure.as_str())),
        t(lang, direction),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    let baseline = ind
        .baseline
        .as_ref()
        .map(|b| {
            t_args(
                lang,
                "results-baseline",
                &[
                    ("year", b.year.to_string().into()),
                    (
                        "value",
                        b.value.clone().unwrap_or_else(|| "—".into()).into(),
                    ),
                ],
            )
        })
        .unwrap_or_default();
    let numeric = periods
        .iter()
        .any(|p| num(&p.target).is_some() || num(&p.actual).is_some());
    let (chart, table) = if numeric {
        let ch = Chart {
            title: ind.title.best(lang).unwrap_or_default().to_owned(),
            description: t(lang, "results-chart-description"),
            categories: periods.iter().map(|p| period_label(lang, p)).collect(),
            series: vec![
                Series {
                    name: t(lang, "results-target"),
                    values: periods
                        .iter()
                        .map(|p| num(&p.target).unwrap_or(0.0))
                        .collect(),
                },
                Series {
                    name: t(lang, "results-actual"),
                    values: periods
                        .iter()
                        .map(|p| num(&p.actual).unwrap_or(0.0))
                        .collect(),
                },
            ],
        };
        let fmt = |v: f64| number(lang, v);
        (Some(ch.line(&fmt)), Some(ch.table(&fmt)))
    } else {
        (None, None)
    };
    // The latest actual's split, as bars.
    let splits = periods
        .iter()
        .rev()
        .find_map(|p| {
            p.actual
                .as_ref()
                .filter(|f| !f.splits.is_empty())
                .map(|f| (p, f))
        })
        .map(|(p, f)| {
            let ch = Chart {
                title: t_args(
                    lang,
                    "results-split-title",
                    &[("period", period_label(lang, p).into())],
                ),
                description: t(lang, "results-split-description"),
                categories: f
                    .splits
                    .iter()
                    .map(|s| match s.dimension.as_str() {
                        "sex" | "age_group" => t(
                            lang,
                            &format!("results-{}-{}", s.dimension, s.key.replace('+', "plus")),
                        ),
                        "target_group" => t(lang, &format!("group-{}", s.key)),
                        _ => s.key.clone(),
                    })
                    .collect(),
                series: vec![Series {
                    name: t(lang, "results-actual"),
                    values: f
                        .splits
                        .iter()
                        .map(|s| s.value.trim().parse().unwrap_or(0.0))
                        .collect(),
                }],
            };
            ch.bar(&|v| number(lang, v))
        });
    let mut notes = Vec::new();
    for p in periods {
        for f in [&p.target, &p.actual].into_iter().flatten() {
            let mut bits = Vec::new();
            if !f.comment.trim().is_empty() {
                bits.push(f.comment.trim().to_owned());
            }
            if let Some(d) = f.document.as_deref().filter(|d| !d.trim().is_empty()) {
                bits.push(format!("{}: {}", t(lang, "results-source"), d.trim()));
            }
            if !bits.is_empty() {
                notes.push((period_label(lang, p), bits.join(" · ")));
            }
        }
    }
    IndicatorCard {
        title: ind.title.best(lang).unwrap_or_default().to_owned(),
        kind,
        status_code: status_code(status),
        status: t(lang, &format!("results-status-{}", status.as_str())),
        reason: reason(lang, a, status),
        baseline,
        chart,
        table,
        splits,
        notes,
    }
}

/// `/programmes/{id}/results`.
pub(super) async fn results(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(reader.not_found());
    };
    let Some(programme) = found(s.store.programme(id).await)? else {
        return Ok(reader.not_found());
    };
    let lang = reader.lang;
    let th = s.config.results;
    let chain = programme_results_of(&s.store, th, id).await?;
    let sections = chain
        .results
        .iter()
        .map(|r| ResultSection {
            kind: t(
                lang,
                &format!("results-type-{}", r.result.result_type.as_str()),
            ),
            title: r.result.title.best(lang).unwrap_or_default().to_owned(),
            description: r
                .result
                .description
                .best(lang)
                .unwrap_or_default()
                .to_owned(),
            indicators: r
                .result
                .indicators
                .iter()
                .zip(&r.indicators)
                .map(|(ind, v)| card(lang, ind, &v.periods, v.assessment.as_ref(), v.status))
                .collect(),
        })
        .collect();
    let e = &chain.efficiency;
    let dash = || "—".to_owned();
    let efficiency = vec![
        (
            t(lang, "results-disbursement-rate"),
            e.disbursement_rate
                .map(|v| format::percent(lang, v))
                .unwrap_or_else(dash),
            t(lang, "results-disbursement-rate-from"),
            format!("/programmes/{id}"),
        ),
        (
            t(lang, "results-absorption"),
            e.absorption
                .map(|v| format::percent(lang, v))
                .unwrap_or_else(dash),
            t(lang, "results-absorption-from"),
            format!("/programmes/{id}"),
        ),
        (
            t(lang, "results-cost-per-person"),
            e.cost_per_person
                .map(|v| format::money(lang, v, "USD"))
                .unwrap_or_else(dash),
            match (e.people_reached, chain.people_indicator) {
                (Some(p), Some(_)) => t_args(
                    lang,
                    "results-cost-per-person-from",
                    &[("people", format::measure(lang, p).into())],
                ),
                _ => t(lang, "results-no-people-indicator"),
            },
            chain
                .people_indicator
                .map(|i| format!("/api/v1/indicators/{i}/periods"))
                .unwrap_or_else(|| format!("/programmes/{id}")),
        ),
    ];
    let mut services: Vec<(String, String, String)> = Vec::new();
    for filter in [
        semey_store::ServiceFilter {
            programme: Some(id),
            ..Default::default()
        },
        semey_store::ServiceFilter {
            serves_programme: Some(id),
            ..Default::default()
        },
    ] {
        let (found, _) = s
            .store
            .list_services(&filter, semey_store::Page::new(Some(50), None))
            .await?;
        for sv in found {
            let href = format!("/services/{}", sv.id);
            if !services.iter().any(|(h, _, _)| *h == href) {
                services.push((
                    href,
                    sv.name.best(lang).unwrap_or_default().to_owned(),
                    t(lang, &format!("service-category-{}", sv.category.as_str())),
                ));
            }
        }
    }
    let template = ResultsPage {
        services,
        efficiency,
        programme_href: format!("/programmes/{id}"),
        title: programme.title.best(lang).unwrap_or_default().to_owned(),
        status_code: status_code(chain.status),
        status: t(lang, &format!("results-status-{}", chain.status.as_str())),
        rule: t_args(
            lang,
            "results-rule",
            &[
                ("on_track", format!("{:.2}", th.on_track).into()),
                ("at_risk", format!("{:.2}", th.at_risk).into()),
            ],
        ),
        sections,
        c: reader.chrome(),
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

#[derive(Template)]
#[template(path = "results_dashboard.html")]
struct DashboardPage {
    c: Chrome,
    rule: String,
    by_area_chart: Option<String>,
    by_area_table: Option<String>,
    /// (organisation, counts per status in `statuses` order)
    by_org: Vec<(String, Vec<i64>)>,
    statuses: Vec<String>,
    /// (results page, programme, indicator, period end)
    overdue: Vec<(String, String, String, String)>,
    /// (shared indicator, unit, year, total)
    shared: Vec<(String, String, String, String)>,
    /// (value, label, selected) of the map's shared indicator and year
    map_choices: Vec<(String, String, bool)>,
    map: Option<String>,
}

const STATUSES: [Status; 5] = [
    Status::OnTrack,
    Status::AtRisk,
    Status::OffTrack,
    Status::NotReported,
    Status::NotAssessed,
];

/// `/results`: the results dashboard — statuses by thematic area and by organisation, overdue
/// reports, shared indicators added up across programmes, and a district map of one of them.
pub(super) async fn dashboard(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    use std::collections::{BTreeMap, HashMap};
    let lang = reader.lang;
    let th = s.config.results;
    crate::results::refresh_statuses(&s.store, crate::results::today()).await?;
    let idx = |st: Status| STATUSES.iter().position(|x| *x == st).unwrap_or(4);
    // By thematic area: a stacked bar per area.
    let mut areas: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    for c in s.store.status_counts(true).await? {
        areas.entry(c.group).or_default()[idx(c.status)] += c.indicators;
    }
    let statuses: Vec<String> = STATUSES
        .iter()
        .map(|st| t(lang, &format!("results-status-{}", st.as_str())))
        .collect();
    let (by_area_chart, by_area_table) = if areas.is_empty() {
        (None, None)
    } else {
        let chart = Chart {
            title: t(lang, "results-by-area"),
            description: t(lang, "results-by-area-description"),
            categories: areas
                .keys()
                .map(|a| t(lang, &format!("area-{a}")))
                .collect(),
            series: STATUSES
                .iter()
                .enumerate()
                .map(|(i, _)| Series {
                    name: statuses[i].clone(),
                    values: areas.values().map(|v| v[i] as f64).collect(),
                })
                .collect(),
        };
        let fmt = |v: f64| format::integer(lang, v as i64);
        (Some(chart.stacked_bar(&fmt)), Some(chart.table(&fmt)))
    };
    // By organisation, named from one list of them.
    let names = organisation_names(&s, lang).await?;
    let mut orgs: BTreeMap<String, [i64; 5]> = BTreeMap::new();
    for c in s.store.status_counts(false).await? {
        let name = if c.group.is_empty() {
            t(lang, "results-no-organisation")
        } else {
            names
                .get(&c.group)
                .cloned()
                .unwrap_or_else(|| c.group.clone())
        };
        orgs.entry(name).or_default()[idx(c.status)] += c.indicators;
    }
    let by_org = orgs.into_iter().map(|(k, v)| (k, v.to_vec())).collect();
    // Overdue reports.
    let mut overdue = Vec::new();
    for (indicator, programme, a) in s.store.overdue_indicators(100).await? {
        let p = found(s.store.programme(programme).await)?;
        let ind = found(s.store.indicator(indicator).await)?;
        if let (Some(p), Some(ind)) = (p, ind) {
            overdue.push((
                format!("/programmes/{}/results", p.id),
                p.title.best(lang).unwrap_or_default().to_owned(),
                ind.indicator
                    .title
                    .best(lang)
                    .unwrap_or_default()
                    .to_owned(),
                a.period_end
                    .map(|d| format::date(lang, d))
                    .unwrap_or_default(),
            ));
        }
    }
    // Shared indicators, and the map of the chosen one.
    let totals = s.store.shared_totals().await?;
    let shared = totals
        .iter()
        .map(|(code, unit, year, total)| {
            (
                code.clone(),
                unit.clone(),
                year.to_string(),
                format::measure(lang, *total),
            )
        })
        .collect();
    let chosen = reader
        .query
        .iter()
        .find(|(k, _)| k == "map")
        .map(|(_, v)| v.clone());
    let choices: Vec<(String, String)> = totals
        .iter()
        .map(|(code, unit, year, _)| (format!("{code}@{year}"), format!("{code} ({unit}), {year}")))
        .collect();
    let pick = chosen
        .clone()
        .filter(|c| choices.iter().any(|(v, _)| v == c))
        .or_else(|| choices.last().map(|(v, _)| v.clone()));
    let map = match pick.as_deref().and_then(|p| p.rsplit_once('@')) {
        Some((code, year)) => {
            let year: i64 = year.parse().unwrap_or(0);
            let parent = districts_of_settlements(&s).await?;
            let mut values: HashMap<semey_domain::ids::PlaceId, f64> = HashMap::new();
            for (key, _, v) in s
                .store
                .shared_by_place_and_year(code)
                .await?
                .into_iter()
                .filter(|(_, y, _)| *y == year)
            {
                if let Ok(id) = key.parse() {
                    *values
                        .entry(parent.get(&id).copied().unwrap_or(id))
                        .or_default() += v;
                }
            }
            super::maps::outline_map(
                &s,
                lang,
                &t_args(
                    lang,
                    "results-map-title",
                    &[
                        ("code", code.to_owned().into()),
                        ("year", year.to_string().into()),
                    ],
                ),
                &t(lang, "results-map-description"),
                &t(lang, "results-map-none"),
                &values,
                &[],
                &|v| format::measure(lang, v),
            )
            .await?
        }
        None => None,
    };
    let map_choices = choices
        .into_iter()
        .map(|(v, l)| {
            let selected = Some(&v) == pick.as_ref();
            (v, l, selected)
        })
        .collect();
    let template = DashboardPage {
        rule: t_args(
            lang,
            "results-rule",
            &[
                ("on_track", format!("{:.2}", th.on_track).into()),
                ("at_risk", format!("{:.2}", th.at_risk).into()),
            ],
        ),
        by_area_chart,
        by_area_table,
        by_org,
        statuses,
        overdue,
        shared,
        map_choices,
        map,
        c: reader.chrome(),
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

/// `/programmes/{id}/results.csv`: the programme's results as a table in the reader's language,
/// one row per indicator and period (an indicator without periods has one row), with the
/// indicator's status and its reason in words.
pub(super) async fn results_csv(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(reader.not_found());
    };
    if found(s.store.programme(id).await)?.is_none() {
        return Ok(reader.not_found());
    }
    let lang = reader.lang;
    let chain = programme_results_of(&s.store, s.config.results, id).await?;
    let mut rows: Vec<Vec<String>> = vec![vec![
        t(lang, "results-csv-type"),
        t(lang, "results-csv-result"),
        t(lang, "results-csv-indicator"),
        t(lang, "results-unit"),
        t(lang, "results-csv-status"),
        t(lang, "results-csv-reason"),
        t(lang, "results-csv-start"),
        t(lang, "results-csv-end"),
        t(lang, "results-target"),
        t(lang, "results-actual"),
        t(lang, "results-csv-comment"),
        t(lang, "results-source"),
    ]];
    for r in &chain.results {
        let kind = t(
            lang,
            &format!("results-type-{}", r.result.result_type.as_str()),
        );
        let title = r.result.title.best(lang).unwrap_or_default().to_owned();
        for (ind, v) in r.result.indicators.iter().zip(&r.indicators) {
            let name = ind.title.best(lang).unwrap_or_default().to_owned();
            let status = t(lang, &format!("results-status-{}", v.status.as_str()));
            let why = reason(lang, v.assessment.as_ref(), v.status);
            let head = [
                kind.clone(),
                title.clone(),
                name,
                ind.unit.clone(),
                status,
                why,
            ];
            if v.periods.is_empty() {
                let mut row = head.to_vec();
                row.extend(std::iter::repeat_n(String::new(), 6));
                rows.push(row);
            }
            for p in &v.periods {
                let val = |f: &Option<semey_domain::results::Figure>| {
                    f.as_ref().map(|f| f.value.clone()).unwrap_or_default()
                };
                let notes: Vec<String> = [&p.target, &p.actual]
                    .into_iter()
                    .flatten()
                    .map(|f| f.comment.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .collect();
                let docs: Vec<String> = [&p.target, &p.actual]
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f.document.clone())
                    .collect();
                let mut row = head.to_vec();
                row.extend([
                    p.start.to_string(),
                    p.end.to_string(),
                    val(&p.target),
                    val(&p.actual),
                    notes.join("; "),
                    docs.join("; "),
                ]);
                rows.push(row);
            }
        }
    }
    csv_attachment(&rows, &format!("results-{id}-{}.csv", lang.code()))
}

/// Rows as a CSV file to download.
fn csv_attachment(rows: &[Vec<String>], filename: &str) -> Result<Response, AppError> {
    use axum::response::IntoResponse;
    let io = |e: csv::Error| AppError::Io(std::io::Error::other(e.to_string()));
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(
            row.iter()
                .map(|c| crate::presentation::table::spreadsheet_safe(c).into_owned()),
        )
        .map_err(io)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// `/results.csv`: the dashboard's counts by status, by thematic area and by organisation,
/// in the reader's language.
pub(super) async fn dashboard_csv(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    crate::results::refresh_statuses(&s.store, crate::results::today()).await?;
    let names = organisation_names(&s, lang).await?;
    let mut rows = vec![vec![
        t(lang, "results-csv-grouping"),
        t(lang, "results-csv-group"),
        t(lang, "results-csv-status"),
        t(lang, "results-csv-indicators"),
    ]];
    for by_area in [true, false] {
        for c in s.store.status_counts(by_area).await? {
            let (grouping, group) = if by_area {
                (
                    t(lang, "filter-area"),
                    t(lang, &format!("area-{}", c.group)),
                )
            } else if c.group.is_empty() {
                (
                    t(lang, "results-organisation"),
                    t(lang, "results-no-organisation"),
                )
            } else {
                (
                    t(lang, "results-organisation"),
                    names.get(&c.group).cloned().unwrap_or(c.group.clone()),
                )
            };
            rows.push(vec![
                grouping,
                group,
                t(lang, &format!("results-status-{}", c.status.as_str())),
                c.indicators.to_string(),
            ]);
        }
    }
    csv_attachment(&rows, &format!("results-status-{}.csv", lang.code()))
}

/// Every organisation's name in `lang`, by id.
async fn organisation_names(
    s: &AppState,
    lang: Lang,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let (all, _) = s
        .store
        .list_organisations(
            &Default::default(),
            semey_store::Page::new(Some(semey_store::Page::MAX_LIMIT), None),
        )
        .await?;
    Ok(all
        .iter()
        .map(|o| {
            (
                o.id.to_string(),
                o.name.best(lang).unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

#[derive(Template)]
#[template(path = "results_efficiency.html")]
struct EfficiencyPage {
    c: Chrome,
    /// (address, label, current) of each grouping.
    groupings: Vec<(String, String, bool)>,
    heading: String,
    chart: Option<String>,
    /// Per group: its name and programmes' address, the programmes, then each figure with the
    /// address of the records it comes from.
    rows: Vec<EfficiencyRow>,
    csv_href: String,
}

struct EfficiencyRow {
    name: String,
    programmes_href: String,
    programmes: String,
    money_href: Option<String>,
    committed: String,
    disbursed: String,
    spent: String,
    disbursement_rate: String,
    absorption: String,
    people: String,
    cost_per_person: String,
}

/// The name of an efficiency group and the address of its programmes and of its money.
async fn group_names(
    s: &AppState,
    lang: Lang,
    by: crate::results::efficiency::GroupBy,
) -> Result<impl Fn(&str) -> (String, String, Option<String>), AppError> {
    use crate::results::efficiency::GroupBy;
    let names = match by {
        GroupBy::Organisation => organisation_names(s, lang).await?,
        GroupBy::District => s
            .store
            .places_at_level(semey_domain::place::PlaceLevel::District, false)
            .await?
            .iter()
            .map(|r| {
                (
                    r.place.id.to_string(),
                    r.place.name.best(lang).unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        GroupBy::Area => Default::default(),
    };
    Ok(move |g: &str| match by {
        GroupBy::Area => (
            t(lang, &format!("area-{g}")),
            format!("/programmes?area={g}"),
            Some(format!("/transactions?area={g}")),
        ),
        GroupBy::Organisation if g.is_empty() => (
            t(lang, "results-no-organisation"),
            "/programmes".to_owned(),
            None,
        ),
        GroupBy::Organisation => (
            names.get(g).cloned().unwrap_or(g.to_owned()),
            format!("/programmes?organisation={g}"),
            None,
        ),
        GroupBy::District => (
            names.get(g).cloned().unwrap_or(g.to_owned()),
            format!("/programmes?place={g}"),
            Some(format!("/transactions?place={g}")),
        ),
    })
}

fn grouping_of(reader: &Reader) -> crate::results::efficiency::GroupBy {
    use crate::results::efficiency::GroupBy;
    reader
        .query
        .iter()
        .find(|(k, _)| k == "by")
        .and_then(|(_, v)| GroupBy::parse(v))
        .unwrap_or(GroupBy::Area)
}

/// `/results/efficiency?by=area|organisation|district`: the efficiency figures of each
/// group's programmes, as bars and a table whose figures link to their records.
pub(super) async fn efficiency_page(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    use crate::results::efficiency::{efficiency_by, GroupBy};
    let lang = reader.lang;
    let by = grouping_of(&reader);
    let groups = efficiency_by(&s.store, by).await?;
    let name_of = group_names(&s, lang, by).await?;
    let dash = || "—".to_owned();
    let pct = |v: Option<f64>| v.map(|v| format::percent(lang, v)).unwrap_or_else(dash);
    let rows: Vec<EfficiencyRow> = groups
        .iter()
        .map(|g| {
            let (name, programmes_href, money_href) = name_of(&g.group);
            let e = &g.efficiency;
            EfficiencyRow {
                name,
                programmes_href,
                programmes: format::integer(lang, g.programmes as i64),
                money_href,
                committed: format::money(lang, g.committed, "USD"),
                disbursed: format::money(lang, g.disbursed, "USD"),
                spent: format::money(lang, g.spent, "USD"),
                disbursement_rate: pct(e.disbursement_rate),
                absorption: pct(e.absorption),
                people: e
                    .people_reached
                    .map(|p| format::measure(lang, p))
                    .unwrap_or_else(dash),
                cost_per_person: e
                    .cost_per_person
                    .map(|v| format::money(lang, v, "USD"))
                    .unwrap_or_else(dash),
            }
        })
        .collect();
    let chart = (!groups.is_empty()).then(|| {
        Chart {
            title: t(lang, &format!("results-efficiency-by-{}", by.as_str())),
            description: t(lang, "results-efficiency-chart"),
            categories: rows.iter().map(|r| r.name.clone()).collect(),
            series: vec![
                Series {
                    name: t(lang, "results-disbursement-rate"),
                    values: groups
                        .iter()
                        .map(|g| g.efficiency.disbursement_rate.unwrap_or(0.0))
                        .collect(),
                },
                Series {
                    name: t(lang, "results-absorption"),
                    values: groups
                        .iter()
                        .map(|g| g.efficiency.absorption.unwrap_or(0.0))
                        .collect(),
                },
            ],
        }
        .bar(&|v| format::percent(lang, v))
    });
    let template = EfficiencyPage {
        groupings: GroupBy::ALL
            .iter()
            .map(|g| {
                (
                    format!("/results/efficiency?by={}", g.as_str()),
                    t(lang, &format!("results-efficiency-by-{}", g.as_str())),
                    *g == by,
                )
            })
            .collect(),
        heading: t(lang, &format!("results-efficiency-by-{}", by.as_str())),
        chart,
        rows,
        csv_href: format!(
            "/results/efficiency.csv?by={}&lang={}",
            by.as_str(),
            lang.code()
        ),
        c: reader.chrome(),
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

/// `/results/efficiency.csv?by=…`: the same figures as a table, plain numbers in US dollars.
pub(super) async fn efficiency_csv(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    use crate::results::efficiency::efficiency_by;
    let lang = reader.lang;
    let by = grouping_of(&reader);
    let name_of = group_names(&s, lang, by).await?;
    let usd = |cents: i64| format!("{:.2}", cents as f64 / 100.0);
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut rows = vec![vec![
        t(lang, "results-csv-group"),
        t(lang, "results-csv-programmes"),
        t(lang, "results-csv-committed"),
        t(lang, "results-csv-disbursed"),
        t(lang, "results-csv-spent"),
        t(lang, "results-disbursement-rate"),
        t(lang, "results-absorption"),
        t(lang, "results-csv-people"),
        t(lang, "results-cost-per-person"),
    ]];
    for g in efficiency_by(&s.store, by).await? {
        let e = &g.efficiency;
        rows.push(vec![
            name_of(&g.group).0,
            g.programmes.to_string(),
            usd(g.committed),
            usd(g.disbursed),
            usd(g.spent),
            opt(e.disbursement_rate),
            opt(e.absorption),
            opt(e.people_reached),
            e.cost_per_person.map(usd).unwrap_or_default(),
        ]);
    }
    csv_attachment(
        &rows,
        &format!("results-efficiency-{}-{}.csv", by.as_str(), lang.code()),
    )
}

#[derive(Template)]
#[template(path = "results_shared.html")]
struct SharedPage {
    c: Chrome,
    /// (code, name, measure and unit, adds up, programmes reporting)
    catalogue: Vec<(String, String, String, bool, String)>,
    /// (code, programmes reporting) of codes outside the catalogue
    outside: Vec<(String, String)>,
    /// (code, selected) of the codes whose values add up
    choices: Vec<(String, bool)>,
    chosen: Option<String>,
    by_area_title: String,
    by_area_chart: Option<String>,
    by_area_table: Option<String>,
    by_district_title: String,
    by_district_table: Option<String>,
    csv_href: String,
}

/// The shared indicator codes whose values add up: the catalogue's counts, and counts in use
/// outside it.
async fn addable_codes(s: &AppState) -> Result<Vec<(String, i64)>, AppError> {
    use semey_domain::results::{catalogue_entry, IndicatorMeasure, CATALOGUE};
    let in_use = s.store.shared_codes_in_use().await?;
    let mut codes: Vec<(String, i64)> = CATALOGUE
        .iter()
        .filter(|e| e.measure == IndicatorMeasure::Unit)
        .map(|e| {
            let n = in_use
                .iter()
                .find(|(c, _)| c == e.code)
                .map_or(0, |(_, n)| *n);
            (e.code.to_owned(), n)
        })
        .collect();
    codes.extend(
        in_use
            .into_iter()
            .filter(|(c, _)| catalogue_entry(c).is_none()),
    );
    Ok(codes)
}

/// The sums of one shared indicator by thematic area and by district, each by year: (area or
/// district name, unit, year, total) rows.
async fn shared_sums(
    s: &AppState,
    lang: Lang,
    code: &str,
) -> Result<(Vec<(String, String, i64, f64)>, Vec<(String, i64, f64)>), AppError> {
    use std::collections::{BTreeMap, HashMap};
    let by_area = s
        .store
        .shared_by_area(code)
        .await?
        .into_iter()
        .map(|(area, unit, year, total)| (t(lang, &format!("area-{area}")), unit, year, total))
        .collect();
    let parent = districts_of_settlements(s).await?;
    let names: HashMap<String, String> = s
        .store
        .places_at_level(semey_domain::place::PlaceLevel::District, false)
        .await?
        .iter()
        .map(|r| {
            (
                r.place.id.to_string(),
                r.place.name.best(lang).unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut by_district: BTreeMap<(String, i64), f64> = BTreeMap::new();
    for (key, year, total) in s.store.shared_by_place_and_year(code).await? {
        let district = key
            .parse()
            .ok()
            .and_then(|id| parent.get(&id))
            .map_or(key, |d| d.to_string());
        let name = names.get(&district).cloned().unwrap_or(district);
        *by_district.entry((name, year)).or_default() += total;
    }
    Ok((
        by_area,
        by_district
            .into_iter()
            .map(|((name, year), total)| (name, year, total))
            .collect(),
    ))
}

/// Each settlement's district: values split by settlement count in their district.
async fn districts_of_settlements(
    s: &AppState,
) -> Result<
    std::collections::HashMap<semey_domain::ids::PlaceId, semey_domain::ids::PlaceId>,
    AppError,
> {
    Ok(s.store
        .places_at_level(semey_domain::place::PlaceLevel::Settlement, false)
        .await?
        .iter()
        .filter_map(|r| Some((r.place.id, r.place.parent_id?)))
        .collect())
}

fn chosen_code(reader: &Reader, codes: &[(String, i64)]) -> Option<String> {
    let asked = reader
        .query
        .iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.trim().to_lowercase());
    asked
        .filter(|a| codes.iter().any(|(c, _)| c == a))
        .or_else(|| codes.iter().find(|(_, n)| *n > 0).map(|(c, _)| c.clone()))
}

/// `/results/shared`: the catalogue of shared indicators, and the sums of one of them by
/// thematic area and by district, each by year.
pub(super) async fn shared_page(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    use semey_domain::results::{catalogue_entry, IndicatorMeasure, SharedIndicator, CATALOGUE};
    use std::collections::BTreeSet;
    let lang = reader.lang;
    let in_use = s.store.shared_codes_in_use().await?;
    let count = |code: &str| {
        in_use
            .iter()
            .find(|(c, _)| c == code)
            .map_or(0, |(_, n)| *n)
    };
    let catalogue = CATALOGUE
        .iter()
        .map(|e| {
            let measure = t(lang, &format!("results-measure-{}", e.measure.as_str()));
            (
                e.code.to_owned(),
                t(lang, &SharedIndicator::message_key(e.code)),
                if e.unit.is_empty() {
                    measure
                } else {
                    format!("{measure} ({})", e.unit)
                },
                e.measure == IndicatorMeasure::Unit,
                format::integer(lang, count(e.code)),
            )
        })
        .collect();
    let outside = in_use
        .iter()
        .filter(|(c, _)| catalogue_entry(c).is_none())
        .map(|(c, n)| (c.clone(), format::integer(lang, *n)))
        .collect();
    let codes = addable_codes(&s).await?;
    let chosen = chosen_code(&reader, &codes);
    let (mut by_area_chart, mut by_area_table, mut by_district_table) = (None, None, None);
    if let Some(code) = &chosen {
        let (by_area, by_district) = shared_sums(&s, lang, code).await?;
        let fmt = |v: f64| format::measure(lang, v);
        if !by_area.is_empty() {
            let years: BTreeSet<i64> = by_area.iter().map(|(_, _, y, _)| *y).collect();
            let areas: BTreeSet<(String, String)> = by_area
                .iter()
                .map(|(a, u, _, _)| (a.clone(), u.clone()))
                .collect();
            let chart = Chart {
                title: t_args(
                    lang,
                    "results-catalogue-by-area",
                    &[("code", code.clone().into())],
                ),
                description: t(lang, "results-shared-note"),
                categories: years.iter().map(|y| y.to_string()).collect(),
                series: areas
                    .iter()
                    .map(|(a, u)| Series {
                        name: format!("{a} ({u})"),
                        values: years
                            .iter()
                            .map(|y| {
                                by_area
                                    .iter()
                                    .filter(|(x, xu, xy, _)| x == a && xu == u && xy == y)
                                    .map(|(_, _, _, v)| *v)
                                    .sum()
                            })
                            .collect(),
                    })
                    .collect(),
            };
            by_area_chart = Some(chart.bar(&fmt));
            by_area_table = Some(chart.table(&fmt));
        }
        if !by_district.is_empty() {
            let years: BTreeSet<i64> = by_district.iter().map(|(_, y, _)| *y).collect();
            let districts: BTreeSet<String> =
                by_district.iter().map(|(d, _, _)| d.clone()).collect();
            let chart = Chart {
                title: t_args(
                    lang,
                    "results-catalogue-by-district",
                    &[("code", code.clone().into())],
                ),
                description: t(lang, "results-map-description"),
                categories: years.iter().map(|y| y.to_string()).collect(),
                series: districts
                    .iter()
                    .map(|d| Series {
                        name: d.clone(),
                        values: years
                            .iter()
                            .map(|y| {
                                by_district
                                    .iter()
                                    .filter(|(x, xy, _)| x == d && xy == y)
                                    .map(|(_, _, v)| *v)
                                    .sum()
                            })
                            .collect(),
                    })
                    .collect(),
            };
            by_district_table = Some(chart.table(&fmt));
        }
    }
    let template = SharedPage {
        catalogue,
        outside,
        choices: codes
            .iter()
            .map(|(c, _)| (c.clone(), Some(c) == chosen.as_ref()))
            .collect(),
        by_area_title: chosen
            .as_ref()
            .map(|c| {
                t_args(
                    lang,
                    "results-catalogue-by-area",
                    &[("code", c.clone().into())],
                )
            })
            .unwrap_or_default(),
        by_district_title: chosen
            .as_ref()
            .map(|c| {
                t_args(
                    lang,
                    "results-catalogue-by-district",
                    &[("code", c.clone().into())],
                )
            })
            .unwrap_or_default(),
        csv_href: format!(
            "/results/shared.csv?code={}&lang={}",
            chosen.clone().unwrap_or_default(),
            lang.code()
        ),
        chosen,
        by_area_chart,
        by_area_table,
        by_district_table,
        c: reader.chrome(),
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

/// `/results/shared.csv?code=…`: a shared indicator's sums by thematic area and by district,
/// each by year.
pub(super) async fn shared_csv(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let codes = addable_codes(&s).await?;
    let Some(code) = chosen_code(&reader, &codes) else {
        return Ok(reader.not_found());
    };
    let (by_area, by_district) = shared_sums(&s, lang, &code).await?;
    let mut rows = vec![vec![
        t(lang, "results-csv-grouping"),
        t(lang, "results-csv-group"),
        t(lang, "results-unit"),
        t(lang, "results-year"),
        t(lang, "results-total"),
    ]];
    for (area, unit, year, total) in by_area {
        rows.push(vec![
            t(lang, "filter-area"),
            area,
            unit,
            year.to_string(),
            total.to_string(),
        ]);
    }
    let unit = semey_domain::results::catalogue_entry(&code)
        .map(|e| e.unit.to_owned())
        .unwrap_or_default();
    for (district, year, total) in by_district {
        rows.push(vec![
            t(lang, "level-district"),
            district,
            unit.clone(),
            year.to_string(),
            total.to_string(),
        ]);
    }
    csv_attachment(
        &rows,
        &format!(
            "shared-{}-{}.csv",
            code.replace([':', '.'], "-"),
            lang.code()
        ),
    )
}
