//! Radiation measurements, their datasets, devices and conversion factors, and the dose-rate
//! statistics kept per hexagon and per place.

use crate::accounts::stamp;
use crate::db::{on_pool, on_tx, Arg, OnConflict, Pool, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::radiation::{DoseHistogram, DoseStats, DoseUnit};
use std::collections::HashMap;
use time::OffsetDateTime;

/// A version of a tube's count-rate factor.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Factor {
    pub tube: String,
    pub version: i64,
    pub cpm_per_usv_h: f64,
    pub source: String,
    pub recorded_at: String,
}

/// Where a set of measurements comes from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    pub id: i64,
    pub name: String,
    pub source: String,
    pub licence: String,
    pub description: String,
    pub url: Option<String>,
    pub created_at: String,
}

/// One file loaded into a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    pub id: i64,
    pub dataset_id: i64,
    pub file_name: String,
    pub sha256: String,
    pub format: String,
    pub imported_at: String,
    pub rows_read: i64,
    pub inserted: i64,
    pub duplicates: i64,
    pub skipped: i64,
    pub report: serde_json::Value,
}

/// A measurement to store. `line` is its line in the imported file.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    pub line: i64,
    pub device_id: i64,
    pub t: i64,
    pub lat: f64,
    pub lon: f64,
    pub precision_m: Option<f64>,
    pub height_m: Option<f64>,
    pub unit: DoseUnit,
    pub nuclide: String,
    pub value: f64,
    pub flags: i64,
}

/// A chunk of measurements as text (see [`Store::measurement_chunk`]).
#[derive(Debug, Clone)]
pub struct MeasurementChunk {
    pub count: usize,
    /// The largest id in the chunk: the next chunk starts after it.
    pub last_id: i64,
    /// Every field of every row, in the rows' order, separated by U+001F: t, lat, lon, value,
    /// unit, device_id, import_id, flags, nuclide, height_m, precision_m and id.
    fields: String,
}

/// Fields of a row in [`MeasurementChunk::fields`].
const CHUNK_FIELDS: usize = 12;

/// One measurement of a chunk, its fields as the database wrote them.
#[derive(Debug, Clone, Copy)]
pub struct MeasurementText<'a> {
    pub t: &'a str,
    pub lat: &'a str,
    pub lon: &'a str,
    pub value: &'a str,
    pub unit: &'a str,
    pub device_id: &'a str,
    pub import_id: &'a str,
    pub flags: &'a str,
    pub nuclide: &'a str,
    pub height_m: &'a str,
    pub precision_m: &'a str,
}

impl MeasurementChunk {
    /// Calls `each` with every measurement of the chunk; an error when a row is cut short.
    pub fn for_each(&self, mut each: impl FnMut(MeasurementText<'_>)) -> Result<()> {
        let mut fields = self.fields.split('\u{1f}');
        for _ in 0..self.count {
            let mut f = [""; CHUNK_FIELDS];
            for slot in &mut f {
                *slot = fields
                    .next()
                    .ok_or_else(|| StoreError::Corrupt("measurement chunk".to_owned()))?;
            }
            each(MeasurementText {
                t: f[0],
                lat: f[1],
                lon: f[2],
                value: f[3],
                unit: f[4],
                device_id: f[5],
                import_id: f[6],
                flags: f[7],
                nuclide: f[8],
                height_m: f[9],
                precision_m: f[10],
            });
        }
        Ok(())
    }
}

/// A device as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub source: String,
    pub name: String,
    pub tube: Option<String>,
}

/// Which measurements to read.
#[derive(Debug, Clone, Default)]
pub struct MeasurementFilter {
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: Option<[f64; 4]>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub dataset_id: Option<i64>,
    /// Read only measurements with a larger id (to walk the table in chunks)…
    pub after_id: Option<i64>,
    /// …and not larger than this.
    pub to_id: Option<i64>,
    /// At most this many.
    pub limit: Option<i64>,
}

/// A hexagon's statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub resolution: u8,
    pub cell: i64,
    pub lat: f64,
    pub lon: f64,
    pub count: i64,
    pub median_usv_h: f64,
    pub p95_usv_h: f64,
    pub max_usv_h: f64,
    pub newest: i64,
    pub oldest: i64,
}

/// Statistics to add to what is stored, by hexagon and by place and year.
#[derive(Debug, Default)]
pub struct Aggregates {
    /// `(resolution, cell)` → statistics, with the cell's centre `(lat, lon)`.
    pub bins: HashMap<(u8, i64), (f64, f64, DoseStats)>,
    pub places: HashMap<(String, i32), DoseStats>,
}

const M_COLUMNS: &str =
    "import_id, line, device_id, t, lat, lon, precision_m, height_m, unit, nuclide, value, flags";
const M_COLUMN_COUNT: usize = 12;

fn stats_from(
    n: i64,
    max: f64,
    newest: i64,
    oldest: i64,
    histogram: &str,
    what: &str,
) -> Result<DoseStats> {
    let histogram = DoseHistogram::decode(histogram)
        .ok_or_else(|| StoreError::Corrupt(format!("{what}: histogram")))?;
    if histogram.count() != u64::try_from(n).unwrap_or(0) {
        return Err(StoreError::Corrupt(format!("{what}: count")));
    }
    Ok(DoseStats {
        histogram,
        max_usv_h: max,
        newest: Some(newest),
        oldest: Some(oldest),
    })
}

impl Store {
    /// Every version of every tube's factor, newest version first per tube.
    pub async fn factors(&self) -> Result<Vec<Factor>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, (String, i64, f64, String, String)>(
            "SELECT tube, version, cpm_per_usv_h, source, recorded_at FROM radiation_factors ORDER BY tube, version DESC")
            .fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(
                |(tube, version, cpm_per_usv_h, source, recorded_at)| Factor {
                    tube,
                    version,
                    cpm_per_usv_h,
                    source,
                    recorded_at,
                },
            )
            .collect())
    }

    /// The factor in force for each tube (its newest version).
    pub async fn current_factors(&self) -> Result<HashMap<String, f64>> {
        let mut m = HashMap::new();
        for f in self.factors().await? {
            m.entry(f.tube).or_insert(f.cpm_per_usv_h);
        }
        Ok(m)
    }

    /// One version of a tube's factor, read in `tx`.
    pub async fn factor_in(&self, tx: &mut Tx, tube: &str, version: i64) -> Result<Option<Factor>> {
        let row = on_tx!(tx, c => sqlx::query_as::<_, (String, i64, f64, String, String)>(
            "SELECT tube, version, cpm_per_usv_h, source, recorded_at FROM radiation_factors WHERE tube = $1 AND version = $2")
            .bind(tube).bind(version)
            .fetch_optional(&mut *c).await)?;
        Ok(row.map(
            |(tube, version, cpm_per_usv_h, source, recorded_at)| Factor {
                tube,
                version,
                cpm_per_usv_h,
                source,
                recorded_at,
            },
        ))
    }

    /// Records a new version of a tube's factor; returns the version.
    pub async fn add_factor(
        &self,
        tx: &mut Tx,
        tube: &str,
        cpm_per_usv_h: f64,
        source: &str,
    ) -> Result<i64> {
        let now = stamp(OffsetDateTime::now_utc());
        let v = on_tx!(tx, c => sqlx::query_scalar::<_, i64>(
            "INSERT INTO radiation_factors (tube, version, cpm_per_usv_h, source, recorded_at) \
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM radiation_factors WHERE tube = $1 \
             RETURNING version")
            .bind(tube).bind(cpm_per_usv_h).bind(source).bind(&now)
            .fetch_one(&mut *c).await)?;
        Ok(v)
    }

    /// The dataset of this name, created with these details when new (an existing dataset keeps
    /// its details).
    pub async fn ensure_dataset(&self, tx: &mut Tx, d: &Dataset) -> Result<Dataset> {
        let now = stamp(OffsetDateTime::now_utc());
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO radiation_datasets (name, source, licence, description, url, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING")
            .bind(&d.name).bind(&d.source).bind(&d.licence).bind(&d.description).bind(&d.url).bind(&now)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let row = on_tx!(tx, c => sqlx::query_as::<_, DatasetRow>(&format!("SELECT {DATASET_COLUMNS} FROM radiation_datasets WHERE name = $1"))
            .bind(&d.name).fetch_one(&mut *c).await)?;
        Ok(row.into())
    }

    pub async fn datasets(&self) -> Result<Vec<(Dataset, i64)>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, DatasetCountRow>(&format!(
            "SELECT {DATASET_COLUMNS}, CAST(COALESCE((SELECT SUM(i.inserted) FROM radiation_imports i WHERE i.dataset_id = radiation_datasets.id), 0) AS BIGINT) AS measurements \
             FROM radiation_datasets ORDER BY name")).fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.dataset.into(), r.measurements))
            .collect())
    }

    pub async fn dataset(&self, id: i64) -> Result<Dataset> {
        let row = on_pool!(self, p => sqlx::query_as::<_, DatasetRow>(&format!("SELECT {DATASET_COLUMNS} FROM radiation_datasets WHERE id = $1"))
            .bind(id).fetch_optional(p).await)?;
        row.map(Into::into)
            .ok_or_else(|| StoreError::not_found("dataset", id))
    }

    pub async fn imports_of(&self, dataset_id: i64) -> Result<Vec<ImportRecord>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, ImportRow>(
            "SELECT id, dataset_id, file_name, sha256, format, imported_at, rows_read, inserted, duplicates, skipped, report \
             FROM radiation_imports WHERE dataset_id = $1 ORDER BY id")
            .bind(dataset_id).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(ImportRecord {
                    report: serde_json::from_str(&r.report)
                        .map_err(|_| StoreError::Corrupt(format!("import {}: report", r.id)))?,
                    id: r.id,
                    dataset_id: r.dataset_id,
                    file_name: r.file_name,
                    sha256: r.sha256,
                    format: r.format,
                    imported_at: r.imported_at,
                    rows_read: r.rows_read,
                    inserted: r.inserted,
                    duplicates: r.duplicates,
                    skipped: r.skipped,
                })
            })
            .collect()
    }

    /// Opens the record of a file's import (its counts are written by [`Store::finish_import`]).
    pub async fn begin_import(
        &self,
        tx: &mut Tx,
        dataset_id: i64,
        file_name: &str,
        format: &str,
    ) -> Result<i64> {
        let now = stamp(OffsetDateTime::now_utc());
        self.bulk_load_cache(tx, true).await?;
        let id = on_tx!(tx, c => sqlx::query_scalar::<_, i64>(
            "INSERT INTO radiation_imports (dataset_id, file_name, sha256, format, imported_at, rows_read, inserted, duplicates, skipped, report, first_id) \
             VALUES ($1, $2, '', $3, $4, 0, 0, 0, 0, '{}', (SELECT COALESCE(MAX(id), 0) + 1 FROM measurements)) RETURNING id")
            .bind(dataset_id).bind(file_name).bind(format).bind(&now)
            .fetch_one(&mut *c).await)?;
        Ok(id)
    }

    /// Writes an import's counts and report; an import that added nothing leaves no record.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish_import(
        &self,
        tx: &mut Tx,
        import_id: i64,
        sha256: &str,
        rows_read: i64,
        inserted: i64,
        duplicates: i64,
        skipped: i64,
        report: &serde_json::Value,
    ) -> Result<()> {
        self.bulk_load_cache(tx, false).await?;
        if inserted == 0 {
            on_tx!(tx, c => sqlx::query("DELETE FROM radiation_imports WHERE id = $1").bind(import_id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
            return Ok(());
        }
        on_tx!(tx, c => sqlx::query(
            "UPDATE radiation_imports SET rows_read = $2, inserted = $3, duplicates = $4, skipped = $5, report = $6, sha256 = $7, \
             last_id = (SELECT MAX(id) FROM measurements) WHERE id = $1")
            .bind(import_id).bind(rows_read).bind(inserted).bind(duplicates).bind(skipped).bind(report.to_string()).bind(sha256)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The device of this source and name, recorded with `tube` when new; returns its id and
    /// its tube (a known device keeps the tube it has).
    pub async fn ensure_device(
        &self,
        tx: &mut Tx,
        source: &str,
        name: &str,
        tube: Option<&str>,
    ) -> Result<(i64, Option<String>)> {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO radiation_devices (source, name, tube) VALUES ($1, $2, $3) ON CONFLICT (source, name) DO NOTHING")
            .bind(source).bind(name).bind(tube)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let row = on_tx!(tx, c => sqlx::query_as::<_, (i64, Option<String>)>(
            "SELECT id, tube FROM radiation_devices WHERE source = $1 AND name = $2")
            .bind(source).bind(name).fetch_one(&mut *c).await)?;
        Ok(row)
    }

    /// Every device, by id.
    pub async fn devices(&self) -> Result<HashMap<i64, Device>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, (i64, String, String, Option<String>)>("SELECT id, source, name, tube FROM radiation_devices").fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, source, name, tube)| (id, Device { source, name, tube }))
            .collect())
    }

    /// The dataset of every import, by import id.
    pub async fn import_datasets(&self) -> Result<HashMap<i64, i64>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, (i64, i64)>("SELECT id, dataset_id FROM radiation_imports").fetch_all(p).await)?;
        Ok(rows.into_iter().collect())
    }

    /// Inserts measurements of one import, skipping those already stored (same device, time,
    /// position, unit and nuclide). Returns the `line`s of the rows inserted, in no order.
    pub async fn insert_measurements(
        &self,
        tx: &mut Tx,
        import_id: i64,
        rows: &[NewMeasurement],
    ) -> Result<Vec<i64>> {
        let insert = self.bulk_insert(
            "measurements",
            M_COLUMNS,
            M_COLUMN_COUNT,
            OnConflict::SkipAnyConflict,
        );
        let mut lines = Vec::with_capacity(rows.len());
        let mut args = Vec::with_capacity(insert.per_statement.min(rows.len()) * M_COLUMN_COUNT);
        for chunk in rows.chunks(insert.per_statement) {
            for m in chunk {
                args.extend([
                    Arg::Int(import_id),
                    Arg::Int(m.line),
                    Arg::Int(m.device_id),
                    Arg::Int(m.t),
                    Arg::Real(Some(m.lat)),
                    Arg::Real(Some(m.lon)),
                    Arg::Real(m.precision_m),
                    Arg::Real(m.height_m),
                    Arg::Int(m.unit.code()),
                    Arg::Text(m.nuclide.clone()),
                    Arg::Real(Some(m.value)),
                    Arg::Int(m.flags),
                ]);
            }
            let n = insert.run_moved(tx, &mut args).await?;
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if n == chunk.len() {
                lines.extend(chunk.iter().map(|m| m.line));
            } else if n > 0 {
                // Some were stored already: the ones this statement added are this import's
                // newest rows.
                let added = on_tx!(tx, c => sqlx::query_scalar::<_, i64>(
                    "SELECT line FROM measurements WHERE import_id = $1 ORDER BY id DESC LIMIT $2")
                    .bind(import_id).bind(n as i64).fetch_all(&mut *c).await)?;
                lines.extend(added);
            }
        }
        Ok(lines)
    }

    /// The next chunk of measurements matching `f` (ids above `f.after_id`, at most `f.limit`),
    /// as one text: one row per chunk instead of one per measurement, which is what lets an
    /// export stream a million rows a second. PostgreSQL renders it (one `string_agg` of the
    /// rows: an ordered aggregate per column sorted the chunk eleven times); on SQLite the rows
    /// are read on the connection's own handle and written as they come
    /// (`sqlite_bulk::text_fields`): faster than `group_concat`, and every real keeps its
    /// digits. `None` when nothing is left.
    pub async fn measurement_chunk(
        &self,
        f: &MeasurementFilter,
    ) -> Result<Option<MeasurementChunk>> {
        // The fields of `MeasurementChunk::fields`, in order.
        let mut inner = String::from(
            "SELECT m.t, m.lat, m.lon, m.value, m.unit, m.device_id, m.import_id, m.flags, m.nuclide, m.height_m, m.precision_m, m.id \
             FROM measurements m WHERE 1 = 1",
        );
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        let mut reals: Vec<f64> = Vec::new();
        let mut ints: Vec<i64> = Vec::new();
        if let Some(b) = f.bbox {
            inner.push_str(&format!(
                " AND m.lon >= {} AND m.lat >= {} AND m.lon <= {} AND m.lat <= {}",
                next(),
                next(),
                next(),
                next()
            ));
            reals.extend(b);
        }
        for (v, cond, close) in [
            (f.from, "m.t >= ", ""),
            (f.to, "m.t <= ", ""),
            (
                f.dataset_id,
                "m.import_id IN (SELECT id FROM radiation_imports WHERE dataset_id = ",
                ")",
            ),
            (f.after_id, "m.id > ", ""),
            (f.to_id, "m.id <= ", ""),
        ] {
            if let Some(v) = v {
                inner.push_str(&format!(" AND {cond}{}{close}", next()));
                ints.push(v);
            }
        }
        inner.push_str(" ORDER BY m.id");
        if let Some(l) = f.limit {
            inner.push_str(&format!(" LIMIT {}", l.max(1)));
        }
        let (count, fields) = match &self.pool {
            Pool::Sqlite(p) => {
                let args: Vec<Arg> = reals
                    .iter()
                    .map(|r| Arg::Real(Some(*r)))
                    .chain(ints.iter().map(|i| Arg::Int(*i)))
                    .collect();
                // At most the span of ids asked for, or the limit.
                let span = match (f.after_id, f.to_id) {
                    (Some(a), Some(b)) => usize::try_from(b - a).unwrap_or(0),
                    _ => 0,
                };
                let limit = f.limit.map(|l| usize::try_from(l.max(1)).unwrap_or(1));
                let hint = match (span, limit) {
                    (0, Some(l)) => l,
                    (s, Some(l)) => s.min(l),
                    (s, None) => s,
                };
                let mut c = p.acquire().await?;
                crate::sqlite_bulk::text_fields(&mut c, &inner, &args, 0x1f, hint.min(1 << 20))
                    .await?
            }
            Pool::Postgres(p) => {
                let row = [
                    "t",
                    "lat",
                    "lon",
                    "value",
                    "unit",
                    "device_id",
                    "import_id",
                    "flags",
                    "nuclide",
                    &self.text_or_empty("height_m"),
                    &self.text_or_empty("precision_m"),
                    "id",
                ]
                .join(", ");
                let sql = format!(
                    "SELECT CAST(COUNT(*) AS BIGINT), {} FROM ({inner}) chunk",
                    self.text_agg(&format!("concat_ws(chr(31), {row})"))
                );
                let mut q = sqlx::query_as::<_, (i64, Option<String>)>(&sql);
                for r in &reals {
                    q = q.bind(*r);
                }
                for i in &ints {
                    q = q.bind(*i);
                }
                let (count, fields) = q.fetch_one(p).await?;
                (count as usize, fields.unwrap_or_default())
            }
        };
        if count == 0 {
            return Ok(None);
        }
        let last_id = fields
            .rsplit('\u{1f}')
            .next()
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| StoreError::Corrupt("measurement chunk".to_owned()))?;
        Ok(Some(MeasurementChunk {
            count,
            last_id,
            fields,
        }))
    }

    /// The smallest and largest measurement ids (`None` when there is none). Two queries, each
    /// one step down the key: SQLite answers `MIN` and `MAX` together by reading every row.
    pub async fn measurement_ids(&self) -> Result<Option<(i64, i64)>> {
        let (lo, hi) = on_pool!(self, p => sqlx::query_as::<_, (Option<i64>, Option<i64>)>("SELECT (SELECT MIN(id) FROM measurements), (SELECT MAX(id) FROM measurements)").fetch_one(p).await)?;
        Ok(lo.zip(hi))
    }

    /// The spans of measurement ids (first, last, inclusive) that can hold what `f` selects:
    /// a dataset's imports' spans, or the whole table. Sorted and merged.
    pub async fn measurement_spans(&self, f: &MeasurementFilter) -> Result<Vec<(i64, i64)>> {
        let whole = self.measurement_ids().await?;
        let Some(dataset) = f.dataset_id else {
            return Ok(whole.into_iter().collect());
        };
        let rows = on_pool!(self, p => sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT first_id, last_id FROM radiation_imports WHERE dataset_id = $1 ORDER BY first_id")
            .bind(dataset).fetch_all(p).await)?;
        let mut spans: Vec<(i64, i64)> = Vec::new();
        for row in rows {
            let (Some(first), Some(last)) = row else {
                // An import from before spans were kept: the whole table can hold its rows.
                return Ok(whole.into_iter().collect());
            };
            match spans.last_mut() {
                Some(prev) if first <= prev.1 + 1 => prev.1 = prev.1.max(last),
                _ => spans.push((first, last)),
            }
        }
        Ok(spans)
    }

    pub async fn measurement_count(&self) -> Result<i64> {
        Ok(
            on_pool!(self, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM measurements").fetch_one(p).await)?,
        )
    }

    /// Adds statistics to the stored ones (read, merged, written back), in the transaction that
    /// stores the measurements they describe.
    pub async fn add_aggregates(&self, tx: &mut Tx, a: &Aggregates) -> Result<()> {
        // Hexagons, by resolution, in chunks.
        let mut by_res: HashMap<u8, Vec<i64>> = HashMap::new();
        for (res, cell) in a.bins.keys() {
            by_res.entry(*res).or_default().push(*cell);
        }
        for (res, mut cells) in by_res {
            cells.sort_unstable();
            for chunk in cells.chunks(500) {
                let mut sql = String::from(
                    "SELECT cell, n, max_usv_h, newest, oldest, histogram FROM radiation_bins WHERE resolution = $1 AND cell IN (",
                );
                for i in 0..chunk.len() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!("${}", i + 2));
                }
                sql.push(')');
                let stored = on_tx!(tx, c => {
                    let mut q = sqlx::query_as::<_, (i64, i64, f64, i64, i64, String)>(&sql).bind(i64::from(res));
                    for cell in chunk {
                        q = q.bind(*cell);
                    }
                    q.fetch_all(&mut *c).await
                })?;
                let mut merged: HashMap<i64, DoseStats> = HashMap::with_capacity(chunk.len());
                for (cell, n, max, newest, oldest, h) in stored {
                    merged.insert(cell, stats_from(n, max, newest, oldest, &h, "bin")?);
                }
                let upsert = self.multi_insert_sql(
                    "radiation_bins",
                    "resolution, cell, lat, lon, n, median_usv_h, p95_usv_h, max_usv_h, newest, oldest, histogram",
                    11,
                    chunk.len(),
                    OnConflict::Clause(
                        "ON CONFLICT (resolution, cell) DO UPDATE SET n = excluded.n, median_usv_h = excluded.median_usv_h, \
                         p95_usv_h = excluded.p95_usv_h, max_usv_h = excluded.max_usv_h, newest = excluded.newest, \
                         oldest = excluded.oldest, histogram = excluded.histogram",
                    ),
                );
                on_tx!(tx, c => {
                    let mut q = sqlx::query(&upsert);
                    for cell in chunk {
                        let (lat, lon, new) = &a.bins[&(res, *cell)];
                        let s = merged.entry(*cell).or_default();
                        s.merge(new);
                        q = q
                            .bind(i64::from(res))
                            .bind(*cell)
                            .bind(*lat)
                            .bind(*lon)
                            .bind(s.count() as i64)
                            .bind(s.median().unwrap_or(0.0))
                            .bind(s.p95().unwrap_or(0.0))
                            .bind(s.max_usv_h)
                            .bind(s.newest.unwrap_or(0))
                            .bind(s.oldest.unwrap_or(0))
                            .bind(s.histogram.encode());
                    }
                    q.execute(&mut *c).await.map(|r| r.rows_affected())
                })?;
            }
        }
        // Places: few keys; one at a time.
        for ((place, year), new) in &a.places {
            let stored = on_tx!(tx, c => sqlx::query_as::<_, (i64, f64, i64, i64, String)>(
                "SELECT n, max_usv_h, newest, oldest, histogram FROM radiation_place_stats WHERE place_id = $1 AND year = $2")
                .bind(place).bind(i64::from(*year)).fetch_optional(&mut *c).await)?;
            let mut s = match stored {
                Some((n, max, newest, oldest, h)) => {
                    stats_from(n, max, newest, oldest, &h, "place statistics")?
                }
                None => DoseStats::default(),
            };
            s.merge(new);
            on_tx!(tx, c => sqlx::query(
                "INSERT INTO radiation_place_stats (place_id, year, n, max_usv_h, newest, oldest, histogram) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (place_id, year) DO UPDATE SET n = excluded.n, max_usv_h = excluded.max_usv_h, newest = excluded.newest, \
                 oldest = excluded.oldest, histogram = excluded.histogram")
                .bind(place).bind(i64::from(*year)).bind(s.count() as i64).bind(s.max_usv_h)
                .bind(s.newest.unwrap_or(0)).bind(s.oldest.unwrap_or(0)).bind(s.histogram.encode())
                .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Forgets every statistic (before rebuilding them all, when a factor changed), and keeps
    /// imports from committing until `tx` ends, so the rebuild sees every reading once: on
    /// PostgreSQL by locking the measurements against writes (reads go on), on SQLite by the
    /// write lock this statement takes.
    pub async fn clear_aggregates(&self, tx: &mut Tx) -> Result<()> {
        self.lock_against_writes(tx, "measurements").await?;
        on_tx!(tx, c => sqlx::query("DELETE FROM radiation_bins").execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query("DELETE FROM radiation_place_stats").execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The hexagons of a resolution whose centres lie in `[min_lon, min_lat, max_lon, max_lat]`.
    pub async fn bins_in(&self, resolution: u8, bbox: [f64; 4], limit: i64) -> Result<Vec<Bin>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, (i64, f64, f64, i64, f64, f64, f64, i64, i64)>(
            "SELECT cell, lat, lon, n, median_usv_h, p95_usv_h, max_usv_h, newest, oldest FROM radiation_bins \
             WHERE resolution = $1 AND lat >= $2 AND lat <= $3 AND lon >= $4 AND lon <= $5 ORDER BY cell LIMIT $6")
            .bind(i64::from(resolution)).bind(bbox[1]).bind(bbox[3]).bind(bbox[0]).bind(bbox[2]).bind(limit)
            .fetch_all(p).await)?;
        Ok(rows
            .into_iter()
            .map(
                |(cell, lat, lon, count, median_usv_h, p95_usv_h, max_usv_h, newest, oldest)| Bin {
                    resolution,
                    cell,
                    lat,
                    lon,
                    count,
                    median_usv_h,
                    p95_usv_h,
                    max_usv_h,
                    newest,
                    oldest,
                },
            )
            .collect())
    }

    /// One hexagon with its full statistics.
    pub async fn bin(&self, resolution: u8, cell: i64) -> Result<Option<(Bin, DoseStats)>> {
        let row = on_pool!(self, p => sqlx::query_as::<_, (f64, f64, i64, f64, f64, f64, i64, i64, String)>(
            "SELECT lat, lon, n, median_usv_h, p95_usv_h, max_usv_h, newest, oldest, histogram FROM radiation_bins \
             WHERE resolution = $1 AND cell = $2")
            .bind(i64::from(resolution)).bind(cell).fetch_optional(p).await)?;
        let Some((lat, lon, count, median_usv_h, p95_usv_h, max_usv_h, newest, oldest, h)) = row
        else {
            return Ok(None);
        };
        let stats = stats_from(count, max_usv_h, newest, oldest, &h, "bin")?;
        Ok(Some((
            Bin {
                resolution,
                cell,
                lat,
                lon,
                count,
                median_usv_h,
                p95_usv_h,
                max_usv_h,
                newest,
                oldest,
            },
            stats,
        )))
    }

    /// A place's statistics by year of the readings, oldest year first.
    /// True when statistics are stored in the histogram form older than `v2` (coarser
    /// buckets, no sums): they should be summed again from the readings. One row of each table
    /// tells (this runs at every start, so it reads a row, never scans): every write since the first start of
    /// this version, and the rebuild at that start, wrote the new form.
    pub async fn coarse_radiation_statistics(&self) -> Result<bool> {
        for table in ["radiation_bins", "radiation_place_stats"] {
            let sql = format!("SELECT histogram FROM {table} LIMIT 1");
            let first: Option<String> =
                on_pool!(self, p => sqlx::query_scalar(&sql).fetch_optional(p).await)?;
            if first.is_some_and(|h| !h.starts_with("v2")) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub async fn place_stats(&self, place_id: &str) -> Result<Vec<(i32, DoseStats)>> {
        let rows = on_pool!(self, p => sqlx::query_as::<_, (i64, i64, f64, i64, i64, String)>(
            "SELECT year, n, max_usv_h, newest, oldest, histogram FROM radiation_place_stats WHERE place_id = $1 ORDER BY year")
            .bind(place_id).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(year, n, max, newest, oldest, h)| {
                Ok((
                    i32::try_from(year).unwrap_or_default(),
                    stats_from(n, max, newest, oldest, &h, "place statistics")?,
                ))
            })
            .collect()
    }
}

const DATASET_COLUMNS: &str = "id, name, source, licence, description, url, created_at";

#[derive(sqlx::FromRow)]
struct DatasetRow {
    id: i64,
    name: String,
    source: String,
    licence: String,
    description: String,
    url: Option<String>,
    created_at: String,
}

impl From<DatasetRow> for Dataset {
    fn from(r: DatasetRow) -> Self {
        Dataset {
            id: r.id,
            name: r.name,
            source: r.source,
            licence: r.licence,
            description: r.description,
            url: r.url,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct DatasetCountRow {
    #[sqlx(flatten)]
    dataset: DatasetRow,
    measurements: i64,
}

#[derive(sqlx::FromRow)]
struct ImportRow {
    id: i64,
    dataset_id: i64,
    file_name: String,
    sha256: String,
    format: String,
    imported_at: String,
    rows_read: i64,
    inserted: i64,
    duplicates: i64,
    skipped: i64,
    report: String,
}
