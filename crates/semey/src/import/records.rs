//! Saving an import's records one by one through the record path, for the files small enough
//! for a record's own audit line to be worth it (organisations, requirements, services).

use super::{ImportReport, Problems, Progress, Source};
use crate::records::{save_in, Record};
use crate::AppError;
use semey_store::Store;

/// One record of a file: where it is (`line 12`, `entry 3`), the record it replaces (if any)
/// and its input.
pub(crate) type Row<R> = (String, Option<<R as Record>::Id>, <R as Record>::Input);

/// Saves every row in one database transaction, with the file's audit line, counting what is
/// new, updated and unchanged. A rule only the database can check (a missing exchange rate, an
/// unknown place) is named with its row and added to the file's `problems` found so far; when
/// there are any, every one is listed and nothing is stored.
pub(crate) async fn save_rows<R: Record>(
    store: &Store,
    src: &Source<'_>,
    mut report: ImportReport,
    rows: Vec<Row<R>>,
    mut problems: Problems,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    progress.start(&format!("saving {}", report.kind), rows.len() as u64);
    let mut tx = store.begin().await?;
    for (i, (at, id, input)) in rows.into_iter().enumerate() {
        match save_in::<R>(store, &mut tx, &src.actor, id, input).await {
            Ok(saved) => match &saved.before {
                None => report.inserted += 1,
                Some(b) if R::audited(b) == R::audited(&saved.stored) => report.unchanged += 1,
                Some(_) => report.updated += 1,
            },
            Err(AppError::Invalid(e)) => problems.invalid_at(&at, e),
            Err(e) => return Err(e),
        }
        progress.set(i as u64 + 1);
    }
    problems.into_result()?;
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}
