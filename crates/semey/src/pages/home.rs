//! The home page: the figures, the map, the latest programmes.

use crate::presentation::chart::{Chart, Series};
use crate::presentation::format;
use crate::presentation::i18n::{self, t};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use semey_store::{Dimension, FundingFilter, Page, ProgrammeFilter};

use super::context::*;
use super::maps;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    map: String,
    latest: Vec<(String, String, String)>,
    figures: Vec<(String, String)>,
    programmes_count: String,
    chart_title: String,
    chart_svg: String,
    chart_table: String,
}

pub(super) async fn home(State(s): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let Reader {
        lang,
        query,
        chosen,
        uri,
    } = reader;
    let summary = crate::funding::summary(
        &s.store,
        &[Dimension::Area],
        &FundingFilter::default(),
        lang,
    )
    .await?;
    let total = &summary.total.usd;
    let money = |cents: i64| format::money(lang, cents, "USD");
    let figures = vec![
        (t(lang, "funding-required"), money(total.sums.required)),
        (t(lang, "funding-committed"), money(total.sums.committed)),
        (t(lang, "funding-disbursed"), money(total.sums.disbursed)),
        (t(lang, "funding-gap"), money(total.gap)),
        (
            t(lang, "funding-percent"),
            total
                .percent_funded
                .map(|p| format::percent(lang, p))
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    let (_, count) = s
        .store
        .list_programmes(&ProgrammeFilter::default(), Page::new(Some(1), None))
        .await?;
    let programmes_count = i18n::t_args(lang, "programmes-count", &[("count", count.into())]);
    let chart = Chart {
        title: t(lang, "chart-title-by-area"),
        description: t(lang, "chart-description-by-area"),
        categories: summary
            .groups
            .iter()
            .map(|g| area_name(lang, g.key.get("area").cloned().flatten().as_deref()))
            .collect(),
        series: vec![Series {
            name: t(lang, "funding-committed"),
            values: summary
                .groups
                .iter()
                .map(|g| g.money.usd.sums.committed as f64 / 100.0)
                .collect(),
        }],
    };
    let fmt = |v: f64| format::compact(lang, v);
    let map = maps::MapBox::new(&s, format!("/map/features.geojson?lang={}", lang.code())).html(
        &t(lang, "map-heading"),
        &format!(r#"<p><a href="/map">{}</a></p>"#, t(lang, "map-open")),
    );
    let latest = s
        .store
        .recent_programmes(5)
        .await?
        .into_iter()
        .map(|p| {
            (
                format!("/programmes/{}", p.id),
                p.title.best(lang).unwrap_or("").to_owned(),
                t(lang, &format!("status-{}", p.status.code())),
            )
        })
        .collect();
    let template = HomePage {
        map,
        latest,
        chart_title: chart.title.clone(),
        chart_svg: chart.bar(&fmt),
        chart_table: chart.table(&|v| format::money(lang, (v * 100.0).round() as i64, "USD")),
        c: Chrome::new(lang, &uri, query).with_map(),
        figures,
        programmes_count,
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}
