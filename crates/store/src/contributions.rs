//! In-kind contributions: written on the money path (checked references, converted at the
//! rates of their date) but in a table of their own, which no roll-up and no funding sum
//! reads: what is given in kind is never counted as money received.

use crate::db::{bind_args, on_db, on_pool, on_tx, parse_id, Arg, Db, Page, Sql, Store, Tx};
use crate::error::Result;
use crate::funding::{corrupt, rate_joins, read_columns, ConvertedCols, FundingFilter};
use crate::money::MoneyKind;
use semey_domain::contribution::{CheckedContribution, Contribution, InKind};
use semey_domain::currency::{Currency, Money};
use semey_domain::fx::Converted;
use semey_domain::ids::{ContributionId, ProgrammeId};
use std::collections::{BTreeMap, BTreeSet};
use time::Date;

/// Which contributions a list shows.
#[derive(Debug, Clone, Default)]
pub struct ContributionFilter {
    pub money: FundingFilter,
    pub category: Option<InKind>,
}

/// The declared value of a group of contributions, in both reporting currencies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InKindSums {
    pub count: i64,
    /// US cents.
    pub usd: i64,
    /// Tiyn.
    pub kzt: i64,
}

const COLUMNS: &str = "id, programme_id, reference, category, provider_org_id, given_on, description, quantity, unit, \
     amount, currency, amount_usd, usd_rate_id, amount_kzt, kzt_rate_id";

/// Rows in an order that follows from what they say (not from ids, which differ from one
/// platform to another).
const ORDER: &str =
    "c.programme_id, c.given_on DESC, c.category, c.reference, c.description, c.amount, c.id";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    programme_id: String,
    reference: Option<String>,
    category: String,
    provider_org_id: String,
    given_on: Date,
    description: String,
    quantity: String,
    unit: String,
    amount: i64,
    currency: String,
    #[sqlx(flatten)]
    converted: ConvertedCols,
}

impl Row {
    fn into_contribution(self) -> Result<Contribution> {
        Ok(Contribution {
            id: parse_id(&self.id)?,
            programme_id: parse_id(&self.programme_id)?,
            reference: self.reference,
            category: InKind::parse(&self.category).map_err(corrupt)?,
            provider_org_id: parse_id(&self.provider_org_id)?,
            date: self.given_on,
            description: self.description,
            quantity: self.quantity,
            unit: self.unit,
            amount: self.amount,
            currency: Currency::parse(&self.currency).map_err(corrupt)?,
            converted: self.converted.converted(self.given_on)?,
        })
    }
}

/// The conditions of `f` on contributions aliased `c`.
fn conditions(sql: &mut Sql, f: &ContributionFilter) {
    let m = &f.money;
    m.programmes.push_conditions(sql, "c.programme_id", false);
    if let Some(p) = m.programme_id {
        sql.push(" AND c.programme_id = ")
            .arg(Arg::Text(p.to_string()));
    }
    if let Some(y) = m.year {
        sql.push(" AND c.year = ").arg(Arg::Int(y.into()));
    }
    if let Some(o) = m.origin {
        sql.push(" AND c.origin = ")
            .arg(Arg::Text(o.as_str().to_owned()));
    }
    if let Some(o) = m.provider_org_id {
        sql.push(" AND c.provider_org_id = ")
            .arg(Arg::Text(o.to_string()));
    }
    if let Some(k) = f.category {
        sql.push(" AND c.category = ")
            .arg(Arg::Text(k.as_str().to_owned()));
    }
}

impl Store {
    /// A page of contributions, newest first.
    pub async fn list_contributions(
        &self,
        f: &ContributionFilter,
        page: Page,
    ) -> Result<(Vec<Contribution>, i64)> {
        let mut sql = Sql::new(" FROM contributions c WHERE 1 = 1");
        conditions(&mut sql, f);
        let (rows, total) = self
            .page_of::<Row>(
                &read_columns(COLUMNS, "c"),
                sql,
                &rate_joins("c"),
                "c.given_on DESC, c.id",
                page,
            )
            .await?;
        Ok((
            rows.into_iter()
                .map(Row::into_contribution)
                .collect::<Result<_>>()?,
            total,
        ))
    }

    /// The contributions of these programmes, each programme's together, in content order.
    pub async fn contributions_of_programmes(
        &self,
        programmes: &[ProgrammeId],
    ) -> Result<Vec<Contribution>> {
        let mut out = Vec::new();
        for chunk in programmes.chunks(500) {
            let mut sql = Sql::new(&format!(
                "SELECT {} FROM contributions c{} WHERE c.programme_id IN ",
                read_columns(COLUMNS, "c"),
                rate_joins("c")
            ));
            sql.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            sql.push(" ORDER BY ").push(ORDER);
            let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, Row>(&sql.text), sql.args).fetch_all(p).await)?;
            for r in rows {
                out.push(r.into_contribution()?);
            }
        }
        Ok(out)
    }

    /// The declared value of the contributions `f` selects, by kind (kinds with none left out).
    pub async fn in_kind_sums(
        &self,
        f: &ContributionFilter,
    ) -> Result<BTreeMap<InKind, InKindSums>> {
        let mut sql = Sql::new(
            "SELECT c.category, COUNT(*), CAST(SUM(c.amount_usd) AS BIGINT), CAST(SUM(c.amount_kzt) AS BIGINT) \
             FROM contributions c WHERE 1 = 1",
        );
        conditions(&mut sql, f);
        sql.push(" GROUP BY c.category");
        let rows: Vec<(String, i64, Option<i64>, Option<i64>)> = on_pool!(self, p => bind_args!(sqlx::query_as(&sql.text), sql.args).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(k, count, usd, kzt)| {
                Ok((
                    InKind::parse(&k).map_err(corrupt)?,
                    InKindSums {
                        count,
                        usd: usd.unwrap_or(0),
                        kzt: kzt.unwrap_or(0),
                    },
                ))
            })
            .collect()
    }

    /// The ids of a programme's contributions, sorted.
    pub async fn contribution_ids_of(
        &self,
        tx: &mut Tx,
        programme: ProgrammeId,
    ) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as("SELECT id FROM contributions WHERE programme_id = $1 ORDER BY id").bind(programme.to_string()).fetch_all(&mut *c).await)?;
        Ok(rows.into_iter().map(|(x,)| x).collect())
    }

    /// Writes contributions converted already (an import that read them from a file), without
    /// checking them again.
    pub async fn insert_contributions(
        &self,
        tx: &mut Tx,
        rows: &[(CheckedContribution, Converted)],
    ) -> Result<()> {
        for (c, converted) in rows {
            <Contribution as MoneyKind>::insert(self, tx, c.clone(), converted.clone()).await?;
        }
        Ok(())
    }
}

impl MoneyKind for Contribution {
    type Id = ContributionId;
    type Checked = CheckedContribution;
    const NAME: &'static str = "contribution";
    const TABLE: &'static str = "contributions";

    fn checked_id(c: &CheckedContribution) -> ContributionId {
        c.id
    }

    fn money_at(c: &CheckedContribution) -> (Money, Date) {
        (c.value, c.date)
    }

    /// The programme given to: its roll-ups (read from transactions only) are refreshed and it
    /// is marked changed, so its IATI activity says when.
    fn programmes(stored: &Contribution) -> BTreeSet<ProgrammeId> {
        BTreeSet::from([stored.programme_id])
    }

    async fn check_references(store: &Store, tx: &mut Tx, c: &CheckedContribution) -> Result<()> {
        store
            .check_programme_exists(tx, c.programme_id, "programme_id")
            .await?;
        store
            .check_organisation_exists(tx, c.provider_org_id, "provider_org_id")
            .await
    }

    async fn insert(
        store: &Store,
        tx: &mut Tx,
        c: CheckedContribution,
        v: Converted,
    ) -> Result<bool> {
        let origin = store.organisation_in(tx, c.provider_org_id).await?.origin();
        let sql = "INSERT INTO contributions (id, programme_id, reference, category, provider_org_id, origin, given_on, year, \
                   description, quantity, unit, amount, currency, amount_usd, usd_rate_id, amount_kzt, kzt_rate_id) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (id) DO NOTHING";
        let args = vec![
            Arg::Text(c.id.to_string()),
            Arg::Text(c.programme_id.to_string()),
            Arg::OptText(c.reference),
            Arg::Text(c.category.as_str().to_owned()),
            Arg::Text(c.provider_org_id.to_string()),
            Arg::Text(origin.as_str().to_owned()),
            Arg::Date(c.date),
            Arg::Int(c.date.year().into()),
            Arg::Text(c.description),
            Arg::Text(c.quantity.to_string()),
            Arg::Text(c.unit),
            Arg::Int(c.value.minor),
            Arg::Text(c.value.currency.code().to_owned()),
            Arg::Int(v.usd),
            Arg::OptInt(v.usd_rate.rate_id),
            Arg::Int(v.kzt),
            Arg::OptInt(v.kzt_rate.rate_id),
        ];
        let n = on_tx!(tx, conn => bind_args!(sqlx::query(sql), args).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    async fn read(_: &Store, db: Db<'_>, id: ContributionId) -> Result<Option<Contribution>> {
        let sql = format!(
            "SELECT {} FROM contributions c{} WHERE c.id = $1",
            read_columns(COLUMNS, "c"),
            rate_joins("c")
        );
        let row = on_db!(db, conn => sqlx::query_as::<_, Row>(&sql).bind(id.to_string()).fetch_optional(&mut *conn).await)?;
        row.map(Row::into_contribution).transpose()
    }
}
