//! Requirements, transactions and the funding summary (the roll-ups it reads are kept by
//! `rollups.rs`).

use crate::db::{
    bind_args, on_db, on_pool, on_tx, parse_id, Arg, Db, OnConflict, Page, Sql, Store, Tx,
};
use crate::error::{Result, StoreError};
use crate::money::MoneyKind;
use crate::programmes::ProgrammeFilter;
pub use crate::rollups::RollupKey;
use semey_domain::currency::{Currency, Money};
use semey_domain::funding::{
    CheckedRequirement, CheckedTransaction, Measure, Origin, Requirement, Sums, Transaction,
    TransactionType,
};
use semey_domain::fx::{AppliedRate, Converted};
use semey_domain::ids::{OrganisationId, ProgrammeId, RequirementId, TransactionId};
use semey_domain::place::PlaceLevel;
use semey_domain::terms::FinanceTerms;
use semey_domain::Invalid;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use time::Date;

/// The fields of a transaction in a [`TextChunk`] of [`Store::transactions_text_after`]: id,
/// programme_id, reference, transaction_type, measure, internal, origin, tx_date, value_date,
/// amount, currency, amount_usd, amount_kzt, the USD and KZT rates, provider_org_id,
/// receiver_org_id, provider_programme_id, description, aid_type, finance_type, flow_type,
/// tied_status.
pub const TRANSACTION_TEXT_COLUMNS: usize = 23;

/// A transaction `t` (with its rates `ur` and `kr`) as one line of text: one `format` per row
/// (a concatenation of 23 values costs SQLite three times as much), the separators written
/// into the statement, a missing value U+001E. Free text holds no separator: the domain turns
/// control characters into spaces.
fn transaction_line() -> String {
    let fields = [
        "t.id",
        "t.programme_id",
        "coalesce(t.reference, '\u{1e}')",
        "t.transaction_type",
        "t.measure",
        "t.internal",
        "t.origin",
        "t.tx_date",
        "t.value_date",
        "t.amount",
        "t.currency",
        "t.amount_usd",
        "t.amount_kzt",
        "coalesce(ur.per_usd, '\u{1e}')",
        "kr.per_usd",
        "coalesce(t.provider_org_id, '\u{1e}')",
        "coalesce(t.receiver_org_id, '\u{1e}')",
        "coalesce(t.provider_programme_id, '\u{1e}')",
        "t.description",
        "coalesce(t.aid_type, '\u{1e}')",
        "coalesce(t.finance_type, '\u{1e}')",
        "coalesce(t.flow_type, '\u{1e}')",
        "coalesce(t.tied_status, '\u{1e}')",
    ];
    let pattern = vec!["%s"; fields.len()].join("\u{1f}");
    format!("format('{pattern}', {})", fields.join(", "))
}

/// Rows the database rendered as text: rows separated by U+001D, fields by U+001F, a missing
/// value written U+001E.
#[derive(Debug, Clone)]
pub struct TextChunk {
    pub count: usize,
    fields: usize,
    /// The last row's key: the next chunk starts after it.
    pub last: String,
    text: String,
}

impl TextChunk {
    /// Calls `each` with every row's fields (`None`: no value); an error when a row has not
    /// as many fields as it should.
    pub fn for_each<'a>(&'a self, mut each: impl FnMut(&[Option<&'a str>])) -> Result<()> {
        let mut fields: Vec<Option<&'a str>> = Vec::with_capacity(self.fields);
        let mut rows = 0;
        for line in self.text.split('\u{1d}') {
            fields.clear();
            fields.extend(
                line.split('\u{1f}')
                    .map(|f| if f == "\u{1e}" { None } else { Some(f) }),
            );
            if fields.len() != self.fields {
                return Err(StoreError::Corrupt(format!(
                    "a rendered row has {} fields instead of {}",
                    fields.len(),
                    self.fields
                )));
            }
            each(&fields);
            rows += 1;
        }
        if rows != self.count {
            return Err(StoreError::Corrupt("a rendered chunk".to_owned()));
        }
        Ok(())
    }
}

/// A checked transaction with what the funding layer worked out for it.
#[derive(Debug, Clone)]
pub struct TransactionWrite {
    pub t: CheckedTransaction,
    pub origin: Origin,
    pub converted: Converted,
}

/// What a write of many records did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct WriteReport {
    pub inserted: u64,
    /// Records already stored (same key): left as they were.
    pub already_present: u64,
}

/// Filters for listing transactions.
#[derive(Debug, Clone, Default)]
pub struct TransactionFilter {
    pub programmes: ProgrammeFilter,
    pub programme_id: Option<ProgrammeId>,
    pub transaction_type: Option<TransactionType>,
    pub measure: Option<Measure>,
    pub year: Option<i32>,
    /// Provider or receiver.
    pub organisation: Option<OrganisationId>,
    pub provider_org_id: Option<OrganisationId>,
    pub origin: Option<Origin>,
    pub currency: Option<Currency>,
    pub internal: Option<bool>,
}

/// What a funding summary can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Area,
    /// The organisation the money comes from.
    Organisation,
    /// The programme's places, or their ancestors at a level.
    Place(Option<PlaceLevel>),
    Year,
    /// The currency the money was reported in.
    Currency,
    /// Domestic or external.
    Origin,
    Programme,
}

impl Dimension {
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Area => "area",
            Dimension::Organisation => "organisation",
            Dimension::Place(_) => "place",
            Dimension::Year => "year",
            Dimension::Currency => "currency",
            Dimension::Origin => "origin",
            Dimension::Programme => "programme",
        }
    }

    pub(crate) fn needs_detail(self) -> bool {
        matches!(self, Dimension::Organisation | Dimension::Currency)
    }
}

/// Records whose names label summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Organisation,
    Place,
    Programme,
}

impl Store {
    /// The names of records of one kind by id (organisations' and places' names, programmes'
    /// titles); ids not stored are left out.
    pub async fn names(
        &self,
        kind: Named,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, semey_domain::LocalText>> {
        let (table, column) = match kind {
            Named::Organisation => ("organisations", "name"),
            Named::Place => ("places", "name"),
            Named::Programme => ("programmes", "title"),
        };
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(&format!("SELECT id, {column} FROM {table} WHERE id IN "));
            sql.list(chunk.iter().map(|i| Arg::Text(i.clone())));
            let rows: Vec<(String, String)> = on_pool!(self, p => bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_all(p).await)?;
            for (id, name) in rows {
                out.insert(
                    id,
                    serde_json::from_str(&name).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                );
            }
        }
        Ok(out)
    }
}

/// Filters of a funding summary: which programmes, and which part of their money.
#[derive(Debug, Clone, Default)]
pub struct FundingFilter {
    pub programmes: ProgrammeFilter,
    /// Only this programme's money.
    pub programme_id: Option<ProgrammeId>,
    pub year: Option<i32>,
    pub origin: Option<Origin>,
    /// Money from this organisation.
    pub provider_org_id: Option<OrganisationId>,
}

/// One group of a funding summary: its key per dimension (`None` where the money has no value
/// for that dimension, e.g. requirements have no provider) and its sums in USD and KZT.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub key: BTreeMap<&'static str, Option<String>>,
    pub usd: Sums,
    pub kzt: Sums,
}

const TX_COLUMNS: &str = "id, programme_id, reference, transaction_type, measure, internal, origin, tx_date, value_date, year, amount, \
     currency, provider_org_id, receiver_org_id, provider_programme_id, description, amount_usd, usd_rate_id, amount_kzt, kzt_rate_id, \
     aid_type, finance_type, flow_type, tied_status";

/// Converted amounts are read with the rate records they were converted with.
const RATE_COLUMNS: &str = "ur.id AS usd_rate_id, ur.per_usd AS usd_rate, ur.rate_date AS usd_rate_date, ur.source AS usd_rate_source, \
     kr.id AS kzt_rate_id, kr.per_usd AS kzt_rate, kr.rate_date AS kzt_rate_date, kr.source AS kzt_rate_source";

/// The columns of `alias` read back, without the rate ids (read with the rates instead).
pub(crate) fn read_columns(columns: &str, alias: &str) -> String {
    let own = columns
        .split(", ")
        .map(str::trim)
        .filter(|c| !c.ends_with("_rate_id"))
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("{own}, {RATE_COLUMNS}")
}

/// The joins that bring the rates of `alias`'s converted amounts.
pub(crate) fn rate_joins(alias: &str) -> String {
    format!(
        " LEFT JOIN exchange_rates ur ON ur.id = {alias}.usd_rate_id JOIN exchange_rates kr ON kr.id = {alias}.kzt_rate_id"
    )
}
const TX_COLUMN_COUNT: usize = 24;

#[derive(sqlx::FromRow)]
struct TxRow {
    id: String,
    programme_id: String,
    reference: Option<String>,
    transaction_type: i64,
    measure: String,
    internal: bool,
    origin: String,
    tx_date: Date,
    value_date: Date,
    amount: i64,
    currency: String,
    provider_org_id: Option<String>,
    receiver_org_id: Option<String>,
    provider_programme_id: Option<String>,
    description: String,
    #[sqlx(flatten)]
    converted: ConvertedCols,
    aid_type: Option<String>,
    finance_type: Option<String>,
    flow_type: Option<String>,
    tied_status: Option<String>,
}

pub(crate) fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// A money row's converted amounts with the rates they were converted at (read with
/// [`RATE_COLUMNS`]).
#[derive(sqlx::FromRow)]
pub(crate) struct ConvertedCols {
    amount_usd: i64,
    usd_rate_id: Option<i64>,
    usd_rate: Option<String>,
    usd_rate_date: Option<Date>,
    usd_rate_source: Option<String>,
    amount_kzt: i64,
    kzt_rate_id: i64,
    kzt_rate: String,
    kzt_rate_date: Date,
    kzt_rate_source: String,
}

impl ConvertedCols {
    /// The conversion; `date` is the day a dollar amount (converted at no rate) counts from.
    pub(crate) fn converted(self, date: Date) -> Result<Converted> {
        Ok(Converted {
            usd: self.amount_usd,
            kzt: self.amount_kzt,
            usd_rate: applied_usd(
                self.usd_rate_id,
                self.usd_rate,
                self.usd_rate_date,
                self.usd_rate_source,
                date,
            )?,
            kzt_rate: applied(
                self.kzt_rate_id,
                &self.kzt_rate,
                self.kzt_rate_date,
                self.kzt_rate_source,
            )?,
        })
    }
}

fn applied(id: i64, rate: &str, date: Date, source: String) -> Result<AppliedRate> {
    Ok(AppliedRate {
        rate_id: Some(id),
        per_usd: rust_decimal::Decimal::from_str(rate).map_err(corrupt)?,
        date,
        source,
    })
}

/// The USD rate of a converted amount: none stored means the amount was in USD.
#[allow(clippy::too_many_arguments)]
fn applied_usd(
    id: Option<i64>,
    rate: Option<String>,
    date: Option<Date>,
    source: Option<String>,
    value_date: Date,
) -> Result<AppliedRate> {
    match (id, rate, date, source) {
        (Some(id), Some(rate), Some(date), Some(source)) => applied(id, &rate, date, source),
        _ => Ok(AppliedRate::identity(value_date)),
    }
}

fn measure_of(s: &str) -> Result<Measure> {
    Measure::parse(s).map_err(corrupt)
}

impl TxRow {
    fn into_transaction(self) -> Result<Transaction> {
        Ok(Transaction {
            id: parse_id(&self.id)?,
            programme_id: parse_id(&self.programme_id)?,
            reference: self.reference,
            transaction_type: TransactionType::parse(
                u8::try_from(self.transaction_type).unwrap_or(0),
            )
            .map_err(corrupt)?,
            measure: measure_of(&self.measure)?,
            internal: self.internal,
            origin: Origin::parse(&self.origin).map_err(corrupt)?,
            date: self.tx_date,
            value_date: self.value_date,
            amount: self.amount,
            currency: Currency::parse(&self.currency).map_err(corrupt)?,
            provider_org_id: self.provider_org_id.as_deref().map(parse_id).transpose()?,
            receiver_org_id: self.receiver_org_id.as_deref().map(parse_id).transpose()?,
            provider_programme_id: self
                .provider_programme_id
                .as_deref()
                .map(parse_id)
                .transpose()?,
            description: self.description,
            terms: FinanceTerms {
                aid_type: self.aid_type,
                finance_type: self.finance_type,
                flow_type: self.flow_type,
                tied_status: self.tied_status,
            },
            converted: self.converted.converted(self.value_date)?,
        })
    }
}

fn tx_args(w: &TransactionWrite, out: &mut Vec<Arg>) {
    let t = &w.t;
    let c = &w.converted;
    out.extend([
        Arg::Text(t.id.to_string()),
        Arg::Text(t.programme_id.to_string()),
        Arg::OptText(t.reference.clone()),
        Arg::Int(t.transaction_type.code().into()),
        Arg::Text(t.measure().as_str().to_owned()),
        Arg::Bool(t.is_internal()),
        Arg::Text(w.origin.as_str().to_owned()),
        Arg::Date(t.date),
        Arg::Date(t.value_date),
        Arg::Int(t.year().into()),
        Arg::Int(t.money.minor),
        Arg::Text(t.money.currency.code().to_owned()),
        Arg::OptText(t.provider_org_id.map(|x| x.to_string())),
        Arg::OptText(t.receiver_org_id.map(|x| x.to_string())),
        Arg::OptText(t.provider_programme_id.map(|x| x.to_string())),
        Arg::Text(t.description.clone()),
        Arg::Int(c.usd),
        Arg::OptInt(c.usd_rate.rate_id),
        Arg::Int(c.kzt),
        Arg::OptInt(c.kzt_rate.rate_id),
        Arg::OptText(t.terms.aid_type.clone()),
        Arg::OptText(t.terms.finance_type.clone()),
        Arg::OptText(t.terms.flow_type.clone()),
        Arg::OptText(t.terms.tied_status.clone()),
    ]);
}

/// The conditions of a transaction filter, after `FROM transactions t WHERE 1 = 1`.
fn tx_conditions(f: &TransactionFilter) -> Sql {
    let mut sql = Sql::new(" FROM transactions t WHERE 1 = 1");
    f.programmes
        .push_conditions(&mut sql, "t.programme_id", false);
    if let Some(p) = f.programme_id {
        sql.push(" AND t.programme_id = ")
            .arg(Arg::Text(p.to_string()));
    }
    if let Some(tt) = f.transaction_type {
        sql.push(" AND t.transaction_type = ")
            .arg(Arg::Int(tt.code().into()));
    }
    if let Some(m) = f.measure {
        sql.push(" AND t.measure = ")
            .arg(Arg::Text(m.as_str().to_owned()));
    }
    if let Some(y) = f.year {
        sql.push(" AND t.year = ").arg(Arg::Int(y.into()));
    }
    if let Some(o) = f.organisation {
        sql.push(" AND (t.provider_org_id = ")
            .arg(Arg::Text(o.to_string()))
            .push(" OR t.receiver_org_id = ")
            .arg(Arg::Text(o.to_string()))
            .push(")");
    }
    if let Some(o) = f.provider_org_id {
        sql.push(" AND t.provider_org_id = ")
            .arg(Arg::Text(o.to_string()));
    }
    if let Some(o) = f.origin {
        sql.push(" AND t.origin = ")
            .arg(Arg::Text(o.as_str().to_owned()));
    }
    if let Some(c) = f.currency {
        sql.push(" AND t.currency = ")
            .arg(Arg::Text(c.code().to_owned()));
    }
    if let Some(i) = f.internal {
        sql.push(" AND t.internal = ").arg(Arg::Bool(i));
    }
    sql
}

impl Store {
    /// Inserts transactions whose id is not stored yet (an id already present means the same
    /// flow was recorded before) and brings the roll-ups of the programmes concerned up to date.
    pub async fn insert_transactions(
        &self,
        tx: &mut Tx,
        rows: &[TransactionWrite],
    ) -> Result<WriteReport> {
        self.insert_transactions_with_progress(tx, rows, &mut |_| {})
            .await
    }

    /// [`Store::insert_transactions`], calling `progress` with the number of rows written so far.
    pub async fn insert_transactions_with_progress(
        &self,
        tx: &mut Tx,
        rows: &[TransactionWrite],
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<WriteReport> {
        let report = self.insert_transaction_rows(tx, rows, progress).await?;
        let programmes: BTreeSet<ProgrammeId> = rows.iter().map(|w| w.t.programme_id).collect();
        self.refresh_rollups(tx, &programmes).await?;
        Ok(report)
    }

    /// Inserts transactions without refreshing the roll-ups: for bulk imports, which insert in
    /// batches and call [`Store::refresh_rollups`] once at the end, in the same transaction.
    pub async fn insert_transaction_rows(
        &self,
        tx: &mut Tx,
        rows: &[TransactionWrite],
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<WriteReport> {
        let insert = self.bulk_insert(
            "transactions",
            TX_COLUMNS,
            TX_COLUMN_COUNT,
            OnConflict::SkipSameId,
        );
        self.defer_foreign_keys(tx).await?;
        let mut inserted = 0u64;
        let mut args = Vec::with_capacity(insert.per_statement.min(rows.len()) * TX_COLUMN_COUNT);
        let mut done = 0;
        for chunk in rows.chunks(insert.per_statement) {
            for w in chunk {
                tx_args(w, &mut args);
            }
            // The values move into the statement (a million rows' texts copied cost more
            // than making them).
            let r = insert.run_moved(tx, &mut args).await;
            inserted += r.map_err(|e| reference_error(e, "transaction"))?;
            done += chunk.len();
            progress(done);
        }
        Ok(WriteReport {
            inserted,
            already_present: rows.len() as u64 - inserted,
        })
    }

    pub async fn list_transactions(
        &self,
        f: &TransactionFilter,
        page: Page,
    ) -> Result<(Vec<Transaction>, i64)> {
        let sql = tx_conditions(f);
        let (rows, total) = self
            .page_of::<TxRow>(
                &read_columns(TX_COLUMNS, "t"),
                sql,
                &rate_joins("t"),
                "t.tx_date DESC, t.id",
                page,
            )
            .await?;
        Ok((
            rows.into_iter()
                .map(TxRow::into_transaction)
                .collect::<Result<_>>()?,
            total,
        ))
    }

    /// Up to `limit` transactions a filter selects, in id order after `after` (an id), as text
    /// the database renders: one row per chunk instead of one per transaction, which is what
    /// lets a download stream hundreds of thousands of rows a second. The fields of each row
    /// are [`TRANSACTION_TEXT_COLUMNS`]. `None` when nothing is left.
    pub async fn transactions_text_after(
        &self,
        f: &TransactionFilter,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Option<TextChunk>> {
        let mut sql = tx_conditions(f);
        if let Some(a) = after {
            sql.push(" AND t.id > ").arg(Arg::Text(a.to_owned()));
        }
        sql.push(" ORDER BY t.id LIMIT ").arg(Arg::Int(limit));
        let inner = format!(
            "SELECT t.id AS id, {} AS line{}{}",
            transaction_line(),
            rate_joins("t").replace(" LEFT JOIN", " FROM transactions t LEFT JOIN"),
            sql.text.trim_start_matches(" FROM transactions t")
        );
        let text = format!(
            "SELECT CAST(COUNT(*) AS BIGINT), MAX(id), {} FROM ({inner}) chunk",
            self.text_agg_by("line", 29)
        );
        let (count, last, lines): (i64, Option<String>, Option<String>) =
            on_pool!(self, p => bind_args!(sqlx::query_as(&text), sql.args).fetch_one(p).await)?;
        if count == 0 {
            return Ok(None);
        }
        Ok(Some(TextChunk {
            count: count as usize,
            fields: TRANSACTION_TEXT_COLUMNS,
            last: last.unwrap_or_default(),
            text: lines.unwrap_or_default(),
        }))
    }

    async fn requirements_on(
        &self,
        db: Db<'_>,
        id: Option<semey_domain::ids::RequirementId>,
        programme: Option<ProgrammeId>,
    ) -> Result<Vec<Requirement>> {
        let mut sql = Sql::new(&format!(
            "SELECT {} FROM requirements r{} WHERE 1 = 1",
            read_columns(REQ_COLUMNS, "r"),
            rate_joins("r")
        ));
        if let Some(id) = id {
            sql.push(" AND r.id = ").arg(Arg::Text(id.to_string()));
        }
        if let Some(p) = programme {
            sql.push(" AND r.programme_id = ")
                .arg(Arg::Text(p.to_string()));
        }
        let rows = on_db!(db, c => bind_args!(sqlx::query_as::<_, ReqRow>(&sql.text), sql.args).fetch_all(&mut *c).await)?;
        rows.into_iter().map(ReqRow::into_requirement).collect()
    }

    /// The transactions (as rendered text, see [`TextChunk`]) and the requirements of these
    /// programmes, each programme's together, in an order that follows from what they say
    /// (not from their ids, which differ from one platform to another): for writing many
    /// programmes out at once.
    pub async fn money_of_programmes(
        &self,
        programmes: &[ProgrammeId],
    ) -> Result<(Vec<TextChunk>, Vec<Requirement>)> {
        let mut txs = Vec::new();
        let mut reqs = Vec::new();
        for chunk in programmes.chunks(500) {
            // The transactions as rendered text (see `TextChunk`), in content order.
            let order = "t.programme_id, t.tx_date DESC, t.transaction_type, t.reference, t.value_date, t.amount, t.currency, t.description, t.id";
            let mut sql = Sql::new(&format!(
                "SELECT t.id AS k{}, {} AS line FROM transactions t{} WHERE t.programme_id IN ",
                self.row_numbers(order),
                transaction_line(),
                rate_joins("t"),
            ));
            sql.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            sql.push(" ORDER BY ").push(order);
            let text = format!(
                "SELECT CAST(COUNT(*) AS BIGINT), MAX(k), {} FROM ({}) chunk",
                self.text_agg_in_order("line", 29),
                sql.text
            );
            let (count, last, lines): (i64, Option<String>, Option<String>) = on_pool!(self, p => bind_args!(sqlx::query_as(&text), sql.args).fetch_one(p).await)?;
            if count > 0 {
                txs.push(TextChunk {
                    count: count as usize,
                    fields: TRANSACTION_TEXT_COLUMNS,
                    last: last.unwrap_or_default(),
                    text: lines.unwrap_or_default(),
                });
            }
            let mut sql = Sql::new(&format!(
                "SELECT {} FROM requirements r{} WHERE r.programme_id IN ",
                read_columns(REQ_COLUMNS, "r"),
                rate_joins("r")
            ));
            sql.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            sql.push(" ORDER BY r.programme_id, r.period_start, r.period_end, r.amount, r.currency, r.description, r.id");
            let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, ReqRow>(&sql.text), sql.args).fetch_all(p).await)?;
            for r in rows {
                reqs.push(r.into_requirement()?);
            }
        }
        Ok((txs, reqs))
    }

    pub async fn list_requirements(
        &self,
        f: &ProgrammeFilter,
        programme_id: Option<ProgrammeId>,
        year: Option<i32>,
        page: Page,
    ) -> Result<(Vec<Requirement>, i64)> {
        let mut sql = Sql::new(" FROM requirements r WHERE 1 = 1");
        f.push_conditions(&mut sql, "r.programme_id", false);
        if let Some(p) = programme_id {
            sql.push(" AND r.programme_id = ")
                .arg(Arg::Text(p.to_string()));
        }
        if let Some(y) = year {
            sql.push(" AND r.year = ").arg(Arg::Int(y.into()));
        }
        let (rows, total) = self
            .page_of::<ReqRow>(
                &read_columns(REQ_COLUMNS, "r"),
                sql,
                &rate_joins("r"),
                "r.period_start, r.id",
                page,
            )
            .await?;
        Ok((
            rows.into_iter()
                .map(ReqRow::into_requirement)
                .collect::<Result<_>>()?,
            total,
        ))
    }
}

impl MoneyKind for Transaction {
    type Id = TransactionId;
    type Checked = CheckedTransaction;
    const NAME: &'static str = "transaction";
    const TABLE: &'static str = "transactions";

    fn checked_id(c: &CheckedTransaction) -> TransactionId {
        c.id
    }

    fn money_at(c: &CheckedTransaction) -> (Money, Date) {
        (c.money, c.value_date)
    }

    fn programmes(stored: &Transaction) -> BTreeSet<ProgrammeId> {
        let mut p = BTreeSet::from([stored.programme_id]);
        p.extend(stored.provider_programme_id);
        p
    }

    async fn check_references(store: &Store, tx: &mut Tx, t: &CheckedTransaction) -> Result<()> {
        store
            .check_programme_exists(tx, t.programme_id, "programme_id")
            .await?;
        if let Some(p) = t.provider_programme_id {
            store
                .check_programme_exists(tx, p, "provider_programme_id")
                .await?;
        }
        for (o, f) in [
            (t.provider_org_id, "provider_org_id"),
            (t.receiver_org_id, "receiver_org_id"),
        ] {
            if let Some(o) = o {
                store.check_organisation_exists(tx, o, f).await?;
            }
        }
        Ok(())
    }

    async fn insert(
        store: &Store,
        tx: &mut Tx,
        t: CheckedTransaction,
        converted: Converted,
    ) -> Result<bool> {
        let origin = match t.provider_org_id {
            Some(o) => store.organisation_in(tx, o).await?.origin(),
            None => Origin::Unspecified,
        };
        let write = TransactionWrite {
            t,
            origin,
            converted,
        };
        let report = store
            .insert_transaction_rows(tx, &[write], &mut |_| {})
            .await?;
        Ok(report.inserted == 1)
    }

    async fn read(_: &Store, db: Db<'_>, id: TransactionId) -> Result<Option<Transaction>> {
        let sql = format!(
            "SELECT {} FROM transactions t{} WHERE t.id = $1",
            read_columns(TX_COLUMNS, "t"),
            rate_joins("t")
        );
        let row = on_db!(db, c => sqlx::query_as::<_, TxRow>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?;
        row.map(TxRow::into_transaction).transpose()
    }
}

impl Store {
    /// Removes a programme's transactions, requirements and contributions (an activity replaced by an IATI
    /// import); the caller refreshes its roll-ups once the new ones are written.
    pub async fn clear_programme_money(&self, tx: &mut Tx, programme: ProgrammeId) -> Result<()> {
        for sql in [
            "DELETE FROM transactions WHERE programme_id = $1",
            "DELETE FROM requirements WHERE programme_id = $1",
            "DELETE FROM contributions WHERE programme_id = $1",
        ] {
            on_tx!(tx, c => sqlx::query(sql).bind(programme.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// The ids of a programme's transactions and requirements, each list sorted.
    pub async fn money_ids_of(
        &self,
        tx: &mut Tx,
        programme: ProgrammeId,
    ) -> Result<(Vec<String>, Vec<String>)> {
        let t: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM transactions WHERE programme_id = $1 ORDER BY id").bind(programme.to_string()).fetch_all(&mut *c).await)?;
        let r: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM requirements WHERE programme_id = $1 ORDER BY id").bind(programme.to_string()).fetch_all(&mut *c).await)?;
        Ok((
            t.into_iter().map(|(x,)| x).collect(),
            r.into_iter().map(|(x,)| x).collect(),
        ))
    }

    /// Inserts converted requirements without refreshing roll-ups (bulk imports refresh once).
    pub async fn insert_requirements(
        &self,
        tx: &mut Tx,
        rows: &[(CheckedRequirement, Converted)],
    ) -> Result<()> {
        for (r, c) in rows {
            <Requirement as MoneyKind>::insert(self, tx, r.clone(), c.clone()).await?;
        }
        Ok(())
    }
}

impl MoneyKind for Requirement {
    type Id = RequirementId;
    type Checked = CheckedRequirement;
    const NAME: &'static str = "requirement";
    const TABLE: &'static str = "requirements";

    fn checked_id(c: &CheckedRequirement) -> RequirementId {
        c.id
    }

    /// A requirement is converted at the rates of the day its period starts.
    fn money_at(c: &CheckedRequirement) -> (Money, Date) {
        (c.money, c.period_start)
    }

    fn programmes(stored: &Requirement) -> BTreeSet<ProgrammeId> {
        BTreeSet::from([stored.programme_id])
    }

    async fn check_references(store: &Store, tx: &mut Tx, r: &CheckedRequirement) -> Result<()> {
        store
            .check_programme_exists(tx, r.programme_id, "programme_id")
            .await
    }

    async fn insert(_: &Store, tx: &mut Tx, r: CheckedRequirement, c: Converted) -> Result<bool> {
        let sql = "INSERT INTO requirements (id, programme_id, period_start, period_end, year, amount, currency, description, \
                   amount_usd, usd_rate_id, amount_kzt, kzt_rate_id) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING";
        let args = vec![
            Arg::Text(r.id.to_string()),
            Arg::Text(r.programme_id.to_string()),
            Arg::Date(r.period_start),
            Arg::Date(r.period_end),
            Arg::Int(r.period_start.year().into()),
            Arg::Int(r.money.minor),
            Arg::Text(r.money.currency.code().to_owned()),
            Arg::Text(r.description),
            Arg::Int(c.usd),
            Arg::OptInt(c.usd_rate.rate_id),
            Arg::Int(c.kzt),
            Arg::OptInt(c.kzt_rate.rate_id),
        ];
        let n = on_tx!(tx, conn => bind_args!(sqlx::query(sql), args).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    async fn read(store: &Store, db: Db<'_>, id: RequirementId) -> Result<Option<Requirement>> {
        Ok(store.requirements_on(db, Some(id), None).await?.pop())
    }
}

const REQ_COLUMNS: &str = "id, programme_id, period_start, period_end, amount, currency, description, amount_usd, usd_rate_id, \
     amount_kzt, kzt_rate_id";

#[derive(sqlx::FromRow)]
struct ReqRow {
    id: String,
    programme_id: String,
    period_start: Date,
    period_end: Date,
    amount: i64,
    currency: String,
    description: String,
    #[sqlx(flatten)]
    converted: ConvertedCols,
}

impl ReqRow {
    fn into_requirement(self) -> Result<Requirement> {
        Ok(Requirement {
            id: parse_id(&self.id)?,
            programme_id: parse_id(&self.programme_id)?,
            period_start: self.period_start,
            period_end: self.period_end,
            amount: self.amount,
            currency: Currency::parse(&self.currency).map_err(corrupt)?,
            description: self.description,
            converted: self.converted.converted(self.period_start)?,
        })
    }
}

/// Turns a foreign-key failure into a field error (a reference to a record that does not exist).
fn reference_error(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::Invalid(Invalid::one(
                what,
                "unknown_reference",
                format!("a {what} refers to a programme or organisation that does not exist"),
            ))
        }
        _ => StoreError::Db(e),
    }
}
