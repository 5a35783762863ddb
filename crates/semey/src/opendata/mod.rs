//! Open data: every public list as a file — CSV, XLSX and JSON, and GeoJSON for what has a
//! place on the map — with the list's filters, streamed so a million rows need no more memory
//! than a page of them; and the catalogue of those datasets (`/data`, with DCAT-AP metadata).
//!
//! Each dataset names its columns once ([`Dataset::columns`]): the names are stable and
//! documented in `docs/open-data.md`; a column reads its value from the record's JSON (the
//! same document the API serves), so a file and the API never disagree.

pub mod catalogue;

use crate::presentation::table::{
    Cell, CellRef, ChannelWriter, EachRow, RowBatch, TableFormat, TableRow, TextTable,
};
use crate::AppError;
use axum::body::Bytes;
use semey_domain::ids::{IndicatorId, ProgrammeId};
use semey_domain::results::Thresholds;
use semey_store::{
    AuditFilter, ContributionFilter, OrganisationFilter, Page, PlaceFilter, ProgrammeFilter,
    ServiceFilter, Store, TransactionFilter,
};
use serde_json::Value;

/// The datasets of the catalogue, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Places,
    Organisations,
    Programmes,
    Transactions,
    Requirements,
    /// In-kind contributions (never counted as money).
    Contributions,
    ExchangeRates,
    Indicators,
    IndicatorValues,
    Services,
    /// Radiation readings: served by the radiation export (CSV and GeoJSON; JSON and XLSX made
    /// from its CSV), whose columns are documented with it.
    Measurements,
    Audit,
}

/// How a column reads its value from a record's JSON.
#[derive(Debug, Clone, Copy)]
enum Read {
    /// The value at a JSON pointer.
    At(&'static str),
    /// The array at a pointer, each item's value at the second pointer (`""`: the item),
    /// joined with `; `.
    Each(&'static str, &'static str),
    /// An amount in minor units at the first pointer, of the currency at the second, as an
    /// exact decimal in major units.
    Major(&'static str, &'static str),
    /// An amount in hundredths (cents, tiyn) at a pointer, as an exact decimal.
    Hundredths(&'static str),
}

use Read::{At, Each, Hundredths, Major};

type Columns = &'static [(&'static str, Read)];

const PLACES: Columns = &[
    ("id", At("/id")),
    ("level", At("/level")),
    ("parent_id", At("/parent_id")),
    ("kato", At("/kato")),
    ("name_kk", At("/name/kk")),
    ("name_ru", At("/name/ru")),
    ("name_en", At("/name/en")),
    ("name_zh", At("/name/zh")),
    ("latitude", At("/point/lat")),
    ("longitude", At("/point/lon")),
    ("population", At("/population/count")),
    ("population_year", At("/population/year")),
    ("source", At("/source")),
];

/// Contact people are not published (the portal does not show them either).
const ORGANISATIONS: Columns = &[
    ("id", At("/id")),
    ("iati_id", At("/iati_id")),
    ("name_kk", At("/name/kk")),
    ("name_ru", At("/name/ru")),
    ("name_en", At("/name/en")),
    ("name_zh", At("/name/zh")),
    ("acronym", At("/acronym")),
    ("org_type", At("/org_type")),
    ("country", At("/country")),
    ("mechanism_role", At("/mechanism_role")),
    ("website", At("/website")),
];

const PROGRAMMES: Columns = &[
    ("id", At("/id")),
    ("iati_identifier", At("/iati_identifier")),
    ("title_kk", At("/title/kk")),
    ("title_ru", At("/title/ru")),
    ("title_en", At("/title/en")),
    ("title_zh", At("/title/zh")),
    ("status", At("/status")),
    ("planned_start", At("/dates/planned_start")),
    ("planned_end", At("/dates/planned_end")),
    ("actual_start", At("/dates/actual_start")),
    ("actual_end", At("/dates/actual_end")),
    ("areas", Each("/areas", "")),
    ("sectors", Each("/sectors", "/code")),
    ("sdg_targets", Each("/sdg_targets", "")),
    ("place_ids", Each("/places", "/place_id")),
    ("target_groups", Each("/target_groups", "")),
    ("participant_ids", Each("/participants", "/organisation_id")),
    ("reporting_org_id", At("/reporting_org_id")),
    ("parent_id", At("/parent_id")),
    ("aid_type", At("/terms/aid_type")),
    ("finance_type", At("/terms/finance_type")),
    ("flow_type", At("/terms/flow_type")),
    ("tied_status", At("/terms/tied_status")),
];

const TRANSACTIONS: Columns = &[
    ("id", At("/id")),
    ("programme_id", At("/programme_id")),
    ("reference", At("/reference")),
    ("transaction_type", At("/transaction_type")),
    ("measure", At("/measure")),
    ("internal", At("/internal")),
    ("origin", At("/origin")),
    ("date", At("/date")),
    ("value_date", At("/value_date")),
    ("amount", Major("/amount", "/currency")),
    ("currency", At("/currency")),
    ("amount_usd", Hundredths("/converted/usd")),
    ("amount_kzt", Hundredths("/converted/kzt")),
    ("usd_rate", At("/converted/usd_rate/per_usd")),
    ("kzt_rate", At("/converted/kzt_rate/per_usd")),
    ("provider_org_id", At("/provider_org_id")),
    ("receiver_org_id", At("/receiver_org_id")),
    ("provider_programme_id", At("/provider_programme_id")),
    ("description", At("/description")),
    ("aid_type", At("/terms/aid_type")),
    ("finance_type", At("/terms/finance_type")),
    ("flow_type", At("/terms/flow_type")),
    ("tied_status", At("/terms/tied_status")),
];

const REQUIREMENTS: Columns = &[
    ("id", At("/id")),
    ("programme_id", At("/programme_id")),
    ("period_start", At("/period_start")),
    ("period_end", At("/period_end")),
    ("amount", Major("/amount", "/currency")),
    ("currency", At("/currency")),
    ("amount_usd", Hundredths("/converted/usd")),
    ("amount_kzt", Hundredths("/converted/kzt")),
    ("description", At("/description")),
];

const CONTRIBUTIONS: Columns = &[
    ("id", At("/id")),
    ("programme_id", At("/programme_id")),
    ("reference", At("/reference")),
    ("category", At("/category")),
    ("provider_org_id", At("/provider_org_id")),
    ("date", At("/date")),
    ("description", At("/description")),
    ("quantity", At("/quantity")),
    ("unit", At("/unit")),
    ("declared_value", Major("/amount", "/currency")),
    ("currency", At("/currency")),
    ("declared_value_usd", Hundredths("/converted/usd")),
    ("declared_value_kzt", Hundredths("/converted/kzt")),
];

const EXCHANGE_RATES: Columns = &[
    ("currency", At("/currency")),
    ("date", At("/date")),
    ("per_usd", At("/per_usd")),
    ("source", At("/source")),
];

const INDICATORS: Columns = &[
    ("id", At("/indicator/id")),
    ("programme_id", At("/programme_id")),
    ("result_id", At("/result_id")),
    ("title_kk", At("/indicator/title/kk")),
    ("title_ru", At("/indicator/title/ru")),
    ("title_en", At("/indicator/title/en")),
    ("title_zh", At("/indicator/title/zh")),
    ("measure", At("/indicator/measure")),
    ("ascending", At("/indicator/ascending")),
    ("unit", At("/indicator/unit")),
    ("shared", At("/indicator/shared")),
    ("baseline_year", At("/indicator/baseline/year")),
    ("baseline_value", At("/indicator/baseline/value")),
    ("status", At("/status")),
];

const INDICATOR_VALUES: Columns = &[
    ("indicator_id", At("/indicator_id")),
    ("period_start", At("/start")),
    ("period_end", At("/end")),
    ("target", At("/target/value")),
    ("target_comment", At("/target/comment")),
    ("actual", At("/actual/value")),
    ("actual_comment", At("/actual/comment")),
    ("actual_document", At("/actual/document")),
];

const SERVICES: Columns = &[
    ("id", At("/id")),
    ("organisation_id", At("/organisation_id")),
    ("name_kk", At("/name/kk")),
    ("name_ru", At("/name/ru")),
    ("name_en", At("/name/en")),
    ("name_zh", At("/name/zh")),
    ("category", At("/category")),
    ("status", At("/status")),
    ("minimum_age", At("/minimum_age")),
    ("maximum_age", At("/maximum_age")),
    ("languages", Each("/languages", "")),
    ("place_id", At("/locations/0/place_id")),
    ("address", At("/locations/0/address")),
    ("latitude", At("/locations/0/point/lat")),
    ("longitude", At("/locations/0/point/lon")),
    ("phones", Each("/phones", "")),
    ("emails", Each("/emails", "")),
    ("urls", Each("/urls", "")),
    ("programme_ids", Each("/programme_ids", "")),
    ("last_verified", At("/last_verified")),
];

/// The radiation export's columns (its CSV header), read back from its rows.
const MEASUREMENTS: Columns = &[
    ("captured_at", At("/captured_at")),
    ("latitude", At("/latitude")),
    ("longitude", At("/longitude")),
    ("value", At("/value")),
    ("unit", At("/unit")),
    ("usv_h", At("/usv_h")),
    ("nuclide", At("/nuclide")),
    ("device", At("/device")),
    ("tube", At("/tube")),
    ("dataset_id", At("/dataset_id")),
    ("height_m", At("/height_m")),
    ("precision_m", At("/precision_m")),
    ("flags", At("/flags")),
];

const AUDIT: Columns = &[
    ("seq", At("/seq")),
    ("at", At("/at")),
    ("user_id", At("/user_id")),
    ("via", At("/via")),
    ("address", At("/address")),
    ("action", At("/action")),
    ("record_type", At("/record_type")),
    ("record_id", At("/record_id")),
    ("old_value", At("/old_value")),
    ("new_value", At("/new_value")),
];

impl Dataset {
    pub const ALL: [Dataset; 12] = [
        Dataset::Places,
        Dataset::Organisations,
        Dataset::Programmes,
        Dataset::Transactions,
        Dataset::Requirements,
        Dataset::Contributions,
        Dataset::ExchangeRates,
        Dataset::Indicators,
        Dataset::IndicatorValues,
        Dataset::Services,
        Dataset::Measurements,
        Dataset::Audit,
    ];

    /// The dataset's name in addresses and file names.
    pub const fn slug(self) -> &'static str {
        match self {
            Dataset::Places => "places",
            Dataset::Organisations => "organisations",
            Dataset::Programmes => "programmes",
            Dataset::Transactions => "transactions",
            Dataset::Requirements => "requirements",
            Dataset::Contributions => "contributions",
            Dataset::ExchangeRates => "exchange-rates",
            Dataset::Indicators => "indicators",
            Dataset::IndicatorValues => "indicator-values",
            Dataset::Services => "services",
            Dataset::Measurements => "measurements",
            Dataset::Audit => "audit",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.slug() == slug)
    }

    fn spec(self) -> Columns {
        match self {
            Dataset::Places => PLACES,
            Dataset::Organisations => ORGANISATIONS,
            Dataset::Programmes => PROGRAMMES,
            Dataset::Transactions => TRANSACTIONS,
            Dataset::Requirements => REQUIREMENTS,
            Dataset::Contributions => CONTRIBUTIONS,
            Dataset::ExchangeRates => EXCHANGE_RATES,
            Dataset::Indicators => INDICATORS,
            Dataset::IndicatorValues => INDICATOR_VALUES,
            Dataset::Services => SERVICES,
            Dataset::Measurements => MEASUREMENTS,
            Dataset::Audit => AUDIT,
        }
    }

    /// The stable column names, in order.
    pub fn columns(self) -> Vec<&'static str> {
        self.spec().iter().map(|(n, _)| *n).collect()
    }

    /// Where a row's point is (latitude, longitude pointers), for the datasets on the map.
    fn point(self) -> Option<(&'static str, &'static str)> {
        match self {
            Dataset::Places => Some(("/point/lat", "/point/lon")),
            Dataset::Services => Some(("/locations/0/point/lat", "/locations/0/point/lon")),
            Dataset::Measurements => Some(("/latitude", "/longitude")),
            _ => None,
        }
    }

    /// The formats it comes in: GeoJSON for the datasets with places on the map.
    pub fn formats(self) -> Vec<TableFormat> {
        TableFormat::ALL
            .into_iter()
            .filter(|f| *f != TableFormat::GeoJson || self.point().is_some())
            .collect()
    }

    /// Only coordinators may download it (the audit trail names people and addresses).
    pub fn restricted(self) -> bool {
        self == Dataset::Audit
    }
}

/// What rows a download holds: its dataset with that dataset's filters.
#[derive(Debug, Clone)]
pub enum Selection {
    Places(PlaceFilter),
    Organisations(OrganisationFilter),
    Programmes(ProgrammeFilter),
    Transactions(TransactionFilter),
    Requirements {
        programmes: ProgrammeFilter,
        programme_id: Option<ProgrammeId>,
        year: Option<i32>,
    },
    Contributions(ContributionFilter),
    ExchangeRates(Option<semey_domain::currency::Currency>),
    /// With the thresholds that turn an assessment into a status.
    Indicators(ProgrammeFilter, Thresholds),
    IndicatorValues(ProgrammeFilter),
    Services(ServiceFilter),
    Measurements(semey_store::MeasurementFilter),
    Audit(AuditFilter),
}

impl Selection {
    pub fn dataset(&self) -> Dataset {
        match self {
            Selection::Places(_) => Dataset::Places,
            Selection::Organisations(_) => Dataset::Organisations,
            Selection::Programmes(_) => Dataset::Programmes,
            Selection::Transactions(_) => Dataset::Transactions,
            Selection::Requirements { .. } => Dataset::Requirements,
            Selection::Contributions(_) => Dataset::Contributions,
            Selection::ExchangeRates(_) => Dataset::ExchangeRates,
            Selection::Indicators(..) => Dataset::Indicators,
            Selection::IndicatorValues(_) => Dataset::IndicatorValues,
            Selection::Services(_) => Dataset::Services,
            Selection::Measurements(_) => Dataset::Measurements,
            Selection::Audit(_) => Dataset::Audit,
        }
    }

    /// Everything of a dataset.
    pub fn all(d: Dataset) -> Self {
        match d {
            Dataset::Places => Selection::Places(Default::default()),
            Dataset::Organisations => Selection::Organisations(Default::default()),
            Dataset::Programmes => Selection::Programmes(Default::default()),
            Dataset::Transactions => Selection::Transactions(Default::default()),
            Dataset::Requirements => Selection::Requirements {
                programmes: Default::default(),
                programme_id: None,
                year: None,
            },
            Dataset::Contributions => Selection::Contributions(Default::default()),
            Dataset::ExchangeRates => Selection::ExchangeRates(None),
            Dataset::Indicators => Selection::Indicators(Default::default(), Default::default()),
            Dataset::IndicatorValues => Selection::IndicatorValues(Default::default()),
            Dataset::Services => Selection::Services(Default::default()),
            Dataset::Measurements => Selection::Measurements(Default::default()),
            Dataset::Audit => Selection::Audit(Default::default()),
        }
    }
}

/// Rows read per batch.
const BATCH: i64 = 1000;

/// Where a reader of a selection is: an offset, a key, or a queue of programmes to walk.
enum Cursor {
    Offset(i64),
    /// The last key read of a dataset the database renders as text.
    After(Option<String>),
    Before(Option<i64>),
    Programmes {
        offset: i64,
        done: bool,
    },
}

/// Reads a selection batch by batch as rows of its dataset's columns: most datasets from the
/// API's JSON documents; transactions, the largest, from text the database renders (the same
/// values, checked against the documents by the tests).
pub struct Reader {
    store: Store,
    selection: Selection,
    cursor: Cursor,
    finished: bool,
}

impl Reader {
    pub fn new(store: &Store, selection: Selection) -> Self {
        let cursor = match &selection {
            Selection::Transactions(_) => Cursor::After(None),
            Selection::Audit(_) => Cursor::Before(None),
            Selection::Indicators(..) | Selection::IndicatorValues(_) => Cursor::Programmes {
                offset: 0,
                done: false,
            },
            _ => Cursor::Offset(0),
        };
        Self {
            store: store.clone(),
            selection,
            cursor,
            finished: false,
        }
    }

    /// The next batch of rows; empty at the end.
    pub async fn next_batch(&mut self) -> Result<Batch, AppError> {
        if let (Selection::Transactions(f), Cursor::After(after)) =
            (&self.selection, &mut self.cursor)
        {
            if self.finished {
                return Ok(Batch::Rows(Vec::new()));
            }
            let Some(chunk) = self
                .store
                .transactions_text_after(f, after.as_deref(), TEXT_BATCH)
                .await?
            else {
                self.finished = true;
                return Ok(Batch::Rows(Vec::new()));
            };
            *after = Some(chunk.last.clone());
            return Ok(Batch::Transactions(chunk));
        }
        let dataset = self.selection.dataset();
        Ok(Batch::Rows(
            self.next_documents()
                .await?
                .iter()
                .map(|v| row_of(dataset, v))
                .collect(),
        ))
    }

    /// The next batch of the API's JSON documents; empty at the end.
    async fn next_documents(&mut self) -> Result<Vec<Value>, AppError> {
        if self.finished {
            return Ok(Vec::new());
        }
        let page = |offset| Page::new(Some(BATCH), Some(offset));
        let store = &self.store;
        let out: Vec<Value> = match (&self.selection, &mut self.cursor) {
            (Selection::Audit(f), Cursor::Before(before)) => {
                let rows = store.audit_before(f, *before, BATCH).await?;
                *before = rows.last().map(|e| e.seq);
                rows.into_iter()
                    .map(|e| {
                        serde_json::json!({
                            "seq": e.seq, "at": e.at, "user_id": e.user_id, "via": e.via,
                            "address": e.address, "action": e.action, "record_type": e.record_type,
                            "record_id": e.record_id, "old_value": e.old_value, "new_value": e.new_value,
                        })
                    })
                    .collect()
            }
            (
                Selection::Indicators(f, _) | Selection::IndicatorValues(f),
                Cursor::Programmes { offset, done },
            ) => {
                // A batch of programmes at a time, their indicators (and their periods).
                let mut out = Vec::new();
                while out.is_empty() && !*done {
                    let (ps, _) = store.list_programmes(f, page(*offset)).await?;
                    *offset += ps.len() as i64;
                    *done = (ps.len() as i64) < BATCH;
                    let mut rows = Vec::new();
                    for p in &ps {
                        rows.extend(store.indicators_of(p.id).await?);
                    }
                    if let Selection::Indicators(_, th) = &self.selection {
                        for r in rows {
                            out.push(serde_json::json!({
                                "indicator": r.indicator,
                                "programme_id": r.programme_id,
                                "result_id": r.result_id,
                                "status": r.assessment.as_ref().map(|a| a.status(*th)),
                            }));
                        }
                    } else {
                        let ids: Vec<IndicatorId> =
                            rows.iter().filter_map(|r| r.indicator.id).collect();
                        let mut periods = store.periods_of_many(&ids).await?;
                        for id in ids {
                            let mut ps = periods.remove(&id).unwrap_or_default();
                            ps.sort_by_key(|p| p.start);
                            out.extend(json(ps));
                        }
                    }
                }
                out
            }
            (selection, Cursor::Offset(offset)) => {
                let p = page(*offset);
                let rows = match selection {
                    Selection::Places(f) => json(store.list_places(f, p).await?.0),
                    Selection::Organisations(f) => json(store.list_organisations(f, p).await?.0),
                    Selection::Programmes(f) => json(store.list_programmes(f, p).await?.0),
                    Selection::Requirements {
                        programmes,
                        programme_id,
                        year,
                    } => json(
                        store
                            .list_requirements(programmes, *programme_id, *year, p)
                            .await?
                            .0,
                    ),
                    Selection::Contributions(f) => json(store.list_contributions(f, p).await?.0),
                    Selection::ExchangeRates(c) => json(store.list_rates(*c, p).await?.0),
                    Selection::Services(f) => json(store.list_services(f, p).await?.0),
                    // Readings go through the radiation export (`from_export`).
                    _ => Vec::new(),
                };
                *offset += rows.len() as i64;
                if (rows.len() as i64) < BATCH {
                    self.finished = true;
                }
                rows
            }
            _ => Vec::new(),
        };
        if out.is_empty() {
            self.finished = true;
        }
        Ok(out)
    }
}

/// A batch of a download's rows: made from the records' documents, or transactions as the
/// database rendered them (read into cells as they are written, without copying).
pub enum Batch {
    Rows(Vec<TableRow>),
    Transactions(semey_store::TextChunk),
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        match self {
            Batch::Rows(r) => r.is_empty(),
            Batch::Transactions(c) => c.count == 0,
        }
    }

    /// Its rows as owned values (for tests and small files).
    pub fn into_rows(self) -> std::io::Result<Vec<TableRow>> {
        match self {
            Batch::Rows(r) => Ok(r),
            Batch::Transactions(_) => {
                let mut rows = Vec::new();
                self.each_row(&mut |cells, point| {
                    rows.push(TableRow {
                        cells: cells.iter().map(CellRef::to_owned_cell).collect(),
                        point,
                    })
                })?;
                Ok(rows)
            }
        }
    }
}

impl RowBatch for Batch {
    fn each_row(&self, each: &mut EachRow<'_>) -> std::io::Result<()> {
        match self {
            Batch::Rows(r) => r.each_row(each),
            Batch::Transactions(chunk) => {
                let mut cells = Vec::with_capacity(TRANSACTIONS.len());
                chunk
                    .for_each(|fields| {
                        cells.clear();
                        transaction_cells(fields, &mut cells);
                        each(&cells, None);
                    })
                    .map_err(|e| std::io::Error::other(e.to_string()))
            }
        }
    }
}

/// Transactions read per rendered chunk.
const TEXT_BATCH: i64 = 2000;

/// A transaction as the database rendered it (the fields of
/// `semey_store::TRANSACTION_TEXT_COLUMNS`, in the order of [`TRANSACTIONS`]) as the cells its
/// JSON document would give: amounts in major units, the dollar rate of a dollar amount 1.
fn transaction_cells<'a>(f: &[Option<&'a str>], cells: &mut Vec<CellRef<'a>>) {
    let text = |i: usize| f[i].map_or(CellRef::Empty, CellRef::Text);
    let int = |i: usize| f[i].and_then(|s| s.parse::<i64>().ok());
    let scaled = |m: Option<i64>, d: u32| {
        m.map_or(CellRef::Empty, |m| {
            CellRef::Decimal(rust_decimal::Decimal::new(m, d).to_string().into())
        })
    };
    let decimals = f[10]
        .and_then(|c| semey_domain::currency::Currency::parse(c).ok())
        .map(|c| c.decimals());
    cells.extend([
        text(0),
        text(1),
        text(2),
        int(3).map_or(CellRef::Empty, CellRef::Int),
        text(4),
        CellRef::Bool(matches!(f[5], Some("1" | "true" | "t"))),
        text(6),
        text(7),
        text(8),
        decimals.map_or(CellRef::Empty, |d| scaled(int(9), d)),
        text(10),
        scaled(int(11), 2),
        scaled(int(12), 2),
        // A dollar amount was converted at no rate: its rate is 1.
        CellRef::Text(f[13].unwrap_or("1")),
    ]);
    cells.extend((14..23).map(text));
}

/// Records as the API's JSON documents.
fn json<T: serde::Serialize>(v: Vec<T>) -> Vec<Value> {
    v.into_iter()
        .map(|x| serde_json::to_value(x).unwrap_or(Value::Null))
        .collect()
}

/// A record's JSON as a row of `dataset`'s columns.
pub fn row_of(dataset: Dataset, v: &Value) -> TableRow {
    let text = |x: &Value| match x {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let cells = dataset
        .spec()
        .iter()
        .map(|(_, read)| match read {
            At(p) => match v.pointer(p) {
                None | Some(Value::Null) => Cell::Empty,
                Some(Value::String(s)) => Cell::Text(s.clone()),
                Some(Value::Bool(b)) => Cell::Bool(*b),
                Some(Value::Number(n)) => match n.as_i64() {
                    Some(i) => Cell::Int(i),
                    None => Cell::Number(n.as_f64().unwrap_or(0.0)),
                },
                Some(other) => Cell::Text(other.to_string()),
            },
            Each(p, item) => match v.pointer(p).and_then(Value::as_array) {
                Some(a) if !a.is_empty() => Cell::Text(
                    a.iter()
                        .map(|x| {
                            if item.is_empty() {
                                text(x)
                            } else {
                                x.pointer(item).map(text).unwrap_or_default()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                _ => Cell::Empty,
            },
            Major(amount, currency) => {
                let minor = v.pointer(amount).and_then(Value::as_i64);
                let decimals = v
                    .pointer(currency)
                    .and_then(Value::as_str)
                    .and_then(|c| semey_domain::currency::Currency::parse(c).ok())
                    .map(|c| c.decimals());
                match (minor, decimals) {
                    (Some(m), Some(d)) => {
                        Cell::Decimal(rust_decimal::Decimal::new(m, d).to_string())
                    }
                    _ => Cell::Empty,
                }
            }
            Hundredths(p) => match v.pointer(p).and_then(Value::as_i64) {
                Some(m) => Cell::Decimal(rust_decimal::Decimal::new(m, 2).to_string()),
                None => Cell::Empty,
            },
        })
        .collect();
    let point = dataset.point().and_then(|(lat, lon)| {
        Some((
            v.pointer(lon).and_then(Value::as_f64)?,
            v.pointer(lat).and_then(Value::as_f64)?,
        ))
    });
    TableRow { cells, point }
}

/// A download on its way: its type, its file name, and its bytes as they come.
pub struct Download {
    pub content_type: &'static str,
    pub file_name: String,
    pub body: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    /// The permit for a heavy request, held until the file is sent.
    pub permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// Bytes gathered before they are sent on.
const CHUNK: usize = 64 * 1024;

/// Starts a download of `selection` as `format`: rows are read and written while the reader
/// takes the bytes already written.
pub async fn download(
    store: &Store,
    selection: Selection,
    format: TableFormat,
) -> Result<Download, AppError> {
    let dataset = selection.dataset();
    let file_name = format!("semey-{}.{}", dataset.slug(), format.ext());
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut reader = Reader::new(store, selection);
    // The first batch is read before answering, so a broken query answers with an error.
    let first = reader.next_batch().await?;
    if format == TableFormat::Xlsx {
        tokio::spawn(xlsx(reader, first, dataset, tx));
    } else {
        tokio::spawn(async move {
            let mut table = TextTable::new(format, &dataset.columns());
            let mut buf = Vec::with_capacity(CHUNK * 2);
            table.head(&mut buf);
            let mut batch = first;
            loop {
                if batch.is_empty() {
                    break;
                }
                if let Err(e) =
                    batch.each_row(&mut |cells, point| table.cells(cells, point, &mut buf))
                {
                    let _ = tx.send(Err(e)).await;
                    return;
                }
                if buf.len() >= CHUNK
                    && tx
                        .send(Ok(Bytes::from(std::mem::take(&mut buf))))
                        .await
                        .is_err()
                {
                    return;
                }
                batch = match reader.next_batch().await {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                        return;
                    }
                };
            }
            table.tail(&mut buf);
            let _ = tx.send(Ok(Bytes::from(buf))).await;
        });
    }
    Ok(Download {
        content_type: format.content_type(),
        file_name,
        body: rx,
        permit: None,
    })
}

/// A download made of another export's CSV (the radiation export's): CSV and GeoJSON pass
/// through as they are; JSON and XLSX are written from its rows, numbers as numbers.
pub fn from_export(
    mut rx: tokio::sync::mpsc::Receiver<Bytes>,
    dataset: Dataset,
    format: TableFormat,
) -> Download {
    let (tx, out) = tokio::sync::mpsc::channel(4);
    let file_name = format!("semey-{}.{}", dataset.slug(), format.ext());
    if matches!(format, TableFormat::Csv | TableFormat::GeoJson) {
        tokio::spawn(async move {
            while let Some(b) = rx.recv().await {
                if tx.send(Ok(b)).await.is_err() {
                    break;
                }
            }
        });
    } else {
        tokio::task::spawn_blocking(move || {
            let reader = ChannelReader {
                rx,
                chunk: Bytes::new(),
            };
            let mut csv = ::csv::ReaderBuilder::new().from_reader(reader);
            let numeric: Vec<bool> = match csv.headers() {
                Ok(h) => h
                    .iter()
                    .map(|c| {
                        matches!(
                            c,
                            "latitude"
                                | "longitude"
                                | "value"
                                | "usv_h"
                                | "height_m"
                                | "precision_m"
                        )
                    })
                    .collect(),
                Err(e) => {
                    let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
                    return;
                }
            };
            let rows = csv.into_records().map_while(Result::ok).map(|r| TableRow {
                cells: r
                    .iter()
                    .zip(&numeric)
                    .map(|(v, num)| match (v.is_empty(), num, v.parse::<f64>()) {
                        (true, _, _) => Cell::Empty,
                        (false, true, Ok(n)) => Cell::Number(n),
                        _ => Cell::Text(v.to_owned()),
                    })
                    .collect(),
                point: None,
            });
            if format == TableFormat::Json {
                let mut table = TextTable::new(format, &dataset.columns());
                let mut buf = Vec::with_capacity(CHUNK * 2);
                table.head(&mut buf);
                for r in rows {
                    table.row(&r, &mut buf);
                    if buf.len() >= CHUNK
                        && tx
                            .blocking_send(Ok(Bytes::from(std::mem::take(&mut buf))))
                            .is_err()
                    {
                        return;
                    }
                }
                table.tail(&mut buf);
                let _ = tx.blocking_send(Ok(Bytes::from(buf)));
            } else {
                let mut rows = rows.peekable();
                let batches = std::iter::from_fn(move || {
                    let batch: Vec<TableRow> = rows.by_ref().take(BATCH as usize).collect();
                    (!batch.is_empty()).then_some(batch)
                });
                let sink = ChannelWriter::new(tx.clone());
                if let Err(e) = crate::presentation::table::write_xlsx(
                    sink,
                    dataset.slug(),
                    &dataset.columns(),
                    batches,
                ) {
                    let _ = tx.blocking_send(Err(e));
                }
            }
        });
    }
    Download {
        content_type: format.content_type(),
        file_name,
        body: out,
        permit: None,
    }
}

/// The bytes of a channel as a blocking reader (for a blocking thread).
struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Bytes>,
    chunk: Bytes,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.chunk = b,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = self.chunk.slice(n..);
        Ok(n)
    }
}

/// Writes the workbook in a blocking thread (rows reach it batch by batch through a channel)
/// straight into the download.
async fn xlsx(
    mut reader: Reader,
    first: Batch,
    dataset: Dataset,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let (rows_tx, rows_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
    let sink = ChannelWriter::new(tx.clone());
    let writer = tokio::task::spawn_blocking(move || {
        crate::presentation::table::write_xlsx(
            sink,
            dataset.slug(),
            &dataset.columns(),
            rows_rx.into_iter(),
        )
    });
    let mut batch = first;
    let mut failed = None;
    while !batch.is_empty() {
        let rows = std::mem::replace(&mut batch, Batch::Rows(Vec::new()));
        let sender = rows_tx.clone();
        // The channel is bounded: hand the batch over without blocking the runtime.
        if tokio::task::spawn_blocking(move || sender.send(rows))
            .await
            .map(|r| r.is_err())
            .unwrap_or(true)
        {
            break;
        }
        batch = match reader.next_batch().await {
            Ok(b) => b,
            Err(e) => {
                failed = Some(std::io::Error::other(e.to_string()));
                break;
            }
        };
    }
    drop(rows_tx);
    let written = writer
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
    // A file that could not be finished ends with an error, so the reader never takes it for
    // a whole one.
    if let Some(e) = failed.or(written.err()) {
        let _ = tx.send(Err(e)).await;
    }
}
