//! The results forms: a programme's result with its indicators (the chain), and an
//! indicator's values as a grid — periods across, figures and their splits down — that works
//! by keyboard and scrolls sideways on a phone. The programme's reporting organisation
//! proposes, coordinators publish; a grid's periods are written together or not at all.

use super::common::*;
use super::form::{message, Form};
use crate::pages::context::{found, page, Chrome};
use crate::presentation::i18n::t;
use crate::records::{write_all, Channel, Written};
use crate::results::PeriodKey;
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use semey_domain::error::FieldError;
use semey_domain::ids::{IndicatorId, ResultId};
use semey_domain::results::{AgeGroup, Figure, Period, ProgrammeResult, Sex, Split};
use semey_domain::Lang;
use std::collections::HashMap;
use time::Date;

/// This feature's forms: a GET shows one, a POST saves it.
pub(super) fn form_routes() -> Vec<Route> {
    vec![
        Route::page(
            "/workspace/results/new",
            get(new_result).post(post_new_result),
        ),
        Route::page(
            "/workspace/results/{id}",
            get(edit_result).post(post_result),
        ),
        Route::page(
            "/workspace/indicators/{id}/values",
            get(values_grid).post(post_values),
        ),
    ]
}

fn result_form() -> FormOf {
    FormOf {
        kind: "result",
        path: "/workspace/results",
        lists: RESULT_LISTS,
        arrays: RESULT_ARRAYS,
    }
}

async fn new_result(State(s): State<AppState>, cx: Ctx) -> Result<Response, AppError> {
    let mut values = vec![("result_type".to_owned(), "output".to_owned())];
    if let Some(p) = cx.param("programme") {
        values.push(("programme_id".into(), p.to_owned()));
    }
    let f = Form::new(cx.lang, values);
    show(
        &s,
        cx,
        "result",
        "form-new-result",
        "/workspace/results/new".into(),
        f,
        None,
    )
    .await
}

async fn edit_result(
    State(s): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ResultId>() else {
        return Ok(cx.not_found());
    };
    let Some(result) = found(s.store.result(id).await)? else {
        return Ok(cx.not_found());
    };
    let saved = cx.param("saved").and_then(|_| {
        saved_notice(
            cx.lang,
            format!("/programmes/{}/results", result.programme_id),
        )
    });
    // Each indicator's values are entered on its own grid.
    let best = |t: &semey_domain::LocalText| t.best(cx.lang).unwrap_or_default().to_owned();
    let links = Links {
        values: result
            .indicators
            .iter()
            .filter_map(|i| {
                let id = i.id?;
                Some((format!("/workspace/indicators/{id}/values"), best(&i.title)))
            })
            .collect(),
        ..Default::default()
    };
    let f = Form::new(cx.lang, pairs_of(&result, RESULT_LISTS));
    show_with(
        &s,
        cx,
        "result",
        "form-edit-result",
        format!("/workspace/results/{id}"),
        f,
        saved,
        links,
    )
    .await
}

async fn post_new_result(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    save_form::<ProgrammeResult>(&s, &actor, cx, None, body, result_form()).await
}

async fn post_result(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ResultId>() else {
        return Ok(cx.not_found());
    };
    if found(s.store.result(id).await)?.is_none() {
        return Ok(cx.not_found());
    }
    save_form::<ProgrammeResult>(&s, &actor, cx, Some(id), body, result_form()).await
}

/// One cell of the grid: an input named `c{column}.{row}`.
pub(super) struct Cell {
    name: String,
    id: String,
    value: String,
    /// What a screen reader says for it: the row's label and the column's.
    label: String,
    kind: &'static str,
    error: Option<String>,
}

/// One row of the grid: a figure, a comment or one part of a split, for every period.
pub(super) struct GridRow {
    /// A heading row starts a section (the period, the target, the actual).
    section: Option<String>,
    label: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "values.html")]
pub(super) struct ValuesPage {
    c: Chrome,
    heading: String,
    programme_href: String,
    programme_title: String,
    results_href: String,
    measure: String,
    action: String,
    columns: Vec<String>,
    rows: Vec<GridRow>,
    /// Where each stored period's column started (`c{n}.was`), so a changed start replaces it.
    hidden: Vec<(String, String)>,
    summary: String,
    saved: Option<(String, String)>,
}

/// The rows of a figure (`target` or `actual`) below its value: its comment, its document (the
/// actual's), and a row for each key of each dimension people can split it by here.
fn figure_rows(lang: Lang, groups: &[String]) -> Vec<(String, String)> {
    let mut rows = vec![("comment".to_owned(), t(lang, "values-comment"))];
    rows.push(("document".into(), t(lang, "results-source")));
    for s in Sex::ALL {
        rows.push((
            format!("split.sex.{}", s.as_str()),
            t(lang, &format!("results-sex-{}", s.as_str())),
        ));
    }
    for a in AgeGroup::ALL {
        rows.push((
            format!("split.age_group.{}", a.as_str()),
            t(
                lang,
                &format!("results-age_group-{}", a.as_str().replace('+', "plus")),
            ),
        ));
    }
    for g in groups {
        rows.push((
            format!("split.target_group.{g}"),
            t(lang, &format!("group-{g}")),
        ));
    }
    rows
}

/// The grid's values of a stored period in column `n`.
fn period_values(n: usize, p: &Period, out: &mut HashMap<String, String>) {
    out.insert(format!("c{n}.was"), p.start.to_string());
    out.insert(format!("c{n}.start"), p.start.to_string());
    out.insert(format!("c{n}.end"), p.end.to_string());
    for (name, f) in [("target", &p.target), ("actual", &p.actual)] {
        let Some(f) = f else { continue };
        out.insert(format!("c{n}.{name}.value"), f.value.clone());
        out.insert(format!("c{n}.{name}.comment"), f.comment.clone());
        out.insert(
            format!("c{n}.{name}.document"),
            f.document.clone().unwrap_or_default(),
        );
        for s in &f.splits {
            out.insert(
                format!("c{n}.{name}.split.{}.{}", s.dimension, s.key),
                s.value.clone(),
            );
        }
    }
}

/// What the grid shows about an indicator: its title, programme, measure and periods.
struct GridOf {
    indicator: IndicatorId,
    title: String,
    programme: semey_domain::programme::Programme,
    measure: String,
    periods: Vec<Period>,
}

async fn grid_of(s: &AppState, lang: Lang, id: IndicatorId) -> Result<Option<GridOf>, AppError> {
    let Some(row) = found(s.store.indicator(id).await)? else {
        return Ok(None);
    };
    let programme = s.store.programme(row.programme_id).await?;
    let ind = &row.indicator;
    let mut measure = t(lang, &format!("results-measure-{}", ind.measure.as_str()));
    if !ind.unit.is_empty() {
        measure = format!("{measure} ({})", ind.unit);
    }
    if !ind.levels.is_empty() {
        measure = format!("{measure}: {}", ind.levels.join(", "));
    }
    Ok(Some(GridOf {
        indicator: id,
        title: ind.title.best(lang).unwrap_or_default().to_owned(),
        programme,
        measure,
        periods: s.store.periods(id).await?,
    }))
}

/// The grid's problems above it, each linking to its cell and named by the cell's row and
/// period.
fn error_summary(lang: Lang, rows: &[GridRow], errors: &[FieldError]) -> String {
    use crate::presentation::escape::html as esc;
    if errors.is_empty() {
        return String::new();
    }
    let mut out = format!(
        r#"<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>{}</h2><ul>"#,
        esc(&t(lang, "form-has-errors"))
    );
    for e in errors {
        let cell = rows
            .iter()
            .flat_map(|r| &r.cells)
            .find(|c| c.name == e.field);
        let (id, label) = cell.map_or(("", e.field.as_str()), |c| (&c.id, &c.label));
        out.push_str(&format!(
            r##"<li><a href="#{}">{}</a>: {}</li>"##,
            esc(id),
            esc(label),
            esc(&message(lang, e))
        ));
    }
    out.push_str("</ul></div>");
    out
}

/// Renders the grid with `values` (as stored, or as posted) and their errors.
fn grid_page(
    cx: Ctx,
    g: &GridOf,
    values: &HashMap<String, String>,
    errors: &[FieldError],
    saved: Option<(String, String)>,
) -> Response {
    let lang = cx.lang;
    // The stored periods, then blank columns for new ones (at least two).
    let used = (0..)
        .take_while(|n| values.keys().any(|k| k.starts_with(&format!("c{n}."))))
        .count();
    let columns: Vec<String> = (0..used.max(g.periods.len()) + 2)
        .map(|n| {
            match (
                values.get(&format!("c{n}.start")),
                values.get(&format!("c{n}.end")),
            ) {
                (Some(s), Some(e)) if !s.is_empty() && !e.is_empty() => format!("{s} – {e}"),
                _ => t(lang, "values-new-period"),
            }
        })
        .collect();
    let groups: Vec<String> = g
        .programme
        .target_groups
        .iter()
        .map(|x| x.as_str().to_owned())
        .collect();
    let mut layout: Vec<(Option<String>, String, String, &'static str)> = vec![
        (
            Some(t(lang, "values-period")),
            "start".into(),
            t(lang, "form-period-start"),
            "date",
        ),
        (None, "end".into(), t(lang, "form-period-end"), "date"),
    ];
    for figure in ["target", "actual"] {
        let heading = t(lang, &format!("results-{figure}"));
        layout.push((
            Some(heading.clone()),
            format!("{figure}.value"),
            heading.clone(),
            "text",
        ));
        for (field, label) in figure_rows(lang, &groups) {
            layout.push((
                None,
                format!("{figure}.{field}"),
                format!("{heading} · {label}"),
                "text",
            ));
        }
    }
    let rows: Vec<GridRow> = layout
        .into_iter()
        .map(|(section, field, label, kind)| GridRow {
            section,
            cells: columns
                .iter()
                .enumerate()
                .map(|(n, column)| {
                    let name = format!("c{n}.{field}");
                    Cell {
                        id: format!("f-c{n}-{}", field.replace('.', "-")),
                        value: values.get(&name).cloned().unwrap_or_default(),
                        label: format!("{label}, {column}"),
                        kind,
                        error: errors
                            .iter()
                            .find(|e| e.field == name)
                            .map(|e| message(lang, e)),
                        name,
                    }
                })
                .collect(),
            label,
        })
        .collect();
    let summary = error_summary(lang, &rows, errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let programme = g.programme.id;
    let template = ValuesPage {
        heading: crate::presentation::i18n::t_args(
            lang,
            "values-heading",
            &[("indicator", g.title.clone().into())],
        ),
        programme_href: format!("/programmes/{programme}"),
        programme_title: g.programme.title.best(lang).unwrap_or_default().to_owned(),
        results_href: format!("/programmes/{programme}/results"),
        measure: g.measure.clone(),
        action: format!("/workspace/indicators/{}/values", g.indicator),
        hidden: (0..columns.len())
            .filter_map(|n| {
                let name = format!("c{n}.was");
                let v = values.get(&name).filter(|v| !v.is_empty())?;
                Some((name, v.clone()))
            })
            .collect(),
        columns,
        rows,
        summary,
        saved,
        c: cx.chrome,
    };
    page(&template, status, cx.chosen.then_some(lang))
}

async fn values_grid(
    State(s): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<IndicatorId>() else {
        return Ok(cx.not_found());
    };
    let Some(g) = grid_of(&s, cx.lang, id).await? else {
        return Ok(cx.not_found());
    };
    let mut values = HashMap::new();
    for (n, p) in g.periods.iter().enumerate() {
        period_values(n, p, &mut values);
    }
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/programmes/{}/results", g.programme.id)));
    Ok(grid_page(cx, &g, &values, &[], saved))
}

/// A period as a column of the grid says it, with where each of its figures' splits came
/// from (to name a split's problem at its cell).
struct Column {
    n: usize,
    was: Option<Date>,
    period: Period,
    split_cells: [Vec<String>; 2],
}

/// Reads the grid's columns: the periods whose cells changed, or the problems of the cells.
fn read_columns(
    indicator: IndicatorId,
    stored: &[Period],
    values: &HashMap<String, String>,
) -> Result<Vec<Column>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    let count = values
        .keys()
        .filter_map(|k| {
            k.strip_prefix('c')?
                .split('.')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .max()
        .map_or(0, |m| m + 1)
        .min(500);
    let date = |s: &str| Date::parse(s, &time::format_description::well_known::Iso8601::DATE);
    for n in 0..count {
        let get = |f: &str| values.get(&format!("c{n}.{f}")).map_or("", |v| v.trim());
        let prefix = format!("c{n}.");
        let filled = values.iter().any(|(k, v)| {
            k.starts_with(&prefix) && k != &format!("c{n}.was") && !v.trim().is_empty()
        });
        let was = date(get("was")).ok();
        if !filled {
            // An empty new column; an emptied stored one is left as stored.
            continue;
        }
        let (start, end) = (date(get("start")), date(get("end")));
        for (field, d) in [("start", &start), ("end", &end)] {
            if d.is_err() {
                errors.push(FieldError::new(
                    format!("c{n}.{field}"),
                    "invalid_date",
                    format!("{:?} is not a date (YYYY-MM-DD)", get(field)),
                ));
            }
        }
        let (Ok(start), Ok(end)) = (start, end) else {
            continue;
        };
        let old = was.and_then(|w| stored.iter().find(|p| p.start == w));
        let mut split_cells: [Vec<String>; 2] = Default::default();
        let mut figure = |which: usize, name: &str| -> Option<Figure> {
            let stored_fig = old.and_then(|p| {
                if which == 0 {
                    p.target.as_ref()
                } else {
                    p.actual.as_ref()
                }
            });
            let mut splits = Vec::new();
            let split_prefix = format!("c{n}.{name}.split.");
            let mut keys: Vec<(&String, &String)> = values
                .iter()
                .filter(|(k, v)| k.starts_with(&split_prefix) && !v.trim().is_empty())
                .collect();
            keys.sort();
            for (k, v) in keys {
                let Some((dimension, key)) = k[split_prefix.len()..].split_once('.') else {
                    continue;
                };
                split_cells[which].push(k.clone());
                splits.push(Split {
                    dimension: dimension.to_owned(),
                    key: key.to_owned(),
                    value: v.trim().to_owned(),
                });
            }
            // Splits by place come from files; the grid keeps them as they are.
            for s in stored_fig.iter().flat_map(|f| &f.splits) {
                if s.dimension == "place" {
                    split_cells[which].push(format!("c{n}.{name}.value"));
                    splits.push(s.clone());
                }
            }
            let value = get(&format!("{name}.value"));
            let comment = get(&format!("{name}.comment"));
            let document = get(&format!("{name}.document"));
            if value.is_empty() && comment.is_empty() && document.is_empty() && splits.is_empty() {
                return None;
            }
            Some(Figure {
                value: value.to_owned(),
                comment: comment.to_owned(),
                document: Some(document.to_owned()).filter(|d| !d.is_empty()),
                splits,
            })
        };
        let period = Period {
            indicator_id: indicator,
            start,
            end,
            target: figure(0, "target"),
            actual: figure(1, "actual"),
        };
        if old == Some(&period) {
            continue;
        }
        columns.push(Column {
            n,
            was: old.map(|p| p.start),
            period,
            split_cells,
        });
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// A period's problem named at its cell of the grid.
fn at_cell(c: &Column, e: FieldError) -> FieldError {
    let n = c.n;
    let field = e.field.clone();
    let (figure, rest) = field.split_once('.').unwrap_or((field.as_str(), ""));
    let which = match figure {
        "target" => Some(0),
        "actual" => Some(1),
        _ => None,
    };
    let cell = match (which, rest) {
        (None, _) if figure == "end" => format!("c{n}.end"),
        (None, _) => format!("c{n}.start"),
        (Some(w), r) if r.starts_with("splits[") => r[7..]
            .split(']')
            .next()
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| c.split_cells[w].get(i).cloned())
            .unwrap_or(format!("c{n}.{figure}.value")),
        (Some(_), "comment" | "document") => format!("c{n}.{field}"),
        (Some(_), _) => format!("c{n}.{figure}.value"),
    };
    FieldError { field: cell, ..e }
}

async fn post_values(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<IndicatorId>() else {
        return Ok(cx.not_found());
    };
    let Some(g) = grid_of(&s, cx.lang, id).await? else {
        return Ok(cx.not_found());
    };
    let values: HashMap<String, String> = posted(&body)
        .into_iter()
        .filter(|(k, _)| k.starts_with('c'))
        .collect();
    let columns = match read_columns(id, &g.periods, &values) {
        Ok(c) => c,
        Err(errors) => return Ok(grid_page(cx, &g, &values, &errors, None)),
    };
    if columns.is_empty() {
        return Ok(
            Redirect::to(&format!("/workspace/indicators/{id}/values?saved=1")).into_response(),
        );
    }
    let items = columns
        .iter()
        .map(|c| {
            (
                c.was.map(|start| PeriodKey {
                    indicator: id,
                    start,
                }),
                c.period.clone(),
            )
        })
        .collect();
    match write_all::<Period>(&s.store, &actor, items, Channel::Form).await {
        Ok(written) => {
            let proposals: Vec<_> = written
                .iter()
                .filter_map(|w| match w {
                    Written::Proposed(p) => Some(p),
                    Written::Published { .. } => None,
                })
                .collect();
            Ok(match proposals.as_slice() {
                [] => Redirect::to(&format!("/workspace/indicators/{id}/values?saved=1"))
                    .into_response(),
                [one] => to_proposal(one),
                _ => Redirect::to("/workspace/proposals").into_response(),
            })
        }
        Err((i, e)) => {
            let errors = form_errors(e)?
                .into_iter()
                .map(|e| at_cell(&columns[i], e))
                .collect::<Vec<_>>();
            Ok(grid_page(cx, &g, &values, &errors, None))
        }
    }
}
