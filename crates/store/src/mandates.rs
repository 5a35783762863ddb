//! Resolutions and their mandates (operative paragraphs), texts kept in every language.

use crate::db::{on_db, on_pool, on_tx, parse_id, Db, Store, Tx};
use crate::error::{Result, StoreError};
use crate::rollups::MEASURES;
use semey_domain::funding::Sums;
use semey_domain::ids::ProgrammeId;
use semey_domain::ids::{MandateId, ResolutionId};
use semey_domain::mandate::{Action, Addressee, Mandate, Resolution};
use semey_domain::LocalText;
use time::Date;

#[derive(sqlx::FromRow)]
struct ResolutionRow {
    id: String,
    symbol: String,
    session: i64,
    title: String,
    adopted_on: Option<Date>,
    recalls: String,
    previous_id: Option<String>,
    preamble: String,
}

#[derive(sqlx::FromRow)]
struct MandateRow {
    id: String,
    resolution_id: String,
    number: i64,
    text: String,
    action: String,
    addressees: String,
    report_session: Option<i64>,
    deadline: Option<Date>,
    corrected: bool,
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

fn json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl MandateRow {
    fn into_mandate(self) -> Result<Mandate> {
        let addressees: Vec<String> = json(&self.addressees)?;
        Ok(Mandate {
            id: parse_id(&self.id)?,
            resolution_id: parse_id(&self.resolution_id)?,
            number: u16::try_from(self.number).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            text: json::<LocalText>(&self.text)?,
            action: Action::parse(&self.action).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            addressees: addressees
                .iter()
                .map(|a| Addressee::parse(a).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect::<Result<_>>()?,
            report_session: self.report_session.and_then(|s| u16::try_from(s).ok()),
            deadline: self.deadline,
            corrected: self.corrected,
        })
    }
}

const MANDATE_COLUMNS: &str =
    "id, resolution_id, number, text, action, addressees, report_session, deadline, corrected";
const RESOLUTION_COLUMNS: &str =
    "id, symbol, session, title, adopted_on, recalls, previous_id, preamble";

impl Store {
    /// Creates or replaces a resolution with its mandates (a paragraph no longer in it is
    /// removed). The previous resolution it names must be stored.
    pub async fn save_resolution(&self, tx: &mut Tx, r: &Resolution) -> Result<()> {
        let sql = "INSERT INTO resolutions (id, symbol, session, title, adopted_on, recalls, previous_id, preamble, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                   ON CONFLICT (id) DO UPDATE SET symbol = excluded.symbol, session = excluded.session, title = excluded.title, \
                   adopted_on = excluded.adopted_on, recalls = excluded.recalls, previous_id = excluded.previous_id, \
                   preamble = excluded.preamble, updated_at = excluded.updated_at";
        on_tx!(tx, c => sqlx::query(sql)
            .bind(r.id.to_string())
            .bind(&r.symbol)
            .bind(i64::from(r.session))
            .bind(to_json(&r.title))
            .bind(r.adopted_on)
            .bind(to_json(&r.recalls))
            .bind(r.previous_id.map(|p| p.to_string()))
            .bind(to_json(&r.preamble))
            .bind(crate::db::now())
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let numbers: Vec<i64> = r.mandates.iter().map(|m| i64::from(m.number)).collect();
        let max = numbers.iter().copied().max().unwrap_or(0);
        on_tx!(tx, c => sqlx::query("DELETE FROM mandates WHERE resolution_id = $1 AND number > $2").bind(r.id.to_string()).bind(max).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for m in &r.mandates {
            self.save_mandate(tx, m).await?;
        }
        Ok(())
    }

    /// Creates or replaces one mandate (a coordinator's correction goes through here).
    pub async fn save_mandate(&self, tx: &mut Tx, m: &Mandate) -> Result<()> {
        let sql = format!(
            "INSERT INTO mandates ({MANDATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (id) DO UPDATE SET text = excluded.text, action = excluded.action, \
             addressees = excluded.addressees, report_session = excluded.report_session, \
             deadline = excluded.deadline, corrected = excluded.corrected"
        );
        let addressees: Vec<&str> = m.addressees.iter().map(|a| a.as_str()).collect();
        on_tx!(tx, c => sqlx::query(&sql)
            .bind(m.id.to_string())
            .bind(m.resolution_id.to_string())
            .bind(i64::from(m.number))
            .bind(to_json(&m.text))
            .bind(m.action.as_str())
            .bind(to_json(&addressees))
            .bind(m.report_session.map(i64::from))
            .bind(m.deadline)
            .bind(m.corrected)
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn resolution(&self, id: ResolutionId) -> Result<Resolution> {
        self.resolution_on(Db::Pool(self), id).await
    }

    /// The resolution, `None` when it is not stored, read inside a transaction.
    pub async fn resolution_in(&self, tx: &mut Tx, id: ResolutionId) -> Result<Option<Resolution>> {
        match self.resolution_on(Db::Tx(tx), id).await {
            Ok(r) => Ok(Some(r)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn resolution_on(&self, mut db: Db<'_>, id: ResolutionId) -> Result<Resolution> {
        let sql = format!("SELECT {RESOLUTION_COLUMNS} FROM resolutions WHERE id = $1");
        let row = on_db!(&mut db, c => sqlx::query_as::<_, ResolutionRow>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?
            .ok_or_else(|| StoreError::not_found("resolution", id))?;
        let sql = format!(
            "SELECT {MANDATE_COLUMNS} FROM mandates WHERE resolution_id = $1 ORDER BY number"
        );
        let mandates = on_db!(&mut db, c => sqlx::query_as::<_, MandateRow>(&sql).bind(id.to_string()).fetch_all(&mut *c).await)?;
        into_resolution(
            row,
            mandates
                .into_iter()
                .map(MandateRow::into_mandate)
                .collect::<Result<_>>()?,
        )
    }

    /// Every stored resolution with its mandates, the latest session first.
    pub async fn resolutions(&self) -> Result<Vec<Resolution>> {
        let sql =
            format!("SELECT {RESOLUTION_COLUMNS} FROM resolutions ORDER BY session DESC, symbol");
        let rows =
            on_pool!(self, p => sqlx::query_as::<_, ResolutionRow>(&sql).fetch_all(p).await)?;
        let sql = format!("SELECT {MANDATE_COLUMNS} FROM mandates ORDER BY number");
        let mut mandates: Vec<Mandate> =
            on_pool!(self, p => sqlx::query_as::<_, MandateRow>(&sql).fetch_all(p).await)?
                .into_iter()
                .map(MandateRow::into_mandate)
                .collect::<Result<_>>()?;
        rows.into_iter()
            .map(|row| {
                let id: ResolutionId = parse_id(&row.id)?;
                let (mine, rest): (Vec<Mandate>, Vec<Mandate>) =
                    mandates.drain(..).partition(|m| m.resolution_id == id);
                mandates = rest;
                into_resolution(row, mine)
            })
            .collect()
    }

    /// The stored resolutions among these symbols: (symbol, id, session).
    pub async fn resolutions_by_symbol(
        &self,
        tx: &mut Tx,
        symbols: &[String],
    ) -> Result<Vec<(String, ResolutionId, u16)>> {
        let mut out = Vec::new();
        for s in symbols {
            let row: Option<(String, i64)> = on_tx!(tx, c => sqlx::query_as("SELECT id, session FROM resolutions WHERE symbol = $1").bind(s).fetch_optional(&mut *c).await)?;
            if let Some((id, session)) = row {
                out.push((
                    s.clone(),
                    parse_id(&id)?,
                    u16::try_from(session).unwrap_or(0),
                ));
            }
        }
        Ok(out)
    }

    /// Stored resolutions that recall `symbol` and name no earlier resolution of their series
    /// yet (imported before the one they follow).
    pub async fn resolutions_recalling(
        &self,
        tx: &mut Tx,
        symbol: &str,
    ) -> Result<Vec<ResolutionId>> {
        let pattern = format!("%{}%", serde_json::to_string(symbol).expect("serialises"));
        let ids: Vec<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM resolutions WHERE previous_id IS NULL AND recalls LIKE $1").bind(&pattern).fetch_all(&mut *c).await)?;
        ids.iter().map(|i| parse_id(i)).collect()
    }

    /// Sets the resolution a stored one follows.
    pub async fn set_previous_resolution(
        &self,
        tx: &mut Tx,
        id: ResolutionId,
        previous: ResolutionId,
    ) -> Result<()> {
        on_tx!(tx, c => sqlx::query("UPDATE resolutions SET previous_id = $1 WHERE id = $2").bind(previous.to_string()).bind(id.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The programmes linked to each mandate of a resolution: (mandate, programme).
    pub async fn mandate_programmes(
        &self,
        resolution: ResolutionId,
    ) -> Result<Vec<(MandateId, ProgrammeId)>> {
        let rows: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT pm.mandate_id, pm.programme_id FROM programme_mandates pm \
             JOIN mandates m ON m.id = pm.mandate_id WHERE m.resolution_id = $1 ORDER BY m.number, pm.programme_id")
            .bind(resolution.to_string()).fetch_all(p).await)?;
        rows.iter()
            .map(|(m, p)| Ok((parse_id(m)?, parse_id(p)?)))
            .collect()
    }

    /// The money (in USD) of the programmes linked to each mandate of a resolution, and of all
    /// of them with each programme counted once however many paragraphs it serves (kept
    /// current by `mandate_figures.rs`).
    pub async fn mandate_money(
        &self,
        resolution: ResolutionId,
    ) -> Result<(Vec<(MandateId, Sums)>, Sums)> {
        let sums = MEASURES
            .iter()
            .map(|m| format!("f.{m}_usd"))
            .collect::<Vec<_>>()
            .join(", ");
        let per = format!(
            "SELECT f.mandate_id, {sums} FROM mandate_figures f JOIN mandates m ON m.id = f.mandate_id WHERE m.resolution_id = $1"
        );
        let rows = on_pool!(self, p => sqlx::query(&per).bind(resolution.to_string()).fetch_all(p).await.map(|rows| rows.iter().map(sums_row).collect::<Vec<_>>()))?;
        let per_mandate = rows
            .into_iter()
            .map(|(id, s)| Ok((parse_id(&id?)?, s?)))
            .collect::<Result<Vec<_>>>()?;
        let once = format!(
            "SELECT f.resolution_id, {sums} FROM resolution_figures f WHERE f.resolution_id = $1"
        );
        let total = on_pool!(self, p => sqlx::query(&once).bind(resolution.to_string()).fetch_optional(p).await.map(|row| row.map(|r| sums_row(&r))))?;
        Ok((
            per_mandate,
            match total {
                Some((_, sums)) => sums?,
                None => Sums::default(),
            },
        ))
    }

    /// The indicators serving each mandate of a resolution (through its programmes or linked
    /// directly, each once), counted by their status: (mandate, status, count).
    pub async fn mandate_indicator_counts(
        &self,
        resolution: ResolutionId,
    ) -> Result<Vec<(MandateId, String, i64)>> {
        let rows: Vec<(String, String, i64)> = on_pool!(self, p => sqlx::query_as(
            "SELECT s.mandate_id, s.status, s.n FROM mandate_status s JOIN mandates m ON m.id = s.mandate_id \
             WHERE m.resolution_id = $1")
            .bind(resolution.to_string()).fetch_all(p).await)?;
        rows.into_iter()
            .map(|(m, s, n)| Ok((parse_id(&m)?, s, n)))
            .collect()
    }

    /// The titles of the first `per_mandate` programmes (by IATI identifier) linked to each
    /// mandate of a resolution: (mandate, programme, title).
    pub async fn mandate_programme_titles(
        &self,
        resolution: ResolutionId,
        per_mandate: i64,
    ) -> Result<Vec<(MandateId, ProgrammeId, LocalText)>> {
        // Paragraph by paragraph: each reads its first links in identifier order and stops.
        let mandates: Vec<String> = on_pool!(self, p => sqlx::query_scalar(
            "SELECT id FROM mandates WHERE resolution_id = $1 ORDER BY number")
            .bind(resolution.to_string()).fetch_all(p).await)?;
        let mut rows: Vec<(String, String, String)> = Vec::new();
        for m in mandates {
            let found: Vec<(String, String, String)> = on_pool!(self, p => sqlx::query_as(
                "SELECT pm.mandate_id, p.id, p.title FROM programme_mandates pm JOIN programmes p ON p.id = pm.programme_id \
                 WHERE pm.mandate_id = $1 ORDER BY p.iati_identifier LIMIT $2")
                .bind(&m).bind(per_mandate).fetch_all(p).await)?;
            rows.extend(found);
        }
        rows.into_iter()
            .map(|(m, p, t)| Ok((parse_id(&m)?, parse_id(&p)?, json(&t)?)))
            .collect()
    }

    pub async fn mandate_in(&self, tx: &mut Tx, id: MandateId) -> Result<Mandate> {
        let sql = format!("SELECT {MANDATE_COLUMNS} FROM mandates WHERE id = $1");
        on_tx!(tx, c => sqlx::query_as::<_, MandateRow>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?
            .ok_or_else(|| StoreError::not_found("mandate", id))?
            .into_mandate()
    }
}

/// A row of (id, the eight sums in the roll-up's order).
fn sums_row<R: sqlx::Row>(row: &R) -> (Result<String>, Result<Sums>)
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    usize: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let id = row.try_get::<String, _>(0).map_err(StoreError::Db);
    let mut v = [0i64; 8];
    for (i, x) in v.iter_mut().enumerate() {
        match row.try_get::<i64, _>(i + 1) {
            Ok(n) => *x = n,
            Err(e) => return (id, Err(StoreError::Db(e))),
        }
    }
    let [required, pledged, committed, disbursed, spent, internal_committed, internal_disbursed, outgoing] =
        v;
    (
        id,
        Ok(Sums {
            required,
            pledged,
            committed,
            disbursed,
            spent,
            internal_committed,
            internal_disbursed,
            outgoing,
        }),
    )
}

fn into_resolution(row: ResolutionRow, mandates: Vec<Mandate>) -> Result<Resolution> {
    Ok(Resolution {
        id: parse_id(&row.id)?,
        symbol: row.symbol,
        session: u16::try_from(row.session).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        title: json(&row.title)?,
        adopted_on: row.adopted_on,
        recalls: json(&row.recalls)?,
        previous_id: row.previous_id.as_deref().map(parse_id).transpose()?,
        preamble: json(&row.preamble)?,
        mandates,
    })
}
