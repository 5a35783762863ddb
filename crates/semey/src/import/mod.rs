//! Imports: GeoJSON places and CSV tables. Every import is all-or-nothing (one database
//! transaction; any bad row and nothing is stored), reports every problem with its line, and is
//! idempotent (running it again adds nothing).

mod csv_table;
mod tables;

pub use crate::places::import::{import_places, PlaceMapping};
pub use crate::radiation::import::{
    check_file, import_measurements, reason_text, ColumnMapping, FileCheck, Format,
    MeasurementOptions, MeasurementReport, Tally,
};
pub use csv_table::{decode_text, CsvTable};
pub use tables::{
    import_exchange_rates, import_organisations, import_programmes, import_transactions,
};

use crate::auth::Actor;
use crate::AppError;
use semey_domain::FieldError;
use semey_store::{Store, Tx};
use serde::Serialize;

/// A file given to an import: its name and bytes, and who runs the import. Every import
/// checks that its operator may import (coordinators and the command line) and writes one
/// audit line with the file's name, SHA-256 and counts, in the transaction that stores it.
pub struct Source<'a> {
    pub name: String,
    pub bytes: &'a [u8],
    pub actor: Actor,
}

impl<'a> Source<'a> {
    pub fn new(name: impl Into<String>, bytes: &'a [u8], actor: Actor) -> Self {
        Self {
            name: name.into(),
            bytes,
            actor,
        }
    }

    /// May this operator import files? (Imports write shared data of many owners at once.)
    pub fn authorise(&self) -> Result<(), AppError> {
        Ok(self.actor.principal.may_coordinate()?)
    }

    pub fn sha256(&self) -> String {
        crate::auth::sha256_bytes_hex(self.bytes)
    }

    /// The import's audit line, in its transaction.
    pub async fn audit(
        &self,
        store: &Store,
        tx: &mut Tx,
        report: &ImportReport,
    ) -> Result<(), AppError> {
        audit_file(store, tx, &self.actor, &self.name, &self.sha256(), report).await
    }
}

/// One audit line for an imported file (also for files read as a stream, whose digest is
/// computed on the way).
pub async fn audit_file(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    file: &str,
    sha256: &str,
    report: &ImportReport,
) -> Result<(), AppError> {
    let counts = [
        ("rows", report.rows),
        ("inserted", report.inserted),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    crate::records::audit_import(
        store,
        tx,
        actor,
        &crate::records::ImportAudit {
            format: report.kind.clone(),
            file: file.to_owned(),
            sha256: sha256.to_owned(),
            counts,
        },
    )
    .await
}

/// Reports progress of a long job (the CLI draws a progress bar; tests ignore it).
pub trait Progress: Send {
    /// A new phase with `total` units of work (0 when unknown).
    fn start(&mut self, phase: &str, total: u64);
    /// `done` units of the phase are finished.
    fn set(&mut self, done: u64);
    fn finish(&mut self);
}

/// Progress that goes nowhere.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&mut self, _: &str, _: u64) {}
    fn set(&mut self, _: u64) {}
    fn finish(&mut self) {}
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub kind: String,
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Things the user should know that are not errors (an encoding detected, a place put in
    /// another region than its file said).
    pub notes: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: {} read, {} new, {} updated, {} already present",
            self.kind, self.rows, self.inserted, self.updated, self.unchanged
        )?;
        for n in &self.notes {
            writeln!(f, "  note: {n}")?;
        }
        Ok(())
    }
}

/// Most errors an import lists before summarising the rest.
const MAX_LISTED_ERRORS: usize = 100;

/// Collects the problems of an import, capped so a broken million-row file stays readable.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    listed: Vec<FieldError>,
    more: usize,
}

impl Problems {
    pub fn line(&mut self, line: u64, field: &str, code: &str, message: impl Into<String>) {
        let f = if field.is_empty() {
            format!("line {line}")
        } else {
            format!("line {line}: {field}")
        };
        self.push(FieldError::new(f, code, message));
    }

    pub fn push(&mut self, e: FieldError) {
        if self.listed.len() < MAX_LISTED_ERRORS {
            self.listed.push(e);
        } else {
            self.more += 1;
        }
    }

    pub fn invalid(&mut self, line: u64, inv: semey_domain::Invalid) {
        for e in inv.errors {
            self.line(line, &e.field, &e.code, e.message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// `Ok` when nothing went wrong, else the error listing every problem.
    pub fn into_result(mut self) -> Result<(), crate::AppError> {
        if self.listed.is_empty() {
            return Ok(());
        }
        if self.more > 0 {
            self.listed.push(FieldError::new(
                "file",
                "more_errors",
                format!("… and {} more problems", self.more),
            ));
        }
        Err(crate::AppError::Import(self.listed))
    }
}
