//! `semey export iati-activities`: the programmes as an IATI 2.03 file, for a publisher to
//! check or register (the same document `/iati/activities.xml` serves).

use crate::AppState;
use semey_domain::ids::OrganisationId;
use std::path::Path;

pub(super) async fn export_activities(
    state: &AppState,
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
    let xml = crate::iati::export::activities(
        &state.store,
        organisation,
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    let activities = xml.matches("<iati-activity ").count();
    if activities == 0 {
        anyhow::bail!("no programme to export: an IATI file holds one activity at least");
    }
    std::fs::write(out, &xml).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    eprintln!(
        "{activities} activities, {} bytes written to {}",
        xml.len(),
        out.display()
    );
    Ok(())
}
