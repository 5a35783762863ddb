//! Funding: the tables by area, year, donor, region, district and origin, and the
//! transactions behind every figure.

use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::presentation::i18n::{self, t};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId};
use semey_domain::programme::ThematicArea;
use semey_store::{Dimension, FundingFilter, Page, ProgrammeFilter};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::context::*;

/// A row of a funding table: its label and, per column, the figure and the link to the
/// transactions behind it.
struct FundingRow {
    label: String,
    cells: Vec<(String, Option<String>)>,
}

struct FundingTable {
    heading: String,
    chart: Option<String>,
    columns: Vec<String>,
    rows: Vec<FundingRow>,
}

#[derive(Template)]
#[template(path = "funding.html")]
struct FundingPage {
    c: Chrome,
    tables: Vec<FundingTable>,
    /// In-kind contributions by kind: kind, how many, declared value; the last row all of them.
    in_kind: Vec<(String, String, String)>,
}

/// In-kind contributions by kind as table rows (kind, number, declared value in USD), with a
/// row for all of them; none when nothing was given in kind.
fn in_kind_rows(
    lang: semey_domain::Lang,
    summary: &crate::funding::InKindSummary,
) -> Vec<(String, String, String)> {
    if summary.total.count == 0 {
        return Vec::new();
    }
    summary
        .groups
        .iter()
        .chain([&summary.total])
        .map(|g| {
            (
                match g.category {
                    Some(k) => t(lang, &format!("inkind-{}", k.as_str())),
                    None => t(lang, "funding-in-kind-total"),
                },
                format::integer(lang, g.count),
                format::money(lang, g.usd, "USD"),
            )
        })
        .collect()
}

/// The measures of a funding table, with the transaction measure each figure links to.
const FUNDING_COLUMNS: [(&str, Option<&str>); 7] = [
    ("funding-required", None),
    ("funding-pledged", Some("pledged")),
    ("funding-committed", Some("committed")),
    ("funding-disbursed", Some("disbursed")),
    ("funding-spent", Some("spent")),
    ("funding-gap", None),
    ("funding-percent", None),
];

/// Funding by area, year, donor, region and origin; every figure links to its transactions.
pub(super) async fn funding(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    use semey_domain::place::PlaceLevel;
    let views: [(&str, Dimension, &str); 6] = [
        ("funding-by-area", Dimension::Area, "area"),
        ("funding-by-year", Dimension::Year, "year"),
        ("funding-by-donor", Dimension::Organisation, "provider"),
        (
            "funding-by-region",
            Dimension::Place(Some(PlaceLevel::Region)),
            "place",
        ),
        (
            "funding-by-district",
            Dimension::Place(Some(PlaceLevel::District)),
            "place",
        ),
        ("funding-by-origin", Dimension::Origin, "origin"),
    ];
    let mut tables = Vec::new();
    for (heading, dim, param) in views {
        // Requirements belong to programmes, not to donors or to an origin of money: those
        // tables show money only.
        let money_only = matches!(dim, Dimension::Organisation | Dimension::Origin);
        let keep = |i: usize| !money_only || (1..=4).contains(&i);
        let summary =
            crate::funding::summary(&s.store, &[dim], &FundingFilter::default(), lang).await?;
        let mut rows = Vec::new();
        for g in &summary.groups {
            let value = g.key.get(dim.name()).cloned().flatten();
            let label = match (dim, &value) {
                (Dimension::Area, v) => area_name(lang, v.as_deref()),
                (Dimension::Origin, Some(o)) => t(lang, &format!("funding-{o}")),
                (_, Some(v)) => g
                    .labels
                    .get(dim.name())
                    .cloned()
                    .unwrap_or_else(|| v.clone()),
                (_, None) => t(lang, "funding-no-provider"),
            };
            let m = &g.money.usd;
            let figures = [
                format::money(lang, m.sums.required, "USD"),
                format::money(lang, m.sums.pledged, "USD"),
                format::money(lang, m.sums.committed, "USD"),
                format::money(lang, m.sums.disbursed, "USD"),
                format::money(lang, m.sums.spent, "USD"),
                format::money(lang, m.gap, "USD"),
                m.percent_funded
                    .map(|p| format::percent(lang, p))
                    .unwrap_or_else(|| "—".into()),
            ];
            if money_only
                && [
                    m.sums.pledged,
                    m.sums.committed,
                    m.sums.disbursed,
                    m.sums.spent,
                ]
                .iter()
                .all(|v| *v == 0)
            {
                continue;
            }
            let cells = figures
                .into_iter()
                .zip(FUNDING_COLUMNS)
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, (figure, (_, measure)))| {
                    let link = match (measure, &value) {
                        (Some(m), Some(v)) => Some(format!(
                            "/transactions?{param}={}&measure={m}&lang={}",
                            urlencode(v),
                            lang.code()
                        )),
                        _ => None,
                    };
                    (figure, link)
                })
                .collect();
            let label = match (dim, &value) {
                (Dimension::Place(_), Some(id)) => {
                    format!(
                        r#"<a href="/places/{}">{}</a>"#,
                        urlencode(id),
                        html_escape(&label)
                    )
                }
                _ => html_escape(&label),
            };
            rows.push(FundingRow { label, cells });
        }
        // Requirements against committed money, where both belong.
        let chart = matches!(dim, Dimension::Year | Dimension::Area).then(|| {
            let origin_chart = Chart {
                title: t(lang, heading),
                description: t(lang, "funding-requirements-chart-description"),
                categories: summary
                    .groups
                    .iter()
                    .map(|g| match dim {
                        Dimension::Area => {
                            area_name(lang, g.key.get("area").cloned().flatten().as_deref())
                        }
                        _ => g.key.get("year").cloned().flatten().unwrap_or_default(),
                    })
                    .collect(),
                series: vec![
                    Series {
                        name: t(lang, "funding-required"),
                        values: summary
                            .groups
                            .iter()
                            .map(|g| g.money.usd.sums.required as f64 / 100.0)
                            .collect(),
                    },
                    Series {
                        name: t(lang, "funding-committed"),
                        values: summary
                            .groups
                            .iter()
                            .map(|g| g.money.usd.sums.committed as f64 / 100.0)
                            .collect(),
                    },
                ],
            };
            origin_chart.bar(&|v| format::compact(lang, v))
        });
        tables.push(FundingTable {
            heading: t(lang, heading),
            chart,
            columns: FUNDING_COLUMNS
                .iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, (k, _))| t(lang, k))
                .collect(),
            rows,
        });
    }
    let in_kind = crate::funding::in_kind(&s.store, &FundingFilter::default()).await?;
    let template = FundingPage {
        in_kind: in_kind_rows(lang, &in_kind),
        tables,
        c: Chrome::new(lang, &uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

struct TransactionLine {
    date: String,
    programme: String,
    programme_href: String,
    kind: String,
    amount: String,
    usd: String,
    provider: String,
}

#[derive(Template)]
#[template(path = "transactions.html")]
struct TransactionsPage {
    c: Chrome,
    error: Option<String>,
    count: String,
    rows: Vec<TransactionLine>,
}

/// The transactions behind a figure: the funding page's filters as query parameters.
pub(super) async fn transactions(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let mut bad: Vec<&str> = Vec::new();
    let mut parsed = |name: &'static str, ok: bool| {
        if !ok {
            bad.push(name);
        }
    };
    let area = get("area").map(|a| ThematicArea::parse(&a));
    parsed("area", !matches!(area, Some(Err(_))));
    let year = get("year").map(|y| y.parse::<i32>());
    parsed("year", !matches!(year, Some(Err(_))));
    let place = get("place").map(|p| p.parse::<PlaceId>());
    parsed("place", !matches!(place, Some(Err(_))));
    let provider = get("provider").map(|p| p.parse::<OrganisationId>());
    parsed("provider", !matches!(provider, Some(Err(_))));
    let origin = get("origin").map(|o| semey_domain::funding::Origin::parse(&o));
    parsed("origin", !matches!(origin, Some(Err(_))));
    let measure = get("measure").map(|m| semey_domain::funding::Measure::parse(&m));
    parsed("measure", !matches!(measure, Some(Err(_))));
    let error = (!bad.is_empty()).then(|| {
        i18n::t_args(
            lang,
            "error-invalid-parameter",
            &[("field", bad.join(", ").into())],
        )
    });
    let filter = semey_store::TransactionFilter {
        programmes: ProgrammeFilter {
            area: area.and_then(Result::ok),
            place: place.and_then(Result::ok),
            ..Default::default()
        },
        year: year.and_then(Result::ok),
        provider_org_id: provider.and_then(Result::ok),
        origin: origin.and_then(Result::ok),
        measure: measure.and_then(Result::ok),
        // A figure counts money where it entered the platform: flows between programmes are not in it.
        internal: Some(false),
        ..Default::default()
    };
    let (list, total) = s
        .store
        .list_transactions(&filter, Page::new(Some(200), None))
        .await?;
    let mut titles: HashMap<ProgrammeId, String> = HashMap::new();
    let mut orgs: HashMap<OrganisationId, String> = HashMap::new();
    let mut rows = Vec::with_capacity(list.len());
    for tx in list {
        if let Entry::Vacant(e) = titles.entry(tx.programme_id) {
            e.insert(
                s.store
                    .programme(tx.programme_id)
                    .await?
                    .title
                    .best(lang)
                    .unwrap_or("")
                    .to_owned(),
            );
        }
        let provider = match tx.provider_org_id {
            Some(o) => {
                if let Entry::Vacant(e) = orgs.entry(o) {
                    e.insert(
                        s.store
                            .organisation(o)
                            .await?
                            .name
                            .best(lang)
                            .unwrap_or("")
                            .to_owned(),
                    );
                }
                orgs[&o].clone()
            }
            None => t(lang, "funding-no-provider"),
        };
        rows.push(TransactionLine {
            date: format::date(lang, tx.date),
            programme: titles[&tx.programme_id].clone(),
            programme_href: format!("/programmes/{}", tx.programme_id),
            kind: t(lang, &format!("txtype-{}", tx.transaction_type.code())),
            amount: format::amount(lang, tx.amount, tx.currency),
            usd: format::money(lang, tx.converted.usd, "USD"),
            provider,
        });
    }
    let template = TransactionsPage {
        error,
        count: i18n::t_args(lang, "transactions-count", &[("count", total.into())]),
        rows,
        c: Chrome::new(lang, &uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}
