//! `semey import transactions FILE.csv`, `requirements`, `contributions` (in kind) and
//! `exchange-rates` (layouts in `docs/import-formats.md`).

use crate::import::CsvTable;
use crate::import::{ImportReport, Problems, Progress, Source};
use crate::AppError;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use semey_domain::contribution::{Contribution, ContributionInput, InKind};
use semey_domain::currency::Currency;
use semey_domain::funding::Sums;
use semey_domain::funding::{AmountInput, Origin, Requirement, RequirementInput, TransactionInput};
use semey_domain::fx::FxRate;
use semey_domain::ids::ProgrammeId;
use semey_store::{RollupKey, Store, TransactionWrite, WriteReport};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use time::Date;

use crate::import::fields::parse_date;
use crate::organisations::import::{resolve_org, OrgIndex};

/// The platform's programmes by IATI identifier and by id, as a money file names them.
struct ProgrammeIndex {
    by_identifier: HashMap<String, ProgrammeId>,
    by_id: HashMap<String, ProgrammeId>,
}

impl ProgrammeIndex {
    async fn load(store: &Store) -> Result<Self, AppError> {
        let by_identifier = store.programme_ids_by_identifier().await?;
        let by_id = by_identifier
            .values()
            .map(|id| (id.to_string(), *id))
            .collect();
        Ok(Self {
            by_identifier,
            by_id,
        })
    }

    fn find(&self, key: &str) -> Option<ProgrammeId> {
        self.by_identifier
            .get(key)
            .or_else(|| self.by_id.get(key))
            .copied()
    }

    /// The programme a row's `programme` column names; a problem at `line` when there is none.
    fn require(&self, problems: &mut Problems, line: u64, key: &str) -> Option<ProgrammeId> {
        let found = self.find(key);
        if found.is_none() {
            problems.line(
                line,
                "programme",
                "unknown_programme",
                format!("no programme with identifier or id {key:?}: import programmes first"),
            );
        }
        found
    }
}

/// Rows written per batch inside the import's one database transaction.
const BATCH: usize = 5000;

/// `semey import transactions FILE.csv`: streams the file, converting each amount at the rate of
/// its value date, writing in batches inside one database transaction that is committed only
/// when every row is good.
pub async fn import_transactions(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let bytes = src.bytes;
    let table = CsvTable::parse(
        bytes,
        &[
            "programme",
            "type|transaction_type",
            "date",
            "amount",
            "currency",
        ],
    )?;
    let orgs = OrgIndex::load(store).await?;
    let programmes = ProgrammeIndex::load(store).await?;
    let fx = store.fx_table().await?;
    let find_programme = |s: &str| programmes.find(s);
    let mut problems = Problems::default();
    let mut seen: FxHashMap<uuid::Uuid, u64> = FxHashMap::default();
    let mut batch: Vec<TransactionWrite> = Vec::with_capacity(BATCH);
    let mut touched: BTreeSet<ProgrammeId> = BTreeSet::new();
    // What the file adds to the funding roll-up, per programme, year and origin.
    let mut deltas = RollupDeltas::default();
    let mut report = ImportReport {
        kind: "transactions".into(),
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    // Checking rows and writing them overlap: a writer task owns the database transaction and
    // writes the batches this loop sends it.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<TransactionWrite>>(4);
    let writer_store = store.clone();
    let writer = tokio::spawn(async move {
        let mut tx = writer_store.begin().await?;
        let mut written = WriteReport::default();
        while let Some(mut batch) = receiver.recv().await {
            // In the table's order (ids cluster by programme): fewer B-tree pages in and out.
            batch.sort_unstable_by_key(|w| w.t.id);
            let r = writer_store
                .insert_transaction_rows(&mut tx, &batch, &mut |_| {})
                .await?;
            written.inserted += r.inserted;
            written.already_present += r.already_present;
        }
        Ok::<_, semey_store::StoreError>((tx, written))
    });
    let total_bytes = table.len() as u64;
    let started = std::time::Instant::now();
    progress.start("importing transactions", total_bytes);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        report.rows += 1;
        let bytes_seen = row.byte;
        let Some(programme_id) = find_programme(row.get("programme")) else {
            problems.line(
                line,
                "programme",
                "unknown_programme",
                format!(
                    "no programme with identifier {:?}: import programmes first",
                    row.get("programme")
                ),
            );
            continue;
        };
        let mut programme_ref = |col: &str| match row.opt(col) {
            Some(v) => {
                let found = find_programme(v);
                if found.is_none() {
                    problems.line(
                        line,
                        col,
                        "unknown_programme",
                        format!("no programme with identifier {v:?}"),
                    );
                }
                found
            }
            None => None,
        };
        let provider_programme_id = programme_ref("provider_programme");
        let receiver_programme_id = programme_ref("receiver_programme");
        let mut date_of = |col: &str| match row.opt(col).map(parse_date) {
            Some(Ok(d)) => Some(d),
            Some(Err(m)) => {
                problems.line(line, col, "invalid_date", m);
                None
            }
            None => None,
        };
        let date = date_of("date");
        let value_date = date_of("value_date");
        let ttype = row.get("type|transaction_type").parse::<u8>().ok();
        let provider_org_id = resolve_org(
            &orgs,
            &mut problems,
            line,
            "provider_org",
            row.opt("provider_org"),
        );
        let receiver_org_id = resolve_org(
            &orgs,
            &mut problems,
            line,
            "receiver_org",
            row.opt("receiver_org"),
        );
        let (Some(date), Some(transaction_type)) = (date, ttype) else {
            if date.is_none() && row.opt("date").is_none() {
                problems.line(line, "date", "required", "the transaction date is missing");
            }
            if ttype.is_none() {
                problems.line(
                    line,
                    "type",
                    "unknown_transaction_type",
                    format!(
                        "{:?} is not an IATI TransactionType code (1–13)",
                        row.get("type|transaction_type")
                    ),
                );
            }
            continue;
        };
        let input = TransactionInput {
            programme_id,
            reference: row.opt("reference").map(str::to_owned),
            transaction_type,
            date,
            value_date,
            amount: AmountInput::Text(row.get("amount").to_owned()),
            currency: row.get("currency").to_owned(),
            provider_org_id,
            receiver_org_id,
            provider_programme_id,
            receiver_programme_id,
            description: row.get("description").to_owned(),
            terms: row.terms(),
        };
        let t = match input.check() {
            Ok(t) => t,
            Err(e) => {
                problems.invalid(line, e);
                continue;
            }
        };
        if let Some(first) = seen.insert(t.id.0, line) {
            problems.line(
                line,
                "",
                "duplicate_row",
                format!("this transaction repeats line {first}"),
            );
            continue;
        }
        let converted = match fx.convert(t.money, t.value_date) {
            Ok(c) => c,
            Err(e) => {
                problems.invalid(line, e);
                continue;
            }
        };
        let origin = t
            .provider_org_id
            .and_then(|o| orgs.origin.get(&o).copied())
            .unwrap_or(Origin::Unspecified);
        if !problems.is_empty() {
            // The file will be refused: keep checking to report every problem, write nothing more.
            continue;
        }
        touched.insert(t.programme_id);
        let write = TransactionWrite {
            t,
            origin,
            converted,
        };
        deltas.add(&write);
        batch.push(write);
        if batch.len() == BATCH {
            if sender
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .await
                .is_err()
            {
                // The writer stopped on a database error: it is reported below.
                break;
            }
            progress.set(bytes_seen.min(total_bytes));
        }
    }
    tracing::debug!(elapsed = ?started.elapsed(), "rows read and checked");
    if !problems.is_empty() {
        drop(sender);
        // The writer's transaction is dropped unfinished: nothing of the file is stored.
        let _ = writer.await;
        return problems.into_result().map(|_| report);
    }
    if !batch.is_empty() {
        let _ = sender.send(batch).await;
    }
    drop(sender);
    let (mut tx, written) = writer
        .await
        .map_err(|e| AppError::Io(std::io::Error::other(e)))??;
    report.inserted = written.inserted;
    report.unchanged = written.already_present;
    tracing::debug!(elapsed = ?started.elapsed(), "rows written");
    progress.start("updating funding totals", 0);
    if report.unchanged == 0 {
        // Every row is new: the roll-ups grow by exactly what was read.
        let rows = deltas.rows();
        tracing::debug!(elapsed = ?started.elapsed(), "deltas gathered");
        store.add_to_rollups(&mut tx, &rows).await?;
    } else if report.inserted > 0 {
        store.refresh_rollups(&mut tx, &touched).await?;
    }
    tracing::debug!(elapsed = ?started.elapsed(), "roll-ups updated");
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    tracing::debug!(elapsed = ?started.elapsed(), "committed");
    progress.finish();
    Ok(report)
}

/// What new transactions add to the roll-ups, by programme, year, origin, provider and currency
/// (in USD and KZT),
/// counted by the domain's rules: an import that inserted every row it read adds these
/// instead of recomputing the roll-up from the tables.
#[derive(Default)]
pub(crate) struct RollupDeltas(FxHashMap<RollupKey, (Sums, Sums)>);

impl RollupDeltas {
    pub(crate) fn add(&mut self, w: &TransactionWrite) {
        let key = RollupKey {
            programme_id: w.t.programme_id,
            year: w.t.year(),
            origin: w.origin,
            provider_org_id: w.t.provider_org_id,
            currency: w.t.money.currency,
        };
        let sums = self.0.entry(key).or_default();
        sums.0
            .add(w.t.measure(), w.t.is_internal(), w.converted.usd);
        sums.1
            .add(w.t.measure(), w.t.is_internal(), w.converted.kzt);
    }

    pub(crate) fn rows(self) -> Vec<(RollupKey, Sums, Sums)> {
        self.0.into_iter().map(|(k, (u, z))| (k, u, z)).collect()
    }
}

/// `semey import exchange-rates FILE.csv`: columns `currency,date,per_usd,source`.
pub async fn import_exchange_rates(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let bytes = src.bytes;
    let table = CsvTable::parse(bytes, &["currency", "date", "per_usd", "source"])?;
    let mut problems = Problems::default();
    let mut seen: HashMap<(Currency, Date), u64> = HashMap::new();
    let mut rates = Vec::new();
    progress.start("checking exchange rates", table.len() as u64);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        let currency = Currency::parse(row.get("currency"))
            .map_err(|e| problems.invalid(line, e))
            .ok();
        let date = parse_date(row.get("date"))
            .map_err(|m| problems.line(line, "date", "invalid_date", m))
            .ok();
        let per_usd = Decimal::from_str(row.get("per_usd"))
            .map_err(|_| {
                problems.line(
                    line,
                    "per_usd",
                    "invalid_rate",
                    format!("{:?} is not a number", row.get("per_usd")),
                )
            })
            .ok();
        if let (Some(c), Some(d), Some(r)) = (currency, date, per_usd) {
            if let Some(first) = seen.insert((c, d), line) {
                problems.line(
                    line,
                    "",
                    "duplicate_row",
                    format!("the rate of {c} on {d} is already on line {first}"),
                );
                continue;
            }
            match FxRate::check(c, d, r, row.get("source")) {
                Ok(rate) => rates.push(rate),
                Err(e) => problems.invalid(line, e),
            }
        }
    }
    problems.into_result()?;
    let rows = rates.len() as u64;
    // Rate files are small: each rate is audited on its own, besides the file.
    let mut tx = store.begin().await?;
    let r = crate::funding::save_rates(store, &mut tx, &src.actor, rates).await?;
    let mut report = ImportReport {
        kind: "exchange rates".into(),
        rows,
        inserted: r.inserted,
        updated: r.updated,
        unchanged: r.unchanged,
        notes: Vec::new(),
    };
    report.notes.extend(table.encoding_note.clone());
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}

/// `semey import requirements FILE.csv`: columns `programme,period_start,period_end,amount,
/// currency[,description]`. Requirement files are small (a programme's needs per year), so each
/// row goes through the record path and is audited on its own, besides the file.
pub async fn import_requirements(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let table = CsvTable::parse(
        src.bytes,
        &[
            "programme",
            "period_start",
            "period_end",
            "amount",
            "currency",
        ],
    )?;
    let programmes = ProgrammeIndex::load(store).await?;
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    progress.start("checking requirements", table.len() as u64);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        let programme = programmes.require(&mut problems, line, row.get("programme"));
        let mut date = |col: &str| {
            parse_date(row.get(col))
                .map_err(|m| problems.line(line, col, "invalid_date", m))
                .ok()
        };
        let (start, end) = (date("period_start"), date("period_end"));
        if let (Some(programme_id), Some(period_start), Some(period_end)) = (programme, start, end)
        {
            let input = RequirementInput {
                programme_id,
                period_start,
                period_end,
                amount: AmountInput::Text(row.get("amount").to_owned()),
                currency: row.get("currency").to_owned(),
                description: row.get("description").to_owned(),
            };
            match input.clone().check() {
                Ok(_) => rows.push((line, input)),
                Err(e) => problems.invalid(line, e),
            }
        }
    }
    // The rows that could be read go on to the record path even when others could not, so the
    // file's every problem (those only the database can see too) is listed at once; the
    // transaction is then dropped and nothing is stored.
    let mut report = ImportReport {
        kind: "requirements".into(),
        rows: rows.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    let rows = rows
        .into_iter()
        .map(|(line, input)| (format!("line {line}"), None, input))
        .collect();
    crate::import::records::save_rows::<Requirement>(store, src, report, rows, problems, progress)
        .await
}

/// `semey import contributions FILE.csv`: in-kind contributions, columns `programme,category,
/// provider_org,date,description,quantity,unit,value,currency[,reference]`. Like requirements,
/// each row goes through the record path and is audited on its own, besides the file.
pub async fn import_contributions(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let table = CsvTable::parse(
        src.bytes,
        &[
            "programme",
            "category",
            "provider_org",
            "date",
            "description",
            "quantity",
            "unit",
            "value",
            "currency",
        ],
    )?;
    let orgs = OrgIndex::load(store).await?;
    let programmes = ProgrammeIndex::load(store).await?;
    let mut problems = Problems::default();
    let mut rows = Vec::new();
    progress.start("checking contributions", table.len() as u64);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        let programme = programmes.require(&mut problems, line, row.get("programme"));
        let provider = resolve_org(
            &orgs,
            &mut problems,
            line,
            "provider_org",
            row.opt("provider_org"),
        );
        if provider.is_none() && row.opt("provider_org").is_none() {
            problems.line(
                line,
                "provider_org",
                "required",
                "say who gave it: an organisation's IATI identifier or name",
            );
        }
        let category = InKind::parse(row.get("category"))
            .map_err(|e| problems.invalid(line, e))
            .ok();
        let date = parse_date(row.get("date"))
            .map_err(|m| problems.line(line, "date", "invalid_date", m))
            .ok();
        if let (Some(programme_id), Some(provider_org_id), Some(category), Some(date)) =
            (programme, provider, category, date)
        {
            let input = ContributionInput {
                programme_id,
                reference: row.opt("reference").map(str::to_owned),
                category,
                provider_org_id,
                date,
                description: row.get("description").to_owned(),
                quantity: AmountInput::Text(row.get("quantity").to_owned()),
                unit: row.get("unit").to_owned(),
                value: AmountInput::Text(row.get("value").to_owned()),
                currency: row.get("currency").to_owned(),
            };
            match input.clone().check() {
                Ok(_) => rows.push((line, input)),
                Err(e) => problems.invalid(line, e),
            }
        }
    }
    let mut report = ImportReport {
        kind: "contributions".into(),
        rows: rows.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    let rows = rows
        .into_iter()
        .map(|(line, input)| (format!("line {line}"), None, input))
        .collect();
    crate::import::records::save_rows::<Contribution>(store, src, report, rows, problems, progress)
        .await
}
