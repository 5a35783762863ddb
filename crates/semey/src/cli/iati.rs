//! `semey export iati-activities|iati-organisations`: the IATI 2.03 files, for a publisher to
//! check or register (the same documents `/iati/activities.xml` and `/iati/organisations.xml`
//! serve).

use crate::AppState;
use semey_domain::ids::OrganisationId;
use std::path::Path;

/// Which IATI file.
pub(super) enum File {
    Activities,
    Organisations,
}

pub(super) async fn export(
    state: &AppState,
    file: File,
    organisation: Option<&str>,
    out: &Path,
) -> anyhow::Result<()> {
    let organisation = organisation
        .map(|o| o.parse::<OrganisationId>())
        .transpose()
        .map_err(|_| anyhow::anyhow!("--organisation: not an organisation id"))?;
    if let Some(o) = organisation {
        state
            .store
            .organisation(o)
            .await
            .map_err(|e| anyhow::anyhow!("--organisation: {e}"))?;
    }
    let now = time::OffsetDateTime::now_utc();
    let started = std::time::Instant::now();
    let (n, bytes, name) = match file {
        File::Activities => {
            if !crate::iati::export::has_activities(&state.store, organisation).await? {
                anyhow::bail!("nothing to export: an IATI file holds one record at least");
            }
            // Streamed to the file as it is written.
            let (tx, mut rx) = tokio::sync::mpsc::channel(8);
            let store = state.store.clone();
            let writer = tokio::spawn(async move {
                crate::iati::export::write_activities(&store, organisation, now, &tx).await
            });
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(out)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?,
            );
            let bar = super::progress::bytes_bar("writing IATI activities");
            let mut bytes = 0u64;
            while let Some(chunk) = rx.recv().await {
                use std::io::Write;
                f.write_all(&chunk)?;
                bytes += chunk.len() as u64;
                bar.set_position(bytes);
            }
            bar.finish_and_clear();
            std::io::Write::flush(&mut f)?;
            let n = writer.await??;
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "{n} activities, {bytes} bytes written to {} in {secs:.2} s ({:.0} MB/s)",
                out.display(),
                bytes as f64 / 1e6 / secs.max(1e-9)
            );
            let checking = std::time::Instant::now();
            // The standard's rules the schema cannot express, on what was written.
            let f = std::fs::File::open(out)?;
            let today = crate::results::today();
            let (problems, _) = crate::iati::rules::check(
                std::io::BufReader::with_capacity(1 << 16, f),
                today,
                100,
            );
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("  {}: {}", p.field, p.message);
                }
                anyhow::bail!(
                    "{} breaks {} of the IATI standard's rules (listed above)",
                    out.display(),
                    problems.len()
                );
            }
            eprintln!(
                "checked against the IATI standard's rules in {:.2} s: no problems",
                checking.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        File::Organisations => {
            let xml = crate::iati::export::organisations(&state.store, organisation, now).await?;
            let n = xml.matches("<iati-organisation ").count();
            if n == 0 {
                anyhow::bail!("nothing to export: an IATI file holds one record at least");
            }
            std::fs::write(out, &xml).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
            (n, xml.len(), "organisations")
        }
    };
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{n} {name}, {bytes} bytes written to {} in {secs:.2} s ({:.0} MB/s)",
        out.display(),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    Ok(())
}

/// `semey import iati FILE`: an IATI 2.01–2.03 activity file, streamed from disk.
pub(super) async fn import(
    state: &AppState,
    file: &Path,
    bar: &mut super::progress::Bar,
) -> Result<crate::import::ImportReport, crate::AppError> {
    let f = std::fs::File::open(file).map_err(|e| {
        crate::AppError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", file.display()),
        ))
    })?;
    crate::iati::import::import_activities(
        &state.store,
        std::io::BufReader::with_capacity(1 << 16, f),
        &file.display().to_string(),
        &crate::accounts::Actor::operator(),
        bar,
    )
    .await
}
