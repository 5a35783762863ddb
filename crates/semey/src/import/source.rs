//! A file given to an import, who runs it, and the import's audit line.

use super::report::ImportReport;
use crate::accounts::Actor;
use crate::AppError;
use semey_store::{Store, Tx};

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
        crate::accounts::sha256_bytes_hex(self.bytes)
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
