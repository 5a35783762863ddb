//! CSV imports of organisations, programmes, transactions and exchange rates.
//! The column layouts are documented in `docs/import-formats.md`.

use super::csv_table::{CsvTable, Row};
use super::{ImportReport, Problems, Progress, Source};
use crate::records::save_in;
use crate::AppError;
use rust_decimal::Decimal;
use semey_domain::currency::Currency;
use semey_domain::funding::Sums;
use semey_domain::funding::{AmountInput, Origin, TransactionInput};
use semey_domain::fx::FxRate;
use semey_domain::ids::{OrganisationId, ProgrammeId};
use semey_domain::organisation::{Contact, Organisation, OrganisationInput};
use semey_domain::place::KatoCode;
use semey_domain::programme::{
    OrgRole, Participant, ProgrammeDates, ProgrammeInput, ProgrammePlace, SectorInput,
};
use semey_domain::{Lang, LocalText};
use semey_store::{origin_of, Page, PlaceFilter, RollupKey, Store, TransactionWrite, WriteReport};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;
use time::Date;

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

fn local_text(row: &Row<'_>, prefix: &str) -> LocalText {
    let mut t = LocalText::new();
    for l in Lang::ALL {
        t.set(l, row.get(&format!("{prefix}_{}", l.code())));
    }
    t
}

fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty())
}

/// Resolves organisation references: IATI identifier, id, or exact name in any language.
struct OrgIndex {
    by_key: HashMap<String, OrganisationId>,
    origin: HashMap<OrganisationId, Origin>,
}

impl OrgIndex {
    async fn load(store: &Store) -> Result<Self, AppError> {
        let orgs = store.all_organisations().await?;
        let mut by_key = HashMap::new();
        let mut origin = HashMap::new();
        for o in orgs.values() {
            by_key.insert(o.id.to_string(), o.id);
            if let Some(i) = &o.iati_id {
                by_key.insert(i.to_lowercase(), o.id);
            }
            for l in Lang::ALL {
                if let Some(n) = o.name.get(l) {
                    by_key.entry(n.to_lowercase()).or_insert(o.id);
                }
            }
            origin.insert(o.id, origin_of(&o.country, o.org_type.code().into()));
        }
        Ok(Self { by_key, origin })
    }

    fn find(&self, key: &str) -> Option<OrganisationId> {
        self.by_key.get(&key.trim().to_lowercase()).copied()
    }
}

fn resolve_org(
    idx: &OrgIndex,
    p: &mut Problems,
    line: u64,
    field: &str,
    value: Option<&str>,
) -> Option<OrganisationId> {
    let v = value?;
    let found = idx.find(v);
    if found.is_none() {
        p.line(line, field, "unknown_organisation", format!("no organisation with IATI identifier, id or name {v:?}: import organisations first"));
    }
    found
}

/// `semey import organisations FILE.csv`.
pub async fn import_organisations(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let bytes = src.bytes;
    let table = CsvTable::parse(bytes, &["org_type", "country"])?;
    if !Lang::ALL
        .iter()
        .any(|l| table.has(&format!("name_{}", l.code())))
    {
        return Err(AppError::Import(vec![semey_domain::FieldError::new(
            "line 1: name_en",
            "missing_column",
            "a name column (name_en, name_ru, name_kk or name_zh) is required",
        )]));
    }
    let index = OrgIndex::load(store).await?;
    let mut problems = Problems::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut orgs: Vec<(OrganisationInput, Option<OrganisationId>)> = Vec::new();
    progress.start("checking organisations", table.len() as u64);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let name = local_text(&row, "name");
        let key = row
            .opt("iati_id")
            .map(str::to_owned)
            .or_else(|| name.best(Lang::En).map(str::to_owned))
            .unwrap_or_default()
            .to_lowercase();
        if let Some(first) = seen.insert(key.clone(), row.line) {
            problems.line(
                row.line,
                "",
                "duplicate_row",
                format!("this organisation ({key}) is already on line {first}"),
            );
            continue;
        }
        let org_type = match row.get("org_type").parse::<u16>() {
            Ok(t) => t,
            Err(_) => {
                problems.line(
                    row.line,
                    "org_type",
                    "invalid_org_type",
                    format!(
                        "{:?} is not an IATI OrganisationType code",
                        row.get("org_type")
                    ),
                );
                continue;
            }
        };
        let existing = row
            .opt("iati_id")
            .and_then(|i| index.find(i))
            .or_else(|| name.best(Lang::En).and_then(|n| index.find(n)));
        let contact = Contact {
            name: row.get("contact_name").to_owned(),
            role: row.get("contact_role").to_owned(),
            email: row.get("contact_email").to_owned(),
            phone: row.get("contact_phone").to_owned(),
        };
        let input = OrganisationInput {
            iati_id: row.opt("iati_id").map(str::to_owned),
            name,
            acronym: row.opt("acronym").map(str::to_owned),
            org_type,
            country: row.get("country").to_owned(),
            mechanism_role: row.opt("mechanism_role").map(str::to_owned),
            contacts: if contact == Contact::default() {
                Vec::new()
            } else {
                vec![contact]
            },
            website: row.opt("website").map(str::to_owned),
        };
        match input.clone().check(existing.unwrap_or_default()) {
            Ok(_) => orgs.push((input, existing)),
            Err(e) => problems.invalid(row.line, e),
        }
    }
    problems.into_result()?;
    let mut report = ImportReport {
        kind: "organisations".into(),
        rows: orgs.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    progress.start("saving organisations", orgs.len() as u64);
    let mut tx = store.begin().await?;
    for (i, (input, id)) in orgs.into_iter().enumerate() {
        // Organisation files are small: each record goes through the record path and gets
        // its own audit line, besides the file's.
        let saved = save_in::<Organisation>(store, &mut tx, &src.actor, id, input).await?;
        match &saved.before {
            None => report.inserted += 1,
            Some(b) if *b == saved.stored => report.unchanged += 1,
            Some(_) => report.updated += 1,
        }
        progress.set(i as u64 + 1);
    }
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}

/// `semey import programmes FILE.csv`.
pub async fn import_programmes(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let bytes = src.bytes;
    let table = CsvTable::parse(bytes, &["iati_identifier", "status", "areas"])?;
    let orgs = OrgIndex::load(store).await?;
    let existing = store.programme_ids_by_identifier().await?;
    let (places, _) = store
        .list_places(
            &PlaceFilter::default(),
            Page {
                limit: i64::MAX,
                offset: 0,
            },
        )
        .await?;
    let place_by_kato: HashMap<String, semey_domain::ids::PlaceId> = places
        .iter()
        .filter_map(|p| p.kato.as_ref().map(|k| (k.to_string(), p.id)))
        .collect();
    let place_ids: BTreeSet<String> = places.iter().map(|p| p.id.to_string()).collect();
    let mut problems = Problems::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    // Identifiers in this file get their ids first, so parents can be given in any order.
    let mut file_ids: HashMap<String, ProgrammeId> = HashMap::new();
    for row in table.rows().flatten() {
        let ident = row.get("iati_identifier").to_owned();
        let id = existing.get(&ident).copied().unwrap_or_default();
        file_ids.entry(ident).or_insert(id);
    }
    let mut programmes = Vec::new();
    progress.start("checking programmes", table.len() as u64);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        let ident = row.get("iati_identifier").to_owned();
        if let Some(first) = seen.insert(ident.clone(), line) {
            problems.line(
                line,
                "iati_identifier",
                "duplicate_row",
                format!("{ident} is already on line {first}"),
            );
            continue;
        }
        let mut date = |col: &str| match row.opt(col) {
            Some(s) => match parse_date(s) {
                Ok(d) => Some(d),
                Err(m) => {
                    problems.line(line, col, "invalid_date", m);
                    None
                }
            },
            None => None,
        };
        let dates = ProgrammeDates {
            planned_start: date("planned_start"),
            planned_end: date("planned_end"),
            actual_start: date("actual_start"),
            actual_end: date("actual_end"),
        };
        let mut sectors = Vec::new();
        for s in list(row.get("sectors")) {
            let (code, pct) = s.rsplit_once(':').unwrap_or((s, "100"));
            match Decimal::from_str(pct.trim()) {
                Ok(percentage) => sectors.push(SectorInput {
                    vocabulary: if code.trim().chars().all(|c| c.is_ascii_digit()) {
                        "dac5".into()
                    } else {
                        "custom".into()
                    },
                    code: code.trim().to_owned(),
                    percentage,
                }),
                Err(_) => problems.line(
                    line,
                    "sectors",
                    "invalid_percentage",
                    format!("{pct:?} in {s:?} is not a percentage"),
                ),
            }
        }
        let mut places_in = Vec::new();
        for s in list(row.get("places")) {
            let (key, pct) = match s.split_once(':') {
                Some((k, p)) => (k.trim(), Some(p.trim())),
                None => (s, None),
            };
            let id = if KatoCode::parse(key).is_ok() {
                place_by_kato.get(key).copied()
            } else {
                place_ids.get(key).and_then(|k| k.parse().ok())
            };
            let percentage = match pct.map(Decimal::from_str) {
                Some(Ok(d)) => semey_domain::programme::Percentage::parse(d)
                    .map(Some)
                    .unwrap_or_else(|e| {
                        problems.invalid(line, e);
                        None
                    }),
                Some(Err(_)) => {
                    problems.line(
                        line,
                        "places",
                        "invalid_percentage",
                        format!("{s:?}: the share is not a number"),
                    );
                    None
                }
                None => None,
            };
            match id {
                Some(place_id) => places_in.push(ProgrammePlace {
                    place_id,
                    percentage,
                }),
                None => problems.line(
                    line,
                    "places",
                    "unknown_place",
                    format!("no place with KATO code or id {key:?}: import places first"),
                ),
            }
        }
        let mut participants = Vec::new();
        for (col, role) in [
            ("funding_orgs", OrgRole::Funding),
            ("accountable_orgs", OrgRole::Accountable),
            ("extending_orgs", OrgRole::Extending),
            ("implementing_orgs", OrgRole::Implementing),
        ] {
            for o in list(row.get(col)) {
                if let Some(organisation_id) = resolve_org(&orgs, &mut problems, line, col, Some(o))
                {
                    participants.push(Participant {
                        organisation_id,
                        role,
                    });
                }
            }
        }
        let reporting_org_id = resolve_org(
            &orgs,
            &mut problems,
            line,
            "reporting_org",
            row.opt("reporting_org"),
        );
        let parent_id = match row.opt("parent") {
            Some(p) => {
                let found = file_ids
                    .get(p)
                    .copied()
                    .or_else(|| existing.get(p).copied());
                if found.is_none() {
                    problems.line(
                        line,
                        "parent",
                        "unknown_programme",
                        format!("no programme with identifier {p:?}"),
                    );
                }
                found
            }
            None => None,
        };
        let status = match row.get("status").parse::<u8>() {
            Ok(s) => s,
            Err(_) => {
                problems.line(
                    line,
                    "status",
                    "unknown_status",
                    format!(
                        "{:?} is not an IATI ActivityStatus code (1–6)",
                        row.get("status")
                    ),
                );
                continue;
            }
        };
        let input = ProgrammeInput {
            iati_identifier: ident.clone(),
            title: local_text(&row, "title"),
            description: local_text(&row, "description"),
            status,
            dates,
            areas: list(row.get("areas")).map(str::to_owned).collect(),
            sectors,
            sdg_targets: list(row.get("sdg_targets")).map(str::to_owned).collect(),
            places: places_in,
            target_groups: list(row.get("target_groups")).map(str::to_owned).collect(),
            participants,
            policy_markers: Vec::new(),
            parent_id,
            reporting_org_id,
        };
        match input.check(file_ids[&ident]) {
            Ok(p) => programmes.push((p, existing.contains_key(&ident))),
            Err(e) => problems.invalid(line, e),
        }
        progress.set(line);
    }
    problems.into_result()?;
    let mut report = ImportReport {
        kind: "programmes".into(),
        rows: programmes.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    // Parents first, so that every parent exists when its projects are saved.
    programmes.sort_by_key(|(p, _)| p.parent_id.is_some());
    progress.start("saving programmes", programmes.len() as u64);
    let mut tx = store.begin().await?;
    for (i, (p, exists)) in programmes.iter().enumerate() {
        if *exists {
            if store.programme_in(&mut tx, p.id).await? == *p {
                report.unchanged += 1;
                continue;
            }
            report.updated += 1;
        } else {
            report.inserted += 1;
        }
        store
            .save_programme(&mut tx, p)
            .await
            .map_err(|e| match e {
                semey_store::StoreError::Invalid(inv) => AppError::Import(
                    inv.errors
                        .into_iter()
                        .map(|fe| fe.under(&format!("programme {}", p.iati_identifier)))
                        .collect(),
                ),
                other => other.into(),
            })?;
        progress.set(i as u64 + 1);
    }
    // Programme files can be large: the file gets one audit line with its digest and counts.
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
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
    let programme_ids = store.programme_ids_by_identifier().await?;
    let programme_by_id: HashMap<String, ProgrammeId> = programme_ids
        .values()
        .map(|id| (id.to_string(), *id))
        .collect();
    let fx = store.fx_table().await?;
    let find_programme = |s: &str| {
        programme_ids
            .get(s)
            .or_else(|| programme_by_id.get(s))
            .copied()
    };
    let mut problems = Problems::default();
    let mut seen: HashMap<uuid::Uuid, u64> = HashMap::new();
    let mut batch: Vec<TransactionWrite> = Vec::with_capacity(BATCH);
    let mut touched: BTreeSet<ProgrammeId> = BTreeSet::new();
    // What the file adds to the funding roll-up, per programme, year and origin.
    let mut deltas: HashMap<RollupKey, (Sums, Sums)> = HashMap::new();
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
        while let Some(batch) = receiver.recv().await {
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
        let converted = match fx.convert(t.amount, t.currency, t.value_date) {
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
        let key = RollupKey {
            programme_id: t.programme_id,
            year: t.year(),
            origin,
        };
        let sums = deltas.entry(key).or_default();
        sums.0.add(t.measure(), t.is_internal(), converted.usd);
        sums.1.add(t.measure(), t.is_internal(), converted.kzt);
        batch.push(TransactionWrite {
            t,
            origin,
            converted,
        });
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
        let deltas: Vec<(RollupKey, Sums, Sums)> =
            deltas.into_iter().map(|(k, (u, z))| (k, u, z)).collect();
        store.add_to_rollups(&mut tx, &deltas).await?;
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
