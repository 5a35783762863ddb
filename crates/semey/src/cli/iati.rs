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
    let (xml, record, name) = match file {
        File::Activities => (
            crate::iati::export::activities(&state.store, organisation, now).await?,
            "<iati-activity ",
            "activities",
        ),
        File::Organisations => (
            crate::iati::export::organisations(&state.store, organisation, now).await?,
            "<iati-organisation ",
            "organisations",
        ),
    };
    let n = xml.matches(record).count();
    if n == 0 {
        anyhow::bail!("nothing to export: an IATI file holds one record at least");
    }
    std::fs::write(out, &xml).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    eprintln!(
        "{n} {name}, {} bytes written to {}",
        xml.len(),
        out.display()
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
