//! `semey import documents DIR`: the files of a folder with their metadata in
//! `DIR/documents.csv` (layout in `docs/import-formats.md`). Organisations, places and
//! programmes are named the way people know them (an organisation's IATI identifier, id or
//! name; a place's name in any language, KATO code or id; programmes' IATI identifiers); lists
//! are separated by `;`. Every file is recognised and read (in a process apart) before anything
//! is stored; any problem, named with its line, and nothing is stored. A file the library
//! holds already is its document again, updated from the row: importing the same folder twice
//! changes nothing.

use super::library::{examine, Examined, Reading, UploadedFile};
use crate::import::{CsvTable, ImportReport, Problems, Progress, Source};
use crate::organisations::import::OrgIndex;
use crate::records::save_in;
use crate::services::import::PlaceIndex;
use crate::AppError;
use semey_domain::document::{Document, DocumentInput};
use semey_domain::ids::DocumentId;
use semey_domain::lang::{Lang, LocalText};
use std::path::Path;

/// The name of the metadata file inside the folder.
pub const METADATA: &str = "documents.csv";

fn local(row: &crate::import::Row<'_>, stem: &str) -> LocalText {
    let mut t = LocalText::new();
    for l in Lang::ALL {
        if let Some(v) = row.opt(&format!("{stem}_{}", l.code())) {
            t.set(l, v);
        }
    }
    t
}

fn list(v: &str) -> impl Iterator<Item = &str> {
    v.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn ids<T: std::str::FromStr>(
    p: &mut Problems,
    line: u64,
    field: &str,
    v: &str,
    what: &str,
) -> Vec<T> {
    let mut out = Vec::new();
    for (i, s) in list(v).enumerate() {
        match s.parse() {
            Ok(id) => out.push(id),
            Err(_) => p.line(
                line,
                &format!("{field}[{i}]"),
                "invalid_value",
                format!("{s:?} is not {what} id"),
            ),
        }
    }
    out
}

/// `semey import documents DIR`: `src` is `DIR/documents.csv`.
pub async fn import_documents(
    store: &semey_store::Store,
    reading: &Reading<'_>,
    src: &Source<'_>,
    dir: &Path,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let table = CsvTable::parse(src.bytes, &["file", "type", "organisation"])?;
    let orgs = OrgIndex::load(store).await?;
    let places = PlaceIndex::load(store).await?;
    let programmes = store.programme_ids_by_identifier().await?;
    let mut problems = Problems::default();
    let mut report = ImportReport {
        kind: "documents".into(),
        notes: table.encoding_note.clone().into_iter().collect(),
        ..Default::default()
    };
    let mut rows: Vec<(u64, String, Examined, DocumentInput)> = Vec::new();
    let mut seen: std::collections::HashMap<String, u64> = Default::default();
    let rows_read: Vec<_> = table.rows().collect();
    progress.start("reading documents", rows_read.len() as u64);
    for (i, row) in rows_read.into_iter().enumerate() {
        progress.set(i as u64);
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        let before = problems.count();
        let name = row.get("file").to_owned();
        let path = dir.join(&name);
        let inside = !name.is_empty()
            && Path::new(&name)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside {
            problems.line(
                line,
                "file",
                "invalid_file_name",
                format!("{name:?} is not the name of a file inside the folder"),
            );
            continue;
        }
        let organisation_id = match orgs.find(row.get("organisation")) {
            Some(o) => o,
            None => {
                problems.line(
                    line,
                    "organisation",
                    "unknown_organisation",
                    format!(
                        "no organisation with IATI identifier, id or name {:?}: import organisations first",
                        row.get("organisation")
                    ),
                );
                continue;
            }
        };
        let mut place_ids = Vec::new();
        for (i, p) in list(row.get("places")).enumerate() {
            match places.find(p) {
                Some(id) => place_ids.push(id),
                None => problems.line(
                    line,
                    &format!("places[{i}]"),
                    "unknown_place",
                    format!("no place named {p:?}"),
                ),
            }
        }
        let mut programme_ids = Vec::new();
        for (i, p) in list(row.get("programmes")).enumerate() {
            match programmes.get(p) {
                Some(id) => programme_ids.push(*id),
                None => problems.line(
                    line,
                    &format!("programmes[{i}]"),
                    "unknown_programme",
                    format!("no programme with the IATI identifier {p:?}"),
                ),
            }
        }
        let mandate_ids = ids(
            &mut problems,
            line,
            "mandates",
            row.get("mandates"),
            "a mandate",
        );
        let meeting_ids = ids(
            &mut problems,
            line,
            "meetings",
            row.get("meetings"),
            "a meeting",
        );
        let decision_ids = ids(
            &mut problems,
            line,
            "decisions",
            row.get("decisions"),
            "a decision",
        );
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                problems.line(
                    line,
                    "file",
                    "file_missing",
                    format!("{name} cannot be read: {e}"),
                );
                continue;
            }
        };
        let examined = match examine(
            &UploadedFile {
                bytes: &bytes,
                name: &name,
                claimed: None,
            },
            reading,
        )
        .await
        {
            Ok(e) => e,
            Err(AppError::Invalid(inv)) => {
                for e in inv.errors {
                    problems.line(line, &e.field, &e.code, e.message);
                }
                continue;
            }
            Err(other) => return Err(other),
        };
        if let Some(first) = seen.insert(examined.digest.clone(), line) {
            problems.line(
                line,
                "file",
                "duplicate_row",
                format!("this file is the same as the one on line {first}"),
            );
            continue;
        }
        let input = DocumentInput {
            digest: examined.digest.clone(),
            file_name: name.clone(),
            title: local(&row, "title"),
            summary: local(&row, "summary"),
            languages: list(row.get("languages")).map(str::to_owned).collect(),
            doc_type: row.get("type").to_owned(),
            date: row.opt("date").map(str::to_owned),
            organisation_id,
            licence: row.get("licence").to_owned(),
            visibility: row.opt("visibility").unwrap_or("public").to_owned(),
            programme_ids,
            place_ids,
            mandate_ids,
            meeting_ids,
            decision_ids,
        };
        if let Err(inv) = input.clone().check(None) {
            problems.invalid(line, inv);
        }
        if problems.count() == before {
            rows.push((line, name, examined, input));
        }
    }
    progress.finish();
    std::mem::take(&mut problems).into_result()?;
    report.rows = rows.len() as u64;
    progress.start("saving documents", rows.len() as u64);
    let mut tx = store.begin().await?;
    for (i, (line, name, e, input)) in rows.into_iter().enumerate() {
        // Read again for the transaction (one file in memory at a time); a file changed since
        // it was checked is a problem, not a different document.
        let bytes = std::fs::read(dir.join(&name))?;
        if super::library::digest(&bytes) != e.digest {
            problems.line(
                line,
                "file",
                "file_changed",
                format!("{name} changed while the import ran"),
            );
            continue;
        }
        store
            .put_document_file(
                &mut tx,
                &e.digest,
                e.format,
                &bytes,
                e.state,
                e.text.as_deref(),
                e.reason.as_deref(),
            )
            .await?;
        let id = DocumentId::of_digest(&e.digest);
        let existing = match store.document_in(&mut tx, id).await {
            Ok(_) => Some(id),
            Err(semey_store::StoreError::NotFound { .. }) => None,
            Err(other) => return Err(other.into()),
        };
        match save_in::<Document>(store, &mut tx, &src.actor, existing, input).await {
            Ok(saved) => match &saved.before {
                None => report.inserted += 1,
                Some(b) if b == &saved.stored => report.unchanged += 1,
                Some(_) => report.updated += 1,
            },
            Err(AppError::Invalid(inv)) => problems.invalid(line, inv),
            Err(other) => return Err(other),
        }
        progress.set(i as u64 + 1);
    }
    problems.into_result()?;
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}
