//! Exchange rates.

use crate::db::{on_pool, on_tx, Arg, Page, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use rust_decimal::Decimal;
use semey_domain::currency::Currency;
use semey_domain::fx::{FxRate, FxTable};
use std::str::FromStr;
use time::Date;

#[derive(sqlx::FromRow)]
struct RateRow {
    id: i64,
    currency: String,
    rate_date: Date,
    per_usd: String,
    source: String,
}

impl RateRow {
    fn into_rate(self) -> Result<FxRate> {
        let corrupt = |e: String| StoreError::Corrupt(e);
        Ok(FxRate {
            id: Some(self.id),
            currency: Currency::parse(&self.currency).map_err(|e| corrupt(e.to_string()))?,
            date: self.rate_date,
            per_usd: Decimal::from_str(&self.per_usd).map_err(|e| corrupt(e.to_string()))?,
            source: self.source,
        })
    }
}

/// How a batch of rates changed the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateReport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Store {
    /// Stores rates; a rate for a currency and date already present is replaced when it differs.
    /// Transactions already converted keep the rate they were converted with.
    pub async fn upsert_rates(&self, tx: &mut Tx, rates: &[FxRate]) -> Result<RateReport> {
        let mut report = RateReport::default();
        for r in rates {
            let existing: Option<(i64, String, String)> = on_tx!(tx, c => sqlx::query_as(
                "SELECT id, per_usd, source FROM exchange_rates WHERE currency = $1 AND rate_date = $2 AND NOT superseded")
                .bind(r.currency.code())
                .bind(r.date)
                .fetch_optional(&mut *c)
                .await)?;
            match existing {
                Some((_, rate, source))
                    if Decimal::from_str(&rate).ok() == Some(r.per_usd) && source == r.source =>
                {
                    report.unchanged += 1;
                    continue;
                }
                Some((id, _, _)) => {
                    // The old rate stays for the money converted with it.
                    on_tx!(tx, c => sqlx::query("UPDATE exchange_rates SET superseded = $1 WHERE id = $2")
                        .bind(true)
                        .bind(id)
                        .execute(&mut *c)
                        .await
                        .map(|r| r.rows_affected()))?;
                    report.updated += 1;
                }
                None => report.inserted += 1,
            }
            let sql = "INSERT INTO exchange_rates (currency, rate_date, per_usd, source, superseded) VALUES ($1, $2, $3, $4, $5)";
            on_tx!(tx, c => sqlx::query(sql).bind(r.currency.code()).bind(r.date).bind(r.per_usd.to_string()).bind(&r.source).bind(false).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(report)
    }

    /// The rate in force for a currency on a date (not a superseded one), read in `tx`.
    pub async fn rate_in(
        &self,
        tx: &mut Tx,
        currency: Currency,
        date: Date,
    ) -> Result<Option<FxRate>> {
        let row = on_tx!(tx, c => sqlx::query_as::<_, RateRow>(
            "SELECT id, currency, rate_date, per_usd, source FROM exchange_rates WHERE currency = $1 AND rate_date = $2 AND NOT superseded")
            .bind(currency.code())
            .bind(date)
            .fetch_optional(&mut *c)
            .await)?;
        row.map(RateRow::into_rate).transpose()
    }

    /// Every stored rate, ready for bulk conversion.
    pub async fn fx_table(&self) -> Result<FxTable> {
        let sql = "SELECT id, currency, rate_date, per_usd, source FROM exchange_rates WHERE NOT superseded";
        let rows = on_pool!(self, p => sqlx::query_as::<_, RateRow>(sql).fetch_all(p).await)?;
        Ok(FxTable::new(
            rows.into_iter()
                .map(RateRow::into_rate)
                .collect::<Result<Vec<_>>>()?,
        ))
    }

    /// The rates needed to convert `currency` at `date` (the currency's and KZT's).
    pub(crate) async fn fx_for(
        &self,
        tx: &mut Tx,
        currency: Currency,
        date: Date,
    ) -> Result<FxTable> {
        let sql = "SELECT id, currency, rate_date, per_usd, source FROM exchange_rates \
                   WHERE currency = $1 AND rate_date <= $2 AND NOT superseded ORDER BY rate_date DESC LIMIT 1";
        let mut rates = Vec::new();
        for c in [currency, Currency::KZT] {
            let row = on_tx!(tx, conn => sqlx::query_as::<_, RateRow>(sql).bind(c.code()).bind(date).fetch_optional(&mut *conn).await)?;
            if let Some(r) = row {
                rates.push(r.into_rate()?);
            }
        }
        Ok(FxTable::new(rates))
    }

    pub async fn list_rates(
        &self,
        currency: Option<Currency>,
        page: Page,
    ) -> Result<(Vec<FxRate>, i64)> {
        let mut sql = Sql::new(" FROM exchange_rates WHERE NOT superseded");
        if let Some(c) = currency {
            sql.push(" AND currency = ")
                .arg(Arg::Text(c.code().to_owned()));
        }
        let (rows, total) = self
            .page_of::<RateRow>(
                "id, currency, rate_date, per_usd, source",
                sql,
                "",
                "currency, rate_date DESC",
                page,
            )
            .await?;
        Ok((
            rows.into_iter()
                .map(RateRow::into_rate)
                .collect::<Result<_>>()?,
            total,
        ))
    }
}
