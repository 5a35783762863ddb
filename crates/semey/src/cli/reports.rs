//! `semey report`: a progress report as PDF, HTML, JSON or Typst source, drafted from today's
//! data for a period (or a stored report, or one of its published versions), optionally timed
//! (for benchmarks).

use crate::reports::{self, Document};
use crate::AppState;
use anyhow::Context;
use semey_domain::ids::ReportId;
use semey_domain::report::{Period, Report};
use semey_domain::{Lang, LocalText};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// What `semey report` was asked for.
pub(super) struct ReportArgs {
    pub report: Option<String>,
    pub period: Option<String>,
    pub lang: String,
    pub format: String,
    pub version: Option<i64>,
    pub output: Option<PathBuf>,
    pub site: String,
    pub repeat: usize,
}

/// The report to draft: the one named, else the stored one of that period, else a new one
/// on the latest resolution with no narrative yet.
async fn chosen(state: &AppState, a: &ReportArgs, lang: Lang) -> anyhow::Result<Report> {
    if let Some(id) = &a.report {
        let id: ReportId = id
            .parse()
            .map_err(|_| anyhow::anyhow!("{id:?} is not a report id"))?;
        return Ok(state.store.report(id).await?);
    }
    let Some(period) = &a.period else {
        anyhow::bail!("name a report (--report ID) or a period (--period 2021-01-01..2023-12-31)");
    };
    let period = Period::parse(period).map_err(|e| anyhow::anyhow!("--period: {e}"))?;
    let stored = state.store.reports().await?;
    if let Some(r) = stored.into_iter().find(|r| r.period == period) {
        return Ok(r);
    }
    let resolution = state
        .store
        .resolutions()
        .await?
        .into_iter()
        .max_by_key(|r| r.adopted_on);
    Ok(Report {
        id: ReportId::new(),
        title: LocalText::new().with(
            lang,
            crate::presentation::i18n::t(lang, "report-default-title"),
        ),
        period,
        resolution_id: resolution.map(|r| r.id),
        languages: vec![lang],
        narratives: Default::default(),
    })
}

fn render(state: &AppState, doc: &Document, format: &str) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        "html" => reports::html::standalone(doc).into_bytes(),
        "json" => serde_json::to_vec_pretty(doc)?,
        #[cfg(feature = "pdf")]
        "typ" => reports::pdf::source(doc).into_bytes(),
        #[cfg(feature = "pdf")]
        "pdf" => reports::pdf::render(doc, &state.config.font_dir)?,
        other => anyhow::bail!("unknown format {other:?}: pdf, html, json or typ"),
    })
}

pub(super) async fn report(state: &AppState, a: ReportArgs) -> anyhow::Result<()> {
    let lang: Lang = a
        .lang
        .parse()
        .map_err(|e: String| anyhow::anyhow!("--lang: {e}"))?;
    let report = chosen(state, &a, lang).await?;
    let mut times = Vec::new();
    let mut out = Vec::new();
    for _ in 0..a.repeat.max(1) {
        let started = Instant::now();
        let doc = match a.version {
            Some(n) => reports::version(&state.store, report.id, n, lang)
                .await?
                .with_context(|| format!("the report has no version {n} in {}", lang.code()))?,
            None => {
                reports::draft(
                    &state.store,
                    &state.config,
                    &report,
                    lang,
                    &a.site,
                    crate::results::today(),
                )
                .await?
            }
        };
        out = render(state, &doc, &a.format)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    match &a.output {
        Some(path) => std::fs::write(path, &out).with_context(|| path.display().to_string())?,
        None => std::io::stdout().write_all(&out)?,
    }
    if a.repeat > 1 {
        eprintln!(
            "report {} as {} computed {} times: {}",
            report.period,
            a.format,
            times.len(),
            super::timing::timings(&times)
        );
    }
    Ok(())
}
