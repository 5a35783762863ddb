//! The summaries kept current in the transaction of every write of money or of a programme's
//! areas: `funding_rollup_year` (per programme, year and origin) and `funding_cube_area` (per
//! thematic area, year and origin, programmes split by their area shares). See ARCHITECTURE.md,
//! "Summaries are never stale".

use crate::db::{bind_args, on_tx, Arg, OnConflict, Sql, Store, Tx};
use crate::error::Result;
use semey_domain::funding::{Measure, Origin, SumColumn, Sums};
use semey_domain::ids::ProgrammeId;

/// Rows per multi-row statement.
const BATCH_ROWS: usize = 500;
use std::collections::{BTreeMap, BTreeSet};

/// The cell of the funding roll-up: a programme's money of one year and origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RollupKey {
    pub programme_id: ProgrammeId,
    pub year: i32,
    pub origin: Origin,
}

/// Whether money goes into the area cube or comes out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    Add,
    Remove,
}

/// The roll-up columns, and their sums for an aggregating SELECT.
pub(crate) fn sum_columns() -> (String, String) {
    let cols: Vec<String> = MEASURES
        .iter()
        .flat_map(|m| [format!("{m}_usd"), format!("{m}_kzt")])
        .collect();
    let sums = cols
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ");
    (cols.join(", "), sums)
}

/// Requirements and transactions as roll-up rows (programme, year, origin, provider, currency
/// and every measure in USD and KZT), under `cond` (a `WHERE …` on `programme_id`, or empty):
/// what the roll-up is computed from, and what summaries by provider or currency read.
pub(crate) fn rollup_source(cond: &str) -> String {
    // The domain's counting rules as SQL: a column sums the transactions whose measure and
    // internal flag the rules put in it.
    let tx_measure = |m: &str, cur: &str| -> String {
        let when: Vec<String> = Measure::ALL
            .into_iter()
            .flat_map(|measure| [false, true].map(|internal| (measure, internal)))
            .filter(|(measure, internal)| {
                measure.counted_in(*internal).map(SumColumn::as_str) == Some(m)
            })
            .map(|(measure, internal)| {
                let flag = if internal { "internal" } else { "NOT internal" };
                format!("(measure = '{}' AND {flag})", measure.as_str())
            })
            .collect();
        if when.is_empty() {
            return format!("0 AS {m}_{cur}");
        }
        format!(
            "CASE WHEN {} THEN amount_{cur} ELSE 0 END AS {m}_{cur}",
            when.join(" OR ")
        )
    };
    let req_cols = MEASURES
        .iter()
        .flat_map(|m| ["usd", "kzt"].map(|c| (m, c)))
        .map(|(m, c)| {
            let e = if *m == "required" {
                format!("amount_{c}")
            } else {
                "0".into()
            };
            format!("{e} AS {m}_{c}")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let tx_cols = MEASURES
        .iter()
        .flat_map(|m| ["usd", "kzt"].map(|c| tx_measure(m, c)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT programme_id, year, '' AS origin, '' AS provider_org_id, currency, {req_cols} FROM requirements{cond} \
         UNION ALL \
         SELECT programme_id, year, origin, COALESCE(provider_org_id, '') AS provider_org_id, currency, {tx_cols} FROM transactions{cond}"
    )
}

/// `WHERE programme_id IN (…)` conditions covering `programmes`, in chunks; one condition
/// matching everything when the set is large (a single pass is then cheaper).
pub(crate) fn programme_conditions(programmes: &BTreeSet<ProgrammeId>) -> Vec<Sql> {
    if programmes.is_empty() {
        return Vec::new();
    }
    if programmes.len() > 2000 {
        return vec![Sql::new("")];
    }
    let ids: Vec<ProgrammeId> = programmes.iter().copied().collect();
    ids.chunks(500)
        .map(|chunk| {
            let mut cond = Sql::new(" WHERE programme_id IN ");
            cond.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            cond
        })
        .collect()
}

/// The roll-up's money columns, in order (the domain's `SumColumn`s).
pub(crate) const MEASURES: [&str; 8] = {
    let mut names = [""; 8];
    let mut i = 0;
    while i < 8 {
        names[i] = SumColumn::ALL[i].as_str();
        i += 1;
    }
    names
};

impl Store {
    /// Adds freshly inserted transactions' money to the roll-up and the area cube (an import
    /// that inserted every row of its file knows exactly what it added; anything else calls
    /// [`Store::refresh_rollups`]). `deltas` are per programme, year and origin.
    pub async fn add_to_rollups(
        &self,
        tx: &mut Tx,
        deltas: &[(RollupKey, Sums, Sums)],
    ) -> Result<()> {
        let (cols, _) = sum_columns();
        let col_list: Vec<&str> = cols.split(", ").collect();
        let updates = |table: &str| {
            col_list
                .iter()
                .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let clause = format!(
            "ON CONFLICT (programme_id, year, origin) DO UPDATE SET {}",
            updates("funding_rollup_year")
        );
        let columns = format!("programme_id, year, origin, {cols}");
        let upsert = |rows: usize| {
            self.multi_insert_sql(
                "funding_rollup_year",
                &columns,
                3 + col_list.len(),
                rows,
                OnConflict::Clause(&clause),
            )
        };
        let full = upsert(BATCH_ROWS);
        let mut args = Vec::with_capacity(BATCH_ROWS * (3 + col_list.len()));
        for chunk in deltas.chunks(BATCH_ROWS) {
            args.clear();
            for (k, usd, kzt) in chunk {
                args.extend([
                    Arg::Text(k.programme_id.to_string()),
                    Arg::Int(k.year.into()),
                    Arg::Text(k.origin.as_str().to_owned()),
                ]);
                for (u, z) in usd.to_array().into_iter().zip(kzt.to_array()) {
                    args.extend([Arg::Int(u), Arg::Int(z)]);
                }
            }
            let partial;
            let sql = if chunk.len() == BATCH_ROWS {
                &full
            } else {
                partial = upsert(chunk.len());
                &partial
            };
            on_tx!(tx, c => bind_args!(sqlx::query(sql), args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }

        let touched: BTreeSet<ProgrammeId> =
            deltas.iter().map(|(k, _, _)| k.programme_id).collect();
        self.refresh_programme_totals(tx, &touched).await?;
        // The cube grows by each delta split over its programme's areas.
        let shares: Vec<(String, String, i64)> = on_tx!(tx, c => sqlx::query_as("SELECT programme_id, area, share FROM programme_areas").fetch_all(&mut *c).await)?;
        let mut areas: std::collections::HashMap<String, Vec<(String, f64)>> =
            std::collections::HashMap::new();
        for (p, area, share) in shares {
            areas
                .entry(p)
                .or_default()
                .push((area, share as f64 / 10000.0));
        }
        let mut cube: BTreeMap<(String, i32, &'static str), [f64; 16]> = BTreeMap::new();
        for (k, usd, kzt) in deltas {
            for (area, share) in areas.get(&k.programme_id.to_string()).into_iter().flatten() {
                let cell = cube
                    .entry((area.clone(), k.year, k.origin.as_str()))
                    .or_insert([0.0; 16]);
                for (i, (u, z)) in usd.to_array().into_iter().zip(kzt.to_array()).enumerate() {
                    cell[2 * i] += u as f64 * share;
                    cell[2 * i + 1] += z as f64 * share;
                }
            }
        }
        let clause = format!(
            "ON CONFLICT (area, year, origin) DO UPDATE SET {}",
            updates("funding_cube_area")
        );
        let columns = format!("area, year, origin, {cols}");
        for chunk in cube.into_iter().collect::<Vec<_>>().chunks(BATCH_ROWS) {
            let sql = self.multi_insert_sql(
                "funding_cube_area",
                &columns,
                3 + col_list.len(),
                chunk.len(),
                OnConflict::Clause(&clause),
            );
            let mut args = Vec::new();
            for ((area, year, origin), cell) in chunk {
                args.extend([
                    Arg::Text(area.clone()),
                    Arg::Int((*year).into()),
                    Arg::Text((*origin).to_owned()),
                ]);
                args.extend(cell.iter().map(|v| Arg::Real(Some(*v))));
            }
            on_tx!(tx, c => bind_args!(sqlx::query(&sql), args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Recomputes the roll-up of `programmes` from their requirements and transactions (all
    /// programmes when the set is large: one pass is then cheaper than many small ones), and
    /// their share of the area cube.
    pub async fn refresh_rollups(
        &self,
        tx: &mut Tx,
        programmes: &BTreeSet<ProgrammeId>,
    ) -> Result<()> {
        let (cols, sums) = sum_columns();
        self.touch_programmes(tx, programmes).await?;
        self.adjust_area_cube(tx, programmes, Sign::Remove).await?;
        for cond in programme_conditions(programmes) {
            let statements = [
                format!("DELETE FROM funding_rollup_year{}", cond.text),
                format!(
                    "INSERT INTO funding_rollup_year (programme_id, year, origin, {cols}) \
                     SELECT programme_id, year, origin, {sums} FROM ({}) u GROUP BY programme_id, year, origin",
                    rollup_source(&cond.text)
                ),
            ];
            for s in &statements {
                on_tx!(tx, c => bind_args!(sqlx::query(s), cond.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        self.refresh_programme_totals(tx, programmes).await?;
        self.adjust_area_cube(tx, programmes, Sign::Add).await
    }

    /// Each of `programmes`' totals over all years and origins, summed again from its roll-up
    /// rows (all programmes' when the set is large).
    async fn refresh_programme_totals(
        &self,
        tx: &mut Tx,
        programmes: &BTreeSet<ProgrammeId>,
    ) -> Result<()> {
        let (cols, sums) = sum_columns();
        for cond in programme_conditions(programmes) {
            let statements = [
                format!("DELETE FROM funding_rollup_programme{}", cond.text),
                format!(
                    "INSERT INTO funding_rollup_programme (programme_id, {cols}) \
                     SELECT programme_id, {sums} FROM funding_rollup_year{} GROUP BY programme_id",
                    cond.text
                ),
            ];
            for s in &statements {
                on_tx!(tx, c => bind_args!(sqlx::query(s), cond.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }

    /// Takes the money of `programmes` out of the area cube (`Sign::Remove`, before their
    /// roll-ups or areas change) or puts it back in (`Sign::Add`, after), split by their current
    /// area shares. For a large set the cube is rebuilt whole on `Add` instead.
    pub(crate) async fn adjust_area_cube(
        &self,
        tx: &mut Tx,
        programmes: &BTreeSet<ProgrammeId>,
        sign: Sign,
    ) -> Result<()> {
        let (cols, _) = sum_columns();
        let col_list: Vec<&str> = cols.split(", ").collect();
        let factor = match sign {
            Sign::Add => "1.0",
            Sign::Remove => "-1.0",
        };
        let sums = col_list
            .iter()
            .map(|c| format!("SUM(r.{c} * pa.share * {factor} / 10000)"))
            .collect::<Vec<_>>()
            .join(", ");
        let updates = col_list
            .iter()
            .map(|c| format!("{c} = funding_cube_area.{c} + excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let select = |cond: &str| {
            format!(
                "INSERT INTO funding_cube_area (area, year, origin, {cols}) \
                 SELECT pa.area, r.year, r.origin, {sums} FROM funding_rollup_year r \
                 JOIN programme_areas pa ON pa.programme_id = r.programme_id WHERE 1 = 1{cond} \
                 GROUP BY pa.area, r.year, r.origin ON CONFLICT (area, year, origin) DO UPDATE SET {updates}"
            )
        };
        let conditions = programme_conditions(programmes);
        if conditions.len() == 1 && conditions[0].text.is_empty() {
            if sign == Sign::Add {
                on_tx!(tx, c => sqlx::query("DELETE FROM funding_cube_area").execute(&mut *c).await.map(|r| r.rows_affected()))?;
                let sql = select("");
                on_tx!(tx, c => sqlx::query(&sql).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
            return Ok(());
        }
        for cond in conditions {
            let sql = select(
                &cond
                    .text
                    .replace(" WHERE programme_id", " AND r.programme_id"),
            );
            on_tx!(tx, c => bind_args!(sqlx::query(&sql), cond.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}
