//! Creating and replacing organisations and programmes: one path for the JSON API and the
//! editing workspace's forms, so both check, authorise, store and audit a record the same way.

use crate::auth::Actor;
use crate::AppError;
use semey_domain::ids::{OrganisationId, ProgrammeId};
use semey_domain::organisation::{Organisation, OrganisationInput};
use semey_domain::programme::{Programme, ProgrammeInput};
use semey_store::{Store, Tx};
use serde::Serialize;

/// Writes one audit line for a change, in the change's own database transaction.
pub async fn audit<T: Serialize>(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    record_type: &str,
    record_id: &str,
    old: Option<&T>,
    new: Option<&T>,
) -> Result<(), AppError> {
    let json = |v: Option<&T>| v.and_then(|v| serde_json::to_string(v).ok());
    let action = match (old.is_some(), new.is_some()) {
        (false, true) => "create",
        (true, true) => "update",
        _ => "delete",
    };
    store
        .append_audit(
            tx,
            actor.principal.user_id,
            &actor.principal.via.describe(),
            &actor.address,
            action,
            record_type,
            record_id,
            json(old).as_deref(),
            json(new).as_deref(),
        )
        .await?;
    Ok(())
}

/// Checks and stores an organisation: a new one when `id` is `None` (coordinators), else
/// replaces that one (which must exist; its own editors may).
pub async fn save_organisation(
    store: &Store,
    actor: &Actor,
    id: Option<OrganisationId>,
    input: OrganisationInput,
) -> Result<Organisation, AppError> {
    let old = match id {
        Some(id) => {
            let old = store.organisation(id).await?;
            actor.principal.may_write(Some(id))?;
            Some(old)
        }
        None => {
            actor.principal.may_create_organisation()?;
            None
        }
    };
    let org = input.check(id.unwrap_or_default())?;
    let mut tx = store.begin().await?;
    store.save_organisation(&mut tx, &org).await?;
    if old.as_ref() != Some(&org) {
        audit(
            store,
            &mut tx,
            actor,
            "organisation",
            &org.id.to_string(),
            old.as_ref(),
            Some(&org),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(store.organisation(org.id).await?)
}

/// Checks and stores a programme: a new one when `id` is `None`, else replaces that one
/// (which must exist). Editors work on programmes their organisation reports.
pub async fn save_programme(
    store: &Store,
    actor: &Actor,
    id: Option<ProgrammeId>,
    input: ProgrammeInput,
) -> Result<Programme, AppError> {
    let old = match id {
        Some(id) => {
            let old = store.programme(id).await?;
            actor.principal.may_write(old.reporting_org_id)?;
            Some(old)
        }
        None => None,
    };
    actor.principal.may_write(input.reporting_org_id)?;
    let p = input.check(id.unwrap_or_default())?;
    let mut tx = store.begin().await?;
    store.save_programme(&mut tx, &p).await?;
    let stored = p.clone().canonical();
    let old = old.map(Programme::canonical);
    if old.as_ref() != Some(&stored) {
        audit(
            store,
            &mut tx,
            actor,
            "programme",
            &p.id.to_string(),
            old.as_ref(),
            Some(&stored),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(store.programme(p.id).await?)
}
