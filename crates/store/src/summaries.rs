//! Funding summaries: unfiltered ones by area, place, provider, year, origin and currency read
//! the cubes kept by `rollups.rs`; every other one (filtered ones) is summed in memory. A
//! filter may keep any set of programmes, so no cube answers it; summing the roll-ups in SQL
//! read ~170 000 rows per request at a million transactions (0.2–1 s, measured in
//! `bench/funding.sh`). Instead each server holds the
//! roll-ups by programme (by year and origin; by provider and currency once a summary needs
//! them, with each programme's area shares) and sums the selected programmes' cells. The
//! database says which programmes are selected (and how they split over places, when grouped
//! by place), each request afresh.
//!
//! The copy is never stale: every write transaction that changed money (or saved a programme,
//! whose areas may have changed) moves
//! `funding_version` on as the last statement before it commits (the row lock orders the
//! versions as the commits) and records the programmes it changed in `funding_changes`. Each
//! summary reads the version first; when it moved, the programmes changed since are read again
//! (or everything, after a change too large to list). What is read afterwards is at least as new
//! as that version, so a server never answers from money older than the last commit it could
//! see, whichever server or process wrote it. See ARCHITECTURE.md, "Summaries are never stale".

use crate::db::{bind_args, on_pool, on_tx, Arg, Page, Sql, Store, Tx, MANY};
use crate::error::Result;
use crate::funding::{Dimension, FundingFilter, SummaryRow};
use crate::money_copy::{Cell, MoneyCopy, Names, Rollup};
use crate::rollups::MEASURES;
use semey_domain::funding::Sums;
use semey_domain::place::PlaceLevel;
use std::collections::BTreeMap;

/// Moves the money version on for what `tx` changed: the last statements before it commits,
/// so the version's row lock is held only while committing (no writer waits for it holding
/// another lock it needs).
pub(crate) async fn record_changes(tx: &mut Tx) -> Result<()> {
    let changes = std::mem::take(&mut tx.money);
    if !changes.all && changes.programmes.is_empty() {
        return Ok(());
    }
    let everything = if changes.all {
        "version + 1"
    } else {
        "everything"
    };
    let version: i64 = on_tx!(tx, c => sqlx::query_scalar(&format!(
        "UPDATE funding_version SET version = version + 1, everything = {everything} WHERE id = 1 RETURNING version"
    )).fetch_one(&mut *c).await)?;
    let ids: Vec<String> = changes.programmes.into_iter().collect();
    for chunk in ids.chunks(MANY) {
        let mut sql = Sql::new("INSERT INTO funding_changes (programme_id, version) VALUES ");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .arg(Arg::Text(id.clone()))
                .push(", ")
                .arg(Arg::Int(version))
                .push(")");
        }
        sql.push(" ON CONFLICT (programme_id) DO UPDATE SET version = excluded.version");
        on_tx!(tx, c => bind_args!(sqlx::query(&sql.text), sql.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

impl Store {
    /// Funding totals grouped by `dims`, in USD and KZT. Amounts of a programme with several
    /// areas or places are split by their shares, so groups always add up to the whole.
    pub async fn funding_summary(
        &self,
        dims: &[Dimension],
        f: &FundingFilter,
    ) -> Result<Vec<SummaryRow>> {
        self.funding_summary_page(dims, f, None).await
    }

    /// One page of a summary's groups (as [`Store::funding_summary_page`]) and the same
    /// selection's money by origin: from the cubes when no programme filter applies, else in
    /// one pass over the copy of the roll-ups.
    pub async fn funding_summary_with_origins(
        &self,
        dims: &[Dimension],
        f: &FundingFilter,
        page: Option<Page>,
    ) -> Result<(Vec<SummaryRow>, Vec<SummaryRow>)> {
        if f.programmes.is_empty() && f.programme_id.is_none() {
            Ok((
                self.funding_summary_page(dims, f, page).await?,
                self.funding_summary(&[Dimension::Origin], f).await?,
            ))
        } else {
            self.summary_from_copy(dims, f, page, true).await
        }
    }

    /// One page of a summary's groups, in the order of their keys (a grouping by programme has
    /// as many groups as programmes).
    pub async fn funding_summary_page(
        &self,
        dims: &[Dimension],
        f: &FundingFilter,
        page: Option<Page>,
    ) -> Result<Vec<SummaryRow>> {
        // Without programme filters, area, year and origin are answered by the area cube, place
        // (at any level), year and origin by the place cube, and provider, year, origin and
        // currency by the provider cube; anything else is summed from the copy of the roll-ups
        // each server holds (`summaries.rs`).
        let unfiltered = f.programmes.is_empty() && f.programme_id.is_none();
        let within = |allowed: &[Dimension]| dims.iter().all(|d| allowed.contains(d));
        let by_provider = dims.iter().any(|d| d.needs_detail()) || f.provider_org_id.is_some();
        let by_place = |d: &Dimension| matches!(d, Dimension::Place(_));
        let (table, join) = if !unfiltered {
            return Ok(self.summary_from_copy(dims, f, page, false).await?.0);
        } else if !by_provider && within(&[Dimension::Area, Dimension::Year, Dimension::Origin]) {
            ("funding_cube_area", "")
        } else if !by_provider
            && dims.iter().any(by_place)
            && dims
                .iter()
                .all(|d| by_place(d) || matches!(d, Dimension::Year | Dimension::Origin))
        {
            (
                "funding_cube_place",
                " LEFT JOIN places pl ON pl.id = r.place_id",
            )
        } else if within(&[
            Dimension::Organisation,
            Dimension::Year,
            Dimension::Origin,
            Dimension::Currency,
        ]) {
            ("funding_cube_provider", "")
        } else {
            return Ok(self.summary_from_copy(dims, f, page, false).await?.0);
        };
        let mut keys = Vec::new();
        for d in dims {
            keys.push(match d {
                Dimension::Area => "r.area".to_owned(),
                Dimension::Organisation => "NULLIF(r.provider_org_id, '')".to_owned(),
                Dimension::Place(None) => "pl.id".to_owned(),
                // Paths are '/'-joined 36-character ids from the country down: the ancestor at
                // depth d starts at character 2 + 37 d.
                Dimension::Place(Some(level)) => format!(
                    "NULLIF(substr(pl.path, {}, 36), '')",
                    2 + 37 * level_depth(*level)
                ),
                Dimension::Year => "CAST(r.year AS TEXT)".to_owned(),
                Dimension::Currency => "r.currency".to_owned(),
                Dimension::Origin => "NULLIF(r.origin, '')".to_owned(),
                Dimension::Programme => unreachable!("no cube holds programmes"),
            });
        }
        // The split cubes keep fractions of minor units: rounded once per group.
        let sum_cols = MEASURES
            .iter()
            .flat_map(|m| ["usd", "kzt"].map(|c| format!("CAST(ROUND(SUM(r.{m}_{c})) AS BIGINT)")));
        let mut select: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} AS k{i}"))
            .collect();
        select.extend(sum_cols);
        let mut sql = Sql::new("SELECT ");
        sql.push(&select.join(", "))
            .push(&format!(" FROM {table} r{join} WHERE 1 = 1"));
        if let Some(y) = f.year {
            sql.push(" AND r.year = ").arg(Arg::Int(y.into()));
        }
        if let Some(o) = f.origin {
            sql.push(" AND (r.origin = ")
                .arg(Arg::Text(o.as_str().to_owned()))
                .push(" OR r.origin = '')");
        }
        if let Some(o) = f.provider_org_id {
            sql.push(" AND r.provider_org_id = ")
                .arg(Arg::Text(o.to_string()));
        }
        if !keys.is_empty() {
            // In the order the copy of the roll-ups sorts its groups: no value first.
            let positions = (0..keys.len())
                .map(|i| format!("k{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let order = (0..keys.len())
                .map(|i| format!("k{i} NULLS FIRST"))
                .collect::<Vec<_>>()
                .join(", ");
            sql.push(" GROUP BY ")
                .push(&positions)
                .push(" ORDER BY ")
                .push(&order);
        }
        let n = keys.len();
        let rows = on_pool!(self, p => {
            let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await?;
            rows.iter().map(|row| {
                use sqlx::Row;
                let mut key = BTreeMap::new();
                for (i, d) in dims.iter().enumerate() {
                    key.insert(d.name(), row.try_get::<Option<String>, _>(i)?);
                }
                let mut v = [0i64; 16];
                for (j, slot) in v.iter_mut().enumerate() {
                    *slot = row.try_get::<Option<i64>, _>(n + j)?.unwrap_or(0);
                }
                Ok::<_, sqlx::Error>((key, v))
            }).collect::<std::result::Result<Vec<_>, _>>()
        })?;
        let rows = rows
            .into_iter()
            // A group with nothing in it (e.g. what a cube keeps of money since taken out) is
            // no group.
            .filter(|(_, v)| v.iter().any(|x| *x != 0))
            .map(|(key, v)| SummaryRow {
                key,
                usd: sums(&v, 0),
                kzt: sums(&v, 1),
            });
        Ok(match page {
            Some(page) => rows
                .skip(page.offset as usize)
                .take(page.limit as usize)
                .collect(),
            None => rows.collect(),
        })
    }

    /// Reads the rows of `rollup` (of `programmes`, or all) into `copy`, replacing what it held
    /// of them.
    async fn read_rollup(
        &self,
        copy: &mut MoneyCopy,
        rollup: Rollup,
        programmes: Option<&[String]>,
    ) -> Result<()> {
        let (cols, _) = crate::rollups::sum_columns();
        let chunks: Vec<Option<&[String]>> = match programmes {
            None => vec![None],
            Some(ids) => ids.chunks(MANY).map(Some).collect(),
        };
        for chunk in chunks {
            let mut sql = Sql::new(&format!(
                "{}, {cols} FROM {}",
                rollup.select(),
                rollup.table()
            ));
            if let Some(ids) = chunk {
                sql.push(" WHERE programme_id IN ");
                sql.list(ids.iter().map(|p| Arg::Text(p.clone())));
                for id in ids {
                    let p = copy.programmes.number(id) as usize;
                    let cells = copy.cells(rollup);
                    if cells.len() <= p {
                        cells.resize_with(p + 1, Vec::new);
                    }
                    cells[p].clear();
                }
            }
            let rows = on_pool!(self, p => {
                use sqlx::Row;
                let rows = bind_args!(sqlx::query(&sql.text), sql.args).fetch_all(p).await?;
                rows.iter().map(|row| {
                    let mut v = [0i64; 16];
                    for (j, slot) in v.iter_mut().enumerate() {
                        *slot = row.try_get::<i64, _>(5 + j)?;
                    }
                    Ok::<_, sqlx::Error>((
                        row.try_get::<String, _>(0)?,
                        row.try_get::<i64, _>(1)?,
                        row.try_get::<String, _>(2)?,
                        row.try_get::<String, _>(3)?,
                        row.try_get::<String, _>(4)?,
                        v,
                    ))
                }).collect::<std::result::Result<Vec<_>, _>>()
            })?;
            for (programme, year, origin, provider, currency, v) in rows {
                let p = copy.programmes.number(&programme) as usize;
                let cell = Cell {
                    year: year as i32,
                    origin: copy.names.number(&origin) as u16,
                    provider: copy.names.number(&provider),
                    currency: copy.names.number(&currency) as u16,
                    v,
                };
                let cells = copy.cells(rollup);
                if cells.len() <= p {
                    cells.resize_with(p + 1, Vec::new);
                }
                cells[p].push(cell);
            }
        }
        Ok(())
    }

    /// Reads the area shares of `programmes` (or all) into `copy`, replacing what it held of
    /// them.
    async fn read_areas(&self, copy: &mut MoneyCopy, programmes: Option<&[String]>) -> Result<()> {
        let chunks: Vec<Option<&[String]>> = match programmes {
            None => {
                copy.areas.clear();
                vec![None]
            }
            Some(ids) => ids.chunks(MANY).map(Some).collect(),
        };
        for chunk in chunks {
            let mut sql = Sql::new("SELECT programme_id, area, share FROM programme_areas");
            if let Some(ids) = chunk {
                sql.push(" WHERE programme_id IN ");
                sql.list(ids.iter().map(|p| Arg::Text(p.clone())));
                for id in ids {
                    if let Some(p) = copy.programmes.get(id) {
                        if let Some(parts) = copy.areas.get_mut(p as usize) {
                            parts.clear();
                        }
                    }
                }
            }
            let rows: Vec<(String, String, i64)> = on_pool!(self, p => bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_all(p).await)?;
            for (programme, area, share) in rows {
                let p = copy.programmes.number(&programme) as usize;
                let area = copy.names.number(&area);
                if copy.areas.len() <= p {
                    copy.areas.resize_with(p + 1, Vec::new);
                }
                copy.areas[p].push((area, share));
            }
        }
        Ok(())
    }

    /// Brings the copy of the roll-ups up to the database's money version (reading `rollup`
    /// whole if the copy does not hold it yet).
    async fn current_copy(&self, copy: &mut Option<MoneyCopy>, rollup: Rollup) -> Result<()> {
        let (version, everything): (i64, i64) = on_pool!(self, p => sqlx::query_as(
            "SELECT version, everything FROM funding_version WHERE id = 1"
        ).fetch_one(p).await)?;
        let stale = match copy {
            None => true,
            Some(c) => everything > c.version,
        };
        if stale {
            let mut fresh = MoneyCopy {
                version,
                ..MoneyCopy::default()
            };
            self.read_rollup(&mut fresh, Rollup::Year, None).await?;
            self.read_areas(&mut fresh, None).await?;
            *copy = Some(fresh);
        }
        let Some(c) = copy else {
            unreachable!("the copy was just read")
        };
        if version > c.version {
            let changed: Vec<String> = on_pool!(self, p => sqlx::query_scalar(
                "SELECT programme_id FROM funding_changes WHERE version > $1"
            ).bind(c.version).fetch_all(p).await)?;
            let whole = changed.len() > 4 * MANY;
            for r in [Rollup::Year, Rollup::Provider] {
                if r == Rollup::Provider && c.by_provider.is_none() {
                    continue;
                }
                if whole {
                    c.cells(r).clear();
                    self.read_rollup(c, r, None).await?;
                } else {
                    self.read_rollup(c, r, Some(&changed)).await?;
                }
            }
            self.read_areas(c, (!whole).then_some(&changed[..])).await?;
            c.version = version;
        }
        if rollup == Rollup::Provider && c.by_provider.is_none() {
            self.read_rollup(c, Rollup::Provider, None).await?;
        }
        Ok(())
    }

    /// Rows `(programme, key, share)` of the programmes `f` selects (all when it selects
    /// every one), read as one text (rows through the driver one by one cost more than the
    /// summing): `key` empty for none.
    async fn selected(
        &self,
        f: &FundingFilter,
        key: &str,
        share: &str,
        from: &str,
    ) -> Result<String> {
        let row = format!(
            "sp.id || '\u{1f}' || COALESCE({key}, '') || '\u{1f}' || CAST({share} AS TEXT)"
        );
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM {from} WHERE 1 = 1",
            self.text_agg_unordered(&row, '\u{1e}')
        ));
        f.programmes.push_row_conditions(&mut sql, "sp", false);
        if let Some(p) = f.programme_id {
            sql.push(" AND sp.id = ").arg(Arg::Text(p.to_string()));
        }
        let text: Option<String> = on_pool!(self, p => bind_args!(sqlx::query_scalar(&sql.text), sql.args).fetch_one(p).await)?;
        Ok(text.unwrap_or_default())
    }

    /// A summary that no cube answers, summed from the copy of the roll-ups: the selected
    /// programmes' money, split by their area and place shares. Groups are in the order of
    /// their keys (no value first), the empty ones left out, then paged. With `origins`, also
    /// the same money by origin alone (in the same pass).
    pub(crate) async fn summary_from_copy(
        &self,
        dims: &[Dimension],
        f: &FundingFilter,
        page: Option<Page>,
        origins: bool,
    ) -> Result<(Vec<SummaryRow>, Vec<SummaryRow>)> {
        let by_area = dims.contains(&Dimension::Area);
        let place_dim = dims.iter().find_map(|d| match d {
            Dimension::Place(l) => Some(*l),
            _ => None,
        });
        let started = std::time::Instant::now();
        // The selected programmes, with their place shares when grouped by place (no place:
        // all of it under none); their area shares are in the copy.
        let selected = match place_dim {
            None => self.selected(f, "''", "10000", "programmes sp").await?,
            Some(level) => {
                let key = match level {
                    None => "pl.id".to_owned(),
                    // Paths are '/'-joined 36-character ids from the country down.
                    Some(level) => format!(
                        "NULLIF(substr(pl.path, {}, 36), '')",
                        2 + 37 * level_depth(level)
                    ),
                };
                self.selected(
                    f,
                    &key,
                    "COALESCE(pp.share, 10000)",
                    "programmes sp LEFT JOIN programme_places pp ON pp.programme_id = sp.id LEFT JOIN places pl ON pl.id = pp.place_id",
                )
                .await?
            }
        };
        tracing::debug!(elapsed = ?started.elapsed(), "programmes selected");
        let rollup = if dims.iter().any(|d| d.needs_detail()) || f.provider_org_id.is_some() {
            Rollup::Provider
        } else {
            Rollup::Year
        };
        let mut guard = self.money_copy.lock().await;
        self.current_copy(&mut guard, rollup).await?;
        let Some(copy) = guard.as_mut() else {
            unreachable!("the copy was just read")
        };
        tracing::debug!(elapsed = ?started.elapsed(), "copy current");
        // Keys are numbered while summing (`NONE`: no value); place values get numbers of
        // their own, areas have theirs in the copy.
        const NONE: u32 = u32::MAX;
        let mut labels = Names::default();
        /// A programme's parts: (key number, share in ten-thousandths).
        type Parts = Vec<(u32, i64)>;
        let whole: Parts = vec![(NONE, 10000)];
        // By programme number: its place parts, when selected (indexed by the number, no
        // hashing per programme; summed in the order the cells were read in).
        let mut selection: Vec<Option<Parts>> = Vec::new();
        selection.resize_with(copy.programmes.names.len(), || None);
        for row in selected.split('\u{1e}').filter(|r| !r.is_empty()) {
            let mut fields = row.split('\u{1f}');
            let (Some(id), Some(key), Some(share)) = (fields.next(), fields.next(), fields.next())
            else {
                return Err(crate::error::StoreError::Corrupt(format!(
                    "a selected programme: {row:?}"
                )));
            };
            let share: i64 = share
                .parse()
                .map_err(|_| crate::error::StoreError::Corrupt(format!("a share: {row:?}")))?;
            // A programme with no money is in no group.
            let Some(p) = copy.programmes.get(id) else {
                continue;
            };
            let Some(parts) = selection.get_mut(p as usize) else {
                continue;
            };
            let key = if key.is_empty() {
                NONE
            } else {
                labels.number(key)
            };
            parts.get_or_insert_with(Vec::new).push((key, share));
        }
        let origin = f.origin.and_then(|o| copy.names.get(o.as_str()));
        let unspecified = copy.names.get("");
        let provider = f
            .provider_org_id
            .map(|o| copy.names.get(&o.to_string()).unwrap_or(NONE));
        let divisor: i128 = match (by_area, place_dim.is_some()) {
            (true, true) => 100_000_000,
            (true, false) | (false, true) => 10_000,
            (false, false) => 1,
        };
        let cells = match rollup {
            Rollup::Year => &copy.by_year,
            Rollup::Provider => copy.by_provider.as_ref().unwrap_or(&copy.by_year),
        };
        let none = |i: u32| if Some(i) == unspecified { NONE } else { i };
        let mut groups: rustc_hash::FxHashMap<[u32; 7], [i128; 16]> = Default::default();
        let mut by_origin: rustc_hash::FxHashMap<u32, [i64; 16]> = Default::default();
        // A programme's cells summed by key first (few keys: its years, origins…), then split
        // over its parts once per key.
        let mut own: Vec<([u32; 7], [i64; 16])> = Vec::new();
        let mut own_origins: Vec<(u32, [i64; 16])> = Vec::new();
        let no_areas: Parts = Vec::new();
        for (p, place_parts) in selection
            .iter()
            .enumerate()
            .filter_map(|(p, parts)| Some((p as u32, parts.as_ref()?)))
        {
            let Some(cells) = cells.get(p as usize) else {
                continue;
            };
            // A programme in no area is in no area's group.
            let area_parts = if by_area {
                copy.areas.get(p as usize).unwrap_or(&no_areas)
            } else {
                &whole
            };
            let place_parts = if place_parts.is_empty() || place_dim.is_none() {
                &whole
            } else {
                place_parts
            };
            own.clear();
            own_origins.clear();
            for c in cells {
                let origin_of = u32::from(c.origin);
                if f.year.is_some_and(|y| y != c.year)
                    || f.origin.is_some()
                        && Some(origin_of) != origin
                        && Some(origin_of) != unspecified
                    || provider.is_some_and(|o| o != c.provider)
                {
                    continue;
                }
                if origins {
                    add_under(&mut own_origins, none(origin_of), &c.v);
                }
                let mut key = [NONE; 7];
                for (slot, d) in key.iter_mut().zip(dims) {
                    *slot = match d {
                        Dimension::Area | Dimension::Place(_) => NONE,
                        Dimension::Organisation => none(c.provider),
                        Dimension::Year => c.year as u32,
                        Dimension::Currency => none(u32::from(c.currency)),
                        Dimension::Origin => none(origin_of),
                        Dimension::Programme => p,
                    };
                }
                add_under(&mut own, key, &c.v);
            }
            for (o, v) in &own_origins {
                let sums = by_origin.entry(*o).or_insert([0; 16]);
                for (s, x) in sums.iter_mut().zip(v) {
                    *s += x;
                }
            }
            for (key, v) in &own {
                let mut key = *key;
                for (area, a) in area_parts {
                    for (place, s) in place_parts {
                        for (slot, d) in key.iter_mut().zip(dims) {
                            match d {
                                Dimension::Area => *slot = *area,
                                Dimension::Place(_) => *slot = *place,
                                Dimension::Organisation
                                | Dimension::Year
                                | Dimension::Currency
                                | Dimension::Origin
                                | Dimension::Programme => {}
                            }
                        }
                        // Each share counts where the divisor has room for it.
                        let factor = i128::from(if by_area { *a } else { 1 })
                            * i128::from(if place_dim.is_some() { *s } else { 1 });
                        let sums = groups.entry(key).or_insert([0; 16]);
                        for (s, x) in sums.iter_mut().zip(v) {
                            *s += i128::from(*x) * factor;
                        }
                    }
                }
            }
        }
        tracing::debug!(elapsed = ?started.elapsed(), "summed");
        let name = |names: &Names, k: u32| {
            (k != NONE)
                .then(|| names.key(k).map(str::to_owned))
                .flatten()
        };
        let mut rows: Vec<(Vec<Option<String>>, [i64; 16])> = groups
            .into_iter()
            .map(|(key, sums)| (key, sums.map(|s| rounded(s, divisor))))
            // A group with nothing in it is no group.
            .filter(|(_, v)| v.iter().any(|x| *x != 0))
            .map(|(key, v)| {
                let key = key
                    .iter()
                    .zip(dims)
                    .map(|(k, d)| match d {
                        Dimension::Area => name(&copy.names, *k),
                        Dimension::Place(_) => name(&labels, *k),
                        Dimension::Year => Some(k.to_string()),
                        Dimension::Programme => name(&copy.programmes, *k),
                        Dimension::Organisation | Dimension::Currency | Dimension::Origin => {
                            name(&copy.names, *k)
                        }
                    })
                    .collect();
                (key, v)
            })
            .collect();
        let mut origin_rows: Vec<(Option<String>, [i64; 16])> = by_origin
            .into_iter()
            .filter(|(_, v)| v.iter().any(|x| *x != 0))
            .map(|(k, v)| (name(&copy.names, k), v))
            .collect();
        drop(guard);
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        origin_rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let rows: Vec<_> = match page {
            Some(page) => rows
                .into_iter()
                .skip(page.offset as usize)
                .take(page.limit as usize)
                .collect(),
            None => rows,
        };
        let row = |key: BTreeMap<&'static str, Option<String>>, v: [i64; 16]| SummaryRow {
            key,
            usd: sums(&v, 0),
            kzt: sums(&v, 1),
        };
        Ok((
            rows.into_iter()
                .map(|(key, v)| row(dims.iter().map(|d| d.name()).zip(key).collect(), v))
                .collect(),
            origin_rows
                .into_iter()
                .map(|(k, v)| row(BTreeMap::from([(Dimension::Origin.name(), k)]), v))
                .collect(),
        ))
    }
}

/// Adds `v` to the sums kept under `key` in a short list (a programme's few keys: a linear
/// search is cheaper than hashing).
fn add_under<K: PartialEq>(list: &mut Vec<(K, [i64; 16])>, key: K, v: &[i64; 16]) {
    let at = match list.iter().position(|(k, _)| *k == key) {
        Some(i) => i,
        None => {
            list.push((key, [0; 16]));
            list.len() - 1
        }
    };
    for (s, x) in list[at].1.iter_mut().zip(v) {
        *s += x;
    }
}

/// How deep places of `level` are below the country.
pub(crate) fn level_depth(level: PlaceLevel) -> usize {
    match level {
        PlaceLevel::Country => 0,
        PlaceLevel::Region => 1,
        PlaceLevel::District => 2,
        PlaceLevel::Settlement => 3,
    }
}

/// `n / d` rounded half away from zero (as SQL's `ROUND`).
fn rounded(n: i128, d: i128) -> i64 {
    let q = (2 * n.abs() + d) / (2 * d);
    (if n < 0 { -q } else { q }) as i64
}

/// The sums in USD (`o` 0) or KZT (`o` 1) of a row of sixteen, in `MEASURES` order.
pub(crate) fn sums(v: &[i64; 16], o: usize) -> Sums {
    debug_assert_eq!(MEASURES.len() * 2, v.len());
    Sums {
        required: v[o],
        pledged: v[2 + o],
        committed: v[4 + o],
        disbursed: v[6 + o],
        spent: v[8 + o],
        internal_committed: v[10 + o],
        internal_disbursed: v[12 + o],
        outgoing: v[14 + o],
    }
}
