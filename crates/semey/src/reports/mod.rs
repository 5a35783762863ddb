//! The progress report on the resolution's implementation (C8). A report is a record of the
//! coordinators (title, period, languages, a narrative per section) on the one record path; its
//! tables and charts are computed from the data for the period ([`figures`]) into a
//! [`Document`] per language. A draft's document changes with the data; publishing freezes the
//! documents of every publishing language as a numbered version, which is never written again,
//! so the published HTML and PDF stay byte-identical whatever data arrives later. [`diff`] says
//! what changed since the previous version; [`pdf`] typesets a document with Typst.

pub mod diff;
pub mod figures;
pub mod html;
#[cfg(feature = "pdf")]
pub mod pdf;

use crate::accounts::Actor;
use crate::presentation::chart::Chart;
use crate::records::{kept_whole, Owned};
use crate::AppError;
use semey_domain::ids::ReportId;
use semey_domain::record::RecordKind;
use semey_domain::report::{Period, Report, ReportInput, Section};
use semey_domain::Lang;
use semey_store::{ReportVersion, Store};
use serde::{Deserialize, Serialize};
use time::Date;

kept_whole!(
    Report,
    RecordKind::Report,
    ReportId,
    ReportInput,
    save_report,
    report_in
);
impl Owned for Report {}
impl Owned for ReportInput {}

/// A report in one language, with its figures: what the page, the PDF and a frozen version
/// show. Everything is already in the reader's language (numbers formatted, names chosen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ReportDocument)]
pub struct Document {
    #[schema(value_type = String, format = Uuid)]
    pub report_id: ReportId,
    pub lang: Lang,
    pub title: String,
    pub period: Period,
    /// The published version this is (`None`: the draft, computed now).
    pub version: Option<i64>,
    /// When the version was published (RFC 3339, UTC).
    pub published_at: Option<String>,
    /// The day the figures were computed.
    #[schema(value_type = String, format = Date)]
    #[serde(with = "semey_domain::day")]
    pub as_of: Date,
    /// The site the figures' sources are on (`https://semey.example`).
    pub site: String,
    /// Each section: `section`, `heading`, `narrative`, and `blocks` (a `key`, a `caption`,
    /// the `source` query, and `facts`, a table's `columns` and `rows`, or a `chart`).
    #[schema(value_type = Vec<Object>)]
    pub sections: Vec<SectionDoc>,
}

/// One section: its heading, the coordinators' narrative, and the figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionDoc {
    pub section: Section,
    pub heading: String,
    /// Paragraphs separated by blank lines; empty while nobody has written it.
    pub narrative: String,
    pub blocks: Vec<Block>,
}

/// A table, a chart or a few key figures, with the query that lists what it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Stable within a report (`resources.by_year`): what versions are compared by.
    pub key: String,
    pub caption: String,
    /// Path (on `Document::site`) of the page or API query listing the records behind it.
    pub source: String,
    #[serde(flatten)]
    pub content: Content,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    Facts {
        facts: Vec<Fact>,
    },
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Chart {
        stacked: bool,
        unit: Unit,
        chart: Chart,
    },
}

/// One key figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub key: String,
    pub label: String,
    pub value: f64,
    /// The value as the reader reads it (`$1.2 million`, `12 %`).
    pub text: String,
    /// Path of the page or API query listing what it counts.
    pub source: String,
}

/// What a chart's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    /// US dollars (whole).
    Usd,
}

impl Unit {
    pub fn format(self, lang: Lang, v: f64) -> String {
        use crate::presentation::format;
        match self {
            Unit::Count => format::integer(lang, v.round() as i64),
            Unit::Usd => format::compact(lang, v),
        }
    }
}

impl Document {
    /// Each figure's source as a full address.
    pub fn address(&self, source: &str) -> String {
        format!("{}{source}", self.site.trim_end_matches('/'))
    }

    /// "01.01.2021 — 31.12.2023" in the document's language.
    pub fn period_line(&self) -> String {
        use crate::presentation::format::date;
        format!(
            "{} — {}",
            date(self.lang, self.period.start),
            date(self.lang, self.period.end)
        )
    }

    /// "Version 2 · 2026-12-02T10:00:00Z", or "Draft · 02.12.2026" (the figures' day).
    pub fn state_line(&self) -> String {
        use crate::presentation::i18n::t;
        match self.version {
            Some(n) => format!(
                "{} {n} · {}",
                t(self.lang, "report-version"),
                self.published_at.as_deref().unwrap_or_default()
            ),
            None => format!(
                "{} · {}",
                t(self.lang, "report-draft"),
                crate::presentation::format::date(self.lang, self.as_of)
            ),
        }
    }

    /// The sections whose narrative is still empty.
    pub fn empty_sections(&self) -> Vec<&SectionDoc> {
        self.sections
            .iter()
            .filter(|s| s.narrative.trim().is_empty())
            .collect()
    }
}

/// The draft document of `report` in `lang`, computed from today's data.
pub async fn draft(
    store: &Store,
    config: &crate::config::Config,
    report: &Report,
    lang: Lang,
    site: &str,
    today: Date,
) -> Result<Document, AppError> {
    let data = figures::Data::load(store, config, report, today).await?;
    Ok(figures::document(&data, report, lang, site, today))
}

/// Publishes a report: refuses while a section is empty in one of its languages (naming them
/// all); otherwise freezes the document of every publishing language as the next version and
/// audits it, in one transaction. Returns the version's number.
pub async fn publish(
    store: &Store,
    config: &crate::config::Config,
    actor: &Actor,
    id: ReportId,
    site: &str,
) -> Result<i64, AppError> {
    crate::records::may_change(RecordKind::Report, &actor.principal, None)?;
    let report = store.report(id).await?;
    report.ready()?;
    let now = time::OffsetDateTime::now_utc();
    let today = crate::results::today();
    let data = figures::Data::load(store, config, &report, today).await?;
    let published_at = semey_store::stamp(now);
    let mut tx = store.begin().await?;
    // The draft read above must still be the report's text: a change in between is refused.
    if store.report_in(&mut tx, id).await? != report {
        return Err(AppError::Conflict(
            "the report changed while it was being published: publish again",
        ));
    }
    let number = store.next_report_version(&mut tx, id).await?;
    for lang in &report.languages {
        let mut doc = figures::document(&data, &report, *lang, site, today);
        doc.version = Some(number);
        doc.published_at = Some(published_at.clone());
        store
            .insert_report_version(
                &mut tx,
                &ReportVersion {
                    report_id: id,
                    number,
                    lang: *lang,
                    published_at: published_at.clone(),
                    doc: serde_json::to_string(&doc).expect("serialises"),
                },
            )
            .await?;
    }
    let languages: Vec<&str> = report.languages.iter().map(|l| l.code()).collect();
    let what = serde_json::json!({ "version": number, "languages": languages }).to_string();
    crate::records::audit_action(
        store,
        &mut tx,
        actor,
        "publish_version",
        RecordKind::Report.as_str(),
        &id.to_string(),
        None,
        Some(&what),
    )
    .await?;
    tx.commit().await?;
    Ok(number)
}

/// A published version in one language, exactly as frozen.
pub async fn version(
    store: &Store,
    id: ReportId,
    number: i64,
    lang: Lang,
) -> Result<Option<Document>, AppError> {
    let Some(v) = store.report_version(id, number, lang).await? else {
        return Ok(None);
    };
    Ok(Some(serde_json::from_str(&v.doc).map_err(|e| {
        AppError::Store(semey_store::StoreError::Corrupt(format!(
            "report version {id}/{number}: {e}"
        )))
    })?))
}
