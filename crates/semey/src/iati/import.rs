//! `semey import iati FILE`: IATI 2.01–2.03 activity files published by others (or by Semey).
//!
//! The file is read as a stream, one activity at a time ([`super::xml`]), and written inside one
//! database transaction that is committed only when the whole file is good: every problem is
//! listed with its line and an XPath-like location, and then nothing is stored.
//!
//! - **Activities** become programmes, matched by `iati-identifier`: importing the same file
//!   twice changes nothing; an activity already held is replaced by the file's version, with
//!   its budgets, transactions and results.
//! - **Organisations** (reporting, participating, providers and receivers) are matched by their
//!   IATI identifier, then by name, and created where missing. `XX-SEMEY-{id}` is the reference
//!   Semey's own export gives an organisation without an identifier: it is read back as that
//!   organisation.
//! - **Locations** are placed on the platform's places by their reference (`KATO-{code}` or
//!   `SEMEY-PLACE-{id}`, as Semey exports them), by name, or by the nearest settlement within
//!   10 km of their point; those that cannot be placed are reported in the import's notes.
//! - **Sectors**: DAC 5-digit codes (vocabulary 1) and the reporter's own (99) are kept; the
//!   platform's thematic areas travel as vocabulary 98 with Semey's vocabulary address; an
//!   activity from elsewhere gets its areas from its DAC codes.
//! - **Money** is converted at the exchange rates stored for each value date; a missing rate is
//!   an error that names it.

use super::xml::{problem, unknown_code, Activities, Node};
use super::IN_KIND_NAMESPACE;
use crate::accounts::Actor;
use crate::import::{ImportReport, Problems, Progress};
use crate::AppError;
use semey_domain::contribution::{CheckedContribution, ContributionInput, InKind};
use semey_domain::currency::Currency;
use semey_domain::funding::{AmountInput, Origin, RequirementInput, TransactionInput};
use semey_domain::fx::FxTable;
use semey_domain::ids::{IndicatorId, OrganisationId, PlaceId, ProgrammeId, ResultId};
use semey_domain::organisation::{Organisation, OrganisationInput};
use semey_domain::place::Place;
use semey_domain::programme::{
    OrgRole, Participant, PolicyMarker, ProgrammeDates, ProgrammeInput, ProgrammePlace,
    SectorInput, ThematicArea,
};
use semey_domain::results::{
    Baseline, Figure, Indicator, IndicatorMeasure, Period, ProgrammeResult, ResultInput,
    ResultType, Split,
};
use semey_domain::terms::{FinanceTerms, Term};
use semey_domain::{Lang, LocalText};
use semey_store::{Page, PlaceFilter, Store, TransactionWrite, Tx};
use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;
use std::str::FromStr;

/// The address of Semey's vocabulary of thematic areas (sector vocabulary 98 in IATI files).
pub const AREAS_VOCABULARY_URI: &str = "https://semey.kz/vocabularies/thematic-areas";

/// The address of Semey's own sector codes (vocabulary 99 in the files Semey publishes).
pub const SECTORS_VOCABULARY_URI: &str = "https://semey.kz/vocabularies/sectors";

/// Transactions written per statement batch.
const BATCH: usize = 5000;
/// Above this many programmes to recompute, the roll-up is recomputed whole.
const MAX_REFRESHED: usize = 2000;
/// New programmes written in one go.
const PROGRAMMES_PER_WRITE: usize = 250;

/// The split dimensions Semey keeps (others in a file are noted and left out).
const DIMENSIONS: [&str; 4] = ["sex", "age_group", "target_group", "place"];

/// Imports an IATI activity file read from `reader`, named `file` (for the audit line, with
/// the SHA-256 of what was read), run by `actor`.
pub async fn import_activities(
    store: &Store,
    reader: impl BufRead + Send + 'static,
    file: &str,
    actor: &Actor,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    actor.principal.may_coordinate()?;
    let hashing = Hashing::new(reader);
    let digest = hashing.digest.clone();
    let stream = super::xml::utf8_stream(hashing).map_err(AppError::Io)?;
    let activities = Activities::open(stream).map_err(|e| AppError::Import(vec![e]))?;
    let mut cx = Context::load(store).await?;
    cx.default_lang = activities
        .lang
        .as_deref()
        .and_then(|l| Lang::from_str(l).ok())
        .unwrap_or(Lang::En);
    // The XML is read on a thread of its own while this task checks and writes what it read.
    let (reading, mut read_activities) = read_apart(activities);
    let mut report = ImportReport {
        kind: "iati activities".into(),
        ..Default::default()
    };
    let mut problems = Problems::default();
    let mut tx = store.begin().await?;
    // A file of a million transactions touches many pages once: a smaller page cache.
    store.bulk_load_cache(&mut tx, true).await?;
    let mut touched: BTreeSet<ProgrammeId> = BTreeSet::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut batch: Vec<TransactionWrite> = Vec::new();
    let mut reassess: Vec<IndicatorId> = Vec::new();
    let mut pending = Pending::default();
    let tx = tx;
    // What new programmes' transactions add to the roll-up; programmes whose roll-up is
    // recomputed from the tables instead; transaction rows found stored already.
    let mut deltas = crate::funding::import::RollupDeltas::default();
    let mut refresh: BTreeSet<ProgrammeId> = BTreeSet::new();
    let mut skipped = 0u64;
    progress.start("importing activities", 0);
    // The transaction goes to a writer task: new programmes and transaction rows are written
    // there while the next activities are checked here.
    let mut writer = Writer::start(store.clone(), tx);
    loop {
        let (node, count) = match read_activities.recv().await {
            Some(Ok(Some(n))) => n,
            Some(Ok(None)) => break,
            Some(Err(e)) => {
                problems.push(e);
                break;
            }
            None => break,
        };
        let at = format!("/iati-activities/iati-activity[{count}]");
        report.rows += 1;
        let before = problems.count();
        // An activity of a programme held before the import is compared with it and replaced
        // here, on the transaction lent back by the writer once it wrote what came before.
        let held_id = node
            .child("iati-identifier")
            .and_then(Node::value)
            .and_then(|i| cx.programmes.get(i).copied())
            .filter(|p| !cx.new_in_file.contains(p));
        let mut lent = match held_id {
            Some(_) => {
                if !pending.programmes.is_empty() {
                    writer
                        .send(Job::Programmes(std::mem::take(&mut pending)))
                        .await?;
                }
                Some(writer.lend().await?)
            }
            None => None,
        };
        let held = match (held_id, lent.as_mut()) {
            (Some(id), Some(l)) => Some(store.programme_in(l.tx(), id).await?),
            _ => None,
        };
        let read = cx
            .activity(store, held, &node, &at, &mut problems, &mut report)
            .await?;
        let orgs = std::mem::take(&mut cx.new_orgs);
        if !orgs.is_empty() {
            match lent.as_mut() {
                Some(l) => {
                    for o in &orgs {
                        store.save_organisation(l.tx(), o).await?;
                    }
                }
                None => writer.send(Job::Organisations(orgs)).await?,
            }
        }
        let Some(mut read) = read else {
            continue;
        };
        if let Some(first) = seen.insert(read.programme.iati_identifier.clone(), node.line) {
            problems.push(problem(
                node.line,
                &format!("{at}/iati-identifier"),
                "duplicate_activity",
                format!(
                    "{} is also the activity on line {first}",
                    read.programme.iati_identifier
                ),
            ));
            continue;
        }
        if problems.count() > before || !problems.is_empty() {
            // The file will be refused: keep reading to list every problem, write nothing more.
            continue;
        }
        let id = read.programme.id;
        let Some(lent) = lent.as_mut() else {
            // New programmes are written a few hundred at a time, with what hangs on them.
            report.inserted += 1;
            cx.programmes
                .insert(read.programme.iati_identifier.clone(), id);
            cx.new_in_file.insert(id);
            touched.insert(id);
            if read.budgets.is_empty() {
                read.transactions.iter().for_each(|w| deltas.add(w));
            } else {
                // Budgets count in the roll-up too: the programme's is computed from its rows.
                refresh.insert(id);
            }
            batch.extend(std::mem::take(&mut read.transactions));
            pending.push(read, node.line);
            if pending.programmes.len() >= PROGRAMMES_PER_WRITE || batch.len() >= BATCH {
                writer
                    .send(Job::Programmes(std::mem::take(&mut pending)))
                    .await?;
            }
            if batch.len() >= BATCH {
                writer
                    .send(Job::Transactions(std::mem::take(&mut batch)))
                    .await?;
            }
            progress.set(report.rows);
            continue;
        };
        let tx = lent.tx();
        if cx.unchanged(store, tx, &read).await? {
            report.unchanged += 1;
            continue;
        }
        report.updated += 1;
        refresh.insert(id);
        store.clear_programme_money(tx, id).await?;
        let keep: Vec<ResultId> = read.results.iter().map(|(r, _)| r.id).collect();
        store.delete_results_of(tx, id, &keep).await?;
        store
            .save_programme(tx, &read.programme)
            .await
            .map_err(|e| store_problem(e, node.line, &at))?;
        touched.insert(id);
        batch.extend(std::mem::take(&mut read.transactions));
        let mut lists = Pending::default();
        lists.push_lists(read);
        lists.write_lists(store, tx, &mut reassess).await?;
        progress.set(report.rows);
    }
    drop(read_activities);
    if reading.join().is_err() {
        return Err(AppError::Io(std::io::Error::other(
            "the IATI reader stopped",
        )));
    }
    writer.send(Job::Programmes(pending)).await?;
    let written = writer.finish().await?;
    let mut tx = written.tx;
    reassess.extend(written.reassess);
    skipped += written.skipped;
    // Flows from activities that came later in the file.
    for d in std::mem::take(&mut cx.deferred) {
        let mut input = d.input;
        input.provider_programme_id = cx.programmes.get(&d.from).copied();
        if input.provider_programme_id.is_none() {
            cx.notes.push(format!(
                "line {}: {}: the provider activity {} is not on the platform; the money is counted as coming from outside",
                d.line, d.at, d.from
            ));
        }
        let checked = match input.check() {
            Ok(c) => c,
            Err(inv) => {
                cx.invalid(&mut problems, d.line, &d.at, inv);
                continue;
            }
        };
        match cx.fx.convert(checked.money, checked.value_date) {
            Ok(converted) => {
                let origin = checked
                    .provider_org_id
                    .and_then(|o| cx.orgs.get(&o))
                    .map_or(Origin::Unspecified, Organisation::origin);
                touched.insert(checked.programme_id);
                let write = TransactionWrite {
                    t: checked,
                    origin,
                    converted,
                };
                if refresh.contains(&write.t.programme_id)
                    || !cx.new_in_file.contains(&write.t.programme_id)
                {
                    refresh.insert(write.t.programme_id);
                } else {
                    deltas.add(&write);
                }
                batch.push(write);
            }
            Err(inv) => cx.invalid(&mut problems, d.line, &d.at, inv),
        }
    }
    problems.into_result()?;
    // Parents that came later in the file.
    for (child, parent, line) in std::mem::take(&mut cx.pending_parents) {
        match cx.programmes.get(&parent) {
            Some(p) => {
                let mut programme = store.programme_in(&mut tx, child).await?;
                programme.parent_id = Some(*p);
                store
                    .save_programme(&mut tx, &programme)
                    .await
                    .map_err(|e| store_problem(e, line, "/iati-activities/iati-activity/related-activity"))?;
            }
            None => cx.notes.push(format!(
                "line {line}: the parent activity {parent} is not on the platform; the programme has no parent"
            )),
        }
    }
    if !batch.is_empty() {
        skipped += store
            .insert_transaction_rows(&mut tx, &batch, &mut |_| {})
            .await?
            .already_present;
    }
    progress.start("updating funding totals", 0);
    if skipped > 0 || refresh.len() > MAX_REFRESHED {
        // Rows the deltas counted may not all be stored, or most programmes are recomputed
        // anyway: one pass over the tables.
        store.refresh_rollups(&mut tx, &touched).await?;
    } else {
        // New programmes' money adds to the roll-up as read; the others are recomputed.
        store.refresh_rollups(&mut tx, &refresh).await?;
        store.add_to_rollups(&mut tx, &deltas.rows()).await?;
    }
    let today = crate::results::today();
    for id in &reassess {
        crate::results::reassess_in(store, &mut tx, *id, today).await?;
    }
    store.refresh_shared_totals(&mut tx, &reassess).await?;
    report.notes.append(&mut cx.notes);
    let sha = digest
        .lock()
        .map(|h| h.clone().finish())
        .unwrap_or_default();
    crate::import::audit_file(store, &mut tx, actor, file, &sha, &report).await?;
    store.bulk_load_cache(&mut tx, false).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}

/// What the reading thread hands over: an activity with its position in the file, the end
/// (`None`), or the problem that stopped the reading.
type ReadActivity = Result<Option<(Node, u64)>, semey_domain::FieldError>;

/// Reads the activities on a thread of its own, a few dozen ahead of their writing (parsing
/// is about half the work of an import, and the writer waits on the database the other half).
/// The thread stops after the last activity or the first problem, or when the receiver is
/// dropped.
fn read_apart<R: BufRead + Send + 'static>(
    mut activities: Activities<R>,
) -> (
    std::thread::JoinHandle<()>,
    tokio::sync::mpsc::Receiver<ReadActivity>,
) {
    let (send, receive) = tokio::sync::mpsc::channel::<ReadActivity>(64);
    let thread = std::thread::spawn(move || loop {
        let next = activities
            .next_activity()
            .map(|n| n.map(|n| (n, activities.count)));
        let last = !matches!(next, Ok(Some(_)));
        if send.blocking_send(next).is_err() || last {
            return;
        }
    });
    (thread, receive)
}

/// What the writer task does, in the order asked.
enum Job {
    Organisations(Vec<Organisation>),
    Programmes(Pending),
    Transactions(Vec<TransactionWrite>),
    /// Hands the transaction over until the [`Lent`] is dropped.
    Lend(tokio::sync::oneshot::Sender<Lent>),
}

/// The import's transaction, owned by a task of its own while the activities are read: the
/// heavy writes (new programmes, a million transaction rows) run there while this side
/// checks the next activities. Jobs run in the order sent; the first error stops the task and
/// is what [`Writer::finish`] (or the next send) returns.
struct Writer {
    jobs: tokio::sync::mpsc::Sender<Job>,
    task: tokio::task::JoinHandle<Result<Written, AppError>>,
}

/// What the writer hands back at the end.
struct Written {
    tx: Tx,
    reassess: Vec<IndicatorId>,
    /// Transaction rows found stored already.
    skipped: u64,
}

/// The transaction lent by the writer: it goes back when this is dropped.
struct Lent {
    tx: Option<Tx>,
    back: Option<tokio::sync::oneshot::Sender<Tx>>,
}

impl Lent {
    fn tx(&mut self) -> &mut Tx {
        self.tx.as_mut().expect("held until dropped")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let (Some(tx), Some(back)) = (self.tx.take(), self.back.take()) {
            let _ = back.send(tx);
        }
    }
}

impl Writer {
    fn start(store: Store, mut tx: Tx) -> Self {
        // Two jobs ahead at most: memory stays bounded whatever the file's size.
        let (jobs, mut receive) = tokio::sync::mpsc::channel::<Job>(2);
        let task = tokio::spawn(async move {
            let mut reassess = Vec::new();
            let mut skipped = 0;
            while let Some(job) = receive.recv().await {
                match job {
                    Job::Organisations(orgs) => {
                        for o in &orgs {
                            store.save_organisation(&mut tx, o).await?;
                        }
                    }
                    Job::Programmes(mut p) => p.write(&store, &mut tx, &mut reassess).await?,
                    Job::Transactions(rows) => {
                        skipped += store
                            .insert_transaction_rows(&mut tx, &rows, &mut |_| {})
                            .await?
                            .already_present;
                    }
                    Job::Lend(to) => {
                        let (back, returned) = tokio::sync::oneshot::channel();
                        let lent = Lent {
                            tx: Some(tx),
                            back: Some(back),
                        };
                        if to.send(lent).is_err() {
                            return Err(stopped());
                        }
                        tx = returned.await.map_err(|_| stopped())?;
                    }
                }
            }
            Ok(Written {
                tx,
                reassess,
                skipped,
            })
        });
        Self { jobs, task }
    }

    async fn send(&mut self, job: Job) -> Result<(), AppError> {
        if self.jobs.send(job).await.is_err() {
            return Err(self.failure().await);
        }
        Ok(())
    }

    /// The transaction, once everything sent before is written.
    async fn lend(&mut self) -> Result<Lent, AppError> {
        let (to, lent) = tokio::sync::oneshot::channel();
        self.send(Job::Lend(to)).await?;
        match lent.await {
            Ok(l) => Ok(l),
            Err(_) => Err(self.failure().await),
        }
    }

    /// Why the task stopped early.
    async fn failure(&mut self) -> AppError {
        match (&mut self.task).await {
            Ok(Err(e)) => e,
            Ok(Ok(_)) => stopped(),
            Err(e) => AppError::Io(std::io::Error::other(e)),
        }
    }

    async fn finish(self) -> Result<Written, AppError> {
        drop(self.jobs);
        self.task
            .await
            .map_err(|e| AppError::Io(std::io::Error::other(e)))?
    }
}

/// The writer task stopped: its own error is what the import reports.
fn stopped() -> AppError {
    AppError::Io(std::io::Error::other("the import's writer stopped"))
}

/// New programmes read and not written yet, with their budgets, contributions and results:
/// written together, a few statements for hundreds of activities.
#[derive(Default)]
struct Pending {
    programmes: Vec<semey_domain::programme::Programme>,
    /// The line of each programme's activity.
    lines: Vec<u64>,
    budgets: Vec<(
        semey_domain::funding::CheckedRequirement,
        semey_domain::fx::Converted,
    )>,
    contributions: Vec<(CheckedContribution, semey_domain::fx::Converted)>,
    results: Vec<(ProgrammeResult, Vec<Period>)>,
}

impl Pending {
    /// A new programme and what hangs on it.
    fn push(&mut self, read: Read, line: u64) {
        let Read {
            programme,
            budgets,
            transactions: _,
            contributions,
            results,
        } = read;
        self.programmes.push(programme);
        self.lines.push(line);
        self.budgets.extend(budgets);
        self.contributions.extend(contributions);
        self.results.extend(results);
    }

    /// The budgets, contributions and results of a programme (its transactions go apart).
    fn push_lists(&mut self, read: Read) {
        self.budgets.extend(read.budgets);
        self.contributions.extend(read.contributions);
        self.results.extend(read.results);
    }

    /// Writes the new programmes, then what hangs on them.
    async fn write(
        &mut self,
        store: &Store,
        tx: &mut Tx,
        reassess: &mut Vec<IndicatorId>,
    ) -> Result<(), AppError> {
        if !self.programmes.is_empty() {
            store
                .insert_new_programmes(tx, &self.programmes)
                .await
                .map_err(|e| store_problem(e, self.lines[0], "/iati-activities/iati-activity"))?;
        }
        self.write_lists(store, tx, reassess).await
    }

    /// Writes the budgets, contributions and results of programmes that are written already.
    async fn write_lists(
        &mut self,
        store: &Store,
        tx: &mut Tx,
        reassess: &mut Vec<IndicatorId>,
    ) -> Result<(), AppError> {
        store.insert_requirements(tx, &self.budgets).await?;
        store.insert_contributions(tx, &self.contributions).await?;
        for (result, periods) in &self.results {
            store.save_result(tx, result).await?;
            let rows: Vec<(&Period, bool)> = periods.iter().map(|p| (p, false)).collect();
            store.replace_periods(tx, &rows).await?;
            reassess.extend(result.indicators.iter().filter_map(|i| i.id));
        }
        *self = Self::default();
        Ok(())
    }
}

/// A store refusal placed at the activity it concerns.
fn store_problem(e: semey_store::StoreError, line: u64, at: &str) -> AppError {
    match e {
        semey_store::StoreError::Invalid(inv) => AppError::Import(
            inv.errors
                .into_iter()
                .map(|fe| {
                    let field = fe.field.clone();
                    problem(line, &format!("{at} ({field})"), &fe.code, fe.message)
                })
                .collect(),
        ),
        other => other.into(),
    }
}

/// SHA-256 of the bytes read through it.
struct Hashing<R> {
    inner: R,
    digest: std::sync::Arc<std::sync::Mutex<Sha>>,
}

#[derive(Clone, Default)]
struct Sha(sha2::Sha256);

impl Sha {
    fn finish(self) -> String {
        use sha2::Digest;
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl<R> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            digest: Default::default(),
        }
    }
}

impl<R: BufRead> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut d) = self.digest.lock() {
            sha2::Digest::update(&mut d.0, &buf[..n]);
        }
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Hashing<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            if let Ok(mut d) = self.digest.lock() {
                sha2::Digest::update(&mut d.0, &buf[..amt.min(buf.len())]);
            }
        }
        self.inner.consume(amt);
    }
}

/// One activity as the platform will store it.
struct Read {
    programme: semey_domain::programme::Programme,
    budgets: Vec<(
        semey_domain::funding::CheckedRequirement,
        semey_domain::fx::Converted,
    )>,
    transactions: Vec<TransactionWrite>,
    /// Transactions marked with Semey's in-kind extension.
    contributions: Vec<(CheckedContribution, semey_domain::fx::Converted)>,
    results: Vec<(ProgrammeResult, Vec<Period>)>,
}

/// Semey's in-kind extension element of a transaction, if it carries one: an element named
/// `in-kind` in [`IN_KIND_NAMESPACE`], declared on the element itself.
fn in_kind_mark(t: &Node) -> Option<&Node> {
    t.children.iter().find(|c| match c.name.split_once(':') {
        Some((prefix, "in-kind")) => c.attr(&format!("xmlns:{prefix}")) == Some(IN_KIND_NAMESPACE),
        _ => false,
    })
}

/// What the import looks things up in, and the organisations it created.
struct Context {
    programmes: HashMap<String, ProgrammeId>,
    orgs: HashMap<OrganisationId, Organisation>,
    by_ref: HashMap<String, OrganisationId>,
    by_name: HashMap<String, OrganisationId>,
    places: Vec<Place>,
    fx: FxTable,
    default_lang: Lang,
    notes: Vec<String>,
    /// Flows from activities further on in the file, waiting for them.
    deferred: Vec<Deferred>,
    /// Programmes whose parent activity comes further on: (programme, parent's identifier,
    /// line).
    pending_parents: Vec<(ProgrammeId, String, u64)>,
    /// Organisations created for the activity just read, for the writer to store before it.
    new_orgs: Vec<Organisation>,
    /// Programmes this file created (an activity repeated in it is refused, not compared).
    new_in_file: std::collections::HashSet<ProgrammeId>,
}

/// A transaction whose provider activity was not read yet.
struct Deferred {
    from: String,
    input: TransactionInput,
    line: u64,
    at: String,
}

impl Context {
    async fn load(store: &Store) -> Result<Self, AppError> {
        let orgs = store.all_organisations().await?;
        let mut by_ref = HashMap::new();
        let mut by_name = HashMap::new();
        for o in orgs.values() {
            if let Some(r) = &o.iati_id {
                by_ref.insert(r.to_lowercase(), o.id);
            }
            by_ref.insert(format!("xx-semey-{}", o.id), o.id);
            for l in Lang::ALL {
                if let Some(n) = o.name.get(l) {
                    by_name.entry(n.trim().to_lowercase()).or_insert(o.id);
                }
            }
        }
        let (places, _) = store
            .list_places(
                &PlaceFilter::default(),
                Page {
                    limit: i64::MAX,
                    offset: 0,
                },
            )
            .await?;
        Ok(Self {
            programmes: store.programme_ids_by_identifier().await?,
            orgs,
            by_ref,
            by_name,
            places,
            fx: store.fx_table().await?,
            default_lang: Lang::En,
            notes: Vec::new(),
            deferred: Vec::new(),
            pending_parents: Vec::new(),
            new_in_file: Default::default(),
            new_orgs: Vec::new(),
        })
    }

    /// The narratives of `node` as text in the platform's languages (others are left out).
    fn text(&self, node: Option<&Node>) -> LocalText {
        let mut t = LocalText::new();
        let Some(node) = node else { return t };
        for n in node.all("narrative") {
            let lang = match n.attr("xml:lang") {
                Some(l) => match Lang::from_str(&l.to_lowercase()) {
                    Ok(l) => l,
                    Err(_) => continue,
                },
                None => self.default_lang,
            };
            if let Some(v) = n.value() {
                if t.get(lang).is_none() {
                    t.set(lang, v);
                }
            }
        }
        if t.is_empty() {
            // IATI 1.x style: the text in the element itself.
            if let Some(v) = node.value() {
                t.set(self.default_lang, v);
            }
        }
        t
    }

    /// The organisation an element names: by IATI identifier, then by name; created when new.
    fn organisation(
        &mut self,
        node: &Node,
        at: &str,
        problems: &mut Problems,
    ) -> Result<Option<OrganisationId>, AppError> {
        let reference = node.attr("ref").map(str::to_owned);
        let name = self.text(Some(node));
        if let Some(r) = &reference {
            if let Some(id) = self.by_ref.get(&r.to_lowercase()) {
                return Ok(Some(*id));
            }
        } else if let Some(id) = Lang::ALL
            .iter()
            .filter_map(|l| name.get(*l))
            .find_map(|n| self.by_name.get(&n.trim().to_lowercase()))
        {
            return Ok(Some(*id));
        }
        if reference.is_none() && name.is_empty() {
            problems.push(problem(
                node.line,
                at,
                "organisation_unnamed",
                "the activity names an organisation with no identifier and no name",
            ));
            return Ok(None);
        }
        // Semey's own reference for an organisation without an identifier keeps its id.
        let own = reference
            .as_deref()
            .and_then(|r| r.strip_prefix("XX-SEMEY-"))
            .and_then(|id| OrganisationId::from_str(id).ok());
        let iati_id = reference.clone().filter(|_| own.is_none());
        let mut name = name;
        if name.is_empty() {
            name.set(self.default_lang, reference.clone().unwrap_or_default());
        }
        let country = reference
            .as_deref()
            .map(|r| r.chars().take(2).collect::<String>())
            .filter(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_alphabetic()))
            .map(|c| c.to_ascii_uppercase())
            .unwrap_or_else(|| "XX".into());
        let org_type = node
            .attr("type")
            .and_then(|t| t.parse::<u16>().ok())
            .unwrap_or(90);
        let input = OrganisationInput {
            iati_id,
            name,
            acronym: None,
            org_type,
            country,
            mechanism_role: None,
            contacts: Vec::new(),
            website: None,
        };
        let id = own.unwrap_or_default();
        let org = match input.check(id) {
            Ok(o) => o,
            Err(inv) => {
                for e in inv.errors {
                    let field = if e.field == "org_type" {
                        format!("{at}/@type")
                    } else if e.field == "iati_id" || e.field.is_empty() {
                        format!("{at}/@ref")
                    } else {
                        at.to_owned()
                    };
                    problems.push(problem(node.line, &field, &e.code, e.message));
                }
                return Ok(None);
            }
        };
        self.new_orgs.push(org.clone());
        if let Some(r) = &org.iati_id {
            self.by_ref.insert(r.to_lowercase(), org.id);
        }
        self.by_ref.insert(format!("xx-semey-{}", org.id), org.id);
        for l in Lang::ALL {
            if let Some(n) = org.name.get(l) {
                self.by_name
                    .entry(n.trim().to_lowercase())
                    .or_insert(org.id);
            }
        }
        self.orgs.insert(org.id, org.clone());
        Ok(Some(org.id))
    }

    /// The platform place a location stands for, if it can be told.
    fn place(&self, loc: &Node) -> Option<PlaceId> {
        if let Some(r) = loc.attr("ref") {
            if let Some(code) = r.strip_prefix("KATO-") {
                if let Some(p) = self
                    .places
                    .iter()
                    .find(|p| p.kato.as_ref().is_some_and(|k| k.to_string() == code))
                {
                    return Some(p.id);
                }
            }
            if let Some(id) = r.strip_prefix("SEMEY-PLACE-") {
                if let Some(p) = self.places.iter().find(|p| p.id.to_string() == id) {
                    return Some(p.id);
                }
            }
        }
        let name = self.text(loc.child("name"));
        for l in Lang::ALL {
            if let Some(n) = name.get(l).map(|n| n.trim().to_lowercase()) {
                if let Some(p) = self.places.iter().find(|p| {
                    Lang::ALL.iter().any(|pl| {
                        p.name
                            .get(*pl)
                            .is_some_and(|pn| pn.trim().to_lowercase() == n)
                    })
                }) {
                    return Some(p.id);
                }
            }
        }
        let pos = loc.child("point")?.child("pos")?.value()?;
        let mut it = pos.split_whitespace().map(|x| x.parse::<f64>());
        let (Some(Ok(lat)), Some(Ok(lon))) = (it.next(), it.next()) else {
            return None;
        };
        // The nearest settlement within 10 km.
        self.places
            .iter()
            .filter(|p| p.level == semey_domain::place::PlaceLevel::Settlement)
            .filter_map(|p| {
                let pt = p.point?;
                Some((p.id, km(lat, lon, pt.lat, pt.lon)))
            })
            .filter(|(_, d)| *d <= 10.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }

    /// Whether an activity already held is the same as the file's.
    async fn unchanged(&self, store: &Store, tx: &mut Tx, read: &Read) -> Result<bool, AppError> {
        let stored = store.programme_in(tx, read.programme.id).await?;
        if stored != read.programme {
            return Ok(false);
        }
        let (held_tx, held_req) = store.money_ids_of(tx, read.programme.id).await?;
        let mut new_tx: Vec<String> = read
            .transactions
            .iter()
            .map(|w| w.t.id.to_string())
            .collect();
        // Flows waiting for a provider activity further on: as they would be stored if it never
        // comes (if it does, the stored ones differ and the activity is replaced anyway).
        new_tx.extend(
            self.deferred
                .iter()
                .filter(|d| d.input.programme_id == read.programme.id)
                .filter_map(|d| d.input.clone().check().ok())
                .map(|t| t.id.to_string()),
        );
        let mut new_req: Vec<String> = read.budgets.iter().map(|(r, _)| r.id.to_string()).collect();
        new_tx.sort();
        new_req.sort();
        if held_tx != new_tx || held_req != new_req {
            return Ok(false);
        }
        let mut new_given: Vec<String> = read
            .contributions
            .iter()
            .map(|(c, _)| c.id.to_string())
            .collect();
        new_given.sort();
        if store.contribution_ids_of(tx, read.programme.id).await? != new_given {
            return Ok(false);
        }
        // Results compare without their generated ids.
        let held = store.results_of(read.programme.id).await?;
        if held.len() != read.results.len() {
            return Ok(false);
        }
        for (h, (r, periods)) in held.iter().zip(&read.results) {
            let strip = |r: &ProgrammeResult| {
                let mut r = r.clone();
                for i in &mut r.indicators {
                    i.id = None;
                }
                let mut v = serde_json::to_value(r).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.remove("id");
                }
                v
            };
            if strip(h) != strip(r) {
                return Ok(false);
            }
            for (hi, ri) in h.indicators.iter().zip(&r.indicators) {
                let (Some(hid), Some(rid)) = (hi.id, ri.id) else {
                    return Ok(false);
                };
                let held_periods = store.periods_in(tx, hid).await?;
                let mine: Vec<Period> = periods
                    .iter()
                    .filter(|p| p.indicator_id == rid)
                    .map(|p| Period {
                        indicator_id: hid,
                        ..p.clone()
                    })
                    .collect();
                if held_periods != mine {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// Reads one activity; `None` when it has problems (listed in `problems`).
    async fn activity(
        &mut self,
        store: &Store,
        held: Option<semey_domain::programme::Programme>,
        a: &Node,
        at: &str,
        problems: &mut Problems,
        report: &mut ImportReport,
    ) -> Result<Option<Read>, AppError> {
        let before = problems.count();
        let lang_before = self.default_lang;
        if let Some(l) = a
            .attr("xml:lang")
            .and_then(|l| Lang::from_str(&l.to_lowercase()).ok())
        {
            self.default_lang = l;
        }
        let out = self.activity_in(store, held, a, at, problems, report).await;
        self.default_lang = lang_before;
        let out = out?;
        Ok(out.filter(|_| problems.count() == before))
    }

    async fn activity_in(
        &mut self,
        store: &Store,
        held: Option<semey_domain::programme::Programme>,
        a: &Node,
        at: &str,
        problems: &mut Problems,
        report: &mut ImportReport,
    ) -> Result<Option<Read>, AppError> {
        let Some(ident) = a
            .child("iati-identifier")
            .and_then(Node::value)
            .map(str::to_owned)
        else {
            problems.push(problem(
                a.line,
                &format!("{at}/iati-identifier"),
                "required",
                "the activity has no iati-identifier",
            ));
            return Ok(None);
        };
        let at = format!("{at}[iati-identifier='{ident}']");
        let at = at.as_str();
        let line_of = |name: &str| a.child(name).map_or(a.line, |n| n.line);
        let default_currency = a.attr("default-currency").map(str::to_owned);

        let mut reporting_org_id = None;
        if let Some(r) = a.child("reporting-org") {
            reporting_org_id = self.organisation(r, &format!("{at}/reporting-org"), problems)?;
        }
        let mut participants = Vec::new();
        for (i, p) in a.all("participating-org").enumerate() {
            let here = format!("{at}/participating-org[{}]", i + 1);
            let role = p.attr("role").and_then(|r| r.parse::<u8>().ok());
            let Some(role) = role.and_then(|r| OrgRole::from_code(r).ok()) else {
                problems.push(unknown_code(
                    p,
                    &here,
                    "role",
                    "OrganisationRole code (1–4)",
                ));
                continue;
            };
            if let Some(id) = self.organisation(p, &here, problems)? {
                let part = Participant {
                    organisation_id: id,
                    role,
                };
                if !participants.contains(&part) {
                    participants.push(part);
                }
            }
        }
        let status = a
            .child("activity-status")
            .and_then(|s| s.attr("code"))
            .and_then(|c| c.parse::<u8>().ok())
            .unwrap_or(0);
        let mut dates = ProgrammeDates::default();
        for d in a.all("activity-date") {
            let Some(date) = self.date(d, "iso-date", &format!("{at}/activity-date"), problems)
            else {
                continue;
            };
            match d.attr("type") {
                Some("1") => dates.planned_start = Some(date),
                Some("2") => dates.actual_start = Some(date),
                Some("3") => dates.planned_end = Some(date),
                Some("4") => dates.actual_end = Some(date),
                _ => problems.push(unknown_code(
                    d,
                    &format!("{at}/activity-date"),
                    "type",
                    "ActivityDateType code (1–4)",
                )),
            }
        }
        let mut places = Vec::new();
        for (i, loc) in a.all("location").enumerate() {
            match self.place(loc) {
                Some(p) => {
                    if !places.iter().any(|x: &ProgrammePlace| x.place_id == p) {
                        places.push(ProgrammePlace { place_id: p, percentage: None });
                    }
                }
                None => self.notes.push(format!(
                    "line {}: {at}/location[{}] ({}) is not a place the platform holds; it was left out",
                    loc.line,
                    i + 1,
                    self.text(loc.child("name")).best(Lang::En).unwrap_or("no name")
                )),
            }
        }
        // Sectors by vocabulary, with the rule the schema cannot check: the percentages of one
        // vocabulary add up to 100.
        let mut sectors = Vec::new();
        let mut areas = Vec::new();
        let mut sums: HashMap<String, (rust_decimal::Decimal, u64, usize)> = HashMap::new();
        let mut skipped_vocabularies = BTreeSet::new();
        for s in a.all("sector") {
            let vocabulary = s.attr("vocabulary").unwrap_or("1").to_owned();
            let code = s.attr("code").unwrap_or("").to_owned();
            let pct = match s.attr("percentage") {
                Some(p) => match rust_decimal::Decimal::from_str(p) {
                    Ok(p) => Some(p),
                    Err(_) => {
                        problems.push(problem(
                            s.line,
                            &format!("{at}/sector/@percentage"),
                            "invalid_number",
                            format!("{p:?} is not a percentage"),
                        ));
                        continue;
                    }
                },
                None => None,
            };
            let entry =
                sums.entry(vocabulary.clone())
                    .or_insert((rust_decimal::Decimal::ZERO, s.line, 0));
            entry.0 += pct.unwrap_or(rust_decimal::Decimal::ONE_HUNDRED);
            entry.2 += 1;
            match vocabulary.as_str() {
                "99" if s
                    .attr("vocabulary-uri")
                    .is_some_and(|u| u != SECTORS_VOCABULARY_URI) =>
                {
                    skipped_vocabularies
                        .insert(format!("99 ({})", s.attr("vocabulary-uri").unwrap_or("")));
                }
                "1" | "99" => sectors.push(SectorInput {
                    vocabulary: vocabulary.clone(),
                    code,
                    percentage: pct.unwrap_or(rust_decimal::Decimal::ONE_HUNDRED),
                }),
                "98" if s.attr("vocabulary-uri") == Some(AREAS_VOCABULARY_URI) => areas.push(code),
                other => {
                    skipped_vocabularies.insert(other.to_owned());
                }
            }
        }
        for (vocabulary, (sum, line, n)) in &sums {
            if *n > 1 && *sum != rust_decimal::Decimal::ONE_HUNDRED {
                problems.push(
                    problem(*line, &format!("{at}/sector[@vocabulary='{vocabulary}']"), "sector_percentages_sum", format!("the percentages of sector vocabulary {vocabulary} add up to {}, not 100", sum.normalize()))
                        .with_arg("sum", sum.normalize())
                        .with_arg("vocabulary", vocabulary.clone()),
                );
            }
        }
        if !skipped_vocabularies.is_empty() {
            self.notes.push(format!(
                "{ident}: sectors of vocabularies {} were left out (the platform keeps DAC 5-digit codes and the reporter's own)",
                skipped_vocabularies.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        if areas.is_empty() {
            areas = areas_of_dac(&sectors);
            self.notes.push(format!(
                "{ident}: thematic areas {} were derived from its DAC sectors",
                areas.join(", ")
            ));
        }
        let mut sdg_targets = Vec::new();
        for t in a.all("tag") {
            if t.attr("vocabulary") == Some("3") {
                if let Some(code) = t.attr("code") {
                    sdg_targets.push(code.to_owned());
                }
            }
        }
        let mut policy_markers = Vec::new();
        for m in a.all("policy-marker") {
            if m.attr("vocabulary").unwrap_or("1") != "1" {
                continue;
            }
            let (Some(code), Some(significance)) = (
                m.attr("code").and_then(|c| c.parse().ok()),
                m.attr("significance")
                    .and_then(|c| c.parse().ok())
                    .or(Some(0)),
            ) else {
                problems.push(unknown_code(
                    m,
                    &format!("{at}/policy-marker"),
                    "code",
                    "PolicyMarker code (1–12)",
                ));
                continue;
            };
            policy_markers.push(PolicyMarker { code, significance });
        }
        let mut terms = FinanceTerms::default();
        for term in Term::ALL {
            let tag = format!("default-{}", term.field().replace('_', "-"));
            set_term(&mut terms, term, a.child(&tag).and_then(|n| n.attr("code")));
        }
        // The parent activity (related-activity type 1): a programme held or read earlier in
        // this file, or one further on (set once the whole file is read).
        let parent_ref = a
            .all("related-activity")
            .find(|r| r.attr("type") == Some("1"))
            .and_then(|r| r.attr("ref"))
            .filter(|r| *r != ident)
            .map(str::to_owned);
        let parent = parent_ref
            .as_ref()
            .and_then(|r| self.programmes.get(r).copied());
        let id = held.as_ref().map(|p| p.id).unwrap_or_default();
        let mut input = ProgrammeInput {
            iati_identifier: ident.clone(),
            title: self.text(a.child("title")),
            description: self.text(
                a.all("description")
                    .find(|d| d.attr("type").unwrap_or("1") == "1"),
            ),
            status,
            dates,
            areas,
            sectors,
            sdg_targets,
            places,
            target_groups: Vec::new(),
            participants,
            policy_markers,
            terms,
            parent_id: parent,
            reporting_org_id,
            mandate_ids: Vec::new(),
        };
        // What IATI cannot carry is kept from the programme held: its target groups, its
        // parent, and its places' shares while the places stay the same.
        if let Some(h) = &held {
            input.mandate_ids = h.mandate_ids.clone();
            input.target_groups = h
                .target_groups
                .iter()
                .map(|g| g.as_str().to_owned())
                .collect();
            if parent_ref.is_none() {
                input.parent_id = h.parent_id;
            }
            let ids = |p: &[ProgrammePlace]| {
                let mut v: Vec<PlaceId> = p.iter().map(|x| x.place_id).collect();
                v.sort();
                v
            };
            if ids(&input.places) == ids(&h.places) {
                input.places = h.places.clone();
            }
        }
        let programme = match input.check(id) {
            Ok(p) => Some(p),
            Err(inv) => {
                for e in inv.errors {
                    let (element, line) = element_of(&e.field);
                    problems.push(
                        problem(
                            line_of(line),
                            &format!("{at}/{element}"),
                            &e.code,
                            e.message,
                        )
                        .with_args(e.args),
                    );
                }
                None
            }
        };
        let Some(programme) = programme else {
            return Ok(None);
        };

        // Budgets carry no description in IATI: a budget the programme holds for the same
        // period and money keeps its own.
        let mut held_budgets = Vec::new();
        if held.is_some() {
            let mut offset = 0;
            loop {
                let (page, _) = store
                    .list_requirements(
                        &Default::default(),
                        Some(id),
                        None,
                        Page::new(Some(Page::MAX_LIMIT), Some(offset)),
                    )
                    .await?;
                if page.is_empty() {
                    break;
                }
                offset += page.len() as i64;
                held_budgets.extend(page);
            }
        }
        let mut budgets = Vec::new();
        for (i, b) in a.all("budget").enumerate() {
            let here = format!("{at}/budget[{}]", i + 1);
            let Some((start, end)) = self.period(b, &here, problems) else {
                continue;
            };
            let Some((amount, currency)) =
                self.value(b, &here, default_currency.as_deref(), problems)
            else {
                continue;
            };
            let mut input = RequirementInput {
                programme_id: id,
                period_start: start,
                period_end: end,
                amount: AmountInput::Text(amount),
                currency,
                description: String::new(),
            };
            if let Ok(r) = input.clone().check() {
                if let Some(h) = held_budgets.iter().find(|h| {
                    h.period_start == r.period_start
                        && h.period_end == r.period_end
                        && h.money() == r.money
                }) {
                    input.description = h.description.clone();
                }
            }
            match input.check() {
                Ok(r) => match self.fx.convert(r.money, r.period_start) {
                    Ok(c) => budgets.push((r, c)),
                    Err(inv) => self.invalid(problems, b.line, &here, inv),
                },
                Err(inv) => self.invalid(problems, b.line, &here, inv),
            }
        }
        let mut transactions = Vec::new();
        let mut contributions = Vec::new();
        let mut ids = BTreeSet::new();
        let mut given = BTreeSet::new();
        for (i, t) in a.all("transaction").enumerate() {
            let here = format!("{at}/transaction[{}]", i + 1);
            let ttype = t
                .child("transaction-type")
                .and_then(|n| n.attr("code"))
                .and_then(|c| c.parse::<u8>().ok())
                .unwrap_or(0);
            let Some(date) = t.child("transaction-date").and_then(|d| {
                self.date(d, "iso-date", &format!("{here}/transaction-date"), problems)
            }) else {
                if t.child("transaction-date").is_none() {
                    problems.push(problem(
                        t.line,
                        &format!("{here}/transaction-date"),
                        "required",
                        "the transaction has no date",
                    ));
                }
                continue;
            };
            let Some(value) = t.child("value") else {
                problems.push(problem(
                    t.line,
                    &format!("{here}/value"),
                    "required",
                    "the transaction has no value",
                ));
                continue;
            };
            let Some(value_date) = self.date(
                value,
                "value-date",
                &format!("{here}/value/@value-date"),
                problems,
            ) else {
                if value.attr("value-date").is_none() {
                    problems.push(problem(value.line, &format!("{here}/value/@value-date"), "missing_value_date", "the transaction's value has no value-date, the date its exchange rate is taken on"));
                }
                continue;
            };
            let Some((amount, currency)) =
                self.value(t, &here, default_currency.as_deref(), problems)
            else {
                continue;
            };
            let mut provider_org_id = None;
            let mut receiver_org_id = None;
            // Money from another activity: a programme held (or read earlier in this file), or
            // one further on in the file (resolved once the whole file is read).
            let from = t
                .child("provider-org")
                .and_then(|n| n.attr("provider-activity-id"))
                .filter(|a| *a != ident)
                .map(str::to_owned);
            let provider_programme_id = from.as_ref().and_then(|a| self.programmes.get(a).copied());
            if let Some(n) = t.child("provider-org") {
                let named = n.attr("ref").is_some() || !self.text(Some(n)).is_empty();
                if named || from.is_none() {
                    provider_org_id =
                        self.organisation(n, &format!("{here}/provider-org"), problems)?;
                }
            }
            if let Some(n) = t.child("receiver-org") {
                receiver_org_id =
                    self.organisation(n, &format!("{here}/receiver-org"), problems)?;
            }
            if let Some(mark) = in_kind_mark(t) {
                let mark_at = format!("{here}/{}", mark.name);
                let Some(provider) = provider_org_id else {
                    problems.push(problem(
                        t.line,
                        &format!("{here}/provider-org"),
                        "in_kind_without_provider",
                        "a contribution in kind names who gave it (provider-org)",
                    ));
                    continue;
                };
                let category = match InKind::parse(mark.attr("category").unwrap_or("")) {
                    Ok(k) => k,
                    Err(inv) => {
                        self.invalid(problems, mark.line, &format!("{mark_at}/@category"), inv);
                        continue;
                    }
                };
                let input = ContributionInput {
                    programme_id: id,
                    reference: t.attr("ref").map(str::to_owned),
                    category,
                    provider_org_id: provider,
                    date,
                    description: self
                        .text(t.child("description"))
                        .best(self.default_lang)
                        .unwrap_or("")
                        .to_owned(),
                    quantity: AmountInput::Text(mark.attr("quantity").unwrap_or("").to_owned()),
                    unit: mark.attr("unit").unwrap_or("").to_owned(),
                    value: AmountInput::Text(amount),
                    currency,
                };
                let checked = match input.check() {
                    Ok(c) => c,
                    Err(inv) => {
                        self.invalid(problems, t.line, &here, inv);
                        continue;
                    }
                };
                if !given.insert(checked.id) {
                    problems.push(problem(
                        t.line,
                        &here,
                        "duplicate_row",
                        "this contribution repeats another of the activity",
                    ));
                    continue;
                }
                match self.fx.convert(checked.value, checked.date) {
                    Ok(c) => contributions.push((checked, c)),
                    Err(inv) => self.invalid(problems, value.line, &format!("{here}/value"), inv),
                }
                continue;
            }
            let mut own = FinanceTerms::default();
            for term in Term::ALL {
                let tag = term.field().replace('_', "-");
                set_term(&mut own, term, t.child(&tag).and_then(|n| n.attr("code")));
            }
            let input = TransactionInput {
                programme_id: id,
                reference: t.attr("ref").map(str::to_owned),
                transaction_type: ttype,
                date,
                value_date: Some(value_date),
                amount: AmountInput::Text(amount),
                currency,
                provider_org_id,
                receiver_org_id,
                provider_programme_id,
                receiver_programme_id: None,
                description: self
                    .text(t.child("description"))
                    .best(self.default_lang)
                    .unwrap_or("")
                    .to_owned(),
                terms: own,
            };
            if let (Some(from), None) = (&from, provider_programme_id) {
                if let Err(inv) = input.clone().check() {
                    self.invalid(problems, t.line, &here, inv);
                } else {
                    self.deferred.push(Deferred {
                        from: from.clone(),
                        input,
                        line: t.line,
                        at: here,
                    });
                }
                continue;
            }
            let checked = match input.check() {
                Ok(c) => c,
                Err(inv) => {
                    self.invalid(problems, t.line, &here, inv);
                    continue;
                }
            };
            if !ids.insert(checked.id) {
                problems.push(problem(
                    t.line,
                    &here,
                    "duplicate_row",
                    "this transaction repeats another of the activity",
                ));
                continue;
            }
            let converted = match self.fx.convert(checked.money, checked.value_date) {
                Ok(c) => c,
                Err(inv) => {
                    self.invalid(problems, value.line, &format!("{here}/value"), inv);
                    continue;
                }
            };
            let origin = checked
                .provider_org_id
                .and_then(|o| self.orgs.get(&o))
                .map_or(Origin::Unspecified, Organisation::origin);
            transactions.push(TransactionWrite {
                t: checked,
                origin,
                converted,
            });
        }
        let held_results = match &held {
            Some(h) => store.results_of(h.id).await?,
            None => Vec::new(),
        };
        if let (Some(r), None) = (&parent_ref, parent) {
            self.pending_parents.push((programme.id, r.clone(), a.line));
        }
        let results = self.results(a, at, &programme, &held_results, problems);
        let _ = report;
        Ok(Some(Read {
            programme,
            budgets,
            transactions,
            contributions,
            results,
        }))
    }

    fn results(
        &mut self,
        a: &Node,
        at: &str,
        programme: &semey_domain::programme::Programme,
        held: &[ProgrammeResult],
        problems: &mut Problems,
    ) -> Vec<(ProgrammeResult, Vec<Period>)> {
        let mut out = Vec::new();
        for (ri, r) in a.all("result").enumerate() {
            let here = format!("{at}/result[{}]", ri + 1);
            let result_type = r
                .attr("type")
                .and_then(|c| c.parse::<u8>().ok())
                .and_then(|c| ResultType::ALL.iter().copied().find(|t| t.iati_code() == c));
            let Some(result_type) = result_type else {
                problems.push(unknown_code(
                    r,
                    &here,
                    "type",
                    "ResultType code (1, 2, 3, 9)",
                ));
                continue;
            };
            // The result held with the same type and title keeps its id, and its indicators of
            // the same title keep theirs with what IATI cannot carry (unit, shared indicator,
            // people reached, levels).
            let title = self.text(r.child("title")).normalized();
            let same = held
                .iter()
                .find(|h| h.result_type == result_type && h.title == title);
            let mut indicators = Vec::new();
            let mut periods = Vec::new();
            for (ii, n) in r.all("indicator").enumerate() {
                let ihere = format!("{here}/indicator[{}]", ii + 1);
                let measure = n
                    .attr("measure")
                    .and_then(|c| c.parse::<u8>().ok())
                    .and_then(|c| {
                        IndicatorMeasure::ALL
                            .iter()
                            .copied()
                            .find(|m| m.iati_code() == c)
                    });
                let Some(measure) = measure else {
                    problems.push(unknown_code(
                        n,
                        &ihere,
                        "measure",
                        "IndicatorMeasure code (1–5)",
                    ));
                    continue;
                };
                let in_words = matches!(
                    measure,
                    IndicatorMeasure::Nominal | IndicatorMeasure::Qualitative
                );
                let ititle = self.text(n.child("title")).normalized();
                let kept = same.and_then(|h| h.indicators.iter().find(|i| i.title == ititle));
                let id = kept.and_then(|k| k.id).unwrap_or_else(IndicatorId::new);
                let baseline = n.all("baseline").next().and_then(|b| {
                    let year = b.attr("year").and_then(|y| y.parse().ok()).or_else(|| {
                        b.attr("iso-date")
                            .and_then(|d| d.get(..4))
                            .and_then(|y| y.parse().ok())
                    })?;
                    Some(Baseline {
                        year,
                        value: b.attr("value").map(str::to_owned),
                        comment: self.text(b.child("comment")),
                    })
                });
                for (pi, p) in n.all("period").enumerate() {
                    let phere = format!("{ihere}/period[{}]", pi + 1);
                    let Some((start, end)) = self.period(p, &phere, problems) else {
                        continue;
                    };
                    if end < start {
                        problems.push(problem(
                            p.line,
                            &phere,
                            "end_before_start",
                            format!("the period ends ({end}) before it starts ({start})"),
                        ));
                        continue;
                    }
                    let target = self.figure(p, "target", in_words, &phere);
                    let actual = self.figure(p, "actual", in_words, &phere);
                    periods.push(Period {
                        indicator_id: id,
                        start,
                        end,
                        target,
                        actual,
                    });
                }
                indicators.push(Indicator {
                    id: Some(id),
                    title: self.text(n.child("title")),
                    description: self.text(n.child("description")),
                    measure,
                    ascending: n.attr("ascending") != Some("0")
                        && n.attr("ascending") != Some("false"),
                    unit: kept.map(|k| k.unit.clone()).unwrap_or_default(),
                    shared: kept.and_then(|k| k.shared.clone()),
                    people_reached: kept.is_some_and(|k| k.people_reached),
                    levels: kept.map(|k| k.levels.clone()).unwrap_or_default(),
                    mandate_ids: kept.map(|k| k.mandate_ids.clone()).unwrap_or_default(),
                    baseline,
                });
            }
            let input = ResultInput {
                programme_id: programme.id,
                result_type: result_type.as_str().to_owned(),
                title: self.text(r.child("title")),
                description: self.text(r.child("description")),
                indicators,
            };
            let mut ids = input
                .indicators
                .iter()
                .filter_map(|i| i.id)
                .collect::<Vec<_>>()
                .into_iter();
            let result_id = same.map_or_else(ResultId::new, |h| h.id);
            match input.check(result_id, || ids.next().unwrap_or_default()) {
                Ok(result) => out.push((result, periods)),
                Err(inv) => self.invalid(problems, r.line, &here, inv),
            }
        }
        out
    }

    /// A period's target or actual: the element without dimensions is the total; each one with
    /// a dimension is a part of it.
    fn figure(&mut self, p: &Node, tag: &str, in_words: bool, at: &str) -> Option<Figure> {
        let mut figure: Option<Figure> = None;
        let mut splits = Vec::new();
        for f in p.all(tag) {
            let comment = self
                .text(f.child("comment"))
                .best(self.default_lang)
                .unwrap_or("")
                .to_owned();
            let dims: Vec<&Node> = f.all("dimension").collect();
            if dims.is_empty() {
                figure = Some(if in_words {
                    Figure {
                        value: comment,
                        comment: String::new(),
                        document: None,
                        splits: Vec::new(),
                    }
                } else {
                    Figure {
                        value: f.attr("value").unwrap_or("").to_owned(),
                        comment,
                        document: None,
                        splits: Vec::new(),
                    }
                });
            } else if let [d] = dims.as_slice() {
                let name = d.attr("name").unwrap_or("");
                if DIMENSIONS.contains(&name) {
                    splits.push(Split {
                        dimension: name.to_owned(),
                        key: d.attr("value").unwrap_or("").to_owned(),
                        value: f.attr("value").unwrap_or("").to_owned(),
                    });
                } else {
                    self.notes.push(format!("line {}: {at}/{tag}/dimension[@name='{name}'] is not a split the platform keeps; it was left out", d.line));
                }
            }
        }
        if let Some(f) = &mut figure {
            f.splits = splits;
        }
        figure
    }

    /// A value's amount and currency (its own, else the activity's default).
    fn value(
        &self,
        parent: &Node,
        at: &str,
        default_currency: Option<&str>,
        problems: &mut Problems,
    ) -> Option<(String, String)> {
        let Some(v) = parent.child("value") else {
            problems.push(problem(
                parent.line,
                &format!("{at}/value"),
                "required",
                "no value",
            ));
            return None;
        };
        let Some(currency) = v.attr("currency").or(default_currency) else {
            problems.push(problem(
                v.line,
                &format!("{at}/value/@currency"),
                "required",
                "the value has no currency and the activity no default-currency",
            ));
            return None;
        };
        if Currency::parse(currency).is_err() {
            problems.push(
                problem(
                    v.line,
                    &format!("{at}/value/@currency"),
                    "unknown_currency",
                    format!("{currency:?} is not an ISO 4217 currency code"),
                )
                .with_arg("code", currency.to_owned()),
            );
            return None;
        }
        let Some(amount) = v.value() else {
            problems.push(problem(
                v.line,
                &format!("{at}/value"),
                "required",
                "the value is empty",
            ));
            return None;
        };
        Some((amount.to_owned(), currency.to_owned()))
    }

    fn date(
        &self,
        node: &Node,
        attr: &str,
        at: &str,
        problems: &mut Problems,
    ) -> Option<time::Date> {
        let s = node.attr(attr)?;
        // IATI dates are xsd:date; a time or zone after the day is tolerated.
        match crate::import::fields::parse_date(s.get(..10).unwrap_or(s)) {
            Ok(d) => Some(d),
            Err(m) => {
                problems.push(problem(node.line, at, "invalid_date", m));
                None
            }
        }
    }

    /// The dates of a budget's or a result's period (`period-start`, `period-end`), both
    /// required.
    fn period(
        &self,
        n: &Node,
        at: &str,
        problems: &mut Problems,
    ) -> Option<(time::Date, time::Date)> {
        let start = n
            .child("period-start")
            .and_then(|d| self.date(d, "iso-date", &format!("{at}/period-start"), problems));
        let end = n
            .child("period-end")
            .and_then(|d| self.date(d, "iso-date", &format!("{at}/period-end"), problems));
        match (start, end) {
            (Some(s), Some(e)) => Some((s, e)),
            _ => {
                problems.push(problem(
                    n.line,
                    at,
                    "required",
                    "a period needs its start and end dates",
                ));
                None
            }
        }
    }

    fn invalid(&self, problems: &mut Problems, line: u64, at: &str, inv: semey_domain::Invalid) {
        for e in inv.errors {
            let place = if e.field.is_empty() {
                at.to_owned()
            } else {
                format!("{at} ({})", e.field)
            };
            problems.push(problem(line, &place, &e.code, e.message).with_args(e.args));
        }
    }
}

fn set_term(terms: &mut FinanceTerms, term: Term, code: Option<&str>) {
    let code = code.map(str::to_owned);
    match term {
        Term::AidType => terms.aid_type = code,
        Term::FinanceType => terms.finance_type = code,
        Term::FlowType => terms.flow_type = code,
        Term::TiedStatus => terms.tied_status = code,
    }
}

/// The IATI element a programme field comes from, for locating its problems.
fn element_of(field: &str) -> (String, &'static str) {
    let head = field.split(['.', '[']).next().unwrap_or("");
    let (element, child): (&str, &'static str) = match head {
        "iati_identifier" => ("iati-identifier", "iati-identifier"),
        "title" => ("title", "title"),
        "description" => ("description", "description"),
        "status" => ("activity-status/@code", "activity-status"),
        "dates" => ("activity-date", "activity-date"),
        "areas" => ("sector[@vocabulary='98']", "sector"),
        "sectors" => ("sector", "sector"),
        "sdg_targets" => ("tag[@vocabulary='3']", "tag"),
        "places" => ("location", "location"),
        "participants" => ("participating-org", "participating-org"),
        "policy_markers" => ("policy-marker", "policy-marker"),
        "terms" => (
            match field.rsplit('.').next().unwrap_or("") {
                "aid_type" => "default-aid-type/@code",
                "finance_type" => "default-finance-type/@code",
                "flow_type" => "default-flow-type/@code",
                _ => "default-tied-status/@code",
            },
            "iati-identifier",
        ),
        "reporting_org_id" => ("reporting-org", "reporting-org"),
        _ => ("", "iati-identifier"),
    };
    (element.to_owned(), child)
}

/// Thematic areas from DAC 5-digit purpose codes, for activities from elsewhere.
fn areas_of_dac(sectors: &[SectorInput]) -> Vec<String> {
    let mut areas: Vec<String> = Vec::new();
    for s in sectors.iter().filter(|s| s.vocabulary == "1") {
        let area = match s.code.get(..3).unwrap_or("") {
            "121" | "122" | "123" | "130" => ThematicArea::Health,
            "410" => ThematicArea::EnvironmentalProtection,
            "151" | "152" => ThematicArea::Governance,
            "232" | "236" => ThematicArea::RadiationSafety,
            _ => ThematicArea::SocioeconomicDevelopment,
        };
        if !areas.iter().any(|a| a == area.as_str()) {
            areas.push(area.as_str().to_owned());
        }
    }
    if areas.is_empty() {
        areas.push(ThematicArea::SocioeconomicDevelopment.as_str().to_owned());
    }
    areas
}

/// Great-circle distance in kilometres.
fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0 * 2.0 * h.sqrt().asin()
}
