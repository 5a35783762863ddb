//! Progress reports: the draft kept whole as JSON, and the versions frozen on publishing (one
//! row per version and language; the document is opaque JSON here, written once, never
//! updated).

use crate::db::{on_pool, on_tx, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::ids::ReportId;
use semey_domain::report::Report;
use semey_domain::{Invalid, Lang};

/// One published version of a report, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportVersion {
    pub report_id: ReportId,
    pub number: i64,
    pub lang: Lang,
    /// RFC 3339, UTC.
    pub published_at: String,
    /// The frozen document (JSON), exactly as written when it was published.
    pub doc: String,
}

fn from_doc<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

type VersionRow = (String, i64, String, String, String);

fn version(row: VersionRow) -> Result<ReportVersion> {
    let (id, number, lang, published_at, doc) = row;
    Ok(ReportVersion {
        report_id: crate::db::parse_id(&id)?,
        number,
        lang: lang.parse().map_err(|e: String| StoreError::Corrupt(e))?,
        published_at,
        doc,
    })
}

impl Store {
    /// Creates or replaces a report's draft; its resolution must be stored.
    pub async fn save_report(&self, tx: &mut Tx, r: &Report) -> Result<()> {
        if let Some(res) = r.resolution_id {
            if self.resolution_in(tx, res).await?.is_none() {
                return Err(Invalid::one(
                    "resolution_id",
                    "unknown_resolution",
                    format!("no resolution with id {res}"),
                )
                .into());
            }
        }
        let doc = serde_json::to_string(r).expect("serialises");
        on_tx!(tx, c => sqlx::query("INSERT INTO reports (id, doc, updated_at) VALUES ($1, $2, $3) \
            ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at WHERE reports.doc <> excluded.doc")
            .bind(r.id.to_string()).bind(doc).bind(crate::db::now()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn report(&self, id: ReportId) -> Result<Report> {
        let doc: Option<String> = on_pool!(self, p => sqlx::query_scalar("SELECT doc FROM reports WHERE id = $1").bind(id.to_string()).fetch_optional(p).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("report", id))?)
    }

    pub async fn report_in(&self, tx: &mut Tx, id: ReportId) -> Result<Report> {
        let doc: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT doc FROM reports WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("report", id))?)
    }

    /// Every report (a handful: one per reporting cycle), newest first.
    pub async fn reports(&self) -> Result<Vec<Report>> {
        let docs: Vec<String> = on_pool!(self, p => sqlx::query_scalar("SELECT doc FROM reports ORDER BY id DESC").fetch_all(p).await)?;
        docs.iter().map(|d| from_doc(d)).collect()
    }

    /// The number the next published version of `report` takes (1 for the first).
    pub async fn next_report_version(&self, tx: &mut Tx, report: ReportId) -> Result<i64> {
        let n: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT MAX(number) FROM report_versions WHERE report_id = $1").bind(report.to_string()).fetch_one(&mut *c).await)?;
        Ok(n.unwrap_or(0) + 1)
    }

    /// Writes one language of a published version. A version is written once: writing the
    /// same number and language again is refused by the primary key.
    pub async fn insert_report_version(&self, tx: &mut Tx, v: &ReportVersion) -> Result<()> {
        on_tx!(tx, c => sqlx::query("INSERT INTO report_versions (report_id, number, lang, published_at, doc) VALUES ($1, $2, $3, $4, $5)")
            .bind(v.report_id.to_string()).bind(v.number).bind(v.lang.code()).bind(&v.published_at).bind(&v.doc)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The published versions of a report (number, languages, when), newest first.
    pub async fn report_versions(&self, report: ReportId) -> Result<Vec<(i64, Vec<Lang>, String)>> {
        let rows: Vec<(i64, String, String)> = on_pool!(self, p => sqlx::query_as("SELECT number, lang, published_at FROM report_versions WHERE report_id = $1 ORDER BY number DESC, lang").bind(report.to_string()).fetch_all(p).await)?;
        let mut out: Vec<(i64, Vec<Lang>, String)> = Vec::new();
        for (n, lang, at) in rows {
            let lang: Lang = lang.parse().map_err(StoreError::Corrupt)?;
            match out.last_mut() {
                Some(last) if last.0 == n => last.1.push(lang),
                _ => out.push((n, vec![lang], at)),
            }
        }
        Ok(out)
    }

    /// One language of one published version.
    pub async fn report_version(
        &self,
        report: ReportId,
        number: i64,
        lang: Lang,
    ) -> Result<Option<ReportVersion>> {
        let row: Option<VersionRow> = on_pool!(self, p => sqlx::query_as("SELECT report_id, number, lang, published_at, doc FROM report_versions WHERE report_id = $1 AND number = $2 AND lang = $3")
            .bind(report.to_string()).bind(number).bind(lang.code()).fetch_optional(p).await)?;
        row.map(version).transpose()
    }
}
