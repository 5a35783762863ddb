//! Creating and replacing organisations and programmes: one path for the JSON API and the
//! editing workspace's forms, so both check and store a record the same way.

use crate::AppError;
use semey_domain::ids::{OrganisationId, ProgrammeId};
use semey_domain::organisation::{Organisation, OrganisationInput};
use semey_domain::programme::{Programme, ProgrammeInput};
use semey_store::Store;

/// Checks and stores an organisation: a new one when `id` is `None`, else replaces that one
/// (which must exist).
pub async fn save_organisation(
    store: &Store,
    id: Option<OrganisationId>,
    input: OrganisationInput,
) -> Result<Organisation, AppError> {
    if let Some(id) = id {
        store.organisation(id).await?;
    }
    let org = input.check(id.unwrap_or_default())?;
    let mut tx = store.begin().await?;
    store.save_organisation(&mut tx, &org).await?;
    tx.commit().await?;
    Ok(store.organisation(org.id).await?)
}

/// Checks and stores a programme: a new one when `id` is `None`, else replaces that one
/// (which must exist).
pub async fn save_programme(
    store: &Store,
    id: Option<ProgrammeId>,
    input: ProgrammeInput,
) -> Result<Programme, AppError> {
    if let Some(id) = id {
        store.programme(id).await?;
    }
    let p = input.check(id.unwrap_or_default())?;
    let mut tx = store.begin().await?;
    store.save_programme(&mut tx, &p).await?;
    tx.commit().await?;
    Ok(store.programme(p.id).await?)
}
