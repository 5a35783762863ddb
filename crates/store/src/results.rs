//! Results monitoring: results kept whole as JSON, their indicators as rows (with the status
//! kept current by every write), periods with their targets and actuals, and the splits of each
//! figure by dimension.

use crate::db::{bind_args, on_db, on_pool, on_tx, parse_id, Arg, Db, OnConflict, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::ids::{IndicatorId, ProgrammeId, ResultId};
use semey_domain::results::{
    Assessment, Figure, Indicator, Period, ProgrammeResult, Status, Thresholds,
};
use std::collections::HashMap;
use time::Date;

/// An indicator with where it belongs and its status as last worked out.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    pub result_id: ResultId,
    pub programme_id: ProgrammeId,
    /// Where it stands (its status follows with the configured thresholds); `None` until first
    /// assessed.
    pub assessment: Option<Assessment>,
    pub assessed_on: Date,
}

/// How many indicators have each status, in one group (a thematic area, an organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub group: String,
    pub status: Status,
    pub indicators: i64,
}

/// The `assessed_on` of an indicator not assessed yet.
const NEVER: Date = time::macros::date!(1900 - 01 - 01);

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn status_of(s: &str) -> Result<Status> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(corrupt)
}

/// `Thresholds::classify` as SQL over an indicator's reason and ratio (`$1` on track, `$2` at
/// risk), for classifying every indicator again when the thresholds change.
const STATUS_SQL: &str = "CASE WHEN reason = 'compared' AND ratio >= $1 THEN 'on_track' \
    WHEN reason = 'compared' AND ratio >= $2 THEN 'at_risk' WHEN reason = 'compared' THEN 'off_track' \
    WHEN reason IN ('no_actual', 'period_ended_unreported') THEN 'not_reported' ELSE 'not_assessed' END";

#[derive(sqlx::FromRow)]
struct ContentRow {
    content: String,
}

#[derive(sqlx::FromRow)]
struct PeriodRow {
    indicator_id: String,
    period_start: Date,
    period_end: Date,
    target: Option<String>,
    actual: Option<String>,
}

impl PeriodRow {
    fn into_period(self) -> Result<Period> {
        let fig = |s: Option<String>| -> Result<Option<Figure>> {
            s.map(|s| serde_json::from_str(&s).map_err(corrupt))
                .transpose()
        };
        Ok(Period {
            indicator_id: parse_id(&self.indicator_id)?,
            start: self.period_start,
            end: self.period_end,
            target: fig(self.target)?,
            actual: fig(self.actual)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct IndicatorRowDb {
    result_id: String,
    programme_id: String,
    assessment: String,
    assessed_on: Date,
    content: String,
    id: String,
}

/// The number of a figure for sums (`None` for words or a bad number).
fn number(f: &Option<Figure>) -> Option<f64> {
    f.as_ref().and_then(|f| {
        f.value
            .trim()
            .replace([' ', '\u{a0}'], "")
            .parse::<f64>()
            .ok()
    })
}

impl Store {
    /// Creates or replaces a result with its indicators. Indicators no longer in it are removed
    /// with their periods; new ones start "not assessed" (the caller assesses them).
    pub async fn save_result(&self, tx: &mut Tx, r: &ProgrammeResult) -> Result<()> {
        self.check_programme_exists(tx, r.programme_id, "programme_id")
            .await?;
        for (i, ind) in r.indicators.iter().enumerate() {
            self.check_mandates_at(tx, &format!("indicators[{i}]."), &ind.mandate_ids)
                .await?;
        }
        // The paragraphs its indicators served directly may lose them.
        let served: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT l.mandate_id FROM mandate_links l JOIN indicators i ON l.kind = 'indicator' AND i.id = l.record_id WHERE i.result_id = $1")
            .bind(r.id.to_string()).fetch_all(&mut *c).await)?;
        tx.stale.mandates(served);
        tx.stale.programme(&r.programme_id.to_string());
        let content = serde_json::to_string(r).expect("a result serialises");
        let args = [
            Arg::Text(r.id.to_string()),
            Arg::Text(r.programme_id.to_string()),
            Arg::Text(r.result_type.as_str().to_owned()),
            Arg::Text(content),
        ];
        on_tx!(tx, c => bind_args!(sqlx::query("INSERT INTO results (id, programme_id, result_type, content) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (id) DO UPDATE SET programme_id = excluded.programme_id, result_type = excluded.result_type, content = excluded.content"), args)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let keep: Vec<String> = r
            .indicators
            .iter()
            .filter_map(|i| i.id.map(|id| id.to_string()))
            .collect();
        let existing: Vec<(String, String, String, Option<String>, String, String)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT id, status, programme_id, shared, unit, measure FROM indicators WHERE result_id = $1").bind(r.id.to_string()).fetch_all(&mut *c).await)?;
        // Shared indicators whose sums this write changes: those of removed indicators, and the
        // old and new codes of indicators whose code, unit or measure changed (a new indicator
        // has no periods yet, so it changes no sum).
        let mut shared: Vec<String> = Vec::new();
        for (id, _, _, code, unit, measure) in &existing {
            match r
                .indicators
                .iter()
                .find(|i| i.id.map(|x| x.to_string()).as_deref() == Some(id.as_str()))
            {
                None => shared.extend(code.clone()),
                Some(now)
                    if now.shared != *code
                        || now.unit != *unit
                        || now.measure.as_str() != measure =>
                {
                    shared.extend(code.clone());
                    shared.extend(now.shared.clone());
                }
                Some(_) => {}
            }
        }
        let known: Vec<String> = existing.iter().map(|e| e.0.clone()).collect();
        for (gone, status, programme, ..) in existing.iter().filter(|e| !keep.contains(&e.0)) {
            self.bump_status(tx, programme, status, -1).await?;
            for sql in [
                "DELETE FROM indicator_splits WHERE indicator_id = $1",
                "DELETE FROM indicator_periods WHERE indicator_id = $1",
                "DELETE FROM indicators WHERE id = $1",
                "DELETE FROM mandate_links WHERE kind = 'indicator' AND record_id = $1",
            ] {
                on_tx!(tx, c => sqlx::query(sql).bind(gone).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        // An indicator that moves to another programme leaves its old programme's counts.
        for (id, status, programme, ..) in &existing {
            if keep.contains(id) && *programme != r.programme_id.to_string() {
                self.bump_status(tx, programme, status, -1).await?;
                self.bump_status(tx, &r.programme_id.to_string(), status, 1)
                    .await?;
            }
        }
        for ind in &r.indicators {
            let id = ind.id.expect("checked indicators have ids");
            let args = [
                Arg::Text(id.to_string()),
                Arg::Text(r.id.to_string()),
                Arg::Text(r.programme_id.to_string()),
                Arg::Text(ind.measure.as_str().to_owned()),
                Arg::Bool(ind.ascending),
                Arg::Text(ind.unit.clone()),
                Arg::OptText(ind.shared.clone()),
                Arg::Bool(ind.people_reached),
                Arg::Date(NEVER),
            ];
            on_tx!(tx, c => bind_args!(sqlx::query("INSERT INTO indicators (id, result_id, programme_id, measure, ascending, unit, shared, people_reached, reason, ratio, assessment, assessed_on) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'not_assessed', NULL, '{}', $9) \
                ON CONFLICT (id) DO UPDATE SET result_id = excluded.result_id, programme_id = excluded.programme_id, measure = excluded.measure, \
                ascending = excluded.ascending, unit = excluded.unit, shared = excluded.shared, people_reached = excluded.people_reached"), args)
                .execute(&mut *c).await.map(|r| r.rows_affected()))
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.is_unique_violation() || d.is_foreign_key_violation() => StoreError::Invalid(semey_domain::Invalid::one(
                        "indicators", "indicator_of_another_result", format!("the indicator {id} belongs to another result"))),
                    _ => StoreError::Db(e),
                })?;
        }
        for ind in &r.indicators {
            let id = ind.id.expect("checked indicators have ids").to_string();
            // A new indicator has no links to replace.
            if known.contains(&id) || !ind.mandate_ids.is_empty() {
                self.link_mandates(tx, "indicator", &id, &ind.mandate_ids)
                    .await?;
            }
            if !known.contains(&id) {
                self.bump_status(tx, &r.programme_id.to_string(), "not_assessed", 1)
                    .await?;
            }
        }
        shared.sort();
        shared.dedup();
        self.refresh_shared_codes(tx, shared).await?;
        Ok(())
    }

    pub async fn result(&self, id: ResultId) -> Result<ProgrammeResult> {
        self.result_on(Db::Pool(self), id).await
    }

    pub async fn result_in(&self, tx: &mut Tx, id: ResultId) -> Result<ProgrammeResult> {
        self.result_on(Db::Tx(tx), id).await
    }

    async fn result_on(&self, db: Db<'_>, id: ResultId) -> Result<ProgrammeResult> {
        let row = on_db!(db, c => sqlx::query_as::<_, ContentRow>("SELECT content FROM results WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        let row = row.ok_or_else(|| StoreError::not_found("result", id))?;
        serde_json::from_str(&row.content).map_err(corrupt)
    }

    /// A programme's results, outputs first.
    pub async fn results_of(&self, programme: ProgrammeId) -> Result<Vec<ProgrammeResult>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, ContentRow>("SELECT content FROM results WHERE programme_id = $1 ORDER BY result_type, id").bind(programme.to_string()).fetch_all(p).await)?;
        let mut out: Vec<ProgrammeResult> = rows
            .iter()
            .map(|r| serde_json::from_str(&r.content).map_err(corrupt))
            .collect::<Result<_>>()?;
        out.sort_by_key(|r| (r.result_type.iati_code(), r.id));
        Ok(out)
    }

    /// The results of these programmes, by programme, each programme's in the order of
    /// [`Store::results_of`].
    pub async fn results_of_programmes(
        &self,
        programmes: &[ProgrammeId],
    ) -> Result<HashMap<ProgrammeId, Vec<ProgrammeResult>>> {
        let mut out: HashMap<ProgrammeId, Vec<ProgrammeResult>> = HashMap::new();
        for chunk in programmes.chunks(500) {
            let mut sql = Sql::new("SELECT content FROM results WHERE programme_id IN ");
            sql.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, ContentRow>(&sql.text), sql.args).fetch_all(p).await)?;
            for r in rows {
                let r: ProgrammeResult = serde_json::from_str(&r.content).map_err(corrupt)?;
                out.entry(r.programme_id).or_default().push(r);
            }
        }
        for list in out.values_mut() {
            list.sort_by_key(|r| (r.result_type.iati_code(), r.id));
        }
        Ok(out)
    }

    /// An indicator with its result, programme and status.
    pub async fn indicator_in(&self, tx: &mut Tx, id: IndicatorId) -> Result<IndicatorRow> {
        self.indicator_on(Db::Tx(tx), id).await
    }

    pub async fn indicator(&self, id: IndicatorId) -> Result<IndicatorRow> {
        self.indicator_on(Db::Pool(self), id).await
    }

    async fn indicator_on(&self, db: Db<'_>, id: IndicatorId) -> Result<IndicatorRow> {
        let row = on_db!(db, c => sqlx::query_as::<_, IndicatorRowDb>("SELECT i.id, i.result_id, i.programme_id, i.assessment, i.assessed_on, r.content \
            FROM indicators i JOIN results r ON r.id = i.result_id WHERE i.id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        let row = row.ok_or_else(|| StoreError::not_found("indicator", id))?;
        let result: ProgrammeResult = serde_json::from_str(&row.content).map_err(corrupt)?;
        let indicator = result
            .indicators
            .into_iter()
            .find(|i| i.id.map(|x| x.to_string()) == Some(row.id.clone()))
            .ok_or_else(|| corrupt("an indicator row without its result's indicator"))?;
        Ok(IndicatorRow {
            indicator,
            result_id: parse_id(&row.result_id)?,
            programme_id: parse_id(&row.programme_id)?,
            assessment: if row.assessment == "{}" {
                None
            } else {
                Some(serde_json::from_str(&row.assessment).map_err(corrupt)?)
            },
            assessed_on: row.assessed_on,
        })
    }

    /// Where each indicator of these programmes stands (`None` until first assessed), in a
    /// query per 500 programmes.
    pub async fn assessments_of(
        &self,
        programmes: &[ProgrammeId],
    ) -> Result<Vec<(ProgrammeId, Option<Assessment>)>> {
        let mut out = Vec::new();
        for chunk in programmes.chunks(500) {
            let mut sql =
                Sql::new("SELECT programme_id, assessment FROM indicators WHERE programme_id IN ");
            sql.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            let rows: Vec<(String, String)> = on_pool!(self, p => bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_all(p).await)?;
            for (p, a) in rows {
                let assessment = if a == "{}" {
                    None
                } else {
                    Some(serde_json::from_str(&a).map_err(corrupt)?)
                };
                out.push((parse_id(&p)?, assessment));
            }
        }
        Ok(out)
    }

    /// The indicators of a programme, with their statuses.
    pub async fn indicators_of(&self, programme: ProgrammeId) -> Result<Vec<IndicatorRow>> {
        let ids: Vec<(String,)> = on_pool!(self, p => sqlx::query_as("SELECT id FROM indicators WHERE programme_id = $1").bind(programme.to_string()).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            out.push(self.indicator(parse_id(&id)?).await?);
        }
        Ok(out)
    }

    /// An indicator's periods, earliest first.
    pub async fn periods(&self, indicator: IndicatorId) -> Result<Vec<Period>> {
        self.periods_of(Db::Pool(self), indicator).await
    }

    async fn periods_of(&self, db: Db<'_>, indicator: IndicatorId) -> Result<Vec<Period>> {
        let rows = on_db!(db, c => sqlx::query_as::<_, PeriodRow>("SELECT indicator_id, period_start, period_end, target, actual FROM indicator_periods WHERE indicator_id = $1 ORDER BY period_start").bind(indicator.to_string()).fetch_all(&mut *c).await)?;
        rows.into_iter().map(PeriodRow::into_period).collect()
    }

    pub async fn periods_in(&self, tx: &mut Tx, indicator: IndicatorId) -> Result<Vec<Period>> {
        self.periods_of(Db::Tx(tx), indicator).await
    }

    /// One period of an indicator, by its start.
    pub async fn period_in(
        &self,
        tx: &mut Tx,
        indicator: IndicatorId,
        start: Date,
    ) -> Result<Period> {
        let row = on_tx!(tx, c => sqlx::query_as::<_, PeriodRow>("SELECT indicator_id, period_start, period_end, target, actual FROM indicator_periods WHERE indicator_id = $1 AND period_start = $2").bind(indicator.to_string()).bind(start).fetch_optional(&mut *c).await)?;
        row.ok_or_else(|| StoreError::not_found("period", format!("{indicator}@{start}")))?
            .into_period()
    }

    /// Creates or replaces the period starting on `old_start` (or `p.start`) with its splits.
    pub async fn save_period(
        &self,
        tx: &mut Tx,
        old_start: Option<Date>,
        p: &Period,
    ) -> Result<()> {
        let id = p.indicator_id.to_string();
        if let Some(old) = old_start.filter(|o| *o != p.start) {
            self.delete_period(tx, p.indicator_id, old).await?;
        }
        let json = |f: &Option<Figure>| {
            f.as_ref()
                .map(|f| serde_json::to_string(f).expect("a figure serialises"))
        };
        let args = [
            Arg::Text(id.clone()),
            Arg::Date(p.start),
            Arg::Date(p.end),
            Arg::OptText(json(&p.target)),
            Arg::OptText(json(&p.actual)),
            Arg::Real(number(&p.target)),
            Arg::Real(number(&p.actual)),
        ];
        on_tx!(tx, c => bind_args!(sqlx::query("INSERT INTO indicator_periods (indicator_id, period_start, period_end, target, actual, target_number, actual_number) \
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (indicator_id, period_start) DO UPDATE SET period_end = excluded.period_end, \
            target = excluded.target, actual = excluded.actual, target_number = excluded.target_number, actual_number = excluded.actual_number"), args)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query("DELETE FROM indicator_splits WHERE indicator_id = $1 AND period_start = $2").bind(&id).bind(p.start).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for (which, fig) in [("target", &p.target), ("actual", &p.actual)] {
            for sp in fig.iter().flat_map(|f| &f.splits) {
                let Ok(n) = sp.value.trim().parse::<f64>() else {
                    continue;
                };
                let args = [
                    Arg::Text(id.clone()),
                    Arg::Date(p.start),
                    Arg::Text(which.to_owned()),
                    Arg::Text(sp.dimension.clone()),
                    Arg::Text(sp.key.trim().to_owned()),
                    Arg::Real(Some(n)),
                ];
                on_tx!(tx, c => bind_args!(sqlx::query("INSERT INTO indicator_splits (indicator_id, period_start, figure, dimension, split_key, number) VALUES ($1, $2, $3, $4, $5, $6)"), args)
                    .execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        self.refresh_shared_totals(tx, &[p.indicator_id]).await?;
        Ok(())
    }

    async fn delete_period(&self, tx: &mut Tx, indicator: IndicatorId, start: Date) -> Result<()> {
        for sql in [
            "DELETE FROM indicator_splits WHERE indicator_id = $1 AND period_start = $2",
            "DELETE FROM indicator_periods WHERE indicator_id = $1 AND period_start = $2",
        ] {
            on_tx!(tx, c => sqlx::query(sql).bind(indicator.to_string()).bind(start).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Keeps where an indicator stands as worked out on `on`, its status under the stored
    /// thresholds, and the counts by status.
    pub async fn set_assessment(
        &self,
        tx: &mut Tx,
        indicator: IndicatorId,
        a: &Assessment,
        on: Date,
    ) -> Result<()> {
        let th = self.thresholds_in(tx).await?;
        let status = th.classify(&a.reason, a.ratio);
        let json = serde_json::to_string(a).expect("an assessment serialises");
        let old: Option<(String, String)> = on_tx!(tx, c => sqlx::query_as("SELECT status, programme_id FROM indicators WHERE id = $1")
            .bind(indicator.to_string()).fetch_optional(&mut *c).await)?;
        on_tx!(tx, c => sqlx::query("UPDATE indicators SET reason = $1, ratio = $2, assessment = $3, assessed_on = $4, status = $5 WHERE id = $6")
            .bind(&a.reason).bind(a.ratio).bind(json).bind(on).bind(status.as_str()).bind(indicator.to_string())
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        if let Some((was, programme)) = old {
            if was != status.as_str() {
                self.bump_status(tx, &programme, &was, -1).await?;
                self.bump_status(tx, &programme, status.as_str(), 1).await?;
            }
        }
        Ok(())
    }

    /// Keeps where many indicators stand (a bulk import), then counts every indicator by status
    /// again once.
    pub async fn set_assessments(
        &self,
        tx: &mut Tx,
        items: &[(IndicatorId, Assessment)],
        on: Date,
    ) -> Result<()> {
        let th = self.thresholds_in(tx).await?;
        // Two hundred indicators per statement: one round trip each, not one per indicator.
        for chunk in items.chunks(200) {
            let mut sql = Sql::new("WITH v (id, reason, ratio, assessment, status) AS (VALUES ");
            for (i, (indicator, a)) in chunk.iter().enumerate() {
                let status = th.classify(&a.reason, a.ratio);
                if i > 0 {
                    sql.push(", ");
                }
                sql.list([
                    Arg::Text(indicator.to_string()),
                    Arg::Text(a.reason.clone()),
                    Arg::Real(a.ratio),
                    Arg::Text(serde_json::to_string(a).expect("an assessment serialises")),
                    Arg::Text(status.as_str().to_owned()),
                ]);
            }
            sql.push(") UPDATE indicators SET reason = v.reason, ratio = v.ratio, assessment = v.assessment, status = v.status, assessed_on = ")
                .arg(Arg::Date(on))
                .push(" FROM v WHERE indicators.id = v.id");
            on_tx!(tx, c => bind_args!(sqlx::query(&sql.text), sql.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        self.rebuild_status_rollup(tx).await
    }

    /// Adds `by` indicators of `programme` with `status` to the counts by area, organisation and
    /// programme.
    pub(crate) async fn bump_status(
        &self,
        tx: &mut Tx,
        programme: &str,
        status: &str,
        by: i64,
    ) -> Result<()> {
        for sql in [
            "INSERT INTO results_status_rollup (by_kind, grp, status, n) SELECT 'area', area, $2, $3 FROM programme_areas WHERE programme_id = $1 \
             ON CONFLICT (by_kind, grp, status) DO UPDATE SET n = results_status_rollup.n + excluded.n",
            "INSERT INTO results_status_rollup (by_kind, grp, status, n) SELECT 'organisation', COALESCE(reporting_org_id, ''), $2, $3 FROM programmes WHERE id = $1 \
             ON CONFLICT (by_kind, grp, status) DO UPDATE SET n = results_status_rollup.n + excluded.n",
            "INSERT INTO results_status_rollup (by_kind, grp, status, n) VALUES ('programme', $1, $2, $3) \
             ON CONFLICT (by_kind, grp, status) DO UPDATE SET n = results_status_rollup.n + excluded.n",
        ] {
            on_tx!(tx, c => sqlx::query(sql).bind(programme).bind(status).bind(by).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        tx.stale.programme(programme);
        Ok(())
    }

    /// The status thresholds every write classifies with (the defaults until the application
    /// sets its configured ones).
    async fn thresholds_in(&self, tx: &mut Tx) -> Result<Thresholds> {
        let row: Option<(f64, f64)> = on_tx!(tx, c => sqlx::query_as("SELECT on_track, at_risk FROM results_settings WHERE id = 1").fetch_optional(&mut *c).await)?;
        Ok(row
            .map(|(on_track, at_risk)| Thresholds { on_track, at_risk })
            .unwrap_or_default())
    }

    /// Sets the configured thresholds. When they differ from the stored ones, every indicator
    /// is classified again and the counts by status are rebuilt, in one transaction.
    pub async fn set_results_thresholds(&self, th: Thresholds) -> Result<()> {
        let mut tx = self.begin().await?;
        let stored: Option<(f64, f64)> = on_tx!(&mut tx, c => sqlx::query_as("SELECT on_track, at_risk FROM results_settings WHERE id = 1").fetch_optional(&mut *c).await)?;
        if stored == Some((th.on_track, th.at_risk)) {
            return Ok(());
        }
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO results_settings (id, on_track, at_risk) VALUES (1, $1, $2) \
            ON CONFLICT (id) DO UPDATE SET on_track = excluded.on_track, at_risk = excluded.at_risk")
            .bind(th.on_track).bind(th.at_risk).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let sql = format!("UPDATE indicators SET status = {STATUS_SQL}");
        on_tx!(&mut tx, c => sqlx::query(&sql).bind(th.on_track).bind(th.at_risk).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.rebuild_status_rollup(&mut tx).await?;
        tx.commit().await
    }

    /// Counts every indicator by status again (after the thresholds, or a programme's areas
    /// or reporting organisation, changed).
    pub(crate) async fn rebuild_status_rollup(&self, tx: &mut Tx) -> Result<()> {
        for sql in [
            "DELETE FROM results_status_rollup",
            "INSERT INTO results_status_rollup (by_kind, grp, status, n) SELECT 'area', pa.area, i.status, COUNT(*) \
             FROM indicators i JOIN programme_areas pa ON pa.programme_id = i.programme_id GROUP BY pa.area, i.status",
            "INSERT INTO results_status_rollup (by_kind, grp, status, n) SELECT 'organisation', COALESCE(p.reporting_org_id, ''), i.status, COUNT(*) \
             FROM indicators i JOIN programmes p ON p.id = i.programme_id GROUP BY COALESCE(p.reporting_org_id, ''), i.status",
            "INSERT INTO results_status_rollup (by_kind, grp, status, n) SELECT 'programme', programme_id, status, COUNT(*) \
             FROM indicators GROUP BY programme_id, status",
        ] {
            on_tx!(tx, c => sqlx::query(sql).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        tx.stale.everything();
        Ok(())
    }

    /// Whether a programme has indicators (whose counts by status follow its areas and
    /// reporting organisation).
    pub(crate) async fn programme_has_indicators(
        &self,
        tx: &mut Tx,
        programme: ProgrammeId,
    ) -> Result<bool> {
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM indicators WHERE programme_id = $1").bind(programme.to_string()).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    /// Makes way for a programme's results as an IATI import brings them: every period (with
    /// its splits) of the programme's indicators goes, to be written again, and the results not
    /// in `keep` go with their indicators and the links services had to them. Status counts and
    /// shared sums follow.
    pub async fn delete_results_of(
        &self,
        tx: &mut Tx,
        programme: ProgrammeId,
        keep: &[ResultId],
    ) -> Result<()> {
        let id = programme.to_string();
        let codes: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT DISTINCT shared FROM indicators WHERE programme_id = $1 AND shared IS NOT NULL").bind(&id).fetch_all(&mut *c).await)?;
        for sql in [
            "DELETE FROM indicator_splits WHERE indicator_id IN (SELECT id FROM indicators WHERE programme_id = $1)",
            "DELETE FROM indicator_periods WHERE indicator_id IN (SELECT id FROM indicators WHERE programme_id = $1)",
        ] {
            on_tx!(tx, c => sqlx::query(sql).bind(&id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        let held: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM results WHERE programme_id = $1").bind(&id).fetch_all(&mut *c).await)?;
        let keep: Vec<String> = keep.iter().map(ToString::to_string).collect();
        for (gone,) in held.into_iter().filter(|(r,)| !keep.contains(r)) {
            for sql in [
                "DELETE FROM mandate_links WHERE kind = 'indicator' AND record_id IN (SELECT id FROM indicators WHERE result_id = $1)",
                "DELETE FROM indicators WHERE result_id = $1",
                "DELETE FROM service_results WHERE result_id = $1",
                "DELETE FROM results WHERE id = $1",
            ] {
                on_tx!(tx, c => sqlx::query(sql).bind(&gone).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        self.rebuild_status_rollup(tx).await?;
        self.refresh_shared_codes(tx, codes.into_iter().map(|(c,)| c).collect())
            .await
    }

    /// Sums the reported actuals of the shared count indicators among `indicators` again, by
    /// shared indicator, unit and year.
    pub async fn refresh_shared_totals(
        &self,
        tx: &mut Tx,
        indicators: &[IndicatorId],
    ) -> Result<()> {
        let mut codes = std::collections::BTreeSet::new();
        for chunk in indicators.chunks(500) {
            let mut sql = Sql::new(
                "SELECT DISTINCT shared FROM indicators WHERE shared IS NOT NULL AND id IN ",
            );
            sql.list(chunk.iter().map(|i| Arg::Text(i.to_string())));
            let rows: Vec<(String,)> = on_tx!(tx, c => bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_all(&mut *c).await)?;
            codes.extend(rows.into_iter().map(|(c,)| c));
        }
        self.refresh_shared_codes(tx, codes.into_iter().collect())
            .await
    }

    /// Sums the reported actuals of these shared indicators again.
    pub(crate) async fn refresh_shared_codes(&self, tx: &mut Tx, codes: Vec<String>) -> Result<()> {
        let y = self.year_of("p.period_end");
        for code in codes {
            on_tx!(tx, c => sqlx::query("DELETE FROM results_shared_rollup WHERE shared = $1").bind(&code).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            let sql = format!(
                "INSERT INTO results_shared_rollup (shared, unit, year, total) SELECT i.shared, i.unit, {y}, SUM(p.actual_number) \
                 FROM indicators i JOIN indicator_periods p ON p.indicator_id = i.id \
                 WHERE i.shared = $1 AND i.measure = 'unit' AND p.actual_number IS NOT NULL GROUP BY i.shared, i.unit, {y}"
            );
            on_tx!(tx, c => sqlx::query(&sql).bind(&code).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Indicators whose status was worked out before `day` and may have changed since (a period
    /// of theirs ended in between): at most `limit`.
    pub async fn indicators_to_reassess(&self, day: Date, limit: i64) -> Result<Vec<IndicatorId>> {
        let rows: Vec<(String,)> = on_pool!(self, p => sqlx::query_as(
            "SELECT i.id FROM indicators i WHERE i.assessed_on < $1 AND (i.assessed_on = $2 OR EXISTS \
             (SELECT 1 FROM indicator_periods p WHERE p.indicator_id = i.id AND p.period_end >= i.assessed_on AND p.period_end < $1)) LIMIT $3")
            .bind(day).bind(NEVER).bind(limit).fetch_all(p).await)?;
        rows.iter().map(|(id,)| parse_id(id)).collect()
    }

    /// Marks indicators as assessed on `day` when nothing of theirs changed since.
    pub async fn mark_assessed(&self, day: Date) -> Result<()> {
        // Pages call this on every read: only the first read of a day writes.
        let stale: Option<i64> = on_pool!(self, p => sqlx::query_scalar("SELECT 1 FROM indicators WHERE assessed_on < $1 AND assessed_on <> $2 LIMIT 1")
            .bind(day).bind(NEVER).fetch_optional(p).await)?;
        if stale.is_none() {
            return Ok(());
        }
        on_pool!(self, p => sqlx::query("UPDATE indicators SET assessed_on = $1 WHERE assessed_on < $1 AND assessed_on <> $2")
            .bind(day).bind(NEVER).execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// How many indicators have each status, by thematic area of their programme (weighted
    /// not: an indicator of a programme with two areas counts in both) or by the programme's
    /// reporting organisation.
    pub async fn status_counts(&self, by_area: bool) -> Result<Vec<StatusCount>> {
        let rows: Vec<(String, String, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT grp, status, n FROM results_status_rollup WHERE by_kind = $1 AND n > 0 ORDER BY grp, status")
            .bind(if by_area { "area" } else { "organisation" }).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(group, s, n)| {
                Ok(StatusCount {
                    group,
                    status: status_of(&s)?,
                    indicators: n,
                })
            })
            .collect()
    }

    /// Every indicator of the platform with its programme: for imports that check many
    /// periods at once.
    pub async fn all_indicators(&self) -> Result<HashMap<IndicatorId, (Indicator, ProgrammeId)>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, (String, String)>("SELECT programme_id, content FROM results").fetch_all(p).await)?;
        let mut out = HashMap::new();
        for (programme, content) in rows {
            let r: ProgrammeResult = serde_json::from_str(&content).map_err(corrupt)?;
            let programme: ProgrammeId = parse_id(&programme)?;
            for ind in r.indicators {
                if let Some(id) = ind.id {
                    out.insert(id, (ind, programme));
                }
            }
        }
        Ok(out)
    }

    /// The stored periods of these indicators.
    pub async fn periods_of_many(
        &self,
        indicators: &[IndicatorId],
    ) -> Result<HashMap<IndicatorId, Vec<Period>>> {
        let mut out: HashMap<IndicatorId, Vec<Period>> = HashMap::new();
        for chunk in indicators.chunks(500) {
            let mut sql = Sql::new("SELECT indicator_id, period_start, period_end, target, actual FROM indicator_periods WHERE indicator_id IN ");
            sql.list(chunk.iter().map(|i| Arg::Text(i.to_string())));
            let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, PeriodRow>(&sql.text), sql.args).fetch_all(p).await)?;
            for r in rows {
                let p = r.into_period()?;
                out.entry(p.indicator_id).or_default().push(p);
            }
        }
        Ok(out)
    }

    /// Writes many periods at once, with their splits: for bulk imports. Each period comes with
    /// whether a stored period of its indicator starts the same day (it is replaced); new
    /// periods need no delete.
    pub async fn replace_periods(&self, tx: &mut Tx, periods: &[(&Period, bool)]) -> Result<()> {
        // Rows per statement: SQLite looks a parameter's name up by walking a list of them, so
        // a statement of thousands of parameters spends its time there (bench/RESULTS.md).
        const ROWS: usize = 150;
        self.defer_foreign_keys(tx).await?;
        let old: Vec<&Period> = periods
            .iter()
            .filter(|(_, replacing)| *replacing)
            .map(|(p, _)| *p)
            .collect();
        for chunk in old.chunks(400) {
            for table in ["indicator_splits", "indicator_periods"] {
                let mut sql = Sql::new(&format!("DELETE FROM {table} WHERE "));
                for (i, p) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push(" OR ");
                    }
                    sql.push("(indicator_id = ")
                        .arg(Arg::Text(p.indicator_id.to_string()))
                        .push(" AND period_start = ")
                        .arg(Arg::Date(p.start))
                        .push(")");
                }
                on_tx!(tx, c => bind_args!(sqlx::query(&sql.text), sql.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        let json = |f: &Option<Figure>| {
            f.as_ref()
                .map(|f| serde_json::to_string(f).expect("a figure serialises"))
        };
        for chunk in periods.chunks(ROWS) {
            let insert = self.multi_insert_sql(
                "indicator_periods",
                "indicator_id, period_start, period_end, target, actual, target_number, actual_number",
                7,
                chunk.len(),
                OnConflict::SkipAnyConflict,
            );
            let mut args = Vec::with_capacity(chunk.len() * 7);
            let mut splits = Vec::new();
            for (p, _) in chunk {
                args.extend([
                    Arg::Text(p.indicator_id.to_string()),
                    Arg::Date(p.start),
                    Arg::Date(p.end),
                    Arg::OptText(json(&p.target)),
                    Arg::OptText(json(&p.actual)),
                    Arg::Real(number(&p.target)),
                    Arg::Real(number(&p.actual)),
                ]);
                for (which, fig) in [("target", &p.target), ("actual", &p.actual)] {
                    for sp in fig.iter().flat_map(|f| &f.splits) {
                        if let Ok(n) = sp.value.trim().parse::<f64>() {
                            splits.push([
                                Arg::Text(p.indicator_id.to_string()),
                                Arg::Date(p.start),
                                Arg::Text(which.to_owned()),
                                Arg::Text(sp.dimension.clone()),
                                Arg::Text(sp.key.trim().to_owned()),
                                Arg::Real(Some(n)),
                            ]);
                        }
                    }
                }
            }
            on_tx!(tx, c => bind_args!(sqlx::query(&insert), args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            for part in splits.chunks(ROWS) {
                let sql = self.multi_insert_sql(
                    "indicator_splits",
                    "indicator_id, period_start, figure, dimension, split_key, number",
                    6,
                    part.len(),
                    OnConflict::SkipAnyConflict,
                );
                let args: Vec<Arg> = part.iter().flat_map(|a| a.iter().cloned()).collect();
                on_tx!(tx, c => bind_args!(sqlx::query(&sql), args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }

    /// The people each programme with a people-reached indicator counts: the sum of that
    /// indicator's reported actuals (none while nothing is reported).
    pub async fn people_reached_by_programme(&self) -> Result<HashMap<ProgrammeId, Option<f64>>> {
        let rows: Vec<(String, Option<f64>)> = on_pool!(self, p => sqlx::query_as(
            "SELECT i.programme_id, SUM(p.actual_number) FROM indicators i LEFT JOIN indicator_periods p ON p.indicator_id = i.id \
             WHERE i.people_reached = $1 GROUP BY i.programme_id")
            .bind(true).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(id, n)| Ok((parse_id(&id)?, n)))
            .collect()
    }

    /// Each programme's groups of one kind: its thematic areas (`area`), its reporting
    /// organisation (`organisation`, empty when none) or the districts it works in
    /// (`district`, from its places at district level or below).
    pub async fn programme_groups(&self, kind: &str) -> Result<Vec<(ProgrammeId, String)>> {
        let sql = match kind {
            "area" => "SELECT programme_id, area FROM programme_areas".to_owned(),
            "organisation" => {
                "SELECT id, COALESCE(reporting_org_id, '') FROM programmes".to_owned()
            }
            _ => {
                // Paths are '/'-joined 36-character ids from the country down; the district is
                // the third.
                "SELECT DISTINCT pp.programme_id, substr(pl.path, 76, 36) FROM programme_places pp \
                 JOIN places pl ON pl.id = pp.place_id WHERE length(pl.path) >= 111"
                    .to_owned()
            }
        };
        let rows: Vec<(String, String)> =
            on_pool!(self, p => sqlx::query_as(&sql).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(id, g)| Ok((parse_id(&id)?, g)))
            .collect()
    }

    /// Indicators whose period with a target ended without an actual: the overdue reports,
    /// with the programme and the assessment (which names the period).
    pub async fn overdue_indicators(
        &self,
        limit: i64,
    ) -> Result<Vec<(IndicatorId, ProgrammeId, Assessment)>> {
        let rows: Vec<(String, String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT id, programme_id, assessment FROM indicators WHERE reason = 'period_ended_unreported' ORDER BY assessed_on, id LIMIT $1")
            .bind(limit).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(i, p, a)| {
                Ok((
                    parse_id(&i)?,
                    parse_id(&p)?,
                    serde_json::from_str(&a).map_err(corrupt)?,
                ))
            })
            .collect()
    }

    /// The reported actuals of shared indicators summed by shared indicator, unit and year (of
    /// the period's end): only counts, which add up.
    pub async fn shared_totals(&self) -> Result<Vec<(String, String, i64, f64)>> {
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, (String, String, i64, f64)>(
            "SELECT shared, unit, year, total FROM results_shared_rollup ORDER BY shared, unit, year").fetch_all(p).await)?,
        )
    }

    /// Every shared indicator code in use, with how many programmes report against it.
    pub async fn shared_codes_in_use(&self) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, (String, i64)>(
            "SELECT shared, COUNT(DISTINCT programme_id) FROM indicators WHERE shared IS NOT NULL GROUP BY shared ORDER BY shared")
            .fetch_all(p).await)?)
    }

    /// A shared indicator's reported actuals summed by thematic area of the programmes, unit
    /// and year (of the period's end): only counts. A programme of two areas counts in both.
    pub async fn shared_by_area(&self, shared: &str) -> Result<Vec<(String, String, i64, f64)>> {
        let y = self.year_of("p.period_end");
        let sql = format!(
            "SELECT pa.area, i.unit, {y}, SUM(p.actual_number) FROM indicators i JOIN indicator_periods p ON p.indicator_id = i.id \
             JOIN programme_areas pa ON pa.programme_id = i.programme_id \
             WHERE i.shared = $1 AND i.measure = 'unit' AND p.actual_number IS NOT NULL GROUP BY pa.area, i.unit, {y} ORDER BY pa.area, i.unit, {y}"
        );
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, (String, String, i64, f64)>(&sql).bind(shared).fetch_all(p).await)?,
        )
    }

    /// A shared indicator's reported actuals split by place, summed per place key and year.
    pub async fn shared_by_place_and_year(&self, shared: &str) -> Result<Vec<(String, i64, f64)>> {
        let y = self.year_of("p.period_end");
        let sql = format!(
            "SELECT s.split_key, {y}, SUM(s.number) FROM indicator_splits s JOIN indicators i ON i.id = s.indicator_id \
             JOIN indicator_periods p ON p.indicator_id = s.indicator_id AND p.period_start = s.period_start \
             WHERE i.shared = $1 AND i.measure = 'unit' AND s.figure = 'actual' AND s.dimension = 'place' GROUP BY s.split_key, {y}"
        );
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, (String, i64, f64)>(&sql).bind(shared).fetch_all(p).await)?,
        )
    }

    /// The statuses of the indicators of these programmes, as kept by the last writes.
    pub async fn statuses_of_programmes(
        &self,
        programmes: &[ProgrammeId],
    ) -> Result<Vec<(ProgrammeId, Status)>> {
        let mut out = Vec::new();
        for chunk in programmes.chunks(500) {
            let mut sql =
                Sql::new("SELECT programme_id, status FROM indicators WHERE programme_id IN ");
            sql.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            let rows: Vec<(String, String)> = on_pool!(self, p => bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_all(p).await)?;
            for (p, st) in rows {
                out.push((parse_id(&p)?, status_of(&st)?));
            }
        }
        Ok(out)
    }
}
