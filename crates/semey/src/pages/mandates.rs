//! The General Assembly's resolutions on the region: the list, and each resolution paragraph
//! by paragraph in the reader's language, every operative paragraph with what it asks, of whom
//! and by when.

use super::context::*;
use crate::mandates::coverage::ParagraphCoverage;
use crate::presentation::format;
use crate::presentation::i18n::t;
use crate::presentation::i18n::t_args;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use semey_domain::ids::{MandateId, ResolutionId};
use semey_domain::lang::Lang;
use semey_domain::mandate::{compare, Change, Mandate, Resolution};

struct Row {
    href: String,
    symbol: String,
    title: String,
    adopted: String,
    mandates: usize,
    reports: usize,
}

#[derive(Template)]
#[template(path = "resolutions.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
}

pub(super) async fn resolutions(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let rows = s
        .store
        .resolutions()
        .await?
        .into_iter()
        .map(|r| Row {
            href: format!("/resolutions/{}", r.id),
            title: text_in(lang, &r.title).0,
            adopted: r
                .adopted_on
                .map(|d| format::date(lang, d))
                .unwrap_or_default(),
            mandates: r.mandates.len(),
            reports: r.mandates.iter().filter(|m| m.deadline.is_some()).count(),
            symbol: r.symbol,
        })
        .collect();
    let template = ListPage {
        c: reader.chrome(),
        rows,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

struct Paragraph {
    anchor: String,
    number: u16,
    text: String,
    /// The language the text is shown in when the reader's is not held.
    other_lang: Option<String>,
    action: String,
    addressees: String,
    deadline: Option<String>,
    corrected: bool,
    /// (address, title) of the first programmes that serve it, and how many more do.
    programmes: Vec<(String, String)>,
    more: usize,
    committed: String,
    disbursed: String,
    /// (status's words, its code, how many indicators).
    indicators: Vec<(String, String, usize)>,
    gap: bool,
    /// (address, words) of the meetings, decisions and action items of the mechanism and the
    /// services that serve it.
    followups: Vec<(String, String)>,
    /// How it compares with the previous resolution's paragraphs, in words.
    change: Option<String>,
}

#[derive(Template)]
#[template(path = "resolution.html")]
struct ResolutionPage {
    c: Chrome,
    symbol: String,
    title: String,
    adopted: Option<String>,
    languages: String,
    previous: Option<(String, String)>,
    /// The previous resolution's paragraphs this one no longer has: (address, number).
    dropped: Vec<(String, u16)>,
    recalls: String,
    preamble: Vec<(String, Option<String>)>,
    paragraphs: Vec<Paragraph>,
    /// "N of M paragraphs have programmes behind them".
    served: String,
    gaps: String,
    committed: String,
    disbursed: String,
}

fn paragraph(lang: Lang, m: &Mandate) -> Paragraph {
    let (text, other_lang) = text_in(lang, &m.text);
    Paragraph {
        anchor: format!("p{}", m.number),
        number: m.number,
        text,
        other_lang,
        action: t(lang, &format!("mandate-action-{}", m.action.as_str())),
        addressees: m
            .addressees
            .iter()
            .map(|a| t(lang, &format!("mandate-addressee-{}", a.as_str())))
            .collect::<Vec<_>>()
            .join(", "),
        deadline: m.deadline.map(|d| format::date(lang, d)),
        corrected: m.corrected,
        programmes: Vec::new(),
        more: 0,
        committed: String::new(),
        disbursed: String::new(),
        indicators: Vec::new(),
        gap: false,
        followups: Vec::new(),
        change: None,
    }
}

/// A paragraph with what serves it.
fn covered(lang: Lang, p: &ParagraphCoverage) -> Paragraph {
    let mut out = paragraph(lang, &p.mandate);
    out.programmes = p
        .shown
        .iter()
        .map(|(id, title)| (format!("/programmes/{id}"), text_in(lang, title).0))
        .collect();
    out.more = p.programme_ids.len().saturating_sub(p.shown.len());
    out.committed = format::money(lang, p.usd.committed, "USD");
    out.disbursed = format::money(lang, p.usd.disbursed, "USD");
    out.indicators = p
        .indicators
        .iter()
        .map(|(code, n)| (t(lang, &format!("results-status-{code}")), code.clone(), *n))
        .collect();
    out.gap = p.gap;
    let today = crate::results::today();
    out.followups = p
        .meetings
        .iter()
        .map(|m| {
            (
                format!("/meetings/{}", m.id),
                format!(
                    "{} {}: {}",
                    t(lang, "coordination-meeting"),
                    format::date(lang, m.starts_at.date()),
                    text_in(lang, &m.title).0
                ),
            )
        })
        .chain(p.decisions.iter().map(|d| {
            (
                format!("/meetings/{}#decision-{}", d.meeting_id, d.number),
                format!(
                    "{} {}: {}",
                    t(lang, "coordination-decision"),
                    d.number,
                    text_in(lang, &d.text).0
                ),
            )
        }))
        .chain(p.actions.iter().map(|a| {
            let overdue = if a.overdue(today) {
                format!(" — {}", t(lang, "coordination-overdue"))
            } else {
                String::new()
            };
            (
                format!("/meetings/{}#action-{}", a.meeting_id, a.id),
                format!(
                    "{} ({}){overdue}",
                    text_in(lang, &a.title).0,
                    t(lang, &format!("action-status-{}", a.status.as_str()))
                ),
            )
        }))
        .chain(p.services.iter().map(|(id, name)| {
            (
                format!("/services/{id}"),
                format!("{}: {}", t(lang, "nav-services"), text_in(lang, name).0),
            )
        }))
        .collect();
    out
}

pub(super) async fn resolution(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ResolutionId>() else {
        return Ok(reader.not_found());
    };
    let Some(r): Option<Resolution> = found(s.store.resolution(id).await)? else {
        return Ok(reader.not_found());
    };
    let lang = reader.lang;
    let cov = crate::mandates::coverage::coverage(&s.store, &r).await?;
    let before = match r.previous_id {
        Some(p) => found(s.store.resolution(p).await)?,
        None => None,
    };
    let changes = before.as_ref().map(|b| compare(b, &r));
    let previous = before
        .as_ref()
        .map(|p| (format!("/resolutions/{}", p.id), p.symbol.clone()));
    let mut paragraphs: Vec<Paragraph> = cov.paragraphs.iter().map(|p| covered(lang, p)).collect();
    if let Some(c) = &changes {
        for (p, (_, change)) in paragraphs.iter_mut().zip(&c.paragraphs) {
            p.change = Some(match change {
                Change::Same { previous } => {
                    t_args(lang, "mandates-same", &[("n", i64::from(*previous).into())])
                }
                Change::Changed { previous } => t_args(
                    lang,
                    "mandates-changed",
                    &[("n", i64::from(*previous).into())],
                ),
                Change::New => t(lang, "mandates-new"),
            });
        }
    }
    let dropped = match (&changes, &before) {
        (Some(c), Some(b)) => c
            .dropped
            .iter()
            .map(|n| (format!("/resolutions/{}#p{n}", b.id), *n))
            .collect(),
        _ => Vec::new(),
    };
    let template = ResolutionPage {
        c: reader.chrome(),
        title: text_in(lang, &r.title).0,
        adopted: r.adopted_on.map(|d| format::date(lang, d)),
        languages: Lang::ALL
            .into_iter()
            .filter(|l| r.title.get(*l).is_some())
            .map(|l| t(lang, &format!("language-{}", l.code())))
            .collect::<Vec<_>>()
            .join(", "),
        previous,
        recalls: r.recalls.join(", "),
        preamble: r.preamble.iter().map(|p| text_in(lang, p)).collect(),
        paragraphs,
        dropped,
        served: t_args(
            lang,
            "mandates-served",
            &[
                (
                    "served",
                    (cov.paragraphs.iter().filter(|p| !p.gap).count() as i64).into(),
                ),
                ("all", (cov.paragraphs.len() as i64).into()),
            ],
        ),
        gaps: cov
            .gaps()
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        committed: format::money(lang, cov.usd.committed, "USD"),
        disbursed: format::money(lang, cov.usd.disbursed, "USD"),
        symbol: r.symbol,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

#[derive(Template)]
#[template(path = "mandate.html")]
struct MandatePage {
    c: Chrome,
    symbol: String,
    resolution: String,
    p: Paragraph,
}

/// One mandate: its paragraph, what it asks, of whom and by when, and its resolution.
pub(super) async fn mandate(
    State(s): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<MandateId>() else {
        return Ok(reader.not_found());
    };
    let m = {
        let mut tx = s.store.begin_read().await?;
        found(s.store.mandate_in(&mut tx, id).await)?
    };
    let Some(m) = m else {
        return Ok(reader.not_found());
    };
    let r = s.store.resolution(m.resolution_id).await?;
    let lang = reader.lang;
    let template = MandatePage {
        c: reader.chrome(),
        symbol: r.symbol,
        resolution: format!("/resolutions/{}#p{}", r.id, m.number),
        p: paragraph(lang, &m),
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}
