//! The summaries kept current in the transaction of every write of money or of a programme's
//! areas: `funding_rollup_provider` (per programme, year, origin, provider and currency),
//! `funding_rollup_year` (per programme, year and origin), `funding_rollup_programme` (per
//! programme), `funding_cube_area` (per thematic area, year and origin, programmes split by
//! their area shares) and `funding_cube_provider` (per provider, year, origin and currency). See ARCHITECTURE.md,
//! "Summaries are never stale".

use crate::db::{bind_args, on_tx, Arg, OnConflict, Sql, Store, Tx};
use crate::error::Result;
use semey_domain::currency::Currency;
use semey_domain::funding::{Measure, Origin, SumColumn, Sums};
use semey_domain::ids::{OrganisationId, ProgrammeId};

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

/// The cell of the funding roll-up: a programme's money of one year and origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RollupKey {
    pub programme_id: ProgrammeId,
    pub year: i32,
    pub origin: Origin,
    /// The organisation the money came from (none for requirements and money with no provider).
    pub provider_org_id: Option<OrganisationId>,
    /// The currency it was reported in.
    pub currency: Currency,
}

/// The key columns of the kept-current tables of money.
const YEAR_KEY: &[&str] = &["programme_id", "year", "origin"];
const PROVIDER_ROLLUP_KEY: &[&str] = &[
    "programme_id",
    "year",
    "origin",
    "provider_org_id",
    "currency",
];
const PROVIDER_CUBE_KEY: &[&str] = &["provider_org_id", "year", "origin", "currency"];

/// A cube whose programmes' money is split by their shares of something: thematic areas, or
/// places (a programme with no place counts whole under '').
pub(crate) struct SplitCube {
    table: &'static str,
    key: &'static str,
    /// Joins the programme's shares as `s` to roll-up rows `r`.
    join: &'static str,
    key_expr: &'static str,
    share_expr: &'static str,
}

pub(crate) const SPLIT_CUBES: [SplitCube; 2] = [
    SplitCube {
        table: "funding_cube_area",
        key: "area",
        join: "JOIN programme_areas s ON s.programme_id = r.programme_id",
        key_expr: "s.area",
        share_expr: "s.share",
    },
    SplitCube {
        table: "funding_cube_place",
        key: "place_id",
        join: "LEFT JOIN programme_places s ON s.programme_id = r.programme_id",
        key_expr: "COALESCE(s.place_id, '')",
        share_expr: "COALESCE(s.share, 10000)",
    },
];

/// Whether money goes into the split cubes or comes out of them.
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

/// The `SET` of an upsert into `table` that adds a row's money to the stored row's.
fn adding(table: &str) -> String {
    MEASURES
        .iter()
        .flat_map(|m| {
            ["usd", "kzt"].map(|c| format!("{m}_{c} = {table}.{m}_{c} + excluded.{m}_{c}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Requirements and transactions as roll-up rows (programme, year, origin, provider, currency
/// and every measure in USD and KZT), under `cond` (a `WHERE …` on `programme_id`, or empty):
/// what the roll-ups are computed from.
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

/// Rows of values made one at a time (boxed: the iterator's closures would otherwise make the
/// writing future's type too hard for the compiler to prove `Send`).
type Rows = Box<dyn Iterator<Item = Vec<Arg>> + Send>;

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
    /// Adds freshly inserted transactions' money to the roll-ups and the cubes (an import that
    /// inserted every row of its file knows exactly what it added; anything else calls
    /// [`Store::refresh_rollups`]). `deltas` are per programme, year, origin, provider and
    /// currency.
    pub async fn add_to_rollups(
        &self,
        tx: &mut Tx,
        deltas: &[(RollupKey, Sums, Sums)],
    ) -> Result<()> {
        let entered = std::time::Instant::now();
        let money = |usd: &Sums, kzt: &Sums| -> [i64; 16] {
            let mut v = [0; 16];
            for (i, (u, z)) in usd.to_array().into_iter().zip(kzt.to_array()).enumerate() {
                v[2 * i] = u;
                v[2 * i + 1] = z;
            }
            v
        };
        let add = |cell: &mut [i64; 16], v: &[i64; 16]| {
            for (c, x) in cell.iter_mut().zip(v) {
                *c += x;
            }
        };
        // Keys as the tables hold them, sorted: a B-tree filled in its key order touches each
        // page once (measured on 270 000 rows with sqlite3: 0.55 s in order, 2.0 s in the
        // random order of a hash map).
        let mut by_year: FxHashMap<(String, i32, &'static str), [i64; 16]> = FxHashMap::default();
        let mut by_provider: FxHashMap<(String, i32, &'static str, String), [i64; 16]> =
            FxHashMap::default();
        let mut detail = Vec::with_capacity(deltas.len());
        for (k, usd, kzt) in deltas {
            let v = money(usd, kzt);
            let programme = k.programme_id.to_string();
            let provider = k.provider_org_id.map(|o| o.to_string()).unwrap_or_default();
            let origin = k.origin.as_str();
            add(
                by_year
                    .entry((programme.clone(), k.year, origin))
                    .or_insert([0; 16]),
                &v,
            );
            add(
                by_provider
                    .entry((
                        provider.clone(),
                        k.year,
                        origin,
                        k.currency.code().to_owned(),
                    ))
                    .or_insert([0; 16]),
                &v,
            );
            let currency = k.currency.code().to_owned();
            detail.push(((programme, k.year, origin, provider, currency), v));
        }
        detail.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut by_year: Vec<_> = by_year.into_iter().collect();
        by_year.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut by_provider: Vec<_> = by_provider.into_iter().collect();
        by_provider.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let started = std::time::Instant::now();
        tracing::debug!(elapsed = ?entered.elapsed(), "roll-up rows made");
        // A row: its key's values, then its sixteen sums.
        fn keyed_row<const N: usize>(key: [Arg; N], v: [i64; 16]) -> Vec<Arg> {
            key.into_iter().chain(v.map(Arg::Int)).collect()
        }
        self.add_rows(
            tx,
            "funding_rollup_year",
            YEAR_KEY,
            Box::new(by_year.into_iter().map(|((p, year, origin), v)| {
                keyed_row(
                    [
                        Arg::Text(p),
                        Arg::Int(year.into()),
                        Arg::Text(origin.to_owned()),
                    ],
                    v,
                )
            })),
        )
        .await?;
        tracing::debug!(elapsed = ?started.elapsed(), "roll-up by year");
        let detail_rows = detail.len();
        self.add_rows(
            tx,
            "funding_rollup_provider",
            PROVIDER_ROLLUP_KEY,
            Box::new(detail.into_iter().map(
                |((programme, year, origin, provider, currency), v)| {
                    keyed_row(
                        [
                            Arg::Text(programme),
                            Arg::Int(year.into()),
                            Arg::Text(origin.to_owned()),
                            Arg::Text(provider),
                            Arg::Text(currency),
                        ],
                        v,
                    )
                },
            )),
        )
        .await?;
        tracing::debug!(elapsed = ?started.elapsed(), rows = detail_rows, "roll-up by provider");
        self.add_rows(
            tx,
            "funding_cube_provider",
            PROVIDER_CUBE_KEY,
            Box::new(
                by_provider
                    .into_iter()
                    .map(|((provider, year, origin, currency), v)| {
                        keyed_row(
                            [
                                Arg::Text(provider),
                                Arg::Int(year.into()),
                                Arg::Text(origin.to_owned()),
                                Arg::Text(currency),
                            ],
                            v,
                        )
                    }),
            ),
        )
        .await?;
        tracing::debug!(elapsed = ?started.elapsed(), "provider cube");

        let touched: BTreeSet<ProgrammeId> =
            deltas.iter().map(|(k, _, _)| k.programme_id).collect();
        self.refresh_programme_totals(tx, &touched).await?;
        tracing::debug!(elapsed = ?started.elapsed(), "programme totals");
        // The split cubes grow by each delta split over its programme's shares.
        let programmes: BTreeSet<String> = deltas
            .iter()
            .map(|(k, _, _)| k.programme_id.to_string())
            .collect();
        for cube in &SPLIT_CUBES {
            let shares: Vec<(String, String, i64)> = match cube.key {
                "area" => {
                    on_tx!(tx, c => sqlx::query_as("SELECT programme_id, area, share FROM programme_areas").fetch_all(&mut *c).await)?
                }
                _ => {
                    on_tx!(tx, c => sqlx::query_as("SELECT programme_id, place_id, share FROM programme_places").fetch_all(&mut *c).await)?
                }
            };
            let mut split: std::collections::HashMap<String, Vec<(String, f64)>> =
                std::collections::HashMap::new();
            for (p, key, share) in shares {
                if programmes.contains(&p) {
                    split
                        .entry(p)
                        .or_default()
                        .push((key, share as f64 / 10000.0));
                }
            }
            let whole = cube.join.starts_with("LEFT");
            let mut cells: BTreeMap<(String, i32, &'static str), [f64; 16]> = BTreeMap::new();
            for (k, usd, kzt) in deltas {
                let v = money(usd, kzt);
                let none = [(String::new(), 1.0)];
                let parts: &[(String, f64)] = match split.get(&k.programme_id.to_string()) {
                    Some(parts) => parts,
                    None if whole => &none,
                    None => &[],
                };
                for (key, share) in parts {
                    let cell = cells
                        .entry((key.clone(), k.year, k.origin.as_str()))
                        .or_insert([0.0; 16]);
                    for (c, x) in cell.iter_mut().zip(v) {
                        *c += x as f64 * share;
                    }
                }
            }
            let rows = Box::new(cells.into_iter().map(|((key, year, origin), cell)| {
                [
                    Arg::Text(key),
                    Arg::Int(year.into()),
                    Arg::Text(origin.to_owned()),
                ]
                .into_iter()
                .chain(cell.map(|v| Arg::Real(Some(v))))
                .collect()
            }));
            self.add_rows(tx, cube.table, &[cube.key, "year", "origin"], rows)
                .await?;
        }
        tracing::debug!(elapsed = ?started.elapsed(), "split cubes");
        Ok(())
    }

    /// Adds rows of money (`key` columns, then the sum columns) to `table`: a row whose key is
    /// there already adds its money to the stored one. The values are made one statement's
    /// worth at a time: a bulk import adds hundreds of thousands of rows, and holding all their
    /// values at once cost more in memory than the statements took.
    async fn add_rows(&self, tx: &mut Tx, table: &str, key: &[&str], mut rows: Rows) -> Result<()> {
        let (cols, _) = sum_columns();
        let clause = format!(
            "ON CONFLICT ({}) DO UPDATE SET {}",
            key.join(", "),
            adding(table)
        );
        let columns = format!("{}, {cols}", key.join(", "));
        let width = key.len() + MEASURES.len() * 2;
        let insert = self.bulk_insert(table, &columns, width, OnConflict::Clause(&clause));
        let mut args = Vec::new();
        loop {
            for row in rows.by_ref().take(insert.per_statement) {
                args.extend(row);
            }
            if args.is_empty() {
                return Ok(());
            }
            insert.run_moved(tx, &mut args).await?;
        }
    }

    /// Recomputes the roll-up of `programmes` from their requirements and transactions (all
    /// programmes when the set is large: one pass is then cheaper than many small ones), and
    /// their share of the cubes.
    pub async fn refresh_rollups(
        &self,
        tx: &mut Tx,
        programmes: &BTreeSet<ProgrammeId>,
    ) -> Result<()> {
        let (cols, sums) = sum_columns();
        self.touch_programmes(tx, programmes).await?;
        self.adjust_split_cubes(tx, programmes, Sign::Remove)
            .await?;
        self.adjust_provider_cube(tx, programmes, Sign::Remove)
            .await?;
        for cond in programme_conditions(programmes) {
            let statements = [
                format!("DELETE FROM funding_rollup_provider{}", cond.text),
                format!(
                    "INSERT INTO funding_rollup_provider (programme_id, year, origin, provider_org_id, currency, {cols}) \
                     SELECT programme_id, year, origin, provider_org_id, currency, {sums} FROM ({}) u \
                     GROUP BY programme_id, year, origin, provider_org_id, currency",
                    rollup_source(&cond.text)
                ),
                format!("DELETE FROM funding_rollup_year{}", cond.text),
                format!(
                    "INSERT INTO funding_rollup_year (programme_id, year, origin, {cols}) \
                     SELECT programme_id, year, origin, {sums} FROM funding_rollup_provider{} GROUP BY programme_id, year, origin",
                    cond.text
                ),
            ];
            for s in &statements {
                on_tx!(tx, c => bind_args!(sqlx::query(s), cond.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        self.refresh_programme_totals(tx, programmes).await?;
        self.adjust_split_cubes(tx, programmes, Sign::Add).await?;
        self.adjust_provider_cube(tx, programmes, Sign::Add).await
    }

    /// Takes the money of `programmes` out of the provider cube (`Sign::Remove`, before their
    /// roll-ups change) or puts it back in (`Sign::Add`, after). For a large set the cube is
    /// rebuilt whole on `Add` instead.
    async fn adjust_provider_cube(
        &self,
        tx: &mut Tx,
        programmes: &BTreeSet<ProgrammeId>,
        sign: Sign,
    ) -> Result<()> {
        let (cols, _) = sum_columns();
        let factor = match sign {
            Sign::Add => "",
            Sign::Remove => "-",
        };
        let sums = cols
            .split(", ")
            .map(|c| format!("{factor}CAST(SUM({c}) AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ");
        let updates = adding("funding_cube_provider");
        let key = PROVIDER_CUBE_KEY.join(", ");
        let select = |cond: &str| {
            format!(
                "INSERT INTO funding_cube_provider ({key}, {cols}) \
                 SELECT {key}, {sums} FROM funding_rollup_provider{cond} \
                 GROUP BY {key} ON CONFLICT ({key}) DO UPDATE SET {updates}"
            )
        };
        let conditions = programme_conditions(programmes);
        if conditions.len() == 1 && conditions[0].text.is_empty() {
            if sign == Sign::Add {
                on_tx!(tx, c => sqlx::query("DELETE FROM funding_cube_provider").execute(&mut *c).await.map(|r| r.rows_affected()))?;
                // SQLite needs a WHERE before an upsert's ON CONFLICT after a SELECT.
                let sql = select(" WHERE 1 = 1");
                on_tx!(tx, c => sqlx::query(&sql).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
            return Ok(());
        }
        for cond in conditions {
            let sql = select(&cond.text);
            on_tx!(tx, c => bind_args!(sqlx::query(&sql), cond.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Each of `programmes`' totals over all years and origins, summed again from its roll-up
    /// rows (all programmes' when the set is large).
    async fn refresh_programme_totals(
        &self,
        tx: &mut Tx,
        programmes: &BTreeSet<ProgrammeId>,
    ) -> Result<()> {
        let (cols, sums) = sum_columns();
        if programmes.len() > 2000 {
            tx.stale.everything();
            tx.money.everything();
        } else {
            for p in programmes {
                tx.stale.programme(&p.to_string());
                tx.money.programme(&p.to_string());
            }
        }
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

    /// Takes the money of `programmes` out of the split cubes (`Sign::Remove`, before their
    /// roll-ups or shares change) or puts it back in (`Sign::Add`, after), split by their
    /// current shares. For a large set the cubes are rebuilt whole on `Add` instead.
    pub(crate) async fn adjust_split_cubes(
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
        let conditions = programme_conditions(programmes);
        let everything = conditions.len() == 1 && conditions[0].text.is_empty();
        for cube in &SPLIT_CUBES {
            let SplitCube {
                table,
                key,
                join,
                key_expr,
                share_expr,
            } = cube;
            let sums = col_list
                .iter()
                .map(|c| format!("SUM(r.{c} * {share_expr} * {factor} / 10000)"))
                .collect::<Vec<_>>()
                .join(", ");
            let updates = adding(table);
            let select = |cond: &str| {
                format!(
                    "INSERT INTO {table} ({key}, year, origin, {cols}) \
                     SELECT {key_expr}, r.year, r.origin, {sums} FROM funding_rollup_year r \
                     {join} WHERE 1 = 1{cond} \
                     GROUP BY {key_expr}, r.year, r.origin ON CONFLICT ({key}, year, origin) DO UPDATE SET {updates}"
                )
            };
            if everything {
                if sign == Sign::Add {
                    let delete = format!("DELETE FROM {table}");
                    on_tx!(tx, c => sqlx::query(&delete).execute(&mut *c).await.map(|r| r.rows_affected()))?;
                    let sql = select("");
                    on_tx!(tx, c => sqlx::query(&sql).execute(&mut *c).await.map(|r| r.rows_affected()))?;
                }
                continue;
            }
            for cond in &conditions {
                let sql = select(
                    &cond
                        .text
                        .replace(" WHERE programme_id", " AND r.programme_id"),
                );
                on_tx!(tx, c => bind_args!(sqlx::query(&sql), cond.args.clone()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            }
        }
        Ok(())
    }
}
